"""Importing a county's division list (统计用区划代码) from the statistics bureau's layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from minzheng.audit import events
from minzheng.audit.services import audit_record
from minzheng.core.errors import ValidationFailed
from minzheng.core.tabular import read_rows
from minzheng.core.validators import is_ascii_digits
from minzheng.regions.models import DIGITS_LEVEL, LEVEL_DIGITS, LEVEL_ORDER, Level, Region, UrbanRuralClass

# Header names accepted for each column (English or Chinese).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "代码", "区划代码", "统计用区划代码"),
    "name": ("name", "名称", "区划名称"),
    "level": ("level", "级别", "层级"),
    "parent": ("parent", "上级代码", "上级区划代码", "parent_code"),
    "urban_rural_class": ("urban_rural_class", "城乡分类代码", "城乡分类", "urban_rural_code"),
}
LEVEL_WORDS: dict[str, str] = {
    **{level: level for level in LEVEL_ORDER},
    **{str(i): level for i, level in enumerate(LEVEL_ORDER, start=1)},
    "省": Level.PROVINCE,
    "省级": Level.PROVINCE,
    "市": Level.PREFECTURE,
    "地级": Level.PREFECTURE,
    "地": Level.PREFECTURE,
    "县": Level.COUNTY,
    "县级": Level.COUNTY,
    "乡": Level.TOWNSHIP,
    "乡级": Level.TOWNSHIP,
    "乡镇": Level.TOWNSHIP,
    "村": Level.VILLAGE,
    "村级": Level.VILLAGE,
    "社区": Level.VILLAGE,
    "组": Level.GROUP,
    "村民小组": Level.GROUP,
}


@dataclass
class RowError:
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return _("第 %(line)s 行 %(column)s「%(value)s」：%(message)s") % {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ImportResult:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    changes: list[dict[str, str]] = field(default_factory=list)


class RegionImportError(ValidationFailed):
    code = "region_import_invalid"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        summary = _("区划文件有 %(count)s 处错误，未导入任何数据。") % {"count": len(errors)}
        super().__init__(summary, details=[str(e) for e in errors])


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: str
    parent: str | None
    urban_rural_class: str


def normalise_code(raw: str, level: str) -> str:
    """A 12-digit code (or its significant prefix) to the significant digits of its level."""
    digits = LEVEL_DIGITS[level]
    if level == Level.GROUP:
        if len(raw) != 15:
            raise ValueError(_("村民小组代码应为 15 位(村代码 12 位 + 组号 3 位)"))
        return raw
    if len(raw) == digits:
        return raw
    if len(raw) == 12 and set(raw[digits:]) == {"0"}:
        return raw[:digits]
    raise ValueError(
        _("%(level)s代码应为 %(digits)s 位，或后面补零的 12 位")
        % {"level": Level(level).label, "digits": digits}
    )


def _columns(header: list[str]) -> dict[str, int]:
    lowered = [cell.strip().lower() for cell in header]
    found: dict[str, int] = {}
    for key, names in HEADERS.items():
        for name in names:
            if name.lower() in lowered:
                found[key] = lowered.index(name.lower())
                break
    return found


def _parse(source: BinaryIO | Path | bytes, filename: str) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    iterator = read_rows(source, filename=filename)
    header_line = next(iterator, None)
    if header_line is None:
        raise RegionImportError([RowError(1, _("表头"), "", _("文件是空的"))])
    columns = _columns(header_line[1])
    missing = [key for key in ("code", "name", "level") if key not in columns]
    if missing:
        raise RegionImportError(
            [
                RowError(
                    1,
                    _("表头"),
                    ",".join(header_line[1]),
                    _("缺少列：%(cols)s(需要 代码、名称、级别，可选 上级代码、城乡分类代码)")
                    % {"cols": ", ".join(missing)},
                )
            ]
        )

    def cell(cells: list[str], key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    for line, cells in iterator:
        if not any(c.strip() for c in cells):
            continue
        raw_code, name, raw_level = cell(cells, "code"), cell(cells, "name"), cell(cells, "level")
        raw_parent, urc = cell(cells, "parent"), cell(cells, "urban_rural_class")
        row_errors: list[RowError] = []
        level = LEVEL_WORDS.get(raw_level.lower())
        if level is None:
            row_errors.append(
                RowError(line, _("级别"), raw_level, _("无法识别的级别(可填 省/市/县/乡/村/组 或 1-6)"))
            )
        if not is_ascii_digits(raw_code):
            row_errors.append(RowError(line, _("代码"), raw_code, _("代码只能包含数字")))
        if not name:
            row_errors.append(RowError(line, _("名称"), name, _("名称不能为空")))
        elif len(name) > 100:
            row_errors.append(RowError(line, _("名称"), name[:20] + "…", _("名称不能超过 100 个字")))
        if urc and urc not in UrbanRuralClass.values:
            row_errors.append(
                RowError(
                    line, _("城乡分类代码"), urc, _("不是有效的城乡分类代码(111/112/121/122/123/210/220)")
                )
            )
        code = ""
        if level is not None and is_ascii_digits(raw_code):
            try:
                code = normalise_code(raw_code, level)
            except ValueError as exc:
                row_errors.append(RowError(line, _("代码"), raw_code, str(exc)))
        parent: str | None = None
        if code and level is not None and level != Level.PROVINCE:
            parent = code[: LEVEL_DIGITS[LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]]]
            if raw_parent:
                given = raw_parent.rstrip("0") if len(raw_parent) == 12 else raw_parent
                if (
                    not is_ascii_digits(raw_parent)
                    or not parent.startswith(given)
                    or len(given) > len(parent)
                ):
                    row_errors.append(
                        RowError(
                            line,
                            _("上级代码"),
                            raw_parent,
                            _("与代码 %(code)s 的上级 %(parent)s 不符") % {"code": code, "parent": parent},
                        )
                    )
        if row_errors or level is None:
            errors.extend(row_errors)
            continue
        rows.append(_Row(line, code, name, level, parent, urc))
    return rows, errors


def regions_import(*, actor: Any, source: BinaryIO | Path | bytes, filename: str = "") -> ImportResult:
    """Validate the whole file, then add new units and rename changed ones, all or nothing."""
    rows, errors = _parse(source, filename)
    seen: dict[str, int] = {}
    for row in rows:
        if row.code in seen:
            errors.append(
                RowError(row.line, _("代码"), row.code, _("与第 %(line)s 行重复") % {"line": seen[row.code]})
            )
        else:
            seen[row.code] = row.line
    if not rows and not errors:
        errors.append(RowError(2, _("代码"), "", _("文件中没有区划数据")))

    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.filter(code__in=[row.code for row in rows])}
        parent_codes = {row.parent for row in rows if row.parent}
        known_parents = set(
            Region.objects.filter(code__in=parent_codes).values_list("code", flat=True)
        ) | set(seen)
        scope = getattr(actor, "region_id", None)
        for row in rows:
            if scope and not (row.code.startswith(scope) or scope.startswith(row.code)):
                errors.append(
                    RowError(
                        row.line, _("代码"), row.code, _("不在您的管辖范围(%(scope)s)内") % {"scope": scope}
                    )
                )
            if row.parent and row.parent not in known_parents:
                errors.append(
                    RowError(
                        row.line,
                        _("上级代码"),
                        row.parent,
                        _("上级区划 %(parent)s 既不在文件中，也不在系统中") % {"parent": row.parent},
                    )
                )
            current = existing.get(row.code)
            if current is not None and current.level != row.level:
                errors.append(
                    RowError(
                        row.line,
                        _("级别"),
                        row.level,
                        _("系统中该代码的级别是“%(level)s”，不能更改")
                        % {"level": current.get_level_display()},
                    )
                )
        if errors:
            errors.sort(key=lambda e: e.line)
            raise RegionImportError(errors)

        result = ImportResult()
        new_regions: list[Region] = []
        changed: list[Region] = []
        for row in sorted(rows, key=lambda r: len(r.code)):
            current = existing.get(row.code)
            if current is None:
                new_regions.append(
                    Region(
                        code=row.code,
                        name=row.name,
                        level=row.level,
                        parent_id=row.parent,
                        urban_rural_class=row.urban_rural_class,
                    )
                )
                continue
            if current.name != row.name or (
                row.urban_rural_class and current.urban_rural_class != row.urban_rural_class
            ):
                result.changes.append({"code": row.code, "old": current.name, "new": row.name})
                current.name = row.name
                current.urban_rural_class = row.urban_rural_class or current.urban_rural_class
                changed.append(current)
            else:
                result.unchanged += 1
        # Parents before children (codes are shorter at higher levels), in batches: set-based, not row by row.
        Region.objects.bulk_create(new_regions, batch_size=1000)
        Region.objects.bulk_update(changed, ["name", "urban_rural_class"], batch_size=1000)
        result.created, result.renamed = len(new_regions), len(changed)
        top = min((row.code for row in rows), key=len)
        audit_record(
            event_code=events.REGIONS_IMPORTED,
            actor=actor,
            region_code=top,
            target_type="regions.import",
            target_id=filename[:64],
            target_repr=filename[:200],
            new={
                "created": result.created,
                "renamed": result.renamed,
                "unchanged": result.unchanged,
                "changes": result.changes[:200],
            },
        )
    return result


def level_of_code(code: str) -> str | None:
    return DIGITS_LEVEL.get(len(code))
