"""The pinned HTTPS connection: we connect to the checked address, yet TLS still checks the
certificate against the URL's host name."""

from __future__ import annotations

import ipaddress
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from ewtp.events.ssrf import Target
from ewtp.events.transport import post

HOST = "hooks.partner.test"


@pytest.fixture
def tls_receiver(tmp_path: Path) -> Iterator[tuple[int, Path, list[str]]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for HOST only."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST}"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hosts.append(self.headers["Host"])
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server.server_address[1], cert, hosts
    server.shutdown()
    server.server_close()
    thread.join(5)


def _target(host: str, port: int) -> Target:
    return Target(scheme="https", host=host, port=port, address=ipaddress.ip_address("127.0.0.1"))


def test_https_to_the_pinned_address_verifies_the_certificate_for_the_host(tls_receiver):
    port, cert, hosts = tls_receiver

    outcome = post(
        url=f"https://{HOST}:{port}/hooks",
        target=_target(HOST, port),
        body=b"{}",
        headers={},
        timeout=5,
        verify=str(cert),
    )

    assert outcome.ok
    assert outcome.status_code == 204
    assert hosts == [f"{HOST}:{port}"]


def test_a_certificate_for_another_host_fails_the_attempt(tls_receiver):
    port, cert, hosts = tls_receiver
    other = "other.partner.test"

    outcome = post(
        url=f"https://{other}:{port}/hooks",
        target=_target(other, port),
        body=b"{}",
        headers={},
        timeout=5,
        verify=str(cert),
    )

    assert not outcome.ok
    assert outcome.status_code is None
    assert "SSLError" in outcome.error
    assert hosts == []
