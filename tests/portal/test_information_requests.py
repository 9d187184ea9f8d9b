"""A merchant answers customs' question on a held order in the portal, with documents that are
checked by their content, kept with their SHA-256 (also in the audit trail) and downloadable
only by the merchant."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from customs.models import AuditEntry, InformationRequest, InformationRequestAttachment
from ewtp.core.management.commands.setup_roles import CUSTOMS_OFFICERS, roles_setup
from ewtp.core.models import UserRole
from marketplace.models import Order
from tests.marketplace.flows import Trade, declaration_of, held_with_question, staff_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def asked(trade: Trade) -> tuple[Order, InformationRequest]:
    return held_with_question(trade, "Send the commercial invoice and a photo of the goods.")


def answer_url(order: Order, rfi: InformationRequest) -> str:
    return f"/marketplace/orders/{order.pk}/information-requests/{rfi.pk}/answer/"


def test_the_order_page_shows_the_question_and_an_accessible_answer_form(
    asked, merchant_client: Client
):
    order, rfi = asked

    html = merchant_client.get(f"/marketplace/orders/{order.pk}/").content.decode()

    assert "Send the commercial invoice and a photo of the goods." in html
    assert f'<label for="answer-{rfi.pk}">' in html
    assert f'<label for="attachments-{rfi.pk}">' in html
    assert 'enctype="multipart/form-data"' in html


def test_an_answer_with_documents_reaches_customs_with_their_hashes(asked, merchant_client: Client):
    order, rfi = asked

    response = merchant_client.post(
        answer_url(order, rfi),
        {
            "answer": "Invoice and photo attached.",
            "attachments": [
                SimpleUploadedFile("../../invoice.pdf", PDF, content_type="text/plain"),
                SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
            ],
        },
    )

    assert response.status_code == 302
    rfi.refresh_from_db()
    assert rfi.answer == "Invoice and photo attached."
    files = list(InformationRequestAttachment.objects.order_by("file_name"))
    assert [(f.file_name, f.content_type, f.size) for f in files] == [
        ("invoice.pdf", "application/pdf", len(PDF)),  # the type its bytes say, not the name's
        ("photo.png", "image/png", len(PNG)),
    ]
    assert files[0].sha256 == hashlib.sha256(PDF).hexdigest()
    entry = AuditEntry.objects.filter(action="declaration.information_provided").get()
    assert {a["sha256"] for a in entry.payload["attachments"]} == {f.sha256 for f in files}
    assert entry.actor.startswith("user:")
    page = merchant_client.get(f"/marketplace/orders/{order.pk}/").content.decode()
    assert files[0].sha256 in page
    download = merchant_client.get(f"/marketplace/orders/{order.pk}/attachments/{files[0].pk}/")
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="invoice.pdf"' in download["Content-Disposition"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 an executable named like a PDF", "attachment_type_not_allowed"),
        (b"", "attachment_empty"),
        (b"%PDF-" + b"0" * 2048, "attachment_too_large"),
    ],
)
def test_a_bad_document_refuses_the_whole_answer_and_keeps_nothing(
    asked, merchant_client: Client, settings, content, code
):
    settings.CUSTOMS_ATTACHMENT_MAX_BYTES = 1024
    order, rfi = asked

    response = merchant_client.post(
        answer_url(order, rfi),
        {"answer": "See attached.", "attachments": [SimpleUploadedFile("invoice.pdf", content)]},
    )

    assert response.status_code == 422
    assert code in response.content.decode()
    rfi.refresh_from_db()
    assert rfi.answered_at is None
    assert not InformationRequestAttachment.objects.exists()


def test_too_many_documents_are_refused(asked, merchant_client: Client, settings):
    settings.CUSTOMS_ATTACHMENTS_MAX = 1
    order, rfi = asked

    response = merchant_client.post(
        answer_url(order, rfi),
        {
            "answer": "Two files.",
            "attachments": [SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)],
        },
    )

    assert response.status_code == 422
    assert "too_many_attachments" in response.content.decode()
    assert not InformationRequestAttachment.objects.exists()


def test_a_closed_question_cannot_be_answered_again(asked, merchant_client: Client):
    order, rfi = asked
    merchant_client.post(answer_url(order, rfi), {"answer": "First answer."})

    again = merchant_client.post(answer_url(order, rfi), {"answer": "Second answer."})

    assert again.status_code == 409
    rfi.refresh_from_db()
    assert rfi.answer == "First answer."


def test_another_merchant_can_neither_answer_nor_download(asked, rival: Trade, sign_in):
    order, rfi = asked
    owner = sign_in(order.merchant)
    owner.post(
        answer_url(order, rfi),
        {"answer": "Invoice.", "attachments": [SimpleUploadedFile("invoice.pdf", PDF)]},
    )
    attachment = InformationRequestAttachment.objects.get()
    other = sign_in(rival.merchant)

    assert other.post(answer_url(order, rfi), {"answer": "Not mine."}).status_code == 404
    download = other.get(f"/marketplace/orders/{order.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 404
    assert other.get(f"/marketplace/orders/{order.pk}/").status_code == 404


def test_officers_read_the_answer_and_its_documents_in_the_admin(asked, merchant_client):
    order, rfi = asked
    merchant_client.post(
        answer_url(order, rfi),
        {"answer": "Invoice attached.", "attachments": [SimpleUploadedFile("invoice.pdf", PDF)]},
    )
    attachment = InformationRequestAttachment.objects.get()
    roles_setup()
    officer = staff_user(UserRole.OFFICER)
    officer.groups.add(Group.objects.get(name=CUSTOMS_OFFICERS))
    admin = Client()
    admin.force_login(officer)

    page = admin.get(f"/admin/customs/declaration/{declaration_of(order).pk}/change/")
    download = admin.get(f"/admin/customs/declaration/attachments/{attachment.pk}/")

    assert page.status_code == 200
    assert attachment.sha256 in page.content.decode()
    assert "Invoice attached." in page.content.decode()
    assert download.status_code == 200
    assert download.content == PDF


def test_staff_without_the_right_to_see_declarations_get_no_document(asked, merchant_client):
    order, rfi = asked
    merchant_client.post(
        answer_url(order, rfi),
        {"answer": "Invoice attached.", "attachments": [SimpleUploadedFile("invoice.pdf", PDF)]},
    )
    attachment = InformationRequestAttachment.objects.get()
    admin = Client()
    admin.force_login(staff_user(UserRole.STAFF))

    assert admin.get(f"/admin/customs/declaration/attachments/{attachment.pk}/").status_code == 403
