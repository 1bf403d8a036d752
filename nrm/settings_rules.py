"""The NRM's rules, time limits and reminder timings: the figures and policies of the service's domain,
each read from the environment with its default (and from `.env`, which nrm/settings_environment.py reads).
nrm/settings.py star-imports this module, so these are ordinary Django settings (`settings.NRM_...`); every
variable is documented in `.env.example`."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from nrm.eras import ERA_2011, ERAS
from nrm.settings_environment import env

# --- The NRM's rules: figures and policies that have changed since 2011 (docs/domain-rules.md). ---
# NRM_ERA picks the defaults of every rule below from nrm/eras.py (2011 or today); each can be overridden.
NRM_ERA = env.str("NRM_ERA", default=ERA_2011)
if NRM_ERA not in ERAS:
    raise ImproperlyConfigured(f"NRM_ERA must be one of {', '.join(ERAS)}.")
_ERA = ERAS[NRM_ERA]
NRM_RG_THRESHOLD_TEXT = env.str("NRM_RG_THRESHOLD_TEXT", default=_ERA["NRM_RG_THRESHOLD_TEXT"])
NRM_CG_THRESHOLD_TEXT = env.str("NRM_CG_THRESHOLD_TEXT", default=_ERA["NRM_CG_THRESHOLD_TEXT"])
# Routing: "2011" (UK Border Agency for immigration cases, UKHTC otherwise), "today" (the Single Competent
# Authority, with the Immigration Enforcement Competent Authority for people in immigration detention or
# facing removal), "single" (the same as today), or a dotted path.
NRM_ROUTING_RULE = env.str("NRM_ROUTING_RULE", default=_ERA["NRM_ROUTING_RULE"])
NRM_DEFAULT_COMPETENT_AUTHORITY = env.str("NRM_DEFAULT_COMPETENT_AUTHORITY",
                                          default=_ERA["NRM_DEFAULT_COMPETENT_AUTHORITY"])
NRM_IMMIGRATION_COMPETENT_AUTHORITY = env.str("NRM_IMMIGRATION_COMPETENT_AUTHORITY",
                                              default=_ERA["NRM_IMMIGRATION_COMPETENT_AUTHORITY"])
NRM_DRAFT_WARNING_DAYS = env.int("NRM_DRAFT_WARNING_DAYS", default=21)
NRM_DRAFT_EXPIRY_DAYS = env.int("NRM_DRAFT_EXPIRY_DAYS", default=28)
NRM_MAX_DOCUMENTS = env.int("NRM_MAX_DOCUMENTS", default=100)
NRM_MAX_DOCUMENT_BYTES = env.int("NRM_MAX_DOCUMENT_MB", default=25) * 1024 * 1024
# Time limits (core/working_days.py).
NRM_RG_TARGET_WORKING_DAYS = env.int("NRM_RG_TARGET_WORKING_DAYS", default=5)
# The minimum recovery period: a CG can be made once it has run; removal stays suspended until the CG is served.
NRM_RECOVERY_PERIOD_DAYS = env.int("NRM_RECOVERY_PERIOD_DAYS", default=_ERA["NRM_RECOVERY_PERIOD_DAYS"])
NRM_RECONSIDERATION_WINDOW_DAYS = env.int("NRM_RECONSIDERATION_WINDOW_DAYS",
                                          default=_ERA["NRM_RECONSIDERATION_WINDOW_DAYS"])
# Who may ask for reconsideration: first_responder, support_provider, person, legal_representative.
NRM_RECONSIDERATION_REQUESTERS = env.list("NRM_RECONSIDERATION_REQUESTERS",
                                          default=_ERA["NRM_RECONSIDERATION_REQUESTERS"])
NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS = env.int("NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS",
                                             default=_ERA["NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS"])
NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS = env.int("NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS",
                                              default=_ERA["NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS"])
# Expected days from a positive RG to a served CG while a competent authority has no served CG in the last
# 12 months to take the median of (committed spend, victim_care/funding.py).
NRM_EXPECTED_CG_DAYS = env.int("NRM_EXPECTED_CG_DAYS", default=540)
# Second review: "all" decisions (2011) or only "negative" ones (today). Reconsidered decisions always.
NRM_SECOND_REVIEW_POLICY = env.str("NRM_SECOND_REVIEW_POLICY", default=_ERA["NRM_SECOND_REVIEW_POLICY"])
NRM_QUALITY_SAMPLE_PERCENT = env.int("NRM_QUALITY_SAMPLE_PERCENT", default=10)
# Duty to Notify: the public authority types that carry it (Modern Slavery Act 2015 s.52).
NRM_DUTY_TO_NOTIFY_AUTHORITIES = env.list("NRM_DUTY_TO_NOTIFY_AUTHORITIES",
                                          default=_ERA["NRM_DUTY_TO_NOTIFY_AUTHORITIES"])
# A TrueType font file for the PDF letter; empty: a Unicode system font if there is one, else Helvetica.
NRM_LETTER_FONT = env.str("NRM_LETTER_FONT", default="")
# A served decision's letter should be sent within this many working days; then the managers are reminded.
NRM_LETTER_DISPATCH_WORKING_DAYS = env.int("NRM_LETTER_DISPATCH_WORKING_DAYS", default=2)
# Whether organisations may hold the Independent Child Trafficking Guardian service role (not in 2011).
NRM_CHILD_GUARDIANS_ENABLED = env.bool("NRM_CHILD_GUARDIANS_ENABLED", default=_ERA["NRM_CHILD_GUARDIANS_ENABLED"])
# Decision maker and local authority are told this many days before a child in an open case turns 18.
NRM_TURNING_18_LEAD_DAYS = env.int("NRM_TURNING_18_LEAD_DAYS", default=30)
# Victim care: the adult budget per financial year (April to March) unless a BudgetYear row says otherwise.
NRM_ANNUAL_BUDGET_PENCE = env.int("NRM_ANNUAL_BUDGET_PENCE", default=2_000_000 * 100)
# A provider should be in contact with each person at least this often (provider dashboard).
NRM_CONTACT_INTERVAL_DAYS = env.int("NRM_CONTACT_INTERVAL_DAYS", default=7)
# Retention: closed and withdrawn cases lose their personal details this many years after closure.
NRM_RETENTION_YEARS = env.int("NRM_RETENTION_YEARS", default=7)
# Monitoring report: counts from 1 to this are suppressed below national level.
NRM_REPORT_SUPPRESS_MAX = env.int("NRM_REPORT_SUPPRESS_MAX", default=4)

# --- Reminders (reminders/rules/ says who hears what, when). ---
NRM_REMINDER_SEND_HOUR = env.int("NRM_REMINDER_SEND_HOUR", default=8)  # UK time, for reminders about a day
NRM_REMINDER_PLAN_AHEAD_HOURS = env.int("NRM_REMINDER_PLAN_AHEAD_HOURS", default=24)
NRM_REMINDER_CATCH_UP_DAYS = env.int("NRM_REMINDER_CATCH_UP_DAYS", default=7)  # repeats missed in an outage
NRM_REMINDER_MAX_ATTEMPTS = env.int("NRM_REMINDER_MAX_ATTEMPTS", default=3)
NRM_REMINDER_RETRY_MINUTES = env.int("NRM_REMINDER_RETRY_MINUTES", default=15)
NRM_REMINDER_BATCH_SIZE = env.int("NRM_REMINDER_BATCH_SIZE", default=500)
NRM_RG_DUE_LEAD_WORKING_DAYS = env.int("NRM_RG_DUE_LEAD_WORKING_DAYS", default=1)  # working day 4 of 5
NRM_REVIEW_WAITING_WORKING_DAYS = env.int("NRM_REVIEW_WAITING_WORKING_DAYS", default=2)
NRM_RECOVERY_ENDING_LEAD_DAYS = env.int("NRM_RECOVERY_ENDING_LEAD_DAYS", default=7)
NRM_MOVE_ON_ENDING_LEAD_DAYS = env.int("NRM_MOVE_ON_ENDING_LEAD_DAYS", default=7)
NRM_RECONSIDERATION_CLOSING_LEAD_DAYS = env.int("NRM_RECONSIDERATION_CLOSING_LEAD_DAYS", default=5)
NRM_CARE_PLAN_REVIEW_LEAD_DAYS = env.int("NRM_CARE_PLAN_REVIEW_LEAD_DAYS", default=0)
NRM_AWAITING_ALLOCATION_HOURS = env.int("NRM_AWAITING_ALLOCATION_HOURS", default=24)
