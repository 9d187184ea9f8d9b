"""The SSRF guard: which webhook URLs may be called at all."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import override_settings

from ewtp.events.ssrf import WebhookUrlForbidden, url_check

PUBLIC = "93.184.216.34"


@pytest.fixture
def no_loopback():
    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False):
        yield


def test_loopback_is_allowed_only_with_the_setting():
    target = url_check("http://127.0.0.1:8080/hooks")
    assert target.address == ipaddress.ip_address("127.0.0.1")
    assert (target.host, target.port) == ("127.0.0.1", 8080)

    with override_settings(WEBHOOK_ALLOW_LOOPBACK=False), pytest.raises(WebhookUrlForbidden) as err:
        url_check("https://127.0.0.1/hooks")
    assert "loopback" in err.value.detail


@pytest.mark.usefixtures("no_loopback")
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.1/hooks", "private"),
        ("https://192.168.1.1/hooks", "private"),
        ("https://172.16.5.4/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://[fd00:ec2::254]/latest/meta-data/", "metadata"),
        ("https://[::1]/hooks", "loopback"),
        ("https://localhost/hooks", "loopback"),
        ("https://0.0.0.0/hooks", "unspecified"),
        ("https://100.64.0.7/hooks", "carrier-grade NAT"),
        ("https://224.0.0.1/hooks", "multicast"),
        ("https://169.254.10.10/hooks", "link-local"),
        ("https://[fe80::1]/hooks", "link-local"),
        ("https://240.0.0.1/hooks", "reserved"),
        ("https://[::ffff:10.0.0.1]/hooks", "private"),  # IPv4-mapped IPv6
        ("https://[2002:a00:1::]/hooks", "private"),  # 6to4 around 10.0.0.1
        ("https://[64:ff9b::a9fe:a9fe]/hooks", "metadata"),  # NAT64 around 169.254.169.254
        ("https://192.0.2.10/hooks", "private"),  # documentation range: Python calls it private
    ],
)
def test_non_public_addresses_are_refused(url, reason):
    with pytest.raises(WebhookUrlForbidden) as err:
        url_check(url)

    assert reason in err.value.detail
    assert (err.value.code, err.value.field, err.value.status) == (
        "webhook_url_forbidden",
        "url",
        422,
    )


@pytest.mark.parametrize(
    "url", ["https://169.254.169.254/latest/", "http://[fd00:ec2::254]/latest/"]
)
def test_metadata_addresses_stay_refused_even_where_loopback_is_allowed(url):
    with pytest.raises(WebhookUrlForbidden, match="metadata"):
        url_check(url)


@pytest.mark.usefixtures("no_loopback")
def test_a_hostname_is_refused_when_any_of_its_addresses_is_private(fake_dns):
    fake_dns.table["hooks.partner.example"] = [PUBLIC, "10.1.2.3"]

    with pytest.raises(WebhookUrlForbidden, match=r"private address \(10\.1\.2\.3\)"):
        url_check("https://hooks.partner.example/hooks")


@pytest.mark.usefixtures("no_loopback")
def test_a_hostname_with_only_public_addresses_is_allowed(fake_dns):
    fake_dns.table["hooks.partner.example"] = [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"]

    target = url_check("https://hooks.partner.example/hooks?x=1")

    assert target.address == ipaddress.ip_address(PUBLIC)
    assert (target.scheme, target.host, target.port) == ("https", "hooks.partner.example", 443)


@pytest.mark.usefixtures("no_loopback")
@pytest.mark.parametrize(
    "url",
    [
        f"http://{PUBLIC}/hooks",  # plain http outside the tests
        f"ftp://{PUBLIC}/hooks",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "javascript:alert(1)",
    ],
)
def test_only_https_is_allowed_in_production(url):
    with pytest.raises(WebhookUrlForbidden, match="must use https"):
        url_check(url)


def test_credentials_in_the_url_are_refused():
    with pytest.raises(WebhookUrlForbidden, match="user name or password"):
        url_check("http://user:secret@127.0.0.1:8080/hooks")


def test_an_unresolvable_host_is_refused_with_its_own_code(fake_dns):
    fake_dns.table["nowhere.partner.example"] = []

    with pytest.raises(WebhookUrlForbidden) as err:
        url_check("https://nowhere.partner.example/hooks")

    assert err.value.code == "webhook_url_unresolvable"


@pytest.mark.parametrize("url", ["https:///hooks", "https://[::1/hooks", "https://h:99999/"])
def test_urls_without_a_usable_host_are_refused(url):
    with pytest.raises(WebhookUrlForbidden):
        url_check(url)
