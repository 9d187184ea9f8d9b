"""Which webhook URLs we may call: the guard against server-side request forgery.

A partner chooses the URL and we call it from inside our network, so a URL must not reach our
own or our cloud's private services. The rule:
- the scheme is https (plain http only where `WEBHOOK_ALLOW_LOOPBACK` is on, i.e. the tests);
- no user or password in the URL;
- the host resolves, and EVERY address it resolves to is public: not loopback, private,
  link-local, multicast, reserved, unspecified, carrier-grade NAT (100.64.0.0/10), nor a cloud
  metadata address; loopback alone is let through when `WEBHOOK_ALLOW_LOOPBACK` is on.
  IPv6 addresses that embed an IPv4 one (mapped, 6to4, NAT64) are judged by the embedded one.

It is checked when an endpoint is registered or changed (422 `webhook_url_forbidden`) and again
before every attempt, because DNS can change; the attempt then connects to the very address
that was checked (see `transport`), and redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from ewtp.core.errors import DomainError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CARRIER_GRADE_NAT = ipaddress.IPv4Network("100.64.0.0/10")
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    }
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class WebhookUrlForbidden(DomainError):
    """The URL may not be called. Always about the `url` field."""

    status = 422
    code = "webhook_url_forbidden"
    title = "This webhook URL is not allowed"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail, code=code, field="url")


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`) and what to call it (`host`, for TLS/Host)."""

    scheme: str
    host: str
    port: int
    address: IPAddress


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why `address` may not be called, or None when it may."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return address_refusal(embedded)
    # Metadata first: it must stay refused even where loopback is allowed.
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return None if settings.WEBHOOK_ALLOW_LOOPBACK else "a loopback address"
    checks = [
        (address.is_unspecified, "an unspecified address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (
            isinstance(address, ipaddress.IPv4Address) and address in CARRIER_GRADE_NAT,
            "a carrier-grade NAT address",
        ),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        # Catch-all for the special ranges above misses (documentation, benchmarking, ...).
        (not address.is_global, "a non-public address"),
    ]
    return next((reason for refused, reason in checks if refused), None)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # sockaddr[0] of an IPv6 link-local result may carry a "%scope" suffix.
    found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    return list(dict.fromkeys(found))


def url_check(url: str) -> Target:
    """Check `url` against the rule above; raise `WebhookUrlForbidden` if it breaks it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookUrlForbidden("The URL cannot be parsed.") from None
    scheme = parts.scheme.lower()
    allowed_schemes = {"http", "https"} if settings.WEBHOOK_ALLOW_LOOPBACK else {"https"}
    if scheme not in allowed_schemes:
        raise WebhookUrlForbidden(f"The URL must use {' or '.join(sorted(allowed_schemes))}.")
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlForbidden("The URL must not carry a user name or password.")
    host = parts.hostname
    if not host:
        raise WebhookUrlForbidden("The URL has no host.")
    port = port or DEFAULT_PORTS[scheme]
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError, ValueError):
        raise WebhookUrlForbidden(
            f"The host {host!r} does not resolve.", code="webhook_url_unresolvable"
        ) from None
    if not addresses:
        raise WebhookUrlForbidden(
            f"The host {host!r} does not resolve.", code="webhook_url_unresolvable"
        )
    for address in addresses:
        reason = address_refusal(address)
        if reason is not None:
            raise WebhookUrlForbidden(f"The host {host!r} resolves to {reason} ({address}).")
    return Target(scheme=scheme, host=host, port=port, address=addresses[0])
