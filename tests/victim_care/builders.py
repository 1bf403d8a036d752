"""The prime contractor and a provider whose rate changes, shared by the funding and statement tests."""

from __future__ import annotations

import datetime

from organisations.models import Organisation, OrgRole, Role, User
from tests.factories import OrganisationFactory, UserFactory
from victim_care.models import SupportType, Tariff


def prime_contractor_case_manager() -> User:
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR]),
                       roles=[Role.PC_CASE_MANAGER])


def provider_with_a_rate_rise() -> Organisation:
    """A provider paid £50 a day for accommodation from 1 January 2026, then £55 from 11 January."""
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER])
    for pence, valid_from in ((5000, datetime.date(2026, 1, 1)), (5500, datetime.date(2026, 1, 11))):
        Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=pence,
                              valid_from=valid_from)
    return provider
