"""Create or refresh the staff groups of the officers' admin. Safe to run on every deploy.

Roles are defined here, in code, so a review shows who may do what; running the command makes
each group's permissions exactly what is written below (extra permissions are removed).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

CUSTOMS_OFFICERS = "Customs officers"
PLATFORM_STAFF = "Platform staff"

# group -> "app_label" (every model of the app) or "app_label.model" -> the actions granted.
# Nobody gets "delete": keys are revoked and decisions are audited, never erased.
ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    CUSTOMS_OFFICERS: {
        "customs": ("view", "change"),
        # Officers maintain the risk rules, watch list, trust flags and sampling themselves.
        "customs.riskrule": ("add",),
        "customs.partylistentry": ("add",),
        "customs.merchanttrust": ("add",),
        "customs.samplingpolicy": ("add",),
        "logistics": ("view",),
        "marketplace": ("view",),
        # Who a declarant is, but not partners' API keys or other staff accounts.
        "core.organization": ("view",),
    },
    PLATFORM_STAFF: {
        "core": ("view", "add", "change"),
        "events": ("view",),
        "marketplace": ("view",),
        # Merchants' onboarding: edit the application, review it through the admin actions.
        "marketplace.merchantprofile": ("view", "add", "change"),
        "marketplace.merchantcontact": ("view", "add", "change"),
        "customs": ("view",),
        "logistics": ("view",),
        # ICS2 referrals are recorded (and requests lifted) through the admin's block page.
        "logistics.shipmentblock": ("view", "add"),
    },
}


def role_permissions(grants: dict[str, tuple[str, ...]]) -> list[Permission]:
    """The permissions that exist now (after migrate) for the given app/action grants."""
    query = Q(pk__in=[])
    for target, actions in grants.items():
        app_label, _, model = target.partition(".")
        where = Q(content_type__app_label=app_label)
        if model:
            where &= Q(content_type__model=model)
        for action in actions:
            query |= where & Q(codename__startswith=f"{action}_")
    return list(Permission.objects.filter(query).select_related("content_type"))


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Make every group in ROLES exist with exactly its permissions; returns counts per group."""
    counts: dict[str, int] = {}
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = role_permissions(grants)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


class Command(BaseCommand):
    help = "Create or update the 'Customs officers' and 'Platform staff' groups (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in roles_setup().items():
            self.stdout.write(f"Group {name!r}: {count} permissions.")
