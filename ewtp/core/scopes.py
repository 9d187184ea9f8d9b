"""The scopes an API key can carry. A key may do only what its scopes name."""

from django.db import models


class Scope(models.TextChoices):
    CATALOG_READ = "catalog:read", "Read listings"
    CATALOG_WRITE = "catalog:write", "Create and change listings"
    ORDERS_READ = "orders:read", "Read orders"
    ORDERS_WRITE = "orders:write", "Place and cancel orders"
    PAYMENTS_WRITE = "payments:write", "Confirm payments and refunds"
    DECLARATIONS_READ = "declarations:read", "Read customs declarations"
    DECLARATIONS_WRITE = "declarations:write", "File customs declarations"
    SHIPMENTS_READ = "shipments:read", "Read shipments"
    SHIPMENTS_WRITE = "shipments:write", "Create shipments and waybills"
    TRACKING_READ = "tracking:read", "Read tracking events"
    TRACKING_WRITE = "tracking:write", "Post tracking events"
    WEBHOOKS_MANAGE = "webhooks:manage", "Manage webhook endpoints"
    CAMPAIGNS_READ = "campaigns:read", "Read trade-promotion campaigns"
    CAMPAIGNS_WRITE = "campaigns:write", "Run trade-promotion campaigns, or opt out of them"


ALL_SCOPES: frozenset[str] = frozenset(Scope.values)
