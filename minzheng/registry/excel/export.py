"""The scoped registry export: households and members to .xlsx in constant memory, IDs masked per role."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.services import audit_record
from minzheng.core import exports
from minzheng.core.errors import PermissionDeniedError, ValidationFailed
from minzheng.core.scope import covers, scope_code_for
from minzheng.core.validators import is_ascii_digits
from minzheng.regions.models import Level, Region
from minzheng.registry import events
from minzheng.registry.idnumber import mask_id_number
from minzheng.registry.models import (
    DisabilityCategory,
    Household,
    HukouStatus,
    HukouType,
    Member,
    NonCoresidentReason,
    Relation,
    Schooling,
    VeteranCategory,
    WorkCapacity,
)


def _mask_tail(value: str, keep: int = 4) -> str:
    """A bank account or certificate number for roles that may not see it whole: only the last `keep` characters."""
    if not value:
        return ""
    return "*" * max(len(value) - keep, 0) + value[-keep:]


def _display_map(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    return {value: str(label) for value, label in choices}


def registry_export(*, user: Any, out: BinaryIO | Path | str, village: str = "") -> int:
    """Write the households and members the user may see to .xlsx in constant memory; return the households written.

    IDs are text, shown whole only to roles with SEE_FULL_ID (the display rule of selectors.display_id)."""
    if not user.can(Capability.EXPORT_REGISTRY):
        raise PermissionDeniedError(_("您的角色无权导出家庭档案。"))
    village = village.strip()
    if village and not is_ascii_digits(village):
        raise ValidationFailed(_("区划代码只能是数字"), fields={"village": [_("只能是数字")]})
    full = user.can(Capability.SEE_FULL_ID)

    def show_id(number: str) -> str:
        return number if full else mask_id_number(number)

    def show_tail(number: str) -> str:
        return number if full else _mask_tail(number)

    households = Household.objects.visible_to(user)
    members = Member.objects.visible_to(user)
    if village:
        households = households.filter(region__code__startswith=village)
        members = members.filter(region__code__startswith=village)
    # Plain tuples (one query each, joins included), not model instances: a county has a million people.
    household_rows = (
        households.annotate(member_count=Count("members"))
        .order_by("region_id", "id")
        .values_list(
            "pk",
            "region_id",
            "address",
            "hukou_type",
            "head__name",
            "head__id_number",
            "phone",
            "bank_name",
            "account_holder",
            "account_number",
            "member_count",
            "created_at",
        )
    )
    member_rows = members.order_by("region_id", "household_id", "id").values_list(
        "household_id",
        "region_id",
        "name",
        "id_number",
        "relation",
        "sex",
        "birth_date",
        "hukou_status",
        "is_coresident",
        "non_coresident_reason",
        "away_for_work",
        "work_capacity",
        "schooling",
        "serious_illness",
        "disability_category",
        "disability_grade",
        "disability_certificate",
        "veteran_category",
        "date_of_death",
        "phone",
        "is_orphan",
    )
    village_names = dict(
        Region.objects.visible_to(user).filter(level=Level.VILLAGE).values_list("code", "name")
    )

    workbook = exports.workbook(out, constant_memory=True)
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    as_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    hukou = _display_map(HukouType.choices)
    relation = _display_map(Relation.choices)
    status = _display_map(HukouStatus.choices)
    reason = _display_map(NonCoresidentReason.choices)
    capacity = _display_map(WorkCapacity.choices)
    schooling = _display_map(Schooling.choices)
    disability = _display_map(DisabilityCategory.choices)
    veteran = _display_map(VeteranCategory.choices)
    sex = _display_map(Member._meta.get_field("sex").choices or ())
    yes, no = _("是"), _("否")

    def write(sheet: Any, row: int, cells: list[Any]) -> None:
        for col, value in enumerate(cells):
            if value is None or value == "":
                continue  # an empty cell costs nothing in the file; writing "" would still cost a call
            # text (names, IDs, account numbers) stays text, never a formula: core.exports
            exports.write_cell(sheet, row, col, value, as_date if isinstance(value, date) else None)

    # constant_memory writes each sheet row by row: the household sheet is finished before the member sheet starts.
    sheet = workbook.add_worksheet(_("家庭"))
    titles = [
        _("档案号"),
        _("所属村代码"),
        _("所属村"),
        _("住址"),
        _("户籍类型"),
        _("户主"),
        _("户主公民身份号码"),
        _("家庭电话"),
        _("开户银行"),
        _("账户户名"),
        _("银行账号"),
        _("成员人数"),
        _("建档日期"),
    ]
    for col, (title, width) in enumerate(
        zip(titles, [8, 14, 16, 28, 8, 10, 21, 14, 16, 10, 22, 8, 12], strict=True)
    ):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    household_count = 0
    for row, h in enumerate(household_rows.iterator(chunk_size=2000), start=1):
        pk, region, address, hukou_type, head, head_id, phone, bank, holder, account, count, created = h
        write(
            sheet,
            row,
            [
                pk,
                region,
                village_names.get(region, ""),
                address,
                hukou.get(hukou_type, hukou_type),
                head,
                show_id(head_id) if head_id else "",
                phone,
                bank,
                holder,
                show_tail(account),
                count,
                timezone.localtime(created).date(),
            ],
        )
        household_count = row
    sheet.freeze_panes(1, 0)

    sheet = workbook.add_worksheet(_("成员"))
    titles = [
        _("档案号"),
        _("所属村代码"),
        _("所属村"),
        _("姓名"),
        _("公民身份号码"),
        _("与户主关系"),
        _("性别"),
        _("出生日期"),
        _("户籍状况"),
        _("是否共同生活"),
        _("不计入原因"),
        _("外出务工"),
        _("劳动能力"),
        _("在学情况"),
        _("重特大疾病"),
        _("残疾类别"),
        _("残疾等级"),
        _("残疾人证号"),
        _("优抚对象类别"),
        _("死亡日期"),
        _("联系电话"),
        _("孤儿"),
    ]
    for col, title in enumerate(titles):
        sheet.set_column(col, col, 21 if col in (4, 17) else 12)
        sheet.write_string(0, col, title, header)
    member_count = 0
    for row, m in enumerate(member_rows.iterator(chunk_size=2000), start=1):
        write(
            sheet,
            row,
            [
                m[0],
                m[1],
                village_names.get(m[1], ""),
                m[2],
                show_id(m[3]),
                relation.get(m[4], m[4]),
                sex.get(m[5], m[5]),
                m[6],
                status.get(m[7], m[7]),
                yes if m[8] else no,
                reason.get(m[9], m[9]),
                yes if m[10] else no,
                capacity.get(m[11], m[11]),
                schooling.get(m[12], m[12]),
                m[13],
                disability.get(m[14], m[14]),
                m[15],
                show_tail(m[16]),
                veteran.get(m[17], m[17]),
                m[18],
                m[19],
                yes if m[20] else "",
            ],
        )
        member_count = row
    sheet.freeze_panes(1, 0)
    workbook.close()
    scope = scope_code_for(user)
    # The event hangs on the filter's region when that is a real region in scope, else on the user's own.
    event_region = (
        village
        if village and covers(scope, village) and Region.objects.filter(code=village).exists()
        else scope
    )
    with transaction.atomic():
        # Written after the file is complete: an export that failed half-way handed nothing out.
        audit_record(
            event_code=events.EXPORTED,
            actor=user,
            region_code=event_region,
            target_type="registry.export",
            new={
                "households": household_count,
                "members": member_count,
                "village": village,
                "full_ids": full,
            },
        )
    return household_count
