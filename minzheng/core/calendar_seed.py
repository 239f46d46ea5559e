"""Reading the PyPI package `chinese-calendar` (2004-2026) into plain rows for the calendar table."""

from __future__ import annotations

from datetime import date

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_rows() -> tuple[list[int], list[tuple[date, str, str]]]:
    """(years, [(date, kind, chinese_name)]) from the installed chinese-calendar package."""
    from chinese_calendar import constants

    rows: list[tuple[date, str, str]] = []
    for day, name in constants.holidays.items():
        rows.append((day, "holiday", HOLIDAY_NAMES_ZH.get(str(name), str(name))))
    for day, name in constants.workdays.items():
        rows.append((day, "workday", HOLIDAY_NAMES_ZH.get(str(name), str(name)) + "调休"))
    years = sorted({day.year for day, _kind, _name in rows})
    return years, sorted(rows)
