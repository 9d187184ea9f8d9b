"""What the buyer pays is goods + freight + taxes: the landed-cost quote, the placed order and
the declaration customs files from the paid order agree on every amount, to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from customs.models import DeclarationStatus
from ewtp.core.errors import DomainError
from ewtp.core.models import OrganizationKind
from marketplace.services import payment_confirm, payout_statements_build
from marketplace.services.landed_cost import LandedCostLineRequest, landed_cost_quote
from tests.marketplace.campaigns.conftest import campaign
from tests.marketplace.flows import buyer_id_of, clear, organization, pay, place

pytestmark = pytest.mark.django_db

D = Decimal


def test_quote_order_and_declaration_agree_to_the_cent(priced):
    trade = priced.trade
    quote = landed_cost_quote(
        destination_country="CN",
        destination_airport="HGH",
        currency="EUR",
        lines=[LandedCostLineRequest(listing_id=priced.pralines.pk, quantity=2)],
    )
    (consignment,) = quote.consignments

    order = place(trade, lines=[("PRL-250", 2)])
    payment_confirm(
        provider=trade.provider,
        order_id=order.pk,
        transaction_id="TX-LANDED",
        amount=order.amount_due,
        currency="EUR",
        payer_name="Li Wei",
        payer_id_number=buyer_id_of(order),
    )
    declaration = clear(order)

    # 2 x 24.50 EUR; 0.7 kg flies at the 12.00 minimum charge. CBEC at 7.80 CNY/EUR: goods
    # 2 x 191.10 + freight 93.60 = 475.80 CNY dutiable; VAT 13 % x 70 % = 43.30 CNY, no duty
    # or excise; 43.30 / 7.80 = 5.55 EUR.
    assert (consignment.goods, order.total, declaration.total_value) == (D("49.00"),) * 3
    assert (consignment.freight, order.freight, declaration.transport_costs) == (D("12.00"),) * 3
    assert (consignment.taxes, order.taxes) == (D("5.55"), D("5.55"))
    assert order.amount_due == D("66.55") == consignment.total
    assert order.tax_currency == declaration.assessment_currency == "CNY"
    assert order.taxes_in_tax_currency == declaration.total_tax == D("43.30")
    assert order.cbec_value_cny == declaration.customs_value == D("475.80")
    (tax_line,) = consignment.tax_lines
    assert (tax_line.duty + tax_line.excise + tax_line.vat) == order.taxes
    assert declaration.exchange_rate == order.cny_rate == D("7.8")
    assert declaration.discount == order.discount == D("0.00")
    assert declaration.status != DeclarationStatus.HELD


def test_a_payment_of_the_goods_alone_is_refused(priced):
    trade = priced.trade
    order = place(trade, lines=[("PRL-250", 2)])

    with pytest.raises(DomainError) as refused:
        payment_confirm(
            provider=trade.provider,
            order_id=order.pk,
            transaction_id="TX-GOODS",
            amount=order.total,
            currency="EUR",
            payer_name="Li Wei",
            payer_id_number=buyer_id_of(order),
        )

    assert (refused.value.code, refused.value.field) == ("payment_amount_mismatch", "amount")
    order.refresh_from_db()
    assert order.status == "placed"


def test_the_buyers_currency_adds_up_at_every_level(priced):
    trade = priced.trade
    order = place(trade, lines=[("PRL-250", 3)], presentment_currency="USD")
    checkout = order.checkout

    # 73.50 + 12.00 + taxes, converted once at 1.05 USD/EUR and split by largest remainder.
    assert checkout.presentment_amount_due == (checkout.amount_due * D("1.05")).quantize(D("0.01"))
    assert order.presentment_amount_due == checkout.presentment_amount_due
    assert order.presentment_amount_due == (
        order.presentment_total + order.presentment_freight + order.presentment_taxes
    )
    assert sum(line.presentment_line_total for line in order.lines.all()) == (
        order.presentment_total
    )
    assert order.amount_due == order.total + order.freight + order.taxes


def test_the_basket_quote_takes_the_campaign_discount_as_checkout_does(priced):
    trade = priced.trade
    campaign(
        organization(OrganizationKind.TRADE_AGENCY),
        listings=[priced.pralines],
        value="10.00",
        funded_by="merchant",
    )
    quote = landed_cost_quote(
        destination_country="CN",
        destination_airport="HGH",
        currency="EUR",
        lines=[LandedCostLineRequest(listing_id=priced.pralines.pk, quantity=2)],
    )
    (consignment,) = quote.consignments
    (goods_line,) = consignment.goods_lines

    order = pay(trade, place(trade, lines=[("PRL-250", 2)]))
    declaration = clear(order)

    # 49.00 less 10 % = 44.10; in CNY 44.10 x 7.80 / 2 = 171.99 a box; + 93.60 of freight =
    # 437.58 dutiable; VAT 9.1 % = 39.82 CNY = 5.11 EUR.
    assert (goods_line.discount, goods_line.amount) == (D("4.90"), D("44.10"))
    assert (consignment.goods, order.total, declaration.total_value) == (D("44.10"),) * 3
    assert (order.discount, declaration.discount) == (D("4.90"), D("4.90"))
    assert order.taxes_in_tax_currency == declaration.total_tax == D("39.82")
    assert (consignment.taxes, order.taxes) == (D("5.11"), D("5.11"))
    assert consignment.total == order.amount_due == D("61.21")

    # The merchant funds the discount: its payout shows the goods before it and the discount,
    # and withholds the freight and the taxes.
    (statement,) = payout_statements_build(merchant=trade.merchant, month=timezone.now().date())
    (line,) = statement.lines.all()
    assert (line.captured, line.gross_goods, line.merchant_discount, line.withheld) == (
        D("61.21"),
        D("49.00"),
        D("4.90"),
        D("17.11"),
    )
    assert line.net == line.captured - line.withheld - line.commission - line.payment_fee
    assert line.commission == (D("44.10") * D("0.08")).quantize(D("0.01"))  # 8 % of the goods
