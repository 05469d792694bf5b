"""A ready Slack app manifest: create the app in one step from it."""

from __future__ import annotations

from typing import Any

from bot.services.registry import REGISTRY

LONG_DESCRIPTION = (
    "Networker turns your member list into a network people use. /whoknows finds who can "
    "help with a topic, and why; /intro makes warm, double opt-in introductions, where nobody "
    "is connected before both sides accept; /ask sends a polite help request the member can "
    "accept, postpone or decline privately; /thanks closes the loop and tells the introducer. "
    "Profiles say what members offer and when they are happy to be contacted; busy and full "
    "members are routed around. Self-hosted and open source."
)
BOT_SCOPES = [
    "commands",  # slash commands
    "chat:write",  # DMs, group DMs, the asks channel
    "im:write",  # open a DM with a member
    "mpim:write",  # open the group DM of an introduction
    "users:read",  # names, time zones, who is an admin
    "channels:read",  # member_joined_channel: the welcome channel
    "im:history",  # message.im: a member list an organiser shares in a DM to the bot
    "files:read",  # files.info and the download of that member list
]
EVENTS = [
    "app_home_opened",
    "team_join",
    "member_joined_channel",
    "member_left_channel",  # leaving a pairing channel opts out of its rounds
    "app_uninstalled",
    "tokens_revoked",
    "message.im",
]


def slash_commands() -> dict[str, tuple[str, str]]:
    """Each slash command with its description and usage hint, from the registry."""
    found: dict[str, tuple[str, str]] = {}
    for name in REGISTRY.top_names():
        spec = REGISTRY.top_level(name)
        if spec is not None:
            found[f"/{name}"] = (spec.description, spec.usage.removeprefix(f"/{name}").strip())
        else:
            subs = " | ".join(s.path[-1] for s in REGISTRY.group(name))
            found[f"/{name}"] = ("Help, your summary, settings and more", subs)
    return found


def manifest(
    url: str | None, *, name: str = "Networker", socket_mode: bool = False
) -> dict[str, Any]:
    """`url` is the public base URL (https://host) for HTTP mode; unused in Socket Mode."""
    events_url = f"{url.rstrip('/')}/slack/events" if url else None
    commands = []
    for command, (description, hint) in slash_commands().items():
        entry: dict[str, Any] = {
            "command": command,
            "description": description,
            "usage_hint": hint,
            "should_escape": True,  # mentions arrive as <@U…|name>, unambiguous
        }
        if events_url and not socket_mode:
            entry["url"] = events_url
        commands.append(entry)
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": EVENTS},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if events_url and not socket_mode:
        settings["event_subscriptions"]["request_url"] = events_url
        settings["interactivity"]["request_url"] = events_url
    oauth: dict[str, Any] = {"scopes": {"bot": BOT_SCOPES}}
    if url and not socket_mode:
        oauth["redirect_urls"] = [f"{url.rstrip('/')}/slack/oauth_redirect"]
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Who knows what, warm introductions and thank-yous for your community.",
            "long_description": LONG_DESCRIPTION,
            "background_color": "#1f3a5f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": oauth,
        "settings": settings,
    }
