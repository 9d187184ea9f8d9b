"""Shapes of customs' requests for information as partners read and answer them through the
API. Documents travel inside the JSON as base64, so an answer is one request: it is written
whole or not at all, and an Idempotency-Key replays it."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customs.attachments import AttachmentUpload
from customs.models import InformationRequest
from ewtp.core.api.serializers import StrictSerializer


class AttachmentInput(StrictSerializer):
    file_name = serializers.CharField(max_length=255)
    content_base64 = serializers.CharField(
        help_text="The file's bytes, base64 (RFC 4648). PDF, PNG or JPEG.",
        trim_whitespace=True,
    )

    def validate_content_base64(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                "Not valid base64.", code="attachment_encoding_invalid"
            ) from None


class InformationRequestAnswerInput(StrictSerializer):
    answer = serializers.CharField(max_length=4000)
    attachments = AttachmentInput(many=True, required=False, default=list)

    def uploads(self) -> list[AttachmentUpload]:
        return [
            AttachmentUpload(file_name=item["file_name"], content=item["content_base64"])
            for item in self.validated_data["attachments"]
        ]


class InformationRequestAttachmentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class InformationRequestOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    declaration_id = serializers.UUIDField()
    reason_code = serializers.CharField()
    question = serializers.CharField()
    requested_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    status = serializers.SerializerMethodField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    attachments = InformationRequestAttachmentOutput(many=True)

    @extend_schema_field({"type": "string", "enum": ["open", "answered", "lapsed"]})
    def get_status(self, request: InformationRequest) -> str:
        """open (waiting for an answer), answered, or lapsed (unanswered by the deadline, so
        the declaration went on hold)."""
        if request.answered_at is not None:
            return "answered"
        return "lapsed" if request.lapsed_at is not None else "open"
