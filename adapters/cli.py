"""`networker`: the process entry point. It lives beside the adapters because it starts them;
the core (`bot`) never imports an adapter."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Sequence

from bot.config import Settings, get_settings
from bot.domain.wording import plural
from bot.logs import setup_logging

NO_CREDENTIALS = (
    "No Slack or Discord credentials set (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, "
    "SLACK_APP_TOKEN, or DISCORD_TOKEN): starting the local console on {where}."
)


def sqlite_url(path: str) -> str:
    return f"sqlite+aiosqlite:///{path}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="networker", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (the console when no platform is configured)")
    run.add_argument("--no-migrate", action="store_true", help="don't upgrade the database first")
    run.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    dispatch = sub.add_parser(
        "dispatch", help="only send due prompts (no listeners), for the configured platforms"
    )
    dispatch.add_argument(
        "--no-migrate", action="store_true", help="don't upgrade the database first"
    )
    console = sub.add_parser(
        "console",
        help="a simulated community in the terminal (its logs go to networker-console.log)",
    )
    console.add_argument("--db", help="SQLite database file (default: DATABASE_URL)")
    console.add_argument(
        "--demo",
        action="store_true",
        help="load a sample community of 30 members into networker-demo.db",
    )
    console.add_argument("--echo", action="store_true", help="print each command read from a pipe")
    slack = sub.add_parser("slack", help="Slack helpers")
    slack_sub = slack.add_subparsers(dest="slack_command", required=True)
    manifest = slack_sub.add_parser("manifest", help="print a Slack app manifest (JSON)")
    manifest.add_argument(
        "--url", help="public base URL of the bot, e.g. https://networker.example.org"
    )
    manifest.add_argument("--socket", action="store_true", help="the Socket Mode variant (no URL)")
    manifest.add_argument("--name", default="Networker", help="the app's name in Slack")
    discord_cmd = sub.add_parser("discord", help="Discord helpers")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", required=True)
    sync = discord_sub.add_parser("sync", help="register the application commands")
    sync.add_argument("--guild", type=int, help="only in this guild (instant; for testing)")
    invite = discord_sub.add_parser("invite-url", help="print the link that adds the bot")
    invite.add_argument(
        "--client-id", type=int, help="the application id (else asked with the token)"
    )
    imp = sub.add_parser(
        "import",
        help="import the association's member list (CSV); members stay hidden until each agrees",
    )
    imp.add_argument("file", help="the CSV file (UTF-8; `,` or `;` separated)")
    imp.add_argument("--dry-run", action="store_true", help="check and report; change nothing")
    imp.add_argument("--platform", choices=("slack", "discord", "console"), help=argparse.SUPPRESS)
    imp.add_argument("--community", help="the workspace or community id (default: configured)")
    imp.add_argument("--report", help="also write the rejected rows to this CSV file")
    directory = sub.add_parser(
        "directory", help="write the directory of members who chose to be found (CSV)"
    )
    directory.add_argument("file", nargs="?", help="where to write it (default: the output)")
    directory.add_argument("--platform", default="console", choices=("slack", "discord", "console"))
    directory.add_argument("--community", default="console", help="the workspace or guild id")
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    setup_logging(settings.log_level, settings.log_format)
    if args.command == "db":
        from bot.store.migrate import upgrade

        upgrade(settings.database_url)
        print("Database is up to date.")
        return 0
    if args.command == "run":
        if not settings.has_platform_credentials:
            where = settings.database_url.removeprefix("sqlite+aiosqlite:///")
            print(NO_CREDENTIALS.format(where=where), file=sys.stderr)
        migrate = settings.auto_migrate and not args.no_migrate
        if settings.has_platform_credentials:
            return _platforms(settings, migrate=migrate, worker=args.worker)
        return _console(settings, migrate=migrate, demo=False, echo=False)
    if args.command == "import":
        from adapters.importing import run_import

        return asyncio.run(
            run_import(
                settings,
                args.file,
                dry_run=args.dry_run,
                platform=args.platform,
                community=args.community,
                report=args.report,
            )
        )
    if args.command == "directory":
        from adapters.importing import run_directory

        return asyncio.run(
            run_directory(settings, args.file, platform=args.platform, community=args.community)
        )
    if args.command == "dispatch":
        return _dispatch(settings, migrate=settings.auto_migrate and not args.no_migrate)
    if args.command == "discord":
        return _discord(settings, args)
    if args.command == "slack":
        return _slack_manifest(args.url, socket=args.socket, name=args.name)
    if args.demo and args.db:
        print(
            "--demo always uses its own file, networker-demo.db (started afresh); leave out --db.",
            file=sys.stderr,
        )
        return 2
    if args.db:
        settings = settings.model_copy(update={"database_url": sqlite_url(args.db)})
    return _console(settings, migrate=True, demo=args.demo, echo=args.echo)


CONSOLE_LOG = "networker-console.log"


def _console(settings: Settings, *, migrate: bool, demo: bool, echo: bool) -> int:
    # Logs never land between the lines of the conversation (set before the imports:
    # some libraries log as they load).
    setup_logging(settings.log_level, settings.log_format, file=CONSOLE_LOG)
    from adapters.console.main import reset_demo_db, run_console

    if demo:
        reset_demo_db()
    try:
        asyncio.run(run_console(settings, migrate=migrate, demo=demo, echo=echo))
    except KeyboardInterrupt:
        print()
    return 0


def _slack_manifest(url: str | None, *, socket: bool, name: str) -> int:
    from adapters.slack.manifest import manifest

    if not socket and not url:
        print(
            "Give the bot's public URL (--url https://…), or --socket for Socket Mode.",
            file=sys.stderr,
        )
        return 2
    if url and not url.startswith("https://"):
        print("Slack only calls https:// URLs; give --url https://…", file=sys.stderr)
        return 2
    print(json.dumps(manifest(url, name=name, socket_mode=socket), indent=2))
    return 0


def _discord(settings: Settings, args: argparse.Namespace) -> int:
    from adapters.discord.runtime import invite_url, sync_commands

    if args.discord_command == "invite-url" and args.client_id:
        print(invite_url(args.client_id))
        return 0
    if not settings.discord_token:
        print("Set DISCORD_TOKEN (the bot token) first.", file=sys.stderr)
        return 2
    if args.discord_command == "sync":
        count = asyncio.run(sync_commands(settings, args.guild))
        where = f"guild {args.guild}" if args.guild else "all guilds (may take up to an hour)"
        print(f"Registered {plural(count, 'command')} for {where}.")
        return 0
    print(invite_url(asyncio.run(_application_id(settings))))
    return 0


async def _application_id(settings: Settings) -> int:
    import discord

    from adapters.discord.runtime import use_api_url

    use_api_url(settings.discord_api_url)
    client = discord.Client(intents=discord.Intents.none())
    assert settings.discord_token
    await client.login(settings.discord_token)
    application_id = client.application_id
    await client.close()
    assert application_id is not None
    return application_id


def _dispatch(settings: Settings, *, migrate: bool) -> int:
    from adapters.platforms import run_dispatch

    if not settings.has_platform_credentials:
        print(
            "No Slack or Discord credentials set (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET, "
            "SLACK_APP_TOKEN, or DISCORD_TOKEN): nothing to dispatch to.",
            file=sys.stderr,
        )
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_dispatch(settings, migrate=migrate))
    return 0


def _platforms(settings: Settings, *, migrate: bool, worker: bool = False) -> int:
    from adapters.platforms import run_platforms

    with contextlib.suppress(KeyboardInterrupt):  # signals stop it cleanly; ^C too
        asyncio.run(run_platforms(settings, migrate=migrate, worker=worker))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
