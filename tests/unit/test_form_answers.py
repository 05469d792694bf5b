"""A form's answers are checked against the form that asked: each kind of input."""

from __future__ import annotations

import pytest

from bot.actions import Action
from bot.domain.errors import FieldErrors
from bot.messages import Form, Input, InputKind, Option
from bot.services.form_answers import read

LEVELS = (Option("learning", "Learning"), Option("expert", "Expert"))
FORM = Form(
    "Everything",
    Action.PROFILE_SAVE,
    "",
    (
        Input("level", "Level", InputKind.CHOICE, required=True, options=LEVELS),
        Input("topics", "Topics", InputKind.MULTI_CHOICE, options=LEVELS),
        Input("shown", "Shown", InputKind.YES_NO),
        Input("until", "Until", InputKind.DATE),
        Input("tz", "Zone", InputKind.TIMEZONE),
    ),
)


def test_each_kind_of_answer_is_read_in_its_own_form() -> None:
    answers = read(
        FORM,
        {
            "level": "Expert",  # a label is understood as its value
            "topics": "expert,learning,expert",
            "shown": "No",
            "until": "2026-12-31",
            "tz": "Europe/Berlin",
        },
    )
    assert answers.text("level") == "expert"
    assert answers.choices("topics") == ["expert", "learning"]  # each once
    assert answers.yes("shown") is False
    assert str(answers.day("until")) == "2026-12-31"
    assert answers.text("tz") == "Europe/Berlin"


def test_optional_answers_left_out_read_as_nothing() -> None:
    answers = read(FORM, {"level": "learning"})
    assert answers.choices("topics") == []
    assert answers.yes("shown") is None
    assert answers.day("until") is None
    assert not answers.given("tz")


def test_every_wrong_answer_is_refused_under_its_own_field_at_once() -> None:
    with pytest.raises(FieldErrors) as refused:
        read(
            FORM,
            {
                "level": "guru",
                "topics": "expert,cooking",
                "shown": "perhaps",
                "until": "31/12/2026",
                "tz": "Mars/Base",
            },
        )
    errors = refused.value.errors
    assert set(errors) == {"level", "topics", "shown", "until", "tz"}
    assert "“guru” is not one of the choices (learning, expert)" in errors["level"]
    assert "cooking" in errors["topics"]
    assert "yes or no" in errors["shown"]
    assert "YYYY-MM-DD" in errors["until"]
    assert "not a time zone I know" in errors["tz"]
    assert "(and 4 more)" in refused.value.message
    assert all(len(text) <= 150 for text in errors.values())  # Slack shows 150


def test_a_required_answer_left_empty_is_asked_for() -> None:
    with pytest.raises(FieldErrors) as refused:
        read(FORM, {"level": "  "})
    assert refused.value.errors == {"level": "Please fill in “Level”."}
