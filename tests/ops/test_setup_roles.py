"""`manage.py setup_roles`: the staff groups exist with exactly the permissions written in code."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from ewtp.core.management.commands.setup_roles import CUSTOMS_OFFICERS, PLATFORM_STAFF

pytestmark = pytest.mark.django_db


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_creates_both_groups_and_running_twice_changes_nothing():
    call_command("setup_roles", stdout=StringIO())
    first = {name: codenames(name) for name in (CUSTOMS_OFFICERS, PLATFORM_STAFF)}

    call_command("setup_roles", stdout=StringIO())

    assert Group.objects.filter(name__in=[CUSTOMS_OFFICERS, PLATFORM_STAFF]).count() == 2
    assert {name: codenames(name) for name in first} == first
    assert "core.add_apikey" in first[PLATFORM_STAFF]
    assert "core.view_organization" in first[CUSTOMS_OFFICERS]
    assert "core.view_apikey" not in first[CUSTOMS_OFFICERS]
    assert "customs.change_declaration" in first[CUSTOMS_OFFICERS]


def test_nobody_may_delete_and_stray_permissions_are_removed():
    call_command("setup_roles", stdout=StringIO())
    officers = Group.objects.get(name=CUSTOMS_OFFICERS)
    officers.permissions.add(Permission.objects.get(codename="delete_apikey"))

    call_command("setup_roles", stdout=StringIO())

    for name in (CUSTOMS_OFFICERS, PLATFORM_STAFF):
        assert not any(".delete_" in perm for perm in codenames(name))
