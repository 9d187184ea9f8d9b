"""Request bodies that are not JSON: Cargo-IMP messages arrive as plain text, manifests as CSV."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework.parsers import BaseParser

from ewtp.core.errors import DomainError


class _BoundedTextParser(BaseParser):
    """A text body in UTF-8 → str, refused (413) beyond `max_bytes` without reading it all."""

    max_bytes: int
    encoding = "utf-8"
    what: str  # for the refusals: "A message", "A CSV manifest"
    too_large_code: str
    not_text_code: str

    # DRF's stubs expect a mapping; for these media types request.data is the text.
    def parse(  # type: ignore[override]
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> str:
        body = stream.read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            raise DomainError(
                f"{self.what} is at most {self.max_bytes:,} bytes.",
                code=self.too_large_code,
                status=413,
            )
        try:
            return str(body.decode(self.encoding))
        except UnicodeDecodeError:
            raise DomainError(
                f"{self.what} is not UTF-8 text.", code=self.not_text_code, status=400
            ) from None


# An FSU of 200 lines is under 16 KB; anything much larger is not one message.
MAX_MESSAGE_BYTES = 64 * 1024
# A manifest request holds at most 1,000 parcels; a row is well under 256 bytes.
MAX_CSV_BYTES = 512 * 1024


class PlainTextParser(_BoundedTextParser):
    """`text/plain` in UTF-8 (Cargo-IMP is ASCII) → str."""

    media_type = "text/plain"
    max_bytes = MAX_MESSAGE_BYTES
    what = "A message"
    too_large_code = "MESSAGE_TOO_LARGE"
    not_text_code = "MESSAGE_NOT_TEXT"


class CsvParser(_BoundedTextParser):
    """`text/csv` in UTF-8 (a byte-order mark is allowed) → str."""

    media_type = "text/csv"
    max_bytes = MAX_CSV_BYTES
    encoding = "utf-8-sig"
    what = "A CSV manifest"
    too_large_code = "MANIFEST_TOO_LARGE"
    not_text_code = "CSV_NOT_TEXT"
