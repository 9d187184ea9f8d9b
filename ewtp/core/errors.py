"""Domain errors: raised by services, turned into RFC 9457 problem documents by the API layer.

Each carries a stable machine code that partners can branch on; the HTTP status is a default
the API layer uses, not something services should think about.
"""

from __future__ import annotations


class DomainError(Exception):
    status = 422
    code = "domain_error"
    title = "The request could not be processed"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        field: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.field = field


class InvalidTransition(DomainError):
    """A state machine was asked for a move its transition table does not allow."""

    status = 409
    code = "invalid_transition"
    title = "This change is not allowed in the current state"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "The request conflicts with the current state"


class NotFound(DomainError):
    """Missing, or belonging to another tenant: the two are indistinguishable on purpose."""

    status = 404
    code = "not_found"
    title = "Not found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    title = "Not allowed"
