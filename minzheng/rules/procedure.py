"""The procedure's own [L] parameters (the ones no single program owns): phone numbers, switches, time limits.

Per-program limits stay with their program (低保 DB-21/28/30 in ``dibao.Policy``, 临时救助 LS-05 in
``temporary.Policy``); 特困's (TK-09) and the shared ones live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy

from minzheng.rules.common import param


@dataclass(frozen=True)
class Policy:
    complaint_phone: str = param("", gettext_lazy("乡镇(街道)监督举报电话(公示上显示)"), rules=("DB-32",))
    remote_visits_allowed: bool = param(
        False, gettext_lazy("重大突发事件期间允许电话、视频入户调查"), rules=("DB-22",)
    )
    spot_check_ratio: Fraction = param(Fraction(0), gettext_lazy("县级抽查比例"), rules=("DB-28",))
    due_soon_working_days: int = param(3, gettext_lazy("临近期限提醒(工作日)"))
    tekun_township_wd: int = param(15, gettext_lazy("特困：乡镇调查初审时限(工作日)"), rules=("TK-09",))
    # DOMAIN.md §13 tekun.county_confirm_wd: 15 (TK-09's 10 is one locality's example); a minor, never published,
    # counts it from the township's review
    tekun_county_wd: int = param(15, gettext_lazy("特困：公示后县级确认时限(工作日)"), rules=("TK-09",))
    objection_reinvestigate_wd: int = param(
        15, gettext_lazy("公示有异议：重新调查、初审时限(工作日)"), rules=("DB-26", "TK-09")
    )
    objections_per_hour_per_ip: int = param(5, gettext_lazy("同一网络地址每小时最多提交异议数"))
    review_notice_days: int = param(30, gettext_lazy("定期复核提前提醒天数"), rules=("DB-43",))
    published_programs: tuple[str, ...] = param(
        ("dibao", "tekun", "temporary"),
        gettext_lazy("须张榜公示的救助项目(其他项目不公示，不进入公示名单)"),
        rules=("DB-25", "TK-09", "LS-03", "DB-35"),
    )
