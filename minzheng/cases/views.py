from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability, Role
from minzheng.cases import forms as f
from minzheng.cases import selectors, services
from minzheng.cases.models import OPEN_STATUSES, Application, Benefit, Quota, Status
from minzheng.cases.transitions import actions_from
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.core.validators import is_ascii_digits
from minzheng.registry import selectors as registry
from minzheng.rules.programs import PROGRAMS


@capability_required(Capability.VIEW_CASES)
def case_index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    program = request.GET.get("program", "")
    overdue = request.GET.get("overdue") == "1"
    cases = list(
        selectors.application_list(user=request.user, status=status, program=program, overdue=overdue)[:200]
    )
    today = timezone.localdate()
    return render(
        request,
        "cases/index.html",
        {
            "cases": cases,
            "status": status,
            "program": program,
            "overdue": overdue,
            "statuses": Status.choices,
            "programs": PROGRAMS,
            "today": today,
            "soon": selectors.due_soon_limit(today),
            "can_publish": request.user.can(Capability.PROCESS_CASES),  # type: ignore[union-attr]
            "can_decide": request.user.can(Capability.DECIDE_CASES),  # type: ignore[union-attr]
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.SUBMIT_APPLICATION)
def case_new(request: HttpRequest, household: int) -> HttpResponse:
    """申请: for a household, by a village officer or the township clerk (also on the household's behalf)."""
    from minzheng.assessment.forms import request_fields, request_from_post

    home = registry.household_get(user=request.user, pk=household)
    members = list(home.members.order_by("pk"))  # the form offers the deceased only as a funeral's person
    documents = list(home.documents.order_by("-pk"))
    chosen = request.POST.get("program") or request.GET.get("program") or "dibao"
    program = PROGRAMS.get(chosen) or PROGRAMS["dibao"]
    form = f.ApplicationForm(
        request.POST or None, members=members, documents=documents, initial={"program": program.code}
    )
    # the program's own facts (the cause and costs of a 临时救助, a funeral's items …), kept with the case
    # (what the review reads from the household's history is not typed here: LS-05's earlier grants)
    hidden = services.FROM_HISTORY.get(program.code, frozenset())
    extra = [
        field
        for field in request_fields(program, request.POST or None)
        if field.kind != "subject" and field.name not in hidden
    ]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            by_pk = {m.pk: m for m in members}
            try:
                request_data = {
                    k: v
                    for k, v in request_from_post(program, request.POST).items()
                    if k != "subject" and k not in hidden
                }
                if "urgent" in {x.name for x in extra}:
                    request_data["urgent"] = data["urgent"]
                case = services.application_submit(
                    actor=request.user,
                    household=home,
                    program=data["program"],
                    applicant=by_pk[data["applicant"]],
                    subject=by_pk.get(data["subject"]) if data["subject"] else None,
                    on_behalf=data["on_behalf"],
                    proxy_name=data["proxy_name"],
                    proxy_relation=data["proxy_relation"],
                    proxy_document=next((d for d in documents if d.pk == data["proxy_document"]), None),
                    proactive=data["proactive"],
                    near_relative=data["near_relative"],
                    urgent=data["urgent"],
                    reason=data["reason"],
                    request_data=request_data,
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("申请已提交，编号 %(pk)s") % {"pk": case.pk})
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(
        request,
        "cases/new.html",
        {"household": home, "form": form, "program": program, "programs": PROGRAMS, "extra": extra},
        status=status,
    )


def _form_error(form: forms.Form, exc: DomainError) -> None:
    for field, errors in exc.fields.items():
        for error in errors:
            if field in form.fields:
                form.add_error(field, str(error))
    form.add_error(None, str(exc.message))


def _staff_for(case: Application) -> list[User]:
    return selectors.visit_staff(case)


def _county_staff(case: Application) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, role__in=[Role.COUNTY_APPROVER, Role.COUNTY_ADMIN], region_id=case.region_id[:6]
        )
    )


def _offered(user: Any, case: Application) -> list[str]:
    """The actions this user may take on this case now (the machine's allowed moves, filtered by role)."""
    offered: list[str] = []
    process = user.can(Capability.PROCESS_CASES)
    for action in actions_from(case.status):
        if action == "county_visit":
            ok = user.role == Role.COUNTY_APPROVER and (
                case.near_relative or case.complained or case.spot_check
            )
        elif action == "approve":
            action, ok = "decide", user.can(Capability.DECIDE_CASES)
        elif action == "review":
            ok = user.can(Capability.REVIEW_CASES) and not case.appraisal_required
        elif action == "appraise":
            ok = process and case.appraisal_required
        elif action == "prepay":
            ok = process and case.urgent and case.program == "temporary" and not case.prepaid_on
        elif action == "reinvestigate":
            action, ok = "resolve_objection", process
        elif action == "extend":
            ok = process and not case.extended
        elif action in {"refuse", "object", "to_appraisal"}:
            ok = False  # refuse is part of "decide"; objections come from the public page
        else:
            ok = process
        if ok:
            offered.append(action)
    return offered


def _action_forms(request: HttpRequest, case: Application) -> dict[str, forms.Form]:
    today = timezone.localdate()
    initial_dates = {"visited_on": today, "checked_on": today, "held_on": today}
    found: dict[str, forms.Form] = {}
    for action in _offered(request.user, case):
        factory = ACTIONS[action][0]
        form = factory(None, case, action) if factory is not None else forms.Form(prefix=action)
        for name, value in initial_dates.items():
            if name in form.fields:
                form.initial[name] = value
        found[action] = form
    return found


@capability_required(Capability.VIEW_CASES)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.application_get(user=request.user, pk=pk)
    return _render_detail(request, case)


def _render_detail(
    request: HttpRequest,
    case: Application,
    *,
    failed: tuple[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    action_forms = _action_forms(request, case)
    if failed is not None:
        action_forms[failed[0]] = failed[1]
    clock = services.case_clock(case)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "program": PROGRAMS.get(case.program),
            "clock": [(d, d.state(today)) for d in clock],
            "timeline": selectors.case_timeline(case),
            "investigations": case.investigations.prefetch_related("staff").order_by("pk"),
            "checks": case.checks.order_by("pk"),
            "appraisals": case.appraisals.order_by("pk"),
            "notices": case.notices.prefetch_related("objections").order_by("round"),
            "forms": action_forms,
            "missing": services.missing_materials(case)
            if case.status in {Status.APPLIED, Status.INCOMPLETE}
            else [],
            "benefit": Benefit.objects.filter(application=case).first(),
            "today": today,
            "soon": selectors.due_soon_limit(today),
        },
        status=status,
    )


Handler = Callable[[HttpRequest, Application, dict[str, Any]], Any]


def _visit(county: bool) -> Handler:
    def run(request: HttpRequest, case: Application, data: dict[str, Any]) -> Any:
        staff = list(User.objects.filter(pk__in=data["staff"]))
        visit = services.VisitData(
            visited_on=data["visited_on"],
            staff=staff,
            methods=data["methods"],
            members_present=data["members_present"],
            member_signed=data["member_signed"],
            findings=data["findings"],
            remote=data["remote"],
            document=_document(case, data["document"]),
            property_ok={"ok": True, "excess": False}.get(data.get("property_finding") or ""),
        )
        record = services.county_visit_record if county else services.investigation_record
        return record(actor=request.user, application=case, data=visit)

    return run


def _plain(form_class: type[forms.Form]) -> Callable[[Any, Application, str], forms.Form]:
    return lambda data, case, prefix: form_class(data, prefix=prefix)


def _documented(form_class: type[f._WithDocument]) -> Callable[[Any, Application, str], forms.Form]:
    return lambda data, case, prefix: form_class(
        data, prefix=prefix, documents=list(case.household.documents.all())
    )


def _document(case: Application, pk: int | None) -> Any:
    return case.household.documents.filter(pk=pk).first() if pk else None


#: action → (form factory or None, what to do with the cleaned data); the services do the checking
ACTIONS: dict[str, tuple[Callable[[Any, Application, str], forms.Form] | None, Handler]] = {
    "accept": (None, lambda r, c, d: services.application_accept(actor=r.user, application=c)),
    "request_materials": (
        _plain(f.MaterialsForm),
        lambda r, c, d: services.application_request_materials(
            actor=r.user, application=c, extra=d["extra"].splitlines()
        ),
    ),
    "prepay": (
        _plain(f.PrepayForm),
        lambda r, c, d: services.application_prepay(actor=r.user, application=c, amount=d["amount"]),
    ),
    "investigate": (
        lambda data, case, p: f.VisitForm(data, staff=_staff_for(case), prefix=p),
        _visit(county=False),
    ),
    "county_visit": (
        lambda data, case, p: f.VisitForm(data, staff=_county_staff(case), prefix=p),
        _visit(county=True),
    ),
    "check": (
        _documented(f.CheckForm),
        lambda r, c, d: services.check_record(
            actor=r.user,
            application=c,
            checked_on=d["checked_on"],
            result=d["result"],
            summary=d["summary"],
            document=_document(c, d["document"]),
        ),
    ),
    "check_objection": (
        _plain(f.ReasonForm),
        lambda r, c, d: services.check_objection_record(actor=r.user, application=c, note=d["reason"]),
    ),
    "appraise": (
        _documented(f.AppraisalForm),
        lambda r, c, d: services.appraisal_record(
            actor=r.user,
            application=c,
            held_on=d["held_on"],
            entitled=d["entitled"],
            present=d["present"],
            agree=d["agree"],
            document=_document(c, d["document"]),
        ),
    ),
    "review": (
        _plain(f.ReviewForm),
        lambda r, c, d: services.review_record(
            actor=r.user, application=c, agree=d["agree"], opinion=d["opinion"], amount=d["amount"]
        ),
    ),
    "publish": (None, lambda r, c, d: services.notice_publish(actor=r.user, application=c)),
    "resolve_objection": (
        _plain(f.ObjectionRouteForm),
        lambda r, c, d: services.objection_resolve(
            actor=r.user, application=c, route=d["route"], note=d["note"]
        ),
    ),
    "close_notice": (None, lambda r, c, d: services.notice_close(actor=r.user, application=c)),
    "decide": (
        _plain(f.DecideForm),
        lambda r, c, d: services.application_decide(
            actor=r.user, application=c, approve=d["approve"], reasons=d["reasons"], amount=d["amount"]
        ),
    ),
    "notify_refusal": (None, lambda r, c, d: services.refusal_notify(actor=r.user, application=c)),
    "extend": (
        _plain(f.ReasonForm),
        lambda r, c, d: services.application_extend(actor=r.user, application=c, reason=d["reason"]),
    ),
    "withdraw": (
        _plain(f.ReasonForm),
        lambda r, c, d: services.application_withdraw(actor=r.user, application=c, reason=d["reason"]),
    ),
}


@require_POST
@capability_required(Capability.VIEW_CASES)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One endpoint for every transition: the form checks shapes, the service checks rules, role and state."""
    if action not in ACTIONS:
        raise Http404
    case = selectors.application_get(user=request.user, pk=pk)
    form_class, handler = ACTIONS[action]
    form = form_class(request.POST, case, action) if form_class is not None else forms.Form(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, failed=(action, form), status=400)
    try:
        handler(request, case, form.cleaned_data)
    except DomainError as exc:
        if exc.status == 403:
            raise
        _form_error(form, exc)
        case.refresh_from_db()
        return _render_detail(
            request, case, failed=(action, form), status=exc.status if exc.status != 403 else 400
        )
    return redirect("cases:detail", pk=case.pk)


@require_POST
@capability_required(Capability.PROCESS_CASES)
def case_batch_publish(request: HttpRequest) -> HttpResponse:
    """Publish the selected reviewed cases of a village together (one audit event per case)."""
    ids = [int(v) for v in request.POST.getlist("case") if is_ascii_digits(v)]
    cases = list(Application.objects.visible_to(request.user).filter(pk__in=ids))
    if not cases:
        messages.error(request, _("请选择要公示的申请"))
        return redirect("cases:index")
    try:
        notices = services.notices_publish_batch(actor=request.user, applications=cases)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已公示 %(n)s 件申请") % {"n": len(notices)})
    return redirect(f"{reverse('cases:index')}?status={Status.NOTICE}")


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_QUOTAS)
def quota_index(request: HttpRequest) -> HttpResponse:
    """总量控制: quotas in scope, places used, and the entries and exits that moved them (进一退一)."""
    form = f.QuotaForm(request.POST or None, initial={"region": getattr(request.user, "region_id", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.quota_set(
                    actor=request.user,
                    region_code=data["region"],
                    program=data["program"],
                    limit=data["limit"],
                    note=data["note"],
                )
            except DomainError as exc:
                if exc.status == 403:
                    raise
                _form_error(form, exc)
            else:
                return redirect("cases:quotas")
        status = 400
    rows = []
    for quota in (
        Quota.objects.visible_to(request.user).select_related("region").order_by("region_id", "program")
    ):
        _q, used = services.quota_room(region_code=quota.region_id, program=quota.program)
        benefits = Benefit.objects.within(quota.region_id).filter(program=quota.program)
        rows.append(
            {
                "quota": quota,
                "used": used,
                "entries": benefits.count(),
                "exits": benefits.filter(state=Benefit.State.STOPPED).count(),
                "program": PROGRAMS.get(quota.program),
            }
        )
    return render(
        request, "cases/quotas.html", {"form": form, "rows": rows, "open": OPEN_STATUSES}, status=status
    )


@require_POST
@capability_required(Capability.DECIDE_CASES)
def case_batch_approve(request: HttpRequest) -> HttpResponse:
    """批量审核确认 in the background, with a progress bar; the service checks every case on its own."""
    from minzheng.cases.tasks import approve_batch_task
    from minzheng.core.jobs import job_create

    ids = sorted({int(v) for v in request.POST.getlist("case") if is_ascii_digits(v)})
    if not ids:
        messages.error(request, _("请选择要确认的申请"))
        return redirect("cases:index")
    job = job_create(
        actor=request.user,
        kind="cases.approve_batch",
        label=_("批量审核确认(%(n)s 件)") % {"n": len(ids)},
        params={"ids": ids},
        total=len(ids),
    )
    approve_batch_task.enqueue(job.pk)
    return redirect("core:job", pk=job.pk)
