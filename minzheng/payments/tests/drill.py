"""Probes for the SIGKILL drill (test_kill.py): run inside `minzheng shell` against the drill's own database, each
prints one JSON line the test reads."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from minzheng.accounts.models import User
from minzheng.core.errors import DomainError
from minzheng.payments import bankfiles, services
from minzheng.payments.models import BankExport, PayCycle, RosterLine

TOWNSHIP = "510521103"  # 得胜镇


def _cycle() -> PayCycle:
    """The roster the drill builds: next month's (the demo has already paid the twelve months before it)."""
    cycle = PayCycle.objects.filter(region_id=TOWNSHIP, programs="dibao").order_by("-period_start").first()
    assert cycle is not None
    return cycle


def state() -> None:
    """The cycle's state, its lines (how many, how many distinct benefits, their sum) and whether it can be approved."""
    cycle = _cycle()
    lines = RosterLine.objects.filter(cycle=cycle)
    try:
        services.cycle_approve(actor=User.objects.get(username="approver"), cycle=cycle)
        approvable = True
    except DomainError:
        approvable = False
    cycle.refresh_from_db()
    print(
        json.dumps(
            {
                "state": cycle.state,
                "lines": lines.count(),
                "benefits": lines.values("benefit_id").distinct().count(),
                "sum": str(sum((line.amount for line in lines), Decimal("0.00"))),
                "line_count": cycle.line_count,
                "total": str(cycle.total),
                "approvable": approvable,
            }
        )
    )


def expected(month: str) -> None:
    """What the roster must hold, computed the slow way: every 低保 benefit's amount for the month, one by one."""
    from minzheng.benefits.amounts import amount_for_month
    from minzheng.cases.models import Benefit

    year, number = (int(x) for x in month.split("-"))
    amounts = [
        amount_for_month(b, date(year, number, 1))
        for b in Benefit.objects.filter(region__code__startswith=TOWNSHIP, program="dibao")
    ]
    paid = [a for a in amounts if a > 0]
    print(json.dumps({"lines": len(paid), "sum": str(sum(paid, Decimal("0.00")))}))


def approve() -> None:
    """The clerk's part (accounts fixed by a regeneration done by the test) and the county's approval."""
    cycle = _cycle()
    services.cycle_confirm_checked(actor=User.objects.get(username="desheng_clerk"), cycle=cycle)
    services.cycle_approve(actor=User.objects.get(username="approver"), cycle=cycle)
    template = next(t for t in bankfiles.templates_for(TOWNSHIP) if t.file_format == "xlsx")
    print(json.dumps({"cycle": cycle.pk, "template": template.pk}))


def fix_accounts() -> None:
    from minzheng.demo.cases import LEGACY_ACCOUNT, NO_ACCOUNT
    from minzheng.payments.tests.factories import account_number
    from minzheng.registry.models import Household
    from minzheng.registry.services import HouseholdData, household_update

    clerk = User.objects.get(username="desheng_clerk")
    for household in Household.objects.filter(
        head__name__in=[NO_ACCOUNT, LEGACY_ACCOUNT], region__code__startswith=TOWNSHIP
    ):
        household_update(
            actor=clerk,
            household=household,
            data=HouseholdData(
                region_code=household.region_id,
                address=household.address,
                hukou_type=household.hukou_type,
                bank_name="泸县农村商业银行",
                account_holder=household.head.name if household.head else "",
                account_number=account_number(),
            ),
        )
    print(json.dumps({"fixed": 2}))


def exports() -> None:
    cycle = _cycle()
    finished = BankExport.objects.filter(cycle=cycle, finished_at__isnull=False)
    files = sorted(p.name for p in bankfiles.exports_dir().iterdir())
    rows: list[list[Any]] = []
    if finished.exists():
        from python_calamine import CalamineWorkbook

        record = finished.get()
        rows = (
            CalamineWorkbook.from_path(str(bankfiles.exports_dir() / record.stored_name))
            .get_sheet_by_index(0)
            .to_python()
        )
    cycle.refresh_from_db()
    print(
        json.dumps(
            {
                "state": cycle.state,
                "finished": [[e.row_count, str(e.total)] for e in finished],
                "unfinished": BankExport.objects.filter(cycle=cycle, finished_at__isnull=True).count(),
                "partial_files": [f for f in files if f.endswith(".part")],
                "complete_files": [f for f in files if not f.endswith(".part")],
                "file_rows": len(rows) - 2 if rows else 0,
                "file_sum": str(sum((Decimal(str(r[5])) for r in rows[1:-1]), Decimal("0.00")))
                if rows
                else "0",
                "cycle_total": str(cycle.total),
                "line_count": cycle.line_count,
            }
        )
    )
