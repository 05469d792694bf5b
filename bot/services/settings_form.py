"""Community settings as a form, for organisers: the ones with choices, picked.

Channels and durations stay in `/networker settings key=value` (a channel is the
platform's own reference; a duration is free); the form holds what a list of choices
says better than a typed value: which prompts are off for everyone, the daily caps,
new members' capacity and the community's time zone.
"""

from __future__ import annotations

from typing import Any

from bot.actions import Action
from bot.domain.errors import UserError
from bot.messages import Form, Input, InputKind, Message, Option, Reply, Section, form_reply, line
from bot.prompts.kinds import KIND_LABELS, SWITCHABLE
from bot.services.commands import Press, Settings
from bot.services.context import Context
from bot.services.form_answers import Collector, read
from bot.services.organiser import SETTINGS, settings

_CAPS = tuple(str(n) for n in range(1, 11))
_CAPACITIES = ("0", "1", "2", "3", "4", "5", "6", "8", "10", "15", "20", "30", "50", "100")


def settings_form(ctx: Context) -> Form:
    def numbers(values: tuple[str, ...], current: Any) -> tuple[Option, ...]:
        chosen = sorted({*values, str(current)}, key=int)
        return tuple(Option(v, v) for v in chosen)

    return Form(
        "Community settings",
        Action.SETTINGS_SAVE,
        "",
        (
            Input(
                "prompts_off",
                "Prompts turned off for everyone",
                InputKind.MULTI_CHOICE,
                initial=",".join(ctx.setting("prompts_off") or []),
                options=tuple(Option(k.value, KIND_LABELS[k][:75]) for k in SWITCHABLE),
                hint="Members can still turn the others off for themselves.",
            ),
            Input(
                "dm_daily_cap",
                "Prompts per member per day",
                InputKind.CHOICE,
                required=True,
                initial=str(ctx.setting("dm_daily_cap")),
                options=numbers(_CAPS, ctx.setting("dm_daily_cap")),
                hint="The rest merge into one digest the next day.",
            ),
            Input(
                "thanks_daily_cap",
                "Thank-yous a member may send a day",
                InputKind.CHOICE,
                required=True,
                initial=str(ctx.setting("thanks_daily_cap")),
                options=numbers(_CAPS, ctx.setting("thanks_daily_cap")),
            ),
            Input(
                "default_capacity",
                "Requests per 30 days for new members",
                InputKind.CHOICE,
                required=True,
                initial=str(ctx.setting("default_capacity")),
                options=numbers(_CAPACITIES, ctx.setting("default_capacity")),
            ),
            Input(
                "timezone",
                "Time zone for members who set none",
                InputKind.TIMEZONE,
                initial=str(ctx.setting("timezone") or ""),
                placeholder="Europe/Berlin",
            ),
        ),
        submit="Save",
    )


def _organisers_only(ctx: Context) -> None:
    if not (ctx.me.is_organiser or ctx.actor.is_organiser):
        raise UserError("Only organisers can do that.", "Ask one of your community's organisers.")


async def open_settings(ctx: Context, _cmd: Press) -> Reply:
    _organisers_only(ctx)
    return form_reply("Change the community's settings", settings_form(ctx))


async def save_settings(ctx: Context, cmd: Press) -> Reply:
    _organisers_only(ctx)
    answers = read(settings_form(ctx), cmd.inputs)
    found = Collector()
    updated = dict(ctx.community.settings)
    given = {
        "prompts_off": ",".join(answers.choices("prompts_off")) or "none",
        "dm_daily_cap": answers.text("dm_daily_cap"),
        "thanks_daily_cap": answers.text("thanks_daily_cap"),
        "default_capacity": answers.text("default_capacity"),
    }
    if answers.given("timezone"):
        given["timezone"] = answers.text("timezone")
    for key, text in given.items():
        with found.field(key):
            value = SETTINGS[key].parse(text)
            if value is None:
                updated.pop(key, None)
            else:
                updated[key] = value
    found.check()
    ctx.community.settings = updated
    listed = (await settings(ctx, Settings())).message
    return Reply(Message(sections=(Section(text=line("Saved.")), *listed.sections)))
