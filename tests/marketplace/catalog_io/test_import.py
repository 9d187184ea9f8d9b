"""The importer: every row's errors with their codes, upserts by SKU, the publishing rules,
variants and tiers, idempotent re-imports, and a dry run that keeps nothing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from ewtp.core.models import OrganizationKind
from marketplace.catalog_io import catalog_import_dry_run, import_job_create, import_job_run
from marketplace.models import (
    ImportJobStatus,
    Product,
    ProductPriceTier,
    ProductStatus,
    ProductStatusChange,
    ProductTranslation,
    ProductVariant,
)
from marketplace.services import product_certificate_add
from tests.marketplace.catalog_io.files import csv_bytes, listing, variant, xlsx_bytes
from tests.marketplace.flows import organization

pytestmark = pytest.mark.django_db


def dry_run(trade, content: bytes):
    return catalog_import_dry_run(merchant=trade.merchant, stream=io.BytesIO(content))


def run(trade, content: bytes, merchant=None):
    job = import_job_create(
        merchant=merchant or trade.merchant, file_name="catalogue.csv", content=content,
        enqueue=False,
    )  # fmt: skip
    return import_job_run(job_id=job.pk)


def codes(summary_errors) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["code"]) for e in summary_errors]


def table_counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Product, ProductTranslation, ProductPriceTier, ProductVariant)
    )


def test_a_new_catalogue_lands_published_with_translations_tiers_and_variants(trade):
    content = csv_bytes(
        [listing("WAF-12"), variant("WAF-12-L", "WAF-12", attributes="size=24 pieces"),
         listing("WAF-6", status="draft", tiers="")]
    )  # fmt: skip

    job = run(trade, content)

    assert (job.status, job.total_rows, job.processed_rows) == (ImportJobStatus.SUCCEEDED, 3, 3)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.error_count) == (
        3, 0, 0, 0,
    )  # fmt: skip
    waffles = Product.objects.get(merchant=trade.merchant, sku="WAF-12")
    assert waffles.status == ProductStatus.PUBLISHED
    assert waffles.translations.get(language="zh-Hans").title == "列日华夫饼 WAF-12"
    assert [(t.min_quantity, t.unit_price) for t in waffles.price_tiers.all()] == [
        (10, Decimal("11.50")),
        (50, Decimal("10.90")),
    ]
    assert waffles.variants.get().attributes == {"size": "24 pieces"}
    assert ProductStatusChange.objects.filter(product=waffles, to_status="published").exists()
    assert Product.objects.get(merchant=trade.merchant, sku="WAF-6").status == ProductStatus.DRAFT
    assert job.source == b""


def test_reimporting_the_same_file_changes_nothing(trade):
    content = csv_bytes([listing("WAF-12"), variant("WAF-12-L", "WAF-12")])
    run(trade, content)
    before = {p.sku: p.updated_at for p in Product.objects.all()}
    variants_before = {v.sku: v.updated_at for v in ProductVariant.objects.all()}

    job = run(trade, content)

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 2)
    assert {p.sku: p.updated_at for p in Product.objects.all()} == before
    assert {v.sku: v.updated_at for v in ProductVariant.objects.all()} == variants_before


def test_a_changed_row_updates_only_its_listing(trade):
    run(trade, csv_bytes([listing("A"), listing("B")]))

    job = run(trade, csv_bytes([listing("A", stock=5, tiers="20:11.00"), listing("B")]))

    assert (job.updated_count, job.unchanged_count) == (1, 1)
    changed = Product.objects.get(sku="A")
    assert changed.stock == 5
    assert [t.min_quantity for t in changed.price_tiers.all()] == [20]


def test_an_import_can_unpublish_and_the_move_is_audited(trade):
    run(trade, csv_bytes([listing("A")]))

    run(trade, csv_bytes([listing("A", status="draft")]))

    product = Product.objects.get(sku="A")
    assert product.status == ProductStatus.DRAFT
    assert [c.reason for c in product.status_changes.all()][-1] == "Catalogue import"


def test_the_dry_run_reports_what_would_happen_and_writes_nothing(trade):
    run(trade, csv_bytes([listing("A")]))
    before = table_counts()
    content = csv_bytes([listing("A"), listing("B"), listing("A", stock=1), listing("C", stock=2)])

    summary = dry_run(trade, content)

    assert (summary.rows, summary.created, summary.updated, summary.unchanged) == (4, 2, 0, 1)
    assert codes(summary.errors) == [(4, "sku", "sku_duplicate")]
    assert table_counts() == before


def test_rows_with_errors_are_skipped_and_the_others_land(trade):
    content = csv_bytes(
        [
            listing("OK-1"),
            listing("BAD-HS", hs_code="12345"),
            listing("BAD-GTIN", gtin="5400000000004"),
            listing("BAD-COUNTRY", origin_country="XX"),
            listing("OK-2"),
        ]
    )

    job = run(trade, content)

    assert (job.created_count, job.error_count) == (2, 3)
    assert codes(job.errors) == [
        (3, "hs_code", "hs_code_invalid"),
        (4, "gtin", "gtin_invalid"),
        (5, "origin_country", "origin_country_invalid"),
    ]
    assert set(Product.objects.filter(merchant=trade.merchant).values_list("sku", flat=True)) == {
        "PRL-250", "OK-1", "OK-2",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("cells", "column", "code"),
    [
        ({"title_en": ""}, "title_en", "required"),
        ({"unit_price": "12,50"}, "unit_price", "decimal_invalid"),
        ({"unit_price": "12.505"}, "unit_price", "decimal_places"),
        ({"unit_price": "99999999999"}, "unit_price", "decimal_too_large"),
        ({"unit_price": "-1"}, "unit_price", "price_not_positive"),
        ({"stock": "ten"}, "stock", "integer_invalid"),
        ({"stock": "-3"}, "stock", "stock_negative"),
        ({"unit": "crate"}, "unit", "choice_invalid"),
        ({"category": "toys"}, "category", "choice_invalid"),
        ({"status": "archived"}, "status", "choice_invalid"),
        ({"tiers": "10=9.50"}, "tiers", "tiers_invalid"),
        ({"tiers": "10:13.00"}, "tiers", "price_tier_not_decreasing"),
        ({"tiers": "1:9.00"}, "tiers", "price_tier_quantity_invalid"),
        ({"net_weight_kg": "0.500"}, "net_weight_kg", "net_weight_invalid"),
        ({"gross_weight_kg": "0"}, "gross_weight_kg", "weight_not_positive"),
        ({"length_cm": "0"}, "length_cm", "dimension_not_positive"),
        ({"currency": "EURO"}, "currency", "currency_invalid"),
        ({"markets": "CN;ZZ"}, "markets", "markets_invalid"),
        ({"national_code_cn": "12"}, "national_code_cn", "national_code_invalid"),
        ({"description_zh_hans": "说明", "title_zh_hans": ""}, "title_zh_hans", "required"),
        ({"sku": "S" * 65}, "sku", "too_long"),
        ({"hs_code": "999999"}, "hs_code", "hs_code_unknown"),
        ({"title_zh_hans": ""}, "title_zh_hans", "listing_missing_chinese_title"),
    ],
)
def test_each_broken_rule_is_reported_with_its_row_column_and_code(trade, cells, column, code):
    summary = dry_run(trade, csv_bytes([listing("OK"), listing("X") | cells]))

    assert codes(summary.errors) == [(3, column, code)]
    assert summary.errors[0]["message"]
    assert summary.created == 1


def test_variant_rows_are_checked_against_their_listing(trade):
    content = csv_bytes(
        [
            variant("ORPHAN", "NOPE"),
            listing("W"),
            variant("W-1", "W", attributes="size=6"),
            variant("W-2", "W", attributes="size=6"),
            variant("W-3", "W", attributes="size"),
            variant("W-4", "W", brand="Dandoy"),
            variant("PRL-250", "W", attributes="size=9"),
        ]
    )

    summary = dry_run(trade, content)

    assert codes(summary.errors) == [
        (2, "parent_sku", "parent_unknown"),
        (5, "attributes", "variant_exists"),
        (6, "attributes", "attributes_invalid"),
        (7, "brand", "not_for_variant"),
        (8, "sku", "sku_exists"),
    ]


def test_only_an_approved_merchant_publishes_through_an_import(trade):
    newcomer = organization(OrganizationKind.MERCHANT, approved=False)

    job = run(trade, csv_bytes([listing("A"), listing("B", status="draft")]), merchant=newcomer)

    assert codes(job.errors) == [(2, "status", "merchant_not_approved")]
    assert list(Product.objects.filter(merchant=newcomer).values_list("sku", "status")) == [
        ("B", "draft")
    ]


def test_an_xlsx_file_imports_like_its_csv(trade):
    rows = [listing("A"), variant("A-1", "A")]
    run(trade, xlsx_bytes(rows))

    assert dry_run(trade, csv_bytes(rows)).unchanged == 2


def test_a_resumed_job_skips_the_batches_already_committed(trade, monkeypatch):
    monkeypatch.setattr("marketplace.catalog_io.services.BATCH_SIZE", 2)
    content = csv_bytes([listing(f"R-{n}") for n in range(5)] + [listing("R-0")])
    job = import_job_create(
        merchant=trade.merchant, file_name="f.csv", content=content, enqueue=False
    )
    run(trade, csv_bytes([listing("R-0"), listing("R-1")]))
    type(job).objects.filter(pk=job.pk).update(processed_rows=2, created_count=2)

    job = import_job_run(job_id=job.pk)

    assert (job.processed_rows, job.created_count, job.unchanged_count) == (6, 5, 0)
    assert codes(job.errors) == [(7, "sku", "sku_duplicate")]


def test_a_refused_publication_leaves_the_listing_exactly_as_it_was(trade):
    run(trade, csv_bytes([listing("A", status="draft"), listing("B")]))
    draft = Product.objects.get(sku="A")
    product_certificate_add(
        product=draft, kind="health_certificate", number="HC-1", issuer="FASFC",
        valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1),
    )  # fmt: skip
    before = Product.objects.get(sku="A").updated_at

    job = run(trade, csv_bytes([listing("A", stock=7), listing("B", title_zh_hans="", stock=3)]))

    assert codes(job.errors) == [
        (2, "status", "listing_certificate_invalid"),
        (3, "title_zh_hans", "listing_missing_chinese_title"),
    ]
    a, b = Product.objects.get(sku="A"), Product.objects.get(sku="B")
    assert (a.status, a.stock, a.updated_at) == (ProductStatus.DRAFT, 100, before)
    assert (b.status, b.stock) == (ProductStatus.PUBLISHED, 100)
    assert b.translations.filter(language="zh-Hans").exists()
