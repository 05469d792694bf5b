"""Hostile or malformed requests at /slack/events: each gets a 4xx (or, for an event
there is nothing to do about, a plain 200), changes nothing, and logs no traceback."""

from __future__ import annotations

import json
import logging
import os
import random
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
    (
        "team_join bad tz",
        event({"type": "team_join", "user": {"id": "UNEW", "tz": "Mars/Base"}}),
        JSON,
    ),
    ("event id with NUL", event(event_id="Ev\u0000"), JSON),
    ("text with NUL", command(text="me\u0000"), FORM),
    ("response_url not a URL", command(response_url="javascript:alert(1)"), FORM),
    ("interaction of another kind", action(type="workflow_step_edit"), FORM),
    ("view of another kind", view(view={"type": "workflow_step", "callback_id": "x"}), FORM),
    ("view state null", view(view={"type": "modal", "callback_id": "x", "state": None}), FORM),
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


async def test_malformed_signed_requests_get_a_4xx_and_no_traceback(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    slack.user("UDANA", "dana")
    answers = slack.double.response_url("answers")

    for name, body, content_type in MALFORMED:
        body = body.replace(quote(ANSWERS, safe=""), quote(answers, safe=""))
        response = await slack.sender.raw(body, content_type)

        assert 400 <= response.status < 500, (name, response.status, response.text[:200])
        assert [r.getMessage() for r in caplog.records if r.exc_info] == [], name
        assert writes(slack) == [], name
        assert await count(slack, "SELECT count(*) FROM members") == 0, name
        assert await count(slack, "SELECT count(*) FROM communities") == 1, name
        assert slack.double.responses["answers"] == [], name
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


# --- fuzzing: Slack's own payloads with one field swapped for something else --------------

# A longer run, e.g. before a release: NETWORKER_FUZZ_CASES=5000 NETWORKER_FUZZ_SEED=7
FUZZ_CASES = int(os.environ.get("NETWORKER_FUZZ_CASES", "300"))
FUZZ_SEED = int(os.environ.get("NETWORKER_FUZZ_SEED", "10"))
DELETE = "<delete>"  # the field is left out
ODD_VALUES: list[Any] = [
    "",
    " ",
    "x" * 300,
    "\u0000",
    "\u202e",
    0,
    -1,
    2**70,
    1.5,
    True,
    None,
    [],
    {},
    [1],
    ["a"],
    {"id": 5},
    {"id": ""},
    "<nested:40>",
    DELETE,
]


def templates(answers: str) -> list[tuple[Json, str]]:
    """Payloads as Slack sends them, with the content type they come in."""
    user = {"id": "UDANA", "name": "dana", "team_id": "T1"}
    team = {"id": "T1", "domain": "one"}
    state = {"values": {"b1": {"a1": {"type": "plain_text_input", "value": "hi there"}}}}
    return [
        (
            {
                "token": "t",
                "team_id": "T1",
                "user_id": "UDANA",
                "user_name": "dana",
                "channel_id": "C1",
                "command": "/thanks",
                "text": "<@UANA|ana> for the review",
                "response_url": answers,
                "trigger_id": "1.2.3",
            },
            FORM,
        ),
        (
            {
                "type": "block_actions",
                "user": user,
                "team": team,
                "trigger_id": "1.2.3",
                "response_url": answers,
                "channel": {"id": "D1"},
                "container": {"type": "message"},
                "message": {"ts": "1.1", "blocks": []},
                "actions": [{"action_id": "profile.edit:0", "value": "", "block_id": "b"}],
            },
            FORM,
        ),
        (
            {
                "type": "view_submission",
                "user": user,
                "team": team,
                "trigger_id": "1.2.3",
                "view": {
                    "id": "V1",
                    "type": "modal",
                    "callback_id": "profile.save",
                    "private_metadata": "",
                    "blocks": [{"type": "input", "block_id": "b1"}],
                    "state": state,
                },
            },
            FORM,
        ),
        (
            {
                "type": "event_callback",
                "team_id": "T1",
                "event_id": "EvFuzz",
                "event": {
                    "type": "team_join",
                    "user": {
                        "id": "UNEW",
                        "name": "nia",
                        "tz": "Asia/Tokyo",
                        "profile": {"display_name": "Nia"},
                    },
                },
            },
            JSON,
        ),
        (
            {
                "type": "event_callback",
                "team_id": "T1",
                "event_id": "EvFuzz",
                "event": {"type": "member_joined_channel", "user": "UDANA", "channel": "C1"},
            },
            JSON,
        ),
        (
            {
                "type": "event_callback",
                "team_id": "T1",
                "event_id": "EvFuzz",
                "event": {"type": "app_home_opened", "user": "UDANA", "tab": "home"},
            },
            JSON,
        ),
        (
            {
                "type": "event_callback",
                "team_id": "T1",
                "event_id": "EvFuzz",
                "event": {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}},
            },
            JSON,
        ),
        (
            {
                "type": "block_actions",
                "user": user,
                "team": team,
                "trigger_id": "1.2.3",
                "container": {"type": "view", "view_id": "VHOME"},
                "view": {"id": "VHOME", "type": "home", "blocks": [], "state": {"values": {}}},
                "actions": [{"action_id": "account.pause:0", "value": "", "block_id": "b"}],
            },
            FORM,
        ),
    ]


def paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at] if at else []
    children = value.items() if isinstance(value, dict) else enumerate(value)
    if isinstance(value, dict | list):
        for key, child in children:
            found += paths(child, (*at, key))
    return found


def swapped(payload: Json, path: tuple[Any, ...], new: Any) -> Json:
    copy: Json = json.loads(json.dumps(payload))
    parent: Any = copy
    for key in path[:-1]:
        parent = parent[key]
    if new == DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return copy


def fuzzed(answers: str, count: int, seed: int) -> list[tuple[str, str, str]]:
    """(what was swapped, body, content type), the same every run."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        payload, content_type = rng.choice(templates(answers))
        path = rng.choice(paths(payload))
        new = rng.choice(ODD_VALUES)
        body = swapped(payload, path, new)
        if content_type == JSON:
            text_ = dumps(body)
        elif "command" in payload:
            text_ = urlencode({k: v if isinstance(v, str) else dumps(v) for k, v in body.items()})
        else:
            text_ = urlencode({"payload": dumps(body)})
        cases.append((f"{'.'.join(map(str, path))}={new!r:.20}", text_, content_type))
    return cases


async def test_fuzzed_slack_payloads_never_get_a_5xx_or_a_traceback(
    slack: SlackWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for user in ("UDANA", "UANA", "UNEW"):
        slack.user(user, user[1:].lower())
    answers = slack.double.response_url("answers")
    for what, body, content_type in fuzzed(answers, FUZZ_CASES, FUZZ_SEED):
        response = await slack.sender.raw(body, content_type)
        assert response.status < 500, (what, response.status, response.text[:200])
        assert [r.getMessage() for r in caplog.records if r.exc_info] == [], what


async def test_a_command_whose_text_says_payload_is_a_command(slack: SlackWorld) -> None:
    """bolt reads a form body with the word "payload" in it as an interaction."""
    slack.user("UDANA", "dana")
    slack.user("UANA", "ana")

    answer = said(
        await slack.sender.command(
            "/thanks", "<@UANA|ana> for fixing the payload parser", user="UDANA"
        )
    )

    assert answer == "Thank-you sent to <@UANA>."
