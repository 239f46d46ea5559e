"""Working days on the Chinese official calendar (WD-01): weekends and public holidays off, 调休 days on.

Every deadline in minzheng is counted here. A year without its holiday notice on file raises
`CalendarDataMissing` — never a silent weekends-only guess, because a wrong deadline is a legal error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from minzheng.core.errors import DomainError
from minzheng.core.models import CalendarDay, CalendarYear, DayKind


class CalendarDataMissing(DomainError):
    code = "calendar_data_missing"
    status = 409


@dataclass(frozen=True)
class WorkCalendar:
    """A snapshot of the calendar table: known years plus the exceptional days. Pure and cheap to query."""

    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def _require(self, day: date) -> None:
        if day.year not in self.years:
            raise CalendarDataMissing(
                _(
                    "%(year)s 年的节假日安排尚未录入，无法计算工作日。请县级管理员在“工作日历”中录入国务院办公厅当年的放假通知。"
                )
                % {"year": day.year},
                details={"year": day.year},
            )

    def is_working_day(self, day: date) -> bool:
        self._require(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (start is day 0); n < 0 counts backwards; n = 0 returns start."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        day = start
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (so add_working_days(a, n) = b gives n); negative if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def working_days_in(self, first: date, last: date) -> int:
        """Working days in the closed range [first, last] (e.g. those inside a 7-day public notice)."""
        if last < first:
            return 0
        return self.working_days_between(first - timedelta(days=1), last)


WEEKENDS_ONLY_NOTE = _("仅按周末计算")


def weekends_only(years: range | None = None) -> WorkCalendar:
    """A calendar without public holidays, for comparisons (WE-08 prints both)."""
    span = years or range(1900, 2200)
    return WorkCalendar(years=frozenset(span), holidays=frozenset(), workdays=frozenset())


def load_calendar() -> WorkCalendar:
    """Read the whole table (a few hundred rows) into an immutable snapshot."""
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    return WorkCalendar(years=years, holidays=frozenset(holidays), workdays=frozenset(workdays))


def add_working_days(start: date, n: int, *, calendar: WorkCalendar | None = None) -> date:
    return (calendar or load_calendar()).add_working_days(start, n)


def working_days_between(start: date, end: date, *, calendar: WorkCalendar | None = None) -> int:
    return (calendar or load_calendar()).working_days_between(start, end)


def is_working_day(day: date, *, calendar: WorkCalendar | None = None) -> bool:
    return (calendar or load_calendar()).is_working_day(day)
