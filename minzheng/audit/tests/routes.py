from typing import Any

from django.db import transaction

from minzheng.accounts.roles import Capability
from minzheng.audit import events
from minzheng.audit.services import audit_record
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_B1


def _event_in(region: str) -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        with transaction.atomic():
            event = audit_record(
                event_code=events.CALENDAR_SEEDED, region_code=region, target_type="test", target_id=region
            )
        return {"seq": event.seq}

    return build


register(
    RouteCase("audit:event_list", Capability.VIEW_AUDIT),
    RouteCase(
        "audit:event_detail",
        Capability.VIEW_AUDIT,
        targets=(
            Target("event in village A1", VILLAGE_A1, _event_in(VILLAGE_A1)),
            Target("event in village B1", VILLAGE_B1, _event_in(VILLAGE_B1)),
        ),
    ),
    RouteCase("audit:verify_start", Capability.VIEW_AUDIT, method="POST", ok_status=(302,)),
    RouteCase("audit:verify_status", Capability.VIEW_AUDIT),
)
