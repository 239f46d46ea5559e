"""Reading the registry, always through the user's scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from minzheng.accounts.roles import Capability
from minzheng.audit.events import label_for
from minzheng.audit.models import AuditEvent
from minzheng.core.scope import get_visible_or_404
from minzheng.registry.idnumber import mask_account_number, mask_id_number
from minzheng.registry.models import Asset, Document, Household, IncomeItem, Member

_ID_PATTERN = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")
_DIGITS = re.compile(r"^\d+[Xx]?$")
_LATIN = re.compile(r"^[A-Za-z]+$")


def _starts_with(field: str, text: str) -> Q:
    """`field` starts with `text`, in a form each database can answer from an index.

    Django's `__startswith` is a LIKE, which SQLite answers case-insensitively and therefore never from a plain index
    (a full scan of a million people); the equivalent half-open range `text <= field < next(text)` uses the index.
    PostgreSQL's LIKE uses the varchar_pattern_ops index Django creates beside every indexed CharField.
    """
    if connection.vendor == "sqlite":
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        return Q(**{f"{field}__gte": text, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": text})


def member_search(
    *, user: Any, query: str = "", village: str = "", include_deceased: bool = True
) -> QuerySet[Member]:
    """Find people by name, pinyin initials or full pinyin, full ID or its last 4/6 characters, or phone.

    Every branch hits an index: name/pinyin/phone by prefix, the ID by equality, the last 4/6 by their own columns.
    """
    queryset = Member.objects.visible_to(user).select_related("household", "region")
    if village:
        queryset = queryset.filter(region__code__startswith=village)
    if not include_deceased:
        queryset = queryset.filter(date_of_death__isnull=True)
    q = query.strip().replace(" ", "")
    if not q:
        return queryset.order_by("region_id", "household_id", "id")
    if _ID_PATTERN.match(q):
        from minzheng.registry.idnumber import parse_id_number

        check = parse_id_number(q)
        queryset = queryset.filter(id_number=(check.number or q.upper()))
    elif _DIGITS.match(q):
        upper = q.upper()
        if len(upper) == 4:
            queryset = queryset.filter(id_last4=upper)
        else:
            # Households whose phone matches, fetched first: an OR across the join would scan every member.
            household_ids = list(
                Household.objects.visible_to(user)
                .filter(_starts_with("phone", upper))
                .values_list("id", flat=True)[:500]
            )
            matches = _starts_with("phone", upper) | Q(household_id__in=household_ids)
            if len(upper) == 6:
                matches |= Q(id_last6=upper)
            queryset = queryset.filter(matches)
    elif _LATIN.match(q):
        lower = q.lower()
        queryset = queryset.filter(_starts_with("name_initials", lower) | _starts_with("name_pinyin", lower))
    else:
        queryset = queryset.filter(_starts_with("name", q))
    # Lower() keeps PostgreSQL from walking the whole initials index in order hoping to meet 20 matches early
    # (initials are stored lower-case, so the order is the same).
    return queryset.order_by(Lower("name_initials"), "id")


def household_get(*, user: Any, pk: int) -> Household:
    return get_visible_or_404(Household.objects.select_related("region", "head"), user, pk=pk)


def member_get(*, user: Any, pk: int) -> Member:
    return get_visible_or_404(Member.objects.select_related("household", "region"), user, pk=pk)


def household_file(*, user: Any, pk: int) -> dict[str, Any]:
    """Everything on one household's file, in a fixed, small number of queries."""
    queryset: Any = Household.objects.select_related("region", "region__parent", "head")
    household = get_visible_or_404(
        queryset.prefetch_related(
            Prefetch("members", queryset=Member.objects.order_by("id")),
            Prefetch("incomes", queryset=IncomeItem.objects.select_related("member").order_by("id")),
            Prefetch("assets", queryset=Asset.objects.order_by("id")),
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by", "member")),
        ),
        user,
        pk=pk,
    )
    return {"household": household, "timeline": household_timeline(household=household)}


@dataclass
class TimelineEntry:
    event: AuditEvent
    label: str
    actor: str
    changes: list[tuple[str, str, str]]


#: keys that are not model fields, named as a clerk would say them
EXTRA_LABELS = {
    "members": _("成员"),
    "member": _("成员"),
    "reason": _("原因"),
    "type": _("材料类型"),
    "to": _("迁往"),
    "from": _("迁自"),
    "head": _("户主"),
    "imported_from": _("导入文件"),
    "region": _("所属村(社区)"),
    "split_from": _("分自档案号"),
    "merged_into": _("并入档案号"),
    "new_household": _("新户档案号"),
    "merged_household": _("并入的档案号"),
    "to_household": _("迁往档案号"),
    "from_household": _("迁自档案号"),
}
#: technical details kept in the audit log but not worth a clerk's attention on the timeline
HIDDEN_KEYS = {"sha256", "size"}


def _field(key: str) -> Any:
    for model in (Member, Household, IncomeItem, Asset, Document):
        try:
            return model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
    return None


def _label(event_code: str, key: str) -> str:
    if key == "name" and event_code.startswith("registry.document"):
        return str(_("文件名"))
    if key in EXTRA_LABELS:
        return str(EXTRA_LABELS[key])
    field = _field(key)
    return str(getattr(field, "verbose_name", key)) if field is not None else key


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    field = _field(key)
    choices = dict(getattr(field, "flatchoices", None) or []) if field is not None else {}
    return str(choices.get(value, value))


def household_timeline(*, household: Household, limit: int = 200) -> list[TimelineEntry]:
    """Every change to the household, newest first, from the one audit log, in the words of the forms."""
    events = (
        AuditEvent.objects.filter(target_type="registry.household", target_id=str(household.pk))
        .select_related("actor")
        .order_by("-seq")[:limit]
    )
    entries = []
    for event in events:
        old, new = event.old_values or {}, event.new_values or {}
        changes = []
        for key in {**old, **new}:
            if key.endswith("_id") or key in HIDDEN_KEYS:
                continue
            before, after = _value(key, old.get(key)), _value(key, new.get(key))
            if before or after:
                changes.append((_label(event.event_code, key), before, after))
        actor = event.actor.display_name if event.actor else str(_("系统"))
        entries.append(TimelineEntry(event, label_for(event.event_code), actor, changes))
    return entries


def display_id(*, user: Any, member: Member) -> str:
    """The ID as this user may see it on a page or in an export."""
    return member.id_number if user.can(Capability.SEE_FULL_ID) else mask_id_number(member.id_number)


def display_account(*, user: Any, number: str) -> str:
    """A bank account as this user may see it: whole only for the roles that see whole IDs."""
    return number if user.can(Capability.SEE_FULL_ID) else mask_account_number(number)


def household_list(*, user: Any, village: str = "") -> QuerySet[Household]:
    queryset = (
        Household.objects.visible_to(user)
        .select_related("region", "head")
        .annotate(member_count=Count("members"))
    )
    if village:
        queryset = queryset.filter(region__code__startswith=village)
    return queryset.order_by("region_id", "id")
