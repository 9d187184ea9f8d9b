"""A developer's machine and the demo (`make run`): debug on, a fixed local secret."""

from ewtp.settings.base import *  # noqa: F403
from ewtp.settings.env import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "local-development-only-not-a-secret")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
DEMO_DATA_ALLOWED = True
