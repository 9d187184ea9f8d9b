"""What every marketplace view shares: documented problem responses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

NOT_FOUND = OpenApiResponse(description="No such object, or it belongs to another organisation")
INVALID = OpenApiResponse(description="Invalid fields (problem+json with `errors`)")
CONFLICT = OpenApiResponse(description="Conflicts with the current state (problem+json)")
REFUSED = OpenApiResponse(description="A business rule refused it (problem+json with `code`)")
FORBIDDEN = OpenApiResponse(description="Not allowed, e.g. `merchant_not_approved` (problem+json)")
