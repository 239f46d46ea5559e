"""Monitoring (预警): the households that need attention now, each with its reason and where to act."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability, Role
from minzheng.benefits.models import BenefitChange, BenefitSpan, Recheck
from minzheng.cases.models import Application, Benefit, Status
from minzheng.core.batch import many_ids
from minzheng.core.navigation import Panel, TodoItem
from minzheng.registry.idnumber import age_on
from minzheng.registry.models import Household

LIVE = (Benefit.State.ACTIVE, Benefit.State.TAPERING)


@dataclass(frozen=True)
class Attention:
    kind: str
    household_id: int
    name: str
    reason: str
    url: str
    due: date | None = None


def _name(household: Household) -> str:
    return household.head.name if household.head else str(household.pk)


def monitoring(*, user: Any, today: date | None = None, horizon_days: int = 60) -> list[Attention]:
    """Open rechecks, reviews overdue, deaths not processed, minors about to turn 18, elders about to change band,
    near-dibao households (LI-01) — for the user's scope, most urgent first."""
    today = today or timezone.localdate()
    items: list[Attention] = []
    rechecks = (
        Recheck.objects.visible_to(user).filter(state=Recheck.State.OPEN).select_related("household__head")
    )
    for recheck in rechecks[:500]:
        items.append(
            Attention(
                recheck.trigger,
                recheck.household_id,
                _name(recheck.household),
                recheck.reason,
                reverse("benefits:recheck", kwargs={"pk": recheck.pk}),
                recheck.effective_month,
            )
        )
    live = (
        Benefit.objects.visible_to(user)
        .filter(state__in=LIVE)
        .select_related("household__head", "member", "application")
    )
    for benefit in live.filter(review_due__lt=today)[:500]:
        items.append(
            Attention(
                "review_overdue",
                benefit.household_id,
                _name(benefit.household),
                _("%(program)s 定期复核已超期(应于 %(d)s 前复核)")
                % {
                    "program": benefit.application.program_label
                    if benefit.application_id
                    else benefit.program,
                    "d": benefit.review_due,
                },
                reverse("registry:household_detail", kwargs={"pk": benefit.household_id}),
                benefit.review_due,
            )
        )
    for benefit in live.filter(member__date_of_death__isnull=False)[:500]:
        items.append(
            Attention(
                "death_unprocessed",
                benefit.household_id,
                _name(benefit.household),
                _("%(name)s 已死亡，待遇仍在发放") % {"name": benefit.member.name if benefit.member else ""},
                reverse("registry:household_detail", kwargs={"pk": benefit.household_id}),
                today,
            )
        )
    soon = today + timedelta(days=horizon_days)
    for benefit in live.filter(program="tekun", member__isnull=False):
        member = benefit.member
        if member is None:
            continue
        eighteen = _birthday(member.birth_date, 18)
        if today <= eighteen <= soon:
            items.append(
                Attention(
                    "turning_18",
                    benefit.household_id,
                    _name(benefit.household),
                    _("%(name)s 将于 %(d)s 年满18周岁：在校的继续供养，不在校的启动终止程序(TK-02)")
                    % {"name": member.name, "d": eighteen},
                    reverse("registry:household_detail", kwargs={"pk": benefit.household_id}),
                    eighteen,
                )
            )
    for benefit in live.filter(program="elderly_allowance", member__isnull=False):
        member = benefit.member
        if member is None:
            continue
        age = age_on(member.birth_date, soon)
        if age in {80, 90, 100} and age_on(member.birth_date, today) < age:
            day = _birthday(member.birth_date, age)
            items.append(
                Attention(
                    "band_change",
                    benefit.household_id,
                    _name(benefit.household),
                    _("%(name)s 将于 %(d)s 年满 %(age)s 周岁：高龄津贴自次月起调整(GL-04)")
                    % {"name": member.name, "d": day, "age": age},
                    reverse("registry:household_detail", kwargs={"pk": benefit.household_id}),
                    day,
                )
            )
    from minzheng.cases.models import Notice

    for notice in (
        Notice.objects.visible_to(user)
        .filter(kind=Notice.Kind.TERMINATION, state=Notice.State.OPEN)
        .select_related("application__household__head")
    ):
        items.append(
            Attention(
                "termination",
                notice.application.household_id,
                _name(notice.application.household),
                _("终止特困供养公示至 %(d)s：期满无异议后停止供养(TK-10)") % {"d": notice.ends_on},
                reverse("benefits:termination", kwargs={"pk": notice.pk}),
                notice.ends_on,
            )
        )
    near = (
        Application.objects.visible_to(user)
        .filter(program="dibao", status__in=[Status.REFUSED, Status.APPROVED, Status.REVIEWED])
        .filter(decision__near_dibao=True)
        .select_related("household__head")
    )
    for case in near[:200]:
        items.append(
            Attention(
                "near_dibao",
                case.household_id,
                _name(case.household),
                _("低保边缘家庭(LI-01)：可享受医疗、教育等专项救助，重残重病成员可单独申请低保"),
                reverse("registry:household_detail", kwargs={"pk": case.household_id}),
                None,
            )
        )
    return sorted(items, key=lambda a: (a.due is None, a.due or today))


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February in a common year
        return date(birth.year + age, 3, 1)


def household_benefits(household: Household) -> QuerySet[Benefit]:
    return (
        Benefit.objects.filter(household=household)
        .select_related("member", "application")
        .prefetch_related("changes")
        .order_by("-pk")
    )


def open_rechecks(household: Household) -> QuerySet[Recheck]:
    return Recheck.objects.filter(household=household, state=Recheck.State.OPEN).select_related("benefit")


def change_history(household: Household) -> QuerySet[BenefitChange]:
    return (
        BenefitChange.objects.filter(benefit__household=household).select_related("benefit").order_by("-pk")
    )


def todo_items(user: Any) -> list[TodoItem]:
    if getattr(user, "role", "") not in {Role.TOWNSHIP_CLERK, Role.COUNTY_APPROVER} or not user.can(
        Capability.VIEW_CASES
    ):
        return []
    return [
        TodoItem(
            title=_("复核提示 · %(name)s：%(reason)s") % {"name": _name(r.household), "reason": r.reason},
            url=reverse("benefits:recheck", kwargs={"pk": r.pk}),
            due=r.effective_month,
        )
        for r in Recheck.objects.visible_to(user)
        .filter(state=Recheck.State.OPEN)
        .select_related("household__head")
        .order_by("effective_month")[:30]
    ]


def household_panel(user: Any, household: Household) -> Panel | None:
    """The household page's 保障待遇 block: every benefit with its history, open rechecks and applications."""
    if not user.can(Capability.VIEW_CASES):
        return None
    benefits = list(household_benefits(household))
    this_month = timezone.localdate().replace(day=1)
    tapering: dict[int, int] = {}
    for benefit_id in BenefitChange.objects.filter(
        benefit__in=benefits, kind="taper", effective_month__gte=this_month
    ).values_list("benefit_id", flat=True):
        tapering[benefit_id] = tapering.get(benefit_id, 0) + 1
    for benefit in benefits:
        benefit.taper_left = tapering.get(benefit.pk, 0)  # type: ignore[attr-defined]  # shown on the panel
    cases = list(Application.objects.filter(household=household).order_by("-pk")[:20])
    rechecks = list(open_rechecks(household))
    if not benefits and not cases and not rechecks:
        return None
    return Panel(
        "benefits/household_panel.html", {"benefits": benefits, "cases": cases, "rechecks": rechecks}
    )


# —— assistance status: the one source of "what the household already receives" ————————————————————————————

#: HouseholdSnapshot.assistance_status values, strongest first. 特困 before 低保: a 特困 person is supported in full
#: (TK-01) and every program that reads the status grants 特困 at least what it grants 低保 (CJ-01 coverage, the
#: 高龄津贴 low-income rate, BZ-03's special groups, 医疗救助's highest class), and 特困 and 低保 are not combined for one
#: person (TK-03), so a household holding both is decided as 特困. 低保边缘 last: a determination, not a benefit.
ASSISTANCE_ORDER: tuple[str, ...] = ("tekun", "dibao", "near_dibao")


def household_assistance_statuses(*, household_ids: Iterable[int], on: date) -> dict[int, str]:
    """What each household receives on ``on``: "tekun", "dibao", "near_dibao" or "" (every id is a key).

    A 特困 or 低保 benefit counts when it pays in the month of ``on`` (in force or tapering: its spans, read from its
    history, so a benefit stopped since, or stopped before, is judged at that date), or when it was confirmed on or
    before ``on`` and pays from a later month (低保 pays from the month after confirmation, DB-29: the household is a
    低保 household from the decision on). 低保边缘 (LI-01) is the finding of the latest 低保 case the county decided on
    or before ``on`` (approved or refused): a later decision that found otherwise replaces it. Two queries, whatever
    the number of households (a standard change reads tens of thousands)."""
    ids = sorted({int(i) for i in household_ids})
    result = dict.fromkeys(ids, "")
    if not ids:
        return result
    month = on.replace(day=1)
    paying = BenefitSpan.objects.filter(benefit=OuterRef("pk"), start__lte=month).filter(
        Q(until__isnull=True) | Q(until__gt=month)
    )
    found: dict[int, set[str]] = {}
    for household_id, program in (
        Benefit.objects.filter(household_id__in=many_ids(ids), program__in=("tekun", "dibao"))
        .filter(Exists(paying) | Q(first_month__gt=month, state__in=LIVE, application__decided_on__lte=on))
        .values_list("household_id", "program")
        .distinct()
    ):
        found.setdefault(household_id, set()).add(program)
    near: dict[int, bool] = {}
    for household_id, is_near in (
        Application.objects.filter(
            household_id__in=many_ids(ids),
            program="dibao",
            status__in=(Status.APPROVED, Status.REFUSED),
            decided_on__lte=on,
            decision__isnull=False,
        )
        .order_by("decided_on", "pk")
        .values_list("household_id", "decision__near_dibao")
    ):
        near[household_id] = is_near is True  # the latest decision wins
    for household_id in ids:
        held = found.get(household_id, set())
        if near.get(household_id):
            held = held | {"near_dibao"}
        result[household_id] = next((status for status in ASSISTANCE_ORDER if status in held), "")
    return result


def household_assistance_status(*, household_id: int, on: date) -> str:
    """One household's :func:`household_assistance_statuses` (the 测算, a township review)."""
    return household_assistance_statuses(household_ids=[household_id], on=on)[household_id]
