"""`networker import members.csv [--dry-run]` and `networker directory`: the member list in
and out from the command line, for the configured platform and community."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import TextIO

from bot.bootstrap import bootstrap
from bot.config import Settings
from bot.domain.errors import UserError
from bot.services.member_import import (
    KnownMembers,
    MemberLookup,
    Summary,
    directory_csv,
    import_members,
)

CONSOLE = ("console", "console")
BAR = 30


class ProgressBar:
    """One line on the terminal, redrawn as rows are found and applied."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.drawn = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(share * BAR)
        bar = "█" * filled + "·" * (BAR - filled)
        self.out.write(f"\r{phase:<16} [{bar}] {share:4.0%} {done:,}/{total:,}")
        self.out.flush()
        self.drawn = True

    def end(self) -> None:
        if self.drawn:
            self.out.write("\n")
            self.out.flush()


async def run_import(
    settings: Settings,
    path: str,
    *,
    dry_run: bool,
    platform: str | None = None,
    community: str | None = None,
    report: str | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    try:
        data = await asyncio.to_thread(Path(path).read_bytes)
    except OSError as error:
        print(f"Can't read {path}: {error.strerror}.", file=err)
        return 2
    runtime = await bootstrap(settings, migrate=settings.auto_migrate)
    bar = ProgressBar(err)
    cleanup = contextlib.AsyncExitStack()
    try:
        where = await _where(settings, runtime.app, platform, community, cleanup)
        if isinstance(where, str):
            print(where, file=err)
            return 2
        platform_name, external_id, lookup = where
        summary = await import_members(
            runtime.app.units,
            platform_name,
            external_id,
            data,
            lookup,
            runtime.app.clock.now,
            settings,
            dry_run=dry_run,
            progress=bar,
        )
    except UserError as error:
        bar.end()
        print(f"{error.message} {error.hint}".strip(), file=err)
        return 1
    finally:
        await cleanup.aclose()
        await runtime.close()
    bar.end()
    _print(summary, out)
    if report:
        await asyncio.to_thread(Path(report).write_text, summary.problems_csv(), "utf-8")
        print(f"The problems are listed in {report}.", file=out)
    return 0


def _print(summary: Summary, out: TextIO) -> None:
    for text in summary.lines():
        print(text, file=out)


async def _where(
    settings: Settings,
    app: object,
    platform: str | None,
    community: str | None,
    cleanup: contextlib.AsyncExitStack,
) -> tuple[str, str, MemberLookup] | str:
    """The platform and community to import into, and how to find members there."""
    from bot.services.app import Networker

    assert isinstance(app, Networker)
    chosen = platform or (
        "slack" if settings.slack_bot_token else "discord" if settings.discord_token else "console"
    )
    if chosen == "console":
        external = community or CONSOLE[1]
        await app.register_community("console", external, "Console")
        return "console", external, KnownMembers(app.units, "console", external)
    if chosen == "slack":
        if not settings.slack_bot_token:
            return "Set SLACK_BOT_TOKEN to import into Slack."
        from slack_sdk.web.async_client import AsyncWebClient

        from adapters.slack.member_lookup import SlackMemberLookup

        client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        team = await client.auth_test()
        external = community or str(team["team_id"])
        await app.register_community("slack", external, str(team.get("team") or external))
        return "slack", external, SlackMemberLookup(client)
    if chosen == "discord":
        if not settings.discord_token:
            return "Set DISCORD_TOKEN to import into Discord."
        if not community or not community.isdigit():
            return "Name the Discord server: --community <guild id>."
        import discord

        from adapters.discord.member_lookup import DiscordMemberLookup
        from adapters.discord.runtime import use_api_url

        use_api_url(settings.discord_api_url)
        bot = discord.Client(intents=discord.Intents.none())
        cleanup.push_async_callback(bot.close)
        await bot.login(settings.discord_token)
        guild = await bot.http.get_guild(community)
        await app.register_community("discord", community, str(guild.get("name") or community))
        return "discord", community, DiscordMemberLookup(bot.http, community)
    return f"Unknown platform {chosen}: use slack, discord or console."


async def run_directory(
    settings: Settings, path: str | None, *, platform: str, community: str
) -> int:
    """The directory of members who chose to be found, as CSV (a file, or the output)."""
    runtime = await bootstrap(settings, migrate=settings.auto_migrate)
    try:
        async with runtime.app.units(write=False) as uow:
            found = await uow.communities.by_external_id(platform, community)
            if found is None or found.id is None:
                print(f"No {platform} community {community} here.", file=sys.stderr)
                return 2
            text, count = await directory_csv(uow, found.id)
    finally:
        await runtime.close()
    if path:
        await asyncio.to_thread(Path(path).write_text, text, "utf-8")
        print(f"{count:,} members written to {path}.")
    else:
        sys.stdout.write(text)
    return 0
