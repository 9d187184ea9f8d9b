"""Who may open the merchants' pages: a signed-in user of a merchant organisation. Anyone else
signed in gets a 403 page saying so; anonymous visitors are sent to sign in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ewtp.core.models import Organization, OrganizationKind, User

MerchantView = Callable[..., HttpResponse]


def merchant_of(request: HttpRequest) -> Organization | None:
    user = request.user
    if not isinstance(user, User) or user.organization is None:
        return None
    if user.organization.kind != OrganizationKind.MERCHANT:
        return None
    return user.organization


def merchant_required(view: MerchantView) -> Callable[..., HttpResponse]:
    """Pass the signed-in user's merchant organisation to the view as `merchant`."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        merchant = merchant_of(request)
        if merchant is None:
            return render(request, "portal/merchants_only.html", status=403)
        return view(request, *args, merchant=merchant, **kwargs)

    return wrapped
