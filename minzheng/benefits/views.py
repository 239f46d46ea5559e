from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minzheng.accounts.roles import Capability
from minzheng.benefits import selectors, services
from minzheng.benefits.models import Recheck
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.core.scope import get_visible_or_404
from minzheng.core.validators import checked_text
from minzheng.rules.programs import PROGRAMS


@capability_required(Capability.VIEW_CASES)
def monitoring(request: HttpRequest) -> HttpResponse:
    items = selectors.monitoring(user=request.user)
    return render(request, "benefits/monitoring.html", {"items": items, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_CASES)
def recheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Old and new decision side by side; apply from a month or keep with a reason."""
    recheck = get_visible_or_404(
        Recheck.objects.select_related("household__head", "benefit__application", "benefit__member"),
        request.user,
        pk=pk,
    )
    error = ""
    review_form = None
    needs_visit = (
        recheck.trigger == Recheck.Trigger.REVIEW and recheck.visit_id is None and recheck.benefit_id
    )
    if needs_visit and recheck.benefit is not None:
        from minzheng.benefits.forms import ReviewVisitForm
        from minzheng.cases.selectors import visit_staff

        case = recheck.benefit.application
        review_form = ReviewVisitForm(
            request.POST if request.POST.get("action") == "visit" else None,
            staff=visit_staff(case),
            documents=list(case.household.documents.all()),
            prefix="review",
            initial={"visited_on": timezone.localdate()},
        )
    if request.method == "POST" and request.POST.get("action") == "visit" and review_form is not None:
        if review_form.is_valid():
            from minzheng.accounts.models import User
            from minzheng.cases.services import VisitData

            data = review_form.cleaned_data
            try:
                services.review_visit_record(
                    actor=request.user,
                    recheck=recheck,
                    visit=VisitData(
                        visited_on=data["visited_on"],
                        staff=list(User.objects.filter(pk__in=data["staff"])),
                        methods=data["methods"],
                        members_present=data["members_present"],
                        member_signed=data["member_signed"],
                        findings=data["findings"],
                        remote=data["remote"],
                    ),
                    result=data["result"],
                    summary=data["summary"],
                )
            except DomainError as exc:
                if exc.status == 403:
                    raise
                error = str(exc.message)
            else:
                return redirect("benefits:recheck", pk=recheck.pk)
        else:
            error = _("请按提示填写入户调查和核对情况")
    elif request.method == "POST":
        try:
            reason = checked_text(request.POST.get("reason", ""), field="reason")
            if request.POST.get("action") == "apply":
                services.recheck_apply(
                    actor=request.user,
                    recheck=recheck,
                    reason=reason,
                    taper=request.POST.get("taper") == "on",
                    expected=request.POST.get("expected"),
                )
            else:
                services.recheck_dismiss(actor=request.user, recheck=recheck, reason=reason)
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = str(exc.message)
        else:
            return redirect("registry:household_detail", pk=recheck.household_id)
    return render(
        request,
        "benefits/recheck.html",
        {"recheck": recheck, "error": error, "program": PROGRAMS.get(recheck.program), "form": review_form},
        status=400 if error else 200,
    )


def _month(raw: str | None) -> date:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in (raw or "").split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return services.next_month(today)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.DECIDE_CASES)
def standard_change(request: HttpRequest) -> HttpResponse:
    """标准调整: preview every live benefit with old and new amounts and totals; the county applies it as one batch."""
    source = request.POST if request.method == "POST" else request.GET
    program = source.get("program", "dibao")
    program = program if program in PROGRAMS else "dibao"
    month = _month(source.get("month"))
    region = str(getattr(request.user, "region_id", "") or "")
    if request.method == "POST":
        try:
            result = services.standard_change_apply(
                actor=request.user,
                region_code=region,
                program=program,
                month=month,
                digest=request.POST.get("digest", ""),
            )
        except DomainError as exc:
            if exc.status == 403:
                raise
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("已自 %(m)s 起调整 %(n)s 人(户)，%(r)s 人(户)需另行复核")
                % {"m": f"{month:%Y-%m}", "n": result["changed"], "r": result["rechecks"]},
            )
            return redirect(reverse("benefits:monitoring"))
    rows = (
        services.standard_change_preview(region_code=region, program=program, month=month)
        if "month" in source
        else []
    )
    totals = {
        "old": sum((r.old for r in rows), Decimal("0")),
        "new": sum((r.new for r in rows if r.eligible), Decimal("0")),
        "up": sum(1 for r in rows if r.direction == "up"),
        "down": sum(1 for r in rows if r.direction == "down"),
        "same": sum(1 for r in rows if r.direction == "same"),
        "ineligible": sum(1 for r in rows if r.direction == "ineligible"),
    }
    return render(
        request,
        "benefits/standard_change.html",
        {
            "rows": rows[:500],
            "count": len(rows),
            "totals": totals,
            "program": program,
            "programs": PROGRAMS,
            "month": month,
            "digest": services.preview_digest(rows),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.VIEW_CASES)
def termination(request: HttpRequest, pk: int) -> HttpResponse:
    """A 特困 termination notice (TK-10): its dates and objections; once it has ended, support stops from next month."""
    from minzheng.cases.models import Notice

    notice = get_visible_or_404(
        Notice.objects.select_related("benefit__member", "region").filter(kind=Notice.Kind.TERMINATION),
        request.user,
        pk=pk,
    )
    error = ""
    if request.method == "POST":
        try:
            services.termination_close(actor=request.user, notice=notice)
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = str(exc.message)
        else:
            return redirect(
                "registry:household_detail", pk=notice.benefit.household_id if notice.benefit else 0
            )
    return render(
        request,
        "benefits/termination.html",
        {"notice": notice, "error": error, "today": timezone.localdate()},
        status=400 if error else 200,
    )
