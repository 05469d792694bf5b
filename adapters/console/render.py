"""Neutral messages as terminal text."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages import Button, Form, Message, Span, render_plain


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
    fields = " ".join(
        f"{i.name}=@name" if i.kind == "member" else f'{i.name}="…"' for i in form.inputs
    )
    required = [i.name for i in form.inputs if i.required]
    need = f" ({', '.join(required)} required)" if required else " (all optional)"
    lines = [f"  ✎ {form.title}: " + "; ".join(i.label for i in form.inputs)]
    lines.append(f"  [{number}] {form.submit}: /press {number} {fields}{need}")
    return lines


def plain(spans: Sequence[Span]) -> str:
    return render_plain(spans)
