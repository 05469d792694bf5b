"""A command's messages wait in a row as JSON: what goes in comes back out, exactly."""

from __future__ import annotations

import json

import pytest

from bot import message_codec
from bot.actions import Action
from bot.messages import (
    Bold,
    Button,
    ChannelPost,
    DirectMessage,
    Field,
    Form,
    GroupConversation,
    Input,
    InputKind,
    Mention,
    Message,
    Option,
    Outbound,
    Plain,
    Quote,
    Section,
    Style,
)

EVERYTHING = Message(
    sections=(
        Section(
            (Plain("Hi "), Mention("U1", "Ana"), Bold("!"), Quote("a <@here> & *note*")),
            (Field("Balance", (Plain("helped 1"),)), Field("Empty", ())),
        ),
        Section(),
    ),
    buttons=(
        Button("Accept", Action.CONSENT_ACCEPT, "12", Style.PRIMARY),
        Button("Decline", Action.CONSENT_DECLINE, "12:x", Style.DANGER),
        Button("Later", Action.CONSENT_NOT_NOW, ""),
    ),
    form=Form(
        "Decline",
        Action.CONSENT_DECLINE,
        "12",
        (
            Input("note", "A note", InputKind.LONG_TEXT, True, "optional", "sorry"),
            Input("who", "Someone else", InputKind.MEMBER),
            Input(
                "level",
                "Python",
                InputKind.CHOICE,
                True,
                initial="expert",
                options=(Option("learning", "Learning"), Option("expert", "Expert")),
                hint="Expert: you could teach it.",
            ),
            Input("when", "Busy until", InputKind.DATE, initial="2026-12-31"),
        ),
        submit="Decline",
    ),
)


@pytest.mark.parametrize(
    "item",
    [
        DirectMessage("U1", EVERYTHING),
        GroupConversation(("U1", "U2", "U3"), EVERYTHING, "Intro: Ana and Ben", "<#C1>"),
        GroupConversation(("U1", "U2"), Message()),
        ChannelPost("#asks (C2)", EVERYTHING),
    ],
)
def test_every_outbound_message_survives_a_round_trip_through_json(item: Outbound) -> None:
    stored = json.loads(json.dumps(message_codec.encode(item)))
    assert message_codec.decode(stored) == item


def test_a_form_stored_before_choices_existed_still_reads() -> None:
    stored = message_codec.encode(DirectMessage("U1", EVERYTHING))
    for item in stored["message"]["form"]["inputs"]:
        del item["options"], item["hint"]
    form = message_codec.decode(stored).message.form
    assert form is not None
    assert [i.options for i in form.inputs] == [(), (), (), ()]


def test_the_delivery_key_is_not_stored_the_row_gives_it() -> None:
    keyed = DirectMessage("U1", Message(), key="p7")
    assert message_codec.decode(message_codec.encode(keyed)) == DirectMessage("U1", Message())


def test_a_span_it_does_not_know_is_refused() -> None:
    stored = message_codec.encode(DirectMessage("U1", Message(sections=(Section((Plain("x"),)),))))
    stored["message"]["sections"][0]["text"] = [{"blink": "x"}]
    with pytest.raises(ValueError, match="not a span"):
        message_codec.decode(stored)
