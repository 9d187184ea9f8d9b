"""A catalogue import: the uploaded file, and the progress and outcome of the job reading it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from ewtp.core.models import Organization


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class CatalogFileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportJob(models.Model):
    """One real run of a catalogue file. Rows land batch by batch, each batch committed with
    the counters, so `processed_rows` is both the progress bar and where a redelivered job
    resumes. `errors` keeps the first few hundred row errors; `error_count` counts them all."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    file_name = models.CharField(max_length=255, blank=True, default="")
    file_format = models.CharField(max_length=8, choices=CatalogFileFormat.choices)
    # The file itself, in the database: the worker may run on another machine, and the job
    # and its file commit together. Emptied once the job has finished.
    source = models.BinaryField(editable=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    failure = models.TextField(blank=True, default="", help_text="Why the whole job failed")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")),
                name="import_job_processed_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == ImportJobStatus.SUCCEEDED:
            return 100
        return self.processed_rows * 100 // self.total_rows if self.total_rows else 0

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)
