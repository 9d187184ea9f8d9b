"""Settings shared by every environment; what differs per deployment comes from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from kombu import Queue

from ewtp.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ewtp.core",
    "ewtp.events",
    "marketplace",
    "customs",
    "logistics",
]

MIDDLEWARE = [
    "ewtp.core.request_id.RequestIdMiddleware",
    "ewtp.core.api.limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ewtp.urls"
WSGI_APPLICATION = "ewtp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ewtp" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ewtp")
DATABASES = {
    # Persistent connections are worth ~4x on DB-bound endpoints on this class of machine.
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    ),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "ewtp.core.cache.SharedPoolRedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL),
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ewtp"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "ewtp" / "static"]  # the portal's own CSS; apps keep theirs
MEDIA_ROOT = BASE_DIR / "var" / "media"

# Largest request body the API accepts; bigger bodies get a 413 problem before they are read.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Catalogue files (marketplace.catalog_io): bigger ones are refused whole; split them. Through
# the API a file is also bound by API_MAX_BODY_BYTES.
CATALOG_IMPORT_MAX_BYTES = env_int("CATALOG_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
CATALOG_IMPORT_MAX_ROWS = env_int("CATALOG_IMPORT_MAX_ROWS", 20_000)
CATALOG_IMPORT_MAX_ERRORS_KEPT = env_int("CATALOG_IMPORT_MAX_ERRORS_KEPT", 500)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["ewtp.core.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["ewtp.core.api.permissions.HasApiKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ewtp.core.api.pagination.CreatedCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["ewtp.core.api.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env_str("API_RATE_PER_KEY", "6000/min"),
        "public": env_str("API_RATE_PUBLIC", "120/min"),
    },
    "EXCEPTION_HANDLER": "ewtp.core.api.problems.problem_exception_handler",
    # Proxies in front of the app; per-IP throttling trusts X-Forwarded-For only that deep.
    # 0: the socket's address (a client-set X-Forwarded-For is ignored).
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "eWTP API",
    "DESCRIPTION": (
        "The partner API of the Electronic World Trade Platform. Authenticate with "
        "`Authorization: Bearer <api key>`. Errors are RFC 9457 problem documents."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ewtp.core.api.schema.add_problem_responses",
    ],
    "APPEND_COMPONENTS": {
        "securitySchemes": {"ApiKey": {"type": "http", "scheme": "bearer"}},
    },
    "SECURITY": [{"ApiKey": []}],
}

# --- Celery: one queue per kind of job, so each scales with its own workers.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a killed worker's job is redelivered; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_QUEUES = ["clearance", "routing", "notifications", "imports", "default"]
CELERY_TASK_QUEUES = [Queue(name) for name in CELERY_QUEUES]
CELERY_TASK_ROUTES = {
    "customs.*": {"queue": "clearance"},
    "logistics.*": {"queue": "routing"},
    "ewtp.events.*": {"queue": "notifications"},
    "marketplace.imports.*": {"queue": "imports"},
}
# Redis redelivers an unacked task after this; it must exceed the longest task time limit.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900),
    # How often a worker looks for jobs a dead worker left unacknowledged past the visibility
    # timeout: every interval x throttle seconds (kombu's 10 x 10 unless told).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10),
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "deliver-due-webhooks": {
        "task": "ewtp.events.deliver_due_webhooks",
        "schedule": 10.0,
    },
    "purge-idempotency-records": {
        "task": "ewtp.core.purge_idempotency_records",
        "schedule": crontab(minute=17),
    },
    "route-ready-shipments": {
        "task": "logistics.route_ready_shipments",
        "schedule": 60.0,
    },
    # Parcels with no report for longer than their status allows go to the hub's exception queue.
    "logistics-flag-stale-shipments": {
        "task": "logistics.flag_stale_shipments",
        "schedule": 600.0,
    },
    # Daily: tracking-event partitions for the months ahead; months past retention detached.
    "logistics-maintain-tracking-partitions": {
        "task": "logistics.maintain_tracking_partitions",
        "schedule": crontab(hour=2, minute=37),
    },
    "verify-audit-chain": {
        "task": "customs.verify_audit_chain",
        "schedule": crontab(hour=3, minute=41),
    },
    # Declarations still submitted a minute after filing lost their clearance job: queue again.
    "customs-dispatch-waiting-declarations": {
        "task": "customs.dispatch_waiting_declarations",
        "schedule": 60.0,
    },
    # Requests for information unanswered by their deadline put the declaration on hold.
    "customs-hold-overdue-information-requests": {
        "task": "customs.hold_overdue_information_requests",
        "schedule": 300.0,
    },
    # Daily: exports released over 90 days ago without a confirmed exit raise an alert.
    "customs-flag-missing-export-exits": {
        "task": "customs.flag_missing_export_exits",
        "schedule": crontab(hour=4, minute=13),
    },
    # Daily, after midnight UTC: lapsed certificates unpublish, merchants warned 30 days ahead.
    "marketplace-certificates-check": {
        "task": "marketplace.certificates_check",
        "schedule": crontab(hour=0, minute=23),
    },
    # Daily, after the ECB's 16:00 CET publication: store new reference rates (idempotent).
    "marketplace-load-exchange-rates": {
        "task": "marketplace.load_exchange_rates",
        "schedule": crontab(hour=16, minute=47),
    },
    # Daily, after midnight UTC: campaigns past their last day end (they stopped counting then).
    "marketplace-end-expired-campaigns": {
        "task": "marketplace.end_expired_campaigns",
        "schedule": crontab(hour=0, minute=11),
    },
    # On the 1st, after midnight UTC: the past month's payout statements, built and closed.
    "marketplace-close-payout-statements": {
        "task": "marketplace.close_payout_statements",
        "schedule": crontab(day_of_month=1, hour=2, minute=7),
    },
    # Orders not paid within ORDER_PAYMENT_WINDOW expire: stock and quota go back.
    "marketplace-expire-unpaid-orders": {
        "task": "marketplace.expire_unpaid_orders",
        "schedule": 60.0,
    },
}

# --- Webhooks
WEBHOOK_ALLOW_LOOPBACK = False  # only the test suite turns this on
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 72)
# A rotated-out signing secret keeps signing beside the new one for this long.
WEBHOOK_SECRET_GRACE_HOURS = env_int("WEBHOOK_SECRET_GRACE_HOURS", 24)
# An endpoint whose attempts have all failed for this long is disabled (see ewtp.events.delivery).
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 5)
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)

# --- Customs
# Key of the HMAC that stands for a CBEC buyer's ID number in the quota ledger. Empty: derived
# from SECRET_KEY; set it in production, or rotating SECRET_KEY would orphan the ledger.
BUYER_ID_HMAC_KEY = env_str("BUYER_ID_HMAC_KEY", "")

# --- Marketplace orders
# Fernet key (urlsafe base64 of 32 bytes) that encrypts buyers' and payers' ID numbers at rest.
# Empty: derived from SECRET_KEY (dev and test only; production refuses to start without it).
BUYER_ID_ENCRYPTION_KEY = env_str("BUYER_ID_ENCRYPTION_KEY", "")
# A placed order not paid within this window expires and gives its stock and quota back.
ORDER_PAYMENT_WINDOW = timedelta(minutes=env_int("ORDER_PAYMENT_WINDOW_MINUTES", 30))
# The platform's commission on what merchants sell, in percent (a merchant may have its own,
# MerchantCommission), and the payment provider's fee passed on to merchants, in percent.
MARKETPLACE_COMMISSION_PERCENT = env_str("MARKETPLACE_COMMISSION_PERCENT", "8.00")
PAYMENT_FEE_PERCENT = env_str("PAYMENT_FEE_PERCENT", "0.00")
# The CBEC three-document match: how far (a fraction) the tax an order declares may be from the
# tax customs computes (customs.services.document_match).
CBEC_TAX_TOLERANCE = env_str("CBEC_TAX_TOLERANCE", "0.05")
# Officers' review queue: hours a declaration may wait per lane before it shows as overdue,
# and the default deadline of a request for information.
CUSTOMS_REVIEW_SLA_HOURS = {"red": 4, "yellow": 8, "blue": 24, "green": 24}
CUSTOMS_RFI_HOURS = env_int("CUSTOMS_RFI_HOURS", 48)

# --- Logistics
# Hours a parcel may go without a tracking report, by the status it last reached, before it is
# flagged stale; a status not listed is never flagged. For `loaded` the clock starts at the
# later of the loading scan and the flight's scheduled departure (6 h after a departure with no
# DEP reported). Parcels are examined in batches of LOGISTICS_STALE_BATCH, one transaction each.
LOGISTICS_STALE_AFTER_HOURS: dict[str, int] = {
    "at_hub": 24,
    "customs_hold": 72,
    "customs_released": 24,
    "loaded": 6,
    "departed": 24,
    "arrived": 48,
    "out_for_delivery": 24,
    "exception": 24,
}
LOGISTICS_STALE_BATCH = env_int("LOGISTICS_STALE_BATCH", 1000)
# The exception queue's other clocks: a customs hold active this long, and an outbound parcel
# free to fly but waiting for a flight this long, are raised for hub staff.
LOGISTICS_CUSTOMS_HOLD_OVERDUE_HOURS = env_int("LOGISTICS_CUSTOMS_HOLD_OVERDUE_HOURS", 48)
LOGISTICS_NO_FLIGHT_AFTER_HOURS = env_int("LOGISTICS_NO_FLIGHT_AFTER_HOURS", 24)

# Tracking events are partitioned by the month they were received in: partitions exist from
# this month to TRACKING_PARTITIONS_AHEAD months ahead, and months that ended more than
# TRACKING_RETENTION_MONTHS ago are detached (kept as plain tables to archive), their dedupe
# keys deleted. See docs/logistics.md, "Tracking events: partitions, retention, ingest".
# Bags the routing job packs parcels into: the most one may weigh, and its own weight (kg).
LOGISTICS_BAG_MAX_KG = env_str("LOGISTICS_BAG_MAX_KG", "30")
LOGISTICS_BAG_TARE_KG = env_str("LOGISTICS_BAG_TARE_KG", "0.3")

TRACKING_PARTITIONS_AHEAD = env_int("TRACKING_PARTITIONS_AHEAD", 3)
TRACKING_RETENTION_MONTHS = env_int("TRACKING_RETENTION_MONTHS", 24)

# seed_demo writes users with published passwords; only local and test settings allow it.
DEMO_DATA_ALLOWED = False

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ewtp.core.request_id.RequestIdLogFilter"}},
    "formatters": {"json": {"()": "ewtp.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "celery": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
