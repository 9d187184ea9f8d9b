"""Standard Webhooks signatures, checked against the spec's own vector and an independent
verifier (tests/events/standard_webhooks.py)."""

from __future__ import annotations

import base64

import pytest

from ewtp.events.signing import secret_generate, secret_key, sign, signature_header
from tests.events.standard_webhooks import signatures, verify

# The example of the Standard Webhooks reference libraries (spec repo, libraries/*/tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_sign_matches_the_spec_vector():
    signature = sign(
        secret=SPEC_SECRET, msg_id=SPEC_MSG_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY
    )

    assert signature == SPEC_SIGNATURE


def test_an_independent_verifier_accepts_our_signature_and_rejects_tampering():
    secret = secret_generate()
    body = b'{"id":"e-1","type":"test.parcel.scanned","data":{"weight":"1.25"}}'
    headers = {
        "webhook-id": "e-1",
        "webhook-timestamp": "1700000000",
        "webhook-signature": sign(secret=secret, msg_id="e-1", timestamp=1700000000, body=body),
    }

    assert verify(secret=secret, headers=headers, body=body, now=1700000100)
    assert not verify(secret=secret, headers=headers, body=body + b" ", now=1700000100)
    assert not verify(secret=secret_generate(), headers=headers, body=body, now=1700000100)
    assert not verify(
        secret=secret, headers={**headers, "webhook-id": "e-2"}, body=body, now=1700000100
    )
    # A receiver refuses a stale timestamp: the signature covers it, so it cannot be refreshed.
    assert not verify(secret=secret, headers=headers, body=body, now=1700000000 + 301)


def test_secrets_are_whsec_and_32_random_bytes():
    first, second = secret_generate(), secret_generate()

    assert first.startswith("whsec_")
    assert len(secret_key(first)) == 32
    assert first != second


def test_a_secret_without_the_prefix_is_refused():
    raw = base64.b64encode(b"k" * 32).decode()

    with pytest.raises(ValueError, match="whsec_"):
        secret_key(raw)


def test_the_header_carries_one_entry_per_secret_each_verifiable_alone():
    old, new = secret_generate(), secret_generate()
    body = b"{}"

    header = signature_header(signing_secrets=[new, old], msg_id="m", timestamp=1, body=body)

    assert [version for version, _ in signatures(header)] == ["v1", "v1"]
    headers = {"webhook-id": "m", "webhook-timestamp": "1", "webhook-signature": header}
    assert verify(secret=old, headers=headers, body=body)
    assert verify(secret=new, headers=headers, body=body)
