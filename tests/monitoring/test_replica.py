"""The report reads from REPLICA_DATABASE_URL when it is set: shown by running the report command in
a process whose primary database does not exist and whose replica is this test's database (a second
connection to the same data). Without the replica the same command fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.monitoring.conftest import row
from tests.urls_for_processes import database_url

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[2]


def _report(env_changes: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nrm.settings_test", **env_changes}
    return subprocess.run(
        [sys.executable, "manage.py", "monitoring_report", "--quarter", "2023-Q4", "--output", "-"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_the_report_reads_from_the_replica(load):
    load([row(f"R{n}", "2023-11-01") for n in range(3)])
    db = connection.settings_dict
    missing_primary = {"DATABASE_URL": database_url(db, "nrm_primary_that_does_not_exist")}
    with_replica = _report({**missing_primary, "REPLICA_DATABASE_URL": database_url(db)})
    assert with_replica.returncode == 0, with_replica.stderr[-2000:]
    tables = {table["id"]: table for table in json.loads(with_replica.stdout)["tables"]}
    assert tables["referrals_by_gender_and_age"]["rows"][-1][-1] == 3
    without = _report({**missing_primary, "REPLICA_DATABASE_URL": ""})
    assert without.returncode != 0 and "nrm_primary_that_does_not_exist" in without.stderr
