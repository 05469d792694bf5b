"""Slash-command text → core commands. Mentions arrive escaped: <@U123|name>."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.domain.errors import UserError
from bot.services import commands as c

USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
COMMANDS = ("whoknows", "intro", "ask", "thanks", "profile", "networker")
PICK_HINT = "Start typing @ and pick the member from Slack's list, so I know exactly who you mean."

Resolve = Callable[[str, str | None], Awaitable[c.MemberRef]]


async def parse(command: str, text: str, resolve: Resolve) -> c.Command:
    """`resolve(user_id, name)` checks that a mentioned user exists and names them."""
    name = command.lstrip("/").lower()
    text = text.strip()
    if name == "whoknows":
        return c.WhoKnows(plain(text))
    if name == "intro":
        a, rest = await _mention(text, resolve, "/intro @a @b <why>")
        b, reason = await _mention(rest, resolve, "/intro @a @b <why>")
        return c.Intro(a, b, plain(reason))
    if name == "ask":
        helper, request = await _mention(text, resolve, "/ask @member <what you need>")
        return c.Ask(helper, plain(request))
    if name == "thanks":
        member, note = await _mention(text, resolve, "/thanks @member <for what>")
        return c.Thank(member, plain(note))
    if name == "profile":
        if not text:
            return c.ProfileForm()
        if text.startswith("<@"):
            member, extra = await _mention(text, resolve, "/profile @member")
            if extra:
                raise UserError("You can only edit your own profile.", "Use /profile to open it.")
            return c.ViewProfile(member)
        return c.EditProfile(text=plain(text))
    if name == "networker":
        return await _networker(text, resolve)
    raise UserError(f"I don't know the command /{name}.", "Try /networker help.")


async def _networker(text: str, resolve: Resolve) -> c.Command:
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
        value = channel_names(value.strip())
        return c.Settings(key.strip(), value or None)
    if sub == "alias":
        parts = args.split(None, 1)
        if len(parts) != 2:
            raise UserError(
                "Usage: /networker alias <alias> <topic>", "e.g. /networker alias k8s kubernetes"
            )
        return c.AddAlias(parts[0], parts[1])
    if sub == "endorse":
        member, topic = await _mention(args, resolve, "/networker endorse @member <skill>")
        return c.Endorse(member, topic)
    raise UserError(f"I don't know /networker {sub}.", "Type /networker help to see the commands.")


MARKUP = re.compile(r"<([^<>]*)>")


def plain(text: str) -> str:
    """Slack's escaped text as the member typed it: links, mentions and &amp; undone.

    Stored raw like every member text; the renderer escapes it again on the way out.
    """

    def readable(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith(("@", "#")):  # <@U1|ana>, <#C1|general>
            return target[0] + (label or target[1:])
        if target.startswith("!"):  # <!here>, <!subteam^S1|@team>
            return label or "@" + target[1:].split("^")[0]
        return f"{label} ({target})" if label and label != target else target

    text = MARKUP.sub(readable, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def channel_names(text: str) -> str:
    """<#C123|asks> → "#asks (C123)": readable, and the messenger can still find the id."""
    return CHANNEL.sub(lambda m: f"#{m.group(2) or m.group(1)} ({m.group(1)})", text)


def channel_id(ref: str) -> str:
    """The channel to post to, from "#asks (C123)" or a bare name."""
    found = re.search(r"\(([CG][A-Z0-9]+)\)\s*$", ref)
    return found.group(1) if found else ref.lstrip("#")


async def _mention(text: str, resolve: Resolve, usage: str) -> tuple[c.MemberRef, str]:
    token, _, rest = text.strip().partition(" ")
    match = USER.match(token)
    if not match:
        if token.startswith("@"):
            raise UserError(f"I couldn't tell who {token} is.", PICK_HINT)
        raise UserError(f"Start with a member, like @ana. Usage: {usage}")
    return await resolve(match.group(1), match.group(2) or None), rest.strip()
