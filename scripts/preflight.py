#!/usr/bin/env python3
"""Before anything else: are PostgreSQL and Redis reachable? Standard library only (runs pre-venv).

Exits 1 with a message naming what is missing, where it looked, and how to start it.
"""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlsplit

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ewtp")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)

HOW_TO_START = {
    "PostgreSQL": (
        "  start it as a system service:  pg_ctlcluster --skip-systemctl-redirect "
        "$(ls /etc/postgresql) main start   (or: sudo systemctl start postgresql)\n"
        "  or in Docker:                  docker compose up -d db\n"
        "  or point DATABASE_URL at a running server."
    ),
    "Redis": (
        "  start it as a system service:  redis-server --daemonize yes --bind 127.0.0.1 "
        "--port 6379   (or: sudo systemctl start redis-server)\n"
        "  or in Docker:                  docker compose up -d redis\n"
        "  or point REDIS_URL (and CELERY_BROKER_URL) at a running server."
    ),
}


def _reachable(
    url: str, default_port: int, probe: bytes | None, expect: bytes | None
) -> str | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3) as sock:
            if probe is not None:
                sock.sendall(probe)
                sock.settimeout(3)
                reply = sock.recv(64)
                if expect is not None and expect not in reply:
                    return f"{host}:{port} answered {reply[:40]!r}, not {expect!r}"
    except OSError as exc:
        return f"nothing answers at {host}:{port} ({exc.strerror or exc})"
    return None


def main() -> int:
    checks = [
        ("PostgreSQL", "DATABASE_URL", DATABASE_URL, _reachable(DATABASE_URL, 5432, None, None)),
        ("Redis", "REDIS_URL", REDIS_URL, _reachable(REDIS_URL, 6379, b"PING\r\n", b"PONG")),
    ]
    if BROKER_URL != REDIS_URL and BROKER_URL.startswith("redis"):
        checks.append(
            (
                "Redis",
                "CELERY_BROKER_URL",
                BROKER_URL,
                _reachable(BROKER_URL, 6379, b"PING\r\n", b"PONG"),
            )
        )
    failed = [(name, var, url, why) for name, var, url, why in checks if why]
    for name, var, url, why in failed:
        print(f"\nMISSING: {name} is not reachable: {why}.", file=sys.stderr)
        print(f"  looked at {var}={url}", file=sys.stderr)
        print(HOW_TO_START[name], file=sys.stderr)
    if failed:
        print(
            "\neWTP needs both PostgreSQL and Redis running. Nothing was started.", file=sys.stderr
        )
        return 1
    print("preflight: PostgreSQL and Redis are reachable.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
