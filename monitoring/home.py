"""What a monitor sees first on their home page: whether last quarter's report is stored, with the way to
it, and when the next one will be. Monitors had only a purpose line there, and had to open the report page
to learn whether the quarterly job had run."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.home_panels import Panel, PanelItem
from monitoring.forms import quarter_page_link
from monitoring.models import ReportRun
from monitoring.periods import Period
from organisations.models import Role, User

QUARTERLY_JOB_TIME = datetime.time(3, 0)  # the scheduled job's time on the quarter's first day (nrm/schedule.py)


def monitoring_panels(user: User) -> list[Panel]:
    if not user.has_role(Role.MONITOR):
        return []
    now = timezone.localtime()
    last_quarter, this_quarter = Period(now.date(), now.date()).quarters_back(2)
    latest = ReportRun.objects.filter(scheduled=True).values("period_start", "generated_at").first()
    link = quarter_page_link(last_quarter)
    if latest and latest["period_start"] == last_quarter.start:
        stored_on = timezone.localtime(latest["generated_at"])
        last = PanelItem(f"The {last_quarter.label} report, stored on {stored_on:%-d %B %Y}", link,
                         "Its figures, and its files as the scheduled job stored them")
    elif latest is None:  # a new service: the job has had no quarter day yet
        last = PanelItem("No quarterly report has been stored yet", link,
                         f"You can see the {last_quarter.label} figures and download them as they stand now")
    elif now.date() == this_quarter.start and now.time() < QUARTERLY_JOB_TIME:
        last = PanelItem(f"The {last_quarter.label} report will be stored at 3am today", link,
                         "Until then you can see its figures and download them as they stand now")
    else:
        # The job has stored reports before and missed this one: say so, so that the people waiting for
        # the report notice a failed job.
        last = PanelItem(f"The {last_quarter.label} report was due to be stored on {this_quarter.start:%-d %B %Y} "
                         "and has not been", link,
                         "You can see its figures and download them as they stand now. Tell the service's "
                         "operations team that the quarterly report job did not store it")
    next_stored_on = this_quarter.end + datetime.timedelta(days=1)
    upcoming = PanelItem(f"The {this_quarter.label} report will be stored on {next_stored_on:%-d %B %Y}",
                         detail="You will be emailed when it is")
    return [Panel("Quarterly reports", [last, upcoming])]
