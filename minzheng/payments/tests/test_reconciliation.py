"""应发 vs 实发 through the real services: rosters approved and returned by the bank, failures reissued or paid by
hand, back pay, stops dated in the past and quarterly cycles, month by month and for a township at once."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from minzheng.benefits import services as benefits
from minzheng.cases.models import Benefit
from minzheng.core.testing.personas import COUNTY, TOWNSHIP_A, TOWNSHIP_B
from minzheng.payments import reconciliation, selectors, services
from minzheng.payments.models import PaymentStatus, Reissue, RosterLine
from minzheng.payments.reconciliation import BEFORE, OPEN, SETTLED
from minzheng.payments.tests.factories import approved_cycle, approved_dibao, bank_result
from minzheng.policy.services import policy_version_create

pytestmark = pytest.mark.django_db

D840 = Decimal("840.00")


def months(
    benefit: Benefit, first: date, last: date
) -> list[tuple[str, Decimal, Decimal, Decimal | None, str]]:
    figures = reconciliation.benefit_figures(benefit_id=benefit.pk, first=first, last=last)
    return [(f"{m.month:%Y-%m}", m.due, m.issued, m.difference, m.state) for m in figures.months]


def differing(region: str, first: date, last: date) -> dict[int, Decimal]:
    return {
        f.benefit_id: f.difference
        for f in reconciliation.scope_differences(region_code=region, first=first, last=last)
    }


def failed_line(cycle: Any, benefit: Benefit) -> RosterLine:
    line = RosterLine.objects.get(cycle=cycle, benefit=benefit)
    assert line.status == PaymentStatus.FAILED
    return line


def test_paid_months_show_no_difference_and_a_returned_line_shows_one_until_it_is_reissued(
    personas: dict[str, Any],
) -> None:
    benefit, other = approved_dibao(personas), approved_dibao(personas)  # 840 a month from 2025-04
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)))
    may = bank_result(personas, approved_cycle(personas, date(2025, 5, 1)), failed={benefit.pk})
    assert months(benefit, date(2025, 4, 1), date(2025, 5, 1)) == [
        ("2025-04", Decimal("840"), D840, 0, SETTLED),
        ("2025-05", Decimal("840"), 0, Decimal("840"), SETTLED),
    ]
    assert differing(TOWNSHIP_A, date(2025, 1, 1), date(2025, 5, 1)) == {benefit.pk: Decimal("840")}
    services.failure_handle(
        actor=personas["township_a_clerk"], line=failed_line(may, benefit), how=Reissue.NEXT_CYCLE
    )
    # sent to the next cycle but not yet paid in one: still a difference
    assert differing(TOWNSHIP_A, date(2025, 1, 1), date(2025, 5, 1)) == {benefit.pk: Decimal("840")}
    june = approved_cycle(personas, date(2025, 6, 1))
    assert RosterLine.objects.get(cycle=june, benefit=benefit).reissue_amount == D840
    assert differing(TOWNSHIP_A, date(2025, 1, 1), date(2025, 6, 1)) == {}
    # the reissue is counted for May, not a second time for June
    assert months(benefit, date(2025, 5, 1), date(2025, 6, 1)) == [
        ("2025-05", Decimal("840"), D840, 0, SETTLED),
        ("2025-06", Decimal("840"), D840, 0, SETTLED),
    ]
    assert (
        reconciliation.paid_for(benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2025, 6, 1)) == D840
    )
    bank_result(personas, june)  # the bank confirms June: May's money has now reached the household
    assert reconciliation.paid_for(
        benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2025, 6, 1)
    ) == Decimal("2520.00")
    assert other.pk not in differing(TOWNSHIP_A, date(2025, 1, 1), date(2025, 6, 1))


def test_a_failed_line_paid_by_hand_is_paid(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)
    april = bank_result(personas, approved_cycle(personas, date(2025, 4, 1)), failed={benefit.pk})
    services.failure_handle(
        actor=personas["township_a_clerk"],
        line=failed_line(april, benefit),
        how=Reissue.MANUAL,
        note="2025-05-06 乡镇现金发放，户主签收",
    )
    assert differing(TOWNSHIP_A, date(2025, 4, 1), date(2025, 4, 1)) == {}
    assert (
        reconciliation.paid_for(benefit_id=benefit.pk, first=date(2025, 4, 1), last=date(2025, 4, 1)) == D840
    )


def test_months_before_the_first_roster_and_after_the_last_approved_one_are_not_differences(
    personas: dict[str, Any],
) -> None:
    benefit = approved_dibao(personas)  # from 2025-04; the system's first roster is June
    approved_cycle(personas, date(2025, 6, 1))
    services.cycle_generate(
        actor=personas["township_a_clerk"],
        region_code=TOWNSHIP_A,
        programs=["dibao"],
        period_start=date(2025, 7, 1),
    )  # a draft pays nothing and settles nothing
    assert months(benefit, date(2025, 4, 1), date(2025, 8, 1)) == [
        ("2025-04", Decimal("840"), 0, None, BEFORE),
        ("2025-05", Decimal("840"), 0, None, BEFORE),
        ("2025-06", Decimal("840"), D840, 0, SETTLED),  # approved, the bank's result not in yet: issued
        ("2025-07", Decimal("840"), 0, None, OPEN),
        ("2025-08", Decimal("840"), 0, None, OPEN),
    ]
    assert differing(COUNTY, date(2025, 1, 1), date(2025, 8, 1)) == {}


def test_a_month_skipped_between_rosters_is_paid_back_by_the_next_one(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)
    approved_cycle(personas, date(2025, 4, 1))
    june = approved_cycle(personas, date(2025, 6, 1))  # no May roster: June pays May back (DB-29)
    assert RosterLine.objects.get(cycle=june, benefit=benefit).arrears_amount == D840
    assert months(benefit, date(2025, 5, 1), date(2025, 6, 1)) == [
        ("2025-05", Decimal("840"), D840, 0, SETTLED),
        ("2025-06", Decimal("840"), D840, 0, SETTLED),
    ]
    assert differing(TOWNSHIP_A, date(2025, 4, 1), date(2025, 6, 1)) == {}


def test_back_pay_equals_the_difference_of_the_months_it_covers(personas: dict[str, Any]) -> None:
    approved_dibao(personas)
    approved_cycle(personas, date(2025, 4, 1))
    approved_cycle(personas, date(2025, 5, 1))
    late = approved_dibao(personas)  # decided for April, after April's and May's rosters were approved
    before = reconciliation.benefit_figures(benefit_id=late.pk, first=date(2025, 4, 1), last=date(2025, 5, 1))
    assert [m.difference for m in before.months] == [Decimal("840"), Decimal("840")]
    june = approved_cycle(personas, date(2025, 6, 1))
    line = RosterLine.objects.get(cycle=june, benefit=late)
    assert (line.months_from, line.arrears_amount) == (date(2025, 4, 1), before.difference)
    assert differing(TOWNSHIP_A, date(2025, 4, 1), date(2025, 6, 1)) == {}


def test_what_back_pay_leaves_beyond_the_policys_limit_is_listed_as_a_shortfall(
    personas: dict[str, Any],
) -> None:
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "payments.arrears_max_months": 1},
        note="补发最多追溯 1 个月",
    )
    approved_dibao(personas)
    approved_cycle(personas, date(2025, 4, 1))
    approved_cycle(personas, date(2025, 5, 1))
    late = approved_dibao(
        personas
    )  # owed April and May; the policy lets the roster reach back one month only
    june = approved_cycle(personas, date(2025, 6, 1))
    line = RosterLine.objects.get(cycle=june, benefit=late)
    # the month inside the limit is paid back, though the benefit started before it
    assert (line.months_from, line.arrears_amount) == (date(2025, 5, 1), D840)
    figures = reconciliation.benefit_figures(
        benefit_id=late.pk, first=date(2025, 4, 1), last=date(2025, 6, 1)
    )
    # "须人工核实后另行处理": April, beyond the limit, is the list to work from
    assert [(m.month, m.difference) for m in figures.differing] == [(date(2025, 4, 1), Decimal("840"))]
    assert differing(TOWNSHIP_A, date(2025, 4, 1), date(2025, 6, 1)) == {late.pk: Decimal("840")}


def test_a_benefit_older_than_the_limit_gets_back_pay_for_a_month_no_roster_paid(
    personas: dict[str, Any],
) -> None:
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "payments.arrears_max_months": 1},
        note="补发最多追溯 1 个月",
    )
    benefit = approved_dibao(personas)  # from 2025-04, paid April to July
    for month in (4, 5, 6, 7):
        approved_cycle(personas, date(2025, month, 1))
    september = approved_cycle(personas, date(2025, 9, 1))  # no August roster
    line = RosterLine.objects.get(cycle=september, benefit=benefit)
    assert (line.months_from, line.regular_amount, line.arrears_amount) == (date(2025, 8, 1), D840, D840)
    assert differing(TOWNSHIP_A, date(2025, 4, 1), date(2025, 9, 1)) == {}


def test_a_stop_dated_back_after_payment_shows_the_overpayment(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)
    for month in (4, 5, 6):
        bank_result(personas, approved_cycle(personas, date(2025, month, 1)))
    benefits.benefit_stop(
        actor=personas["county_approver"], benefit=benefit, reason="已迁出本县", month=date(2025, 6, 1)
    )
    assert months(benefit, date(2025, 5, 1), date(2025, 6, 1)) == [
        ("2025-05", Decimal("840"), D840, 0, SETTLED),
        ("2025-06", 0, D840, Decimal("-840.00"), SETTLED),
    ]
    assert differing(TOWNSHIP_A, date(2025, 1, 1), date(2025, 6, 1)) == {benefit.pk: Decimal("-840.00")}


def test_a_quarterly_line_is_spread_over_its_three_months(personas: dict[str, Any]) -> None:
    benefit = approved_dibao(personas)
    policy_version_create(
        actor=personas["county_admin"],
        region_code=COUNTY,
        effective_from=date(2025, 1, 1),
        values={"procedure.complaint_phone": "0830-8888888", "payments.quarterly_programs": ["dibao"]},
        note="按季发放",
    )
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)))
    assert months(benefit, date(2025, 4, 1), date(2025, 7, 1)) == [
        ("2025-04", Decimal("840"), D840, 0, SETTLED),
        ("2025-05", Decimal("840"), D840, 0, SETTLED),
        ("2025-06", Decimal("840"), D840, 0, SETTLED),
        ("2025-07", Decimal("840"), 0, None, OPEN),
    ]


def test_a_township_sees_only_its_own_differences(
    personas: dict[str, Any], django_assert_num_queries: Any
) -> None:
    mine = approved_dibao(personas)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)), failed={mine.pk})
    with django_assert_num_queries(4):  # cycles, benefits, history, lines: whatever the size of the scope
        assert (
            len(
                list(
                    reconciliation.scope_figures(
                        region_code=COUNTY, first=date(2025, 1, 1), last=date(2025, 4, 1)
                    )
                )
            )
            == 1
        )
    assert differing(TOWNSHIP_A, date(2025, 4, 1), date(2025, 4, 1)) == {mine.pk: Decimal("840")}
    assert differing(TOWNSHIP_B, date(2025, 4, 1), date(2025, 4, 1)) == {}
    assert differing(COUNTY, date(2025, 4, 1), date(2025, 4, 1)) == {mine.pk: Decimal("840")}


# —— the pages ————————————————————————————————————————————————————————————————————————————————————


def test_the_report_lists_a_returned_line_with_its_household_and_the_workbook_has_it_as_text(
    personas: dict[str, Any], client_for: Any
) -> None:
    from django.urls import reverse
    from python_calamine import CalamineWorkbook

    benefit, other = approved_dibao(personas), approved_dibao(personas)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)), failed={benefit.pk})
    url = reverse("payments:reconciliation") + "?first=2025-01&last=2025-04"
    for who in ("county_admin", "county_approver", "auditor", "township_a_head", "township_a_clerk"):
        page = client_for(who).get(url).content.decode()
        assert "1 项待遇有差额" in page, who
        assert reverse("registry:household_detail", args=[benefit.household_id]) in page
        assert reverse("registry:household_detail", args=[other.household_id]) not in page
    assert "没有差额" in client_for("township_b_clerk").get(url).content.decode()
    response = client_for("auditor").get(url + "&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    row = sheet[2]
    assert row[1] == benefit.region_id and isinstance(row[1], str)  # a code stays text
    assert (row[4], row[7], row[8]) == ("2025-04", 840.0, str(benefit.pk))


def test_the_report_defaults_to_this_year_through_the_last_approved_roster(
    personas: dict[str, Any], client_for: Any
) -> None:
    from django.urls import reverse

    benefit = approved_dibao(personas)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)), failed={benefit.pk})
    page = client_for("township_a_clerk").get(reverse("payments:reconciliation")).content.decode()
    assert "2025-01 至 2025-04：1 项待遇有差额" in page


def test_the_report_reads_a_fixed_number_of_queries(personas: dict[str, Any], client_for: Any) -> None:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    first = approved_dibao(personas)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)), failed={first.pk})
    url = reverse("payments:reconciliation") + "?first=2025-01&last=2025-06"
    county = client_for("county_admin")
    county.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as few:
        assert "1 项待遇有差额" in county.get(url).content.decode()
    more = [approved_dibao(personas) for _i in range(4)]
    may = bank_result(personas, approved_cycle(personas, date(2025, 5, 1)), failed={b.pk for b in more})
    services.failure_handle(
        actor=personas["township_a_clerk"], line=failed_line(may, more[0]), how=Reissue.NEXT_CYCLE
    )
    approved_cycle(personas, date(2025, 6, 1))
    reset_queries()
    with CaptureQueriesContext(connection) as many:
        assert "4 项待遇有差额" in county.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"][:80] for q in many.captured_queries
    ]


def test_the_household_page_shows_due_paid_and_difference_under_the_payment_history(
    personas: dict[str, Any], client_for: Any
) -> None:
    from django.urls import reverse

    benefit = approved_dibao(personas)
    bank_result(personas, approved_cycle(personas, date(2025, 4, 1)))
    may = bank_result(personas, approved_cycle(personas, date(2025, 5, 1)), failed={benefit.pk})
    tables = selectors.household_reconciliation(benefit.household_id, date(2025, 4, 1), date(2025, 5, 20))
    assert [(f"{m.month:%Y-%m}", m.due, m.issued, m.difference) for m in tables[0]["months"]] == [
        ("2025-04", Decimal("840"), D840, 0),
        ("2025-05", Decimal("840"), 0, Decimal("840")),
    ]
    assert (tables[0]["figures"].due, tables[0]["figures"].issued) == (Decimal("1680"), D840)
    services.failure_handle(
        actor=personas["township_a_clerk"],
        line=failed_line(may, benefit),
        how=Reissue.MANUAL,
        note="现金发放",
    )
    tables = selectors.household_reconciliation(benefit.household_id, date(2025, 4, 1), date(2025, 5, 20))
    assert tables[0]["figures"].difference == 0
    page = client_for("township_a_clerk").get(
        reverse("registry:household_detail", args=[benefit.household_id])
    )
    html = page.content.decode()
    assert 'data-testid="household-reconciliation"' in html
    assert html.index('data-testid="household-payments"') < html.index(
        'data-testid="household-reconciliation"'
    )


def _paid_line(pk: int, start: date, months: int, amount: str) -> reconciliation.Line:
    return reconciliation.Line(
        pk, pk, start, months, start, Decimal(amount), Decimal("0"), PaymentStatus.PAID, "", None
    )


@pytest.mark.parametrize(
    ("period", "first_month", "due_months"),
    [
        # confirmed in December: due in March and June (every 3rd month), one line in each quarter's roster
        ("quarterly", date(2025, 12, 1), ["2026-03", "2026-06"]),
        # confirmed in February: due once a year, in February, paid by the first quarter's roster
        ("yearly", date(2025, 2, 1), ["2026-02"]),
    ],
)
def test_a_quarterly_or_yearly_benefit_is_due_in_its_payment_months_and_its_lines_settle_them(
    period: str, first_month: date, due_months: list[str]
) -> None:
    lines = [_paid_line(1, date(2026, 1, 1), 3, "4500"), _paid_line(2, date(2026, 4, 1), 3, "4500")][
        : len(due_months)
    ]
    result = reconciliation.benefit_months(
        period=period,
        first_month=first_month,
        history=[(first_month, Decimal("4500"))],
        lines=lines,
        window=(date(2026, 1, 1), date(2026, 6, 1)),
        first=date(2026, 1, 1),
        last=date(2026, 6, 1),
    )
    assert [f"{m.month:%Y-%m}" for m in result if m.due] == due_months
    assert all(m.due == m.issued and m.difference == 0 for m in result)
