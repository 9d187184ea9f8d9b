"""Production settings pass Django's deployment checklist and refuse to start half-configured."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean |= {"DJANGO_SETTINGS_MODULE": "ewtp.settings.production", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="ewtp.example.com",
        BUYER_ID_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "ewtp.example.com"}, "DJANGO_SECRET_KEY must be set"),
        (
            {"DJANGO_SECRET_KEY": "too-short", "DJANGO_ALLOWED_HOSTS": "ewtp.example.com"},
            "DJANGO_SECRET_KEY must be set",
        ),
        ({"DJANGO_SECRET_KEY": "s" * 20 + secrets.token_urlsafe(50)}, "DJANGO_ALLOWED_HOSTS"),
    ],
    ids=["no-secret-key", "short-secret-key", "no-allowed-hosts"],
)
def test_refuses_to_start_without_a_secret_key_or_allowed_hosts(env, message):
    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_seed_demo_refuses_production_settings():
    result = run_manage(
        "seed_demo",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="ewtp.example.com",
        BUYER_ID_ENCRYPTION_KEY=Fernet.generate_key().decode(),
    )

    assert result.returncode != 0
    assert "do not allow demo data" in result.stderr
