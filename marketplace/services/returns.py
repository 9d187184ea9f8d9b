"""CBEC returns: the buyer may ask to send goods back within 30 days of customs' release, and
the goods must be back in the bonded hub within 45 days of it (GACC Announcement 2018 No. 194).
Goods back in time give the buyer's annual allowance back and customs cancels the tax
(customs.handlers, on `marketplace.order.returned`). The money goes back as a refund
(services.payments) once the goods are in."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from customs.services import quota_return
from ewtp.core.errors import DomainError
from marketplace.models import Order, OrderStatus, OrderStatusChange, QuotaState
from marketplace.services.orders import _locked_with_checkout, _order_move, transition_check


def return_windows() -> tuple[timedelta, timedelta]:
    """Days after release to ask for a return, and to have the goods back."""
    return (
        timedelta(days=int(getattr(settings, "CBEC_RETURN_REQUEST_DAYS", 30))),
        timedelta(days=int(getattr(settings, "CBEC_RETURN_ARRIVAL_DAYS", 45))),
    )


def _released_at(order: Order) -> datetime:
    """When customs released the goods: the order's move to `cleared`."""
    cleared = (
        OrderStatusChange.objects.filter(order=order, to_status=OrderStatus.CLEARED)
        .order_by("-changed_at")
        .values_list("changed_at", flat=True)
        .first()
    )
    if cleared is None:
        raise DomainError(
            "Customs never released these goods, so they cannot be returned.",
            code="return_not_released",
        )
    return cleared


@transaction.atomic
def order_return_request(*, order: Order, reason: str, now: datetime | None = None) -> Order:
    """The buyer wants to send delivered goods back: allowed within the request window."""
    now = now or timezone.now()
    locked = _locked_with_checkout(order.pk)
    # The transition table speaks first: a move it refuses is a 409, whatever the dates.
    transition_check(locked, OrderStatus.RETURN_REQUESTED)
    ask_within, _ = return_windows()
    released = _released_at(locked)
    if now > released + ask_within:
        raise DomainError(
            f"A return must be asked for within {ask_within.days} days of customs' release "
            f"({released:%Y-%m-%d}).",
            code="return_window_closed",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError("Say why the goods come back.", code="reason_required", field="reason")
    return _order_move(order=locked, to=OrderStatus.RETURN_REQUESTED, reason=reason)


@transaction.atomic
def order_return_receive(*, order: Order, received_at: datetime | None = None) -> Order:
    """The returned goods are back in the bonded hub. In time, the buyer's CBEC allowance the
    order used is given back (customs cancels the tax on the event); late, they are refused
    and the return stays open for the marketplace to settle with the buyer."""
    received_at = received_at or timezone.now()
    locked = _locked_with_checkout(order.pk)
    transition_check(locked, OrderStatus.RETURNED)
    _, back_within = return_windows()
    released = _released_at(locked)
    if received_at > released + back_within:
        raise DomainError(
            f"Returned goods must be back within {back_within.days} days of customs' release "
            f"({released:%Y-%m-%d}); these came on {received_at:%Y-%m-%d}.",
            code="return_goods_late",
            field="received_at",
        )
    if received_at > timezone.now():
        raise DomainError(
            "Goods cannot be received in the future.",
            code="received_in_future",
            field="received_at",
        )
    if locked.quota_state == QuotaState.COMMITTED and locked.cbec_value_cny is not None:
        quota_return(
            buyer_key=locked.checkout.buyer_id_key,
            year=locked.quota_year or 0,
            declaration_ref=str(locked.pk),
            amount=locked.cbec_value_cny,
        )
        Order.objects.filter(pk=locked.pk).update(quota_state=QuotaState.RETURNED)
    return _order_move(
        order=locked,
        to=OrderStatus.RETURNED,
        reason=f"back at the hub {received_at:%Y-%m-%d %H:%M} UTC",
    )
