"""Outbound messages as plain JSON, so they can wait in a database row until sent.

Only what `bot.messages` defines is written and read back; anything else is refused
(a row that cannot be read is a bug, not something to guess at).
"""

from __future__ import annotations

from typing import Any

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
    Line,
    Mention,
    Message,
    Option,
    Outbound,
    Plain,
    Quote,
    Section,
    Span,
    Style,
)

Json = dict[str, Any]


def encode(item: Outbound) -> Json:
    """Where it goes and what it says."""
    if isinstance(item, DirectMessage):
        to: Json = {"dm": item.recipient}
    elif isinstance(item, GroupConversation):
        to = {"group": list(item.members), "title": item.title, "place": item.place}
    else:
        to = {"channel": item.channel}
    return {"to": to, "message": encode_message(item.message)}


def decode(data: Json) -> Outbound:
    to, msg = data["to"], decode_message(data["message"])
    if "dm" in to:
        return DirectMessage(str(to["dm"]), msg)
    if "group" in to:
        return GroupConversation(
            tuple(str(m) for m in to["group"]), msg, str(to["title"]), to["place"]
        )
    return ChannelPost(str(to["channel"]), msg)


def encode_message(msg: Message) -> Json:
    out: Json = {
        "sections": [
            {
                "text": _line(s.text),
                "fields": [{"label": f.label, "value": _line(f.value)} for f in s.fields],
            }
            for s in msg.sections
        ],
        "buttons": [
            {"label": b.label, "action": b.action.value, "value": b.value, "style": b.style.value}
            for b in msg.buttons
        ],
    }
    if msg.form is not None:
        form = msg.form
        out["form"] = {
            "title": form.title,
            "action": form.action.value,
            "value": form.value,
            "submit": form.submit,
            "inputs": [
                {
                    "name": i.name,
                    "label": i.label,
                    "kind": i.kind.value,
                    "required": i.required,
                    "placeholder": i.placeholder,
                    "initial": i.initial,
                    "options": [[o.value, o.label] for o in i.options],
                    "hint": i.hint,
                }
                for i in form.inputs
            ],
        }
    return out


def decode_message(data: Json) -> Message:
    sections = tuple(
        Section(
            _spans(s["text"]),
            tuple(Field(str(f["label"]), _spans(f["value"])) for f in s["fields"]),
        )
        for s in data["sections"]
    )
    buttons = tuple(
        Button(str(b["label"]), Action(b["action"]), str(b["value"]), Style(b["style"]))
        for b in data["buttons"]
    )
    form = None
    if "form" in data:
        f = data["form"]
        form = Form(
            str(f["title"]),
            Action(f["action"]),
            str(f["value"]),
            tuple(
                Input(
                    str(i["name"]),
                    str(i["label"]),
                    InputKind(i["kind"]),
                    bool(i["required"]),
                    str(i["placeholder"]),
                    str(i["initial"]),
                    # rows written before choices existed have neither
                    tuple(Option(str(v), str(label)) for v, label in i.get("options", [])),
                    str(i.get("hint", "")),
                )
                for i in f["inputs"]
            ),
            str(f["submit"]),
        )
    return Message(sections, buttons, form)


def _line(spans: Line) -> list[Json]:
    return [_span(s) for s in spans]


def _span(span: Span) -> Json:
    if isinstance(span, Mention):
        return {"mention": span.user_id, "name": span.name}
    if isinstance(span, Bold):
        return {"bold": span.text}
    if isinstance(span, Quote):
        return {"quote": span.text}
    return {"plain": span.text}


def _spans(data: list[Json]) -> Line:
    out: list[Span] = []
    for item in data:
        if "mention" in item:
            out.append(Mention(str(item["mention"]), str(item["name"])))
        elif "bold" in item:
            out.append(Bold(str(item["bold"])))
        elif "quote" in item:
            out.append(Quote(str(item["quote"])))
        elif "plain" in item:
            out.append(Plain(str(item["plain"])))
        else:
            raise ValueError(f"not a span: {item!r}")
    return tuple(out)
