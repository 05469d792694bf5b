"""Text members type: reasons, notes and profile fields."""

from __future__ import annotations

import pytest

from bot.domain.errors import UserError
from bot.domain.text import (
    NOTE_MAX,
    REASON_MAX,
    _is_control,
    clean,
    clean_reason,
    has_control_characters,
    words,
)


def refused(value: str, max_len: int = NOTE_MAX) -> UserError:
    with pytest.raises(UserError) as caught:
        clean(value, "note", max_len=max_len)
    return caught.value


# --- control characters and disguised text ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "hello\x00world",
        "ring\x07the bell",
        "erase\x08this",
        "esc \x1b[31mred",
        "del\x7f",
        "next\x85line",  # C1 control
        "lone \ud800 surrogate",
        "private \ue000 use",
    ],
)
def test_control_characters_are_refused(value: str) -> None:
    error = refused(value)
    assert "control characters" in error.message
    assert "plain text" in (error.hint or "")


@pytest.mark.parametrize(
    "codepoint",
    [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069],
)
def test_bidi_overrides_and_isolates_are_refused(codepoint: int) -> None:
    """“Thanks for the help‮ eht rof sknahT” could show something else than it says."""
    assert "control characters" in refused(f"for the review{chr(codepoint)} of my CV").message


@pytest.mark.parametrize("value", ["two\nlines", "a\ttab", "emoji 🎉 fine", "日本語 テキスト"])
def test_ordinary_text_passes_unchanged(value: str) -> None:
    assert clean(value, "note", max_len=NOTE_MAX) == value


def test_surrounding_whitespace_is_trimmed() -> None:
    assert clean("  \n thanks a lot \t ", "note", max_len=NOTE_MAX) == "thanks a lot"


# --- length limits ----------------------------------------------------------------------------


def test_text_at_the_limit_is_accepted() -> None:
    assert clean("x" * 20, "bio", max_len=20) == "x" * 20


def test_text_over_the_limit_says_by_how_much() -> None:
    error = refused("x" * 21, max_len=20)
    assert error.message == "The note is 21 characters long; the limit is 20."
    assert error.hint == "Please shorten it."


def test_the_limit_counts_after_trimming() -> None:
    assert clean("   " + "x" * 20 + "   ", "bio", max_len=20) == "x" * 20


def test_reasons_have_a_limit_too() -> None:
    with pytest.raises(UserError, match=f"the limit is {REASON_MAX}"):
        clean_reason("word " * REASON_MAX)


def test_missing_required_text_is_named() -> None:
    with pytest.raises(UserError, match="The skill name is missing"):
        clean("   ", "skill name", max_len=60, required=True)


def test_optional_text_may_be_empty() -> None:
    assert clean(None, "note", max_len=NOTE_MAX) == ""


# --- reasons must be specific -------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "   ", None])
def test_an_empty_reason_is_refused(value: str | None) -> None:
    with pytest.raises(UserError) as caught:
        clean_reason(value, what="reason for the introduction")
    assert caught.value.message == "Please add a specific reason for the introduction."
    assert "e.g." in (caught.value.hint or "")


@pytest.mark.parametrize("value", ["k8s", "help", "  kubernetes  ", "CV!!!", "-- k8s --", "🙏"])
def test_a_one_word_reason_is_refused_with_an_example(value: str) -> None:
    with pytest.raises(UserError) as caught:
        clean_reason(value, what="request")
    assert "a bit short for a request" in caught.value.message
    assert "advice on moving our CI to Kubernetes" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "value",
    [
        "advice on moving our CI to Kubernetes",
        "both of you organise meetups in Leeds",
        "Lebenslauf prüfen und verbessern",
        "履歴書を見てください",  # written without spaces: each character is a word
    ],
)
def test_three_meaningful_words_are_enough(value: str) -> None:
    assert clean_reason(value) == value


@pytest.mark.parametrize(
    ("value", "topic"),
    [("review my CV", "resume"), ("k8s networking", "kubernetes"), ("help with python", "python")],
)
def test_fewer_words_are_enough_when_they_name_a_topic_the_community_knows(
    value: str, topic: str
) -> None:
    assert clean_reason(value, topics={topic}) == value


@pytest.mark.parametrize(
    "value",
    [
        "please help",
        "you two",
        "x y",
        "thanks thanks",
        "you two should meet",
        "can you help me please",
        "hi there, quick question",
        "ok ok",
        "please help with this asap",
    ],
)
def test_filler_is_refused_with_a_hint_and_an_example(value: str) -> None:
    with pytest.raises(UserError) as caught:
        clean_reason(value, what="request", example="could you look over my budget?")
    assert caught.value.message == f"“{value}” doesn't say yet what the request is about."
    assert caught.value.hint == (
        "Say in a sentence what you hope for: a few words about the people or the need, "
        "or a topic, e.g. “could you look over my budget?”."
    )


def test_one_word_is_refused_even_when_it_is_a_topic() -> None:
    with pytest.raises(UserError, match="a bit short"):
        clean_reason("python", topics={"python"})


def test_a_reason_is_checked_for_control_characters_first() -> None:
    with pytest.raises(UserError, match="control characters"):
        clean_reason("review my\x1b CV")


def test_words_ignore_punctuation() -> None:
    assert words("Hi, can you -- please -- help?") == ["Hi", "can", "you", "please", "help"]


def test_a_sentence_in_a_language_without_spaces_is_accepted() -> None:
    assert clean_reason("履歴書を見ていただけますか") == "履歴書を見ていただけますか"


def test_the_control_character_check_agrees_with_unicode_categories_everywhere() -> None:
    mismatches = [
        hex(cp) for cp in range(0x110000) if has_control_characters(chr(cp)) != _is_control(chr(cp))
    ]
    assert mismatches == []
