"""The duplicate-ID check as a membership oracle: "已在县内其他地方登记" says that a number is registered somewhere
in the county. One person, one record needs the message; so every such answer is audited (who, the number masked,
a keyed hash of it so that repeated probes of one number can be found), and a user gets only so many a day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.models import User
from minzheng.audit.keys import ID_NUMBER_TARGET, id_number_hash
from minzheng.audit.models import AuditEvent
from minzheng.audit.services import EventSpec, audit_append
from minzheng.core.errors import DomainError
from minzheng.registry import events
from minzheng.registry.idnumber import mask_id_number

TARGET_TYPE = ID_NUMBER_TARGET
__all__ = ["ElsewhereLimitReached", "elsewhere_gate", "elsewhere_record", "id_number_hash"]


class ElsewhereLimitReached(DomainError):
    code = "elsewhere_limit_reached"
    status = 429


def _user(actor: object) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def elsewhere_hits_today(*, actor: object, now: datetime | None = None) -> int:
    """How many different numbers the user's checks found registered elsewhere today (in the office's time zone)."""
    user = _user(actor)
    if user is None:
        return 0
    now = now or timezone.now()
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    # Distinct numbers: previewing a file, downloading its error list and confirming it answer for the same people.
    return (
        AuditEvent.objects.filter(event_code=events.ID_FOUND_ELSEWHERE, actor=user, occurred_at__gte=start)
        .values("target_id")
        .distinct()
        .count()
    )


def _refusal() -> ElsewhereLimitReached:
    return ElsewhereLimitReached(
        _(
            "您今天的身份证号查重已有 %(n)s 次发现在县内其他地方登记，已达每日上限；"
            "今天不能再核对新的身份证号。如确需办理，请联系县级管理员。"
        )
        % {"n": settings.MINZHENG_ELSEWHERE_HITS_PER_DAY}
    )


def elsewhere_gate(*, actor: object, now: datetime | None = None) -> None:
    """Refuse any new ID check once the user's hits of today reached the limit — whatever the number, so that the
    refusal itself says nothing about it. The CLI (no user) is not limited."""
    if elsewhere_hits_today(actor=actor, now=now) >= settings.MINZHENG_ELSEWHERE_HITS_PER_DAY:
        raise _refusal()


def elsewhere_record(
    *, actor: object, numbers: Iterable[str], source: str, now: datetime | None = None
) -> int:
    """Audit each hit (in its own transaction: the refused change around it rolls back, this must not); refuse
    with ElsewhereLimitReached when they take the user past today's limit. Returns the hits recorded."""
    user = _user(actor)
    region = getattr(user, "region_id", None)
    specs = [
        EventSpec(
            event_code=events.ID_FOUND_ELSEWHERE,
            actor=user,
            region_code=region,
            target_type=TARGET_TYPE,
            target_id=id_number_hash(number),
            target_repr=mask_id_number(number),
            new={"id_number": mask_id_number(number), "source": source},
        )
        for number in dict.fromkeys(numbers)
    ]
    if not specs:
        return 0
    with transaction.atomic():
        audit_append(specs=specs, now=now)
    if (
        user is not None
        and elsewhere_hits_today(actor=user, now=now) > settings.MINZHENG_ELSEWHERE_HITS_PER_DAY
    ):
        raise _refusal()
    return len(specs)
