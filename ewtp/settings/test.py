"""The test suite: real PostgreSQL and Redis, each xdist worker on its own Redis database."""

import os

from ewtp.settings.base import *  # noqa: F403
from ewtp.settings.base import CACHES, REDIS_URL, REST_FRAMEWORK

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only

# xdist workers gw0, gw1, ... each get their own Redis database so caches and queues never mix.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_redis_db = 1 + int(_worker.removeprefix("gw") or 0)
_redis_base = REDIS_URL.rsplit("/", 1)[0]
REDIS_URL = f"{_redis_base}/{_redis_db}"
CACHES["default"]["LOCATION"] = REDIS_URL
CACHES["default"]["KEY_PREFIX"] = f"ewtp-test-{_worker}"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False

WEBHOOK_ALLOW_LOOPBACK = True  # tests receive webhooks on a loopback server they start

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_key": "100000/min", "public": "100000/min"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
DEMO_DATA_ALLOWED = True
