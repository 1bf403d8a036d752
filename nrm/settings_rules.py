"""The NRM's rules, time limits and reminder timings: the figures and policies of the service's domain,
each read from the environment with its default. nrm/settings.py star-imports this module after it has
read `.env` into the environment, so these are ordinary Django settings (`settings.NRM_...`); every
variable is documented in `.env.example`."""

from __future__ import annotations

import environ

_env = environ.Env()

# --- The NRM's rules: figures and policies that have changed since 2011. ---
# Routing: "2011" (UK Border Agency for immigration cases, UKHTC otherwise), "single", or a dotted path.
NRM_ROUTING_RULE = _env.str("NRM_ROUTING_RULE", default="2011")
NRM_DEFAULT_COMPETENT_AUTHORITY = _env.str("NRM_DEFAULT_COMPETENT_AUTHORITY", default="UK Human Trafficking Centre")
NRM_IMMIGRATION_COMPETENT_AUTHORITY = _env.str("NRM_IMMIGRATION_COMPETENT_AUTHORITY", default="UK Border Agency")
NRM_DRAFT_WARNING_DAYS = _env.int("NRM_DRAFT_WARNING_DAYS", default=21)
NRM_DRAFT_EXPIRY_DAYS = _env.int("NRM_DRAFT_EXPIRY_DAYS", default=28)
NRM_MAX_DOCUMENTS = _env.int("NRM_MAX_DOCUMENTS", default=100)
NRM_MAX_DOCUMENT_BYTES = _env.int("NRM_MAX_DOCUMENT_MB", default=25) * 1024 * 1024
# Time limits (core/working_days.py). 2011 values by default; today's in the comments.
NRM_RG_TARGET_WORKING_DAYS = _env.int("NRM_RG_TARGET_WORKING_DAYS", default=5)
NRM_RECOVERY_PERIOD_DAYS = _env.int("NRM_RECOVERY_PERIOD_DAYS", default=45)  # today: at least 30
NRM_RECONSIDERATION_WINDOW_DAYS = _env.int("NRM_RECONSIDERATION_WINDOW_DAYS", default=30)
NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS = _env.int("NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS", default=14)  # today: 45
NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS = _env.int("NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS", default=48)  # today: 14 days
# Second review: "all" decisions (2011) or only "negative" ones (today).
NRM_SECOND_REVIEW_POLICY = _env.str("NRM_SECOND_REVIEW_POLICY", default="all")
NRM_QUALITY_SAMPLE_PERCENT = _env.int("NRM_QUALITY_SAMPLE_PERCENT", default=10)
# Whether organisations may hold the Independent Child Trafficking Guardian service role (not in 2011).
NRM_CHILD_GUARDIANS_ENABLED = _env.bool("NRM_CHILD_GUARDIANS_ENABLED", default=False)
# Victim care: the adult budget per financial year (April to March) unless a BudgetYear row says otherwise.
NRM_ANNUAL_BUDGET_PENCE = _env.int("NRM_ANNUAL_BUDGET_PENCE", default=2_000_000 * 100)
# A provider should be in contact with each person at least this often (provider dashboard).
NRM_CONTACT_INTERVAL_DAYS = _env.int("NRM_CONTACT_INTERVAL_DAYS", default=7)
# Retention: closed and withdrawn cases lose their personal details this many years after closure.
NRM_RETENTION_YEARS = _env.int("NRM_RETENTION_YEARS", default=7)
# Monitoring report: counts from 1 to this are suppressed below national level.
NRM_REPORT_SUPPRESS_MAX = _env.int("NRM_REPORT_SUPPRESS_MAX", default=4)

# --- Reminders (reminders/rules.py says who hears what, when). ---
NRM_REMINDER_SEND_HOUR = _env.int("NRM_REMINDER_SEND_HOUR", default=8)  # UK time, for reminders about a day
NRM_REMINDER_PLAN_AHEAD_HOURS = _env.int("NRM_REMINDER_PLAN_AHEAD_HOURS", default=24)
NRM_REMINDER_CATCH_UP_DAYS = _env.int("NRM_REMINDER_CATCH_UP_DAYS", default=7)  # repeats missed in an outage
NRM_REMINDER_MAX_ATTEMPTS = _env.int("NRM_REMINDER_MAX_ATTEMPTS", default=3)
NRM_REMINDER_RETRY_MINUTES = _env.int("NRM_REMINDER_RETRY_MINUTES", default=15)
NRM_REMINDER_BATCH_SIZE = _env.int("NRM_REMINDER_BATCH_SIZE", default=500)
NRM_RG_DUE_LEAD_WORKING_DAYS = _env.int("NRM_RG_DUE_LEAD_WORKING_DAYS", default=1)  # working day 4 of 5
NRM_REVIEW_WAITING_WORKING_DAYS = _env.int("NRM_REVIEW_WAITING_WORKING_DAYS", default=2)
NRM_RECOVERY_ENDING_LEAD_DAYS = _env.int("NRM_RECOVERY_ENDING_LEAD_DAYS", default=7)
NRM_RECONSIDERATION_CLOSING_LEAD_DAYS = _env.int("NRM_RECONSIDERATION_CLOSING_LEAD_DAYS", default=5)
NRM_CARE_PLAN_REVIEW_LEAD_DAYS = _env.int("NRM_CARE_PLAN_REVIEW_LEAD_DAYS", default=0)
NRM_AWAITING_ALLOCATION_HOURS = _env.int("NRM_AWAITING_ALLOCATION_HOURS", default=24)
