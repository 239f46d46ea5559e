from datetime import date
from typing import Any

from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import TOWNSHIP_A, TOWNSHIP_B


def _cycle(township: str, *, exported: bool = False) -> Any:
    """A cycle of the township made through the services (no benefits needed: an empty roster is a roster)."""

    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from minzheng.payments import bankfiles, services

        clerk = personas["township_a_clerk" if township == TOWNSHIP_A else "township_b_clerk"]
        cycle = services.cycle_generate(
            actor=clerk, region_code=township, programs=["dibao"], period_start=date(2025, 4, 1)
        )
        if not exported:
            return {"pk": cycle.pk}
        services.cycle_confirm_checked(actor=clerk, cycle=cycle)
        services.cycle_approve(actor=personas["county_approver"], cycle=cycle)
        template = bankfiles.templates_for(township)[0]
        record = bankfiles.bank_file_export(actor=clerk, cycle=cycle, template=template)
        return {"pk": record.pk}

    return build


register(
    RouteCase("payments:index", Capability.VIEW_PAYMENTS),
    RouteCase("payments:templates", Capability.VIEW_PAYMENTS),
    RouteCase("payments:reconciliation", Capability.VIEW_PAYMENTS),
    RouteCase(
        "payments:cycle",
        Capability.VIEW_PAYMENTS,
        targets=(
            Target("cycle of township A", TOWNSHIP_A, _cycle(TOWNSHIP_A)),
            Target("cycle of township B", TOWNSHIP_B, _cycle(TOWNSHIP_B)),
        ),
    ),
    RouteCase(
        "payments:export_download",
        Capability.DOWNLOAD_BANK_FILES,
        targets=(
            Target("bank file of township A", TOWNSHIP_A, _cycle(TOWNSHIP_A, exported=True)),
            Target("bank file of township B", TOWNSHIP_B, _cycle(TOWNSHIP_B, exported=True)),
        ),
    ),
)
