"""The test suite: real PostgreSQL and Redis.

Runs never mix: each xdist worker (gw0, gw1, ...) uses its own Redis database, and every
database name, cache key and broker key also carries a tag of the checkout, so two clones
tested at once on one machine (a developer's tree and CI's fresh clone) keep apart.
"""

import hashlib
import os

from ewtp.settings.base import *  # noqa: F403
from ewtp.settings.base import (
    BASE_DIR,
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    DATABASES,
    REDIS_URL,
    REST_FRAMEWORK,
)

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only

_checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]
# pytest-django adds the xdist worker's suffix (_gw0, ...) to this name.
DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_checkout}"}

_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_redis_db = 1 + int(_worker.removeprefix("gw") or 0)
_redis_base = REDIS_URL.rsplit("/", 1)[0]
REDIS_URL = f"{_redis_base}/{_redis_db}"
CACHES["default"]["LOCATION"] = REDIS_URL
CACHES["default"]["KEY_PREFIX"] = f"ewtp-test-{_checkout}-{_worker}"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": f"ewtp-test-{_checkout}-{_worker}:",
}
CELERY_TASK_ALWAYS_EAGER = False

WEBHOOK_ALLOW_LOOPBACK = True  # tests receive webhooks on a loopback server they start

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_key": "100000/min", "public": "100000/min"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
DEMO_DATA_ALLOWED = True
