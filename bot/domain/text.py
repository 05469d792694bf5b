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


# Words that say nothing about the people or the need: politeness, pronouns, glue.
FILLER = frozenset(
    " ".join(
        (
            "a an the and or but so to of for with on in at by about from into as is are be",
            "been was were am it its this that these those there here i me my mine we us our",
            "you your yours he she they them their him her his two both each other please pls",
            "plz help helps helping thanks thank thx ty cheers hi hello hey hiya need needs",
            "want wants would could can should will shall may might must do does did have has",
            "had get got some something anything stuff thing things etc very really just ok",
            "okay yes no test meet connect intro introduce introduction know",
            "like think great good nice cool maybe also too any all what who how why when where",
            "which not if then than lol asap urgent quick let lets let's go guys folks someone",
            "somebody anyone anybody",
        )
    ).split()
)
MEANINGFUL_WORDS = 3


def meaningful_words(text: str) -> list[str]:
    """The words of a reason that carry meaning: not filler, not single letters."""
    out = []
    for word in words(text):
        lowered = word.casefold()
        if lowered in FILLER:
            continue
        if len(word) < 2 and not re.match(rf"[{_NO_SPACES}]", word):
            continue
        out.append(lowered)
    return out


def clean_reason(
    value: str | None,
    *,
    what: str = "reason",
    topics: frozenset[str] | set[str] = frozenset(),
    example: str = "advice on moving our CI to Kubernetes",
) -> str:
    """A reason must say something about the people or the need: at least three
    meaningful words, or a topic the community knows (`topics`: those the text names).
    Filler ("please help", "you two", "thanks") is refused with a hint and an example."""
    text = clean(value, what, max_len=REASON_MAX)
    meaningful = meaningful_words(text)
    if len(words(text)) >= 2 and (len(meaningful) >= MEANINGFUL_WORDS or topics):
        return text
    if not text:
        message = f"Please add a specific {what}."
    elif len(words(text)) < 2:
        message = f"“{text}” is a bit short for a {what}."
    else:
        message = f"“{text}” doesn't say yet what the {what} is about."
    raise UserError(
        message,
        "Say in a sentence what you hope for: a few words about the people or the need, "
        f"or a topic, e.g. “{example}”.",
    )
