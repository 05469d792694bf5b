"""Neutral messages as Discord content, embeds-free text and components.

Member text is escaped for Discord markdown and every message is sent with mentions
limited to the intended people, so nobody's text can ping @everyone, @here or a role.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from adapters.markup import Markup
from bot.messages import CHOICE_KINDS, Form, Input, InputKind, Mention, Message, Span, Style

CONTENT_MAX = 2000  # Discord's limit for a message's content
CUSTOM_ID_MAX = 100
MENTIONS_MAX = 100  # Discord's limit for allowed_mentions.users
TEXT_INPUT_MAX = 4000  # Discord's limit for a text input's value
PREFIX = "nw"  # custom ids look like nw|consent.accept|42


def escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


MARKDOWN = Markup(escape, bold="**")


def markdown(spans: Sequence[Span]) -> str:
    return MARKDOWN.spans(spans)


def content(message: Message) -> str:
    lines: list[str] = []
    for section in message.sections:
        if section.text:
            lines.append(markdown(section.text))
        lines.extend(f"**{escape(f.label)}**: {markdown(f.value)}" for f in section.fields)
    text = "\n".join(lines) or "\u200b"
    if len(text) > CONTENT_MAX:
        text = text[: CONTENT_MAX - 40] + "\n… (cut: too long for one message)"
    return text


def mentioned(message: Message) -> list[int]:
    """The people a message names on purpose: the only ones it may notify.

    Each once, at most 100: Discord refuses the whole message (400, "set items must be
    unique") when `allowed_mentions.users` repeats an id, and a message names the
    introducer twice."""
    ids: dict[int, None] = {}
    for section in message.sections:
        spans = [*section.text, *(s for f in section.fields for s in f.value)]
        for span in spans:
            if isinstance(span, Mention) and span.user_id.isdigit():
                ids[int(span.user_id)] = None
    return list(ids)[:MENTIONS_MAX]


def allowed_mentions(message: Message) -> discord.AllowedMentions:
    users = [discord.Object(id=i) for i in mentioned(message)]
    return discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=False)


def custom_id(community: str, action: str, value: str) -> str:
    """nw|<guild>|<action>|<value>: a DM button still knows its community after a restart."""
    return f"{PREFIX}|{community}|{action}|{value}"[:CUSTOM_ID_MAX]


def parse_custom_id(value: str) -> tuple[str, str, str] | None:
    """(community, action, value), or None for ids that are not ours."""
    parts = value.split("|", 3)
    if len(parts) != 4 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2], parts[3]


_STYLES = {
    Style.PRIMARY: discord.ButtonStyle.primary,
    Style.DANGER: discord.ButtonStyle.danger,
    Style.DEFAULT: discord.ButtonStyle.secondary,
}


def view(message: Message, community: str) -> discord.ui.View | None:
    """Buttons as a view with no timeout: they stay pressable, the database holds the state.

    The view is stopped before it is sent: presses are answered from the custom id
    (`NetworkerBot.on_interaction`), and discord.py stores no finished view."""
    if not message.buttons:
        return None
    result = discord.ui.View(timeout=None)
    for i, button in enumerate(message.buttons[:25]):
        result.add_item(
            discord.ui.Button(
                label=button.label[:80],
                custom_id=custom_id(community, button.action, button.value),
                style=_STYLES[button.style],
                row=i // 5,
            )
        )
    result.stop()  # sent as components only: discord.py would keep every view sent, forever
    return result


def modal(form: Form, community: str) -> discord.ui.Modal:
    """A form as a modal. Its answers are read from the raw submit (see `modal_answers`),
    so a modal opened before a restart still works after it. The core keeps every form
    within the five Label-wrapped inputs a modal may hold."""
    result = discord.ui.Modal(
        title=form.title[:45], custom_id=custom_id(community, form.action, form.value)
    )
    for item in form.inputs[:5]:
        result.add_item(
            discord.ui.Label(
                text=item.label[:45],
                component=_component(item),
                description=item.hint[:100] or None,
            )
        )
    result.stop()  # likewise: not kept in discord.py's modal store until submitted
    return result


RADIO_MAX = 10  # Discord: a radio or checkbox group holds 2 to 10 options
SELECT_MAX = 25  # and a select at most 25


def _component(item: Input) -> discord.ui.Item[discord.ui.Modal]:
    """The Discord component for one input kind. Discord has no date or time-zone
    picker: those are short text inputs, checked by the core like every answer."""
    kind = item.kind
    chosen = set(item.initial.split(",")) if item.initial else set()
    if kind is InputKind.MEMBER:
        return discord.ui.UserSelect(custom_id=item.name, required=item.required)
    if kind is InputKind.YES_NO:
        return discord.ui.Checkbox(custom_id=item.name, default=item.initial == "yes")
    if kind is InputKind.CHOICE and 2 <= len(item.options) <= RADIO_MAX:
        return discord.ui.RadioGroup(
            custom_id=item.name,
            required=item.required,
            options=[
                discord.RadioGroupOption(
                    label=o.label[:100], value=o.value[:100], default=o.value in chosen
                )
                for o in item.options
            ],
        )
    if kind is InputKind.MULTI_CHOICE and 1 <= len(item.options) <= RADIO_MAX:
        return discord.ui.CheckboxGroup(
            custom_id=item.name,
            required=item.required,
            min_values=1 if item.required else 0,
            max_values=len(item.options),
            options=[
                discord.CheckboxGroupOption(
                    label=o.label[:100], value=o.value[:100], default=o.value in chosen
                )
                for o in item.options
            ],
        )
    if kind in CHOICE_KINDS:
        options = item.options[:SELECT_MAX]
        return discord.ui.Select(
            custom_id=item.name,
            required=item.required,
            min_values=1 if item.required else 0,
            max_values=len(options) if kind is InputKind.MULTI_CHOICE else 1,
            options=[
                discord.SelectOption(
                    label=o.label[:100], value=o.value[:100], default=o.value in chosen
                )
                for o in options
            ],
        )
    long = kind is InputKind.LONG_TEXT
    default = item.initial[:TEXT_INPUT_MAX]
    placeholder = item.placeholder or ("YYYY-MM-DD" if kind is InputKind.DATE else "")
    return discord.ui.TextInput(
        custom_id=item.name,
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
        required=item.required,
        default=default or None,
        placeholder=placeholder[:100] or None,
        # Discord refuses the whole modal when the current value is longer (e.g. a
        # long skills list); the core checks the lengths of what comes back.
        max_length=max(1000 if long else 200, len(default)),
    )


_USER_SELECT = discord.ComponentType.user_select.value
_CHECKBOX = discord.ComponentType.checkbox.value


def modal_answers(data: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    """Answers by field name, as the core reads them (a choice's value, several joined
    by ",", a checkbox as yes/no), and the member picked, from a modal submit's data."""
    inputs: dict[str, str] = {}
    picked: str | None = None
    stack: list[dict[str, Any]] = list(data.get("components") or [])
    while stack:
        item = stack.pop()
        stack.extend(item.get("components") or [])
        if isinstance(item.get("component"), dict):
            stack.append(item["component"])
        name = item.get("custom_id")
        if not name:
            continue
        if item.get("type") == _USER_SELECT:
            values = item.get("values") or []
            picked = str(values[0]) if values else picked
        elif "values" in item:  # a select or a checkbox group
            inputs[name] = ",".join(str(v) for v in item.get("values") or [])
        elif item.get("type") == _CHECKBOX:
            inputs[name] = "yes" if item.get("value") is True else "no"
        elif "value" in item:
            inputs[name] = str(item.get("value") or "")
    return inputs, picked
