"""Platform staff follow merchants' catalogue imports in the admin; nobody edits them there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from ewtp.core.models import UserRole
from marketplace.catalog_io import import_job_create
from tests.marketplace.catalog_io.files import csv_bytes, listing
from tests.marketplace.flows import staff_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/marketplace/importjob/"


def test_staff_see_each_job_and_its_progress_but_cannot_change_it(trade):
    job = import_job_create(
        merchant=trade.merchant,
        file_name="spring-catalogue.csv",
        content=csv_bytes([listing("WAF-12"), listing("WAF-24")]),
        enqueue=False,
    )
    user = staff_user(UserRole.STAFF)
    user.user_permissions.add(*Permission.objects.filter(codename="view_importjob"))
    client = Client()
    client.force_login(user)

    changelist = client.get(CHANGELIST)
    detail = client.get(f"{CHANGELIST}{job.pk}/change/")

    assert changelist.status_code == 200
    assert "spring-catalogue.csv" in changelist.content.decode()
    assert detail.status_code == 200
    assert 'name="source"' not in detail.content.decode()
    assert client.post(f"{CHANGELIST}{job.pk}/delete/").status_code == 403
