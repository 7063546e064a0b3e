"""Production settings plus the two things a local measurement needs.

- ``STATIC_ROOT`` points at a temporary folder so ``collectstatic`` (hashed, compressed files
  served by whitenoise) does not write into the checkout.
- Media files are served by Django (``perf_urls``) because there is no S3 bucket or CDN here;
  pages under test reference teacher photos and Lighthouse fetches them.

Everything else (DEBUG off, secure cookies, CSP, HSTS, mandatory email verification) is
exactly production.
"""

import os

from site_config.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["PERF_STATIC_ROOT"]
ROOT_URLCONF = "tests.perf.perf_urls"
