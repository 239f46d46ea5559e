"""The registry announces every household change after commit; benefits follow (nothing changes silently)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from minzheng.registry.signals import household_changed


@receiver(household_changed, dispatch_uid="benefits.household_events")
def on_household_changed(
    sender: Any, household_ids: list[int], reason: str, actor: Any = None, **_: Any
) -> None:
    from minzheng.benefits.services import household_events

    household_events(household_ids=list(household_ids), reason=reason, actor=actor)
