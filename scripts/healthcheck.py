#!/usr/bin/env python3
"""Container health probe: GET a path on the local gunicorn as the site's own host name.

Standard library only (the image has no curl). The Host header is the first of
DJANGO_ALLOWED_HOSTS, because production settings reject any other host with a 400.
Usage: healthcheck.py [/healthz | /readyz]
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = (hosts[0] if hosts else "localhost").lstrip(".")  # ".example.com" allows subdomains
    request = urllib.request.Request(
        f"http://127.0.0.1:8000{path}",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310  # loopback only
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"{path}: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
