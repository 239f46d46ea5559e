from __future__ import annotations

import contextlib
import json
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.roles import Capability
from minzheng.core import services
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.core.forms import CalendarDayForm, CalendarDayRemoveForm, CalendarYearForm, DeadlineForm
from minzheng.core.jobs import job_get_for
from minzheng.core.models import CalendarDay, CalendarYear, Job, ScheduledRun
from minzheng.core.navigation import home_panels, todos_for
from minzheng.core.schedule import LABELS, schedule_rows
from minzheng.core.workdays import load_calendar, weekends_only


def _can_edit(request: HttpRequest) -> bool:
    return bool(request.user.can(Capability.EDIT_CALENDAR))  # type: ignore[union-attr]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "core/public_home.html")
    return render(
        request, "core/home.html", {"todos": todos_for(request.user), "panels": home_panels(request.user)}
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
@capability_required(Capability.VIEW_CALENDAR)
def calendar_index(request: HttpRequest) -> HttpResponse:
    calendar = load_calendar()
    form = DeadlineForm(request.GET or None)
    result: dict[str, object] | None = None
    if form.is_bound and form.is_valid():
        start, n = form.cleaned_data["start"], form.cleaned_data["days"]
        try:
            result = {
                "official": calendar.add_working_days(start, n),
                "weekends_only": weekends_only().add_working_days(start, n),
            }
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    years = CalendarYear.objects.order_by("-year")
    return render(
        request,
        "core/calendar_index.html",
        {
            "form": form,
            "result": result,
            "years": years,
            "year_form": CalendarYearForm(),
            "can_edit": _can_edit(request),
        },
    )


@require_POST
@capability_required(Capability.EDIT_CALENDAR)
def calendar_year_add(request: HttpRequest) -> HttpResponse:
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        try:
            year = services.calendar_year_add(
                actor=request.user, year=form.cleaned_data["year"], notice=form.cleaned_data["notice"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            return redirect("core:calendar_year", year=year.year)
    years = CalendarYear.objects.order_by("-year")
    return render(
        request,
        "core/calendar_index.html",
        {"form": DeadlineForm(), "years": years, "year_form": form, "can_edit": True},
        status=400,
    )


@capability_required(Capability.VIEW_CALENDAR)
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    cal_year = CalendarYear.objects.filter(year=year).first()
    if cal_year is None:
        return render(request, "core/calendar_year.html", {"year": year, "missing": True}, status=404)
    form = CalendarDayForm(initial={"date": date(year, 1, 1)})
    status = 200
    if request.method == "POST":
        if not request.user.can(Capability.EDIT_CALENDAR):  # type: ignore[union-attr]
            return render(request, "403.html", status=403)
        if "remove" in request.POST:
            remove_form = CalendarDayRemoveForm(request.POST)
            if remove_form.is_valid():
                try:
                    services.calendar_day_remove(actor=request.user, day=remove_form.cleaned_data["date"])
                except DomainError as exc:
                    form.add_error(None, str(exc.message))
                    status = 400
                else:
                    return redirect("core:calendar_year", year=year)
        else:
            form = CalendarDayForm(request.POST)
            if form.is_valid():
                try:
                    services.calendar_day_set(
                        actor=request.user,
                        day=form.cleaned_data["date"],
                        kind=form.cleaned_data["kind"],
                        name=form.cleaned_data["name"],
                    )
                except DomainError as exc:
                    form.add_error(None, str(exc.message))
                else:
                    return redirect("core:calendar_year", year=year)
            status = 400
    days = CalendarDay.objects.filter(year=cal_year)
    return render(
        request,
        "core/calendar_year.html",
        {"year": year, "cal_year": cal_year, "days": days, "form": form, "can_edit": _can_edit(request)},
        status=status,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "permission_denied", "message": _("您的角色无权进行此操作。"), "fields": {}}, status=403
        )
    return render(request, "403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": _("找不到该记录，或不在您的管辖范围内。"), "fields": {}},
            status=404,
        )
    return render(request, "404.html", status=404)


@require_GET
@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress (the page polls itself with htmx while it runs) and its result."""
    job = job_get_for(user=request.user, pk=pk)
    template = "core/job_progress.html" if getattr(request, "htmx", False) else "core/job.html"
    return render(
        request, template, {"job": job, "running": job.status in {Job.Status.QUEUED, Job.Status.RUNNING}}
    )


@require_GET
# the county administrator's (the one who runs the site): the same capability as user management
@capability_required(Capability.MANAGE_USERS)
def worker_status(request: HttpRequest) -> HttpResponse:
    """The background worker at a glance: the schedule, its recent runs and the jobs that ran or failed lately."""
    runs = list(ScheduledRun.objects.order_by("-started_at")[:100])
    labels = {
        "month": _("月份"),
        "adjusted": _("年龄段调整"),
        "rechecks": _("复核提示"),
        "reviews": _("到期复核"),
        "seq": _("审计事件序号"),
        "file": _("文件"),
    }
    for run in runs:
        run.task_label = LABELS.get(run.task, run.task)  # type: ignore[attr-defined]
        # the result as a clerk reads it: the known figures by name (the checkpoint's signed line stays in its file)
        result = run.result if isinstance(run.result, dict) else {}
        if "line" in result and "seq" not in result:
            with contextlib.suppress(TypeError, ValueError, AttributeError):
                result = {**result, "seq": json.loads(result["line"]).get("seq")}
        run.summary = [  # type: ignore[attr-defined]
            (label, result[key]) for key, label in labels.items() if result.get(key) not in (None, "")
        ]
    jobs = Job.objects.select_related("created_by").order_by("-created_at")[:50]
    return render(request, "core/worker.html", {"schedule": schedule_rows(), "runs": runs, "jobs": jobs})
