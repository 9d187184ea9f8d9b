"""Documents traders send customs with an answer: what is accepted, checked by content.

A file is what its first bytes say it is, whatever its name: PDF, PNG or JPEG only (what
invoices, certificates and photos of goods come as), each within CUSTOMS_ATTACHMENT_MAX_BYTES,
at most CUSTOMS_ATTACHMENTS_MAX per answer. Each is kept with its SHA-256.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from ewtp.core.errors import DomainError

if TYPE_CHECKING:
    from customs.models import InformationRequestAttachment

# Magic numbers: the first bytes of each accepted kind of file.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_FILES = 5


@dataclass(frozen=True, slots=True)
class AttachmentUpload:
    file_name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class CheckedAttachment:
    file_name: str
    content_type: str
    content: bytes
    sha256: str


def max_bytes() -> int:
    return int(getattr(settings, "CUSTOMS_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "CUSTOMS_ATTACHMENTS_MAX", DEFAULT_MAX_FILES))


def safe_file_name(name: str) -> str:
    """The last part of whatever path the browser sent, without control characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:255] or "attachment"


def content_type_of(content: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def attachments_check(uploads: Sequence[AttachmentUpload]) -> list[CheckedAttachment]:
    """Every upload checked (DomainError naming `attachments.<i>` for the first bad one)."""
    if len(uploads) > max_files():
        raise DomainError(
            f"At most {max_files()} files go with one answer.",
            code="too_many_attachments",
            field="attachments",
        )
    checked = []
    for index, upload in enumerate(uploads):
        field = f"attachments.{index}"
        name = safe_file_name(upload.file_name)
        if not upload.content:
            raise DomainError(f"{name} is empty.", code="attachment_empty", field=field)
        if len(upload.content) > max_bytes():
            raise DomainError(
                f"{name} is {len(upload.content):,} bytes; the limit is {max_bytes():,}.",
                code="attachment_too_large",
                field=field,
            )
        content_type = content_type_of(upload.content)
        if content_type is None:
            raise DomainError(
                f"{name} is not a PDF, PNG or JPEG file.",
                code="attachment_type_not_allowed",
                field=field,
            )
        digest = hashlib.sha256(upload.content).hexdigest()
        checked.append(CheckedAttachment(name, content_type, upload.content, digest))
    return checked


def attachment_download(attachment: InformationRequestAttachment) -> HttpResponse:
    """The document as a download: never shown inline, never sniffed into another type (its
    type was checked by content on the way in), with its SHA-256 for the receiver to check."""
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.file_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Digest"] = f"sha-256={attachment.sha256}"
    return response
