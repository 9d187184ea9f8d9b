"""A merchant with a published listing and the partners of its orders, all made by the real
services, and a browser-less client signed in as one of the merchant's people."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from django.test import Client

from ewtp.core.models import Organization, OrganizationKind, User, UserRole
from tests.factories import UserFactory
from tests.marketplace.flows import Trade, organization, product, trade_setup


@pytest.fixture
def trade(db: None) -> Trade:
    built = trade_setup()
    product(built, title="Dark pralines, box of 20")
    return built


@pytest.fixture
def rival(trade: Trade) -> Trade:
    """Another approved merchant selling through the same marketplace, with its own listing."""
    other = dataclasses.replace(trade, merchant=organization(OrganizationKind.MERCHANT))
    product(other, sku="RIVAL-1", title="Rival waffles")
    return other


@pytest.fixture
def sign_in(db: None) -> Callable[[Organization | None], Client]:
    def make(org: Organization | None) -> Client:
        user: User = UserFactory.create(organization=org, role=UserRole.ADMIN)
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def merchant_client(trade: Trade, sign_in: Callable[[Organization | None], Client]) -> Client:
    return sign_in(trade.merchant)
