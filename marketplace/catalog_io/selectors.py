"""Reads of catalogue imports, scoped to the merchant asking (another's job is not found)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from ewtp.core.errors import NotFound
from ewtp.core.models import Organization
from marketplace.models import ImportJob


def import_job_list(*, merchant: Organization) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(merchant=merchant).defer("source")


def import_job_get(*, merchant: Organization, job_id: uuid.UUID) -> ImportJob:
    job = import_job_list(merchant=merchant).filter(pk=job_id).first()
    if job is None:
        raise NotFound("No such import job.")
    return job
