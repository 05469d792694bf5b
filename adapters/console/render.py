"""Neutral messages as terminal text."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import CHOICE_KINDS, Button, Form, Input, InputKind, Message, Span, render_plain


def render(message: Message, buttons_from: int = 1) -> list[str]:
    lines: list[str] = []
    for section in message.sections:
        if section.text:
            lines.extend(render_plain(section.text).splitlines() or [""])
        for field in section.fields:
            lines.append(f"  {field.label}: {render_plain(field.value)}")
    if message.buttons:
        lines.append(render_buttons(message.buttons, buttons_from))
    if message.form:
        lines.extend(render_form(message.form, buttons_from + len(message.buttons)))
    return lines


def render_buttons(buttons: Sequence[Button], start: int = 1) -> str:
    return "  " + "  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, start))


def render_form(form: Form, number: int) -> list[str]:
    """The form as one /press line, and each field that has choices or a current value
    on a line of its own: the console's answer to a modal."""
    fields = " ".join(f"{i.name}={_example(i)}" for i in form.inputs)
    required = [i.name for i in form.inputs if i.required]
    need = f" ({', '.join(required)} required)" if required else " (all optional)"
    lines = [f"  ✎ {form.title}: " + "; ".join(i.label for i in form.inputs)]
    for item in form.inputs:
        about = _about(item)
        if about:
            lines.append(f"    {item.name} ({item.label}): {about}")
    lines.append(f"  [{number}] {form.submit}: /press {number} {fields}{need}")
    return lines


def _example(item: Input) -> str:
    if item.kind is InputKind.MEMBER:
        return "@name"
    if item.kind is InputKind.YES_NO:
        return "yes|no"
    if item.kind is InputKind.DATE:
        return "YYYY-MM-DD"
    return '"…"'


def _about(item: Input) -> str:
    """What a field takes, when that is more than free text, and its current value."""
    parts: list[str] = []
    if item.kind in CHOICE_KINDS:
        shown = ", ".join(
            o.value if o.label.casefold() == o.value.casefold() else f"{o.value} ({o.label})"
            for o in item.options
        )
        many = "any of" if item.kind is InputKind.MULTI_CHOICE else "one of"
        parts.append(f"{many} {shown}" + (", comma-separated" if "any" in many else ""))
    elif item.kind is InputKind.TIMEZONE:
        parts.append("a time zone, e.g. Europe/Berlin")
    if item.hint:
        parts.append(item.hint)
    if item.initial and item.kind is not InputKind.MEMBER:
        now = item.initial.replace("\n", ", ")
        parts.append(f"now: {now if len(now) <= 60 else now[:59] + '…'}")
    return " · ".join(parts)


def plain(spans: Sequence[Span]) -> str:
    return render_plain(spans)
