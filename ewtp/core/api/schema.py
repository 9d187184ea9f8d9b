"""OpenAPI post-processing: every operation documents the problem documents it can answer with."""

from __future__ import annotations

from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "example": "urn:ewtp:problem:validation_failed"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine-readable error code."},
        "instance": {"type": "string"},
        "request_id": {"type": "string", "nullable": True},
        "retry_after_seconds": {"type": "integer"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "pointer", "code", "message"],
                "properties": {
                    "field": {"type": "string", "example": "items.0.code"},
                    "pointer": {"type": "string", "example": "/items/0/code"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_COMMON = {
    "400": "Malformed or invalid input; `errors` names each field.",
    "401": "Missing, unknown, expired or revoked API key.",
    "403": "The key lacks a scope, or the organisation may not use this endpoint.",
    "404": "Not found, or not yours.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "Request body too large.",
    "415": "Unsupported media type.",
    "429": "Rate limit reached; see Retry-After.",
}
_WRITES = {
    "409": "Conflicts with the current state, or an Idempotency-Key still in flight.",
    "422": "Understood but refused by a business rule, or an Idempotency-Key reused.",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    ref = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = dict(_COMMON)
            if method in {"post", "put", "patch", "delete"}:
                codes.update(_WRITES)
                if method == "post":
                    operation.setdefault("parameters", []).append(
                        {
                            "in": "header",
                            "name": "Idempotency-Key",
                            "required": False,
                            "schema": {"type": "string", "maxLength": 255},
                            "description": "Send the same key to retry safely; kept 24 h.",
                        }
                    )
            for code, description in codes.items():
                operation["responses"].setdefault(
                    code, {"description": description, "content": ref}
                )
    return result
