from typing import Any

from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_B1
from minzheng.registry.tests.routes import HOUSEHOLD


def _case(region: str, state: str = "applied") -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from minzheng.cases import services
        from minzheng.cases.tests.factories import poor_household, to_notice_ended
        from minzheng.registry.models import Relation

        household = poor_household(personas, region)
        officer = personas["village_a1_officer"] if region == VILLAGE_A1 else personas["township_b_clerk"]
        case = services.application_submit(
            actor=officer,
            household=household,
            program="dibao",
            applicant=household.members.get(relation=Relation.HEAD),
        )
        if state == "refused" and region == VILLAGE_A1:
            to_notice_ended(personas, case)
            services.application_decide(
                actor=personas["county_approver"], application=case, approve=False, reasons="不符合"
            )
        return {"pk": case.pk}

    return build


def _targets(state: str = "applied", **extra: Any) -> tuple[Target, ...]:
    return (
        Target("case in village A1", VILLAGE_A1, lambda p: {**_case(VILLAGE_A1, state)(p), **extra}),
        Target("case in village B1", VILLAGE_B1, lambda p: {**_case(VILLAGE_B1, state)(p), **extra}),
    )


VIEW = Capability.VIEW_CASES
register(
    RouteCase("cases:index", VIEW),
    RouteCase(
        "cases:new",
        Capability.SUBMIT_APPLICATION,
        targets=tuple(
            Target(t.label, t.region, (lambda k: lambda p: {"household": k(p)["pk"]})(t.kwargs))
            for t in HOUSEHOLD
        ),
    ),
    RouteCase("cases:detail", VIEW, targets=_targets()),
    # every role that may see cases reaches the action endpoint; the service then decides (withdraw needs a reason:
    # an allowed caller without one gets the form back with 400, a role without the right gets 403 from the service)
    RouteCase("cases:action", VIEW, method="POST", targets=_targets(action="withdraw"), ok_status=(400, 403)),
    RouteCase("cases:letter", VIEW, targets=_targets(kind="receipt"), ok_status=(404,)),
    RouteCase("cases:batch_publish", Capability.PROCESS_CASES, method="POST", ok_status=(302,)),
    RouteCase("cases:batch_approve", Capability.DECIDE_CASES, method="POST", ok_status=(302,)),
    RouteCase("cases:quotas", Capability.MANAGE_QUOTAS),
)
