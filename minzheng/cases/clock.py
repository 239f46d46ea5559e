"""Every step's deadline in working days (DB-21, DB-28, DB-29, DB-30; TK-09; LS-05), from the case's own dates.

Pure given the case's dates, the policy and the calendar: the services store the next deadline on the case (indexed,
for 待办), the case page shows the whole clock. Acceptance is day 0 (DOMAIN.md §14 conventions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.core.workdays import CalendarDataMissing, WorkCalendar
from minzheng.policy.resolve import PolicySet


@dataclass(frozen=True)
class CaseDates:
    """The dates a clock needs, read off the case and its records."""

    program: str
    status: str
    filed_on: date
    accepted_on: date | None = None
    investigated_on: date | None = None
    reviewed_on: date | None = None
    notice_starts: date | None = None
    notice_ends: date | None = None
    objected_on: date | None = None
    decided_on: date | None = None
    refused: bool = False
    refusal_notified_on: date | None = None
    extended: bool = False
    urgent: bool = False
    filed_at: datetime | None = None
    prepaid_on: date | None = None
    #: whether the case is published (DB-25, TK-09); when not, the county's limit runs from the township review
    published: bool = True


@dataclass(frozen=True)
class Deadline:
    step: str
    due: date | datetime | None
    rules: tuple[str, ...]
    done_on: date | None = None
    #: why there is no date (a year not on the calendar): a deadline is never guessed
    problem: str = ""

    def state(self, today: date) -> str:
        """done / overdue / due_soon / open / unknown (the caller passes its due-soon horizon in ``today``)."""
        if self.done_on is not None:
            return "done"
        if self.due is None:
            return "unknown"
        due = self.due.date() if isinstance(self.due, datetime) else self.due
        return "overdue" if due < today else "open"


def _add(calendar: WorkCalendar, start: date, n: int) -> tuple[date | None, str]:
    try:
        return calendar.add_working_days(start, n), ""
    except CalendarDataMissing as exc:
        return None, str(exc.message)


def deadlines(dates: CaseDates, policy: PolicySet, calendar: WorkCalendar) -> list[Deadline]:
    """The case's deadlines in order, each with the rule it comes from and whether it was met."""
    dibao = policy.get("dibao")
    proc = policy.get("procedure")
    result: list[Deadline] = []

    def add(step: str, start: date | None, n: int, rules: tuple[str, ...], done: date | None) -> None:
        if start is None:
            return
        due, problem = _add(calendar, start, n)
        result.append(Deadline(step, due, rules, done, problem))

    accepted = dates.accepted_on
    # the county's limit runs from the end of the notice, or from the review where there is none to wait for
    county_start = dates.notice_ends if dates.published else dates.reviewed_on
    if dates.program == "temporary":
        temp = policy.get("temporary")
        if dates.urgent and dates.filed_at is not None:
            result.append(
                Deadline(
                    _("先行救助(%(h)s 小时内)") % {"h": temp.urgent_prepay_hours},
                    dates.filed_at + timedelta(hours=temp.urgent_prepay_hours),
                    ("LS-04", "LS-05"),
                    dates.prepaid_on,
                )
            )
            add(
                _("补齐审批手续"),
                dates.prepaid_on,
                temp.urgent_paperwork_wd,
                ("LS-04", "LS-05"),
                dates.decided_on,
            )
        add(_("乡镇调查审核"), accepted, temp.normal_township_wd, ("LS-05",), dates.reviewed_on)
        add(
            _("县级审批"),
            dates.notice_ends or dates.reviewed_on,
            temp.normal_county_wd,
            ("LS-05",),
            dates.decided_on,
        )
    elif dates.program == "tekun":
        add(_("乡镇调查、初审"), accepted, proc.tekun_township_wd, ("TK-09",), dates.reviewed_on)
        step = _("公示后县级确认") if dates.published else _("初审后县级确认(不公示)")
        add(step, county_start, proc.tekun_county_wd, ("TK-09",), dates.decided_on)
    else:
        add(
            _("开始入户调查"),
            accepted,
            dibao.township_start_investigation_wd,
            ("DB-21",),
            dates.investigated_on,
        )
        add(_("县级审核确认"), county_start, dibao.county_confirm_wd, ("DB-28",), dates.decided_on)
    if dates.objected_on is not None:
        # met once a new township review follows the objection (re-investigation or appraisal, DB-26)
        redone = dates.reviewed_on if dates.reviewed_on and dates.reviewed_on >= dates.objected_on else None
        add(_("异议复查、重新初审"), dates.objected_on, proc.objection_reinvestigate_wd, ("DB-26",), redone)
    if accepted is not None and dates.program not in {
        "tekun",
        "temporary",
    }:  # they have their own limits above
        limit = dibao.total_limit_extended_wd if dates.extended else dibao.total_limit_wd
        extra = 0
        if dibao.exclude_publicity_from_deadline and dates.notice_starts and dates.notice_ends:
            try:
                extra = calendar.working_days_between(
                    dates.notice_starts - timedelta(days=1), dates.notice_ends
                )
            except CalendarDataMissing:
                extra = 0
        step = _("办结(%(n)s 个工作日)") % {"n": limit}
        add(step, accepted, limit + extra, ("DB-30",), dates.decided_on)
    if dates.refused and dates.decided_on is not None:
        add(
            _("书面告知不予确认理由"),
            dates.decided_on,
            dibao.refusal_notice_wd,
            ("DB-29",),
            dates.refusal_notified_on,
        )
    return result


def next_deadline(items: list[Deadline]) -> Deadline | None:
    """The earliest deadline not yet met (the one 待办 sorts by)."""
    pending = [d for d in items if d.done_on is None and d.due is not None]
    if not pending:
        return None
    return min(pending, key=_due_date)


def _due_date(deadline: Deadline) -> date:
    due = deadline.due
    if due is None:  # next_deadline filters these out first
        raise ValueError("a deadline without a date has no order")
    return timezone.localdate(due) if isinstance(due, datetime) else due
