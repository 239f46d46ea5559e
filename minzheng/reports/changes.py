"""The monthly change list (变动名册) of a program: who starts (新增), whose amount changes (变更) and who stops
(停发) from a month, with the old and the new amount — what the clerk keys or uploads into the provincial assistance
system each month.

Read from the benefits' history (``benefits.BenefitChange``) in one statement: each benefit's last change dated in
the month (of two in one month the later holds, as in ``reports.indicators.in_force``), beside the amount in force
the month before (its latest change dated earlier). So the old amount is what was paid last month, never a figure
copied when a change was scheduled.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import DecimalField, Exists, OuterRef, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.accounts.roles import Capability
from minzheng.audit.services import audit_record
from minzheng.benefits.models import BenefitChange
from minzheng.cases.models import Period
from minzheng.core import exports
from minzheng.core.money import ZERO, round_money
from minzheng.core.scope import code_range
from minzheng.registry.idnumber import mask_id_number
from minzheng.reports.indicators import ONE_OFF_PROGRAMS
from minzheng.reports.services import CHANGE_LIST_EXPORTED
from minzheng.rules.programs import PROGRAMS

NEW, CHANGED, STOPPED = "new", "changed", "stopped"
KINDS: dict[str, Promise] = {
    NEW: gettext_lazy("新增"),
    CHANGED: gettext_lazy("变更"),
    STOPPED: gettext_lazy("停发"),
}


@dataclass(frozen=True)
class ChangeRow:
    kind: str
    benefit_id: int
    household_id: int
    name: str
    id_number: str  # as stored: shown whole or masked by ``shown_id`` for the reader's role
    village: str
    month: date
    old_amount: Decimal | None
    new_amount: Decimal
    members_covered: int
    reason: str

    @property
    def kind_label(self) -> Promise:
        return KINDS[self.kind]


def _classify(change: BenefitChange, month: date, previous: Decimal | None, one_off: bool) -> str | None:
    """新增, 变更, 停发, or None for a change the provincial system does not need (a review keeping the amount, a
    benefit started and stopped within its first month, a one-off grant closed after payment)."""
    new = change.new_amount or ZERO
    before = previous or ZERO
    if change.benefit.first_month == month:
        # a one-off grant is new in its month even if it was closed within it (it is paid once, whatever follows)
        return NEW if new > 0 or one_off else None
    # by the amount, as payments and ``in_force`` read the history: a stop is a change to 0
    if new == 0:
        return STOPPED if before > 0 and not one_off else None
    return CHANGED if new != before and not one_off else None


def change_list(*, region: str, program: str, month: date) -> list[ChangeRow]:
    """The program's 新增, 变更 and 停发 from ``month`` in the region (a code prefix), in that order, by village."""
    low, high = code_range(region)
    later_same_month = BenefitChange.objects.filter(
        benefit_id=OuterRef("benefit_id"), effective_month=month, pk__gt=OuterRef("pk")
    )
    previous = (
        BenefitChange.objects.filter(benefit_id=OuterRef("benefit_id"), effective_month__lt=month)
        .order_by("-effective_month", "-pk")
        .values("new_amount")[:1]
    )
    changes = (
        BenefitChange.objects.filter(
            benefit__program=program, effective_month=month, region_id__gte=low, region_id__lt=high
        )
        .exclude(Exists(later_same_month))
        .annotate(previous=Subquery(previous, output_field=DecimalField(max_digits=14, decimal_places=2)))
        .select_related("benefit__household__head", "benefit__member", "region")
        .order_by("region_id", "benefit_id")
    )
    one_off_program = program in ONE_OFF_PROGRAMS
    rows: list[ChangeRow] = []
    for change in changes:
        # a one-off grant of any program (the 优抚 丧葬补助 too) is new once and never 变更 or 停发
        one_off = one_off_program or change.benefit.period == Period.ONE_OFF
        kind = _classify(change, month, change.previous, one_off)
        if kind is None:
            continue
        benefit = change.benefit
        person = benefit.member or benefit.household.head
        rows.append(
            ChangeRow(
                kind=kind,
                benefit_id=benefit.pk,
                household_id=benefit.household_id,
                name=person.name if person else "",
                id_number=person.id_number if person else "",
                village=change.region.name,
                month=month,
                # SQLite hands the subquery's amount back unscaled (840): shown to the fen like the rest
                old_amount=None if kind == NEW else round_money(change.previous or ZERO),
                new_amount=benefit.amount if one_off else (change.new_amount or ZERO),
                members_covered=benefit.members_covered,
                reason=change.reason,
            )
        )
    order = list(KINDS)
    return sorted(rows, key=lambda r: order.index(r.kind))  # stable: by village and benefit within a kind


def shown_id(user: Any, number: str) -> str:
    """The ID as this user may see it on the page or in the workbook: the display rule of the registry and its
    export (``registry.selectors.display_id``): whole for roles with SEE_FULL_ID, else masked (DB-35)."""
    return number if user.can(Capability.SEE_FULL_ID) else mask_id_number(number)


HEADERS = (
    gettext_lazy("序号"),
    gettext_lazy("变动类型"),
    gettext_lazy("姓名"),
    gettext_lazy("公民身份号码"),
    gettext_lazy("村(社区)"),
    gettext_lazy("保障人数"),
    gettext_lazy("起始月份"),
    gettext_lazy("原金额(元)"),
    gettext_lazy("新金额(元)"),
    gettext_lazy("变动原因"),
)


def change_list_xlsx(
    *, user: Any, rows: list[ChangeRow], region_code: str, region_name: str, program: str, month: date
) -> bytes:
    """The list as a workbook, every text cell written as text (a name or reason starting with "=" stays text);
    the download is audited (it carries names and ID numbers)."""
    out = io.BytesIO()
    book = exports.workbook(out, in_memory=True)
    sheet = book.add_worksheet(_("变动名册"))
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True})
    text = book.add_format({"border": 1})
    money = book.add_format({"border": 1, "num_format": "0.00"})
    heading = _("%(program)s变动名册") % {"program": PROGRAMS[program].label}
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, heading, title)
    sheet.write_string(
        1,
        0,
        _("填报单位：%(r)s　　变动月份：%(y)s年%(m)s月")
        % {"r": region_name, "y": month.year, "m": month.month},
    )
    for column, label in enumerate(HEADERS):
        sheet.write_string(2, column, str(label), head)
    for index, row in enumerate(rows, start=1):
        line = 2 + index
        sheet.write_number(line, 0, index, text)
        sheet.write_string(line, 1, str(row.kind_label), text)
        sheet.write_string(line, 2, row.name, text)
        sheet.write_string(line, 3, shown_id(user, row.id_number), text)
        sheet.write_string(line, 4, row.village, text)
        sheet.write_number(line, 5, row.members_covered, text)
        sheet.write_string(line, 6, f"{row.month:%Y-%m}", text)
        # a cell holds a double; amounts are well inside its exact range and shown to the fen
        if row.old_amount is None:
            sheet.write_blank(line, 7, None, text)
        else:
            sheet.write_number(line, 7, float(row.old_amount), money)
        sheet.write_number(line, 8, float(row.new_amount), money)
        sheet.write_string(line, 9, row.reason, text)
    counts = {kind: sum(1 for r in rows if r.kind == kind) for kind in KINDS}
    sheet.write_string(
        3 + len(rows),
        0,
        "　".join(f"{label}：{counts[kind]}" for kind, label in KINDS.items()),
    )
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 2, 10)
    sheet.set_column(3, 3, 21)
    sheet.set_column(4, 4, 16)
    sheet.set_column(5, 8, 11)
    sheet.set_column(9, 9, 40)
    sheet.freeze_panes(3, 0)
    book.close()
    with transaction.atomic():
        # written once the file is complete, like the registry export: who took which names out
        audit_record(
            event_code=CHANGE_LIST_EXPORTED,
            actor=user,
            region_code=region_code,
            target_type="reports.change_list",
            new={
                "program": program,
                "month": f"{month:%Y-%m}",
                "rows": len(rows),
                "full_ids": bool(user.can(Capability.SEE_FULL_ID)),
            },
        )
    return out.getvalue()
