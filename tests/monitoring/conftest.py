from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.monitoring.builders import csv_text, ensure_competent_authorities


@pytest.fixture
def load(tmp_path):
    """Import rows (dicts of CSV columns) through the real command."""
    ensure_competent_authorities()

    def _load(rows: list[dict[str, str]]) -> None:
        path = tmp_path / f"rows-{len(list(tmp_path.iterdir()))}.csv"
        path.write_text(csv_text(rows), encoding="utf-8")
        call_command("import_referrals", str(path), stdout=io.StringIO())
    return _load


def row(reference: str, day: str, **values: str) -> dict[str, str]:
    return {"reference": reference, "referral_date": day, "first_responder_organisation": "Kent Police",
            "first_responder_type": "Police", **values}
