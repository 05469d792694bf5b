"""The shape a Slack request body must have before any listener (or bolt) reads it.

Slack's own payloads for what Networker handles (commands, its buttons and forms, the
events it subscribes to) always pass. A hand-made or fuzzed body, even a correctly
signed one, is refused with a reason instead of reaching code that expects an object
and finds a string, an id longer than the database holds, or nesting deep enough to
exhaust the stack. Only the fields Networker and bolt read are checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.domain.errors import UserError
from bot.domain.members import PLATFORM_ID_MAX
from bot.domain.profile import parse_timezone

NAME_MAX = 255  # action_id, block_id, callback_id, trigger_id, an event type: Slack's limit
VALUE_MAX = 2000  # a button's value: Slack's limit
METADATA_MAX = 3000  # a modal's private_metadata: Slack's limit
URL_MAX = 2048
# Slack's deepest payloads (rich text in a modal's state, a message's attachments) stay
# well under this.
DEPTH_MAX = 32
# Slack ids are short runs of letters and digits; anything with spaces, control
# characters or non-ASCII is not one.
ID = re.compile(r"[\x21-\x7e]+")
URL = re.compile(r"https?://[\x21-\x7e]+")
# Bodies bolt answers without any listener.
ANSWERED_BY_BOLT = {"url_verification", "ssl_check", "app_rate_limited"}
# The interactions Networker's messages, forms and Home tab produce.
INTERACTIONS = {"block_actions", "view_submission", "view_closed"}
VIEWS = {"modal", "home"}


class Malformed(Exception):
    """Why a body is not one Slack sends."""


def problem(body: Mapping[str, Any]) -> str | None:
    """None for a body Slack could have sent; otherwise what is wrong with it."""
    try:
        _walk(body)
        _text(body, "type", NAME_MAX, required=False)
        kind = body.get("type")
        if kind in ANSWERED_BY_BOLT or "ssl_check" in body:
            return None
        if "command" in body:
            _command(body)
        elif kind == "event_callback":
            _event(body)
        elif kind in INTERACTIONS:
            _interactive(body)
        else:
            raise Malformed("not a command, an interaction or an event Networker takes")
    except Malformed as error:
        return str(error)
    return None


def _walk(body: Mapping[str, Any]) -> None:
    """Every level, without recursion (so the walk itself cannot exhaust the stack): not
    too deep, and no NUL character, which no database text column takes."""
    level: list[Any] = [body]
    for _ in range(DEPTH_MAX):
        children = [
            child
            for node in level
            for child in ([*node.keys(), *node.values()] if isinstance(node, Mapping) else node)
        ]
        if any(isinstance(child, str) and "\x00" in child for child in children):
            raise Malformed("a NUL character")
        level = [child for child in children if isinstance(child, Mapping | list)]
        if not level:
            return
    raise Malformed(f"nested more than {DEPTH_MAX} levels deep")


# --- the three kinds of request -----------------------------------------------------------


def _command(body: Mapping[str, Any]) -> None:
    _id(body, "team_id")
    _id(body, "user_id")
    _id(body, "channel_id", required=False)
    _id(body, "enterprise_id", required=False)
    _text(body, "command", NAME_MAX)
    _text(body, "text", required=False)
    _text(body, "user_name", NAME_MAX, required=False)
    _text(body, "trigger_id", NAME_MAX, required=False)
    _url(body, "response_url")


def _interactive(body: Mapping[str, Any]) -> None:
    _id(_object(body, "team"), "id")
    user = _object(body, "user")
    _id(user, "id")
    _text(user, "name", NAME_MAX, required=False)
    _text(body, "trigger_id", NAME_MAX, required=False)
    _url(body, "response_url")
    if body.get("channel") is not None:
        _id(_object(body, "channel"), "id")
    if body["type"] == "block_actions" or "actions" in body:
        actions = _list(body, "actions")
        if not actions:
            raise Malformed("actions is empty")
        for action in actions:
            _button(_object_in(action, "actions"))
    if body["type"].startswith("view_") or body.get("view") is not None:
        _view(_object(body, "view"))


def _event(body: Mapping[str, Any]) -> None:
    _id(body, "team_id")
    _id(body, "enterprise_id", required=False)
    _id(body, "event_id", required=False)
    if body.get("authorizations") is not None:
        for item in _list(body, "authorizations"):
            _object_in(item, "authorizations")
    event = _object(body, "event")
    _text(event, "type", NAME_MAX)
    _text(event, "tab", NAME_MAX, required=False)
    if event["type"] == "team_join":  # the whole user
        _profile(_object(event, "user"))
    elif event["type"] in ("app_home_opened", "member_joined_channel", "member_left_channel"):
        _id(event, "user")
    if isinstance(event.get("channel"), str):
        _id(event, "channel")
    if event.get("tokens") is not None:
        _object(event, "tokens")


# --- parts ----------------------------------------------------------------------------------


def _button(action: Mapping[str, Any]) -> None:
    _text(action, "action_id", NAME_MAX)
    _text(action, "block_id", NAME_MAX, required=False)
    _text(action, "value", VALUE_MAX, required=False)


def _view(view: Mapping[str, Any]) -> None:
    # Read with a default for when they are absent: present, they must not be null.
    for key in ("callback_id", "private_metadata", "blocks", "state"):
        if key in view and view[key] is None:
            raise Malformed(f"view.{key} is null")
    _text(view, "type", NAME_MAX)  # bolt reads it (a workflow step is something else)
    if view["type"] not in VIEWS:
        raise Malformed(f"view.type is not one of {sorted(VIEWS)}")
    _text(view, "callback_id", NAME_MAX, required=False)
    _text(view, "private_metadata", METADATA_MAX, required=False)
    for block in _list(view, "blocks") if "blocks" in view else []:
        _text(_object_in(block, "view.blocks"), "block_id", NAME_MAX, required=False)
    state = _object(view, "state") if "state" in view else {}
    values = _object(state, "values") if "values" in state else {}
    for inputs in values.values():
        for answer in _object_in(inputs, "view.state.values").values():
            answer = _object_in(answer, "view.state.values")
            _text(answer, "type", NAME_MAX, required=False)
            _text(answer, "value", required=False)
            _id(answer, "selected_user", required=False)


def _profile(user: Mapping[str, Any]) -> None:
    """A user object as team_join carries it: its names and time zone reach the database."""
    _id(user, "id")
    for name in ("name", "real_name"):
        _text(user, name, NAME_MAX, required=False)
    _text(user, "tz", PLATFORM_ID_MAX, required=False)
    if user.get("tz"):
        try:
            parse_timezone(user["tz"])
        except UserError:
            raise Malformed("user.tz is not a time zone") from None
    if user.get("profile") is not None:
        _text(_object(user, "profile"), "display_name", NAME_MAX, required=False)


# --- fields ---------------------------------------------------------------------------------


def _object(parent: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    return _object_in(parent.get(key), key)


def _object_in(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Malformed(f"{where} must be an object")
    return value


def _list(parent: Mapping[str, Any], key: str) -> list[Any]:
    value = parent.get(key)
    if not isinstance(value, list):
        raise Malformed(f"{key} must be a list")
    return value


def _text(
    parent: Mapping[str, Any], key: str, max_len: int | None = None, *, required: bool = True
) -> None:
    value = parent.get(key)
    if value is None and not required:
        return
    if not isinstance(value, str):
        raise Malformed(f"{key} must be a string")
    if max_len is not None and len(value) > max_len:
        raise Malformed(f"{key} is longer than {max_len} characters")


def _url(parent: Mapping[str, Any], key: str) -> None:
    """Where bolt's respond() posts, if given."""
    _text(parent, key, URL_MAX, required=False)
    if parent.get(key) is not None and not URL.fullmatch(parent[key]):
        raise Malformed(f"{key} is not a URL")


def _id(parent: Mapping[str, Any], key: str, *, required: bool = True) -> None:
    value = parent.get(key)
    if value in (None, "") and not required:
        return
    _text(parent, key, PLATFORM_ID_MAX)
    if not ID.fullmatch(str(value)):
        raise Malformed(f"{key} is not an id")
