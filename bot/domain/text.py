"""Validation of text that members type. Text is stored raw; adapters escape it."""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import UserError

REASON_MAX = 1000
NOTE_MAX = 1000
PROFILE_TEXT_MAX = 500
NAME_MAX = 80
TOPIC_MAX = 60

# Scripts written without spaces (Chinese, Japanese, Thai): each character counts as a word.
_NO_SPACES = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_NO_SPACES}]|[^\W_{_NO_SPACES}]+", re.UNICODE)
_ALLOWED_CONTROLS = {"\n", "\t"}
# Bidirectional overrides can disguise text; treat them like control characters.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def clean(value: str | None, field: str, *, max_len: int, required: bool = False) -> str:
    """Strip and validate one text field; raise UserError on anything unusable."""
    text = (value or "").strip()
    if required and not text:
        raise UserError(f"The {field} is missing.")
    if has_control_characters(text):
        raise UserError(
            f"The {field} contains control characters.",
            "Please type it again as plain text.",
        )
    if len(text) > max_len:
        raise UserError(
            f"The {field} is {len(text)} characters long; the limit is {max_len}.",
            "Please shorten it.",
        )
    return text


# The same set as _is_control, as one character class: a member list checks millions of
# characters (tests/unit/test_text.py holds both to every code point).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd\u202a-\u202e\u2066-\u2069]"
)


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _is_control(ch: str) -> bool:
    if ch in _ALLOWED_CONTROLS:
        return False
    return ch in _BIDI or unicodedata.category(ch) in {"Cc", "Cs", "Co"}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def clean_reason(value: str | None, *, what: str = "reason") -> str:
    """A reason must say something specific: refuse empty and one-word reasons."""
    text = clean(value, what, max_len=REASON_MAX)
    if len(words(text)) < 2:
        raise UserError(
            f"Please add a specific {what}."
            if not text
            else f"“{text}” is a bit short for a {what}.",
            "Say in a sentence what you hope for, e.g. “advice on moving our CI to Kubernetes”.",
        )
    return text
