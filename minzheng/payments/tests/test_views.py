"""The payment pages as a clerk and the county use them: generate in the background, fix what the checks flag,
approve, export, import the bank's return, and see it all on the household page."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import xlsxwriter
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from minzheng.audit.models import AuditEvent
from minzheng.core.models import Job
from minzheng.core.testing.personas import TOWNSHIP_A
from minzheng.payments.models import BankExport, CycleState, PayCycle, PaymentStatus, RosterLine
from minzheng.payments.tasks import build_cycle_task, check_task, export_task
from minzheng.payments.tests.factories import approved_dibao

pytestmark = pytest.mark.django_db


def _generate(client: Any, month: str = "2025-04") -> PayCycle:
    response = client.post(
        reverse("payments:index"), {"region": TOWNSHIP_A, "programs": ["dibao"], "month": month}
    )
    job = Job.objects.order_by("-pk").first()
    assert job is not None and response.status_code == 302
    assert response["Location"] == reverse("core:job", kwargs={"pk": job.pk})
    build_cycle_task.call(job.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    return PayCycle.objects.get(pk=job.params["cycle"])


def _check(client: Any, cycle: PayCycle) -> Job:
    """核对无误 runs the checks again in the background: post, then do what the worker does."""
    response = client.post(reverse("payments:cycle", args=[cycle.pk]), {"action": "checked"})
    job = Job.objects.order_by("-pk").first()
    assert job is not None and response["Location"] == reverse("core:job", kwargs={"pk": job.pk})
    check_task.call(job.pk)
    job.refresh_from_db()
    return job


def test_the_whole_round_from_generation_to_the_returned_failures(
    personas: dict[str, Any], client_for: Any, settings: Any
) -> None:
    ok = [approved_dibao(personas) for _i in range(3)]
    missing = approved_dibao(personas, account="")
    clerk, county = client_for("township_a_clerk"), client_for("county_approver")

    cycle = _generate(clerk)
    page = clerk.get(reverse("payments:cycle", args=[cycle.pk])).content.decode()
    assert "1 个问题须处理" in page and "未登记银行账号" in page
    job = _check(clerk, cycle)
    assert job.status == Job.Status.FAILED and "1 个必须处理的问题" in job.error
    assert "1 个必须处理的问题" in clerk.get(reverse("core:job", kwargs={"pk": job.pk})).content.decode()
    # fix the account on the household page's form, then generate again
    from minzheng.payments.tests.factories import set_account

    set_account(personas, missing.household, "6228480402564890018")
    clerk.post(reverse("payments:cycle", args=[cycle.pk]), {"action": "regenerate"})
    build_cycle_task.call(Job.objects.order_by("-pk").first().pk)  # type: ignore[union-attr]
    assert _check(clerk, cycle).status == Job.Status.DONE
    assert clerk.post(reverse("payments:cycle", args=[cycle.pk]), {"action": "approve"}).status_code == 403
    county.post(reverse("payments:cycle", args=[cycle.pk]), {"action": "approve"})
    cycle.refresh_from_db()
    assert cycle.state == CycleState.APPROVED and cycle.line_count == 4

    page = clerk.get(reverse("payments:cycle", args=[cycle.pk])).content.decode()
    template_id = page.split("通用 Excel")[0].rsplit('<option value="', 1)[1].split('"')[0]
    clerk.post(reverse("payments:cycle", args=[cycle.pk]), {"action": "export", "template": template_id})
    export_task.call(Job.objects.order_by("-pk").first().pk)  # type: ignore[union-attr]
    record = BankExport.objects.get(cycle=cycle)
    page = clerk.get(reverse("payments:cycle", args=[cycle.pk])).content.decode()
    assert "控制数：4 笔，合计 3360.00 元" in page
    download = clerk.get(reverse("payments:export_download", args=[record.pk]))
    content = b"".join(download.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert len(rows) == 6 and rows[-1][0] == "合计 4 笔"
    assert AuditEvent.objects.filter(event_code="payments.bank_file_downloaded").count() == 1

    # the bank returns three failures
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [*rows[0], "结果", "失败原因"])
    for index, row in enumerate(rows[1:-1], start=1):
        sheet.write_row(
            index, 0, [*row, "失败" if index <= 3 else "成功", "账号已冻结" if index <= 3 else ""]
        )
    book.close()
    upload = io.BytesIO(out.getvalue())
    upload.name = "回盘.xlsx"
    response = clerk.post(
        reverse("payments:cycle", args=[cycle.pk]), {"action": "return", "file": upload}, follow=True
    )
    assert "成功 1 笔，失败 3 笔" in response.content.decode()
    failed = RosterLine.objects.filter(cycle=cycle, status=PaymentStatus.FAILED)
    for line in failed:
        clerk.post(
            reverse("payments:cycle", args=[cycle.pk]), {"action": "failure", "line": line.pk, "how": "next"}
        )
    index = clerk.get(reverse("payments:index")).content.decode()
    assert "待重发" in index and "账号已冻结" in index
    may = _generate(clerk, "2025-05")
    assert RosterLine.objects.filter(cycle=may, reissue_amount__gt=0).count() == 3
    household = clerk.get(reverse("registry:household_detail", args=[ok[0].household_id])).content.decode()
    assert "发放记录" in household and "2025-04" in household


def test_a_bad_return_file_shows_its_errors_and_changes_nothing(
    personas: dict[str, Any], client_for: Any
) -> None:
    approved_dibao(personas)
    clerk = client_for("township_a_clerk")
    cycle = _generate(clerk)
    _check(clerk, cycle)
    client_for("county_approver").post(reverse("payments:cycle", args=[cycle.pk]), {"action": "approve"})
    from minzheng.payments import bankfiles

    bankfiles.bank_file_export(
        actor=personas["township_a_clerk"], cycle=cycle, template=bankfiles.templates_for(TOWNSHIP_A)[0]
    )
    upload = io.BytesIO("流水号,金额,结果\n123456,1.00,成功\n".encode("gb18030"))
    upload.name = "r.csv"
    response = clerk.post(
        reverse("payments:cycle", args=[cycle.pk]), {"action": "return", "file": upload}, follow=True
    )
    page = response.content.decode()
    assert "未导入任何记录" in page and "第 2 行" in page
    assert not RosterLine.objects.exclude(status=PaymentStatus.PENDING).exists()


def test_the_lists_read_a_fixed_number_of_queries(personas: dict[str, Any], client_for: Any) -> None:
    for _i in range(2):
        approved_dibao(personas)
    clerk = client_for("township_a_clerk")
    cycle = _generate(clerk)
    clerk.get(reverse("payments:cycle", args=[cycle.pk]))
    reset_queries()  # the log holds 9,000 queries: a full one captures nothing
    with CaptureQueriesContext(connection) as few:
        clerk.get(reverse("payments:cycle", args=[cycle.pk]))
    for _i in range(3):
        approved_dibao(personas)
    _generate(clerk)
    reset_queries()  # the log holds 9,000 queries: a full one captures nothing
    with CaptureQueriesContext(connection) as more:
        clerk.get(reverse("payments:cycle", args=[cycle.pk]))
    assert len(more.captured_queries) == len(few.captured_queries)
    reset_queries()  # the log holds 9,000 queries: a full one captures nothing
    with CaptureQueriesContext(connection) as listing:
        clerk.get(reverse("payments:index"))
    _generate(clerk, "2025-05")
    reset_queries()  # the log holds 9,000 queries: a full one captures nothing
    with CaptureQueriesContext(connection) as longer:
        clerk.get(reverse("payments:index"))
    assert len(longer.captured_queries) == len(listing.captured_queries), [
        q["sql"][:80] for q in longer.captured_queries
    ]


def test_the_county_admin_keeps_the_bank_templates(personas: dict[str, Any], client_for: Any) -> None:
    admin = client_for("county_admin")
    page = admin.get(reverse("payments:templates")).content.decode()
    assert "通用 Excel" in page and "农商银行代发 CSV(GB18030)" in page
    response = admin.post(
        reverse("payments:templates"),
        {
            "name": "建行代发",
            "file_format": "csv",
            "encoding": "utf-8-sig",
            "columns": "account_number=卡号\nnope\n",
            "totals_row": "on",
        },
    )
    assert "没有“nope”这一列" in response.content.decode()
    admin.post(
        reverse("payments:templates"),
        {
            "name": "建行代发",
            "file_format": "csv",
            "encoding": "utf-8-sig",
            "columns": "account_number=卡号\namount=金额",
            "totals_row": "on",
        },
    )
    assert "建行代发" in admin.get(reverse("payments:templates")).content.decode()
    clerk = client_for("township_a_clerk")
    assert "?edit=" not in clerk.get(reverse("payments:templates")).content.decode()
    assert clerk.post(reverse("payments:templates"), {"name": "x"}).status_code == 404


def test_messages_are_english_when_the_user_reads_english(personas: dict[str, Any], client_for: Any) -> None:
    from django.utils import translation

    from minzheng.core.errors import ConflictError
    from minzheng.payments import services

    approved_dibao(personas)
    cycle = services.cycle_generate(
        actor=personas["township_a_clerk"],
        region_code=TOWNSHIP_A,
        programs=["dibao"],
        period_start=date(2025, 4, 1),
    )
    with translation.override("en"), pytest.raises(ConflictError) as caught:
        services.cycle_approve(actor=personas["county_approver"], cycle=cycle)
    assert "cannot" in str(caught.value.message).lower()


def _exported_cycle(personas: dict[str, Any]) -> tuple[PayCycle, BankExport]:
    from minzheng.payments import bankfiles, services

    clerk = personas["township_a_clerk"]
    cycle = services.cycle_generate(
        actor=clerk, region_code=TOWNSHIP_A, programs=["dibao"], period_start=date(2025, 4, 1)
    )
    services.cycle_confirm_checked(actor=clerk, cycle=cycle)
    services.cycle_approve(actor=personas["county_approver"], cycle=cycle)
    record = bankfiles.bank_file_export(
        actor=clerk, cycle=cycle, template=bankfiles.templates_for(TOWNSHIP_A)[0]
    )
    return cycle, record


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("township_a_clerk", True),
        ("county_admin", True),
        ("county_approver", True),
        ("auditor", False),
        ("township_a_head", False),
    ],
)
def test_only_those_who_prepare_or_approve_payments_download_the_bank_file(
    personas: dict[str, Any], client_for: Any, persona: str, allowed: bool
) -> None:
    cycle, record = _exported_cycle(personas)
    client = client_for(persona)
    response = client.get(reverse("payments:export_download", args=[record.pk]))
    assert response.status_code == (200 if allowed else 403)
    downloads = AuditEvent.objects.filter(event_code="payments.bank_file_downloaded", actor=personas[persona])
    assert downloads.count() == (1 if allowed else 0)
    page = client.get(reverse("payments:cycle", args=[cycle.pk])).content.decode()
    link = reverse("payments:export_download", args=[record.pk])
    assert (link in page) is allowed and record.download_name in page


def test_the_cycle_and_household_pages_mask_bank_accounts_for_roles_that_see_ids_masked(
    personas: dict[str, Any], client_for: Any
) -> None:
    number = "6228480402564890018"
    benefit = approved_dibao(personas, account=number)
    cycle, _record = _exported_cycle(personas)
    household_url = reverse("registry:household_detail", args=[benefit.household_id])
    for persona in ("township_a_head", "auditor", "county_admin"):
        client = client_for(persona)
        for url in (reverse("payments:cycle", args=[cycle.pk]), household_url):
            page = client.get(url).content.decode()
            assert number not in page and "***************0018" in page, (persona, url)
    clerk = client_for("township_a_clerk")
    assert number in clerk.get(household_url).content.decode()
    assert number in clerk.get(reverse("payments:cycle", args=[cycle.pk])).content.decode()


def test_a_note_typed_with_a_bidirectional_override_is_refused_and_nothing_recorded(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.payments import bankfiles
    from minzheng.payments.models import Reissue
    from minzheng.payments.tests.test_bankfiles import _two_line_cycle

    cycle, first, second = _two_line_cycle(personas)
    content = f"流水号,金额,结果,失败原因\n{first.pk},840.00,成功,\n{second.pk},840.00,失败,已销户\n".encode()
    bankfiles.bank_return_import(
        actor=personas["township_a_clerk"], cycle=cycle, file_name="r.csv", content=content
    )
    response = client_for("township_a_clerk").post(
        reverse("payments:cycle", args=[cycle.pk]),
        {"action": "failure", "line": second.pk, "how": Reissue.MANUAL, "note": "现金\u202e已领"},
        follow=True,
    )
    assert "U+202E" in response.content.decode()
    second.refresh_from_db()
    assert second.reissue == "" and "\u202e" not in second.failure_reason
