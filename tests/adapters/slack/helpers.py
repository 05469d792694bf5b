"""What a Slack user would see, read from the HTTP answers and the Web API double.

The double answers ``conversations.open`` with ``D<user>`` for a DM and
``G<sorted users joined by ->`` for a group DM, so a DM to Ana is ``dm("UANA")``.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.double import Call
from tests.adapters.slack.signed import Response

Json = dict[str, Any]
_presses = itertools.count(1)


def dm(user: str) -> str:
    return f"D{user}"


def group(*users: str) -> str:
    return "G" + "-".join(sorted(users))


# --- reading Block Kit ----------------------------------------------------------------------


def mrkdwn(blocks: list[Json]) -> list[str]:
    """Every mrkdwn text in the blocks: section texts and fields, in order."""
    out: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and text.get("type") == "mrkdwn":
            out.append(text["text"])
        for item in block.get("fields") or []:
            if item.get("type") == "mrkdwn":
                out.append(item["text"])
    return out


def shown(blocks: list[Json]) -> str:
    """The visible text of the blocks, one line per text."""
    return "\n".join(mrkdwn(blocks))


def buttons(blocks: list[Json]) -> list[Json]:
    return [
        element
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


def button(blocks: list[Json], label: str) -> Json:
    """The one button whose label starts with `label`."""
    found = [b for b in buttons(blocks) if b["text"]["text"].startswith(label)]
    assert len(found) == 1, f"{label!r} among {[b['text']['text'] for b in buttons(blocks)]}"
    return found[0]


def labels(blocks: list[Json]) -> list[str]:
    return [b["text"]["text"] for b in buttons(blocks)]


# --- answers ----------------------------------------------------------------------------------


def ephemeral(response: Response) -> Json:
    """A slash command's answer in the HTTP response: only the invoker sees it."""
    assert response.status == 200, response.text
    body: Json = response.json()
    assert body["response_type"] == "ephemeral", body
    assert body["text"], body
    return body


def said(response: Response) -> str:
    """The visible text of an ephemeral answer."""
    return shown(ephemeral(response)["blocks"])


def empty_ack(response: Response) -> None:
    assert response.status == 200, response.text
    assert response.text == "", response.text


# --- the Web API double -------------------------------------------------------------------


def posts(world: SlackWorld, channel: str | None = None) -> list[Json]:
    """chat.postMessage params, optionally only those to one channel."""
    return [
        call.params
        for call in world.double.calls_to("chat.postMessage")
        if channel is None or call.params.get("channel") == channel
    ]


def only_post(world: SlackWorld, channel: str) -> Json:
    found = posts(world, channel)
    assert len(found) == 1, [p.get("channel") for p in posts(world)]
    return found[0]


def post_text(params: Json) -> str:
    return shown(params["blocks"])


def opened(world: SlackWorld) -> list[str]:
    """The users= of every conversations.open, as given."""
    return [str(c.params.get("users")) for c in world.double.calls_to("conversations.open")]


def views(world: SlackWorld, method: str = "views.open") -> list[Json]:
    return [c.params["view"] for c in world.double.calls_to(method)]


def only_view(world: SlackWorld) -> Json:
    found = views(world)
    assert len(found) == 1, found
    return found[0]


def writes(world: SlackWorld) -> list[Call]:
    """Calls that change something a member sees (everything but users.info and auth.test)."""
    return [c for c in world.double.calls if c.method not in ("users.info", "auth.test")]


def responses(world: SlackWorld, name: str) -> list[Json]:
    return world.double.responses.get(name, [])


def everything_sent(world: SlackWorld) -> str:
    """All params of all calls and response_url posts, as one JSON string."""
    return json.dumps(
        [c.params for c in world.double.calls] + list(world.double.responses.values()),
        ensure_ascii=False,
    )


# --- doing things -------------------------------------------------------------------------


async def set_profile(world: SlackWorld, user: str, text: str) -> None:
    answer = said(await world.sender.command("/profile", text, user=user))
    assert answer.startswith("Saved."), answer


async def press(world: SlackWorld, user: str, pressed: Json, name: str | None = None) -> list[Json]:
    """Click a button the bot posted in the user's DM; returns what came to its response_url."""
    name = name or f"press-{next(_presses)}"
    response = await world.sender.action(
        pressed["action_id"],
        pressed["value"],
        user=user,
        channel=dm(user),
        response_url=world.double.response_url(name),
    )
    empty_ack(response)
    return responses(world, name)


async def submit(world: SlackWorld, view: Json, user: str, **answers: str | None) -> Response:
    """Submit a modal the bot opened as Slack sends it: each element's own kind of state
    (text, a picked user, a selected option or several, a date). An answer not given is
    the element's initial one; a choice is given by its value, several joined by ","."""
    values: dict[str, dict[str, Json]] = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        answer = answers.get(block["block_id"])
        given = block["block_id"] in answers
        kind = element["type"]
        if kind == "users_select":
            state: Json = {"type": kind, "selected_user": answer}
        elif kind in ("static_select", "radio_buttons"):
            initial = element.get("initial_option")
            picked = _option_of(element, answer) if given else initial
            state = {"type": kind, "selected_option": picked}
        elif kind in ("checkboxes", "multi_static_select"):
            chosen = (
                [_option_of(element, v) for v in (answer or "").split(",") if v]
                if given
                else element.get("initial_options") or []
            )
            state = {"type": kind, "selected_options": chosen}
        elif kind == "datepicker":
            state = {
                "type": kind,
                "selected_date": answer if given else element.get("initial_date"),
            }
        else:
            text = answer if answer is not None else element.get("initial_value")
            state = {"type": "plain_text_input", "value": text}
        values[block["block_id"]] = {element["action_id"]: state}
    unknown = set(answers) - set(values)
    assert not unknown, f"no such fields: {unknown}"
    return await world.sender.view_submission(
        view["callback_id"], view["private_metadata"], values, user=user
    )


def _option_of(element: Json, value: str | None) -> Json | None:
    """The option with this value, as Slack sends it back; a value the element does not
    offer is sent as it is (a forged submission)."""
    if value is None:
        return None
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group["options"])
    for option in options:
        if option["value"] == value:
            return dict(option)
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def home_action(user: str, pressed: Json, *, team: str = "T1") -> Json:
    """A block_actions payload for a button in the App Home tab (no response_url)."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": "444.555.666",
        "team": {"id": team, "domain": f"team-{team.lower()}"},
        "enterprise": None,
        "is_enterprise_install": False,
        "view": {
            "id": "VHOME",
            "team_id": team,
            "type": "home",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": {}},
            "hash": "1700000000.home",
            "app_id": "A1",
            "bot_id": "BBOT",
        },
        "actions": [
            {
                "action_id": pressed["action_id"],
                "block_id": "b1",
                "text": {"type": "plain_text", "text": pressed["text"]["text"]},
                "value": pressed["value"],
                "type": "button",
                "action_ts": "1700000000.000001",
            }
        ],
    }


async def open_home(world: SlackWorld, user: str, event_id: str) -> list[Json]:
    """The member opens the Home tab; returns the blocks published for it."""
    before = len(world.double.calls_to("views.publish"))
    response = await world.sender.event(
        {"type": "app_home_opened", "user": user, "channel": dm(user), "tab": "home"},
        event_id=event_id,
    )
    assert response.status == 200, response.text
    published = world.double.calls_to("views.publish")[before:]
    assert len(published) == 1
    assert published[0].params["user_id"] == user
    view: Json = published[0].params["view"]
    assert view["type"] == "home"
    blocks: list[Json] = view["blocks"]
    return blocks
