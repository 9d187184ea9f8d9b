"""Bulk catalogue import and export (CSV and XLSX): the file format, its reader and row parser,
the set-wise importer, the dry run and the import job, and the export. See
docs/catalog-import.md for the format."""

from marketplace.catalog_io.exporting import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    catalog_csv,
    catalog_rows,
    catalog_xlsx,
)
from marketplace.catalog_io.reading import CatalogFileError, inspect, max_bytes
from marketplace.catalog_io.selectors import import_job_get, import_job_list
from marketplace.catalog_io.services import (
    ImportSummary,
    catalog_import_dry_run,
    import_job_create,
    import_job_run,
)

__all__ = [
    "CSV_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "CatalogFileError",
    "ImportSummary",
    "catalog_csv",
    "catalog_import_dry_run",
    "catalog_rows",
    "catalog_xlsx",
    "import_job_create",
    "import_job_get",
    "import_job_list",
    "import_job_run",
    "inspect",
    "max_bytes",
]
