"""The English catalogue is complete and current, and a user who chose English gets English.

The catalogue is parsed here by a small reader of the PO format (msgctxt, plurals, continuation lines, flags);
polib would do the same but is not a dependency of minzheng.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

import minzheng
from minzheng.core.workdays import CalendarDataMissing, WorkCalendar

PACKAGE_DIR = Path(minzheng.__file__).resolve().parent
CATALOGUE = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
BASE_TEMPLATE = PACKAGE_DIR / "templates" / "base.html"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LANGUAGE_COOKIE = "django_language"


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), f"not a PO string: {text!r}"
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def parse_po(path: Path) -> list[PoEntry]:
    """Entries of a PO file in order, the header (msgid "") included."""
    entries: list[PoEntry] = []
    entry = PoEntry()
    target: tuple[str, int] | None = None  # the keyword a continuation line ("...") belongs to

    def finish_if_complete() -> None:
        nonlocal entry, target
        if target is not None and target[0] == "msgstr":
            entries.append(entry)
            entry, target = PoEntry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line or line.startswith(("#|", "|")):  # previous msgids of fuzzy entries (#| and #~|)
            continue
        if line.startswith("#"):
            finish_if_complete()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        keyword_line = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if keyword_line:
            keyword, index = keyword_line.group(1), int(keyword_line.group(2) or 0)
            if keyword in {"msgctxt", "msgid"}:
                finish_if_complete()
            target = (keyword, index)
            value = _unquote(keyword_line.group(3))
        elif line.startswith('"') and target is not None:
            keyword, index = target
            value = _unquote(line)
        else:
            raise AssertionError(f"{path}: cannot read line {raw!r}")
        entry.obsolete = entry.obsolete or obsolete
        if keyword == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
        elif keyword == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        else:
            entry.msgid += value
    if target is not None:
        entries.append(entry)
    return entries


def _catalogue() -> list[PoEntry]:
    assert CATALOGUE.exists(), f"{CATALOGUE} is missing: run ./run i18n"
    return [e for e in parse_po(CATALOGUE) if not e.obsolete]


def test_po_reader_understands_plurals_contexts_and_continuations(tmp_path: Path) -> None:
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "%(n)s 户"\nmsgid_plural "%(n)s 户"\nmsgstr[0] "%(n)s household"\n'
        'msgstr[1] "%(n)s households"\n\n'
        'msgctxt "动词"\nmsgid "审核"\nmsgstr ""\n"Re"\n"view \\"now\\""\n\n'
        '#, fuzzy\nmsgid "旧"\nmsgstr ""\n',
        encoding="utf-8",
    )
    header, plural, context, fuzzy = parse_po(sample)
    assert header.msgid == "" and header.msgstr == {0: "Language: en\n"}
    assert plural.msgid_plural == "%(n)s 户" and plural.msgstr == {
        0: "%(n)s household",
        1: "%(n)s households",
    }
    assert plural.flags == {"python-format"}
    assert context.key == ("动词", "审核") and context.msgstr == {0: 'Review "now"'} and not context.flags
    assert fuzzy.flags == {"fuzzy"} and fuzzy.msgstr == {0: ""}


def test_every_catalogue_entry_is_translated_and_none_is_fuzzy() -> None:
    entries = _catalogue()
    assert len(entries) > 100, "the catalogue looks truncated"
    fuzzy = [e.msgid or "(header)" for e in entries if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in entries if e.msgid and (not e.msgstr or not all(e.msgstr.values()))]
    assert not fuzzy, f"fuzzy entries in {CATALOGUE.name}: {fuzzy}"
    assert not untranslated, f"untranslated entries in {CATALOGUE.name}: {untranslated}"


def test_translations_keep_every_placeholder() -> None:
    placeholder = re.compile(r"%(?:\(\w+\))?[sd]|\{\{.*?\}\}|</?[a-z][^>]*>")
    wrong = []
    for entry in _catalogue():
        if not entry.msgid:
            continue
        expected = sorted(placeholder.findall(entry.msgid))
        for text in entry.msgstr.values():
            if sorted(placeholder.findall(text)) != expected:
                wrong.append((entry.msgid, text))
    assert not wrong, f"translations that lost or added a placeholder: {wrong}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    """The committed .mo is compiled from the current .po: every English text is what gettext returns."""
    stale = []
    with translation.override("en"):
        for entry in _catalogue():
            if not entry.msgid or entry.msgctxt is not None or entry.msgid_plural is not None:
                continue
            if translation.gettext(entry.msgid) != entry.msgstr[0]:
                stale.append(entry.msgid)
    assert not stale, f"django.mo is out of date for {stale}: run ./run i18n"


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msguniq")),
    reason="GNU gettext (xgettext, msguniq) is not installed, so the source strings cannot be extracted; "
    "install it with: apt-get install gettext",
)
def test_catalogue_has_every_string_marked_in_the_source(tmp_path: Path) -> None:
    copy = tmp_path / "minzheng"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static", "locale", "*.sqlite3"),
    )
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}}
    # Without settings, makemessages writes only to ./locale of the copy: the committed catalogue is never touched.
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location", "-v", "0"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.key for e in parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po") if e.msgid}
    committed = {e.key for e in _catalogue() if e.msgid}
    missing = sorted(msgid for _ctx, msgid in fresh - committed)
    assert not missing, (
        f"strings marked in the source but missing from {CATALOGUE.name} (run ./run i18n): {missing}"
    )


def _base_template_labels() -> list[str]:
    text = BASE_TEMPLATE.read_text(encoding="utf-8")
    labels = re.findall(r"{%\s*(?:translate|trans)\s+['\"]([^'\"]+)['\"]", text)
    assert labels, "base.html has no {% translate %} labels any more: update this test"
    return labels


def test_user_who_chose_english_sees_the_shell_and_home_page_in_english(client_for: Any) -> None:
    client = client_for("township_a_clerk")
    client.cookies[LANGUAGE_COOKIE] = "en"
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in html
    for english in (
        "My tasks",
        "Change password",
        "Log out",
        "Township civil-affairs clerk",
        "No pending tasks.",
    ):
        assert english in html
    assert "Working-day calendar" in html  # a navigation section registered by an app
    still_chinese = [label for label in (*_base_template_labels(), "工作日历", "我的待办") if label in html]
    assert not still_chinese, f"Chinese labels left on the English page: {still_chinese}"


def test_user_without_a_language_choice_sees_chinese(client_for: Any) -> None:
    response = client_for("township_a_clerk").get(reverse("core:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in html
    assert "待办" in html and "乡镇民政助理" in html
    assert "My tasks" not in html


def test_anonymous_visitor_who_chose_english_sees_the_login_page_in_english(
    client_for: Any, settings: Any
) -> None:
    # A county's own site name may well be Chinese; the default one is translated.
    settings.MINZHENG_SITE_NAME = ""
    client = client_for("anonymous")
    client.cookies[LANGUAGE_COOKIE] = "en"
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    for english in ("Staff login", "Username", "Password", "Log in", "Civil Affairs Office System"):
        assert english in html
    assert not CJK.findall(html.replace("简体中文", "")), "Chinese text left on the English login page"


def test_domain_error_message_follows_the_active_language() -> None:
    calendar = WorkCalendar(years=frozenset(), holidays=frozenset(), workdays=frozenset())
    with translation.override("en"), pytest.raises(CalendarDataMissing) as english:
        calendar.is_working_day(date(2031, 1, 2))
    with pytest.raises(CalendarDataMissing) as chinese:
        calendar.is_working_day(date(2031, 1, 2))
    message = str(english.value.message)
    assert message.startswith("The holiday schedule for 2031 has not been entered")
    assert not CJK.search(message)
    assert str(chinese.value.message).startswith("2031 年的节假日安排尚未录入")
    assert english.value.as_dict()["code"] == "calendar_data_missing"
