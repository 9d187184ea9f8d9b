"""Benchmarks: production-like (no debug, persistent connections) on a dedicated database."""

from ewtp.settings.base import *  # noqa: F403
from ewtp.settings.base import REST_FRAMEWORK

SECRET_KEY = "bench-only-not-a-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DEMO_DATA_ALLOWED = True
WEBHOOK_ALLOW_LOOPBACK = True
# Benchmarks measure the work, not the rate limiter.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"api_key": "100000000/min", "public": "100000000/min"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
