"""Declarations that between them reach every outcome of the clearance job, filed through the
real order flow: for the equivalence of the single and the batched clearance, and the worker."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from customs.models import (
    AuditEntry,
    Declaration,
    MerchantTrust,
    Regime,
    RuleHit,
    TrustLevel,
)
from customs.services import commodity_codes_load
from ewtp.core.models import OrganizationKind
from ewtp.events.models import OutboxEvent
from logistics.models import Shipment
from logistics.services import airport_upsert
from marketplace.models import Order, OrderStatusChange
from tests.customs.risk_setup import risk_rule, sampling_policy
from tests.customs.tariffs import HEADER, import_tariff_text
from tests.marketplace.flows import Trade, declaration_of, organization, pay, place, product

# sku -> (HS code, what the rules and the tariff make of it)
GOODS = {
    "CHOC": ("180690", "admissible, no rule: green"),
    "BEER": ("220300", "not on the CBEC positive list: held by the assessment"),
    "CREAM": ("330499", "blue rule: post-release audit"),
    "SHIRT": ("610910", "yellow rule: document check"),
    "BAG": ("420292", "red rule: officer"),
    "TOY": ("950300", "hard-stop rule: held"),
    "COFFEE": ("090111", "no tariff line: a yellow rule on TARIFF_CODE_UNKNOWN"),
    "ODD": ("999999", "not in the nomenclature: held by validation"),
}

TARIFF = f"""{HEADER}
CN,180690,Chocolate,8,13,,yes
CN,220300,Beer,0,13,,no
CN,330499,Beauty preparations,1,13,15,yes
CN,610910,T-shirts,6,13,,yes
CN,420292,Bags,10,13,,yes
CN,950300,Toys,0,13,,yes
"""


def setup_rules_and_goods(trade: Trade) -> Trade:
    """The tariff, nomenclature, rules and sampling, and the goods of two merchants: the
    trade's own (standard: every green and blue is sampled) and a trusted one (never sampled).
    Returns the trusted merchant's trade."""
    commodity_codes_load(
        codes=[
            ("330499", "Beauty preparations"),
            ("610910", "T-shirts"),
            ("420292", "Bags"),
            ("950300", "Toys"),
            ("090111", "Coffee"),
        ]
    )
    import_tariff_text(TARIFF)
    risk_rule("cosmetics audit", "blue", hs_prefix="3304")
    risk_rule("textiles check", "yellow", hs_prefix="6109")
    risk_rule("bags", "red", hs_prefix="4202")
    risk_rule("toys recall", "red", hs_prefix="9503", hard_stop=True)
    risk_rule("no tariff line", "yellow", assessment_reason="TARIFF_CODE_UNKNOWN")
    sampling_policy(green="1", blue="1", trusted_green="0", trusted_blue="0", seed="equiv")
    trusted = dataclasses.replace(trade, merchant=organization(OrganizationKind.MERCHANT))
    MerchantTrust.objects.create(organization=trusted.merchant, level=TrustLevel.AEO)
    airport_upsert(
        iata="ICN", name="Incheon", city="Seoul", country="KR", timezone_name="Asia/Seoul"
    )
    for seller in (trade, trusted):
        for sku, (hs_code, _) in GOODS.items():
            product(seller, sku=sku, hs_code=hs_code, unit_price="30.00", stock=10_000)
    return trusted


def file_declarations(trade: Trade, trusted: Trade, rounds: int = 1) -> list[uuid.UUID]:
    """Orders paid (so declarations filed, still `submitted`) for every good of each merchant,
    one with two goods, and one bound for a country without a regime."""
    orders: list[Order] = []
    for _ in range(rounds):
        for seller in (trade, trusted):
            orders += [pay(seller, place(seller, lines=[(sku, 2)])) for sku in GOODS]
            orders.append(pay(seller, place(seller, lines=[("CHOC", 1), ("CREAM", 3)])))
            orders.append(
                pay(seller, place(seller, lines=[("CHOC", 1)], airport="ICN", country="KR"))
            )
    return [declaration_of(order).pk for order in orders]


def _money(value: Any) -> str | None:
    return None if value is None else str(value)


def outcome(declaration_id: uuid.UUID) -> dict[str, Any]:
    """Everything the clearance decided about one declaration, without ids and times."""
    d = Declaration.objects.get(pk=declaration_id)
    return {
        "status": d.status,
        "lane": d.lane,
        "sampled": d.sampled,
        "hold_reason_code": d.hold_reason_code,
        "admissible": d.admissible,
        "assessment_reasons": d.assessment_reasons,
        "rule_pack": d.rule_pack,
        "exchange_rate": _money(d.exchange_rate),
        "taxes": [
            _money(v)
            for v in (d.customs_value, d.duty, d.excise, d.vat, d.checkout_vat, d.total_tax)
        ],
        "lines": [
            [_money(v) for v in (x.assessed_unit_price, x.customs_value, x.duty, x.excise, x.vat)]
            for x in d.lines.order_by("line_number")
        ],
        "decisions": [
            (c.from_status, c.to_status, c.reason_code, c.reason, c.decided_by)
            for c in d.decisions.order_by("id")
        ],
        "hits": sorted(
            (h.rule_name, h.lane, h.hard_stop, h.details)
            for h in RuleHit.objects.filter(declaration=d)
        ),
        "audit": [
            (e.actor, e.action, e.payload)
            for e in AuditEntry.objects.filter(object_type="declaration", object_id=str(d.pk))
        ],
        # A batch's events share one time, so their order is compared as a set here and per
        # webhook endpoint (by sequence) in test_publish_many.
        "events": sorted(
            (e.type, sorted((k, str(v)) for k, v in e.data.items() if k != "decided_at"))
            for e in OutboxEvent.objects.filter(data__id=str(d.pk))
        ),
        "order": Order.objects.get(pk=d.order_id).status if d.order_id else None,
        **(_downstream(d, d.order_id) if d.order_id else {}),
    }


def _downstream(d: Declaration, order_id: uuid.UUID) -> dict[str, Any]:
    """What the release's subscribers made of it: the order's moves and events, the shipment,
    and the goods' export declaration (tracking numbers and MRNs are drawn at random)."""
    shipment = Shipment.objects.filter(order_id=order_id).first()
    export = Declaration.objects.filter(
        regime=Regime.EU_EXPORT, order_reference=d.order_reference
    ).first()
    order_events = OutboxEvent.objects.filter(data__id=str(order_id))
    shipment_events = OutboxEvent.objects.filter(data__order_id=str(order_id)).exclude(
        type__startswith="customs."
    )
    return {
        "order_changes": [
            (c.from_status, c.to_status, c.reason.split(" ")[0])
            for c in OrderStatusChange.objects.filter(order_id=order_id).order_by("id")
        ],
        "order_events": sorted(
            (e.type, sorted((k, str(v)) for k, v in e.data.items())) for e in order_events
        ),
        "shipment": None
        if shipment is None
        else (
            shipment.status,
            str(shipment.weight_kg),
            shipment.destination_id,
            shipment.consignee_country,
            [(c.from_status, c.to_status, c.reason) for c in shipment.status_changes.all()],
        ),
        "shipment_events": sorted(e.type for e in shipment_events),
        "export": None
        if export is None
        else (
            export.status,
            export.submitter_reference,
            str(export.total_value),
            [(x.line_number, x.hs_code, x.quantity, str(x.value)) for x in export.lines.all()],
            sorted((p.role, p.name, p.country, p.eori) for p in export.parties.all()),
            [(c.from_status, c.to_status, c.reason_code) for c in export.decisions.order_by("id")],
            [
                (e.actor, e.action, e.payload["to_status"])
                for e in AuditEntry.objects.filter(
                    object_type="declaration", object_id=str(export.pk)
                )
            ],
        ),
    }
