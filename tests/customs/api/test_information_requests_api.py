"""Partners read and answer customs' requests for information through the API: the answer
with its documents (base64 in the JSON, checked by content, kept with their SHA-256) closes the
request once; a retried request with the same Idempotency-Key changes nothing; another
organisation finds nothing."""

from __future__ import annotations

import base64
import hashlib

import pytest

from customs.models import AuditEntry, InformationRequest, InformationRequestAttachment
from ewtp.core.models import OrganizationKind
from marketplace.models import Order
from tests.marketplace.flows import Trade, held_with_question

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
URL = "/api/v1/customs/declarations/"


@pytest.fixture
def asked(trade: Trade) -> tuple[Order, InformationRequest]:
    return held_with_question(trade, "Send the commercial invoice.")


def answer_url(rfi: InformationRequest) -> str:
    return f"{URL}{rfi.declaration_id}/information-requests/{rfi.pk}/answer/"


def encoded(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_the_merchant_reads_the_question_and_answers_it_with_a_document(
    asked, trade, partner_client
):
    _, rfi = asked
    client = partner_client(trade.merchant)

    listed = client.get(f"{URL}{rfi.declaration_id}/information-requests/").json()
    assert [(r["id"], r["status"], r["question"]) for r in listed] == [
        (rfi.pk, "open", "Send the commercial invoice.")
    ]

    response = client.post(
        answer_url(rfi),
        {
            "answer": "Invoice attached.",
            "attachments": [{"file_name": "invoice.pdf", "content_base64": encoded(PDF)}],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["answer"]) == ("answered", "Invoice attached.")
    [attachment] = body["attachments"]
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert attachment["content_type"] == "application/pdf"
    entry = AuditEntry.objects.get(action="declaration.information_provided")
    assert entry.actor.startswith("api_key:")
    assert entry.payload["attachments"][0]["sha256"] == attachment["sha256"]

    download = client.get(f"{URL}{rfi.declaration_id}/attachments/{attachment['id']}/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
    assert download["Digest"] == f"sha-256={attachment['sha256']}"


def test_the_marketplace_that_filed_the_declaration_may_answer_too(asked, trade, partner_client):
    _, rfi = asked

    response = partner_client(trade.marketplace).post(
        answer_url(rfi), {"answer": "The merchant sends the invoice today."}, format="json"
    )

    assert response.status_code == 200
    assert InformationRequest.objects.get(pk=rfi.pk).answered_at is not None


def test_a_retried_answer_with_the_same_idempotency_key_is_replayed_not_refused(
    asked, trade, partner_client
):
    _, rfi = asked
    client = partner_client(trade.merchant)
    body = {
        "answer": "Invoice attached.",
        "attachments": [{"file_name": "invoice.pdf", "content_base64": encoded(PDF)}],
    }

    first = client.post(answer_url(rfi), body, format="json", HTTP_IDEMPOTENCY_KEY="rfi-1")
    again = client.post(answer_url(rfi), body, format="json", HTTP_IDEMPOTENCY_KEY="rfi-1")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert InformationRequestAttachment.objects.count() == 1


def test_a_second_answer_is_a_409_and_changes_nothing(asked, trade, partner_client):
    _, rfi = asked
    client = partner_client(trade.merchant)
    client.post(answer_url(rfi), {"answer": "First."}, format="json")

    response = client.post(answer_url(rfi), {"answer": "Second."}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "information_request_closed"
    assert InformationRequest.objects.get(pk=rfi.pk).answer == "First."


@pytest.mark.parametrize(
    ("attachments", "status", "code", "field"),
    [
        (
            [{"file_name": "a.pdf", "content_base64": "%%%"}],
            400,
            None,
            "attachments.0.content_base64",
        ),
        (
            [{"file_name": "a.exe", "content_base64": encoded(b"MZ\x90\x00")}],
            422,
            "attachment_type_not_allowed",
            None,
        ),
        ([{"file_name": "a.pdf", "content_base64": ""}], 400, None, "attachments.0.content_base64"),
        ([{"file_name": "a.pdf"}], 400, None, "attachments.0.content_base64"),
    ],
)
def test_bad_documents_are_refused_with_their_reason_and_nothing_is_written(
    asked, trade, partner_client, attachments, status, code, field
):
    _, rfi = asked

    response = partner_client(trade.merchant).post(
        answer_url(rfi), {"answer": "Here.", "attachments": attachments}, format="json"
    )

    assert response.status_code == status, response.json()
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    if code:
        assert problem["code"] == code
    if field:
        assert field in [e["field"] for e in problem["errors"]]
    assert InformationRequest.objects.get(pk=rfi.pk).answered_at is None
    assert not InformationRequestAttachment.objects.exists()


def test_an_empty_answer_is_refused(asked, trade, partner_client):
    _, rfi = asked

    response = partner_client(trade.merchant).post(answer_url(rfi), {"answer": ""}, format="json")

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["answer"]


def test_another_organisation_finds_neither_the_requests_nor_the_documents(
    asked, trade, make_org, partner_client
):
    _, rfi = asked
    partner_client(trade.merchant).post(
        answer_url(rfi),
        {
            "answer": "Here.",
            "attachments": [{"file_name": "i.pdf", "content_base64": encoded(PDF)}],
        },
        format="json",
    )
    attachment = InformationRequestAttachment.objects.get()

    for kind in (OrganizationKind.MERCHANT, OrganizationKind.MARKETPLACE, OrganizationKind.CARRIER):
        client = partner_client(make_org(kind))
        listed = client.get(f"{URL}{rfi.declaration_id}/information-requests/")
        answered = client.post(answer_url(rfi), {"answer": "Mine now."}, format="json")
        download = client.get(f"{URL}{rfi.declaration_id}/attachments/{attachment.pk}/")

        assert (listed.status_code, answered.status_code, download.status_code) == (404, 404, 404)
    assert InformationRequest.objects.get(pk=rfi.pk).answer == "Here."


def test_reading_needs_the_read_scope_and_answering_the_write_scope(asked, trade, partner_client):
    _, rfi = asked
    reader = partner_client(trade.merchant, scopes=["declarations:read"])

    assert reader.get(f"{URL}{rfi.declaration_id}/information-requests/").status_code == 200
    assert reader.post(answer_url(rfi), {"answer": "x"}, format="json").status_code == 403
