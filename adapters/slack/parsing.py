"""Slash-command text → core commands. Mentions arrive escaped: <@U123|name>."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from adapters import text_commands
from adapters.text_commands import Dialect
from bot.domain.errors import UserError
from bot.services import commands as c

USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")
CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
PICK_HINT = "Start typing @ and pick the member from Slack's list, so I know exactly who you mean."

Resolve = Callable[[str, str | None], Awaitable[c.MemberRef]]


async def parse(command: str, text: str, resolve: Resolve) -> c.Command:
    """`resolve(user_id, name)` checks that a mentioned user exists and names them."""

    async def read_mention(text: str, usage: str) -> tuple[c.MemberRef, str]:
        return await _mention(text, resolve, usage)

    dialect = Dialect(
        read_mention,
        mention_prefix="<@",
        typed=plain,
        setting=channel_names,
        forms=True,  # a bare /profile opens a modal
    )
    return await text_commands.parse(command, text, dialect)


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
