"""The case pages: filing from a household, acting on a case, the clock, letters, and the role negatives."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from minzheng.cases.models import Application, Status
from minzheng.cases.tests.factories import poor_household, submit, to_checked, to_notice_ended
from minzheng.registry.models import Relation

pytestmark = pytest.mark.django_db


def test_a_village_officer_files_an_application_from_the_household(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = poor_household(personas)
    url = reverse("cases:new", kwargs={"household": household.pk})
    client = client_for("village_a1_officer")
    assert client.get(url).status_code == 200
    head = household.members.get(relation=Relation.HEAD)
    response = client.post(url, {"program": "dibao", "applicant": head.pk, "reason": "收入低"})
    case = Application.objects.get(household=household)
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", kwargs={"pk": case.pk}
    )
    assert case.filed_by == personas["village_a1_officer"] and case.status == Status.APPLIED


def test_a_proxy_application_without_the_entrustment_comes_back_with_the_reason(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = poor_household(personas)
    head = household.members.get(relation=Relation.HEAD)
    response = client_for("township_a_clerk").post(
        reverse("cases:new", kwargs={"household": household.pk}),
        {"program": "dibao", "applicant": head.pk, "on_behalf": "on", "proxy_name": "王村长"},
    )
    assert response.status_code == 400 and "委托书" in response.content.decode()
    assert not Application.objects.exists()


def test_the_clerk_accepts_and_the_page_shows_the_clock(personas: dict[str, Any], client_for: Any) -> None:
    case = submit(personas, poor_household(personas))
    client = client_for("township_a_clerk")
    response = client.post(reverse("cases:action", kwargs={"pk": case.pk, "action": "accept"}))
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "开始入户调查" in page and "DB-21" in page and "办结(30 个工作日)" in page


def test_a_village_officer_cannot_accept_or_decide(personas: dict[str, Any], client_for: Any) -> None:
    case = submit(personas, poor_household(personas))
    client = client_for("village_a1_officer")
    assert client.post(reverse("cases:action", kwargs={"pk": case.pk, "action": "accept"})).status_code == 403
    assert Application.objects.get(pk=case.pk).status == Status.APPLIED


def test_the_other_townships_clerk_gets_404(personas: dict[str, Any], client_for: Any) -> None:
    case = submit(personas, poor_household(personas))
    client = client_for("township_b_clerk")
    assert client.get(reverse("cases:detail", kwargs={"pk": case.pk})).status_code == 404
    assert client.post(reverse("cases:action", kwargs={"pk": case.pk, "action": "accept"})).status_code == 404


def test_a_visit_by_one_person_comes_back_with_the_rule(personas: dict[str, Any], client_for: Any) -> None:
    case = submit(personas, poor_household(personas))
    client = client_for("township_a_clerk")
    client.post(reverse("cases:action", kwargs={"pk": case.pk, "action": "accept"}))
    response = client.post(
        reverse("cases:action", kwargs={"pk": case.pk, "action": "investigate"}),
        {
            "investigate-visited_on": timezone.localdate().isoformat(),
            "investigate-staff": [personas["township_a_clerk"].pk],
            "investigate-methods": ["home_visit"],
            "investigate-members_present": "户主",
            "investigate-member_signed": "on",
            "investigate-findings": "无",
        },
    )
    assert response.status_code == 400 and "至少 2 名" in response.content.decode()
    assert Application.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_the_county_approves_on_the_page(personas: dict[str, Any], client_for: Any) -> None:
    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    response = client_for("county_approver").post(
        reverse("cases:action", kwargs={"pk": case.pk, "action": "decide"}), {"decide-approve": "yes"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.APPROVED and case.approved_amount == 840


def test_the_refusal_letter_is_a_pdf_with_reasons_and_remedies(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.cases import services
    from minzheng.cases.letters import build_letter

    case = to_notice_ended(personas, submit(personas, poor_household(personas)))
    services.application_decide(
        actor=personas["county_approver"], application=case, approve=False, reasons="人均收入高于低保标准。"
    )
    case.refresh_from_db()
    letter = build_letter(case, "refusal")
    assert "人均收入高于低保标准。" in letter.paragraphs and "行政复议" in letter.footer
    assert letter.issuer == "泸县民政局"  # the county decided
    response = client_for("township_a_clerk").get(
        reverse("cases:letter", kwargs={"pk": case.pk, "kind": "refusal"})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_refusal_letter_for_a_resident_with_a_rare_name_character_prints_the_name(
    personas: dict[str, Any], client_for: Any
) -> None:
    """𡘙 (CJK Extension B) is not in Noto Sans SC: the letter draws it from the fallback font, never refuses."""
    import shutil
    import subprocess

    from minzheng.cases import services

    case = to_notice_ended(personas, submit(personas, poor_household(personas, head_name="𡘙琳")))
    services.application_decide(
        actor=personas["county_approver"], application=case, approve=False, reasons="人均收入高于低保标准。"
    )
    response = client_for("township_a_clerk").get(
        reverse("cases:letter", kwargs={"pk": case.pk, "kind": "refusal"})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "𡘙琳：" in text.replace(" ", "")
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True, check=True)
    assert b"HanaMinB" in fonts.stdout


def test_the_review_page_shows_the_engine_decision(personas: dict[str, Any], client_for: Any) -> None:
    case = to_checked(personas, submit(personas, poor_household(personas)))
    client = client_for("township_a_head")
    response = client.post(
        reverse("cases:action", kwargs={"pk": case.pk, "action": "review"}),
        {"review-agree": "yes", "review-opinion": ""},
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "3 × 580 − 900.00 = 840.00" in page


def test_todo_lists_what_waits_for_each_role_most_urgent_first(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.cases.selectors import todo_items

    old = submit(personas, poor_household(personas))
    from minzheng.cases import services

    services.application_accept(actor=personas["township_a_clerk"], application=old, today=date(2025, 3, 3))
    submit(personas, poor_household(personas))
    items = todo_items(personas["township_a_clerk"])
    assert (
        len(items) == 2 and items[0].due is not None
    )  # the accepted case has a deadline, the new one none yet
    assert todo_items(personas["county_approver"]) == []


def test_the_case_list_costs_the_same_queries_for_one_case_or_five(
    personas: dict[str, Any], client_for: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("township_a_clerk")
    submit(personas, poor_household(personas))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("cases:index"))
    for _ in range(4):
        submit(personas, poor_household(personas))
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("cases:index"))
    assert len(five) == len(one)  # no query per row


def test_a_temporary_assistance_case_is_filed_with_its_own_facts_and_can_be_reviewed(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.cases import services

    household = poor_household(personas)
    url = reverse("cases:new", kwargs={"household": household.pk})
    page = client_for("township_a_clerk").get(url, {"program": "temporary"}).content.decode()
    assert "临时救助申请事项" in page and "救助事由" in page
    assert "本年度同一事由已救助次数" not in page  # LS-05: read from the household's history at the review
    head = household.members.get(relation=Relation.HEAD)
    response = client_for("township_a_clerk").post(
        url,
        {
            "program": "temporary",
            "applicant": head.pk,
            "r_kind": "expenditure",
            "r_cause": "重病住院",
            "r_assessed_need": "3000",
            "r_forms": '["cash"]',
            "r_prior_grants_same_cause": "0",
        },
    )
    assert response.status_code == 302
    case = Application.objects.get(household=household)
    assert "prior_grants_same_cause" not in case.request_data
    assert case.request_data["cause"] == "重病住院" and case.request_data["assessed_need"] == "3000"
    to_checked(personas, case)
    services.review_record(actor=personas["township_a_head"], application=case, agree=True, opinion="")
    case.refresh_from_db()
    assert case.proposed_amount == 3000


def test_the_visit_form_records_the_visitors_property_finding(
    personas: dict[str, Any], client_for: Any
) -> None:
    case = submit(personas, poor_household(personas))
    client = client_for("township_a_clerk")
    client.post(reverse("cases:action", kwargs={"pk": case.pk, "action": "accept"}))
    response = client.post(
        reverse("cases:action", kwargs={"pk": case.pk, "action": "investigate"}),
        {
            "investigate-visited_on": timezone.localdate().isoformat(),
            "investigate-staff": [personas["township_a_clerk"].pk, personas["village_a1_officer"].pk],
            "investigate-methods": ["home_visit"],
            "investigate-members_present": "户主",
            "investigate-member_signed": "on",
            "investigate-property_finding": "excess",
            "investigate-findings": "家有小轿车一辆",
        },
    )
    assert response.status_code == 302
    visit = Application.objects.get(pk=case.pk).investigations.get()
    assert visit.property_ok is False
    assert "财产超过当地规定" in client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()


def test_the_funeral_subsidy_of_a_member_who_died_is_filed_from_the_household_page(
    personas: dict[str, Any], client_for: Any
) -> None:
    from minzheng.registry import services as registry

    household = poor_household(personas)
    head, spouse = (household.members.get(relation=r) for r in (Relation.HEAD, Relation.SPOUSE))
    registry.member_record_death(
        actor=personas["township_a_clerk"], member=spouse, date_of_death=date(2025, 3, 1)
    )
    url = reverse("cases:new", kwargs={"household": household.pk})
    client = client_for("township_a_clerk")
    form = client.get(url + "?program=funeral_subsidy").content.decode()
    assert f"{spouse.name}(配偶，已故)" in form
    dibao = client.post(
        url, {"program": "dibao", "applicant": head.pk, "subject": spouse.pk, "reason": "困难"}
    )
    assert dibao.status_code == 400 and "救助对象须为该户在世的家庭成员" in dibao.content.decode()
    funeral = client.post(
        url,
        {"program": "funeral_subsidy", "applicant": head.pk, "subject": spouse.pk, "reason": "办理丧事"},
    )
    assert funeral.status_code == 302
    assert Application.objects.get(household=household, program="funeral_subsidy").subject == spouse
