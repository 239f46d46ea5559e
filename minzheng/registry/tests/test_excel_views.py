"""The Excel pages: upload → preview (nothing written) → confirm; bad files explained; export scoped and masked."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.registry.idnumber import mask_id_number
from minzheng.registry.models import Household
from minzheng.registry.tests.factories import make_household
from minzheng.registry.tests.test_excel import HEAD_ID, good_rows, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client: Any, data: bytes, name: str = "户籍.xlsx") -> Any:
    return client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )


def test_upload_previews_then_confirm_imports(personas: dict[str, Any], client_for: Any) -> None:
    client = client_for("township_a_clerk")
    before = Household.objects.count()
    response = _upload(client, xlsx(good_rows()))
    assert response.status_code == 200, response.content.decode()[-3000:]
    assert "检查通过" in response.content.decode()
    assert Household.objects.count() == before  # the preview wrote nothing
    response = client.post(reverse("registry:import_confirm"))
    assert response.status_code == 302
    assert Household.objects.count() > before
    # The pending file is gone: confirming twice does nothing more.
    count = Household.objects.count()
    client.post(reverse("registry:import_confirm"))
    assert Household.objects.count() == count


def test_bad_file_lists_errors_offers_the_workbook_and_changes_nothing(
    personas: dict[str, Any], client_for: Any
) -> None:
    rows = good_rows()
    rows[0]["公民身份号码"] = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
    client = client_for("township_a_clerk")
    before = Household.objects.count()
    response = _upload(client, xlsx(rows))
    assert response.status_code == 400 and "没有导入任何数据" in response.content.decode()
    workbook = client.get(reverse("registry:import_errors"))
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook.content)).get_sheet_by_index(0).to_python()
    assert any("校验码" in str(cell) for row in sheet for cell in row)
    assert client.post(reverse("registry:import_confirm")).status_code in (302, 400)
    assert Household.objects.count() == before


def test_template_download(personas: dict[str, Any], client_for: Any) -> None:
    response = client_for("township_a_clerk").get(reverse("registry:import_template"))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_export_is_scoped_and_masked_per_role(personas: dict[str, Any], client_for: Any) -> None:
    household = make_household(personas["township_a_clerk"], VILLAGE_A1)
    make_household(personas["township_b_clerk"], "510521105220", head="牛滩人")
    head = household.head
    assert head is not None

    def cells(persona: str) -> list[str]:
        response = client_for(persona).get(reverse("registry:export"))
        assert response.status_code == 200
        book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
        return [
            str(c)
            for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python()
            for c in row
        ]

    clerk = cells("township_a_clerk")
    assert head.id_number in clerk and "牛滩人" not in clerk
    township_head = cells("township_a_head")
    assert head.id_number not in township_head and mask_id_number(head.id_number) in township_head
    assert "牛滩人" in cells("county_approver")


def test_uploads_never_confirmed_are_deleted_after_a_day(
    personas: dict[str, Any], client_for: Any, settings: Any
) -> None:
    import os
    import time

    stale = settings.VAR_DIR / "imports" / "old.upload"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"510521197001150011")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    _upload(client_for("township_a_clerk"), xlsx(good_rows()))
    assert not stale.exists()
    assert (
        len(list((settings.VAR_DIR / "imports").glob("*.upload"))) == 1
    )  # the new one, kept for the confirmation


def test_a_refused_upload_is_deleted_at_once_and_its_error_list_still_downloads(
    personas: dict[str, Any], client_for: Any, settings: Any
) -> None:
    rows = good_rows()
    rows[0]["公民身份号码"] = HEAD_ID[:-1] + ("0" if HEAD_ID[-1] != "0" else "1")
    client = client_for("township_a_clerk")
    assert _upload(client, xlsx(rows)).status_code == 400
    imports = settings.VAR_DIR / "imports"
    assert list(imports.glob("*.upload")) == []  # the file with people's ID numbers is gone
    workbook = client.get(reverse("registry:import_errors"))
    assert workbook.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook.content)).get_sheet_by_index(0).to_python()
    assert any("校验码" in str(cell) for row in sheet for cell in row)
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in imports.iterdir())
