"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

from base64 import b32decode

import factory
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.models import FirstResponderType, Organisation, OrgRole, Role, User
from organisations.roles import group_for

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    roles = factory.LazyFunction(lambda: [OrgRole.FIRST_RESPONDER])
    first_responder_type = factory.LazyAttribute(
        lambda o: FirstResponderType.POLICE if OrgRole.FIRST_RESPONDER in o.roles else ""
    )


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a role; `with_totp=True` (default) gives them the demo authenticator secret."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="en_GB")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.set([group_for(role) for role in extracted])
        self.save()

    @factory.post_generation
    def with_totp(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted is not False:
            TOTPDevice.objects.create(
                user=self, name="Authenticator app", confirmed=True,
                key=b32decode(settings.DEMO_TOTP_SECRET).hex(),
            )
