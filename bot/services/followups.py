"""Answers to the bot's prompts: "did you connect?", one-click thanks, prompt switches."""

from __future__ import annotations

from bot.actions import Action
from bot.domain.connections import Outcome
from bot.domain.errors import UserError
from bot.domain.prompts import PromptKind
from bot.messages import (
    Field,
    Form,
    Input,
    InputKind,
    Message,
    Reply,
    Section,
    form_reply,
    line,
    reply,
)
from bot.prompts.kinds import KIND_LABELS, SWITCHABLE
from bot.services.commands import MemberRef, Press, PromptSwitch, Thank
from bot.services.context import Context, mention
from bot.services.thanks import thank

OUTCOME_OF = {
    Action.FOLLOWUP_HELPFUL: Outcome.HELPFUL,
    Action.FOLLOWUP_TALKED: Outcome.TALKED,
    Action.FOLLOWUP_NOT_YET: Outcome.NOT_YET,
    Action.FOLLOWUP_NO: Outcome.NO,
}


async def connect_answer(ctx: Context, cmd: Press) -> Reply:
    conn_id, _, round_ = cmd.value.partition(":")
    conn = await ctx.uow.connections.get(int(conn_id) if conn_id.isdigit() else 0, for_update=True)
    if conn is None or conn.community_id != ctx.community_id:
        raise UserError("That connection no longer exists.")
    outcome = OUTCOME_OF[Action(cmd.action)]
    assert ctx.me.id is not None
    conn.record_outcome(ctx.me.id, outcome, ctx.now, last_round=round_ == "2")
    if outcome is Outcome.NOT_YET:
        await ctx.prompts.ask_again(conn, ctx.me.id)
        return reply("No rush. I'll ask once more in a few days.")
    if conn.is_intro:
        await ctx.prompts.close_loop(conn, ctx.me.id, outcome)
    if outcome is Outcome.HELPFUL:
        await ctx.prompts.thanks_prompt(conn, ctx.me.id, conn.to_thank(ctx.me.id))
        return reply("Wonderful, I'm glad it helped! Thanks for letting me know.")
    if outcome is Outcome.TALKED:
        return reply("Good to hear you talked. Thanks for letting me know!")
    hint = f"/whoknows {conn.topic}" if conn.topic else "/whoknows <topic>"
    return reply(
        "Thanks for telling me; these things happen.", f"{hint} finds others who can help."
    )


async def thanks_start(ctx: Context, cmd: Press) -> Reply:
    """A one-click thank-you: ask for the note (a form), then record it like /thanks."""
    member_id, _, _conn = cmd.value.partition(":")
    member = await ctx.member_by_id(member_id)
    if member is None:
        raise UserError("That member is not here any more.")
    note = cmd.inputs.get("note")
    if note is None:
        return form_reply(
            line("Say thanks to ", mention(member), ":"),
            Form(
                title=f"Thank {member.display_name}"[:24],
                action=Action.THANKS_START,
                value=cmd.value,
                inputs=(
                    Input("note", "What are you thanking them for?", InputKind.LONG_TEXT, True),
                ),
                submit="Send thanks",
            ),
        )
    ref = MemberRef(member.platform_user_id, member.display_name, member.timezone)
    return await thank(ctx, Thank(ref, note))


async def prompt_switch(ctx: Context, cmd: PromptSwitch) -> Reply:
    """/networker prompts [on|off <kind>]: which prompts this member gets."""
    off = set(ctx.me.prompts_off or [])
    community_off = set(ctx.community.settings.get("prompts_off") or [])
    if cmd.kind is not None:
        kind = _kind(cmd.kind)
        if cmd.on:
            off.discard(kind)
        else:
            off.add(kind)
        # Waiting prompts stay: the dispatcher drops those still off when they fall due,
        # so turning a kind back on in time (say, keep-in-touch) loses nothing.
        ctx.me.prompts_off = sorted(off)
    fields = tuple(
        Field(
            kind,
            line(
                "off for the community"
                if kind in community_off
                else ("off" if kind in off else "on") + f" · {KIND_LABELS[PromptKind(kind)]}"
            ),
        )
        for kind in SWITCHABLE
    )
    head = (
        f"Saved: {cmd.kind and _kind(cmd.kind)} is {'on' if cmd.on else 'off'}."
        if cmd.kind
        else "The messages I may send you on my own:"
    )
    return Reply(
        Message(
            sections=(
                Section(text=line(head), fields=fields),
                Section(
                    text=line(
                        "Change one with /networker prompts off <kind> (or on). "
                        "/networker pause stops them all for a while."
                    )
                ),
            )
        )
    )


def _kind(text: str) -> str:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key not in {k.value for k in SWITCHABLE}:
        raise UserError(
            f"“{text}” is not a kind of prompt.", "Kinds: " + ", ".join(k.value for k in SWITCHABLE)
        )
    return key
