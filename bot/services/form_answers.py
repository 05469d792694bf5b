"""Reading a form's answers: every kind of input checked against the form that asked.

Platforms send what a member picked as plain strings (a choice's value, values joined
by ",", "yes"/"no", YYYY-MM-DD). Nothing is trusted: a value that is not one of the
options, a date that is not a date or a zone that does not exist is refused under its
own field, all fields at once, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date

from bot.domain.errors import FieldErrors, UserError
from bot.domain.profile import parse_timezone
from bot.messages import Form, Input, InputKind

_YES = {"yes", "y", "true", "on", "1"}
_NO = {"no", "n", "false", "off", "0"}


class Answers:
    """A form's answers, checked. Missing optional answers read as "" (or None)."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def given(self, name: str) -> bool:
        return bool(self.values.get(name))

    def choices(self, name: str) -> list[str]:
        return [v for v in self.values.get(name, "").split(",") if v]

    def yes(self, name: str) -> bool | None:
        value = self.values.get(name)
        return None if not value else value == "yes"

    def day(self, name: str) -> date | None:
        value = self.values.get(name)
        return date.fromisoformat(value) if value else None


class Collector:
    """Gathers the refusals of several fields, to report them together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    @contextmanager
    def field(self, name: str) -> Iterator[None]:
        try:
            yield
        except FieldErrors as error:
            self.errors.update(error.errors)
        except UserError as error:
            self.errors.setdefault(name, _short(error))

    def check(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


def read(form: Form, inputs: Mapping[str, str]) -> Answers:
    """The answers to `form`, each normalised; FieldErrors for all that are wrong."""
    values: dict[str, str] = {}
    found = Collector()
    for item in form.inputs:
        if item.kind is InputKind.MEMBER:
            continue  # a member pick arrives as Press.mentioned, checked by the handler
        raw = (inputs.get(item.name) or "").strip()
        with found.field(item.name):
            if not raw:
                if item.required:
                    raise UserError(f"Please fill in “{item.label}”.")
                values[item.name] = ""
                continue
            values[item.name] = _one(item, raw)
    found.check()
    return Answers(values)


def _one(item: Input, raw: str) -> str:
    kind = item.kind
    if kind is InputKind.CHOICE:
        return _option(item, raw)
    if kind is InputKind.MULTI_CHOICE:
        picked = [_option(item, v.strip()) for v in raw.split(",") if v.strip()]
        return ",".join(dict.fromkeys(picked))
    if kind is InputKind.YES_NO:
        key = raw.lower()
        if key in _YES:
            return "yes"
        if key in _NO:
            return "no"
        raise UserError(f"“{raw}” is not yes or no.")
    if kind is InputKind.DATE:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise UserError(f"“{raw}” is not a date; use YYYY-MM-DD.") from None
    if kind is InputKind.TIMEZONE:
        return parse_timezone(raw)
    return raw


def _option(item: Input, raw: str) -> str:
    for option in item.options:
        if raw == option.value or raw.casefold() == option.label.casefold():
            return option.value
    shown = ", ".join(o.value for o in item.options[:10])
    raise UserError(f"“{raw}” is not one of the choices ({shown}).")


def _short(error: UserError) -> str:
    """Slack shows at most 150 characters under a field."""
    text = str(error)
    return text if len(text) <= 150 else text[:149] + "…"
