"""Which competent authority decides a referral. The rule is one function, chosen by the
NRM_ROUTING_RULE setting (a name below or a dotted path), so a change of policy is one line."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from organisations.models import Organisation, OrgRole
from referrals.models import Referral


def _competent_authority(name: str) -> Organisation:
    try:
        return Organisation.objects.get(name__iexact=name, roles__contains=[OrgRole.COMPETENT_AUTHORITY])
    except Organisation.DoesNotExist as missing:
        raise ImproperlyConfigured(f"No competent authority called {name!r}: check the routing settings.") from missing


def route_2011(referral: Referral) -> Organisation:
    """2011: UK Border Agency when the person is subject to immigration control or has claimed
    asylum; the UK Human Trafficking Centre otherwise. 'Not sure' routes as 'no'."""
    personal = referral.answers.get("personal-details", {})
    immigration_case = personal.get("immigration_control") == "yes" or personal.get("claimed_asylum") == "yes"
    return _competent_authority(
        settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY if immigration_case else settings.NRM_DEFAULT_COMPETENT_AUTHORITY
    )


def route_today(referral: Referral) -> Organisation:
    """Today's rule: the Single Competent Authority decides, except the cases the Immigration Enforcement
    Competent Authority takes: people in immigration detention or facing removal as foreign national
    offenders (the referral's answer to that question). 'Not sure' routes to the Single Competent Authority,
    which can transfer the case."""
    personal = referral.answers.get("personal-details", {})
    return _competent_authority(
        settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY if personal.get("immigration_enforcement_case") == "yes"
        else settings.NRM_DEFAULT_COMPETENT_AUTHORITY
    )


ROUTING_RULES: dict[str, Callable[[Referral], Organisation]] = {
    "2011": route_2011,
    "today": route_today,
    "single": route_today,  # the earlier name of today's rule
}


def route(referral: Referral) -> Organisation:
    rule_name = settings.NRM_ROUTING_RULE
    rule = ROUTING_RULES.get(rule_name) or import_string(rule_name)
    return rule(referral)
