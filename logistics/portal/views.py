"""Portal pages of logistics. Public tracking needs no sign-in and shows exactly what the
public API shows (the same selector); the flights view is for hub staff only."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from ewtp.core.api.throttling import PublicRateThrottle
from ewtp.core.errors import DomainError, NotFound
from ewtp.core.svg_charts import columns
from logistics import jsonld, routing_progress, selectors, services
from logistics.models import RoutingRun, RoutingRunStatus, ShipmentExceptionKind, WaitingReason
from logistics.tracking_numbers import S10


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=13,
        help_text="13 characters, like EW123456785BE",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_tracking_number(self) -> str:
        number = str(self.cleaned_data["tracking_number"]).strip().upper().replace(" ", "")
        if not S10.fullmatch(number):
            raise forms.ValidationError("This is not a tracking number.")
        return number


def _throttled(request: HttpRequest) -> HttpResponse | None:
    """The public API's per-IP budget (same scope, same cache): a page lookup counts as an
    API lookup, so scraping through the page gains nothing."""
    throttle = PublicRateThrottle()
    # DRF's throttle reads only META (client address, proxies) from the request.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    response = render(request, "logistics/track_throttled.html", status=429)
    wait = throttle.wait()
    if wait is not None:
        response["Retry-After"] = str(int(wait) + 1)
    return response


@require_GET
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:track-detail", tracking_number=form.cleaned_data["tracking_number"])
    return render(request, "logistics/track_form.html", {"form": form})


@require_GET
def track_detail(request: HttpRequest, tracking_number: str) -> HttpResponse:
    refused = _throttled(request)
    if refused is not None:
        return refused
    number = tracking_number.upper()
    try:
        if not S10.fullmatch(number):
            raise NotFound("No parcel with this tracking number.")
        tracking = selectors.public_tracking(tracking_number=number)
    except NotFound:
        form = TrackForm(initial={"tracking_number": number})
        return render(
            request,
            "logistics/track_not_found.html",
            {"form": form, "tracking_number": number},
            status=404,
        )
    url = request.build_absolute_uri(reverse("portal:track-detail", args=[number]))
    return render(
        request,
        "logistics/track_detail.html",
        {
            "tracking": tracking,
            "events": list(reversed(tracking.events)),
            "form": TrackForm(),
            "jsonld": jsonld.script_text(jsonld.parcel_delivery(tracking, tracking_url=url)),
        },
    )


def _is_staff(user: Any) -> bool:
    return bool(user.is_active and user.is_staff)


staff_only = user_passes_test(_is_staff, login_url="portal:login")


@login_required(login_url="portal:login")
@staff_only
@require_GET
def hub_flights(request: HttpRequest) -> HttpResponse:
    board = selectors.hub_flight_board()
    ulds = selectors.uld_fills(flight_ids=[fill.flight.pk for fill in board.flights])
    throughput_chart = columns(
        chart_id="hub-throughput",
        title="Tracking reports received per hour, last 24 hours (UTC)",
        points=[(f"{hour:%H}h", Decimal(n)) for hour, n in board.throughput],
        unit="reports",
    )
    return render(
        request,
        "logistics/hub_flights.html",
        {
            "board": board,
            "rows": [(fill, ulds.get(fill.flight.pk, [])) for fill in board.flights],
            "throughput_chart": throughput_chart,
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required(login_url="portal:login")
@staff_only
@require_POST
def hub_replan(request: HttpRequest) -> HttpResponse:
    """Ask for a re-plan. The page's script asks for JSON and then follows the run's progress;
    without script the page comes back with a message."""
    run = services.routing_run_request(trigger=f"staff {request.user.get_username()}"[:64])
    queued = f"Re-plan queued at {run.requested_at:%H:%M:%S} UTC."
    if _wants_json(request):
        return JsonResponse(
            {
                "id": str(run.pk),
                "message": queued,
                "progress_url": reverse("portal:hub-replan-progress", args=[run.pk]),
            },
            status=202,
        )
    messages.info(request, queued)
    return redirect("portal:hub-flights")


# How far through a run each phase is, in percent: planning is most of a run's time.
_PHASE_SPAN: dict[str, tuple[int, int]] = {
    "queued": (0, 0),
    "flights": (2, 2),
    "parcels": (5, 5),
    "planning": (10, 80),
    "writing": (80, 99),
}


def _percent(status: str, report: routing_progress.ProgressReport | None) -> int:
    if status == RoutingRunStatus.DONE:
        return 100
    if report is None or report.phase not in _PHASE_SPAN:
        return 0
    start, end = _PHASE_SPAN[report.phase]
    if report.total <= 0:
        return start
    return start + (end - start) * min(report.done, report.total) // report.total


@login_required(login_url="portal:login")
@staff_only
@require_GET
def hub_replan_progress(request: HttpRequest, run_id: uuid.UUID) -> HttpResponse:
    """A routing run's status and live progress, polled by the flights view's re-plan bar;
    once it is over, what it did (booked, and left waiting by reason)."""
    run = RoutingRun.objects.filter(pk=run_id).first()
    if run is None:
        return JsonResponse({"detail": "No such routing run."}, status=404)
    report = routing_progress.progress_of(run.pk)
    phase = run.status if run.status in (RoutingRunStatus.DONE, RoutingRunStatus.FAILED) else None
    phase = phase or (report.phase if report is not None else RoutingRunStatus.QUEUED)
    finished = run.status == RoutingRunStatus.DONE
    labels = dict(WaitingReason.choices)
    return JsonResponse(
        {
            "id": str(run.pk),
            "status": run.status,
            "phase": phase,
            "label": routing_progress.PHASES.get(phase, phase),
            "done": report.done if report is not None else 0,
            "total": report.total if report is not None else 0,
            "percent": _percent(run.status, report),
            "result": {
                "parcels": run.parcels,
                "routed": run.routed,
                "waiting": run.waiting,
                "waiting_by_reason": [
                    {"reason": code, "label": labels.get(code, code), "parcels": n}
                    for code, n in sorted(run.waiting_by_reason.items(), key=lambda i: -i[1])
                ],
            }
            if finished
            else None,
        }
    )


class ExceptionFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "Every kind"), *ShipmentExceptionKind.choices], required=False
    )


class ExceptionResolveForm(forms.Form):
    note = forms.CharField(
        label="What was done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: the next person reads it.",
    )


@login_required(login_url="portal:login")
@staff_only
@require_GET
def hub_exceptions(request: HttpRequest) -> HttpResponse:
    form = ExceptionFilterForm(request.GET or None)
    kind = None
    if form.is_valid():
        kind = form.cleaned_data["kind"] or None
    queue = selectors.exception_queue(kind=kind)
    return render(
        request,
        "logistics/hub_exceptions.html",
        {"queue": queue, "form": form, "resolve_form": ExceptionResolveForm()},
    )


@login_required(login_url="portal:login")
@staff_only
@require_POST
def hub_exception_resolve(request: HttpRequest, exception_id: int) -> HttpResponse:
    form = ExceptionResolveForm(request.POST)
    back = redirect("portal:hub-exceptions")
    kind = request.POST.get("kind", "")
    if kind in ShipmentExceptionKind.values:
        back["Location"] += f"?kind={kind}"
    if not form.is_valid():
        messages.error(request, "Say what was done about it: the note is required.")
        return back
    try:
        exception = services.shipment_exception_resolve(
            exception_id=exception_id,
            resolved_by=request.user,  # type: ignore[arg-type]  # signed in: staff_only
            note=form.cleaned_data["note"],
        )
    except NotFound:
        raise Http404("No such exception.") from None
    except DomainError as refused:
        messages.error(request, refused.detail)
        return back
    messages.info(request, f"Resolved: {exception.shipment.tracking_number}.")
    return back
