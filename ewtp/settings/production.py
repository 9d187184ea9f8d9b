"""Production: refuses to start without a secret key and allowed hosts; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from ewtp.settings.base import *  # noqa: F403
from ewtp.settings.base import ALLOWED_HOSTS, BUYER_ID_ENCRYPTION_KEY, MIDDLEWARE, SECRET_KEY
from ewtp.settings.env import env_bool, env_int, env_list

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (at least 50 random characters).")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set (comma-separated host names).")
if not BUYER_ID_ENCRYPTION_KEY:
    # Buyers' ID numbers are encrypted with it; one derived from SECRET_KEY would be lost with it.
    raise ImproperlyConfigured(
        "BUYER_ID_ENCRYPTION_KEY must be set (a Fernet key: Fernet.generate_key())."
    )

DEBUG = False
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS]
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Collected static files (admin, portal CSS, API docs) are served by the app server itself;
# locally runserver serves them from the apps, so only production needs this.
MIDDLEWARE = [
    *MIDDLEWARE[:3],  # request id, body limit, security
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[3:],
]

# Hashed, compressed static files served by WhiteNoise (collectstatic runs in the image build).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
