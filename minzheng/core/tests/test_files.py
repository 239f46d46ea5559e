"""var/ and what is in it belong to the service alone (issue 16, Low): folders 0700, files 0600."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from minzheng.core.testing.personas import VILLAGE_A1
from minzheng.registry.documents import document_add
from minzheng.registry.tests.factories import make_household

PROBE = """
import json, os, django
django.setup()
from django.db import connection
connection.ensure_connection()
from minzheng.registry.documents import documents_dir
from minzheng.payments.bankfiles import exports_dir
documents_dir(); exports_dir()
var = os.environ["MINZHENG_VAR_DIR"]
print(json.dumps({name: oct(os.stat(os.path.join(var, name)).st_mode & 0o777)
                  for name in ["", "minzheng.sqlite3", "secret_key", "documents", "exports"]}))
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_var_directory_its_database_and_folders_are_private(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {
        **os.environ,
        "MINZHENG_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "minzheng.settings",
        "PYTHONPATH": str(Path(django_settings.BASE_DIR)),
    }
    env.pop("MINZHENG_DATABASE_URL", None)
    env.pop("MINZHENG_SECRET_KEY", None)
    old = os.umask(0o022)  # what a shell usually has: the service must not depend on it
    try:
        out = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
            [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
        ).stdout
    finally:
        os.umask(old)
    modes = json.loads(out.strip().splitlines()[-1])
    assert modes == {
        "": "0o700",
        "minzheng.sqlite3": "0o600",
        "secret_key": "0o600",
        "documents": "0o700",
        "exports": "0o700",
    }


def test_an_existing_var_folder_opened_wider_is_tightened(settings: Any, tmp_path: Path) -> None:
    from minzheng.core.files import var_dir

    settings.VAR_DIR = tmp_path / "var"
    (tmp_path / "var" / "exports").mkdir(parents=True)
    os.chmod(tmp_path / "var", 0o755)  # noqa: S103 - the deployment this test repairs
    os.chmod(tmp_path / "var" / "exports", 0o777)  # noqa: S103 - as above
    var_dir("exports")
    assert _mode(tmp_path / "var") == 0o700 and _mode(tmp_path / "var" / "exports") == 0o700


@pytest.mark.django_db
def test_a_stored_document_is_readable_by_the_service_only(personas: dict[str, Any], settings: Any) -> None:
    clerk = personas["township_a_clerk"]
    household = make_household(clerk, VILLAGE_A1)
    document = document_add(
        actor=clerk,
        household=household,
        upload=io.BytesIO(b"%PDF-1.4 scanned"),
        original_name="身份证.pdf",
        doc_type="id_card",
    )
    assert _mode(Path(settings.VAR_DIR) / "documents" / document.stored_name) == 0o600
    assert _mode(Path(settings.VAR_DIR) / "documents") == 0o700


@pytest.mark.django_db
def test_a_bank_file_is_readable_by_the_service_only(personas: dict[str, Any], settings: Any) -> None:
    from minzheng.payments import bankfiles
    from minzheng.payments.tests.factories import approved_cycle, approved_dibao

    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    for template in bankfiles.templates_for(cycle.region_id):
        record = bankfiles.bank_file_export(
            actor=personas["township_a_clerk"], cycle=cycle, template=template
        )
        assert _mode(bankfiles.exports_dir() / record.stored_name) == 0o600
