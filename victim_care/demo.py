"""Demo providers with capacity and tariffs, and people supported by Medaille Trust and Hestia,
one moved between them. Made through the services; idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from organisations.models import Organisation, User
from victim_care.models import Allocation, ProviderProfile, SupportCase, SupportStatus, SupportType, Tariff
from victim_care.services import allocation_move

PROVIDERS = {
    "Medaille Trust": ({"regions": ["north_west", "london"], "services": ["accommodation", "counselling", "legal"],
                        "women_only_beds": 12, "men_only_beds": 8, "family_beds": 2},
                       {SupportType.ACCOMMODATION: 6500, SupportType.OUTREACH: 2200}),
    "Hestia": ({"regions": ["london", "south_east"], "services": ["accommodation", "medical", "interpreting"],
                "women_only_beds": 20, "men_only_beds": 0, "family_beds": 6},
               {SupportType.ACCOMMODATION: 7000, SupportType.OUTREACH: 2500}),
}


def seed_victim_care() -> int:
    tariff_start = datetime.date(2024, 4, 1)  # before the demo history (monitoring.demo_history) starts
    for name, (profile, rates) in PROVIDERS.items():
        provider = Organisation.objects.get(name=name)
        ProviderProfile.objects.get_or_create(organisation=provider, defaults=profile)
        for support_type, pence in rates.items():
            Tariff.objects.get_or_create(provider=provider, support_type=support_type, valid_from=tariff_start,
                                         defaults={"daily_rate_pence": pence})
    if Allocation.objects.filter(provider__name__in=PROVIDERS).exists():
        return 0  # allocated on an earlier run
    waiting = list(SupportCase.objects.filter(status=SupportStatus.AWAITING_ALLOCATION).order_by("pk"))
    if len(waiting) < 3:
        return 0  # not enough positive decisions to show the demo
    manager = User.objects.get(email="sa.manager@demo.nrm.test")
    medaille, hestia = Organisation.objects.get(name="Medaille Trust"), Organisation.objects.get(name="Hestia")
    today = timezone.localdate()
    allocation_move(support_case=waiting[0], provider=medaille, support_type=SupportType.ACCOMMODATION,
                    on=today - datetime.timedelta(days=20), by=manager)
    allocation_move(support_case=waiting[1], provider=medaille, support_type=SupportType.ACCOMMODATION,
                    on=today - datetime.timedelta(days=30), by=manager)
    allocation_move(support_case=waiting[1], provider=hestia, support_type=SupportType.OUTREACH,
                    on=today - datetime.timedelta(days=10), by=manager)
    return 2
