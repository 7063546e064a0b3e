"""A real S3-compatible server for tests: moto in server mode on 127.0.0.1.

``moto_s3`` (module-scoped) starts the server; ``s3_media`` points Django's default storage
at a fresh bucket for one test (``override_settings`` makes Django reset its storages), and
applies the production bucket policy from ``site_config.storage``.
"""

import socket
import uuid
from dataclasses import dataclass

import pytest
from django.test import override_settings

REGION = "eu-west-3"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Media:
    endpoint_url: str
    bucket: str
    client: object

    def keys(self, prefix=""):
        response = self.client.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for item in response.get("Contents", []))

    def read(self, key):
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def url_prefix(self):
        return f"{self.endpoint_url}/{self.bucket}/"


@pytest.fixture(scope="module")
def moto_s3():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_media(moto_s3):
    import boto3

    from site_config.storage import bucket_policy_json

    bucket = f"petit-talk-media-{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=REGION,
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    client.put_bucket_policy(Bucket=bucket, Policy=bucket_policy_json(bucket))
    storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": moto_s3,
            "access_key": "testing",
            "secret_key": "testing",
            "region_name": REGION,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    from django.conf import settings

    storages = {**settings.STORAGES, "default": storage}
    with override_settings(STORAGES=storages, WAGTAILDOCS_SERVE_METHOD="serve_view"):
        yield S3Media(endpoint_url=moto_s3, bucket=bucket, client=client)
