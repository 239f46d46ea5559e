"""Report pages: a form for a region in scope and a period, each number a link to its records; .xlsx export."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minzheng.accounts.roles import Capability
from minzheng.cases.models import Benefit
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.core.scope import covers, get_visible_or_404, scope_code_for
from minzheng.core.validators import checked_text
from minzheng.payments.models import RosterLine
from minzheng.regions.models import Region
from minzheng.reports import services
from minzheng.reports.definitions import FORMS, compute
from minzheng.reports.excel import table_xlsx
from minzheng.reports.indicators import CATALOGUE, cut_label, parse_cut
from minzheng.reports.models import ReportSubmission
from minzheng.reports.periods import Period, current_quarter, parse_period
from minzheng.reports.selectors import submitted_sum, township_status


def _region(request: HttpRequest) -> Region:
    """The region asked for, if the user's scope covers it (else 404); their own by default."""
    scope = scope_code_for(request.user) or ""
    code = request.GET.get("region") or scope
    region = Region.objects.filter(code=code).first()
    if region is None or not covers(scope, code):
        raise Http404
    return region


def _period(request: HttpRequest) -> tuple[Period, str]:
    raw = request.GET.get("period", "")
    if not raw:
        return current_quarter(timezone.localdate()), ""
    try:
        return parse_period(raw), ""
    except DomainError as exc:
        return current_quarter(timezone.localdate()), str(exc.message)


@capability_required(Capability.VIEW_REPORTS)
def index(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    period, error = _period(request)
    children = Region.objects.filter(parent_id=region.code).order_by("code")
    return render(
        request,
        "reports/index.html",
        {"forms": FORMS, "region": region, "period": period, "error": error, "children": children},
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_REPORTS)
def report(request: HttpRequest, code: str) -> HttpResponse:
    form = FORMS.get(code)
    if form is None:
        raise Http404
    region = _region(request)
    period, error = _period(request)
    if request.method == "POST":
        _act(request, form.code, region, period.code)
        return redirect(f"{request.path}?region={region.code}&period={period.code}")
    table = compute(form, region.code, period)
    submission = (
        ReportSubmission.objects.filter(region=region, form=form.code, period=period.code).first()
        if region.level == "township"
        else None
    )
    statuses = township_status(form, period.code, region) if region.level != "township" else []
    if request.GET.get("format") == "xlsx":
        user: Any = request.user
        content = table_xlsx(
            table, region_name=region.name, preparer=user.display_name, today=timezone.localdate()
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"{region.name}-{form.title}-{period.code}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
        return response
    if request.GET.get("format") == "pdf":
        return _pdf(request, table, region)
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "table": table,
            "region": region,
            "period": period,
            "error": error,
            "indicators": [CATALOGUE[code] for code in form.indicators],
            "submission": submission,
            "frozen": _frozen(form, submission),
            "statuses": statuses,
            "submitted_sum": submitted_sum(form, statuses) if statuses else None,
            "can_submit": user_can(request, Capability.SUBMIT_REPORTS),
            "can_return": user_can(request, Capability.RETURN_REPORTS),
        },
    )


def _frozen(form: Any, submission: ReportSubmission | None) -> list[tuple[Any, list[str]]] | None:
    """The submitted numbers with their row labels, when the township's report is submitted (locked)."""
    if submission is None or submission.state != "submitted" or not submission.snapshot:
        return None
    labels = dict(form.rows)
    return [(labels.get(cut, cut), values) for cut, values in submission.snapshot["rows"]]


def user_can(request: HttpRequest, capability: str) -> bool:
    return bool(getattr(request.user, "can", lambda c: False)(capability))


def _act(request: HttpRequest, form: str, region: Region, period: str) -> None:
    action = request.POST.get("action", "")
    try:
        if action == "submit":
            services.report_submit(actor=request.user, region_code=region.code, form=form, period=period)
            messages.success(request, _("已上报，数字已锁定"))
        elif action == "reopen":
            services.report_reopen(actor=request.user, region_code=region.code, form=form, period=period)
            messages.success(request, _("已撤回，可修正数据后重新上报"))
        elif action == "return":
            submission = get_visible_or_404(
                ReportSubmission.objects.all(), request.user, pk=int(request.POST.get("submission") or 0)
            )
            services.report_return(
                actor=request.user,
                submission=submission,
                reason=checked_text(request.POST.get("reason", ""), field="reason"),
            )
            messages.success(request, _("已退回"))
        else:
            messages.error(request, _("未知操作"))
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))


def _pdf(request: HttpRequest, table: Any, region: Region) -> HttpResponse:
    """The form for printing (the Chinese font embedded)."""
    from minzheng.pdf.render import ReportSheet, render_report

    user: Any = request.user
    sheet = ReportSheet(
        title=str(table.form.title),
        subtitle=_("填报单位：%(r)s · 统计期间：%(p)s · 计量单位：户、人、元")
        % {"r": region.name, "p": table.period.label},
        groups=tuple((str(g.label), tuple(str(label) for _c, label in g.columns)) for g in table.form.groups),
        rows=tuple((str(label), tuple(str(c.value) for c in cells)) for label, cells in table.rows),
        footer=_("填表人：%(p)s") % {"p": user.display_name}
        + "　　"
        + _("填报日期：%(d)s") % {"d": timezone.localdate().isoformat()},
    )
    response = HttpResponse(render_report(sheet), content_type="application/pdf")
    name = f"{region.name}-{table.form.title}-{table.period.code}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


@capability_required(Capability.VIEW_REPORTS)
def drill(request: HttpRequest, code: str) -> HttpResponse:
    """The records behind one number: the same query the number counted, as a list."""
    indicator = CATALOGUE.get(code)
    if indicator is None:
        raise Http404
    region = _region(request)
    period, _error = _period(request)
    cut = request.GET.get("cut", "")
    if cut:
        try:
            parse_cut(cut)
        except KeyError:
            raise Http404 from None
    records = indicator.records(region.code, period, cut)
    model = records.model
    if model is Benefit:
        records = records.select_related("household__head", "member", "region")
    elif model is RosterLine:
        records = records.select_related("cycle", "region")
    elif model._meta.model_name == "objection":
        records = records.select_related("notice__application__household__head", "notice__region")
    elif model._meta.model_name == "benefitchange":
        records = records.select_related("benefit__household__head", "region")
    else:
        records = records.select_related("household__head", "region")
    page = Paginator(records.order_by(indicator.region_path, "pk"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/drill.html",
        {
            "indicator": indicator,
            "region": region,
            "period": period,
            "cut_label": cut_label(cut),
            "page": page,
            "kind": model._meta.model_name,
            "query": query.urlencode(),
            "value": indicator.value(region.code, period, cut),
        },
    )


def _month(request: HttpRequest) -> tuple[date, str]:
    """The month asked for (2025-04), else this month and a message naming what could not be read."""
    this_month = timezone.localdate().replace(day=1)
    raw = request.GET.get("month", "")
    if not raw:
        return this_month, ""
    try:
        period = parse_period(raw)
    except DomainError as exc:
        return this_month, str(exc.message)
    if period.first != period.last:
        return this_month, _("变动名册按月编制：月份写 2026-11")
    return period.first, ""


@require_http_methods(["GET"])
@capability_required(Capability.VIEW_REPORTS)
def changes(request: HttpRequest) -> HttpResponse:
    """The monthly change list of a program (新增, 变更, 停发) for a region in scope, on the page or as .xlsx."""
    from minzheng.reports.changes import KINDS, change_list, change_list_xlsx, shown_id
    from minzheng.reports.indicators import PAID_PROGRAMS
    from minzheng.rules.programs import PROGRAMS

    region = _region(request)
    program = request.GET.get("program") or "dibao"
    if program not in PAID_PROGRAMS or program not in PROGRAMS:
        raise Http404
    month, error = _month(request)
    rows = change_list(region=region.code, program=program, month=month)
    label = PROGRAMS[program].label
    if request.GET.get("format") == "xlsx":
        content = change_list_xlsx(
            user=request.user,
            rows=rows,
            region_code=region.code,
            region_name=region.name,
            program=program,
            month=month,
        )
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"{region.name}-{label}-{_('变动名册')}-{month:%Y-%m}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
        return response
    return render(
        request,
        "reports/changes.html",
        {
            "region": region,
            "children": Region.objects.filter(parent_id=region.code).order_by("code"),
            "program": program,
            "program_label": label,
            "programs": [(code, PROGRAMS[code].label) for code in PAID_PROGRAMS if code in PROGRAMS],
            "month": month,
            "error": error,
            "rows": [(row, shown_id(request.user, row.id_number)) for row in rows],
            "counts": [(name, sum(1 for r in rows if r.kind == kind)) for kind, name in KINDS.items()],
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_REPORTS)
def budgets(request: HttpRequest) -> HttpResponse:
    """The year's budgets in the user's scope, and the form that sets one (an empty amount removes it)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    errors: dict[str, Any] = {}
    if request.method == "POST":
        try:
            services.budget_set(
                actor=request.user,
                region_code=request.POST.get("region", ""),
                program=request.POST.get("program", ""),
                year=request.POST.get("year", ""),
                amount=request.POST.get("amount", ""),
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            messages.error(request, str(exc.message))
            errors = exc.fields
        else:
            messages.success(request, _("预算已保存"))
            return redirect(f"{request.path}?year={request.POST.get('year', year)}")
    return _budgets_page(request, year, errors=errors)


#: an uploaded budget grid is a few dozen rows; anything near this is not one
MAX_BUDGET_UPLOAD_BYTES = 2 * 1024 * 1024


@require_http_methods(["GET"])
@capability_required(Capability.VIEW_REPORTS)
def budgets_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The year's budgets of the user's scope as a grid to fill in (counties/townships × programs)."""
    from minzheng.reports.budget_excel import budgets_workbook

    response = HttpResponse(
        budgets_workbook(user=request.user, year=year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = _("%(year)s年资金预算.xlsx") % {"year": year}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


@require_http_methods(["POST"])
@capability_required(Capability.MANAGE_BUDGETS)
def budgets_upload(request: HttpRequest) -> HttpResponse:
    """Set the budgets of an uploaded grid: all of them, or none with every refused cell listed."""
    from minzheng.reports.budget_excel import budgets_import

    today = timezone.localdate()
    try:
        year = int(request.POST.get("year") or today.year)
    except ValueError:
        year = today.year
    upload = request.FILES.get("file")
    if upload is None or (upload.size or 0) > MAX_BUDGET_UPLOAD_BYTES:
        messages.error(request, _("请选择下载的预算表(.xlsx，不超过 2 MB)后再上传。"))
        return _budgets_page(request, year, status=400)
    try:
        result = budgets_import(actor=request.user, source=upload.read(), filename=upload.name or "")
    except DomainError as exc:  # an unreadable file
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))
        return _budgets_page(request, year, status=400)
    if not result.ok:
        messages.error(request, _("预算表有 %(n)s 处问题，没有保存任何预算。") % {"n": len(result.errors)})
        return _budgets_page(request, year, upload_errors=result.errors, status=400)
    messages.success(request, _("预算表已保存：%(n)s 项预算有变动。") % {"n": result.changed})
    return redirect(f"{reverse('reports:budgets')}?year={year}")


def _budgets_page(
    request: HttpRequest,
    year: int,
    *,
    errors: dict[str, Any] | None = None,
    upload_errors: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    from minzheng.reports.dashboard import budget_progress_for
    from minzheng.reports.indicators import PAID_PROGRAMS
    from minzheng.reports.models import Budget
    from minzheng.rules.programs import PROGRAMS

    scope = scope_code_for(request.user) or ""
    today = timezone.localdate()
    regions = list(
        Region.objects.filter(code__startswith=scope, level__in=("county", "township")).order_by("code")
    )
    rows = Budget.objects.visible_to(request.user).filter(year=year).select_related("region", "updated_by")
    programs = [(code, PROGRAMS[code].label) for code in PAID_PROGRAMS if code in PROGRAMS]
    return render(
        request,
        "reports/budgets.html",
        {
            "year": year,
            "regions": regions,
            "rows": [
                (row, PROGRAMS[row.program].label if row.program in PROGRAMS else row.program) for row in rows
            ],
            "programs": programs,
            "progress": budget_progress_for(scope, today) if year == today.year else [],
            "can_manage": user_can(request, Capability.MANAGE_BUDGETS),
            "errors": errors or {},
            "upload_errors": upload_errors or [],
            "posted": request.POST if request.method == "POST" and errors else {},
        },
        status=status,
    )
