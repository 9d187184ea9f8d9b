"""Request bodies that are not JSON: Cargo-IMP messages arrive as plain text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.parsers import BaseParser

from ewtp.core.errors import DomainError

# An FSU of 200 lines is under 16 KB; anything much larger is not one message.
MAX_MESSAGE_BYTES = 64 * 1024


class PlainTextParser(BaseParser):
    """`text/plain` in UTF-8 (Cargo-IMP is ASCII) → str."""

    media_type = "text/plain"

    # DRF's stubs expect a mapping; for this media type request.data is the text.
    def parse(  # type: ignore[override]
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> str:
        body = stream.read(MAX_MESSAGE_BYTES + 1)
        if len(body) > MAX_MESSAGE_BYTES:
            raise DomainError(
                f"A message is at most {MAX_MESSAGE_BYTES:,} bytes.",
                code="MESSAGE_TOO_LARGE",
                status=413,
            )
        try:
            return str(body.decode("utf-8"))
        except UnicodeDecodeError:
            raise DomainError(
                "The message is not UTF-8 text.", code="MESSAGE_NOT_TEXT", status=400
            ) from None


# A manifest request holds at most 1,000 parcels; a row is well under 256 bytes.
MAX_CSV_BYTES = 512 * 1024


class CsvParser(BaseParser):
    """`text/csv` in UTF-8 (a byte-order mark is allowed) → str."""

    media_type = "text/csv"

    # DRF's stubs expect a mapping; for this media type request.data is the text.
    def parse(  # type: ignore[override]
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> str:
        body = stream.read(MAX_CSV_BYTES + 1)
        if len(body) > MAX_CSV_BYTES:
            raise DomainError(
                f"A CSV manifest is at most {MAX_CSV_BYTES:,} bytes.",
                code="MANIFEST_TOO_LARGE",
                status=413,
            )
        try:
            return str(body.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise DomainError(
                "The CSV is not UTF-8 text.", code="CSV_NOT_TEXT", status=400
            ) from None
