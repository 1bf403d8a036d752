"""CSV files for the historic import, written the way a data team would export them."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable

HEADER = ["reference", "referral_date", "referral_type", "first_responder_organisation", "first_responder_type",
          "competent_authority", "nation", "age_at_exploitation", "gender", "nationality", "second_nationality",
          "exploitation_types", "exploitation_location", "rg_outcome", "rg_date", "cg_outcome", "cg_date"]

# The 2011 strategy's table, 1 April 2009 to 31 December 2010.
RESPONDER_TYPES = ["Government agency", "NGO and third sector", "Police"]
PUBLISHED_2011 = {"Sexual": (99, 438), "Labour": (98, 267), "Domestic": (44, 175), "Not specified or unknown": (81, 52)}


def csv_text(rows: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: row.get(key, "") for key in HEADER})
    return buffer.getvalue()


def published_2011_rows() -> list[dict[str, str]]:
    """The 1,254 potential victims spread over the period, plus records just outside it on both sides."""
    rows = []
    start, days = datetime.date(2009, 4, 1), (datetime.date(2010, 12, 31) - datetime.date(2009, 4, 1)).days
    number = 0
    for exploitation, (children, adults) in PUBLISHED_2011.items():
        for age, count in (("Child", children), ("Adult", adults)):
            for _ in range(count):
                number += 1
                day = start + datetime.timedelta(days=(number * 37) % (days + 1))
                rows.append({"reference": f"HIST-{number:05d}", "referral_date": day.isoformat(),
                             "first_responder_organisation": ["UKHTC", "Poppy Project", "Kent Police"][number % 3],
                             "first_responder_type": RESPONDER_TYPES[number % 3],
                             "age_at_exploitation": age, "gender": "Female" if number % 2 else "Male",
                             "nationality": "Nigerian" if number % 4 else "UK",
                             "exploitation_types": exploitation, "exploitation_location": "UK"})
    for reference, day in (("OUT-BEFORE", "2009-03-31"), ("OUT-AFTER", "2011-01-01")):
        rows.append({"reference": reference, "referral_date": day, "first_responder_organisation": "Kent Police",
                     "first_responder_type": "Police", "age_at_exploitation": "Adult", "exploitation_types": "Sexual"})
    rows.append({"reference": "DTN-INSIDE", "referral_date": "2010-06-01", "referral_type": "DtN",
                 "first_responder_organisation": "Kent Police", "age_at_exploitation": "Adult",
                 "exploitation_types": "Labour", "gender": "Male", "nationality": "Romanian"})
    return rows


def ensure_competent_authorities() -> None:
    """The competent authorities a historic file names must already exist (the import never creates one):
    the two the routing settings name, as an administrator sets them up."""
    from django.conf import settings

    from organisations.models import Organisation, OrgRole

    for name in (settings.NRM_DEFAULT_COMPETENT_AUTHORITY, settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY):
        Organisation.objects.get_or_create(name=name, defaults={"roles": [OrgRole.COMPETENT_AUTHORITY]})
