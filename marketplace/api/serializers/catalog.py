"""Shapes of the catalogue import and export API (the file format is docs/catalog-import.md)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ewtp.core.api.serializers import StrictSerializer
from marketplace.models import ImportJob


class CatalogImportQuery(StrictSerializer):
    dry_run = serializers.BooleanField(
        default=False,
        help_text="Check the file and report what an import would do, writing nothing.",
    )


class CatalogImportInput(serializers.Serializer[Any]):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The catalogue, CSV (UTF-8, comma) or XLSX (first sheet), with a header row.",
    )


class CatalogExportQuery(StrictSerializer):
    format = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")


class RowErrorOutput(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="As a spreadsheet numbers it: the header is row 1.")
    column = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class CatalogDryRunOutput(serializers.Serializer[Any]):
    rows = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Rows that would list a new SKU.")
    updated = serializers.IntegerField(help_text="Rows that would change a listing or variant.")
    unchanged = serializers.IntegerField()
    # DRF's metaclass takes declared fields off the class, so this does not hide `.errors`.
    errors = RowErrorOutput(many=True)  # type: ignore[assignment]


class ImportJobOutput(serializers.ModelSerializer[ImportJob]):
    created = serializers.IntegerField(source="created_count")
    updated = serializers.IntegerField(source="updated_count")
    unchanged = serializers.IntegerField(source="unchanged_count")
    errors = RowErrorOutput(  # type: ignore[assignment]  # as above: a field, not Serializer.errors
        many=True, help_text="The first errors (error_count counts all)."
    )

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "file_name",
            "file_format",
            "total_rows",
            "processed_rows",
            "percent",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "failure",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    percent = serializers.IntegerField(read_only=True)
