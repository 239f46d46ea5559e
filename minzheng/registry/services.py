"""Changes to the household registry. Each checks scope on every side, writes its audit event in the same
transaction, and announces the households it touched (signals.household_changed) after commit."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.services import EventSpec, audit_record, audit_record_many
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.money import round_money
from minzheng.core.scope import covers, scope_code_for
from minzheng.core.validators import hidden_character, hidden_character_message, is_ascii_digits
from minzheng.regions.models import Level, Region
from minzheng.registry import events, probes
from minzheng.registry.idnumber import age_on, mask_id_number
from minzheng.registry.models import (
    Asset,
    AssetCategory,
    Household,
    HukouType,
    IncomeCategory,
    IncomeExclusion,
    IncomeItem,
    Member,
    Relation,
)
from minzheng.registry.pinyin import name_keys
from minzheng.registry.signals import household_changed
from minzheng.registry.validation import (
    CleanMember,
    MemberData,
    MemberInvalid,
    check_account_number,
    clean_member,
    living_apart_refusal,
)


class MemberValidationFailed(ValidationFailed):
    code = "member_invalid"


class DuplicatePerson(ValidationFailed):
    code = "duplicate_person"
    #: the number, when the answer was "registered elsewhere in the county" (audited as a possible probe)
    elsewhere: str | None = None


def _duplicate(message: str, id_number: str, *, elsewhere: bool) -> DuplicatePerson:
    error = DuplicatePerson(message, fields={"id_number": [message]})
    error.elsewhere = id_number if elsewhere else None
    return error


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _audits_elsewhere_hits(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Audit a "registered elsewhere" answer once the service's transaction has rolled back (see probes)."""

    @functools.wraps(service)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return service(*args, **kwargs)
        except DuplicatePerson as exc:
            if exc.elsewhere:
                probes.elsewhere_record(actor=kwargs.get("actor"), numbers=[exc.elsewhere], source="form")
            raise

    return wrapper


def _today() -> date:
    return timezone.localdate()


def _require(actor: Any, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDeniedError(_("您的角色无权进行此操作。"))


def _require_scope(actor: Any, region_code: str) -> None:
    if not covers(scope_code_for(actor), region_code):
        # Out of scope looks like "not found", exactly as in the selectors.
        raise PermissionDeniedError(_("该记录不在您的管辖范围内。"), status=404)


def _village(actor: Any, region_code: str) -> Region:
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level != Level.VILLAGE:
        raise ValidationFailed(
            _("请选择一个村(社区):%(code)s 不是村级区划") % {"code": region_code},
            fields={"region": [_("不是村级区划")]},
        )
    _require_scope(actor, region.code)
    return region


def _announce(household_ids: Iterable[int], reason: str, actor: Any) -> None:
    ids = sorted(set(household_ids))
    transaction.on_commit(
        lambda: household_changed.send(sender=Household, household_ids=ids, reason=reason, actor=actor)
    )


def _household_event(
    *,
    actor: Any,
    household: Household,
    event_code: str,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Audit a change to one household (in the caller's transaction) and announce it after commit."""
    audit_record(
        event_code=event_code,
        actor=actor,
        region_code=household.region_id,
        target=household,
        old=old,
        new=new,
    )
    _announce([household.pk], event_code, actor)


def _member_snapshot(member: Member) -> dict[str, Any]:
    return {
        "name": member.name,
        "id_number": mask_id_number(member.id_number),
        "relation": member.relation,
        "is_coresident": member.is_coresident,
        "non_coresident_reason": member.non_coresident_reason,
        "work_capacity": member.work_capacity,
        "schooling": member.schooling,
        "serious_illness": member.serious_illness,
        "disability_category": member.disability_category,
        "disability_grade": member.disability_grade,
        "veteran_category": member.veteran_category,
        "date_of_death": member.date_of_death,
        "phone": member.phone,
        "away_for_work": member.away_for_work,
        "hukou_status": member.hukou_status,
        "is_orphan": member.is_orphan,
        **{key: getattr(member, key) for key in Member.SELF_CARE_FIELDS},
    }


def _diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def _clean(data: MemberData) -> CleanMember:
    try:
        return clean_member(data, today=_today())
    except MemberInvalid as exc:
        first = next(iter(exc.errors.values()))[0]
        if data.name and str(first).startswith(data.name):
            message = str(first)  # the error already names the person (DB-11): don't say the name twice
        else:
            message = _("%(name)s:%(error)s") % {"name": data.name or _("成员"), "error": first}
        raise MemberValidationFailed(message, fields=exc.errors) from exc


def duplicate_person_message(
    *, actor: Any, id_number: str, exclude_member_id: int | None = None
) -> str | None:
    """None if the number is free; otherwise where it is registered, without leaking anything out of scope."""
    found = _duplicate_of(actor=actor, id_number=id_number, exclude_member_id=exclude_member_id)
    return found[0] if found else None


def _duplicate_of(
    *, actor: Any, id_number: str, exclude_member_id: int | None = None
) -> tuple[str, bool] | None:
    """(the message, whether it says "elsewhere in the county") or None; refused past the day's limit of such
    answers (probes.elsewhere_gate)."""
    probes.elsewhere_gate(actor=actor)
    candidates = Member.objects.filter(id_number=id_number)
    if exclude_member_id is not None:
        candidates = candidates.exclude(pk=exclude_member_id)
    existing = candidates.select_related("household__head", "region").first()
    if existing is None:
        return None
    if covers(scope_code_for(actor), existing.region_id):
        return _(
            "身份证号 %(id)s 已登记在 %(village)s %(household)s(档案号 %(pk)s)，同一人只能在一户中登记"
        ) % {
            "id": mask_id_number(id_number),
            "village": existing.region.name,
            "household": existing.household,
            "pk": existing.household_id,
        }, False
    return _("身份证号 %(id)s 已在县内其他地方登记，同一人只能在一户中登记；如需迁入请联系其所在乡镇") % {
        "id": mask_id_number(id_number)
    }, True


def _new_member(actor: Any, household: Household, clean: CleanMember) -> Member:
    found = _duplicate_of(actor=actor, id_number=clean.id_number)
    if found:
        raise _duplicate(found[0], clean.id_number, elsewhere=found[1])
    fields = clean.model_fields()
    full, initials = name_keys(fields["name"])
    member = Member(
        household=household, region_id=household.region_id, name_pinyin=full, name_initials=initials, **fields
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Two clerks adding the same person at once: the unique constraint decides; explain it like the check does.
        found = _duplicate_of(actor=actor, id_number=clean.id_number) or (_("身份证号已被登记"), False)
        raise _duplicate(found[0], clean.id_number, elsewhere=found[1]) from exc
    return member


@dataclass
class HouseholdData:
    region_code: str
    address: str
    hukou_type: str
    phone: str = ""
    bank_name: str = ""
    account_holder: str = ""
    account_number: str = ""
    note: str = ""


def _clean_household(data: HouseholdData) -> tuple[dict[str, Any], list[str]]:
    errors: dict[str, list[str]] = {}
    for key in ("address", "phone", "bank_name", "account_holder", "note"):
        code = hidden_character(getattr(data, key), multiline=key == "note")
        if code is not None:
            errors.setdefault(key, []).append(hidden_character_message(code))
    if not data.address.strip():
        errors["address"] = [_("住址不能为空")]
    if data.hukou_type not in HukouType.values:
        errors["hukou_type"] = [_("户籍类型应为“城镇”或“农村”")]
    number, account_errors, warnings = check_account_number(data.account_number)
    if account_errors:
        errors["account_number"] = account_errors
    if number and not data.bank_name.strip():
        errors.setdefault("bank_name", []).append(_("填写了银行账号，请同时填写开户银行"))
    phone = data.phone.strip()
    if phone and not is_ascii_digits(phone.replace("-", "")):
        errors["phone"] = [_("电话号码只能包含数字和“-”")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], fields=errors)
    return {
        "address": data.address.strip(),
        "hukou_type": data.hukou_type,
        "phone": phone,
        "bank_name": data.bank_name.strip(),
        "account_holder": data.account_holder.strip(),
        "account_number": number,
        "note": data.note.strip(),
    }, warnings


@dataclass
class Result:
    """What a service made, plus warnings worth showing the clerk (nothing was refused for them)."""

    obj: Any
    warnings: list[str]


@_audits_elsewhere_hits
def household_create(
    *, actor: Any, data: HouseholdData, head: MemberData, members: Iterable[MemberData] = ()
) -> Result:
    """Open a household file with its head (and any other members) in one village of the actor's scope."""
    _require(actor, Capability.EDIT_REGISTRY)
    region = _village(actor, data.region_code)
    fields, warnings = _clean_household(data)
    head.relation = Relation.HEAD
    cleaned = [_clean(head)] + [_clean(m) for m in members]
    ids = [c.id_number for c in cleaned]
    if len(set(ids)) != len(ids):
        raise MemberValidationFailed(_("同一个身份证号在本户中填写了两次"))
    if sum(1 for c in cleaned if c.data.relation == Relation.HEAD) != 1:
        raise MemberValidationFailed(_("一户只能有一位户主"))
    with transaction.atomic():
        household = Household.objects.create(region=region, **fields)
        created = [_new_member(actor, household, c) for c in cleaned]
        household.head = created[0]
        household.save(update_fields=["head"])
        audit_record(
            event_code=events.HOUSEHOLD_CREATED,
            actor=actor,
            region_code=region.code,
            target=household,
            new={
                **fields,
                "account_number": mask_id_number(fields["account_number"])
                if fields["account_number"]
                else "",
                "members": [m.name for m in created],
            },
        )
        _announce([household.pk], events.HOUSEHOLD_CREATED, actor)
    return Result(household, warnings + [w for c in cleaned for w in c.warnings])


def _lock_household(actor: Any, household_id: int) -> Household:
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None:
        raise ConflictError(_("该家庭档案已不存在(可能已被合并)，请刷新页面。"))
    _require_scope(actor, household.region_id)
    return household


def household_update(*, actor: Any, household: Household, data: HouseholdData) -> Result:
    _require(actor, Capability.EDIT_REGISTRY)
    fields, warnings = _clean_household(data)
    with transaction.atomic():
        locked = _lock_household(actor, household.pk)
        region = _village(actor, data.region_code)
        old = {k: getattr(locked, k) for k in fields} | {"region": locked.region_id}
        for key, value in fields.items():
            setattr(locked, key, value)
        if region.code != locked.region_id:
            locked.region = region
            Member.objects.filter(household=locked).update(region=region)
        locked.save()
        before, after = _diff(old, fields | {"region": region.code})
        for key in ("account_number",):
            if key in before:
                before[key] = mask_id_number(before[key]) if before[key] else ""
                after[key] = mask_id_number(after[key]) if after[key] else ""
        if after:
            audit_record(
                event_code=events.HOUSEHOLD_UPDATED,
                actor=actor,
                region_code=locked.region_id,
                target=locked,
                old=before,
                new=after,
            )
            _announce([locked.pk], events.HOUSEHOLD_UPDATED, actor)
    return Result(locked, warnings)


@_audits_elsewhere_hits
def member_add(*, actor: Any, household: Household, data: MemberData) -> Result:
    _require(actor, Capability.EDIT_REGISTRY)
    if data.relation == Relation.HEAD:
        raise MemberValidationFailed(
            _("本户已有户主；如需更换户主，请先添加成员再“变更户主”"),
            fields={"relation": [_("本户已有户主")]},
        )
    clean = _clean(data)
    with transaction.atomic():
        locked = _lock_household(actor, household.pk)
        member = _new_member(actor, locked, clean)
        _household_event(
            actor=actor,
            household=locked,
            event_code=events.MEMBER_ADDED,
            new={"member_id": member.pk, **_member_snapshot(member)},
        )
    return Result(member, clean.warnings)


def _lock_member(actor: Any, member_id: int) -> Member:
    member = Member.objects.select_for_update().filter(pk=member_id).select_related("household").first()
    if member is None:
        raise ConflictError(_("该成员已不存在，请刷新页面。"))
    _require_scope(actor, member.region_id)
    return member


@_audits_elsewhere_hits
def member_update(*, actor: Any, member: Member, data: MemberData) -> Result:
    """Edit one person. Changing the ID number is allowed (typing errors happen) but is checked like a new one."""
    _require(actor, Capability.EDIT_REGISTRY)
    clean = _clean(data)
    with transaction.atomic():
        locked = _lock_member(actor, member.pk)
        if clean.id_number != locked.id_number:
            found = _duplicate_of(actor=actor, id_number=clean.id_number, exclude_member_id=locked.pk)
            if found:
                raise _duplicate(found[0], clean.id_number, elsewhere=found[1])
        is_head = locked.household.head_id == locked.pk
        if is_head and data.relation != Relation.HEAD:
            raise MemberValidationFailed(
                _("户主的关系只能是“户主”；请先“变更户主”"), fields={"relation": [_("户主")]}
            )
        if not is_head and data.relation == Relation.HEAD:
            raise MemberValidationFailed(
                _("要让此人成为户主，请使用“变更户主”"), fields={"relation": [_("请使用变更户主")]}
            )
        old = _member_snapshot(locked)
        old_id = locked.id_number
        fields = clean.model_fields()
        if locked.id_number_original and clean.id_number == old_id:
            fields["id_number_original"] = locked.id_number_original
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.name_pinyin, locked.name_initials = name_keys(locked.name)
        locked.save()
        before, after = _diff(old, _member_snapshot(locked))
        if old_id != locked.id_number:
            before["id_number"], after["id_number"] = mask_id_number(old_id), mask_id_number(locked.id_number)
        if after:
            audit_record(
                event_code=events.MEMBER_UPDATED,
                actor=actor,
                region_code=locked.region_id,
                target=locked.household,
                old={"member": locked.name, **before},
                new={"member_id": locked.pk, **after},
            )
            _announce([locked.household_id], events.MEMBER_UPDATED, actor)
    return Result(locked, clean.warnings)


def member_remove(*, actor: Any, member: Member, reason: str) -> None:
    """Take a person off the file (e.g. moved out of the county). The head must be changed first."""
    _require(actor, Capability.EDIT_REGISTRY)
    if not reason.strip():
        raise ValidationFailed(_("请填写移除原因"), fields={"reason": [_("必填")]})
    with transaction.atomic():
        locked = _lock_member(actor, member.pk)
        if locked.household.head_id == locked.pk:
            raise ValidationFailed(_("不能移除户主；请先变更户主"))
        household = locked.household
        snapshot = _member_snapshot(locked)
        # their income leaves with them: without an end the lines would stay on as the household's own income
        _end_incomes(actor, locked, _today(), reason=_("%(name)s 移出本户") % {"name": locked.name})
        IncomeItem.objects.filter(member=locked).update(member=None)
        locked.delete()
        _household_event(
            actor=actor,
            household=household,
            event_code=events.MEMBER_REMOVED,
            old=snapshot,
            new={"reason": reason.strip()},
        )


def member_move(*, actor: Any, member: Member, to_household: Household, relation: str) -> Member:
    """Move a person into another household; scope is checked on both sides."""
    _require(actor, Capability.EDIT_REGISTRY)
    if relation not in Relation.values or relation == Relation.HEAD:
        raise ValidationFailed(
            _("请选择此人在新家庭中与户主的关系(不能是户主)"), fields={"relation": [_("无效")]}
        )
    with transaction.atomic():
        locked = _lock_member(actor, member.pk)
        source = _lock_household(actor, locked.household_id)
        target = _lock_household(actor, to_household.pk)
        if source.pk == target.pk:
            raise ValidationFailed(_("此人已在该家庭中"))
        if source.head_id == locked.pk:
            raise ValidationFailed(_("%(name)s 是户主，迁出前请先为原家庭变更户主") % {"name": locked.name})
        if not locked.is_coresident:
            refusal = living_apart_refusal(
                locked.name,
                relation,
                age_on(locked.birth_date, _today()),
                locked.schooling,
                locked.non_coresident_reason,
            )
            if refusal:
                raise MemberValidationFailed(refusal, fields={"relation": [refusal]})
        locked.household, locked.region_id, locked.relation = target, target.region_id, relation
        locked.save(update_fields=["household", "region", "relation", "updated_at"])
        IncomeItem.objects.filter(member=locked).update(household=target)
        audit_record_many(
            specs=[
                EventSpec(
                    event_code=events.MEMBER_MOVED_OUT,
                    actor=actor,
                    region_code=source.region_id,
                    target=source,
                    new={
                        "member_id": locked.pk,
                        "member": locked.name,
                        "to_household": target.pk,
                        "to": str(target),
                    },
                ),
                EventSpec(
                    event_code=events.MEMBER_MOVED_IN,
                    actor=actor,
                    region_code=target.region_id,
                    target=target,
                    new={
                        "member_id": locked.pk,
                        "member": locked.name,
                        "relation": relation,
                        "from_household": source.pk,
                        "from": str(source),
                    },
                ),
            ]
        )
        _announce([source.pk, target.pk], events.MEMBER_MOVED_IN, actor)
    return locked


def household_change_head(
    *, actor: Any, household: Household, new_head: Member, old_head_relation: str = Relation.OTHER
) -> Household:
    _require(actor, Capability.EDIT_REGISTRY)
    if old_head_relation not in Relation.values or old_head_relation == Relation.HEAD:
        raise ValidationFailed(_("请选择原户主与新户主的关系"), fields={"old_head_relation": [_("无效")]})
    with transaction.atomic():
        locked = _lock_household(actor, household.pk)
        person = _lock_member(actor, new_head.pk)
        if person.household_id != locked.pk:
            raise ValidationFailed(_("新户主必须是本户成员"))
        if person.date_of_death:
            raise ValidationFailed(_("已故人员不能担任户主"))
        if locked.head_id == person.pk:
            raise ValidationFailed(_("此人已是户主"))
        old_head = locked.head
        if old_head is not None:
            Member.objects.filter(pk=old_head.pk).update(relation=old_head_relation)
        Member.objects.filter(pk=person.pk).update(relation=Relation.HEAD)
        locked.head = person
        locked.save(update_fields=["head", "updated_at"])
        _household_event(
            actor=actor,
            household=locked,
            event_code=events.HEAD_CHANGED,
            old={"head": old_head.name if old_head else None},
            new={"head": person.name},
        )
    return locked


def member_record_death(*, actor: Any, member: Member, date_of_death: date) -> Member:
    """The person stays on file, marked deceased; every benefit that depends on the household is re-checked."""
    _require(actor, Capability.EDIT_REGISTRY)
    with transaction.atomic():
        locked = _lock_member(actor, member.pk)
        if locked.date_of_death:
            raise ValidationFailed(
                _("%(name)s 已于 %(date)s 登记死亡")
                % {"name": locked.name, "date": locked.date_of_death.isoformat()}
            )
        if date_of_death > _today():
            raise ValidationFailed(_("死亡日期不能晚于今天"), fields={"date_of_death": [_("晚于今天")]})
        if date_of_death < locked.birth_date:
            raise ValidationFailed(
                _("死亡日期不能早于出生日期"), fields={"date_of_death": [_("早于出生日期")]}
            )
        locked.date_of_death = date_of_death
        locked.save(update_fields=["date_of_death", "updated_at"])
        audit_record(
            event_code=events.MEMBER_DIED,
            actor=actor,
            region_code=locked.region_id,
            target=locked.household,
            new={"member_id": locked.pk, "member": locked.name, "date_of_death": date_of_death},
        )
        _end_incomes(actor, locked, date_of_death, reason=_("%(name)s 死亡") % {"name": locked.name})
        _announce([locked.household_id], events.MEMBER_DIED, actor)
    return locked


def _end_incomes(actor: Any, member: Member, last_day: date, *, reason: str) -> None:
    """A person's own income lines stop on ``last_day`` (death, removal): each line still open then is given that end,
    audited with the end it had, so the history shows what was on file. Household-level lines are not theirs.
    A line that only starts after the day is left to the clerk (ending it would give it an end before its start)."""
    lines = list(
        IncomeItem.objects.select_for_update()
        .filter(member=member)
        .filter(Q(period_end__isnull=True) | Q(period_end__gt=last_day))
        .filter(Q(period_start__isnull=True) | Q(period_start__lte=last_day))
        .order_by("pk")
    )
    if not lines:
        return
    IncomeItem.objects.filter(pk__in=[line.pk for line in lines]).update(period_end=last_day)
    audit_record_many(
        specs=[
            EventSpec(
                event_code=events.INCOME_ENDED,
                actor=actor,
                region_code=member.region_id,
                target=member.household,
                old={
                    "income_id": line.pk,
                    "member": member.name,
                    "source": line.source,
                    "period_end": line.period_end,
                },
                new={"income_id": line.pk, "period_end": last_day, "reason": reason},
            )
            for line in lines
        ]
    )


def household_split(
    *,
    actor: Any,
    household: Household,
    member_ids: list[int],
    new_head_id: int,
    address: str,
    region_code: str | None = None,
) -> Household:
    """分户： the chosen members leave to form a new household (same village unless told), its head among them."""
    _require(actor, Capability.EDIT_REGISTRY)
    if new_head_id not in member_ids:
        raise ValidationFailed(_("新户的户主必须在分出的成员之中"))
    with transaction.atomic():
        source = _lock_household(actor, household.pk)
        moving = list(Member.objects.select_for_update().filter(pk__in=member_ids, household=source))
        if len(moving) != len(set(member_ids)):
            raise ValidationFailed(_("分出的成员必须都是本户成员"))
        if source.head_id in member_ids:
            raise ValidationFailed(_("原户主不能分出；如需分出，请先变更原户户主"))
        if Member.objects.filter(household=source).exclude(pk__in=member_ids).count() == 0:
            raise ValidationFailed(_("原户至少要保留一人"))
        region = _village(actor, region_code or source.region_id)
        if not address.strip():
            raise ValidationFailed(_("请填写新户住址"), fields={"address": [_("必填")]})
        new = Household.objects.create(
            region=region, address=address.strip(), hukou_type=source.hukou_type, phone=source.phone
        )
        Member.objects.filter(pk__in=member_ids).update(household=new, region=region, relation=Relation.OTHER)
        Member.objects.filter(pk=new_head_id).update(relation=Relation.HEAD)
        IncomeItem.objects.filter(member_id__in=member_ids).update(household=new)
        new.head_id = new_head_id
        new.save(update_fields=["head"])
        names = [m.name for m in moving]
        audit_record_many(
            specs=[
                EventSpec(
                    event_code=events.HOUSEHOLD_SPLIT,
                    actor=actor,
                    region_code=source.region_id,
                    target=source,
                    old={"members": names},
                    new={"new_household": new.pk},
                ),
                EventSpec(
                    event_code=events.HOUSEHOLD_CREATED,
                    actor=actor,
                    region_code=region.code,
                    target=new,
                    new={"split_from": source.pk, "members": names, "address": new.address},
                ),
            ]
        )
        _announce([source.pk, new.pk], events.HOUSEHOLD_SPLIT, actor)
    return new


def household_merge(
    *, actor: Any, source: Household, target: Household, relations: dict[int, str] | None = None
) -> Household:
    """合户： everyone in `source` joins `target` (as 'other' unless told); incomes, assets and documents follow;
    the source file is closed. Both households must be in the actor's scope."""
    _require(actor, Capability.EDIT_REGISTRY)
    relations = relations or {}
    with transaction.atomic():
        # Lock in id order so two merges of the same pair cannot deadlock.
        first, second = sorted([source.pk, target.pk])
        if first == second:
            raise ValidationFailed(_("不能与自身合户"))
        locked = {pk: _lock_household(actor, pk) for pk in (first, second)}
        src, dst = locked[source.pk], locked[target.pk]
        moving = list(Member.objects.select_for_update().filter(household=src))
        for member in moving:
            relation = relations.get(member.pk, Relation.OTHER)
            if relation == Relation.HEAD or relation not in Relation.values:
                relation = Relation.OTHER
            member.household, member.region_id, member.relation = dst, dst.region_id, relation
        Member.objects.bulk_update(moving, ["household", "region", "relation"])
        IncomeItem.objects.filter(household=src).update(household=dst)
        Asset.objects.filter(household=src).update(household=dst)
        from minzheng.registry.models import Document

        Document.objects.filter(household=src).update(household=dst)
        src.head = None
        src.save(update_fields=["head"])
        names = [m.name for m in moving]
        audit_record_many(
            specs=[
                EventSpec(
                    event_code=events.HOUSEHOLD_MERGED,
                    actor=actor,
                    region_code=dst.region_id,
                    target=dst,
                    old={"merged_household": src.pk, "address": src.address},
                    new={"members": names},
                ),
                EventSpec(
                    event_code=events.HOUSEHOLD_REMOVED,
                    actor=actor,
                    region_code=src.region_id,
                    target=src,
                    old={"address": src.address, "members": names},
                    new={"merged_into": dst.pk},
                ),
            ]
        )
        src_pk = src.pk
        src.delete()
        _announce([src_pk, dst.pk], events.HOUSEHOLD_MERGED, actor)
    return dst


def _money(raw: Any, field: str) -> Decimal:
    try:
        value = round_money(str(raw))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationFailed(
            _("金额“%(value)s”不是有效数字") % {"value": raw}, fields={field: [_("不是有效数字")]}
        ) from None
    if value < 0:
        raise ValidationFailed(_("金额不能为负数"), fields={field: [_("不能为负数")]})
    return value


def income_add(
    *,
    actor: Any,
    household: Household,
    category: str,
    monthly_amount: Any,
    source: str,
    member: Member | None = None,
    exclusion: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> IncomeItem:
    _require(actor, Capability.EDIT_REGISTRY)
    if category not in IncomeCategory.values:
        raise ValidationFailed(_("收入类别无效"), fields={"category": [_("无效")]})
    if exclusion not in IncomeExclusion.values:
        raise ValidationFailed(_("不计入原因无效"), fields={"exclusion": [_("无效")]})
    if not source.strip():
        raise ValidationFailed(_("请填写收入来源"), fields={"source": [_("必填")]})
    if period_start and period_end and period_end < period_start:
        raise ValidationFailed(_("截止月份不能早于起始月份"), fields={"period_end": [_("早于起始月份")]})
    amount = _money(monthly_amount, "monthly_amount")
    with transaction.atomic():
        locked = _lock_household(actor, household.pk)
        if member is not None and member.household_id != locked.pk:
            raise ValidationFailed(_("收入所属成员必须是本户成员"))
        item = IncomeItem.objects.create(
            household=locked,
            member=member,
            category=category,
            monthly_amount=amount,
            source=source.strip(),
            exclusion=exclusion,
            period_start=period_start,
            period_end=period_end,
        )
        _household_event(
            actor=actor,
            household=locked,
            event_code=events.INCOME_ADDED,
            new={
                "income_id": item.pk,
                "member": member.name if member else None,
                "category": category,
                "monthly_amount": amount,
                "source": item.source,
                "exclusion": exclusion,
            },
        )
    return item


def income_remove(*, actor: Any, item: IncomeItem) -> None:
    _require(actor, Capability.EDIT_REGISTRY)
    with transaction.atomic():
        locked = _lock_household(actor, item.household_id)
        audit_record(
            event_code=events.INCOME_REMOVED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            old={
                "income_id": item.pk,
                "category": item.category,
                "monthly_amount": item.monthly_amount,
                "source": item.source,
                "exclusion": item.exclusion,
            },
        )
        IncomeItem.objects.filter(pk=item.pk).delete()
        _announce([locked.pk], events.INCOME_REMOVED, actor)


def asset_add(
    *,
    actor: Any,
    household: Household,
    category: str,
    description: str,
    value: Any = None,
    quantity: int = 1,
    exempt: bool = False,
) -> Asset:
    _require(actor, Capability.EDIT_REGISTRY)
    if category not in AssetCategory.values:
        raise ValidationFailed(_("财产类别无效"), fields={"category": [_("无效")]})
    if not description.strip():
        raise ValidationFailed(_("请填写财产说明"), fields={"description": [_("必填")]})
    if quantity < 1:
        raise ValidationFailed(_("数量至少为 1"), fields={"quantity": [_("至少为 1")]})
    amount = _money(value, "value") if value not in (None, "") else None
    with transaction.atomic():
        locked = _lock_household(actor, household.pk)
        asset = Asset.objects.create(
            household=locked,
            category=category,
            description=description.strip(),
            value=amount,
            quantity=quantity,
            exempt=exempt,
        )
        _household_event(
            actor=actor,
            household=locked,
            event_code=events.ASSET_ADDED,
            new={
                "asset_id": asset.pk,
                "category": category,
                "description": asset.description,
                "value": amount,
                "quantity": quantity,
                "exempt": exempt,
            },
        )
    return asset


def asset_remove(*, actor: Any, asset: Asset) -> None:
    _require(actor, Capability.EDIT_REGISTRY)
    with transaction.atomic():
        locked = _lock_household(actor, asset.household_id)
        audit_record(
            event_code=events.ASSET_REMOVED,
            actor=actor,
            region_code=locked.region_id,
            target=locked,
            old={
                "asset_id": asset.pk,
                "category": asset.category,
                "description": asset.description,
                "value": asset.value,
            },
        )
        Asset.objects.filter(pk=asset.pk).delete()
        _announce([locked.pk], events.ASSET_REMOVED, actor)


def member_reveal_id(*, actor: Any, member: Member) -> str:
    """One click shows the full number; the click is audited."""
    if not (actor.can(Capability.REVEAL_ID) or actor.can(Capability.SEE_FULL_ID)):
        raise PermissionDeniedError(_("您的角色无权查看完整身份证号。"))
    _require_scope(actor, member.region_id)
    with transaction.atomic():
        audit_record(
            event_code=events.ID_REVEALED,
            actor=actor,
            region_code=member.region_id,
            target=member.household,
            new={"member_id": member.pk, "member": member.name},
        )
    return member.id_number
