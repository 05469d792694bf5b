"""Hostile or malformed requests at /slack/events: each gets a 4xx (or, for an event
there is nothing to do about, a plain 200), changes nothing, and logs no traceback."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import text

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import said, writes
from tests.adapters.slack.signed import FORM, JSON

Json = dict[str, Any]
LONG = "U" + "X" * 300
# Where the bodies below point response_url; each test swaps in the Web API double's.
ANSWERS = "http://127.0.0.1:9/answers"


def dumps(value: Any) -> str:
    """JSON text, with each "<nested:N>" string replaced by N levels of nesting (too deep
    for json.dumps itself)."""
    return re.sub(
        r'"<nested:(\d+)>"',
        lambda m: '{"x": [' * int(m.group(1)) + '"deep"' + "]}" * int(m.group(1)),
        json.dumps(value),
    )


def command(**fields: str) -> str:
    base = {
        "token": "t",
        "team_id": "T1",
        "team_domain": "one",
        "channel_id": "C1",
        "user_id": "UDANA",
        "user_name": "dana",
        "command": "/networker",
        "text": "me",
        "response_url": ANSWERS,
        "trigger_id": "1.2.3",
    }
    return urlencode({**base, **fields})


def action(**fields: Any) -> str:
    payload: Json = {
        "type": "block_actions",
        "user": {"id": "UDANA", "name": "dana"},
        "team": {"id": "T1", "domain": "one"},
        "trigger_id": "1.2.3",
        "response_url": ANSWERS,
        "actions": [{"action_id": "consent.accept:0", "value": "1", "type": "button"}],
        **fields,
    }
    return urlencode({"payload": dumps(payload)})


def view(**fields: Any) -> str:
    payload: Json = {
        "type": "view_submission",
        "user": {"id": "UDANA", "name": "dana"},
        "team": {"id": "T1", "domain": "one"},
        "trigger_id": "1.2.3",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "ask.send",
            "private_metadata": "1",
            "blocks": [],
            "state": {"values": {}},
        },
        **fields,
    }
    return urlencode({"payload": dumps(payload)})


def event(inner: Any = None, **fields: Any) -> str:
    body: Json = {
        "token": "t",
        "team_id": "T1",
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": "EvFuzz",
        "event_time": 1,
        "event": inner
        if inner is not None
        else {"type": "app_home_opened", "user": "UDANA", "tab": "home"},
        **fields,
    }
    return dumps(body)


def nested(depth: int) -> str:
    return f"<nested:{depth}>"


# (name, body, content type); every one signed correctly unless the case is the signature
MALFORMED: list[tuple[str, str, str]] = [
    # over-long ids
    ("command team_id", command(team_id="T" + "X" * 300), FORM),
    ("command user_id", command(user_id=LONG), FORM),
    ("command channel_id", command(channel_id="C" + "X" * 300), FORM),
    ("command trigger_id", command(trigger_id="1" * 5000), FORM),
    ("command user_name", command(user_name="n" * 5000), FORM),
    ("action user id", action(user={"id": LONG}), FORM),
    ("action team id", action(team={"id": "T" + "X" * 300}), FORM),
    ("action action_id", action(actions=[{"action_id": "a" * 5000, "value": "1"}]), FORM),
    (
        "action value",
        action(actions=[{"action_id": "consent.accept:0", "value": "9" * 5000}]),
        FORM,
    ),
    ("view callback_id", view(view={"callback_id": "c" * 5000, "state": {"values": {}}}), FORM),
    ("event id", event(event_id="Ev" + "X" * 300), JSON),
    ("event user", event({"type": "app_home_opened", "user": LONG, "tab": "home"}), JSON),
    ("event team", event(team_id="T" + "X" * 300), JSON),
    ("team_join tz", event({"type": "team_join", "user": {"id": "UNEW", "tz": "z" * 300}}), JSON),
    # deeply nested JSON
    ("nested event 5000", event(nested(5000)), JSON),
    (
        "nested event 300",
        event({"type": "app_home_opened", "user": "UDANA", "x": nested(300)}),
        JSON,
    ),
    ("nested payload 5000", action(state=nested(5000)), FORM),
    ("nested payload 300", action(state=nested(300)), FORM),
    # fields of the wrong type
    ("team as string", action(team="T1"), FORM),
    ("team as list", action(team=["T1"]), FORM),
    ("team as number", action(team=1), FORM),
    ("user as string", action(user="UDANA"), FORM),
    ("user as list", action(user=[]), FORM),
    ("user id as number", action(user={"id": 5}), FORM),
    ("actions as string", action(actions="consent.accept:0"), FORM),
    ("actions as object", action(actions={"action_id": "consent.accept:0"}), FORM),
    ("actions of numbers", action(actions=[1]), FORM),
    ("actions empty", action(actions=[]), FORM),
    ("action_id as number", action(actions=[{"action_id": 5, "value": "1"}]), FORM),
    ("type as number", action(type=5), FORM),
    ("view as string", view(view="V1"), FORM),
    ("view as list", view(view=[]), FORM),
    ("view state as string", view(view={"callback_id": "ask.send", "state": "x"}), FORM),
    ("view values as list", view(view={"callback_id": "ask.send", "state": {"values": []}}), FORM),
    ("event as string", event("app_home_opened"), JSON),
    ("event as list", event([]), JSON),
    ("event as number", event(5), JSON),
    ("event type as number", event({"type": 5, "user": "UDANA"}), JSON),
    ("event user as object", event({"type": "app_home_opened", "user": {"id": "U"}}), JSON),
    ("team_join user as string", event({"type": "team_join", "user": "UNEW"}), JSON),
    ("team_id as number", event(team_id=5), JSON),
    ("team_id as object", event(team_id={"id": "T1"}), JSON),
    ("event_id as number", event(event_id=5), JSON),
    # empty ids
    ("command empty team", command(team_id=""), FORM),
    ("command empty user", command(user_id=""), FORM),
    ("command no team", command(team_id=" "), FORM),
    ("action empty user", action(user={"id": ""}), FORM),
    ("action empty team", action(team={"id": ""}), FORM),
    ("view empty user", view(user={"id": ""}), FORM),
    ("event empty team", event(team_id=""), JSON),
    ("event empty user", event({"type": "app_home_opened", "user": ""}), JSON),
    # not Slack's shapes at all
    ("not json", "{", JSON),
    ("json list", "[]", JSON),
    ("json string", '"x"', JSON),
    ("payload list", urlencode({"payload": "[]"}), FORM),
    ("payload null", urlencode({"payload": "null"}), FORM),
    ("bad utf-8", "team_id=T1&text=%FF", FORM),
]


async def count(slack: SlackWorld, sql: str) -> int:
    async with slack.core.units.sessions() as session:
        return int((await session.execute(text(sql))).scalar_one())


@pytest.mark.parametrize(("name", "body", "content_type"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_malformed_signed_requests_get_a_4xx_and_no_traceback(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture, name: str, body: str, content_type: str
) -> None:
    slack.user("UDANA", "dana")
    caplog.set_level(logging.DEBUG)

    answers = slack.double.response_url("answers")
    body = body.replace(quote(ANSWERS, safe=""), quote(answers, safe=""))

    response = await slack.sender.raw(body, content_type)

    assert 400 <= response.status < 500 or (content_type == JSON and response.status == 200), (
        response.status,
        response.text[:200],
    )
    assert [r for r in caplog.records if r.exc_info] == []
    assert writes(slack) == []
    assert await count(slack, "SELECT count(*) FROM members") == 0
    assert await count(slack, "SELECT count(*) FROM communities WHERE external_id <> 'T1'") == 0
    # The app is fine afterwards.
    assert said(await slack.sender.command("/networker", "help", user="UDANA"))


@pytest.mark.parametrize(
    "stamp", ["abc", "", "1e9", "١٧٠٠٠٠٠٠٠٠", "9" * 5000, "-5", " 1700000000", "1_700_000_000"]
)
async def test_a_timestamp_that_is_not_a_number_gets_401(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body = command()
    response = await slack.sender.raw(body, FORM, headers={"X-Slack-Request-Timestamp": stamp})
    assert response.status == 401
    assert [r for r in caplog.records if r.exc_info] == []
    assert await count(slack, "SELECT count(*) FROM members") == 0


@pytest.mark.xfail(
    strict=True,
    reason="the core reads a button's value as a row id with int() and looks it up as is: "
    "past the Integer columns' range SQLite raises OverflowError and PostgreSQL refuses the "
    "parameter (a 500, or after the ack a traceback and no answer). Ids out of range should "
    "name no row, in the store's get(); left for the store work in flight",
)
@pytest.mark.parametrize("action_id", ["consent.accept:0", "followup.helpful:0"])
async def test_a_button_naming_an_impossible_row_gets_a_clear_answer(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture, action_id: str
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.user("UDANA", "dana")
    response = await slack.sender.action(
        action_id, "9" * 30, user="UDANA", response_url=slack.double.response_url("pressed")
    )
    assert response.status == 200
    [answer] = slack.double.responses["pressed"]
    assert answer["text"].endswith("no longer exists.")
    assert [r for r in caplog.records if r.exc_info] == []
