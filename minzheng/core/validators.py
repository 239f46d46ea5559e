"""Checks on typed text shared by every app: digits that are ASCII digits, and text without hidden characters.

``str.isdigit()`` is true for '²', '١٢' and full-width '１２'; ``int('²')`` then raises and ``Decimal('８４０')``
quietly reads 840. Codes, references and amounts typed or uploaded are ASCII digits or refused.

Names and other text may not carry control characters (a tab, a carriage return, NUL, escape…) nor invisible
format characters: the bidirectional overrides (U+202E shows ``exe.txt`` for ``txt.exe`` and reverses a name on a
notice), zero-width spaces and joiners, the BOM. They are invisible on the page, survive into exports, letters and
public notices, and make two identical-looking names differ. Multi-line text (a reason, a visit's findings) may
keep line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minzheng.core.errors import ValidationFailed

_ASCII_DIGITS = re.compile(r"[0-9]+")
_ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_MULTILINE_ALLOWED = frozenset("\n\r\t")


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only (never '²', '１２' or Arabic-Indic digits)."""
    return _ASCII_DIGITS.fullmatch(text) is not None


def is_ascii_decimal(text: str) -> bool:
    """True for a plain decimal number in ASCII digits, with an optional sign and point ('-12.50', '840')."""
    return _ASCII_DECIMAL.fullmatch(text) is not None


def hidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control or invisible format character in ``text`` as 'U+202E', or None when there is none."""
    if text.isprintable():
        return None  # the common case, in C: no control, format, separator or unassigned character at all
    for char in text:
        if multiline and char in _MULTILINE_ALLOWED:
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            return f"U+{ord(char):04X}"
    return None


def hidden_character_message(code: str) -> str:
    return _("含有不可见的控制字符或方向控制字符(%(code)s)，请删除后重新输入") % {"code": code}


def refuse_hidden_characters(value: Any, *, multiline: bool = False) -> None:
    """A Django validator: refuse control characters and bidirectional overrides in typed text."""
    if not isinstance(value, str):
        return
    code = hidden_character(value, multiline=multiline)
    if code is not None:
        raise ValidationError(hidden_character_message(code), code="hidden_character")


def upload_size_message(limit: int | None = None) -> str:
    limit = settings.MINZHENG_MAX_UPLOAD_BYTES if limit is None else limit
    return _("文件不能超过 %(mb)s MB。") % {"mb": limit // (1024 * 1024)}


def upload_too_large(upload: Any, limit: int | None = None) -> str | None:
    """The message for an uploaded file above the cap (MINZHENG_MAX_UPLOAD_MB unless a form has its own), or None."""
    limit = settings.MINZHENG_MAX_UPLOAD_BYTES if limit is None else limit
    return upload_size_message(limit) if (upload.size or 0) > limit else None


def checked_text(value: str, *, field: str, multiline: bool = True) -> str:
    """Text read straight from a request (no form): returned as is, or refused with the message on ``field``."""
    code = hidden_character(value, multiline=multiline)
    if code is not None:
        message = hidden_character_message(code)
        raise ValidationFailed(message, fields={field: [message]})
    return value


class TextForm(forms.Form):
    """A form whose every text field refuses hidden characters (multi-line text areas keep line breaks)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for name, field in self.fields.items():
            value = cleaned.get(name)
            if not isinstance(field, forms.CharField) or not isinstance(value, str):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            code = hidden_character(value, multiline=multiline)
            if code is not None:
                self.add_error(name, hidden_character_message(code))
        return cleaned
