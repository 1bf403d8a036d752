"""What the `make bench` scripts share: where the databases are, the environment a child process
runs Django with, and the signed-in sessions and API tokens the measured requests carry.

The page benchmarks have databases of their own (nrm_bench_small, nrm_bench_large), kept between runs
because generating 1,000,000 referrals takes minutes. They are apart from the service's database and
from `nrm_bench`, whose referral table reminders_dispatch.py and monitoring_report.py empty and reload."""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

    from organisations.models import User

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
SMALL_DATABASE, LARGE_DATABASE = "nrm_bench_small", "nrm_bench_large"
FORECAST_DATABASE = "nrm_bench_forecast"  # forecast_backtest.py's generated history
OWN_DATABASES = frozenset({SMALL_DATABASE, LARGE_DATABASE, FORECAST_DATABASE})
SEED = 1  # generate_national_data's seed: the same seed on the same day gives the same rows


def database_url(database: str) -> str:
    """Only the benchmark's own databases: a typo must not point a benchmark at the service's data."""
    if database not in OWN_DATABASES:
        raise ValueError(f"{database!r} is not one of the benchmark's own databases {sorted(OWN_DATABASES)}")
    return f"{SERVER}/{database}"


def django_env(database: str) -> dict[str, str]:
    """The environment of a child process measuring `database`: the development environment with
    DEBUG off, as a deployment runs (no query log kept per request, static files from the collected
    manifest; production mode itself would redirect loopback HTTP to HTTPS), this database, and a
    cache key prefix and Celery queue of its own so that nothing it caches or enqueues reaches the
    service or another engineer's worker on the same Redis."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nrm.settings",
        "NRM_ENVIRONMENT": "development",
        "DEBUG": "false",
        "DATABASE_URL": database_url(database),
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": f"bench-{database}",
        "CELERY_QUEUE": f"bench-{database}",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
    }


STATIC_BUILD, STATIC_ROOT = ROOT / "static_build", ROOT / "staticfiles"


def static_is_stale() -> bool:
    """No collected manifest yet, or a file in static_build/ newer than it."""
    manifest = STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    return any(path.stat().st_mtime > collected for path in STATIC_BUILD.rglob("*") if path.is_file())


def collect_static(*, force: bool = False) -> bool:
    """With DEBUG off, pages name their assets through whitenoise's manifest (CompressedManifestStaticFilesStorage),
    and a page whose asset is not in it fails: collect them into the gitignored staticfiles/ first. run.py does it
    once, at its start (force); latency.py and load.py run alone collect only when the manifest is missing or older
    than static_build/, which `make install` builds. True if it collected."""
    import subprocess

    if not STATIC_BUILD.is_dir():
        raise SystemExit(f"{STATIC_BUILD} is missing: `make install` builds it (collectstatic needs it with DEBUG off)")
    if not force and not static_is_stale():
        return False
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],  # noqa: S603
                   cwd=ROOT, env=django_env(LARGE_DATABASE), check=True)
    return True


def setup_django() -> None:
    """In a child process started with django_env(): import paths, then django.setup()."""
    for path in (str(ROOT), str(ROOT / "bench")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def create_database_if_missing(url: str) -> bool:
    """Create the database `url` names when it is missing (True if it was created)."""
    import psycopg2
    from psycopg2 import sql

    server, name = url.rsplit("/", 1)
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    finally:
        admin.close()


def ensure_database(database: str) -> bool:
    """Create one of the benchmark's own databases when missing (True if it was created)."""
    return create_database_if_missing(database_url(database))


def insert_referrals(cursor: Any, select: str, params: dict[str, Any]) -> None:
    """Referrals in bulk for reminders_dispatch.py and monitoring_report.py: `select` gives these columns' values."""
    cursor.execute("""
        INSERT INTO referrals_referral (id, reference, kind, status, answers, nation, is_child,
            age_at_exploitation, gender, nationality, second_nationality, exploitation_types,
            exploitation_location, name_for_matching, home_office_reference, created_at, updated_at,
            submitted_at, competent_authority_id, created_by_id, first_responder_organisation_id)
    """ + select, params)


def loading_benchmark_parser(description: str | None) -> argparse.ArgumentParser:
    """The command line of a benchmark that loads its own data with `migrated_and_loaded`: `--reuse` keeps
    the last run's data, for measuring again without loading again."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run")
    return parser


def migrated_and_loaded(load: Callable[[], None], *, reuse: bool) -> float:
    """The start of the benchmarks over DATABASE_URL (reminders_dispatch.py, monitoring_report.py): the
    database created if missing, Django set up, the schema migrated, then `load` fills it unless the last
    run's data is reused. The seconds the load took."""
    create_database_if_missing(os.environ["DATABASE_URL"])
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not reuse:
        load()
    return time.perf_counter() - started


def postgres_version() -> str:
    """The server's version and the settings that most change the figures, for the results file."""
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
            cursor.execute("SELECT name, setting, unit FROM pg_settings WHERE name IN "
                           "('shared_buffers', 'work_mem', 'effective_cache_size', 'jit', 'max_connections')")
            settings = {name: f"{setting}{' ' + unit if unit else ''}" for name, setting, unit in cursor.fetchall()}
    finally:
        connection.close()
    return f"PostgreSQL {version} ({', '.join(f'{k}={v}' for k, v in sorted(settings.items()))})"


# -- What is measured: every page and API, in one place (latency.py and load.py both read it) -----------------------

@dataclass(frozen=True)
class Page:
    """One page or API the targets measure. `person` asks for it in latency.py (the busiest of their kind);
    `load_person` asks for it under load, where decision makers take the queue and case pages so that the mix
    holds first responders, decision makers and providers. `list_target`: a list page or an API, held to "at
    most 10 queries, the same at both sizes, within 1.5x" (the case page is a detail page; it is measured, and
    held to the p95 target only)."""

    key: str
    label: str
    person: str
    load_person: str
    kind: str  # "web" (session cookie) or "api" (token)
    path: str  # "{case}" stands for the case the case pages show (latency.the_case)
    list_target: bool

    def url(self, case_id: str) -> str:
        return self.path.format(case=case_id)


# The URLs live here only: when a list gains pagination parameters, change them here.
PAGES: tuple[Page, ...] = (
    Page("ca_queue_page", "Competent authority queue (page)", "ca_manager", "decision_maker", "web", "/cases/", True),
    Page("ca_queue_api", "Competent authority queue (API)", "ca_manager", "ca_manager", "api", "/api/v1/cases/", True),
    Page("case_page", "A case (page)", "ca_manager", "decision_maker", "web", "/cases/{case}/", False),
    Page("case_api", "A case (API)", "ca_manager", "decision_maker", "api", "/api/v1/cases/{case}/", True),
    # The flow dashboard and its figures, held to the list pages' targets (at most 10 queries, the same
    # at both sizes); the case page above shows the case's forecast.
    Page("flow_page", "Case flow dashboard (page)", "ca_manager", "ca_manager", "web", "/cases/flow/", True),
    Page("flow_api", "Case flow figures (API)", "ca_manager", "ca_manager", "api", "/api/v1/reports/flow/", True),
    Page("referrals_page", "First responder's referrals (page)", "first_responder", "first_responder", "web",
         "/referrals/", True),
    Page("referrals_api", "First responder's referrals (API)", "first_responder", "first_responder", "api",
         "/api/v1/referrals/", True),
    Page("pc_dashboard_page", "Prime contractor dashboard (page)", "pc_case_manager", "pc_case_manager", "web",
         "/support/", True),
    Page("provider_people_page", "Provider's people (page)", "support_worker", "support_worker", "web", "/support/",
         True),
    Page("provider_people_api", "Provider's people (API)", "support_worker", "support_worker", "api",
         "/api/v1/support-cases/", True),
)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: p95 of 30 samples is the 29th smallest, never an interpolation that
    hides the slow tail of a short sample."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def summary(samples_ms: list[float]) -> dict[str, Any]:
    """Median, nearest-rank p95 and max of one page's samples (ms)."""
    return {"n": len(samples_ms), "median_ms": round(statistics.median(samples_ms), 1),
            "p95_ms": round(percentile(samples_ms, 0.95), 1), "max_ms": round(max(samples_ms), 1)}


# -- People and their credentials (run inside a Django child process) -------------------------------------------------

@dataclass(frozen=True)
class Person:
    """A role the benchmark signs in as, and why that user: the busiest of their kind, so the figures
    are the worst case the data holds, not an average."""

    key: str
    user_id: int
    organisation: str
    why: str


def choose_people() -> dict[str, Person]:
    """From generate_national_data's users (emails @national-data.nrm.test): the default competent
    authority's CA manager and a decision maker, the first responder of the organisation that refers
    most, the prime contractor's case manager, and a support worker of the provider with most people."""
    from django.conf import settings
    from django.db.models import Count

    from bench.national_data.cast import EMAIL_DOMAIN, PRIME_CONTRACTOR
    from organisations.models import Role, User
    from referrals.models import Referral
    from victim_care.models import Allocation

    def first(role: Role, **filters: Any) -> User:
        user = (User.objects.filter(groups__name=role.label, email__endswith=f"@{EMAIL_DOMAIN}", is_active=True,
                                    **filters).select_related("organisation").order_by("pk").first())
        if user is None:
            raise SystemExit(f"No generated {role.label} ({filters}): run generate_national_data first.")
        return user

    authority = settings.NRM_DEFAULT_COMPETENT_AUTHORITY
    busiest_responder = (Referral.objects.values("first_responder_organisation_id").order_by()
                         .annotate(n=Count("pk")).order_by("-n", "first_responder_organisation_id")[0])
    busiest_provider = (Allocation.objects.filter(end_on__isnull=True).values("provider_id").order_by()
                        .annotate(n=Count("pk")).order_by("-n", "provider_id")[0])
    chosen = {
        "ca_manager": (first(Role.CA_MANAGER, organisation__name=authority), f"CA manager of {authority}"),
        "decision_maker": (first(Role.DECISION_MAKER, organisation__name=authority),
                           f"decision maker of {authority}"),
        "first_responder": (first(Role.FIRST_RESPONDER,
                                  organisation_id=busiest_responder["first_responder_organisation_id"]),
                            f"first responder of the organisation that referred most ({busiest_responder['n']:,})"),
        "pc_case_manager": (first(Role.PC_CASE_MANAGER, organisation__name=PRIME_CONTRACTOR),
                            f"case manager of {PRIME_CONTRACTOR}"),
        "support_worker": (first(Role.SUPPORT_WORKER, organisation_id=busiest_provider["provider_id"]),
                           f"support worker of the provider supporting most people now ({busiest_provider['n']:,})"),
    }
    return {key: Person(key, user.pk, user.organisation.name, why) for key, (user, why) in chosen.items()}


def signed_in_session(user: User) -> str:
    """A session key for a session that passed password and TOTP, as the sign-in pages leave it:
    the auth keys, the confirmed TOTP device's id under django_otp.DEVICE_ID_SESSION_KEY (so
    user.is_verified() is true) and the sign-in time the timeout middleware checks. The device is a
    bench device with a random secret: nobody can sign in with it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from organisations.middleware import SESSION_SIGNED_IN_AT

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    store = __import__(settings.SESSION_ENGINE, fromlist=["SessionStore"]).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "organisations.authentication.UserWithOrganisationBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[SESSION_SIGNED_IN_AT] = timezone.now().timestamp()
    store.create()
    return store.session_key


def api_token(user: User, hours: int = 4) -> str:
    """A raw API token, stored as its digest, as /api/v1/auth/token/ would issue after TOTP."""
    from django.utils import timezone

    from organisations.models import ApiToken

    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), prefix=raw[:8],
                            expires_at=timezone.now() + datetime.timedelta(hours=hours))
    return raw


def web_client(user: User) -> Client:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
    return client


def api_client(user: User) -> Client:
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
