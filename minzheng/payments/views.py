"""Pay cycle pages: thin views over payments.services, .bankfiles and .selectors."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minzheng.accounts.roles import Capability
from minzheng.audit.events import define
from minzheng.audit.services import audit_record
from minzheng.core.clientip import client_ip
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.core.jobs import job_create
from minzheng.core.money import ZERO
from minzheng.core.scope import get_visible_or_404, scope_code_for
from minzheng.core.validators import checked_text, is_ascii_digits
from minzheng.payments import bankfiles, reconciliation, selectors, services
from minzheng.payments.forms import GenerateForm, ReconciliationForm, ReturnForm, TemplateForm
from minzheng.payments.models import BankExport, BankTemplate, CycleState, PayCycle, RosterLine
from minzheng.payments.tasks import build_cycle_task, check_task, export_task
from minzheng.regions.models import Region
from minzheng.registry.selectors import display_account
from minzheng.rules.programs import PROGRAMS

FILE_DOWNLOADED = define("payments.bank_file_downloaded", _("下载银行发放文件"))


def _fail(request: HttpRequest, exc: DomainError) -> None:
    if exc.status == 403:
        raise exc
    messages.error(request, str(exc.message))
    for problems in (exc.fields or {}).values():
        for problem in problems[:50]:
            messages.error(request, str(problem))


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_PAYMENTS)
def index(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not request.user.can(Capability.PREPARE_PAYMENTS):  # type: ignore[union-attr]
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = services.cycle_claim(
                    actor=request.user,
                    region_code=data["region"],
                    programs=data["programs"],
                    period_start=data["month"],
                )
            except DomainError as exc:
                _fail(request, exc)
            else:
                job = job_create(
                    actor=request.user,
                    kind="payments.build",
                    label=_("生成发放名册 %(c)s") % {"c": cycle},
                    params={"cycle": cycle.pk},
                    total=1,
                )
                build_cycle_task.enqueue(job.pk)
                return redirect("core:job", pk=job.pk)
    cycles = Paginator(selectors.cycles_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/index.html",
        {
            "form": form,
            "cycles": cycles,
            "programs": PROGRAMS,
            "reissues": selectors.reissue_queue(request.user)[:200],
            "can_prepare": request.user.can(Capability.PREPARE_PAYMENTS),  # type: ignore[union-attr]
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_PAYMENTS)
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_visible_or_404(PayCycle.objects.select_related("region", "approved_by"), request.user, pk=pk)
    if request.method == "POST":
        return _act(request, cycle)
    show = request.GET.get("show", "")
    lines = Paginator(selectors.lines_for(request.user, cycle, show), 50).get_page(request.GET.get("page"))
    for line in lines:
        line.shown_account = display_account(user=request.user, number=line.account_number)  # type: ignore[attr-defined]
    templates = (
        bankfiles.templates_for(cycle.region_id) if request.user.can(Capability.PREPARE_PAYMENTS) else []  # type: ignore[union-attr]
    )
    return render(
        request,
        "payments/cycle.html",
        {
            "cycle": cycle,
            "lines": lines,
            "show": show,
            "show_query": f"show={show}" if show else "",
            "counts": selectors.status_counts(cycle) if cycle.state != CycleState.BUILDING else None,
            "exports": selectors.finished_exports(cycle),
            "returns": cycle.returns.all(),
            "templates": templates,
            "return_form": ReturnForm(),
            "program_labels": [str(PROGRAMS[p].label) for p in cycle.program_list if p in PROGRAMS],
            "can_prepare": request.user.can(Capability.PREPARE_PAYMENTS),  # type: ignore[union-attr]
            "can_approve": request.user.can(Capability.APPROVE_PAYMENTS),  # type: ignore[union-attr]
            "can_download": request.user.can(Capability.DOWNLOAD_BANK_FILES),  # type: ignore[union-attr]
        },
    )


def _act(request: HttpRequest, cycle: PayCycle) -> HttpResponse:
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action == "regenerate":
            claimed = services.cycle_claim(
                actor=user,
                region_code=cycle.region_id,
                programs=cycle.program_list,
                period_start=cycle.period_start,
            )
            job = job_create(
                actor=user,
                kind="payments.build",
                label=_("重新生成发放名册 %(c)s") % {"c": claimed},
                params={"cycle": claimed.pk},
                total=1,
            )
            build_cycle_task.enqueue(job.pk)
            return redirect("core:job", pk=job.pk)
        if action == "checked":
            # the checks run again over every line: a background job with the progress page (a province is slow)
            services.require(user, Capability.PREPARE_PAYMENTS, cycle.region_id)
            job = job_create(
                actor=user,
                kind="payments.check",
                label=_("核对发放名册 %(c)s") % {"c": cycle},
                params={"cycle": cycle.pk},
                total=1,
            )
            check_task.enqueue(job.pk)
            return redirect("core:job", pk=job.pk)
        elif action == "noticed":
            services.cycle_mark_noticed(actor=user, cycle=cycle)
            messages.success(request, _("已记录公示"))
        elif action == "approve":
            services.cycle_approve(actor=user, cycle=cycle)
            messages.success(request, _("已审批，可以导出银行文件"))
        elif action == "export":
            services.require(user, Capability.PREPARE_PAYMENTS, cycle.region_id)
            template = _template_for(cycle, request.POST.get("template", ""))
            if cycle.state not in (CycleState.APPROVED, CycleState.EXPORTED, CycleState.RECONCILED):
                messages.error(request, _("名册审批后才能导出银行文件"))
                return redirect("payments:cycle", pk=cycle.pk)
            job = job_create(
                actor=user,
                kind="payments.export",
                label=_("导出银行文件 %(c)s") % {"c": cycle},
                params={"cycle": cycle.pk, "template": template.pk},
                total=max(cycle.line_count, 1),
            )
            export_task.enqueue(job.pk)
            return redirect("core:job", pk=job.pk)
        elif action == "return":
            form = ReturnForm(request.POST, request.FILES)
            if not form.is_valid():
                errors = form.errors.get("file") or [_("请选择银行回盘文件")]
                messages.error(request, str(errors[0]))
            else:
                upload = form.cleaned_data["file"]
                record = bankfiles.bank_return_import(
                    actor=user, cycle=cycle, file_name=upload.name, content=upload.read()
                )
                messages.success(
                    request,
                    _("回盘已导入：成功 %(p)s 笔，失败 %(f)s 笔(%(ft)s 元)")
                    % {"p": record.paid_count, "f": record.failed_count, "ft": record.failed_total},
                )
        elif action == "failure":
            line = get_visible_or_404(
                RosterLine.objects.all(), user, pk=int(request.POST.get("line") or 0), cycle=cycle
            )
            services.failure_handle(
                actor=user,
                line=line,
                how=request.POST.get("how", ""),
                note=checked_text(request.POST.get("note", ""), field="note"),
            )
            messages.success(request, _("已记录处理方式"))
        elif action == "close":
            services.cycle_close(actor=user, cycle=cycle)
            messages.success(request, _("本批次已结束"))
        else:
            messages.error(request, _("未知操作"))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("payments:cycle", pk=cycle.pk)


def _template_for(cycle: PayCycle, raw: str) -> BankTemplate:
    """One of the templates that apply to the cycle's region (its county's), else 404."""
    wanted = int(raw) if is_ascii_digits(raw) else 0
    for template in bankfiles.templates_for(cycle.region_id):
        if template.pk == wanted:
            return template
    raise Http404


@capability_required(Capability.DOWNLOAD_BANK_FILES)
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    record = get_visible_or_404(BankExport.objects.select_related("cycle"), request.user, pk=pk)
    if not record.stored_name:
        raise Http404
    path = bankfiles.exports_dir() / record.stored_name
    if not path.exists():
        raise Http404
    with transaction.atomic():
        audit_record(
            event_code=FILE_DOWNLOADED,
            actor=request.user,
            region_code=record.cycle.region_id,
            target=record,
            target_repr=record.download_name,
            ip_address=client_ip(request),
        )
    return FileResponse(path.open("rb"), as_attachment=True, filename=record.download_name)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_PAYMENTS)
def templates(request: HttpRequest) -> HttpResponse:
    """The county's bank file templates; the county administrator edits them."""
    scope = scope_code_for(request.user) or ""
    editing = None
    if is_ascii_digits(request.GET.get("edit", "")):
        editing = get_visible_or_404(BankTemplate.objects.all(), request.user, pk=int(request.GET["edit"]))
    form = TemplateForm(request.POST or None, instance=editing)
    if request.method == "POST":
        if not request.user.can(Capability.MANAGE_BANK_TEMPLATES):  # type: ignore[union-attr]
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                bankfiles.template_save(
                    actor=request.user,
                    region_code=editing.region_id if editing else scope,
                    name=data["name"],
                    file_format=data["file_format"],
                    encoding=data["encoding"],
                    columns_text=data["columns"],
                    totals_row=data["totals_row"],
                    template=editing,
                )
            except DomainError as exc:
                _fail(request, exc)
            else:
                messages.success(request, _("模板已保存"))
                return redirect("payments:templates")
    found = bankfiles.templates_for(scope) if len(scope) >= 6 else []
    return render(
        request,
        "payments/templates.html",
        {
            "templates": found,
            "form": form,
            "editing": editing,
            "columns": [(key, str(label)) for key, (label, _f) in bankfiles.COLUMNS.items()],
            "can_edit": request.user.can(Capability.MANAGE_BANK_TEMPLATES),  # type: ignore[union-attr]
        },
    )


#: rows shown on the page; the workbook has them all
REPORT_ROWS = 500


@require_http_methods(["GET"])
@capability_required(Capability.VIEW_PAYMENTS)
def reconciliation_report(request: HttpRequest) -> HttpResponse:
    """应发 vs 实发: every benefit in the user's scope with a difference in the period, and the workbook."""
    scope = scope_code_for(request.user) or ""
    region = Region.objects.filter(code=scope).first()
    if region is None:
        raise Http404
    first, last = reconciliation.default_period(scope, timezone.localdate())
    form = ReconciliationForm(
        request.GET or None, initial={"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"}
    )
    program = ""
    if form.is_valid():
        first = form.cleaned_data["first"] or first
        last = form.cleaned_data["last"] or last
        program = form.cleaned_data["program"]
        if first > last:
            first = last.replace(month=1)
    rows = reconciliation.scope_differences(
        region_code=scope, first=first, last=last, programs=[program] if program else None
    )
    if request.GET.get("format") == "xlsx":
        content = reconciliation.differences_xlsx(rows, region_name=region.name, first=first, last=last)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = _("%(region)s应发实发核对%(first)s-%(last)s.xlsx") % {
            "region": region.name,
            "first": f"{first:%Y%m}",
            "last": f"{last:%Y%m}",
        }
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    query = f"first={first:%Y-%m}&last={last:%Y-%m}" + (f"&program={program}" if program else "")
    return render(
        request,
        "payments/reconciliation.html",
        {
            "form": form,
            "region": region,
            "first": first,
            "last": last,
            "rows": rows[:REPORT_ROWS],
            "count": len(rows),
            "shown": min(len(rows), REPORT_ROWS),
            "due": sum((r.due for r in rows), ZERO),
            "issued": sum((r.issued for r in rows), ZERO),
            "difference": sum((r.difference for r in rows), ZERO),
            "query": query,
        },
    )
