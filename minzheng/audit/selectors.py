from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from minzheng.audit.models import AuditEvent, AuditEventQuerySet


def audit_event_list(
    *,
    user: Any,
    region_code: str = "",
    actor: str = "",
    event_code: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    target_type: str = "",
    target_id: str = "",
) -> AuditEventQuerySet:
    """Events the user may see (their region subtree), filtered; newest first."""
    queryset: AuditEventQuerySet = AuditEvent.objects.visible_to(user).select_related("region")  # type: ignore[assignment]
    if region_code:
        queryset = queryset.filter(region__code__startswith=region_code)
    if actor:
        queryset = queryset.filter(actor_name__icontains=actor)
    if event_code:
        queryset = queryset.filter(event_code__startswith=event_code)
    tz = timezone.get_default_timezone()
    if date_from:
        queryset = queryset.filter(occurred_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        queryset = queryset.filter(
            occurred_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    if target_type:
        queryset = queryset.filter(target_type=target_type)
    if target_id:
        queryset = queryset.filter(target_id=target_id)
    return queryset.order_by("-seq")
