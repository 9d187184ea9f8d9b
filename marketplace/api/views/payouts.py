"""A merchant's payout statements: what the platform owes it, month by month."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from ewtp.core.api.base import PartnerApi
from ewtp.core.api.pagination import CreatedCursorPagination
from ewtp.core.models import OrganizationKind
from ewtp.core.scopes import Scope
from marketplace import selectors
from marketplace.api.serializers.payouts import PayoutStatementOutput
from marketplace.api.views.common import NOT_FOUND

# A statement is the money side of the merchant's own orders: reading it takes orders:read.


class PayoutListApi(PartnerApi):
    required_scopes = {"GET": Scope.ORDERS_READ}
    allowed_kinds = {OrganizationKind.MERCHANT}
    pagination_class = CreatedCursorPagination

    @extend_schema(operation_id="payouts_list", responses=PayoutStatementOutput(many=True))
    def get(self, request: Request) -> Response:
        statements = selectors.payout_statement_list(merchant=self.organization(request))
        return self.paginated_response(request, statements, PayoutStatementOutput)


class PayoutDetailApi(PartnerApi):
    required_scopes = {"GET": Scope.ORDERS_READ}
    allowed_kinds = {OrganizationKind.MERCHANT}

    @extend_schema(
        operation_id="payouts_retrieve", responses={200: PayoutStatementOutput, 404: NOT_FOUND}
    )
    def get(self, request: Request, statement_id: uuid.UUID) -> Response:
        statement = selectors.payout_statement_get(
            merchant=self.organization(request), statement_id=statement_id
        )
        return Response(PayoutStatementOutput(statement).data)
