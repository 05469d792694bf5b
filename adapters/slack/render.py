"""Neutral messages as Block Kit. Member text is escaped: it can never mention or link."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.markup import Markup
from bot.messages import Form, InputKind, Message, Span, Style

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
        if item.kind is InputKind.MEMBER:
            element: Block = {"type": "users_select", "action_id": item.name}
        else:
            element = {
                "type": "plain_text_input",
                "action_id": item.name,
                "multiline": item.kind is InputKind.LONG_TEXT,
            }
            if item.initial:
                element["initial_value"] = item.initial[:3000]
        if item.placeholder:
            element["placeholder"] = {"type": "plain_text", "text": item.placeholder[:150]}
        view_blocks.append(
            {
                "type": "input",
                "block_id": item.name,
                "optional": not item.required,
                "label": {"type": "plain_text", "text": item.label[:2000]},
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": form.action,
        "private_metadata": form.value[:3000],
        "title": {"type": "plain_text", "text": form.title[:24]},
        "submit": {"type": "plain_text", "text": form.submit[:24]},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": view_blocks,
    }


def view_values(view: Block) -> tuple[dict[str, str], str | None]:
    """Text answers by input name, and the member picked (a users_select), if any."""
    inputs: dict[str, str] = {}
    member: str | None = None
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for value in actions.values():
            if value.get("type") == "users_select":
                member = value.get("selected_user") or None
            elif value.get("value") is not None:
                inputs[block_id] = value["value"]
    return inputs, member
