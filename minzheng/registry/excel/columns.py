"""The columns of the registry import file, and reading their cells: labels, yes/no, dates, grades."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minzheng.registry.models import (
    DisabilityCategory,
    HukouStatus,
    HukouType,
    Member,
    NonCoresidentReason,
    Relation,
    Schooling,
    VeteranCategory,
    WorkCapacity,
)

#: Excel keeps 15 significant digits of a number; anything longer has already lost its tail
EXACT_DIGITS = 15
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
VILLAGE_CODE = re.compile(r"^\d{12}$")
EXCEL_EPOCH = date(1899, 12, 30)
PARENTHESES = re.compile(r"\(.*\)$")


@dataclass(frozen=True)
class Column:
    """One column of the import template. `household` columns must agree on every row of one 户编号."""

    key: str
    header: Promise
    kind: str  # text | code (digits that must stay text) | id | choice | bool | sex | date | grade
    required: bool = False
    household: bool = False
    choices: type[models.TextChoices] | None = None
    help: Promise | str = ""
    width: int = 12


COLUMNS: tuple[Column, ...] = (
    Column(
        "household_key",
        gettext_lazy("户编号"),
        "code",
        required=True,
        household=True,
        help=gettext_lazy(
            "同一户的成员填写相同的户编号（如 1、2、3）；只用于在本文件中归户，导入后系统另行生成档案号。"
        ),
        width=8,
    ),
    Column(
        "region_code",
        gettext_lazy("所属村代码"),
        "code",
        required=True,
        household=True,
        help=gettext_lazy("12 位村（社区）统计用区划代码，如 510521103222；必须在您的管辖范围内。"),
        width=15,
    ),
    Column("address", gettext_lazy("住址"), "text", required=True, household=True, width=28),
    Column(
        "hukou_type", gettext_lazy("户籍类型"), "choice", required=True, household=True, choices=HukouType
    ),
    Column(
        "phone",
        gettext_lazy("家庭电话"),
        "code",
        household=True,
        help=gettext_lazy("只能包含数字和“-”。"),
        width=14,
    ),
    Column("bank_name", gettext_lazy("开户银行"), "text", household=True, width=16),
    Column("account_holder", gettext_lazy("账户户名"), "text", household=True),
    Column(
        "account_number",
        gettext_lazy("银行账号"),
        "code",
        household=True,
        help=gettext_lazy("一卡通账号，12 至 19 位数字；请设置为文本格式。未通过银联校验只提示，不拒绝。"),
        width=22,
    ),
    Column("name", gettext_lazy("姓名"), "text", required=True, width=10),
    Column(
        "id_number",
        gettext_lazy("公民身份号码"),
        "id",
        required=True,
        help=gettext_lazy(
            "18 位（或旧版 15 位）；必须是文本格式，存成数字会丢失末几位。同一人在全县只能登记在一户中。"
        ),
        width=21,
    ),
    Column("relation", gettext_lazy("与户主关系"), "choice", required=True, choices=Relation),
    Column("sex", gettext_lazy("性别"), "sex", help=gettext_lazy("可空：由身份证号得出；填写时须与之一致。")),
    Column(
        "birth_date",
        gettext_lazy("出生日期"),
        "date",
        help=gettext_lazy("可空：由身份证号得出；填写时须与之一致，格式如 1980-01-31。"),
    ),
    Column(
        "hukou_status",
        gettext_lazy("户籍状况"),
        "choice",
        choices=HukouStatus,
        help=gettext_lazy("空白按“本地户籍”。"),
    ),
    Column(
        "is_coresident",
        gettext_lazy("是否共同生活"),
        "bool",
        help=gettext_lazy("是 或 否；空白按“是”。填“否”时必须填写不计入原因。"),
    ),
    Column(
        "non_coresident_reason", gettext_lazy("不计入原因"), "choice", choices=NonCoresidentReason, width=20
    ),
    Column("away_for_work", gettext_lazy("外出务工"), "bool", help=gettext_lazy("是 或 否；空白按“否”。")),
    Column(
        "work_capacity",
        gettext_lazy("劳动能力"),
        "choice",
        choices=WorkCapacity,
        help=gettext_lazy("空白按“有劳动能力”。"),
    ),
    Column("schooling", gettext_lazy("在学情况"), "choice", choices=Schooling),
    Column("serious_illness", gettext_lazy("重特大疾病"), "text", help=gettext_lazy("病名；没有则空白。")),
    Column("disability_category", gettext_lazy("残疾类别"), "choice", choices=DisabilityCategory),
    Column(
        "disability_grade",
        gettext_lazy("残疾等级"),
        "grade",
        help=gettext_lazy("1 至 4（一级至四级）；填写残疾类别时必填。"),
    ),
    Column("disability_certificate", gettext_lazy("残疾人证号"), "code", width=24),
    Column("veteran_category", gettext_lazy("优抚对象类别"), "choice", choices=VeteranCategory, width=18),
    Column(
        "is_orphan",
        gettext_lazy("孤儿"),
        "bool",
        help=gettext_lazy("享受孤儿基本生活保障的填“是”；空白按“否”。"),
    ),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
HOUSEHOLD_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.household and c.key != "household_key")
#: columns whose cells are formatted as text in the template (so Excel keeps every digit)
TEXT_KINDS = frozenset({"code", "id", "text"})


def norm(text: str) -> str:
    """Compare headers and labels loosely: full/half-width brackets, spaces, case, a required-mark asterisk."""
    text = text.strip().replace("（", "(").replace("）", ")").replace("\u3000", "").replace(" ", "")
    return text.replace("*", "").replace("＊", "").lower()


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@cache
def header_lookup() -> dict[str, Column]:
    """A header in any language we ship, or the field key itself, names the column. "性别(可空)" is "性别"."""
    lookup: dict[str, Column] = {}
    for column in COLUMNS:
        lookup[norm(column.key)] = column
        for language in _languages():
            with translation.override(language):
                header = norm(str(column.header))
            lookup[header] = column
            lookup[PARENTHESES.sub("", header)] = column
    return lookup


@cache
def choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese labels (as in the drop-downs), English labels and the stored values all name a choice."""
    lookup: dict[str, str] = {}
    for language in _languages():
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(str(label), value)  # as in the drop-down: found without normalising
                lookup.setdefault(norm(str(label)), value)
    for value in choices.values:
        if value:
            lookup.setdefault(value, value)
            lookup.setdefault(norm(value), value)
    return lookup


@cache
def bool_lookup() -> dict[str, bool]:
    lookup = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False}
    lookup |= {"true": True, "false": False, "1": True, "0": False, "√": True, "×": False}
    for language in _languages():
        with translation.override(language):
            lookup.setdefault(norm(_("是")), True)
            lookup.setdefault(norm(_("否")), False)
    return lookup


@cache
def sex_lookup() -> dict[str, str]:
    lookup = {"male": "male", "female": "female", "m": "male", "f": "female"}
    for language in _languages():
        with translation.override(language):
            for value, label in Member._meta.get_field("sex").choices or ():
                lookup.setdefault(norm(str(label)), str(value))
    return lookup


_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def parse_grade(text: str) -> int | None:
    key = text.replace("级", "").strip()
    return _GRADES.get(key)


def parse_date(text: str) -> date | None:
    match = _DATE.match(text) or _DATE8.match(text)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def choice_labels(choices: type[models.TextChoices]) -> list[str]:
    return [str(label) for _value, label in choices.choices]
