"""Report periods: a month (2026-11), a quarter (2026Q4) or a year (2026), as first and last month."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed


@dataclass(frozen=True)
class Period:
    code: str
    first: date  # first day of the first month
    last: date  # first day of the last month

    @property
    def label(self) -> str:
        if self.first == self.last:
            return _("%(y)s年%(m)s月") % {"y": self.first.year, "m": self.first.month}
        if self.first.month == 1 and self.last.month == 12:
            return _("%(y)s年") % {"y": self.first.year}
        return _("%(y)s年第%(q)s季度") % {"y": self.first.year, "q": (self.first.month - 1) // 3 + 1}

    @property
    def end(self) -> date:
        """The last day of the period."""
        month = self.last
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)


def parse_period(raw: str) -> Period:
    text = raw.strip().upper()
    if match := re.fullmatch(r"(\d{4})Q([1-4])", text):
        year, quarter = int(match[1]), int(match[2])
        return Period(text, date(year, quarter * 3 - 2, 1), date(year, quarter * 3, 1))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return Period(f"{year}-{month:02d}", date(year, month, 1), date(year, month, 1))
    if match := re.fullmatch(r"(\d{4})", text):
        year = int(match[1])
        return Period(text, date(year, 1, 1), date(year, 12, 1))
    raise ValidationFailed(
        _("期间“%(raw)s”无法识别：月份写 2026-11，季度写 2026Q4，年度写 2026") % {"raw": raw},
        fields={"period": [_("无效")]},
    )


def current_quarter(today: date) -> Period:
    return parse_period(f"{today.year}Q{(today.month - 1) // 3 + 1}")
