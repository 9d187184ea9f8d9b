"""factory_boy factories for single rows of the platform core. Flows use the real services."""

from __future__ import annotations

import factory

from ewtp.core.models import Organization, OrganizationKind, User, UserRole


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganizationKind.MERCHANT
    country = "BE"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    organization = factory.SubFactory(OrganizationFactory)
    role = UserRole.MEMBER
    password = factory.django.Password("correct horse battery")
