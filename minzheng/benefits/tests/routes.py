from typing import Any

from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_B1


def _recheck(region: str) -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from datetime import date

        from minzheng.benefits.models import Recheck
        from minzheng.cases.tests.factories import poor_household

        household = poor_household(personas, region)
        recheck = Recheck.objects.create(
            household=household,
            region_id=household.region_id,
            trigger=Recheck.Trigger.SUGGESTION,
            reason="建议办理",
            program="funeral_subsidy",
            effective_month=date(2025, 4, 1),
        )
        return {"pk": recheck.pk}

    return build


def _termination(region: str) -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from datetime import date

        from minzheng.cases import services
        from minzheng.cases.models import Notice
        from minzheng.cases.tests.factories import poor_household
        from minzheng.registry.models import Relation

        household = poor_household(personas, region)
        clerk = personas["township_a_clerk" if region == VILLAGE_A1 else "township_b_clerk"]
        case = services.application_submit(
            actor=clerk,
            household=household,
            program="tekun",
            applicant=household.members.get(relation=Relation.HEAD),
        )
        notice = Notice.objects.create(
            application=case,
            region_id=household.region_id,
            kind=Notice.Kind.TERMINATION,
            starts_on=date(2025, 6, 2),
            ends_on=date(2025, 6, 8),
            public_name="某某",
            public_members=1,
            complaint_phone="0830-8888888",
            published_by=clerk,
        )
        return {"pk": notice.pk}

    return build


register(
    RouteCase("benefits:monitoring", Capability.VIEW_CASES),
    RouteCase(
        "benefits:recheck",
        Capability.VIEW_CASES,
        targets=(
            Target("recheck in village A1", VILLAGE_A1, _recheck(VILLAGE_A1)),
            Target("recheck in village B1", VILLAGE_B1, _recheck(VILLAGE_B1)),
        ),
    ),
    RouteCase("benefits:standard_change", Capability.DECIDE_CASES),
    RouteCase(
        "benefits:termination",
        Capability.VIEW_CASES,
        targets=(
            Target("termination notice in village A1", VILLAGE_A1, _termination(VILLAGE_A1)),
            Target("termination notice in village B1", VILLAGE_B1, _termination(VILLAGE_B1)),
        ),
    ),
)
