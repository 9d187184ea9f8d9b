"""The risk tables officers maintain: rules, the watch list, merchants' trust, sampling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from customs.models import MerchantTrust, PartyListEntry, RiskRule, SamplingPolicy

if TYPE_CHECKING:
    RiskRuleAdminBase = admin.ModelAdmin[RiskRule]
    PartyListAdminBase = admin.ModelAdmin[PartyListEntry]
    TrustAdminBase = admin.ModelAdmin[MerchantTrust]
    SamplingAdminBase = admin.ModelAdmin[SamplingPolicy]
else:
    RiskRuleAdminBase = PartyListAdminBase = TrustAdminBase = SamplingAdminBase = admin.ModelAdmin


@admin.register(RiskRule)
class RiskRuleAdmin(RiskRuleAdminBase):
    """Rules are switched off, never deleted: past hits keep pointing at them."""

    list_display = ["name", "active", "lane", "hard_stop", "hs_prefix", "origin_country",
                    "min_value", "min_unit_price", "party_list_match", "merchant_trust",
                    "assessment_reason", "document_mismatch", "updated_at"]  # fmt: skip
    list_filter = ["active", "lane", "hard_stop", "merchant_trust", "document_mismatch"]
    list_editable = ["active"]
    search_fields = ["name", "hs_prefix"]
    readonly_fields = ["created_at", "updated_at"]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RiskRule, form: object, change: bool) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(PartyListEntry)
class PartyListEntryAdmin(PartyListAdminBase):
    list_display = ["kind", "value", "list_name", "active", "created_at"]
    list_filter = ["kind", "list_name", "active"]
    search_fields = ["value"]


@admin.register(MerchantTrust)
class MerchantTrustAdmin(TrustAdminBase):
    list_display = ["organization", "level", "aeo_number", "updated_at"]
    list_filter = ["level"]
    list_select_related = ["organization"]
    readonly_fields = ["updated_at"]


@admin.register(SamplingPolicy)
class SamplingPolicyAdmin(SamplingAdminBase):
    """The newest active policy applies. Change the seed only knowingly: the same seed replays
    the same selection."""

    list_display = ["name", "active", "seed", "green_rate", "blue_rate", "trusted_green_rate",
                    "trusted_blue_rate", "green_sampled_lane", "created_at"]  # fmt: skip
    list_filter = ["active"]
