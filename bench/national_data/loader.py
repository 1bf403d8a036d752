"""Loads the synthetic national data: N referrals at the published shares, with their case
files, decisions and victim care, written in bulk for load tests and report checks.

generator.py draws the rows; this module writes them. Table and column names come from the models
(Model._meta.db_table, field.column): tables() checks that every concrete field of each model is
either written or deliberately left to the database (rows.py), so a model change cannot leave the
generator writing an old copy of the schema.

Fast: every row is made in Python and written with COPY, about 25,000 referrals at a time, in one
transaction that runs with `SET LOCAL session_replication_role = replica`. That switches off, for
this transaction only, the per-row triggers: the change history (django-pghistory), the care
record's append-only guard and the foreign-key checks. The rows are synthetic, so they get no
change history; every id written comes from rows this package has just read or created, and
checks.check_database() verifies the links afterwards. Check, unique and exclusion constraints still
apply. Setting the role needs a superuser (or the right to set it), as the loading user is here.
"""

from __future__ import annotations

import datetime
import io
import random
import time
import zoneinfo
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from bench.national_data.cast import ensure_cast
from bench.national_data.clock import Clock
from bench.national_data.generator import RECONSIDERATION_REASONS, Generator, submission_moments
from bench.national_data.rows import LEFT_TO_DATABASE, WRITTEN, Rows
from bench.national_data.shares import SHARES_CSV, GenerationError, load_person_profiles
from core import working_days
from decisions.models import (
    CaseFile,
    Decision,
    DecisionStatus,
    Outcome,
    Reconsideration,
    ReconsiderationRequester,
    Stage,
)
from referrals.models import (
    ReferenceCounter,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
)
from victim_care.models import Allocation, CareRecordEntry, SupportCase

YEARS = 5
CHUNK_REFERRALS = 25_000


@dataclass
class GenerationResult:
    seed: int
    rows: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Table:
    """Where one model's lines go: its table and the columns of WRITTEN's fields, in order."""

    name: str
    columns: tuple[str, ...]


class Names:
    """A model's names for raw SQL, read from the model and quoted: str() is its table, and each
    attribute the column of the field of that name (`Names(Decision).case` is "case_id")."""

    def __init__(self, model: type[models.Model]) -> None:
        self._model = model

    def __str__(self) -> str:
        return connection.ops.quote_name(self._model._meta.db_table)

    def __getattr__(self, name: str) -> str:
        return connection.ops.quote_name(self._model._meta.get_field(name).column)


def tables(written: dict[type[models.Model], tuple[str, ...]] = WRITTEN,
           left_to_database: dict[type[models.Model], tuple[str, ...]] = LEFT_TO_DATABASE,
           ) -> dict[type[models.Model], Table]:
    """Each written model's table and columns, from the model. GenerationError when the generator and
    the model disagree: a field that does not exist, a concrete field neither written nor left to the
    database, or one left to the database that the database cannot fill (not null, no default)."""
    result, problems = {}, []
    for model, names in written.items():
        label = model._meta.label
        fields = {concrete.name: concrete for concrete in model._meta.concrete_fields}
        left = left_to_database.get(model, ())
        problems += [f"{label}.{name} is not a concrete field" for name in (*names, *left) if name not in fields]
        problems += [f"{label}.{name} is named twice" for name in set(names) if (*names, *left).count(name) > 1]
        problems += [f"{label}.{name} is neither written nor left to the database (bench/national_data/rows.py)"
                     for name in fields if name not in names and name not in left]
        problems += [f"{label}.{name} is left to the database, which has no value for it"
                     for name in left if name in fields and not _database_fills(fields[name])]
        result[model] = Table(model._meta.db_table, tuple(fields[name].column for name in names if name in fields))
    if problems:
        raise GenerationError("The generator does not match the models: " + "; ".join(problems) + ".")
    return result


def _database_fills(concrete: models.Field) -> bool:
    """Whether a row without this field is still whole: a serial id, a nullable field or a database default."""
    return isinstance(concrete, models.AutoField) or concrete.null or concrete.db_default is not models.NOT_PROVIDED


# -- References -------------------------------------------------------------------------------------------------------

def _reference_starts(cursor, years: list[int]) -> dict[int, int]:
    """The last reference number used each year, with the counters locked until commit so a live
    submission waits rather than takes a number this run is about to use."""
    counter, referral = Names(ReferenceCounter), Names(Referral)
    cursor.execute(f"INSERT INTO {counter} ({counter.year}, {counter.last_number}) SELECT year, 0 "  # noqa: S608
                   f"FROM unnest(%s::int[]) AS year ON CONFLICT ({counter.year}) DO NOTHING", [years])
    cursor.execute(f"SELECT {counter.year}, {counter.last_number} FROM {counter} "  # noqa: S608
                   f"WHERE {counter.year} = ANY(%s) FOR UPDATE", [years])
    starts = dict(cursor.fetchall())
    reference = referral.reference
    cursor.execute(f"SELECT split_part({reference}, '-', 2)::int, "  # noqa: S608
                   f"max(split_part({reference}, '-', 3)::bigint) FROM {referral} "
                   rf"WHERE {reference} ~ '^(NRM|DTN)-\d{{4}}-\d+$' GROUP BY 1")
    for year, used in cursor.fetchall():
        if year in starts:
            starts[year] = max(starts[year], used)
    return starts


def _bump_reference_counters(cursor, last_numbers: dict[int, int]) -> None:
    counter = Names(ReferenceCounter)
    cursor.executemany(f"UPDATE {counter} SET {counter.last_number} = "  # noqa: S608
                       f"GREATEST({counter.last_number}, %s) WHERE {counter.year} = %s",
                       [(number, year) for year, number in last_numbers.items()])


# -- Writing ----------------------------------------------------------------------------------------------------------

def _copy(raw_cursor, table: Table, lines: list[str]) -> None:
    """COPY the lines into the table (names from the model, through tables())."""
    if not lines:
        return
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table.name)} ({', '.join(quote(column) for column in table.columns)}) FROM STDIN"
    if hasattr(raw_cursor, "copy_expert"):  # psycopg2
        raw_cursor.copy_expert(statement, io.StringIO("".join(lines)), size=1 << 20)
    else:  # psycopg 3
        with raw_cursor.copy(statement) as copy:
            copy.write("".join(lines))


def _reserve_ids(raw_cursor, model: type[models.Model], count: int) -> list[int]:
    """`count` ids from the table's own sequence, so live inserts never collide with them."""
    if count == 0:
        return []
    raw_cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [model._meta.db_table, model._meta.pk.column, count])
    return [row[0] for row in raw_cursor.fetchall()]


def _write_chunk(raw_cursor, generator: Generator, rows: Rows, counts: dict[str, int],
                 targets: dict[type[models.Model], Table]) -> None:
    """Number the chunk's support cases and COPY every table (on the writer thread)."""
    generator.support_rows(rows, _reserve_ids(raw_cursor, SupportCase, len(rows.support)))
    for model, lines in rows.lines.items():
        _copy(raw_cursor, targets[model], lines)
        counts[targets[model].name] += len(lines)


def _load(raw_cursor, generator: Generator, moments: list[int], counts: dict[str, int],
          targets: dict[type[models.Model], Table],
          progress: Callable[[int, int], None] | None) -> list[tuple[str, str, str]]:
    """Make each chunk while the writer thread COPYs the one before: libpq waits without holding the
    GIL, so the two cores work at once. Only the writer touches the connection while this runs."""
    reconsiderations: list[tuple[str, str, str]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="national-data-writer") as writer:
        pending: Future | None = None
        for chunk_start in range(0, len(moments), CHUNK_REFERRALS):
            rows = Rows()
            for moment in moments[chunk_start:chunk_start + CHUNK_REFERRALS]:
                generator.referral(moment, rows)
            reconsiderations += rows.reconsiderations
            if pending is not None:
                pending.result()
                if progress is not None:
                    progress(chunk_start, len(moments))
            pending = writer.submit(_write_chunk, raw_cursor, generator, rows, counts, targets)
        if pending is not None:
            pending.result()
    if progress is not None and moments:
        progress(len(moments), len(moments))
    return reconsiderations


def _insert_reconsiderations(cursor, requests: list[tuple[str, str, str]]) -> int:
    """Reconsideration requests point at the negative RG decision they question, numbered by COPY."""
    if not requests:
        return 0
    case_ids, requester_ids, requested_at = (list(column) for column in zip(*requests, strict=True))
    x, d = Names(Reconsideration), Names(Decision)
    cursor.execute(
        f"INSERT INTO {x} ({x.case}, {x.decision}, {x.reasons}, {x.new_evidence}, {x.requested_by}, "  # noqa: S608
        f"{x.requested_for}, {x.requested_at}) SELECT d.{d.case}, d.{d.id}, %s, '', request.requester_id, %s, "
        "request.requested_at "
        "FROM unnest(%s::uuid[], %s::bigint[], %s::timestamptz[]) AS request(case_id, requester_id, requested_at) "
        f"JOIN {d} d ON d.{d.case} = request.case_id AND d.{d.stage} = %s AND d.{d.outcome} = %s "
        f"AND d.{d.status} = %s",
        [RECONSIDERATION_REASONS, ReconsiderationRequester.FIRST_RESPONDER.value, case_ids,
         [int(r) for r in requester_ids], requested_at,
         Stage.RG.value, Outcome.NEGATIVE.value, DecisionStatus.SERVED.value])
    return cursor.rowcount


def _copy_submission_times_to_grants(cursor) -> None:
    """What the grant trigger does row by row (it is off here), for the grants just loaded, in one statement."""
    grant, referral = Names(ReferralGroupObjectPermission), Names(Referral)
    cursor.execute(f"UPDATE {grant} AS grant_row SET {grant.referral_submitted_at} = r.{referral.submitted_at} "  # noqa: S608
                   f"FROM {referral} AS r WHERE r.{referral.id} = grant_row.{grant.content_object} "
                   f"AND grant_row.{grant.referral_submitted_at} IS NULL")


def _rg_due_dates(clock: Clock, first_day: int, last_day: int) -> dict[int, str]:
    """Every submission day's RG due date (core.working_days's working days), worked out once per day."""
    return {day: working_days.add_working_days(clock.date(day), settings.NRM_RG_TARGET_WORKING_DAYS).isoformat()
            for day in range(first_day, last_day + 1)}


def _tariffs_from(first_day: datetime.date) -> datetime.date:
    """1 April before the data starts: the tariffs are in force for every allocation."""
    return datetime.date(first_day.year - 1 if first_day.month < 4 else first_day.year, 4, 1)


ANALYSED = (Referral, CaseFile, Decision, Reconsideration, SupportCase, Allocation, CareRecordEntry,
            ReferralUserObjectPermission, ReferralGroupObjectPermission)


def generate_national_data(*, referrals: int, seed: int, as_of: datetime.datetime | None = None,
                           shares_csv: Path = SHARES_CSV,
                           progress: Callable[[int, int], None] | None = None) -> GenerationResult:
    """Create `referrals` synthetic referrals submitted over the YEARS years before `as_of` (default:
    UK midnight today), with everything that has happened to them by then. All or nothing."""
    started = time.monotonic()
    targets = tables()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    as_of = as_of or datetime.datetime.combine(timezone.localdate(), datetime.time(), zone)
    as_of_moment = int(as_of.timestamp())
    today = as_of.astimezone(zone).date()
    try:
        first_date = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        first_date = today.replace(year=today.year - YEARS, day=28)
    clock = Clock(zone, Clock.day_number(first_date) - 1, Clock.day_number(today) + 4 * 365)
    first_day, last_day = Clock.day_number(first_date), Clock.day_number(today) - 1
    profiles = load_person_profiles(shares_csv)
    rng = random.Random(seed)
    moments = submission_moments(rng, clock, referrals, first_day, last_day)
    years = sorted({clock.date(clock.local_day(moment)).year for moment in moments})
    counts = dict.fromkeys([*(table.name for table in targets.values()), Reconsideration._meta.db_table], 0)
    with transaction.atomic(), connection.cursor() as cursor:
        cast = ensure_cast(profiles, _tariffs_from(first_date))
        reference_starts = _reference_starts(cursor, years)
        cursor.execute("SHOW session_replication_role")
        (previous_role,) = cursor.fetchone()
        cursor.execute("SET LOCAL session_replication_role = replica")
        generator = Generator(
            seed=seed, rng=rng, cast=cast, profiles=profiles, clock=clock, as_of=as_of_moment,
            rg_due=_rg_due_dates(clock, first_day, last_day), reference_starts=reference_starts)
        reconsiderations = _load(cursor.cursor, generator, moments, counts, targets, progress)
        counts[Reconsideration._meta.db_table] = _insert_reconsiderations(cursor, reconsiderations)
        _bump_reference_counters(cursor, {year: number for year, number in generator.last_numbers.items()
                                          if number > reference_starts.get(year, 0)})
        _copy_submission_times_to_grants(cursor)
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [previous_role])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(str(Names(model)) for model in ANALYSED)}")
    return GenerationResult(seed=seed, rows=counts, seconds=time.monotonic() - started)
