"""Upserting a catalogue file's rows by the merchant's SKU, one batch at a time, set-wise.

Each batch is read against the database in a few queries (the listings and variants its SKUs
name, their translations and tiers), compared row by row, and written with bulk inserts and
updates; an unchanged row writes nothing. The rules are the services' own: `_check_listing`
for a listing's data, `price_tiers_check` for its tiers, the variant checks, and — for a row
that publishes, unpublishes or changes a listing on sale — the publish and unpublish services
themselves, set-wise (`listings_move`: audit rows and events included). If one of those
refuses a row, the batch's writes are rolled back and the batch is written again without it,
so a refused row never half lands.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from ewtp.core.errors import DomainError
from ewtp.core.models import Organization
from marketplace.catalog_io.columns import column_of
from marketplace.catalog_io.reading import RawRow
from marketplace.catalog_io.rows import ListingRow, RowError, VariantRow, parse_row
from marketplace.models import (
    Language,
    Product,
    ProductPriceTier,
    ProductStatus,
    ProductTranslation,
    ProductVariant,
    SkuRegistration,
)
from marketplace.search import search_documents_refresh
from marketplace.services.product_details import (
    _check_attributes,
    _check_variant,
    price_tiers_check,
)
from marketplace.services.products import (
    _check_listing,
    listing_publish_problems,
    listings_move,
)

BATCH_SIZE = 500
IMPORT_REASON = "Catalogue import"
_SEARCHED = frozenset({"title", "description", "brand"})


@dataclass(slots=True)
class ImportCounts:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add(self, other: ImportCounts) -> None:
        self.rows += other.rows
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)


@dataclass(slots=True)
class _ListingPlan:
    row: ListingRow
    current: Product | None
    target: Product
    changed: list[str]
    translation: tuple[str, str] | None
    translation_changed: bool
    tiers: list[tuple[int, Any]]
    tiers_changed: bool
    move: str | None

    @property
    def action(self) -> str:
        if self.current is None:
            return "created"
        if self.changed or self.translation_changed or self.tiers_changed or self.move:
            return "updated"
        return "unchanged"


@dataclass(slots=True)
class _VariantPlan:
    row: VariantRow
    current: ProductVariant | None
    target: ProductVariant
    changed: list[str]

    @property
    def action(self) -> str:
        if self.current is None:
            return "created"
        return "updated" if self.changed else "unchanged"


class _Refused(Exception):  # a control-flow signal, not an error to report
    """Leaves the batch's savepoint: these rows broke a rule only the services could check."""

    def __init__(self, errors: dict[int, RowError]) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


def _error(number: int, error: DomainError) -> RowError:
    return RowError(number, column_of(error.field), error.code, error.detail)


class CatalogImporter:
    """Imports one file's batches for one merchant. Remembers the SKUs it has seen, so a SKU
    on a later row of the same file is refused (`sku_duplicate`)."""

    def __init__(self, *, merchant: Organization, today: date | None = None) -> None:
        self.merchant = merchant
        self.today = today or timezone.localdate()
        self.seen: set[str] = set()

    def remember(self, raws: Iterable[RawRow]) -> None:
        """Note the SKUs of rows an earlier run already imported (a resumed job)."""
        self.seen.update(raw.cells["sku"] for raw in raws if raw.cells.get("sku"))

    def import_batch(self, raws: Sequence[RawRow]) -> ImportCounts:
        """Upsert these rows; call inside a transaction (it commits with the job's counters)."""
        counts = ImportCounts(rows=len(raws))
        rows: list[ListingRow | VariantRow] = []
        for raw in raws:
            row, errors = parse_row(raw)
            sku = raw.cells.get("sku", "")
            if sku in self.seen:
                message = f"SKU {sku} is on an earlier row of this file."
                errors = [*errors, RowError(raw.number, "sku", "sku_duplicate", message)]
            if sku:
                self.seen.add(sku)
            if errors or row is None:
                counts.errors.extend(errors)
            else:
                rows.append(row)
        refused: dict[int, RowError] = {}
        while True:
            attempt = ImportCounts()
            try:
                with transaction.atomic():
                    self._import_rows([r for r in rows if r.number not in refused], attempt)
            except _Refused as refusal:
                refused.update(refusal.errors)
                continue
            break
        counts.created, counts.updated, counts.unchanged = (
            attempt.created,
            attempt.updated,
            attempt.unchanged,
        )
        counts.errors.extend(attempt.errors)
        counts.errors.extend(refused.values())
        counts.errors.sort(key=lambda e: e.row)
        return counts

    def _import_rows(self, rows: list[ListingRow | VariantRow], counts: ImportCounts) -> None:
        listings = [r for r in rows if isinstance(r, ListingRow)]
        variants = [r for r in rows if isinstance(r, VariantRow)]
        registered = set(
            SkuRegistration.objects.filter(
                merchant=self.merchant, sku__in=[r.sku for r in rows]
            ).values_list("sku", flat=True)
        )
        listing_plans = self._plan_listings(listings, registered, counts)
        refused = self._write_listings(listing_plans)
        variant_plans = self._plan_variants(variants, registered, counts)
        self._write_variants(variant_plans)
        if refused:
            raise _Refused(refused)
        actions = [p.action for p in listing_plans] + [p.action for p in variant_plans]
        counts.created += actions.count("created")
        counts.updated += actions.count("updated")
        counts.unchanged += actions.count("unchanged")

    # --- listings

    def _plan_listings(
        self, rows: list[ListingRow], registered: set[str], counts: ImportCounts
    ) -> list[_ListingPlan]:
        existing = {
            p.sku: p
            for p in Product.objects.select_for_update(of=("self",))
            .filter(merchant=self.merchant, sku__in=[r.sku for r in rows])
            .select_related("merchant")
            .prefetch_related("translations", "price_tiers")
            .order_by("pk")
        }
        plans = []
        for row in rows:
            try:
                plans.append(self._plan_listing(row, existing.get(row.sku), registered))
            except DomainError as error:
                counts.errors.append(_error(row.number, error))
        return plans

    def _plan_listing(
        self, row: ListingRow, current: Product | None, registered: set[str]
    ) -> _ListingPlan:
        if current is None and row.sku in registered:
            raise DomainError(
                f"SKU {row.sku} is one of your variants.", code="sku_exists", field="sku"
            )
        if current is not None and current.status == ProductStatus.ARCHIVED:
            raise DomainError(
                "An archived listing cannot be changed.", code="listing_archived", field="status"
            )
        if current is not None and current.currency != row.values["currency"]:
            raise DomainError(
                f"A listing keeps its currency ({current.currency}).",
                code="currency_not_updatable",
                field="currency",
            )
        if current is None:
            target = Product(merchant=self.merchant, sku=row.sku, status=ProductStatus.DRAFT)
        else:
            target = copy.copy(current)
            # A copy shares the prefetched parts; the services must read them afresh.
            target._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # Django's own
        for name, value in row.values.items():
            setattr(target, name, value.strip() if isinstance(value, str) else value)
        _check_listing(target)
        ordered = price_tiers_check(
            tiers=row.tiers,
            unit_price=target.unit_price,
            min_order_quantity=target.min_order_quantity,
        )
        tiers = [(t.min_quantity, t.unit_price) for t in ordered]
        translation = (row.title_zh_hans, row.description_zh_hans) if row.title_zh_hans else None
        if current is None:
            return _ListingPlan(
                row, None, target, [], translation, translation is not None, tiers, bool(tiers),
                ProductStatus.PUBLISHED if row.status == ProductStatus.PUBLISHED else None,
            )  # fmt: skip
        had = next((t for t in current.translations.all() if t.language == Language.ZH_HANS), None)
        had_tiers = [(t.min_quantity, t.unit_price) for t in current.price_tiers.all()]
        return _ListingPlan(
            row=row,
            current=current,
            target=target,
            changed=[n for n in row.values if getattr(target, n) != getattr(current, n)],
            translation=translation,
            translation_changed=translation != (had and (had.title, had.description)),
            tiers=tiers,
            tiers_changed=sorted(had_tiers) != tiers,
            move=row.status if row.status != current.status else None,
        )

    def _write_listings(self, plans: list[_ListingPlan]) -> dict[int, RowError]:
        now = timezone.now()
        new = [p for p in plans if p.current is None]
        changed = [p for p in plans if p.current is not None and p.action == "updated"]
        SkuRegistration.objects.bulk_create(
            SkuRegistration(merchant=self.merchant, sku=p.row.sku) for p in new
        )
        for plan in new:
            plan.target.created_at = plan.target.updated_at = now
        Product.objects.bulk_create([p.target for p in new])
        for plan in changed:
            plan.target.updated_at = now
        fields = sorted({name for p in changed for name in p.changed} | {"updated_at"})
        Product.objects.bulk_update([p.target for p in changed], fields, batch_size=BATCH_SIZE)
        self._write_translations([*new, *changed], now)
        self._write_tiers([p for p in [*new, *changed] if p.tiers_changed])
        searched = [
            p.target.pk
            for p in [*new, *changed]
            if p.current is None or p.translation_changed or _SEARCHED & set(p.changed)
        ]
        if searched:
            search_documents_refresh(product_ids=searched)
        return self._move_listings([*new, *changed])

    def _write_translations(self, plans: list[_ListingPlan], now: Any) -> None:
        ProductTranslation.objects.filter(
            product__in=[p.target for p in plans if p.translation_changed and not p.translation],
            language=Language.ZH_HANS,
        ).delete()
        ProductTranslation.objects.bulk_create(
            [
                ProductTranslation(
                    product=p.target,
                    language=Language.ZH_HANS,
                    title=p.translation[0],
                    description=p.translation[1],
                    updated_at=now,
                )
                for p in plans
                if p.translation_changed and p.translation
            ],
            update_conflicts=True,
            unique_fields=["product", "language"],
            update_fields=["title", "description", "updated_at"],
        )

    def _write_tiers(self, plans: list[_ListingPlan]) -> None:
        ProductPriceTier.objects.filter(product__in=[p.target for p in plans]).delete()
        ProductPriceTier.objects.bulk_create(
            ProductPriceTier(product=p.target, min_quantity=quantity, unit_price=price)
            for p in plans
            for quantity, price in p.tiers
        )

    def _move_listings(self, plans: list[_ListingPlan]) -> dict[int, RowError]:
        """Status moves through the listing services, set-wise (rules, audit, events); a
        changed listing that stays on sale must still meet the publishing rules, as
        `product_update` requires."""
        by_id = {p.target.pk: p for p in plans}
        refused: dict[Any, DomainError] = {}
        for to, reason in ((ProductStatus.PUBLISHED, ""), (ProductStatus.DRAFT, IMPORT_REASON)):
            moving = [p.target for p in plans if p.move == to]
            if moving:
                refused |= listings_move(products=moving, to=to, reason=reason, today=self.today)[1]
        staying = [
            p.target for p in plans if not p.move and p.target.status == ProductStatus.PUBLISHED
        ]
        refused |= listing_publish_problems(products=staying, today=self.today, by_merchant=False)
        return {by_id[pk].row.number: _error(by_id[pk].row.number, e) for pk, e in refused.items()}

    # --- variants

    def _plan_variants(
        self, rows: list[VariantRow], registered: set[str], counts: ImportCounts
    ) -> list[_VariantPlan]:
        if not rows:
            return []
        parents = {
            p.sku: p
            for p in Product.objects.filter(
                merchant=self.merchant, sku__in={r.parent_sku for r in rows}
            )
        }
        existing = {
            v.sku: v
            for v in ProductVariant.objects.select_for_update()
            .filter(merchant=self.merchant, sku__in=[r.sku for r in rows])
            .order_by("pk")
        }
        taken: dict[Any, dict[str, str]] = defaultdict(dict)  # listing -> attributes -> SKU
        for sku, product_id, attributes in ProductVariant.objects.filter(
            product__in=list(parents.values())
        ).values_list("sku", "product_id", "attributes"):
            taken[product_id][_key(attributes)] = sku
        plans = []
        for row in rows:
            try:
                plan = self._plan_variant(row, parents, existing.get(row.sku), registered)
                owner = taken[plan.target.product_id]
                key = _key(plan.target.attributes)
                if owner.get(key, row.sku) != row.sku:
                    raise DomainError(
                        f"Variant {owner[key]} of {row.parent_sku} has these attributes.",
                        code="variant_exists",
                        field="attributes",
                    )
                if plan.current is not None:
                    owner.pop(_key(plan.current.attributes), None)
                owner[key] = row.sku
                plans.append(plan)
            except DomainError as error:
                counts.errors.append(_error(row.number, error))
        return plans

    def _plan_variant(
        self,
        row: VariantRow,
        parents: dict[str, Product],
        current: ProductVariant | None,
        registered: set[str],
    ) -> _VariantPlan:
        parent = parents.get(row.parent_sku)
        if parent is None:
            raise DomainError(
                f"No listing with SKU {row.parent_sku}: list it first, on an earlier row.",
                code="parent_unknown",
                field="parent_sku",
            )
        if parent.status == ProductStatus.ARCHIVED:
            raise DomainError(
                "An archived listing cannot be changed.",
                code="listing_archived",
                field="parent_sku",
            )
        if current is None and row.sku in registered:
            raise DomainError(
                f"SKU {row.sku} is one of your listings.", code="sku_exists", field="sku"
            )
        if current is not None and current.product_id != parent.pk:
            raise DomainError(
                "A variant stays with its listing.", code="parent_not_updatable", field="parent_sku"
            )
        target = copy.copy(current) if current is not None else ProductVariant(
            product=parent, merchant_id=parent.merchant_id, sku=row.sku
        )  # fmt: skip
        target.attributes = _check_attributes(row.attributes)
        target.unit_price = row.unit_price
        target.stock = row.stock
        _check_variant(target)
        changed = []
        if current is not None:
            changed = [
                name
                for name in ("attributes", "unit_price", "stock")
                if getattr(target, name) != getattr(current, name)
            ]
        return _VariantPlan(row=row, current=current, target=target, changed=changed)

    def _write_variants(self, plans: list[_VariantPlan]) -> None:
        now = timezone.now()
        new = [p.target for p in plans if p.current is None]
        changed = [p for p in plans if p.changed]
        SkuRegistration.objects.bulk_create(
            SkuRegistration(merchant=self.merchant, sku=v.sku) for v in new
        )
        for variant in new:
            variant.created_at = variant.updated_at = now
        ProductVariant.objects.bulk_create(new)
        for plan in changed:
            plan.target.updated_at = now
        fields = sorted({name for p in changed for name in p.changed} | {"updated_at"})
        ProductVariant.objects.bulk_update([p.target for p in changed], fields)


def _key(attributes: dict[str, str]) -> str:
    return repr(sorted(attributes.items()))
