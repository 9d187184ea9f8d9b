"""ECB reference rates: loaded idempotently from the bundled file, looked up on or before a
day (the ECB does not publish on weekends), crossed through the euro."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ewtp.core.errors import DomainError
from marketplace.ecb import ecb_rates
from marketplace.models import ExchangeRate
from marketplace.selectors import conversion_rate, rate_on
from marketplace.services import exchange_rates_load
from marketplace.tasks import load_exchange_rates

pytestmark = pytest.mark.django_db

D = Decimal
FRIDAY, THURSDAY = date(2026, 1, 9), date(2026, 1, 8)
SATURDAY, MONDAY = date(2026, 1, 10), date(2026, 1, 12)


@pytest.fixture
def ecb_file(tmp_path):
    """A small file in the ECB's format: newest day first, N/A where a currency was not quoted."""
    path = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "eurofxref-hist.csv",
            "Date,USD,CNY,GBP,BGN,\n"
            "2026-01-12,1.1650,8.1234,0.8640,N/A,\n"
            "2026-01-09,1.1602,8.1009,0.86535,N/A,\n"
            "2026-01-08,1.1580,8.0921,0.8650,1.9558,\n",
        )
    return path


def test_the_loader_stores_each_rate_once_and_a_second_run_changes_nothing(ecb_file):
    first = exchange_rates_load(rates=ecb_rates(path=ecb_file))
    second = exchange_rates_load(rates=ecb_rates(path=ecb_file))

    assert (first.created, first.updated, first.unchanged) == (10, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 10)
    assert ExchangeRate.objects.count() == 10
    gbp = ExchangeRate.objects.get(currency="GBP", date=FRIDAY)
    assert (gbp.rate, gbp.base, gbp.source) == (D("0.865350"), "EUR", "ECB")
    assert not ExchangeRate.objects.filter(currency="BGN", date=FRIDAY).exists()  # N/A


def test_a_corrected_rate_replaces_the_stored_one(ecb_file):
    exchange_rates_load(rates=ecb_rates(path=ecb_file))
    ExchangeRate.objects.filter(currency="USD", date=FRIDAY).update(rate=D("9.9"))

    again = exchange_rates_load(rates=ecb_rates(path=ecb_file), batch_size=3)

    assert (again.created, again.updated, again.unchanged) == (0, 1, 9)
    assert ExchangeRate.objects.get(currency="USD", date=FRIDAY).rate == D("1.160200")


def test_since_limits_the_days_loaded(ecb_file):
    loaded = exchange_rates_load(rates=ecb_rates(path=ecb_file, since=FRIDAY))

    assert loaded.created == 6
    assert set(ExchangeRate.objects.values_list("date", flat=True)) == {FRIDAY, MONDAY}


def test_a_weekend_uses_fridays_rate(ecb_file):
    exchange_rates_load(rates=ecb_rates(path=ecb_file))

    saturday = rate_on(currency="CNY", on=SATURDAY)
    monday = rate_on(currency="CNY", on=MONDAY)

    assert (saturday.rate, saturday.date) == (D("8.100900"), FRIDAY)
    assert (monday.rate, monday.date) == (D("8.123400"), MONDAY)


def test_a_day_a_currency_was_not_quoted_falls_back_to_its_last_quote(ecb_file):
    exchange_rates_load(rates=ecb_rates(path=ecb_file))

    assert rate_on(currency="BGN", on=MONDAY).date == THURSDAY


def test_no_rate_before_the_first_is_a_clear_refusal(ecb_file):
    exchange_rates_load(rates=ecb_rates(path=ecb_file))

    with pytest.raises(DomainError) as refused:
        rate_on(currency="CNY", on=date(2025, 12, 31))
    with pytest.raises(DomainError) as unknown:
        rate_on(currency="XYZ", on=MONDAY)

    assert refused.value.code == unknown.value.code == "exchange_rate_unavailable"


def test_the_euro_needs_no_rate_and_other_pairs_cross_through_it(ecb_file):
    exchange_rates_load(rates=ecb_rates(path=ecb_file))

    euro = rate_on(currency="EUR", on=SATURDAY)
    usd_cny = conversion_rate(base="USD", quote="CNY", on=SATURDAY)
    eur_cny = conversion_rate(base="EUR", quote="CNY", on=SATURDAY)

    assert (euro.rate, euro.date) == (D(1), SATURDAY)
    assert usd_cny.rate == (D("8.1009") / D("1.1602")).quantize(D("0.000001"))
    assert usd_cny.date == FRIDAY
    assert eur_cny.rate == D("8.100900")


def test_the_command_loads_the_bundled_file_idempotently_with_progress():
    out = StringIO()
    call_command("load_exchange_rates", "--since", "2026-10-26", stdout=out)
    again = StringIO()
    call_command("load_exchange_rates", "--since", "2026-10-26", stdout=again)

    first_lines = out.getvalue().splitlines()
    assert first_lines[-2].endswith("(100 %)")
    assert " new, 0 corrected, 0 unchanged" in first_lines[-1]
    assert "0 new, 0 corrected, " in again.getvalue()
    assert ExchangeRate.objects.filter(currency="CNY", date=date(2026, 10, 30)).exists()
    assert not ExchangeRate.objects.filter(date__lt=date(2026, 10, 26)).exists()


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("load_exchange_rates", "--since", "26/10/2026", stdout=StringIO())


def test_the_daily_job_loads_from_shortly_before_the_latest_stored_rate(settings):
    ExchangeRate.objects.create(date=date(2026, 10, 20), currency="CNY", rate=D("8"))

    created = load_exchange_rates.run()

    assert created > 0
    oldest = ExchangeRate.objects.order_by("date").values_list("date", flat=True).first()
    assert oldest == date(2026, 10, 6)  # 14 days before the latest stored
    assert "marketplace.load_exchange_rates" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
