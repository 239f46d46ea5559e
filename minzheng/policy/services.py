"""Writing policy: a new version for a region from a date on, validated and audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.audit.services import audit_record
from minzheng.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from minzheng.core.scope import covers, scope_code_for
from minzheng.policy import events
from minzheng.policy.models import PolicyVersion
from minzheng.policy.presets import preset as get_preset
from minzheng.policy.resolve import parse_values
from minzheng.regions.models import Level, Region


def policy_version_create(
    *,
    actor: Any,
    region_code: str,
    effective_from: date,
    values: dict[str, Any],
    note: str,
    preset: str = "",
) -> PolicyVersion:
    """Add the parameters a region sets from ``effective_from`` on; every value is checked before anything is saved.

    ``actor=None`` is the system (presets loaded by ``minzheng policy apply-preset`` or the demo).
    """
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationFailed(
            _("没有这个地区：%(code)s") % {"code": region_code}, fields={"region": [_("没有这个地区")]}
        )
    if actor is not None:
        if not actor.can(Capability.EDIT_POLICY) or not covers(scope_code_for(actor), region.code):
            raise PermissionDeniedError(_("您无权修改该地区的政策参数。"))
        if region.level in {Level.VILLAGE, Level.GROUP}:
            raise ValidationFailed(
                _("政策参数只能由县级及以上(或乡镇)设定"), fields={"region": [_("级别不符")]}
            )
    if not note.strip():
        raise ValidationFailed(_("请填写依据文件(文号或名称)"), fields={"note": [_("必须填写")]})
    if preset:
        get_preset(preset)  # raises with the list of presets when unknown
    parse_values(values)  # every key known, every value valid — before the transaction
    try:
        with transaction.atomic():
            version = PolicyVersion.objects.create(
                region=region,
                effective_from=effective_from,
                preset=preset,
                values=values,
                note=note.strip(),
                created_by=actor,
            )
            audit_record(
                event_code=events.VERSION_CREATED,
                actor=actor,
                region_code=region.code,
                target=version,
                target_repr=f"{region.name} {effective_from.isoformat()}",
                new={
                    "effective_from": effective_from.isoformat(),
                    "preset": preset,
                    "values": values,
                    "note": note,
                },
            )
    except IntegrityError:
        raise ConflictError(
            _("%(region)s 在 %(date)s 已有一个政策版本；请选择其他生效日期")
            % {"region": region.name, "date": effective_from.isoformat()}
        ) from None
    return version
