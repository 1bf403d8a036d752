"""Users and sign-in: the user model, passwords, sessions and their timeouts, the second factor, lockout
after failed sign-ins (django-axes) and per-case grants (django-guardian). docs/architecture.md, Sign-in."""

from __future__ import annotations

from datetime import timedelta

from nrm.settings_environment import NRM_ENVIRONMENT, env

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "organisations.authentication.UserWithOrganisationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if NRM_ENVIRONMENT == "test":
    # Hashing cost is irrelevant to what the tests prove and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions in PostgreSQL only: a Redis outage must not sign anyone out, and a sign-out during one must
# not come back to life from a stale cached copy when Redis returns (docs/operations.md).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_TIMEOUT_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
# The last request is recorded in the session at most once a minute (organisations.middleware), so that
# reading a page is not also a write; a session may therefore end up to a minute before the idle timeout.
SESSION_ACTIVITY_RECORD_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "National Referral Mechanism"
# No growing delay on the device: it refused the real user's code too, so anyone with the password could
# keep them out. Wrong codes count towards the account's lockout instead, which a manager can end.
OTP_TOTP_THROTTLE_FACTOR = 0

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Per account, whatever the address: the account locks everywhere, not only where the guesses came from.
# (The per-address limit is organisations.throttles, counted in the Django cache.)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
# One identity for lockout, sign-in and throttles: the address case-folded (organisations.identity).
AXES_USERNAME_CALLABLE = "organisations.identity.sign_in_identity"
# A right password alone must not clear wrong codes: only a full sign-in (password and code) does
# (organisations.services.second_factor_verified), or a manager's or administrator's recorded reset.
AXES_RESET_ON_SUCCESS = False
# axes.W006 asks for ip_address in AXES_LOCKOUT_PARAMETERS; the per-address limit is ours (below), so the
# account locks everywhere without one attacker's address locking a whole office behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failed sign-ins (wrong password or wrong code) from one client address, whichever accounts they name.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
SIGN_IN_ADDRESS_WINDOW = timedelta(minutes=env.int("SIGN_IN_ADDRESS_WINDOW_MINUTES", default=30))
AXES_LOCKOUT_TEMPLATE = "organisations/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"
AXES_VERBOSE = False

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous people hold no grants
