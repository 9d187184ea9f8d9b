"""Every write of the marketplace. Each runs in a transaction; state changes lock the row."""

from marketplace.services.certificates import CertificateCheck, certificates_check
from marketplace.services.checkouts import (
    CheckoutLineRequest,
    OrderLineRequest,
    checkout_place,
    order_place,
)
from marketplace.services.merchants import (
    MerchantRequirementsUnmet,
    merchant_approve,
    merchant_contact_add,
    merchant_contact_sign_off,
    merchant_profile_create,
    merchant_profile_update,
    merchant_reinstate,
    merchant_reject,
    merchant_review_start,
    merchant_suspend,
)
from marketplace.services.order_moves import (
    OrderMove,
    order_clear,
    order_hand_to_logistics,
    orders_clear,
    orders_hand_to_logistics,
)
from marketplace.services.orders import (
    EXPIRY_BATCH,
    order_cancel,
    order_complete,
    order_deliver,
    order_hold,
    order_record_customs_submission,
    order_reject,
    orders_expire_unpaid,
)
from marketplace.services.payments import payment_confirm, refund_record
from marketplace.services.payouts import (
    commission_rate,
    merchant_commission_set,
    payout_statements_build,
    payout_statements_close_month,
)
from marketplace.services.product_details import (
    PriceTierRequest,
    certifications_refresh,
    product_certificate_add,
    product_price_tiers_set,
    product_variant_create,
    product_variant_update,
)
from marketplace.services.products import (
    TranslationRequest,
    product_archive,
    product_create,
    product_publish,
    product_translation_set,
    product_unpublish,
    product_update,
)
from marketplace.services.rates import RatesLoaded, exchange_rates_load
from marketplace.services.returns import order_return_receive, order_return_request

__all__ = [
    "EXPIRY_BATCH",
    "CertificateCheck",
    "CheckoutLineRequest",
    "MerchantRequirementsUnmet",
    "OrderLineRequest",
    "OrderMove",
    "PriceTierRequest",
    "RatesLoaded",
    "TranslationRequest",
    "certificates_check",
    "certifications_refresh",
    "checkout_place",
    "commission_rate",
    "exchange_rates_load",
    "merchant_approve",
    "merchant_commission_set",
    "merchant_contact_add",
    "merchant_contact_sign_off",
    "merchant_profile_create",
    "merchant_profile_update",
    "merchant_reinstate",
    "merchant_reject",
    "merchant_review_start",
    "merchant_suspend",
    "order_cancel",
    "order_clear",
    "order_complete",
    "order_deliver",
    "order_hand_to_logistics",
    "order_hold",
    "order_place",
    "order_record_customs_submission",
    "order_reject",
    "order_return_receive",
    "order_return_request",
    "orders_clear",
    "orders_expire_unpaid",
    "orders_hand_to_logistics",
    "payment_confirm",
    "payout_statements_build",
    "payout_statements_close_month",
    "product_archive",
    "product_certificate_add",
    "product_create",
    "product_price_tiers_set",
    "product_publish",
    "product_translation_set",
    "product_unpublish",
    "product_update",
    "product_variant_create",
    "product_variant_update",
    "refund_record",
]
