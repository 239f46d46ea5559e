"""The scratch database: a new SQLite file per run, in a child process that never sees the live database.

Why a child process: Django reads DATABASES once, at start-up, and every model, cache and connection follows it;
switching the default connection inside a running process is easy to get subtly wrong (a connection opened before
the switch, a cached content type). The child starts with ``MINZHENG_DATABASE_URL`` and ``MINZHENG_VAR_DIR``
pointing into a temporary folder, so the only database it can open is the scratch file, and uploaded files and bank
files land there too. The parent never opens a database at all.

Migrating every app takes a few seconds, so a migrated and prepared database (regions, users, 泸州's standards) is
kept as a template under ``VAR_DIR/scenario-cache/``, named by a hash of every migration file and of the setup code;
each run copies it. A changed migration gives a new name; old templates are removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import django
from django.utils.translation import gettext as _

from minzheng.core.errors import DomainError

PACKAGE = Path(__file__).resolve().parent.parent  # minzheng/
SCRATCH_FLAG = "MINZHENG_SCENARIO_SCRATCH"
DB_NAME = "scenario.sqlite3"


class ScratchFailed(DomainError):
    """The child process that plays the scenario failed (its error output is in the message)."""

    code = "scenario_failed"


def template_key() -> str:
    """A hash of everything the template database depends on: migrations, the region list, the setup code."""
    digest = hashlib.sha256(django.get_version().encode())
    files = sorted(PACKAGE.glob("*/migrations/*.py"))
    files += [PACKAGE / "regions" / "data" / "510521.csv", PACKAGE / "scenarios" / "setup.py"]
    files += sorted((PACKAGE / "policy" / "presets").glob("*.json"))
    for path in files:
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "minzheng.settings",
            "MINZHENG_DATABASE_URL": f"sqlite:///{folder / DB_NAME}",
            "MINZHENG_VAR_DIR": str(folder),
            SCRATCH_FLAG: str(folder / DB_NAME),
            "PYTHONPATH": os.pathsep.join(p for p in (str(PACKAGE.parent), env.get("PYTHONPATH", "")) if p),
        }
    )
    env.pop("MINZHENG_TASK_BACKEND", None)
    return env


def _run_child(folder: Path, args: list[str]) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, arguments built here
        [sys.executable, "-m", "minzheng.cli", "scenario", *args],
        env=_child_env(folder),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ScratchFailed(
            _("情景推演的子进程失败：%(e)s") % {"e": (done.stderr or done.stdout).strip()[-2000:]}
        )
    return done.stdout


def ensure_template(cache_dir: Path) -> Path:
    """The migrated, prepared template database for the current code (built on first use)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"template-{template_key()}.sqlite3"
    if target.exists():
        return target
    with tempfile.TemporaryDirectory(prefix="mz-scenario-template-") as tmp:
        folder = Path(tmp)
        _run_child(folder, ["_prepare"])
        partial = cache_dir / f"{target.name}.{os.getpid()}.part"
        shutil.copyfile(folder / DB_NAME, partial)
        os.replace(partial, target)  # two runs building at once: both complete, the last rename wins
    for old in cache_dir.glob("template-*.sqlite3"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


def run_in_scratch(data: Any, *, cache_dir: Path) -> dict[str, Any]:
    """Play SCENARIO.json data in a throw-away database; the report as JSON data."""
    template = ensure_template(cache_dir)
    with tempfile.TemporaryDirectory(prefix="mz-scenario-") as tmp:
        folder = Path(tmp)
        shutil.copyfile(template, folder / DB_NAME)
        source = folder / "scenario.json"
        source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        output = _run_child(folder, ["_play", str(source)])
    result: dict[str, Any] = json.loads(output)
    return result


def assert_scratch() -> None:
    """Refuse to play anywhere but in the scratch database a parent made for this child."""
    from django.conf import settings

    expected = os.environ.get(SCRATCH_FLAG, "")
    name = str(settings.DATABASES["default"]["NAME"])
    if (
        not expected
        or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
        or name != expected
    ):
        raise ScratchFailed(_("情景只能在临时数据库中推演(请用 minzheng scenario run)"))
