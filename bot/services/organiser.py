"""Organiser-only commands: settings, topic aliases, stats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.actions import Action
from bot.domain.errors import UserError
from bot.domain.profile import parse_capacity, parse_timezone
from bot.domain.prompts import format_duration, parse_duration
from bot.domain.text import TOPIC_MAX, clean
from bot.domain.vocabulary import normalise, singular
from bot.messages import Button, Field, Message, Reply, Section, line, reply
from bot.prompts.kinds import SWITCHABLE
from bot.services.commands import AddAlias, Settings, Stats
from bot.services.community_settings import DURATIONS
from bot.services.context import Context
from bot.services.dashboard import new_link
from bot.services.indexing import reindex


def _channel(value: str) -> str | None:
    text = clean(value, "channel", max_len=80).strip()
    if text.lower() in {"", "none", "off", "-"}:
        return None
    # "#name", or a platform's own channel reference (Discord's <#123>) kept as given.
    return text if text.startswith(("#", "<#")) else f"#{text}"


def _int_range(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise UserError(f"“{value}” is not a number.") from None
        if not low <= number <= high:
            raise UserError(f"Pick a number from {low} to {high}.")
        return number

    return parse


def _duration(key: str) -> Callable[[str], str]:
    low, high = DURATIONS[key]

    def parse(value: str) -> str:
        return format_duration(parse_duration(value, low=low, high=high))

    return parse


def _prompt_kinds(value: str) -> list[str] | None:
    names = [v.strip().lower() for v in value.replace(" ", ",").split(",") if v.strip()]
    if not names or names in (["none"], ["off"], ["-"]):
        return None
    known = {k.value for k in SWITCHABLE}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UserError(
            f"“{unknown[0]}” is not a kind of prompt.", "Kinds: " + ", ".join(sorted(known))
        )
    return sorted(set(names))


@dataclass(frozen=True)
class SettingSpec:
    description: str
    parse: Callable[[str], Any]
    default: str | None = None  # what "not set" means, when the deployment sets nothing


SETTINGS: dict[str, SettingSpec] = {
    "intro_channel": SettingSpec("channel for intro threads (Discord)", _channel),
    "asks_channel": SettingSpec("channel where unanswered asks can be posted", _channel),
    "welcome_channel": SettingSpec(
        "joining this channel brings the welcome DM (as joining the workspace does)", _channel
    ),
    "thanks_wall": SettingSpec("channel that shows thank-yous publicly (off by default)", _channel),
    "thanks_daily_cap": SettingSpec(
        "thank-yous a member may send per 24 hours", _int_range(1, 100)
    ),
    "default_capacity": SettingSpec("requests per 30 days for new members", parse_capacity),
    "whoknows_results": SettingSpec("people shown by /whoknows", _int_range(1, 10)),
    "repeat_ask_limit": SettingSpec(
        "asks of one person before suggesting others", _int_range(1, 20)
    ),
    "timezone": SettingSpec("time zone for members who set none", parse_timezone, "UTC"),
    "consent_reminder_after": SettingSpec(
        "one reminder when an intro or request is unanswered this long",
        _duration("consent_reminder_after"),
    ),
    "consent_expires_after": SettingSpec(
        "an unanswered intro or request expires after", _duration("consent_expires_after")
    ),
    "connect_check_after": SettingSpec(
        "“did you connect?” this long after a connection", _duration("connect_check_after")
    ),
    "keep_in_touch_after": SettingSpec(
        "keep-in-touch nudge after this long without contact", _duration("keep_in_touch_after")
    ),
    "dm_daily_cap": SettingSpec(
        "prompts per member per day; the rest merge into one digest", _int_range(1, 20)
    ),
    "prompts_off": SettingSpec(
        "kinds of prompt turned off for everyone (comma-separated, or none)",
        _prompt_kinds,
        "none",
    ),
}


RESET = {"default", "reset"}


async def settings(ctx: Context, cmd: Settings) -> Reply:
    if cmd.key is None:
        fields = tuple(
            Field(key, line(f"{_shown(ctx, key)}  · {spec.description}"))
            for key, spec in SETTINGS.items()
        )
        return Reply(
            Message(
                sections=(
                    Section(
                        text=line(
                            "Community settings (change with /networker settings key=value; "
                            "key=default puts one back):"
                        ),
                        fields=fields,
                    ),
                ),
                buttons=(Button("Change in a form", Action.SETTINGS_FORM, ""),),
            )
        )
    key = cmd.key.strip().lower()
    spec = SETTINGS.get(key)
    if spec is None:
        raise UserError(f"There is no setting “{cmd.key}”.", "Settings: " + ", ".join(SETTINGS))
    if cmd.value is None:
        return reply(f"{key} = {_shown(ctx, key)} ({spec.description})")
    updated = dict(ctx.community.settings)
    reset = cmd.value.strip().lower() in RESET
    if reset:
        updated.pop(key, None)
    else:
        value = spec.parse(cmd.value)
        if value is None:
            updated.pop(key, None)
        else:
            updated[key] = value
    _check_together(ctx, updated)
    ctx.community.settings = updated
    if reset:
        return reply(f"Reset: {key} = {_shown(ctx, key)}.")
    return reply(f"Saved: {key} = {_show(ctx.setting(key))}.")


def _check_together(ctx: Context, updated: dict[str, Any]) -> None:
    """Settings that contradict each other are refused: the one reminder must come
    before the request expires, or it would never be sent."""
    reminder, expires = (
        _duration_of(updated, ctx, key)
        for key in ("consent_reminder_after", "consent_expires_after")
    )
    if reminder >= expires:
        raise UserError(
            f"The reminder ({format_duration(reminder)}) would come at or after the expiry "
            f"({format_duration(expires)}), so nobody would ever be reminded.",
            "Keep consent_reminder_after shorter than consent_expires_after; "
            "change the other one first if you need to.",
        )


def _duration_of(updated: dict[str, Any], ctx: Context, key: str) -> timedelta:
    low, high = DURATIONS[key]
    value = updated.get(key, getattr(ctx.config, key))
    return parse_duration(str(value), low=low, high=high)


def _shown(ctx: Context, key: str) -> str:
    """The value in force, marked when it is the default."""
    if key in ctx.community.settings:
        return _show(ctx.community.settings[key])
    value = ctx.setting(key)
    shown = SETTINGS[key].default if value is None and SETTINGS[key].default else _show(value)
    return f"{shown} (default)"


def _show(value: Any) -> str:
    if value is None:
        return "off"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)


async def add_alias(ctx: Context, cmd: AddAlias) -> Reply:
    alias = normalise(clean(cmd.alias, "alias", max_len=TOPIC_MAX, required=True))
    target = clean(cmd.topic, "topic", max_len=TOPIC_MAX, required=True)
    vocab = await ctx.vocabulary()
    key = vocab.canonical(target)
    if not alias or not key or alias == key:
        raise UserError(
            "An alias needs two different names.", "e.g. /networker alias k8s kubernetes"
        )
    await ctx.uow.communities.set_alias(ctx.community_id, alias, key)
    ctx.vocabulary_changed()
    # Members who listed the alias itself are indexed under it: move them to the topic.
    listed = await ctx.uow.index.members_listing(ctx.community_id, {alias, singular(alias)})
    for member in (await ctx.uow.members.many(listed)).values():
        await reindex(ctx, member)
    return reply(f"Saved: “{alias}” now finds {vocab.label(key)}.")


async def stats(ctx: Context, _cmd: Stats) -> Reply:
    health = await ctx.uow.communities.health(ctx.community_id)
    prompts = await ctx.uow.prompts.counts(ctx.community_id)
    waiting = sum(prompts.get(s, 0) for s in ("pending", "sending", "digest"))
    fields = (
        Field("Members", line(str(health.members))),
        Field("Introductions", line(f"{health.intros} made, {health.intros_connected} connected")),
        Field("Help requests", line(f"{health.asks} sent, {health.asks_accepted} accepted")),
        Field("Thank-yous", line(str(health.thanks))),
        Field("Active givers", line(str(health.active_givers))),
        Field(
            "Prompts",
            line(
                f"{prompts.get('sent', 0)} sent, {waiting} waiting, "
                f"{prompts.get('failed', 0)} failed after every retry, "
                f"{prompts.get('cancelled', 0)} cancelled (no longer needed)"
            ),
        ),
    )
    # The text stays as it was; the organiser also gets a link to see it all in a browser.
    url = await new_link(ctx)
    return Reply(
        Message(
            sections=(
                Section(text=line("Community health"), fields=fields),
                Section(
                    text=line(
                        "Trends, topics and the shape of the network: ",
                        url,
                        " (works once, within 15 minutes)",
                    )
                ),
            )
        )
    )
