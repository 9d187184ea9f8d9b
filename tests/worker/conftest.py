"""A real Celery worker process against the test database, a webhook receiver on loopback, and a
polling helper. Tests marked `worker` use them; nothing here sleeps blindly: everything waits
on a condition with a deadline."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from django.conf import settings

from ewtp.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = ROOT / ".venv" / "bin" / "celery"
QUEUES = "clearance,routing,notifications,imports,default"
WORKER_START_TIMEOUT = 30.0

T = TypeVar("T")


class WaitTimeout(AssertionError):
    pass


def wait_until(
    predicate: Callable[[], T | None],
    *,
    timeout: float = 20.0,
    interval: float = 0.1,
    what: str = "the condition",
) -> T:
    """Poll `predicate` every `interval` seconds until it returns something truthy (which is
    returned) or `timeout` seconds pass (WaitTimeout, with the last value seen)."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"Timed out after {timeout} s waiting for {what}; last: {last!r}")
        # the poll interval, not a wait for a job: the loop ends as soon as the state is reached
        time.sleep(interval)


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    user = quote(str(db.get("USER") or "postgres"))
    password = db.get("PASSWORD")
    credentials = f"{user}:{quote(str(password))}" if password else user
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    name: str
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _ping(name: str) -> bool:
    replies = celery_app.control.ping(destination=[name], timeout=0.5) or []
    return any(name in reply for reply in replies)


@pytest.fixture
def celery_worker_process(transactional_db: None, tmp_path: Path) -> Iterator[WorkerProcess]:
    """Start `celery worker` on the test database and broker; stop it after the test."""
    # Leftovers from earlier runs (tasks naming rows that no longer exist) would only add noise.
    celery_app.control.purge()
    name = f"ewtp-test-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path / "celery-worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ewtp.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        # Close connections after each task so nothing lingers when the test flushes the DB.
        "DB_CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    if "PYTEST_XDIST_WORKER" in os.environ:
        env["PYTEST_XDIST_WORKER"] = os.environ["PYTEST_XDIST_WORKER"]
    command = [
        str(CELERY), "-A", "ewtp", "worker",
        "-Q", QUEUES, "-c", "2", "-P", "prefork",
        "-n", name, "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(  # our own worker, a fixed argv
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    worker = WorkerProcess(process=process, name=name, log=log)
    try:

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"The Celery worker exited early:\n{worker.log_tail()}")
            return _ping(name)

        wait_until(answers, timeout=WORKER_START_TIMEOUT, interval=0.2, what="the worker's pong")
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def dump_worker_log_on_failure(
    request: pytest.FixtureRequest, celery_worker_process: WorkerProcess
) -> Iterator[None]:
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        sys.stderr.write(f"\n--- celery worker log ---\n{celery_worker_process.log_tail()}\n")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- webhooks


def signature_valid(*, secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Standard Webhooks v1, as a partner would check it (written from the contract, sharing no
    code with the platform): base64 HMAC-SHA256 keyed with the secret's base64 part."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.partition(",") for part in headers["webhook-signature"].split(" ")]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, _, sig in offered)


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass
class WebhookReceiver:
    """A partner's webhook server on loopback; each partner gets its own path."""

    port: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, partner: str) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{partner}"

    def received(self, partner: str) -> list[Delivery]:
        with self.lock:
            return [d for d in self.deliveries if d.path == f"/hooks/{partner}"]


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with receiver.lock:
                receiver.deliveries.append(
                    Delivery(
                        path=self.path,
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the test reads requests
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
