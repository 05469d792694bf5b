"""`networker discord invite-url` and `networker discord sync`, run as the operator would
(a subprocess with the environment as its only input), against the REST double."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import discord
import discord.http

from adapters.discord.runtime import use_api_url
from tests.adapters.discord.conftest import GUILD_ID
from tests.adapters.discord.double import APP_ID, TOKEN, DiscordDouble

ROOT = Path(__file__).resolve().parents[3]
# View channels, send messages, embed links, manage threads, create private threads,
# send messages in threads.
PERMISSIONS = 1024 + 2048 + 16384 + 17179869184 + 68719476736 + 274877906944
COMMANDS = {"whoknows", "intro", "ask", "thanks", "profile", "networker"}


async def networker(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_")) and k != "DATABASE_URL"
    }
    clean.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'networker.db'}",
        LOG_LEVEL="WARNING",
    )
    clean.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "adapters.cli",
        *args,
        cwd=tmp_path,  # no .env from the working tree
        env=clean,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def check_invite(url: str, client_id: str) -> None:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "discord.com", "/oauth2/authorize")
    query = parse_qs(parts.query)
    assert query["client_id"] == [client_id]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == [str(PERMISSIONS)]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted.create_private_threads and granted.send_messages_in_threads
    assert not granted.administrator and not granted.mention_everyone


async def test_invite_url_with_a_client_id_needs_no_token(tmp_path: Path) -> None:
    code, out, err = await networker(
        tmp_path, "discord", "invite-url", "--client-id", "123456789012345678"
    )

    assert (code, err) == (0, "")
    assert out == (
        "https://discord.com/oauth2/authorize?client_id=123456789012345678"
        f"&scope=bot+applications.commands&permissions={PERMISSIONS}\n"
    )
    check_invite(out.strip(), "123456789012345678")


async def test_invite_url_asks_discord_for_the_application_id(
    tmp_path: Path, discord_double: DiscordDouble
) -> None:
    code, out, err = await networker(
        tmp_path,
        "discord",
        "invite-url",
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=discord_double.base_url,
    )

    assert code == 0, err
    check_invite(out.strip(), APP_ID)
    assert discord_double.routes() == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    assert discord_double.requests[0].headers["Authorization"] == f"Bot {TOKEN}"


async def test_without_token_or_client_id_it_says_what_to_set(tmp_path: Path) -> None:
    assert await networker(tmp_path, "discord", "invite-url") == (
        2,
        "",
        "Set DISCORD_TOKEN (the bot token) first.\n",
    )


async def test_sync_to_one_guild_overwrites_that_guilds_commands(
    tmp_path: Path, discord_double: DiscordDouble
) -> None:
    code, out, err = await networker(
        tmp_path,
        "discord",
        "sync",
        "--guild",
        GUILD_ID,
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=discord_double.base_url,
    )

    assert code == 0, err
    assert out == f"Registered 6 commands for guild {GUILD_ID}.\n"
    assert discord_double.routes() == [
        ("GET", "/users/@me"),
        ("GET", "/oauth2/applications/@me"),
        ("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"),
    ]
    [put] = discord_double.calls("PUT", r"/applications/.*")
    assert put.headers["Authorization"] == f"Bot {TOKEN}"
    commands = {c["name"]: c for c in put.json}
    assert set(commands) == COMMANDS
    assert all(c["type"] == 1 for c in commands.values())  # slash commands

    def options(name: str) -> list[tuple[str, int, bool]]:
        return [(o["name"], o["type"], o.get("required", False)) for o in commands[name]["options"]]

    assert options("whoknows") == [("topic", 3, True)]
    assert options("intro") == [("a", 6, True), ("b", 6, True), ("why", 3, True)]  # 6: a user
    assert options("ask") == [("member", 6, True), ("request", 3, True)]
    assert options("thanks") == [("member", 6, True), ("note", 3, True)]
    assert options("profile") == [("member", 6, False), ("changes", 3, False)]
    subcommands = {o["name"]: o for o in commands["networker"]["options"]}
    assert set(subcommands) == {
        "help",
        "me",
        "pause",
        "resume",
        "export",
        "forget",
        "stats",
        "dashboard",
        "pairing",
        "settings",
        "alias",
        "endorse",
        "prompts",
        "profile",
        "topics",
        "import",
        "directory",
    }
    assert all(o["type"] == 1 for o in subcommands.values())  # 1: a subcommand
    assert [o["type"] for o in subcommands["endorse"]["options"]] == [6, 3]
    # An action to pick, then an optional channel (7) and optional key=value options.
    assert [(o["type"], o.get("required", False)) for o in subcommands["pairing"]["options"]] == [
        (3, True),
        (7, False),
        (3, False),
    ]
    # The member list is a file picker (11: an attachment), then an optional mode.
    assert [(o["type"], o.get("required", False)) for o in subcommands["import"]["options"]] == [
        (11, False),
        (3, False),
    ]


async def test_sync_without_guild_registers_the_commands_globally(
    tmp_path: Path, discord_double: DiscordDouble
) -> None:
    code, out, err = await networker(
        tmp_path, "discord", "sync", DISCORD_TOKEN=TOKEN, DISCORD_API_URL=discord_double.base_url
    )

    assert code == 0, err
    assert out == "Registered 6 commands for all guilds (may take up to an hour).\n"
    [put] = discord_double.calls("PUT", r"/applications/.*")
    assert put.path == f"/applications/{APP_ID}/commands"
    assert {c["name"] for c in put.json} == COMMANDS


async def test_sync_needs_no_database(tmp_path: Path, discord_double: DiscordDouble) -> None:
    """The commands come from their declarations: a database URL no engine can be made
    from does not stop an operator from registering them."""
    code, out, err = await networker(
        tmp_path,
        "discord",
        "sync",
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=discord_double.base_url,
        DATABASE_URL="postgresql+nosuchdriver://nobody@127.0.0.1:9/none",
    )

    assert code == 0, err
    assert out == "Registered 6 commands for all guilds (may take up to an hour).\n"
    assert not (tmp_path / "networker.db").exists()


async def test_discord_api_url_is_used_and_put_back_after_the_double() -> None:
    before = discord.http.Route.BASE
    async with DiscordDouble() as double:
        assert double.base_url == discord.http.Route.BASE
        use_api_url(double.base_url + "/")  # what DISCORD_API_URL does in build_discord
        assert double.base_url == discord.http.Route.BASE
        assert discord.http.Route("GET", "/users/@me").url == double.base_url + "/users/@me"
    assert discord.http.Route.BASE == before == "https://discord.com/api/v10"
