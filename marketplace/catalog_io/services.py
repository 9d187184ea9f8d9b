"""The writes of catalogue imports: a dry run that keeps nothing, and the job of a real run."""

from __future__ import annotations

import io
import itertools
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import PermissionDenied
from ewtp.core.jobs import TRANSIENT_ERRORS
from ewtp.core.models import Organization, OrganizationKind
from marketplace import tasks
from marketplace.catalog_io.importing import BATCH_SIZE, CatalogImporter, ImportCounts
from marketplace.catalog_io.reading import RawRow, inspect, read_rows
from marketplace.models import ImportJob, ImportJobStatus

logger = logging.getLogger(__name__)

Progress = Callable[[int], object]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What a dry run found: what the real run would do with each row."""

    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[dict[str, object]]


class _DryRunOver(Exception):  # control flow: leaves the savepoint, keeps nothing
    pass


def _batches(rows: Iterator[RawRow]) -> Iterator[list[RawRow]]:
    while batch := list(itertools.islice(rows, BATCH_SIZE)):
        yield batch


def _check_merchant(merchant: Organization) -> None:
    if merchant.kind != OrganizationKind.MERCHANT:
        raise PermissionDenied("Only merchants list products.", code="not_a_merchant")


def catalog_import_dry_run(
    *, merchant: Organization, stream: IO[bytes], size: int | None = None,
    on_progress: Progress | None = None,
) -> ImportSummary:  # fmt: skip
    """Everything the real import would do with the file, and every row's errors, keeping
    nothing: the rows go through the very same code in a savepoint that is then rolled back,
    so the dry run cannot disagree with the real run."""
    _check_merchant(merchant)
    catalog_file = inspect(stream, size=size)
    counts = ImportCounts()
    importer = CatalogImporter(merchant=merchant)
    try:
        with transaction.atomic():
            for batch in _batches(read_rows(stream, catalog_file)):
                counts.add(importer.import_batch(batch))
                if on_progress is not None:
                    on_progress(counts.rows)
            raise _DryRunOver
    except _DryRunOver:
        pass
    return ImportSummary(
        rows=counts.rows,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        errors=[e.as_dict() for e in counts.errors],
    )


@transaction.atomic
def import_job_create(
    *, merchant: Organization, file_name: str, content: bytes, enqueue: bool = True
) -> ImportJob:
    """Accept a catalogue file for import: the file is checked as a whole (type, columns,
    size) at once, its rows by the job, on the `imports` queue, after commit."""
    _check_merchant(merchant)
    catalog_file = inspect(io.BytesIO(content), size=len(content))
    job = ImportJob.objects.create(
        merchant=merchant,
        file_name=file_name[:255],
        file_format=catalog_file.format,
        source=content,
        total_rows=catalog_file.total_rows,
    )
    if enqueue:
        job_id = str(job.pk)
        transaction.on_commit(lambda: tasks.import_catalog.delay(job_id))
    return job


def _record_batch(job_id: uuid.UUID, start: int, counts: ImportCounts) -> bool:
    """Add a batch's counts to the job in the batch's transaction. False if another run of the
    job got there first (a redelivered job racing the original): this run then stops."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.processed_rows != start or job.finished:
        return False
    job.processed_rows = min(job.processed_rows + counts.rows, job.total_rows)
    job.created_count += counts.created
    job.updated_count += counts.updated
    job.unchanged_count += counts.unchanged
    job.error_count += len(counts.errors)
    room = settings.CATALOG_IMPORT_MAX_ERRORS_KEPT - len(job.errors)
    job.errors = [*job.errors, *(e.as_dict() for e in counts.errors[: max(room, 0)])]
    job.save()
    return True


def _job_finish(job_id: uuid.UUID, *, status: str, failure: str = "") -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if not job.finished:
            job.status = status
            job.failure = failure[:2000]
            job.finished_at = timezone.now()
            job.source = b""
            job.save()
        return job


def import_job_run(*, job_id: uuid.UUID, on_progress: Progress | None = None) -> ImportJob:
    """Run an import job to its end, batch by batch, each batch committed with the job's
    counters. Idempotent: a finished job is left alone, a redelivered one resumes after its
    last committed batch (the rows before are only read for their SKUs)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("merchant").get(pk=job_id)
        if job.finished:
            return job
        job.status = ImportJobStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        stream = io.BytesIO(bytes(job.source))
        catalog_file = inspect(stream)
        importer = CatalogImporter(merchant=job.merchant)
        done = 0
        for batch in _batches(read_rows(stream, catalog_file)):
            start, done = done, done + len(batch)
            if done <= job.processed_rows:
                importer.remember(batch)
                continue
            with transaction.atomic():
                if not _record_batch(job.pk, start, importer.import_batch(batch)):
                    logger.warning("import job %s is run elsewhere; this run stops", job.pk)
                    job.refresh_from_db()
                    return job
            if on_progress is not None:
                on_progress(done)
    except TRANSIENT_ERRORS:
        raise  # the job is retried and resumes
    except Exception as error:  # any other failure ends the job, then is logged
        _job_finish(job.pk, status=ImportJobStatus.FAILED, failure=str(error))
        raise
    return _job_finish(job.pk, status=ImportJobStatus.SUCCEEDED)
