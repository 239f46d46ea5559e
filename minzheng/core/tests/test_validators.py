"""Typed text shared by every app: ASCII digits only where digits are meant, no hidden characters in text."""

from __future__ import annotations

import pytest
from django import forms

from minzheng.core.validators import TextForm, hidden_character, is_ascii_decimal, is_ascii_digits
from minzheng.registry.validation import check_account_number


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "", "12a", " 12"])
def test_only_ascii_digits_are_digits(text: str) -> None:
    assert not is_ascii_digits(text)
    assert is_ascii_digits("0123456789")


def test_decimals_are_ascii_too() -> None:
    assert is_ascii_decimal("-12.50") and is_ascii_decimal("840")
    assert not is_ascii_decimal("８４０") and not is_ascii_decimal("1e5") and not is_ascii_decimal("NaN")


def test_an_account_number_in_superscript_digits_is_refused_not_a_crash() -> None:
    _number, errors, _warnings = check_account_number("62284804025648900²")
    assert errors == ["银行账号只能包含数字"]


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\ufeff", "\x00", "\x1b", "\t", "\r", "\n"])
def test_control_and_bidirectional_characters_are_found(char: str) -> None:
    assert hidden_character(f"张{char}三") == f"U+{ord(char):04X}"


def test_multiline_text_keeps_its_line_breaks_but_not_an_override() -> None:
    assert hidden_character("第一行\r\n第二行\t完", multiline=True) is None
    assert hidden_character("第一行\n\u202e", multiline=True) == "U+202E"
    assert hidden_character("𠀀张三·阿依古丽") is None  # rare characters and the middle dot are names


class _Sample(TextForm):
    name = forms.CharField()
    reason = forms.CharField(widget=forms.Textarea)


def test_a_text_form_refuses_an_override_in_any_text_field() -> None:
    form = _Sample({"name": "张\u202e三", "reason": "原因\n第二行"})
    assert not form.is_valid()
    assert "U+202E" in form.errors["name"][0] and "reason" not in form.errors
    assert _Sample({"name": "张三", "reason": "原因\n第二行"}).is_valid()


def test_text_read_straight_from_a_request_is_checked_too() -> None:
    from minzheng.core.errors import ValidationFailed
    from minzheng.core.validators import checked_text

    assert checked_text("退回：\n数字有误", field="reason") == "退回：\n数字有误"
    with pytest.raises(ValidationFailed) as caught:
        checked_text("退回\u202e", field="reason")
    assert "U+202E" in caught.value.fields["reason"][0]
