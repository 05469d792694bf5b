"""Slash-command text → core commands, for every adapter that receives typed text.

Adapters differ only in how a member is mentioned (@name in the console, <@U…> on
Slack), in how typed text arrives (Slack escapes it), and in what a bare /profile
opens; a `Dialect` says which.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.domain.errors import UserError
from bot.services import commands as c

COMMANDS = ("whoknows", "intro", "ask", "thanks", "profile", "networker")
ReadMention = Callable[[str, str], Awaitable[tuple[c.MemberRef, str]]]  # (text, usage)


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Dialect:
    read_mention: ReadMention  # the leading mention of a text, and the rest
    mention_prefix: str  # what a mention starts with ("@" or "<@")
    typed: Callable[[str], str] = _same  # member text as they typed it
    setting: Callable[[str], str] = _same  # a setting's value, readable (channels)
    bare_profile: c.Command = field(default_factory=lambda: c.EditProfile(text=""))


async def parse(name: str, text: str, dialect: Dialect) -> c.Command:
    """`name` without its slash; `text` is everything after it."""
    name, text = name.lstrip("/").lower(), text.strip()
    mention = dialect.read_mention
    if name == "whoknows":
        return c.WhoKnows(dialect.typed(text))
    if name == "intro":
        a, rest = await mention(text, "/intro @a @b <why>")
        b, reason = await mention(rest, "/intro @a @b <why>")
        return c.Intro(a, b, dialect.typed(reason))
    if name == "ask":
        helper, request = await mention(text, "/ask @member <what you need>")
        return c.Ask(helper, dialect.typed(request))
    if name == "thanks":
        member, note = await mention(text, "/thanks @member <for what>")
        return c.Thank(member, dialect.typed(note))
    if name == "profile":
        if not text:
            return dialect.bare_profile
        if text.startswith(dialect.mention_prefix):
            member, extra = await mention(text, "/profile @member")
            if extra:
                raise UserError("You can only edit your own profile.", "Use /profile key=value …")
            return c.ViewProfile(member)
        return c.EditProfile(text=dialect.typed(text))
    if name == "networker":
        return await _networker(text, dialect)
    raise UserError(f"I don't know the command /{name}.", "Type /networker help to see them all.")


async def _networker(text: str, dialect: Dialect) -> c.Command:
    sub, _, args = text.partition(" ")
    sub, args = sub.lower(), args.strip()
    simple: dict[str, c.Command] = {
        "": c.Help(),
        "help": c.Help(),
        "me": c.Me(),
        "export": c.Export(),
        "forget": c.Forget(),
        "pause": c.Pause(True),
        "resume": c.Pause(False),
        "stats": c.Stats(),
        "profile": c.ProfileForm(),
    }
    if sub in simple and not args:
        return simple[sub]
    if sub == "settings":
        if not args:
            return c.Settings()
        key, sep, value = args.partition("=")
        if not sep:
            key, _, value = args.partition(" ")
        return c.Settings(key.strip(), dialect.setting(value.strip()) or None)
    if sub == "alias":
        parts = args.split(None, 1)
        if len(parts) != 2:
            raise UserError(
                "Usage: /networker alias <alias> <topic>", "e.g. /networker alias k8s kubernetes"
            )
        return c.AddAlias(parts[0], parts[1])
    if sub == "prompts":
        if not args:
            return c.PromptSwitch()
        switch, _, kind = args.partition(" ")
        if switch.lower() not in ("on", "off") or not kind.strip():
            raise UserError(
                "Usage: /networker prompts [on|off <kind>]",
                "e.g. /networker prompts off keep_in_touch; /networker prompts lists the kinds.",
            )
        return c.PromptSwitch(kind.strip(), on=switch.lower() == "on")
    if sub == "endorse":
        member, topic = await dialect.read_mention(args, "/networker endorse @member <skill>")
        return c.Endorse(member, dialect.typed(topic))
    raise UserError(f"I don't know /networker {sub}.", "Type /networker help to see the commands.")
