"""Neutral messages as Block Kit. Member text is escaped: it can never mention or link."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from adapters.markup import Markup
from bot.messages import Form, Input, InputKind, Message, Option, Span, Style

SECTION_MAX = 3000  # Slack's limit for a section's text
BLOCKS_MAX = 50  # Slack's limit for a message
FIELDS_PER_SECTION = 10
BUTTONS_PER_BLOCK = 5
Block = dict[str, Any]


def escape(text: str) -> str:
    """mrkdwn control characters: only these three, & first."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MRKDWN = Markup(escape, bold="*")


def mrkdwn(spans: Sequence[Span]) -> str:
    return MRKDWN.spans(spans)


def fallback_text(message: Message) -> str:
    """The notification text: the first section, escaped the same way."""
    for section in message.sections:
        if section.text:
            return mrkdwn(section.text)[:SECTION_MAX]
    return "Networker"


def blocks(message: Message) -> list[Block]:
    result: list[Block] = []
    for section in message.sections:
        if section.text:
            text = mrkdwn(section.text)
            for start in range(0, len(text), SECTION_MAX):
                result.append(_section(text[start : start + SECTION_MAX]))
        fields = [f"*{escape(f.label)}*\n{mrkdwn(f.value)}"[:2000] for f in section.fields]
        for start in range(0, len(fields), FIELDS_PER_SECTION):
            result.append(
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": t}
                        for t in fields[start : start + FIELDS_PER_SECTION]
                    ],
                }
            )
    for start in range(0, len(message.buttons), BUTTONS_PER_BLOCK):
        chunk = message.buttons[start : start + BUTTONS_PER_BLOCK]
        elements = []
        for i, button in enumerate(chunk, start):
            element: Block = {
                "type": "button",
                "text": {"type": "plain_text", "text": button.label[:75], "emoji": True},
                # Action ids must be unique in a message; the index keeps them apart.
                "action_id": f"{button.action}:{i}",
                "value": button.value[:2000],
            }
            if button.style is not Style.DEFAULT:
                element["style"] = button.style.value
            elements.append(element)
        result.append({"type": "actions", "elements": elements})
    if len(result) > BLOCKS_MAX:  # keep the buttons (last), cut the middle of a long text
        actions = [b for b in result if b["type"] == "actions"][-2:]
        room = BLOCKS_MAX - len(actions) - 1
        result = [*result[:room], _section("… (cut: too long for one Slack message)"), *actions]
    return result


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(form: Form, intro: Message | None = None) -> Block:
    """A form as a modal view; the action and value travel in callback_id and metadata."""
    view_blocks: list[Block] = blocks(intro) if intro else []
    for item in form.inputs:
        block: Block = {
            "type": "input",
            "block_id": item.name,
            "optional": not item.required,
            "label": _plain(item.label, 2000),
            "element": _element(item),
        }
        if item.hint:
            block["hint"] = _plain(item.hint, 2000)
        view_blocks.append(block)
    return {
        "type": "modal",
        "callback_id": form.action,
        "private_metadata": form.value[:3000],
        "title": _plain(form.title, 24),
        "submit": _plain(form.submit, 24),
        "close": _plain("Cancel", 24),
        "blocks": view_blocks,
    }


RADIO_MAX = 5  # more options than this read better as a dropdown
CHECKBOXES_MAX = 10  # Slack's limit for checkboxes


def _element(item: Input) -> Block:
    """The Block Kit element for one input kind."""
    kind = item.kind
    element: Block
    if kind is InputKind.MEMBER:
        element = {"type": "users_select", "action_id": item.name}
        if item.initial:
            element["initial_user"] = item.initial
    elif kind is InputKind.DATE:
        element = {"type": "datepicker", "action_id": item.name}
        if item.initial:
            element["initial_date"] = item.initial
    elif kind is InputKind.YES_NO:
        element = _choice(item, (Option("yes", "Yes"), Option("no", "No")), "radio_buttons")
    elif kind is InputKind.TIMEZONE:
        element = _timezone_select(item)
    elif kind is InputKind.CHOICE:
        many = len(item.options) > RADIO_MAX
        element = _choice(item, item.options, "static_select" if many else "radio_buttons")
    elif kind is InputKind.MULTI_CHOICE:
        many = len(item.options) > CHECKBOXES_MAX
        element = _choice(item, item.options, "multi_static_select" if many else "checkboxes")
    else:
        element = {
            "type": "plain_text_input",
            "action_id": item.name,
            "multiline": kind is InputKind.LONG_TEXT,
        }
        if item.initial:
            element["initial_value"] = item.initial[:3000]
    if item.placeholder and element["type"] in _PLACEHOLDERS:
        element["placeholder"] = _plain(item.placeholder, 150)
    return element


_PLACEHOLDERS = {
    "plain_text_input",
    "users_select",
    "datepicker",
    "static_select",
    "multi_static_select",
}


def _choice(item: Input, options: Sequence[Option], type_: str) -> Block:
    element: Block = {
        "type": type_,
        "action_id": item.name,
        "options": [_option(o) for o in options[:100]],
    }
    chosen = set(item.initial.split(",")) if item.initial else set()
    initial = [_option(o) for o in options if o.value in chosen]
    if initial and type_ in ("checkboxes", "multi_static_select"):
        element["initial_options"] = initial
    elif initial:
        element["initial_option"] = initial[0]
    return element


def _timezone_select(item: Input) -> Block:
    """Every time zone, grouped by region (a group holds at most 100); the member's own
    (their Slack time zone, or the one they set) preselected."""
    groups: list[Block] = []
    for region, zones in _zone_groups():
        groups.append({"label": _plain(region, 75), "options": [_zone(z) for z in zones]})
    element: Block = {"type": "static_select", "action_id": item.name, "option_groups": groups}
    if item.initial and item.initial in _all_zones():
        element["initial_option"] = _zone(item.initial)
    return element


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(z for _, zones in _zone_groups() for z in zones)


@cache
def _zone_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    by_region: dict[str, list[str]] = {}
    for name in sorted(available_timezones()):
        region = name.partition("/")[0]
        if region in _REGIONS and "/" in name:
            by_region.setdefault(region, []).append(name)
    groups: list[tuple[str, tuple[str, ...]]] = [("UTC", ("UTC",))]
    for region in sorted(by_region):
        zones = by_region[region]
        for start in range(0, len(zones), 100):
            chunk = zones[start : start + 100]
            label = (
                region
                if len(zones) <= 100
                else f"{region} ({chunk[0].split('/')[-1][0]}-{chunk[-1].split('/')[-1][0]})"
            )
            groups.append((label, tuple(chunk)))
    return tuple(groups)


_REGIONS = {
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}


def _zone(name: str) -> Block:
    return _option(Option(name, name.replace("_", " ")))


def _option(option: Option) -> Block:
    return {"text": _plain(option.label, 75), "value": option.value[:150]}


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": text[:limit] or " "}


def view_values(view: Block) -> tuple[dict[str, str], str | None]:
    """Answers by input name, as the core reads them (a choice's value, several joined
    by ",", a date as YYYY-MM-DD), and the member picked (a users_select), if any."""
    inputs: dict[str, str] = {}
    member: str | None = None
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for value in actions.values():
            kind = value.get("type")
            if kind == "users_select":
                member = value.get("selected_user") or None
            elif kind in ("static_select", "radio_buttons"):
                inputs[block_id] = str((value.get("selected_option") or {}).get("value") or "")
            elif kind in ("checkboxes", "multi_static_select"):
                picked = value.get("selected_options") or []
                inputs[block_id] = ",".join(str(o.get("value") or "") for o in picked)
            elif kind == "datepicker":
                inputs[block_id] = str(value.get("selected_date") or "")
            elif value.get("value") is not None:
                inputs[block_id] = value["value"]
    return inputs, member
