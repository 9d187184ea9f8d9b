"""One webhook POST, to the address the SSRF guard checked, never following a redirect.

`requests` would resolve the host again when it connects, so a hostile DNS server could answer
a public address to the guard and a private one to the connection (DNS rebinding). The adapter
below connects to the checked address instead, and still names the host in the Host header, in
TLS SNI and in certificate verification. Proxies from the environment are ignored for the same
reason: a proxy would choose the address for us.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool

from ewtp.events.ssrf import DEFAULT_PORTS, Target

EXCERPT_BYTES = 1024  # enough to show a partner's error page; never the whole body


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to. `ok` is a 2xx answer; everything else is a failure."""

    status_code: int | None
    duration_ms: int
    error: str = ""
    response_excerpt: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedAddressAdapter(HTTPAdapter):
    """Connects to `target.address` whatever the URL's host resolves to now."""

    def __init__(self, target: Target) -> None:
        self.target = target
        super().__init__(max_retries=0)

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str | None,
        proxies: Any = None,
        cert: Any = None,
    ) -> ConnectionPool:
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(
            request, True if verify is None else verify, cert
        )
        extra: dict[str, Any] = dict(pool_kwargs)
        if host_params["scheme"] == "https":
            extra["server_hostname"] = self.target.host
            extra["assert_hostname"] = self.target.host
        pool: ConnectionPool = self.poolmanager.connection_from_host(
            host=str(self.target.address),
            port=host_params["port"],
            scheme=host_params["scheme"],
            pool_kwargs=extra,
        )
        return pool


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == DEFAULT_PORTS[target.scheme] else f"{host}:{target.port}"


def post(
    *,
    url: str,
    target: Target,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    verify: bool | str = True,
) -> Outcome:
    """POST `body` to `url` at `target.address`. Network errors become a failed `Outcome`.

    `verify` is requests' TLS setting: True (the public CAs) except in tests with their own CA.
    """
    started = time.monotonic()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    with requests.Session() as session:
        session.trust_env = False
        session.verify = verify
        session.mount(f"{target.scheme}://", _PinnedAddressAdapter(target))
        try:
            with session.post(
                url,
                data=body,
                headers={**headers, "Host": _host_header(target)},
                timeout=timeout,
                allow_redirects=False,
                stream=True,  # read only an excerpt of whatever the partner answers
            ) as response:
                excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
        except (requests.Timeout, urllib3.exceptions.TimeoutError):
            return Outcome(None, elapsed_ms(), error=f"Timed out after {timeout:g} s.")
        # urllib3's own errors escape requests while the streamed body is being read.
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            return Outcome(None, elapsed_ms(), error=f"{type(exc).__name__}: {exc}"[:1000])
    text = excerpt.decode("utf-8", errors="replace")
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(code, elapsed_ms(), response_excerpt=text)
    if response.is_redirect:
        location = response.headers.get("Location", "")
        error = f"HTTP {code}: redirects are not followed (Location: {location[:300]})."
    else:
        error = f"HTTP {code}."
    return Outcome(code, elapsed_ms(), error=error, response_excerpt=text)
