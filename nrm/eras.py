"""The NRM's rules as they stood in 2011 and as they stand today, in one place.

`NRM_ERA` (2011 or today) picks the defaults of every rule setting in nrm/settings_rules.py; each
setting can still be overridden by its own environment variable. docs/domain-rules.md explains
each rule and where today's values come from. Configuration only: this module imports no app."""

from __future__ import annotations

ERA_2011 = "2011"
ERA_TODAY = "today"

# Roles that may ask for a negative decision to be reconsidered (or on whose behalf the request is recorded).
FIRST_RESPONDER = "first_responder"
SUPPORT_PROVIDER = "support_provider"
PERSON = "person"
LEGAL_REPRESENTATIVE = "legal_representative"

ERAS: dict[str, dict[str, object]] = {
    ERA_2011: {
        "NRM_RG_THRESHOLD_TEXT": (
            "Do you suspect but cannot prove that the person is a victim of human trafficking? "
            "(Reasonable grounds to believe, short of conclusive proof.)"),
        "NRM_CG_THRESHOLD_TEXT": (
            "On the balance of probabilities, is it more likely than not that the person is a victim of "
            "human trafficking?"),
        "NRM_ROUTING_RULE": "2011",
        "NRM_DEFAULT_COMPETENT_AUTHORITY": "UK Human Trafficking Centre",
        "NRM_IMMIGRATION_COMPETENT_AUTHORITY": "UK Border Agency",
        "NRM_RECOVERY_PERIOD_DAYS": 45,
        "NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS": 14,
        "NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS": 48,
        "NRM_RECONSIDERATION_WINDOW_DAYS": 30,
        "NRM_RECONSIDERATION_REQUESTERS": [FIRST_RESPONDER, SUPPORT_PROVIDER],
        "NRM_SECOND_REVIEW_POLICY": "all",
        # The Duty to Notify began in November 2015 (Modern Slavery Act s.52). The 2011 era keeps today's
        # authorities so that the service's Duty to Notify records and tables work under either era.
        "NRM_DUTY_TO_NOTIFY_AUTHORITIES": ["police", "local_authority", "government_agency"],
        "NRM_CHILD_GUARDIANS_ENABLED": False,
    },
    ERA_TODAY: {
        "NRM_RG_THRESHOLD_TEXT": (
            "Are there reasonable grounds to believe, based on objective factors but falling short of "
            "conclusive proof, that the person is a victim of modern slavery?"),
        "NRM_CG_THRESHOLD_TEXT": (
            "On the balance of probabilities, is there sufficient information to decide that the person is a "
            "victim of modern slavery?"),
        "NRM_ROUTING_RULE": "today",
        "NRM_DEFAULT_COMPETENT_AUTHORITY": "Single Competent Authority",
        "NRM_IMMIGRATION_COMPETENT_AUTHORITY": "Immigration Enforcement Competent Authority",
        "NRM_RECOVERY_PERIOD_DAYS": 30,
        "NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS": 45,
        "NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS": 14 * 24,
        "NRM_RECONSIDERATION_WINDOW_DAYS": 30,
        "NRM_RECONSIDERATION_REQUESTERS": [FIRST_RESPONDER, SUPPORT_PROVIDER, PERSON, LEGAL_REPRESENTATIVE],
        "NRM_SECOND_REVIEW_POLICY": "negative",
        # Modern Slavery Act 2015 s.52: the specified public authorities, as first responder types: police
        # forces, local authorities and the government agencies among first responders (the Home Office's
        # immigration functions, the National Crime Agency, the Gangmasters and Labour Abuse Authority).
        "NRM_DUTY_TO_NOTIFY_AUTHORITIES": ["police", "local_authority", "government_agency"],
        "NRM_CHILD_GUARDIANS_ENABLED": True,
    },
}


def era_settings(era: str) -> dict[str, object]:
    """Every rule setting of an era (what tests apply to run the service under it)."""
    return dict(ERAS[era])
