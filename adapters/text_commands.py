"""Slash-command text → core commands, for every adapter that receives typed text.

The commands and their arguments come from the core's registry; adapters differ only in
how a member is mentioned (@name in the console, <@U…> on Slack), in how typed text
arrives (Slack escapes it), and in whether they show forms; a `Dialect` says which.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.domain.errors import UserError
from bot.services import commands as c
from bot.services.declarations import Arg, ArgKind, Args, CommandSpec
from bot.services.registry import NETWORKER, REGISTRY

COMMANDS = tuple(REGISTRY.top_names())
ReadMention = Callable[[str, str], Awaitable[tuple[c.MemberRef, str]]]  # (text, usage)


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Dialect:
    read_mention: ReadMention  # the leading mention of a text, and the rest
    mention_prefix: str  # what a mention starts with ("@" or "<@")
    typed: Callable[[str], str] = _same  # member text as they typed it
    setting: Callable[[str], str] = _same  # a setting's value, readable (channels)
    forms: bool = False  # a bare /profile opens a form


async def parse(name: str, text: str, dialect: Dialect) -> c.Command:
    """`name` with or without its slash; `text` is everything after it."""
    spec, rest = find(name, text)
    values = await read_args(spec, rest, dialect)
    return spec.make(Args(values, forms=dialect.forms))


def find(name: str, text: str) -> tuple[CommandSpec, str]:
    """The command `/name text` names, and the text left for its arguments."""
    name, text = name.lstrip("/").lower(), text.strip()
    spec = REGISTRY.top_level(name)
    if spec is not None:
        return spec, text
    if not REGISTRY.group(name):
        raise UserError(
            f"I don't know the command /{name}.", "Type /networker help to see them all."
        )
    sub, _, rest = text.partition(" ")
    spec = REGISTRY.find((name, sub.lower() or "help"))
    if spec is None:
        raise UserError(
            f"I don't know /{name} {sub}.", f"Type /{NETWORKER} help to see the commands."
        )
    return spec, rest.strip()


async def read_args(spec: CommandSpec, text: str, dialect: Dialect) -> dict[str, Any]:
    values: dict[str, Any] = {}
    rest = text.strip()
    for i, arg in enumerate(spec.args):
        last = i == len(spec.args) - 1
        values[arg.name], rest = await _read(arg, rest, spec, dialect, last=last)
        rest = rest.strip()
    if rest and not _only_politeness(rest):
        raise UserError(
            f"/{spec.name} takes nothing more: I didn't understand “{rest[:60]}”.",
            f"Usage: {spec.usage}",
        )
    return values


# Said out of courtesy after a command ("/networker me please"): nothing to understand.
_POLITENESS = frozenset({"please", "pls", "plz", "thanks", "thank", "you", "thx", "ty", "now"})


def _only_politeness(text: str) -> bool:
    tokens = [t.strip(".,!?;:") for t in text.lower().split()]
    return all(t in _POLITENESS for t in tokens) and tokens[0] != "you"


async def _read(
    arg: Arg, text: str, spec: CommandSpec, dialect: Dialect, *, last: bool
) -> tuple[Any, str]:
    """One argument's value from the front of `text`, and what is left."""
    if arg.kind is ArgKind.ATTACHMENT:  # a file comes beside the text, never in it
        return None, text
    if arg.kind is ArgKind.MEMBER:
        if not text.startswith(dialect.mention_prefix):
            if not arg.required:
                return None, text
            if not text.startswith("@"):  # (an "@name" the platform did not resolve: its words)
                raise _missing_member(arg, text, spec)
        return await dialect.read_mention(text, spec.usage)
    if arg.kind in (ArgKind.TOPIC, ArgKind.TEXT):
        return (dialect.typed(text) if text or arg.required else None), ""
    if arg.kind is ArgKind.VALUE:
        return (dialect.setting(text) or None), ""
    if arg.kind is ArgKind.KEY:  # key=value, key = value, or key value
        key, sep, rest = text.partition("=")
        if not sep or " " in key.strip():
            key, _, rest = text.partition(" ")
        return (key.strip() or None), rest
    if last and arg.kind in (ArgKind.CHOICE, ArgKind.DURATION):  # "keep in touch", "1w 2d"
        word, rest = text, ""
    else:  # WORD, CHOICE, DURATION, CHANNEL: one token
        word, _, rest = text.partition(" ")
    if not word:
        if arg.required:
            raise spec.usage_error()
        return None, ""
    return (dialect.setting(word) if arg.kind is ArgKind.CHANNEL else word), rest


def _missing_member(arg: Arg, text: str, spec: CommandSpec) -> UserError:
    """Which member is missing, or what stood where one was expected: never "start
    with a member" to someone who named one already."""
    usage = f"Usage: {spec.usage}"
    members = [a for a in spec.args if a.kind is ArgKind.MEMBER]
    later = arg is not members[0]
    which = "a second member" if later else "a member"
    if not text:
        too = " too" if later else ""
        return UserError(f"/{spec.name} needs {which}{too} ({arg.placeholder}).", usage)
    word = text.split()[0]
    return UserError(f"I expected {which} ({arg.placeholder}) where you wrote “{word}”.", usage)
