"""The monitoring report page and its downloads, for monitors and competent-authority managers.
Nothing here links to a personal record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import AccessAction
from audit.services import record_access
from monitoring import exports
from monitoring.charts import charts_for
from monitoring.forms import ReportPeriodForm, period_from_query, query_for
from monitoring.models import ReportFile, ReportRun
from monitoring.periods import Period, PeriodError
from monitoring.permissions import may_view_reports
from monitoring.report import NOTES, PROVISIONAL_NOTE, SYMBOLS, build_report, suppression_rule

FORMAT_LABELS = {"ods": "OpenDocument spreadsheet (ODS)", "xlsx": "Excel spreadsheet (XLSX)",
                 "csv": "CSV files (ZIP)", "json": "JSON"}


def _require_reports(request: HttpRequest) -> None:
    if not may_view_reports(request.user):
        raise PermissionDenied("Only monitors and competent authority managers can see the monitoring report.")


def report_page(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    if "kind" in request.GET:
        form = ReportPeriodForm(request.GET)
        period = form.cleaned_data["period"] if form.is_valid() else None
    else:
        period = Period.previous_quarter()
        form = ReportPeriodForm(initial={"kind": "quarter", "quarter": period.label})
    context = {"form": form, "runs": ReportRun.objects.prefetch_related("files")[:40],
               "suppression_rule": suppression_rule(), "notes": NOTES, "format_labels": FORMAT_LABELS,
               "symbols": SYMBOLS, "provisional_note": PROVISIONAL_NOTE}
    if period is None:
        return render(request, "monitoring/report.html", context, status=400)
    report = build_report(period)
    context |= {"report": report, "charts": charts_for(report), "query": query_for(period)}
    return render(request, "monitoring/report.html", context)


def download(request: HttpRequest, export_format: str) -> HttpResponse:
    _require_reports(request)
    try:
        period = period_from_query(request.GET)
    except PeriodError as error:
        return render(request, "monitoring/period_error.html", {"message": str(error)}, status=400)
    report = build_report(period)
    record_access(user=request.user, action=AccessAction.EXPORT, record_type=ReportRun, record_id=period.label)
    response = HttpResponse(exports.render(report, export_format), content_type=exports.FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(report, export_format)}"'
    return response


def run_file(request: HttpRequest, run_id: int, export_format: str) -> FileResponse:
    _require_reports(request)
    stored = ReportFile.objects.select_related("run").filter(run_id=run_id, export_format=export_format).first()
    if stored is None:
        raise Http404("No such report file")
    record_access(user=request.user, action=AccessAction.EXPORT, record=stored.run)
    period = Period(stored.run.period_start, stored.run.period_end)
    return FileResponse(stored.file.open("rb"), as_attachment=True, content_type=exports.FORMATS[export_format],
                        filename=f"nrm-monitoring-{period.slug}.{exports.EXTENSIONS[export_format]}")
