"""The media bucket's access rules.

Objects are uploaded with no ACL (``AWS_DEFAULT_ACL = None``); what visitors may read is
decided by the bucket policy alone: the prefixes that public pages link to (profile photos and
intro videos, Wagtail images and renditions) are readable by anyone who has an object's URL.
Nobody may list the bucket, and every other prefix (``documents/`` in particular, which
Wagtail serves through its own view after checking collection privacy) stays private.
Apply with ``python -c 'from site_config.storage import bucket_policy_json; ...'`` or copy the
JSON from docs/operations.md.
"""

import json

PUBLIC_MEDIA_PREFIXES = ("profiles/", "images/", "original_images/")


def bucket_policy(bucket):
    """The S3 bucket policy for the media bucket (a dict)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadOfPublishedMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": [
                    f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in PUBLIC_MEDIA_PREFIXES
                ],
            }
        ],
    }


def bucket_policy_json(bucket):
    return json.dumps(bucket_policy(bucket), indent=2)
