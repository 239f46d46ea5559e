from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minzheng.audit.models import AuditEvent
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_A2
from minzheng.registry.idnumber import mask_id_number
from minzheng.registry.models import Document, Household, Relation
from minzheng.registry.tests.factories import make_household, make_id

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _member_post(prefix: str, name: str, id_number: str, relation: str) -> dict[str, str]:
    return {
        f"{prefix}-name": name,
        f"{prefix}-id_number": id_number,
        f"{prefix}-relation": relation,
        f"{prefix}-hukou_status": "local",
        f"{prefix}-is_coresident": "on",
        f"{prefix}-work_capacity": "full",
    }


def test_village_officer_adds_a_household_with_three_members_and_a_scan(
    personas: dict[str, Any], client_for: Any
) -> None:
    client = client_for("village_a1_officer")
    data = {
        "hh-region": VILLAGE_A1,
        "hh-address": "白象村三组 8 号",
        "hh-hukou_type": "rural",
        "hh-phone": "13912345678",
    }
    data |= _member_post("head", "王建国", make_id(date(1968, 8, 8), male=True), "head")
    data |= _member_post("m0", "刘桂兰", make_id(date(1970, 9, 9), male=False), "spouse")
    data |= _member_post("m1", "王小明", make_id(date(2012, 6, 1), male=True), "son")
    for i in range(2, 5):
        data |= {f"m{i}-hukou_status": "local", f"m{i}-work_capacity": "full", f"m{i}-is_coresident": "on"}
    response = client.post(reverse("registry:household_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(address="白象村三组 8 号")
    assert household.members.count() == 3
    scan = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 scanned", content_type="application/pdf")
    response = client.post(
        reverse("registry:document_add", kwargs={"pk": household.pk}),
        {"doc_type": "application", "file": scan},
    )
    assert response.status_code == 302
    body = client.get(reverse("registry:household_detail", kwargs={"pk": household.pk})).content.decode()
    assert "申请书.pdf" in body and "王小明" in body and "建立家庭档案" in body and "上传档案材料" in body


def test_bad_rows_on_the_household_form_are_explained(personas: dict[str, Any], client_for: Any) -> None:
    data = {"hh-region": VILLAGE_A1, "hh-address": "地址", "hh-hukou_type": "rural"}
    data |= _member_post("head", "王建国", "510521196808080010", "head")
    response = client_for("township_a_clerk").post(reverse("registry:household_create"), data)
    assert response.status_code == 400
    assert "校验码" in response.content.decode()
    assert not Household.objects.filter(address="地址").exists()


def test_a_renamed_file_of_another_type_is_refused(personas: dict[str, Any], client_for: Any) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client_for("township_a_clerk").post(
        reverse("registry:document_add", kwargs={"pk": household.pk}), {"doc_type": "photo", "file": fake}
    )
    assert response.status_code == 400 and "按文件内容判断" in response.content.decode()
    assert not Document.objects.exists()


def test_documents_are_stored_outside_static_and_downloads_are_audited(
    personas: dict[str, Any], client_for: Any, settings: Any
) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    client = client_for("township_a_clerk")
    client.post(
        reverse("registry:document_add", kwargs={"pk": household.pk}),
        {"doc_type": "photo", "file": SimpleUploadedFile("x.txt", PNG)},
    )
    document = Document.objects.get()
    assert (
        document.content_type == "image/png"
        and document.stored_name.endswith(".png")
        and "x" not in document.stored_name[:-4].replace("", "")[:0]
    )
    stored = settings.VAR_DIR / "documents" / document.stored_name
    assert stored.read_bytes() == PNG and str(settings.STATIC_ROOT) not in str(stored)
    response = client_for("village_a1_officer").get(
        reverse("registry:document_download", kwargs={"pk": document.pk})
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert AuditEvent.objects.filter(
        event_code="registry.document_downloaded", actor=personas["village_a1_officer"]
    ).exists()
    assert (
        client_for("village_a2_officer")
        .get(reverse("registry:document_download", kwargs={"pk": document.pk}))
        .status_code
        == 404
    )


def test_ids_are_full_for_clerks_masked_for_others_and_revealed_with_a_click(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    head = household.head
    assert head is not None
    url = reverse("registry:household_detail", kwargs={"pk": household.pk})
    assert head.id_number in client_for("township_a_clerk").get(url).content.decode()
    body = client_for("village_a1_officer").get(url).content.decode()
    assert head.id_number not in body and mask_id_number(head.id_number) in body
    auditor_body = client_for("auditor").get(url).content.decode()
    assert head.id_number not in auditor_body and "reveal-id" not in auditor_body
    response = client_for("village_a1_officer").post(
        reverse("registry:member_reveal_id", kwargs={"pk": head.pk}), HTTP_HX_REQUEST="true"
    )
    assert head.id_number in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            event_code="registry.id_revealed", actor=personas["village_a1_officer"]
        ).count()
        == 1
    )


def test_search_page_finds_by_pinyin_initials(personas: dict[str, Any], client_for: Any) -> None:
    make_household(personas["township_a_clerk"], VILLAGE_A1)
    body = client_for("township_a_clerk").get(reverse("registry:index"), {"q": "zsf"}).content.decode()
    assert "张三丰" in body and "李秀英" not in body


def test_list_and_detail_query_counts_do_not_grow(personas: dict[str, Any], client_for: Any) -> None:
    clerk = personas["township_a_clerk"]
    client = client_for("township_a_clerk")
    first = make_household(clerk, VILLAGE_A1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("registry:index"))
    with CaptureQueriesContext(connection) as search_one:
        client.get(reverse("registry:index"), {"q": "zh"})
    with CaptureQueriesContext(connection) as detail_small:
        client.get(reverse("registry:household_detail", kwargs={"pk": first.pk}))
    for i in range(6):
        make_household(clerk, VILLAGE_A2, head=f"张{i}")
    from minzheng.registry import services

    big = make_household(clerk, VILLAGE_A1, others=3)
    for i in range(3):
        services.income_add(
            actor=clerk,
            household=big,
            member=big.head,
            category="wage",
            monthly_amount="100",
            source=f"来源{i}",
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("registry:index"))
    with CaptureQueriesContext(connection) as search_many:
        client.get(reverse("registry:index"), {"q": "zh"})
    with CaptureQueriesContext(connection) as detail_big:
        client.get(reverse("registry:household_detail", kwargs={"pk": big.pk}))
    assert len(many) == len(one)
    assert len(search_many) == len(search_one)
    assert len(detail_big) == len(detail_small)


def test_timeline_shows_a_move_and_a_death(personas: dict[str, Any], client_for: Any) -> None:
    clerk = personas["township_a_clerk"]
    source = make_household(clerk, VILLAGE_A1)
    target = make_household(clerk, VILLAGE_A1, head="王五")
    spouse = source.members.get(relation=Relation.SPOUSE)
    client = client_for("township_a_clerk")
    response = client.post(
        reverse("registry:member_move", kwargs={"pk": spouse.pk}), {"target": target.pk, "relation": "spouse"}
    )
    assert response.status_code == 302
    son = source.members.get(relation=Relation.SON)
    response = client.post(
        reverse("registry:member_death", kwargs={"pk": son.pk}), {"date_of_death": "2026-11-01"}
    )
    assert response.status_code == 302
    body = client.get(reverse("registry:household_detail", kwargs={"pk": source.pk})).content.decode()
    assert "成员迁出" in body and "登记死亡" in body and "2026-11-01" in body
    assert (
        "成员迁入"
        in client.get(reverse("registry:household_detail", kwargs={"pk": target.pk})).content.decode()
    )


def test_moving_into_a_household_out_of_scope_says_not_found(
    personas: dict[str, Any], client_for: Any
) -> None:
    source = make_household(personas["township_a_clerk"], VILLAGE_A1)
    other = make_household(personas["township_a_clerk"], VILLAGE_A2, head="外村人")
    spouse = source.members.get(relation=Relation.SPOUSE)
    response = client_for("village_a1_officer").post(
        reverse("registry:member_move", kwargs={"pk": spouse.pk}), {"target": other.pk, "relation": "spouse"}
    )
    assert response.status_code == 400 and "不在您的管辖范围内" in response.content.decode()
    spouse.refresh_from_db()
    assert spouse.household_id == source.pk


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def test_a_jpeg_named_html_downloads_as_jpg_never_as_html(personas: dict[str, Any], client_for: Any) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    client = client_for("township_a_clerk")
    client.post(
        reverse("registry:document_add", kwargs={"pk": household.pk}),
        {"doc_type": "photo", "file": SimpleUploadedFile("poly.html", JPEG, content_type="text/html")},
    )
    document = Document.objects.get()
    response = client.get(reverse("registry:document_download", kwargs={"pk": document.pk}))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "poly.jpg" in disposition and ".html" not in disposition
    assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj",
        b"%PDF-1.4\n1 0 obj << /S /J#61vaScript /JS (x) >> endobj",  # a name spelled with #xx escapes
        b"%PDF-1.4\n1 0 obj << /S /Launch /F (cmd.exe) >> endobj",
    ],
)
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(
    personas: dict[str, Any], client_for: Any, body: bytes
) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    response = client_for("township_a_clerk").post(
        reverse("registry:document_add", kwargs={"pk": household.pk}),
        {"doc_type": "application", "file": SimpleUploadedFile("申请书.pdf", body)},
    )
    assert response.status_code == 400 and "脚本" in response.content.decode()
    assert not Document.objects.exists()


def test_a_pdf_hiding_javascript_in_a_compressed_stream_is_refused(
    personas: dict[str, Any], client_for: Any
) -> None:
    import zlib

    hidden = zlib.compress(b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>")
    body = (
        b"%PDF-1.5\n2 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
        + hidden
        + b"\nendstream endobj"
    )
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    response = client_for("township_a_clerk").post(
        reverse("registry:document_add", kwargs={"pk": household.pk}),
        {"doc_type": "application", "file": SimpleUploadedFile("申请书.pdf", body)},
    )
    assert response.status_code == 400 and "脚本" in response.content.decode()


def test_a_scan_whose_image_bytes_happen_to_spell_js_is_accepted(
    personas: dict[str, Any], client_for: Any
) -> None:
    image = b"\xff\xd8\xff\x00/JS \x00\x17/Launch\n\xff\xd9"
    body = b"%PDF-1.4\n3 0 obj << /Type /XObject /Subtype /Image /Filter /DCTDecode >>\nstream\n" + image
    body += b"\nendstream endobj\ntrailer << /Root 1 0 R >>"
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    response = client_for("township_a_clerk").post(
        reverse("registry:document_add", kwargs={"pk": household.pk}),
        {"doc_type": "application", "file": SimpleUploadedFile("扫描件.pdf", body)},
    )
    assert response.status_code == 302 and Document.objects.get().original_name == "扫描件.pdf"


def test_every_text_form_refuses_an_override_with_a_message_on_the_field(
    personas: dict[str, Any], client_for: Any
) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    response = client_for("township_a_clerk").post(
        reverse("registry:income_add", kwargs={"pk": household.pk}),
        {"category": "wage", "monthly_amount": "900", "source": "务工\u202e"},
    )
    assert response.status_code == 400 and "U+202E" in response.content.decode()
    assert not household.incomes.exists()
