"""Fixtures of the events tests: a real webhook receiver on loopback, a fake DNS, and helpers that
build endpoints and events through the real services."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.db import transaction

from ewtp.core.models import Organization
from ewtp.events.bus import publish
from ewtp.events.models import OutboxEvent, WebhookEndpoint
from ewtp.events.services import webhook_endpoint_create
from tests.events.standard_webhooks import verify

EVENT_TYPE = "test.parcel.scanned"


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool | None  # None when the receiver knew no secret


@dataclass
class Receiver:
    """A partner's webhook server: records every request and checks its signature."""

    port: int = 0
    status: int = 200
    response_headers: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    stall: threading.Event | None = None  # when set up, answers only once the event is set
    requests: list[ReceivedRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def posts(self) -> list[ReceivedRequest]:
        with self.lock:
            return [r for r in self.requests if r.method == "POST"]


def _handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            verified = None
            if receiver.secrets and "webhook-signature" in headers:
                verified = any(
                    verify(secret=s, headers=headers, body=body, now=int(time.time()))
                    for s in receiver.secrets
                )
            with receiver.lock:
                receiver.requests.append(
                    ReceivedRequest(self.command, self.path, headers, body, verified)
                )
            if receiver.stall is not None:
                receiver.stall.wait(10)
            self.send_response(receiver.status)
            for name, value in receiver.response_headers.items():
                self.send_header(name, value)
            reply = b'{"received": true}'
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_POST = _handle  # noqa: N815  # http.server's naming
        do_GET = _handle  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test asserts on `receiver.requests` instead."""

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    # A short poll interval: shutdown() waits up to one interval.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield state
    if state.stall is not None:
        state.stall.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@dataclass
class FakeDns:
    """Answers for the hosts in `table`; IP literals and other hosts go to the real resolver."""

    table: dict[str, list[str]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDns:
    dns = FakeDns()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name not in dns.table:
            return real(host, port, *args, **kwargs)
        dns.lookups.append(name)
        if not dns.table[name]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, int(port or 0), 0, 0) if ":" in address else (address, int(port or 0)),
            )
            for address in dns.table[name]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return dns


@pytest.fixture
def make_endpoint(db: None) -> Callable[..., tuple[WebhookEndpoint, str]]:
    def make(
        organization: Organization, url: str = "http://127.0.0.1:9/hooks", **kwargs: Any
    ) -> tuple[WebhookEndpoint, str]:
        return webhook_endpoint_create(organization=organization, url=url, **kwargs)

    return make


@pytest.fixture
def publish_event(db: None) -> Callable[..., OutboxEvent]:
    def make(
        *recipients: Organization, type: str = EVENT_TYPE, data: dict[str, Any] | None = None
    ) -> OutboxEvent:
        with transaction.atomic():
            return publish(type=type, data=data or {"parcel": "P-1"}, recipients=recipients)

    return make
