"""Reading cases: lists in scope, one case with its clock and timeline, 待办, and what the public may see."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability, Role
from minzheng.audit.models import AuditEvent
from minzheng.cases.models import OPEN_STATUSES, Application, Benefit, Notice, Status
from minzheng.core.navigation import TodoItem
from minzheng.core.scope import get_visible_or_404
from minzheng.regions.models import Level, Region
from minzheng.rules.programs import PROGRAMS

#: which statuses wait for which role (待办)
WAITING_FOR: dict[str, frozenset[str]] = {
    Role.TOWNSHIP_CLERK: frozenset(
        {
            Status.APPLIED,
            Status.INCOMPLETE,
            Status.ACCEPTED,
            Status.INVESTIGATED,
            Status.REVIEWED,
            Status.OBJECTED,
        }
    ),
    Role.TOWNSHIP_HEAD: frozenset({Status.CHECKED}),
    Role.COUNTY_APPROVER: frozenset({Status.NOTICE_ENDED}),
}


def application_list(
    *, user: Any, status: str = "", program: str = "", overdue: bool = False
) -> QuerySet[Application]:
    qs = (
        Application.objects.visible_to(user)
        .select_related("applicant", "region", "region__parent")
        .order_by(F("next_due").asc(nulls_last=True), "-pk")
    )
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if program:
        qs = qs.filter(program=program)
    if overdue:
        qs = qs.filter(next_due__lt=timezone.localdate(), status__in=OPEN_STATUSES)
    return qs


def application_get(*, user: Any, pk: int) -> Application:
    return get_visible_or_404(
        Application.objects.select_related(
            "household",
            "applicant",
            "subject",
            "region",
            "region__parent",
            "filed_by",
            "reviewed_by",
            "decided_by",
        ),
        user,
        pk=pk,
    )


def case_timeline(case: Application) -> list[AuditEvent]:
    """Every step of the case from the audit log (who, when, what), oldest first."""
    return list(
        AuditEvent.objects.filter(target_type="cases.application", target_id=str(case.pk)).order_by("seq")
    )


def todo_items(user: Any) -> list[TodoItem]:
    """What waits for this user, most urgent first (the shell's 待办)."""
    statuses = WAITING_FOR.get(getattr(user, "role", ""), frozenset())
    if not statuses or not user.can(Capability.VIEW_CASES):
        return []
    rows = (
        Application.objects.visible_to(user)
        .filter(status__in=statuses)
        .select_related("applicant")
        .order_by(F("next_due").asc(nulls_last=True), "pk")[:50]
    )
    items = []
    for case in rows:
        program = PROGRAMS.get(case.program)
        items.append(
            TodoItem(
                title=_("%(program)s · %(name)s：%(status)s")
                % {
                    "program": program.label if program else case.program,
                    "name": case.applicant.name,
                    "status": case.get_status_display(),
                },
                url=reverse("cases:detail", kwargs={"pk": case.pk}),
                due=case.next_due,
                detail=case.next_step,
            )
        )
    return items


def due_soon_limit(today: date | None = None, days: int = 3) -> date:
    return (today or timezone.localdate()) + timedelta(days=days)


# —— public side (no login): only what DB-32/34/35 allow ——————————————————————————————————————


def public_villages() -> list[Region]:
    """Villages with a notice open now or an approved roll, for the 公示公告 index."""
    codes = set(Notice.objects.filter(state=Notice.State.OPEN).values_list("region_id", flat=True))
    codes |= set(
        Benefit.objects.filter(state__in=[Benefit.State.ACTIVE, Benefit.State.TAPERING]).values_list(
            "region_id", flat=True
        )
    )
    return list(
        Region.objects.filter(code__in=codes, level=Level.VILLAGE).select_related("parent").order_by("code")
    )


def public_notices(village: Region, today: date | None = None) -> list[Notice]:
    today = today or timezone.localdate()
    return list(
        Notice.objects.filter(region=village, state__in=[Notice.State.OPEN, Notice.State.OBJECTED])
        .filter(ends_on__gte=today - timedelta(days=30))
        .select_related("application")
        .order_by("-starts_on", "pk")
    )


def public_roll(village: Region) -> list[dict[str, Any]]:
    """The approved roll (DB-32): applicant's name, members covered, monthly amount, start month — nothing else.

    Minors are never named (DB-34): a roll entry whose applicant is under 18 shows only the count.
    """
    from minzheng.policy.selectors import policy_for
    from minzheng.registry.idnumber import age_on

    today = timezone.localdate()
    published = policy_for(village.code, today).get("procedure").published_programs
    rows = (
        Benefit.objects.filter(
            region=village, state__in=[Benefit.State.ACTIVE, Benefit.State.TAPERING], program__in=published
        )
        .select_related("application__applicant", "member")
        .order_by("program", "pk")
    )
    roll = []
    for benefit in rows:
        if benefit.member is not None and age_on(benefit.member.birth_date, today) < 18:
            continue  # TK-09: a minor supported as 特困 is not published at all
        applicant = benefit.application.applicant
        minor = age_on(applicant.birth_date, today) < 18
        program = PROGRAMS.get(benefit.program)
        roll.append(
            {
                "program": program.label if program else benefit.program,
                "name": _("(未成年人，不公开姓名)") if minor else applicant.name,
                "members": benefit.members_covered,
                "amount": benefit.amount,
                "period": benefit.period,
                "unit": benefit.amount_unit,
                "first_month": benefit.first_month,
            }
        )
    return roll


def visit_staff(case: Application) -> list[Any]:
    """Who may be named as a home visitor for a case: the township's and the village's active staff."""
    from minzheng.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True, role__in=[Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD, Role.VILLAGE_OFFICER]
        )
        .filter(region_id__in=[case.region_id, case.region_id[:9]])
        .order_by("role", "username")
    )
