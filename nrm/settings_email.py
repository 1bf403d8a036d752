"""Email: a reference and a link only, never personal details; SMTP, or GOV.UK Notify."""

from __future__ import annotations

from nrm.settings_environment import BASE_DIR, IS_PRODUCTION, env

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not IS_PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=IS_PRODUCTION)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)  # a hung mail server fails the send; the task retries
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="nrm-no-reply@nrm.example.gov.uk")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# GOV.UK Notify instead of SMTP: EMAIL_BACKEND=core.notify.NotifyEmailBackend plus these two.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT = env.float("NOTIFY_TIMEOUT_SECONDS", default=10)
