"""Pairing rounds ("coffee chats"): organisers open a channel to pairing, members opt in,
and every round puts each available participant in exactly one small group with its own
conversation.

A round is one transaction: the round (unique per channel and slot), every seat, the next
slot, and one message row per group conversation (a durable outbox row with a key made
from the round and the group). A crash after the commit resumes by sending the rows still
waiting; one before it leaves nothing, and the next pass runs the round again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import message_codec
from bot.actions import Action
from bot.domain.errors import UserError
from bot.domain.members import Community, Member
from bot.domain.pairing import (
    History,
    Person,
    Reason,
    ReasonKind,
    mix,
    plan_round,
    reasons,
    week_hours,
)
from bot.domain.pairing_rounds import (
    SETTINGS,
    Answer,
    PairingChannel,
    Participant,
    Presence,
    Round,
    Schedule,
    Seat,
    is_row_id,
    parse_schedule,
    parse_setting,
)
from bot.domain.profile import Availability
from bot.domain.prompts import PromptKind
from bot.domain.text import clean
from bot.domain.wording import day_text
from bot.messages import (
    Bold,
    Button,
    DirectMessage,
    GroupConversation,
    Line,
    Message,
    Reply,
    Section,
    Style,
    line,
    message,
    reply,
)
from bot.prompts.kinds.message import MESSAGE
from bot.prompts.kinds.pairing_check import PAIRING_CHECK, PAIRING_REMINDER
from bot.services.commands import PairingChannelMove, PairingManage, PairingMember, Press
from bot.services.context import Context, mention, mentions
from bot.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

MANAGE = ("on", "off", "run", "status", "set")
JOIN = ("join", "skip", "leave")
USAGE = "/networker pairing on|off|run|status|set|join|skip|leave #channel [options]"


def channel_ref(value: str | None) -> str:
    """A channel as the platform wrote it: "#name", "#name (C123)" or Discord's <#123>."""
    text = clean(value or "", "channel", max_len=80).strip()
    if not text:
        raise UserError("Which channel?", f"Name it, e.g. {USAGE.split(' #')[0]} #coffee")
    return text if text.startswith(("#", "<#")) else f"#{text}"


# --- organiser commands ------------------------------------------------------------------


async def manage(ctx: Context, cmd: PairingManage) -> Reply:
    if cmd.action == "status" and not cmd.channel:
        return await _overview(ctx)
    ref = channel_ref(cmd.channel)
    words = cmd.options.split()
    if cmd.action == "on":
        return await _on(ctx, ref, words)
    found = await ctx.uow.pairing.channel(ctx.community_id, ref)
    if found is None:
        raise UserError(
            f"{ref} is not a pairing channel yet.", f"Start it with /networker pairing on {ref}"
        )
    if cmd.action == "off":
        found.active = False
        found.next_round_at = None
        await ctx.uow.pairing.save_channel(found)
        return reply(
            f"Pairing in {ref} is off. Participants and past rounds are kept; "
            f"/networker pairing on {ref} starts it again."
        )
    if cmd.action == "run":
        keys = await start_round(ctx.uow, ctx.community, found, ctx.now, planned_for=ctx.now)
        if keys is None:
            raise UserError("A round for this moment is already under way.")
        ctx.outbox.keys.extend(keys)
        return reply(
            f"A round in {ref} has started: {len(keys)} group conversations are on their way."
        )
    if cmd.action == "set":
        return await _set(ctx, found, words)
    return await _status(ctx, found)


async def _on(ctx: Context, ref: str, words: list[str]) -> Reply:
    found = await ctx.uow.pairing.channel(ctx.community_id, ref)
    tz = ctx.me.timezone or ctx.community.settings.get("timezone") or "UTC"
    current = (
        Schedule(found.every_weeks, found.weekday, found.at, found.size)
        if found
        else Schedule(1, 0, "10:00", 2)
    )
    plan = parse_schedule(words, current)
    ch = found or PairingChannel(ctx.community_id, ref, created_at=ctx.now)
    announce = found is None or not found.active
    ch.every_weeks, ch.weekday, ch.at, ch.size = plan.every_weeks, plan.weekday, plan.at, plan.size
    ch.timezone, ch.active = tz, True
    ch.next_round_at = ch.first_round_after(ctx.now)
    await ctx.uow.pairing.save_channel(ch)
    if ch.next_round_at - ctx.now > timedelta(days=1):
        await plan_reminders(ctx.uow, ch, ctx.now)
    every = {1: "every week", 2: "every two weeks", 4: "every four weeks"}[ch.every_weeks]
    if announce:  # in the channel itself, with a Join button
        assert ch.id is not None
        ctx.outbox.post(
            ref,
            message(
                f"Pairing rounds start here: {every}, I'll introduce you to "
                f"{'one member' if ch.size == 2 else 'two members'} you haven't met yet, "
                "with a little context to start the conversation.",
                "Join with one click (or /networker pairing join); skip or leave any time.",
                buttons=[Button("Join", Action.PAIRING_JOIN, str(ch.id), Style.PRIMARY)],
            ),
        )
    return reply(
        f"Pairing is on in {ref}: {every} on {_day(ch.weekday)} at {ch.at} ({tz}), "
        f"groups of {ch.size}. First round: {_when(ch.next_round_at, tz)}.",
        f"Members join with /networker pairing join {ref}.",
    )


async def _set(ctx: Context, ch: PairingChannel, words: list[str]) -> Reply:
    if not words:
        rows = [f"{k} = {ch.setting(k)} ({v[3]})" for k, v in SETTINGS.items()]
        return reply(f"Pairing settings of {ch.channel}:", *rows)
    changed = []
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise UserError(f"Write {word}=<number>.", "e.g. ghost_rounds=3")
        ch.settings[key.strip()] = parse_setting(key.strip(), value.strip())
        changed.append(f"{key.strip()} = {ch.settings[key.strip()]}")
    await ctx.uow.pairing.save_channel(ch)
    return reply(f"Saved for {ch.channel}: " + ", ".join(changed) + ".")


async def _status(ctx: Context, ch: PairingChannel) -> Reply:
    assert ch.id is not None
    people = await ctx.uow.pairing.participants(ch.id)
    taking = sum(p.presence is Presence.IN for p in people)
    skipping = sum(p.presence is Presence.IN and p.skip_next for p in people)
    paused = sum(p.presence is Presence.GHOST for p in people)
    tz = ctx.me.timezone or ch.timezone
    lines: list[Line | str] = [
        line(Bold(ch.channel), f": {'on' if ch.active else 'off'}, groups of {ch.size}."),
        f"Participants: {taking} (skipping the next round: {skipping}; paused: {paused}).",
        "Next round: "
        + (_when(ch.next_round_at, tz) if ch.active and ch.next_round_at else "none planned")
        + ".",
    ]
    summaries = await ctx.uow.pairing.summaries(ch.id, limit=5)
    for s in summaries:
        rate = f"{s.met_rate:.0%} met" if s.met_rate is not None else "no groups"
        lines.append(f"Round of {_when(s.planned_for, tz)}: {s.groups} groups, {rate}.")
    if not summaries:
        lines.append("No rounds yet.")
    return reply(*lines)


async def _overview(ctx: Context) -> Reply:
    channels = await ctx.uow.pairing.channels(ctx.community_id)
    if not channels:
        return reply("No pairing channels yet.", "Start one with /networker pairing on #channel")
    tz = ctx.me.timezone or "UTC"
    return reply(
        *(
            f"{c.channel}: {'next round ' + _when(c.next_round_at, tz) if c.active and c.next_round_at else 'off'}"
            for c in channels
        )
    )


# --- member commands ---------------------------------------------------------------------


async def member(ctx: Context, cmd: PairingMember) -> Reply:
    assert ctx.me.id is not None
    if cmd.action == "status" or (cmd.action in ("skip", "leave") and not cmd.channel):
        mine = [
            p for p in await ctx.uow.pairing.memberships(ctx.me.id) if p.presence is Presence.IN
        ]
        if cmd.action == "status":
            return await _my_status(ctx, mine)
        if not mine:
            raise UserError(
                "You are not in any pairing round.", "Join with /networker pairing join #channel"
            )
        if len(mine) > 1:
            names = ", ".join([await _name(ctx, p.channel_id) for p in mine])
            raise UserError(
                f"You take part in {names}.", f"Say which: /networker pairing {cmd.action} #channel"
            )
        return await _member_action(ctx, cmd.action, mine[0])
    ref = channel_ref(cmd.channel)
    ch = await ctx.uow.pairing.channel(ctx.community_id, ref)
    if ch is None or not ch.active:
        raise UserError(f"{ref} has no pairing rounds.", "Ask an organiser to start them.")
    assert ch.id is not None
    found = next(
        (p for p in await ctx.uow.pairing.memberships(ctx.me.id) if p.channel_id == ch.id), None
    )
    if cmd.action == "join":
        return await join(ctx, ch, found)
    if found is None or found.presence is not Presence.IN:
        raise UserError(
            f"You are not in the pairing rounds of {ref}.",
            f"Join with /networker pairing join {ref}",
        )
    return await _member_action(ctx, cmd.action, found)


def names_channel(stored: str, platform_id: str) -> bool:
    """A platform's bare channel id (Slack's events) names the channel stored as
    "#name (C123)", "<#C123>" or the id itself."""
    return bool(platform_id) and (
        stored == platform_id or f"({platform_id})" in stored or f"<#{platform_id}>" in stored
    )


async def channel_move(ctx: Context, cmd: PairingChannelMove) -> Reply:
    """Joining a pairing channel opts in (with a DM saying so); leaving it opts out."""
    assert ctx.me.id is not None
    found = [
        ch
        for ch in await ctx.uow.pairing.channels(ctx.community_id)
        if ch.active and names_channel(ch.channel, cmd.channel)
    ]
    if not found:
        return reply("Not a pairing channel.")
    ch = found[0]
    mine = next(
        (p for p in await ctx.uow.pairing.memberships(ctx.me.id) if p.channel_id == ch.id), None
    )
    if cmd.joined:
        if mine is not None and mine.presence is Presence.IN:
            return reply("Already in.")
        answer_ = await join(ctx, ch, mine)
        ctx.dm(ctx.me, answer_.message)
        return answer_
    if mine is None or mine.presence is not Presence.IN:
        return reply("Not in.")
    mine.presence, mine.skip_next = Presence.LEFT, False
    await ctx.uow.pairing.save_participant(mine)
    return reply(f"Left the pairing rounds of {ch.channel}.")


async def join(ctx: Context, ch: PairingChannel, found: Participant | None) -> Reply:
    assert ch.id is not None and ctx.me.id is not None
    if found is not None and found.presence is Presence.IN and not found.skip_next:
        return reply(f"You are already in the pairing rounds of {ch.channel}.")
    p = found or Participant(ch.id, ctx.me.id, joined_at=ctx.now)
    p.presence, p.skip_next, p.missed = Presence.IN, False, 0
    await ctx.uow.pairing.save_participant(p)
    if ch.next_round_at is not None and ch.next_round_at - ctx.now > timedelta(days=1):
        await plan_reminders(ctx.uow, ch, ctx.now, [ctx.me.id])
    tz = ctx.me.timezone or ch.timezone
    when = _when(ch.next_round_at, tz) if ch.next_round_at else "when the organisers start one"
    note = (
        " You are paused, so you'll be left out until you /networker resume."
        if ctx.me.paused
        else ""
    )
    return reply(
        f"You're in! Next round in {ch.channel}: {when}. I'll open a small conversation "
        f"with your match.{note}",
        "Skip one round with /networker pairing skip, stop with /networker pairing leave.",
    )


async def _member_action(ctx: Context, action: str, p: Participant) -> Reply:
    name = await _name(ctx, p.channel_id)
    if action == "skip":
        p.skip_next = True
        await ctx.uow.pairing.save_participant(p)
        return reply(f"You'll sit out the next round in {name}; the one after includes you again.")
    p.presence, p.skip_next = Presence.LEFT, False
    await ctx.uow.pairing.save_participant(p)
    return reply(
        f"You left the pairing rounds of {name}. Rejoin any time with /networker pairing join {name}."
    )


async def _my_status(ctx: Context, mine: list[Participant]) -> Reply:
    if not mine:
        return reply(
            "You are not in any pairing round.", "Join with /networker pairing join #channel"
        )
    out: list[str] = []
    for p in mine:
        ch = await ctx.uow.pairing.channel_by_id(p.channel_id)
        if ch is None:
            continue
        when = (
            _when(ch.next_round_at, ctx.me.timezone or ch.timezone)
            if ch.next_round_at
            else "none planned"
        )
        out.append(f"{ch.channel}: next round {when}{' (you skip it)' if p.skip_next else ''}.")
    return reply(*out)


async def _name(ctx: Context, channel_id: int) -> str:
    ch = await ctx.uow.pairing.channel_by_id(channel_id)
    return ch.channel if ch else "that channel"


# --- a round -----------------------------------------------------------------------------


async def start_round(
    uow: UnitOfWork,
    community: Community,
    ch: PairingChannel,
    now: datetime,
    *,
    planned_for: datetime,
) -> list[str] | None:
    """Match the channel's available participants and keep one message row per group.

    The outbox rows' keys come back (to send at once); None when a round for that slot
    exists already (a second process, or a rerun after a crash)."""
    assert ch.id is not None and community.id is not None
    latest = await uow.pairing.latest_round(ch.id)
    check_at = now + timedelta(days=ch.setting("check_after_days"))
    seed = mix(ch.id, int(planned_for.timestamp())) & 0x7FFFFFFF
    item = Round(ch.id, planned_for, seed, (latest.number + 1) if latest else 1, now, check_at)
    saved = await uow.pairing.start_round(item)
    if saved is None:
        return None
    assert saved.id is not None
    paused = await _pause_ghosts(uow, ch, latest) if latest is not None else []
    available = await _available(uow, ch, now)
    members = [m for m, _ in available]
    people = {
        m.id: _person(m, group, community, ch, planned_for)
        for m, group in available
        if m.id is not None
    }
    met = await uow.pairing.met_pairs(community.id)
    connected = await uow.pairing.connected_pairs(community.id)
    plan = plan_round(
        list(people.values()),
        History(frozenset(met), frozenset(connected)),
        seed=seed,
        size=ch.size,
    )
    groups = [g for g in plan.groups if len(g) >= 2]
    await uow.pairing.add_seats(saved.id, groups)
    await uow.pairing.clear_skips(ch.id)
    if planned_for == ch.next_round_at:
        ch.next_round_at = ch.round_after(planned_for)
        while ch.next_round_at <= now:  # the bot was down for whole rounds: no backlog
            ch.next_round_at = ch.round_after(ch.next_round_at)
        await uow.pairing.save_channel(ch)
        await plan_reminders(uow, ch, now)
    by_id = {m.id: m for m in members}
    keys: list[str] = []
    rows: list[tuple[str, int, int | None, dict[str, Any]]] = []
    for no, group in enumerate(groups):
        key = MESSAGE.dedupe_key(token=f"pairing-{saved.id}-{no}")
        seated = [by_id[i] for i in group]
        convo = GroupConversation(
            tuple(m.platform_user_id for m in seated),
            introduction(seated, [people[i] for i in group], community, planned_for),
            title="Pairing round",
            place=ch.channel,
        )
        rows.append((key, group[0], group[0], message_codec.encode(convo)))
        keys.append(key)
    for member_id, platform_id in paused:  # a friendly word, never a reason
        key = MESSAGE.dedupe_key(token=f"pairing-pause-{saved.id}-{member_id}")
        note = DirectMessage(platform_id, _paused_note(ch))
        rows.append((key, member_id, member_id, message_codec.encode(note)))
        keys.append(key)
    await uow.prompts.schedule_many(
        community_id=community.id, kind=PromptKind.MESSAGE.value, due_at=now, now=now, rows=rows
    )
    checks: list[tuple[str, int, int | None, dict[str, Any]]] = [
        (PAIRING_CHECK.dedupe_key(subject=saved.id, recipient=m), m, saved.id, {})
        for group in groups
        for m in group
    ]
    await uow.prompts.schedule_many(
        community_id=community.id,
        kind=PromptKind.PAIRING_CHECK.value,
        due_at=check_at,
        now=now,
        rows=checks,
    )
    return keys


async def plan_reminders(
    uow: UnitOfWork, ch: PairingChannel, now: datetime, members: Sequence[int] | None = None
) -> None:
    """The day before the channel's next round: a reminder with a Skip button, for every
    participant (or these ones); each is checked again when due."""
    if ch.id is None or ch.community_id is None or ch.next_round_at is None:
        return
    if members is None:
        members = [
            p.member_id for p in await uow.pairing.participants(ch.id) if p.presence is Presence.IN
        ]
    slot = ch.next_round_at.isoformat()
    due = max(now, ch.next_round_at - timedelta(days=1))
    rows: list[tuple[str, int, int | None, dict[str, Any]]] = [
        (
            PAIRING_REMINDER.dedupe_key(subject=ch.id, slot=slot, recipient=m),
            m,
            ch.id,
            {"slot": slot},
        )
        for m in members
    ]
    await uow.prompts.schedule_many(
        community_id=ch.community_id,
        kind=PromptKind.PAIRING_REMINDER.value,
        due_at=due,
        now=now,
        rows=rows,
    )


async def _pause_ghosts(uow: UnitOfWork, ch: PairingChannel, last: Round) -> list[tuple[int, str]]:
    """After a round: a member who did not answer "did you meet?", or whose partners
    all said No, gets a strike; `ghost_rounds` strikes in a row pause them from pairing.
    Those paused, with their platform ids, to tell them kindly."""
    assert ch.id is not None and last.id is not None
    seats = await uow.pairing.seats(last.id)
    groups: dict[int, list[Seat]] = {}
    for s in seats:
        groups.setdefault(s.group_no, []).append(s)
    struck: dict[int, bool] = {}
    for seat in seats:
        partners = [s for s in groups[seat.group_no] if s.member_id != seat.member_id]
        said_no = bool(partners) and all(s.answer is Answer.NO for s in partners)
        struck[seat.member_id] = seat.answer is None or said_no
    if not struck:
        return []
    limit = ch.setting("ghost_rounds")
    paused: list[int] = []
    for p in await uow.pairing.participants(ch.id):
        if p.member_id not in struck or p.presence is not Presence.IN:
            continue
        before = (p.missed, p.presence)
        p.missed = p.missed + 1 if struck[p.member_id] else 0
        if p.missed >= limit:
            p.presence, p.missed = Presence.GHOST, 0
            paused.append(p.member_id)
        if (p.missed, p.presence) != before:  # one write per change, not per participant
            await uow.pairing.save_participant(p)
    found = await uow.members.many(paused)
    return [(i, found[i].platform_user_id) for i in paused if i in found and not found[i].forgotten]


def _paused_note(ch: PairingChannel) -> Message:
    assert ch.id is not None
    return message(
        f"I've paused your pairing rounds in {ch.channel} for now, since the last few "
        "rounds didn't come together. No worries, life gets busy!",
        "Whenever you'd like to meet someone new again, one click brings you back.",
        buttons=[Button("Rejoin", Action.PAIRING_REJOIN, str(ch.id), Style.PRIMARY)],
    )


# --- buttons -------------------------------------------------------------------------------

ASK_AGAIN_AFTER = timedelta(days=3)


async def _ask_once_more(ctx: Context, round_id: int, ch: PairingChannel) -> datetime | None:
    """After "Not yet", "did you meet?" comes back once, a few days on and before the next
    round starts; None when there is no time left for it or it was planned already."""
    assert ctx.me.id is not None
    due = ctx.now + ASK_AGAIN_AFTER
    if ch.next_round_at is not None and due >= ch.next_round_at - timedelta(hours=12):
        return None
    key = PAIRING_CHECK.dedupe_key(subject=round_id, recipient=ctx.me.id) + ":again"
    added = await ctx.uow.prompts.schedule(
        community_id=ctx.community_id,
        recipient_id=ctx.me.id,
        kind=PromptKind.PAIRING_CHECK.value,
        due_at=due,
        key=key,
        now=ctx.now,
        subject_id=round_id,
    )
    return due if added else None


ANSWERS = {
    Action.PAIRING_YES: Answer.YES,
    Action.PAIRING_NOT_YET: Answer.NOT_YET,
    Action.PAIRING_NO: Answer.NO,
}


async def answer(ctx: Context, cmd: Press) -> Reply:
    """Yes / Not yet / No to "did you meet?"; Yes offers one-click thank-yous."""
    assert ctx.me.id is not None
    round_id = int(cmd.value) if cmd.value.isdigit() else 0
    seats = await ctx.uow.pairing.seats(round_id) if is_row_id(round_id) else []
    mine = next((s for s in seats if s.member_id == ctx.me.id), None)
    found = await ctx.uow.pairing.get_round(round_id) if mine else None
    ch = await ctx.uow.pairing.channel_by_id(found.channel_id) if found else None
    if mine is None or ch is None or ch.community_id != ctx.community_id:
        raise UserError("That pairing round is not one you were in.")
    said = ANSWERS[Action(cmd.action)]
    await ctx.uow.pairing.answer(round_id, ctx.me.id, said, ctx.now)
    if said is Answer.NOT_YET:
        said_back = ["No rush! There's still time; a short call counts too."]
        again = await _ask_once_more(ctx, round_id, ch)
        if again is not None:
            local = again.astimezone(ctx.tz(ctx.me)).date()
            said_back.append(f"I'll ask once more around {day_text(local, ctx.today(ctx.me))}.")
        return reply(*said_back)
    if said is Answer.NO:
        return reply("Thanks for telling me; these things happen. See you next round!")
    partners = [s.member_id for s in seats if s.group_no == mine.group_no and s is not mine]
    people = await ctx.uow.members.many(partners)
    due = [people[m] for m in partners if m in people and not people[m].forgotten]
    buttons = [
        Button(f"Thank {m.display_name}", Action.THANKS_START, f"{m.id}:0", Style.PRIMARY)
        for m in due
    ]
    return reply(
        "Wonderful, glad you met! Thanks for letting me know.",
        line("A short thank-you to ", *mentions(due), " means a lot:") if due else "",
        buttons=buttons,
    )


async def skip_button(ctx: Context, cmd: Press) -> Reply:
    """Skip on the reminder: the next round only."""
    assert ctx.me.id is not None
    channel_id = int(cmd.value) if cmd.value.isdigit() else 0
    mine = next(
        (p for p in await ctx.uow.pairing.memberships(ctx.me.id) if p.channel_id == channel_id),
        None,
    )
    if mine is None or mine.presence is not Presence.IN:
        raise UserError("You are not in those pairing rounds any more.")
    return await _member_action(ctx, "skip", mine)


async def rejoin(ctx: Context, cmd: Press) -> Reply:
    assert ctx.me.id is not None
    channel_id = int(cmd.value) if cmd.value.isdigit() else 0
    ch = await ctx.uow.pairing.channel_by_id(channel_id) if is_row_id(channel_id) else None
    if ch is None or ch.community_id != ctx.community_id or not ch.active:
        raise UserError("Those pairing rounds have ended.", "/networker pairing status lists them.")
    found = next(
        (p for p in await ctx.uow.pairing.memberships(ctx.me.id) if p.channel_id == channel_id),
        None,
    )
    return await join(ctx, ch, found)


async def _available(
    uow: UnitOfWork, ch: PairingChannel, now: datetime
) -> list[tuple[Member, str]]:
    """Participants in the round: in, not skipping, not paused, away, gone or unreachable
    (they stay participants, and the next round includes them again)."""
    assert ch.id is not None
    wanted = {
        p.member_id: p.group
        for p in await uow.pairing.participants(ch.id)
        if p.presence is Presence.IN and not p.skip_next
    }
    found = await uow.members.many(wanted)
    today = now.date()
    # A group recorded for the participant comes first, else the chapter on their profile.
    return [
        (m, wanted[i] or m.chapter)
        for i, m in sorted(found.items())
        if not m.paused
        and not m.forgotten
        and not m.unreachable
        and m.availability_on(today) is not Availability.AWAY
    ]


def _topics(text: str) -> frozenset[str]:
    return frozenset(t.strip().lower() for t in re.split(r"[,;\n]", text) if t.strip())


def _person(
    m: Member, group: str, community: Community, ch: PairingChannel, when: datetime
) -> Person:
    assert m.id is not None
    tz = m.timezone or community.settings.get("timezone") or "UTC"
    newcomer_days = ch.setting("newcomer_days")
    newcomer = m.created_at is not None and m.created_at > when - timedelta(days=newcomer_days)
    return Person(
        m.id,
        group=group,
        hours=week_hours(m.contact_window, tz, when.date()),
        knows=frozenset(s.lower() for s in m.skills) | _topics(m.can_help_with),
        seeks=_topics(m.looking_for),
        newcomer=newcomer,
    )


# --- the group's first message -----------------------------------------------------------


def introduction(
    members: Sequence[Member], people: Sequence[Person], community: Community, when: datetime
) -> Message:
    """Who they are (what each made visible), why they were matched, when their contact
    windows overlap in each one's local time, and a conversation starter."""
    sections = [
        Section(text=line("Hello ", *mentions(members), "! You're this round's pairing group."))
    ]
    for m in members:
        shown = _visible(m)
        sections.append(
            Section(text=line(mention(m), ": ", shown or "no profile details shared yet"))
        )
    public = [
        p if _public(m) else Person(p.id, p.group, p.hours)
        for m, p in zip(members, people, strict=True)
    ]
    why = _why(members, public)
    sections.append(Section(text=line("Why you: ", why)))
    sections.append(Section(text=line(_overlap(members, people, community, when))))
    sections.append(Section(text=line("To start: ", _starter(members, public))))
    return Message(sections=tuple(sections))


def _public(m: Member) -> bool:
    return m.discoverable and not m.forgotten


def _visible(m: Member) -> str:
    if not _public(m):
        return ""
    parts = []
    if m.skills:
        parts.append("knows " + ", ".join(sorted(m.skills)[:4]))
    if m.looking_for:
        parts.append("looking for " + m.looking_for[:120])
    if m.bio:
        parts.append(m.bio[:160])
    return "; ".join(parts)


def _why(members: Sequence[Member], people: Sequence[Person]) -> str:
    by_id = {m.id: m for m in members}
    found: list[Reason] = []
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            found.extend(reasons(a, b))
    best = sorted(found, key=lambda r: list(ReasonKind).index(r.kind))
    for r in best:
        if r.kind is ReasonKind.COMPLEMENT and r.giver in by_id and r.seeker in by_id:
            giver, seeker = by_id[r.giver], by_id[r.seeker]
            return (
                f"{giver.display_name} knows {r.topic}, which {seeker.display_name} is looking for."
            )
        if r.kind is ReasonKind.SHARED:
            return f"you share an interest in {r.topic}."
    return "you haven't met yet, and this is a good moment to."


def _overlap(
    members: Sequence[Member], people: Sequence[Person], community: Community, when: datetime
) -> str:
    common = people[0].hours
    for p in people[1:]:
        common &= p.hours
    if not common:
        return "Your contact windows don't overlap: agree on a time that suits you all."
    first = (common & -common).bit_length() - 1
    monday = (when - timedelta(days=when.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    start = monday + timedelta(hours=first)
    hours = common.bit_count()
    local = []
    for m in members:
        if not _public(m):
            continue  # a hidden profile's time zone stays theirs
        zone = ZoneInfo(m.timezone or community.settings.get("timezone") or "UTC")
        local.append(f"{m.display_name} {start.astimezone(zone):%a %H:%M}")
    if not local:
        return f"Your contact windows overlap {hours} h a week."
    return (
        f"Your windows overlap {hours} h a week, e.g. "
        + ", ".join(local)
        + " (each one's local time)."
    )


def _starter(members: Sequence[Member], people: Sequence[Person]) -> str:
    for p in people:
        if p.seeks:
            topic = sorted(p.seeks)[0]
            name = next(m.display_name for m in members if m.id == p.id)
            return f"{name} is looking for {topic}: who has tried something that worked?"
    for p in people:
        if p.knows:
            return f"what got you into {sorted(p.knows)[0]}?"
    return "what are you working on this month, and what would make it easier?"


# --- export ------------------------------------------------------------------------------


async def pairing_export(uow: UnitOfWork, member_id: int) -> dict[str, Any]:
    """A member's pairing channels and rounds: their own seat and answer, and whom they
    were grouped with by seat only (the others' data is theirs to export)."""
    channels = []
    for p in await uow.pairing.memberships(member_id):
        ch = await uow.pairing.channel_by_id(p.channel_id)
        channels.append(
            {
                "channel": ch.channel if ch else None,
                "presence": p.presence.value,
                "skip_next": p.skip_next,
                "group": p.group,
                "joined_at": p.joined_at.isoformat() if p.joined_at else None,
            }
        )
    rounds = []
    for seat in await uow.pairing.seats_of(member_id):
        r = await uow.pairing.get_round(seat.round_id)
        rounds.append(
            {
                "round": r.planned_for.isoformat() if r else None,
                "answer": seat.answer.value if seat.answer else None,
            }
        )
    return {"channels": channels, "rounds": rounds}


# --- helpers -----------------------------------------------------------------------------


def _day(weekday: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")[weekday]


def _when(moment: datetime | None, tz: str) -> str:
    if moment is None:
        return "not planned"
    return f"{moment.astimezone(ZoneInfo(tz)):%a %d %b %H:%M} ({tz})"


async def run_due_rounds(units: UnitOfWorkFactory, now: datetime, limit: int = 20) -> list[str]:
    """Start every round that is due, each channel in its own transaction; the keys of
    the group conversations' rows, to send at once."""
    async with units(write=False) as uow:
        due = [c.id for c in await uow.pairing.due(now, limit) if c.id is not None]
    keys: list[str] = []
    for channel_id in due:
        async with units() as uow:
            ch = await uow.pairing.channel_by_id(channel_id)
            if ch is None or not ch.active or ch.next_round_at is None or ch.next_round_at > now:
                continue  # another process ran it meanwhile
            community = (await uow.communities.many([ch.community_id])).get(ch.community_id)
            if community is None or not community.active:
                ch.next_round_at = None  # the bot left the workspace: nothing to run
                await uow.pairing.save_channel(ch)
                await uow.commit()
                continue
            started = await start_round(uow, community, ch, now, planned_for=ch.next_round_at)
            await uow.commit()
        keys.extend(started or [])
    return keys
