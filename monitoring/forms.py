"""Choosing the report's period: a quarter, or dates of your own."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from core.forms import GovukDateField, GovukFormMixin
from monitoring.periods import Period, PeriodError

NRM_STARTED = datetime.date(2009, 4, 1)


def quarter_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """Every quarter from the NRM's start to the current one, newest first."""
    today = today or timezone.localdate()
    quarters = Period(NRM_STARTED, today).quarters_back((today.year - 2009) * 4 + 4)
    labels = [quarter.label for quarter in quarters if quarter.end >= NRM_STARTED]
    return [(label, label.replace("-Q", " quarter ")) for label in reversed(labels)]


class ReportPeriodForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Report on", choices=[("quarter", "A quarter"), ("dates", "Dates you choose")],
                             widget=forms.RadioSelect, error_messages={"required": "Select what to report on"})
    quarter = forms.ChoiceField(label="Quarter", choices=(), error_messages={"required": "Select a quarter",
                                                                             "invalid_choice": "Select a quarter"})
    start = GovukDateField(label="From", earliest=NRM_STARTED, must_be_past=True, error_name="The start date",
                           help_text="For example, 1 4 2023")
    end = GovukDateField(label="To", earliest=NRM_STARTED, error_name="The end date",
                         help_text="For example, 30 6 2023")
    conditional_fields = {"kind": {"quarter": ["quarter"], "dates": ["start", "end"]}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = quarter_choices()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if cleaned.get("kind") == "quarter":
                cleaned["period"] = Period.quarter(cleaned["quarter"])
            else:
                cleaned["period"] = Period.between(cleaned["start"], cleaned["end"])
        except PeriodError as error:
            self.add_error("end" if cleaned.get("kind") == "dates" else "quarter", str(error))
        return cleaned


def period_from_query(params) -> Period:
    """?quarter=2023-Q4 or ?start=YYYY-MM-DD&end=YYYY-MM-DD, as the download links and the API use;
    both at once is refused rather than one silently ignored."""
    if "quarter" in params and ("start" in params or "end" in params):
        raise PeriodError("Give a quarter or a start and an end date, not both")
    if "quarter" in params:
        return Period.quarter(params["quarter"])
    if "start" in params or "end" in params:
        try:
            start = datetime.date.fromisoformat(params.get("start", ""))
            end = datetime.date.fromisoformat(params.get("end", ""))
        except ValueError:
            raise PeriodError("Give start and end as dates written YYYY-MM-DD") from None
        if start < NRM_STARTED:
            raise PeriodError("The NRM started on 1 April 2009: choose a start from then")
        return Period.between(start, end)
    raise PeriodError("Give a quarter (for example 2023-Q4), or a start and an end date")


def quarter_page_link(period: Period) -> str:
    """The report page opened on a quarter, with the page form's own fields: the download links' shorter
    `?quarter=` is not the form, so the page would open on the default quarter instead."""
    return f"{reverse('monitoring:report')}?kind=quarter&quarter={period.label}"


def query_for(period: Period) -> str:
    label = period.label
    return f"quarter={label}" if "-Q" in label else f"start={period.start.isoformat()}&end={period.end.isoformat()}"
