"""/intro and /ask: double opt-in requests, answers, suggestions and drafts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.actions import Action
from bot.domain.connections import Answer, Connection, Consent, Kind, State
from bot.domain.errors import UserError
from bot.domain.members import Member, MemberSnapshot
from bot.domain.profile import Availability
from bot.domain.text import NOTE_MAX, clean, clean_reason
from bot.domain.vocabulary import MatchKind, TopicMatch
from bot.domain.wording import day_text, moment_text, plural, times, weekday_day_text
from bot.messages import (
    Bold,
    Button,
    Form,
    Input,
    InputKind,
    Line,
    Quote,
    Reply,
    Style,
    form_reply,
    line,
    message,
    reply,
)
from bot.services.commands import Ask, Intro, MemberRef, Press
from bot.services.context import Context, mention
from bot.services.indexing import refresh_load
from bot.services.search import find_helpers

RECENT_DECLINE = timedelta(days=30)
INTRO_EXAMPLE = "you both organise Python meetups and could share speakers"
ASK_EXAMPLE = "could you look over the budget section of my grant proposal?"


async def _specific(ctx: Context, text: str | None, what: str, example: str) -> str:
    """A reason that says something: enough meaningful words, or a topic known here."""
    topics = (await ctx.vocabulary()).known_topics(text or "")
    return clean_reason(text, what=what, topics=topics, example=example)


# --- starting ---------------------------------------------------------------------------


async def intro(ctx: Context, cmd: Intro) -> Reply:
    a, b = await ctx.member(cmd.a), await ctx.member(cmd.b)
    if a.id == b.id:
        raise UserError("You can't introduce someone to themselves.", "Name two different people.")
    if ctx.me.id in (a.id, b.id):
        other = b if a.id == ctx.me.id else a
        raise UserError(
            "You're one of the two people, so this isn't an introduction.",
            f"To reach {other.display_name} yourself, use /ask @{other.display_name} <what you need>.",
        )
    for member in (a, b):
        _check_reachable(ctx, member)
    reason = await _specific(ctx, cmd.reason, "reason for the introduction", INTRO_EXAMPLE)
    await _check_not_introduced(ctx, a, b)
    conn = await _create(
        ctx, Connection(ctx.community_id, Kind.INTRO, _id(ctx.me), _id(a), _id(b), reason)
    )
    for party in (a, b):
        await refresh_load(ctx, party, asked_now=True)
    arrivals = await ctx.prompts.consent_requested(conn)
    later = _arrival_lines(ctx, [a, b], arrivals)
    return reply(
        line("Done! I'm asking " if later else "Done! I've asked ", mention(a), " and ")
        + line(mention(b), " privately."),
        *later,
        "Nobody is connected until both accept. I'll let you know how it goes.",
    )


async def ask(ctx: Context, cmd: Ask) -> Reply:
    helper = await ctx.member(cmd.helper)
    await _check_askable(ctx, helper)  # who comes first: no point polishing a request
    request = await _specific(ctx, cmd.request, "request", ASK_EXAMPLE)
    return await start_request(ctx, helper, request, cmd.topic, visible=cmd.visible)


async def _check_askable(ctx: Context, helper: Member) -> None:
    if helper.id == ctx.me.id:
        raise UserError(
            "You can't ask yourself for help.", "Try /whoknows <topic> to find someone."
        )
    _check_reachable(ctx, helper)
    if await ctx.uow.connections.open_between(
        ctx.community_id, Kind.REQUEST, _id(ctx.me), _id(helper)
    ):
        raise UserError(
            f"You already have a request waiting with {helper.display_name}.",
            "I'll let you know when they answer.",
        )


async def start_request(
    ctx: Context, helper: Member, request: str, topic: str | None, *, visible: bool = False
) -> Reply:
    await _check_askable(ctx, helper)
    topic = topic or await _topic_of(ctx, request, helper)
    conn = Connection(
        ctx.community_id,
        Kind.REQUEST,
        _id(ctx.me),
        _id(ctx.me),
        _id(helper),
        request,
        topic,
        consent_a=Consent.ACCEPTED,  # asking is the requester's consent
        visible=visible,
    )
    window = timedelta(days=int(ctx.setting("repeat_ask_window_days")))
    earlier = await ctx.uow.connections.asks_between(_id(ctx.me), _id(helper), ctx.now - window)
    if earlier >= int(ctx.setting("repeat_ask_limit")):
        conn.state = State.DRAFT
        conn = await _create(ctx, conn)
        return await _suggest_others(ctx, conn, helper, earlier, window.days)
    if helper.availability_on(ctx.today(helper)) is Availability.BUSY:
        conn.state = State.DRAFT
        return _confirm_busy(ctx, await _create(ctx, conn), helper)
    conn = await _create(ctx, conn)
    return await _send_request(ctx, conn, helper)


def _confirm_busy(ctx: Context, draft: Connection, helper: Member) -> Reply:
    """Respect people's priorities: the date they are busy until comes first, and the
    asker chooses; the request waits as a draft, nothing is lost."""
    return reply(
        line(mention(helper), f" is busy until {_busy_until(ctx, helper)}."),
        "Your request is saved as a draft and nothing has been sent. "
        "Ask anyway, or cancel and try /whoknows for someone open?",
        buttons=[
            Button(
                f"Ask {helper.display_name} anyway", Action.DRAFT_SEND, str(draft.id), Style.PRIMARY
            ),
            Button("Cancel", Action.DRAFT_CANCEL, str(draft.id)),
        ],
    )


def _busy_until(ctx: Context, member: MemberSnapshot) -> str:
    if member.busy_until is None:
        return "further notice"
    return day_text(member.busy_until, ctx.today(member))


async def _send_request(ctx: Context, conn: Connection, helper: Member) -> Reply:
    await refresh_load(ctx, helper, asked_now=True)
    arrivals = await ctx.prompts.consent_requested(conn)
    later = _arrival_lines(ctx, [helper], arrivals)
    return reply(
        line("Sent! I'm asking ", mention(helper), " privately.")
        if later
        else line("Sent! I've asked ", mention(helper), " privately."),
        *later,
        "They can accept, say “not now” or decline; I'll tell you what they say.",
        *_visibility(conn),
        buttons=_visibility_buttons(conn),
    )


def _visibility(conn: Connection) -> list[str]:
    """What the asker is told about who may know that they asked."""
    if conn.visible and conn.topic:
        return [
            f"Members who know {conn.topic} may see in their weekly digest that you asked "
            "(never your words)."
        ]
    if conn.visible:
        return ["This ask names no topic members list, so no digest will show it."]
    return ["Nobody else will know you asked."]


def _visibility_buttons(conn: Connection) -> list[Button]:
    if not conn.topic:
        return []
    if conn.visible:
        return [Button("Keep it private", Action.ASK_VISIBILITY, f"{conn.id}:private")]
    return [
        Button(
            f"Let others who know {conn.topic} see I asked"[:75],
            Action.ASK_VISIBILITY,
            f"{conn.id}:visible",
        )
    ]


async def ask_visibility(ctx: Context, cmd: Press) -> Reply:
    """The asker lets others who know the topic see that they asked, or takes it back."""
    conn = await _connection(ctx, cmd.value)
    if conn.kind is not Kind.REQUEST or conn.initiator_id != ctx.me.id:
        raise UserError("Only the person who asked can choose this.")
    conn.visible = cmd.value.partition(":")[2] == "visible"
    return reply(
        "Saved: others who know the topic may see that you asked."
        if conn.visible
        else "Saved: your ask stays private.",
        *_visibility(conn),
        buttons=_visibility_buttons(conn),
    )


def _arrival_lines(ctx: Context, people: list[Member], arrivals: dict[int, datetime]) -> list[Line]:
    """Who gets the request later, and when in their own time: it waits for their
    contact window."""
    out: list[Line] = []
    for member in people:
        arrives = arrivals.get(_id(member), ctx.now)
        if arrives <= ctx.now:
            continue
        local = arrives.astimezone(ctx.tz(member))
        out.append(
            line(
                mention(member),
                f" will get it at {moment_text(local, ctx.today(member))} their time",
                " (their contact window is closed now).",
            )
        )
    return out


async def _suggest_others(
    ctx: Context, draft: Connection, helper: Member, earlier: int, days: int
) -> Reply:
    """The third ask of one person in a month: nudge towards others, keep the draft."""
    matches = [TopicMatch(draft.topic, MatchKind.EXACT, draft.topic)] if draft.topic else []
    others = [
        m for m, _ in await find_helpers(ctx, matches, exclude=ctx.me, limit=4) if m.id != helper.id
    ]
    buttons = [
        Button(f"Ask {m.display_name} instead", Action.DRAFT_RETARGET, f"{draft.id}:{m.id}")
        for m in others[:3]
    ]
    buttons += [
        Button(
            f"Ask {helper.display_name} anyway", Action.DRAFT_SEND, str(draft.id), Style.PRIMARY
        ),
        Button("Cancel", Action.DRAFT_CANCEL, str(draft.id)),
    ]
    names = ", ".join(m.display_name for m in others[:3])
    return reply(
        line(
            "You've asked ",
            mention(helper),
            f" {times(earlier)} in the last {plural(days, 'day')}.",
        ),
        f"Others can help too: {names}."
        if names
        else "Spreading asks keeps everyone glad to help.",
        "Your request is saved as a draft; choose below.",
        buttons=buttons,
    )


async def _check_not_introduced(ctx: Context, a: Member, b: Member) -> None:
    """Refuse to introduce a pair who are connected, already introduced, or who turned
    an introduction down lately; say since when and what to do instead. Whose decline,
    and how they connected (a private ask, someone else's intro), stays untold."""
    pair = {_id(a), _id(b)}
    history = [c for c in await ctx.uow.connections.involving(_id(a)) if set(c.parties) == pair]
    names = f"{a.display_name} and {b.display_name}"
    connected = [c for c in history if c.state is State.CONNECTED and c.connected_at]
    if connected:
        first = min(connected, key=lambda c: c.connected_at or ctx.now)
        mine = first.introducer == ctx.me.id
        assert first.connected_at is not None
        raise UserError(
            (f"You introduced {names} already: " if mine else f"{names} already know each other: ")
            + f"they've been connected since {_date(ctx, first.connected_at)}.",
            "There's nothing to introduce: to follow up, message them yourself. "
            "/intro is for people who haven't met here yet.",
        )
    waiting = next((c for c in history if c.is_intro and c.is_open), None)
    if waiting is not None and waiting.created_at is not None:
        if waiting.initiator_id == ctx.me.id:
            raise UserError(
                f"You introduced {names} on {_date(ctx, waiting.created_at)}; "
                "they haven't both answered yet.",
                "Nothing more to do: each gets one gentle reminder, and I'll tell you how "
                "it goes. /networker me shows who you're waiting for.",
            )
        raise UserError(
            f"An introduction of {names} has been waiting for their answers since "
            f"{_date(ctx, waiting.created_at)}.",
            "Let them answer that one first; you could introduce either of them to "
            "someone else meanwhile.",
        )
    since = ctx.now - RECENT_DECLINE
    declined = [
        c
        for c in history
        if c.is_intro and c.state is State.DECLINED and c.updated_at and c.updated_at >= since
    ]
    if declined:
        # Never pressure: who said no stays private, and the answer stands for a while.
        mine = any(c.initiator_id == ctx.me.id for c in declined)
        raise UserError(
            f"Your introduction of {names} didn't go ahead recently."
            if mine
            else f"I can't introduce {names} right now.",
            "Let's give it some time before asking them again.",
        )


def _date(ctx: Context, moment: datetime) -> str:
    """A date as the one acting reads it: 3 December (2025 when not this year)."""
    return day_text(moment.astimezone(ctx.tz(ctx.me)).date(), ctx.today(ctx.me))


def _check_reachable(ctx: Context, member: Member) -> None:
    name = member.display_name
    if member.forgotten:
        raise UserError(f"{name} is no longer a member here.")
    if member.unreachable:
        raise UserError(
            f"I can't reach {name} by direct message on this platform.",
            "They may have DMs from apps turned off; ask them another way.",
        )
    if member.paused:
        raise UserError(f"{name} has paused Networker messages for now.", "Try again later.")
    if member.availability_on(ctx.today(member)) is Availability.AWAY:
        raise UserError(f"{name} is away right now.", "Try /whoknows <topic> to find someone else.")
    if member.is_full(ctx.now):
        raise UserError(
            f"{name} has had all the requests they take this month.",
            "Try /whoknows <topic> to find someone else who can help.",
        )


async def _topic_of(ctx: Context, text: str, helper: Member) -> str | None:
    """The helper's topic that the request is about, if one is named."""
    vocab = await ctx.vocabulary()
    theirs = {h.topic for h in await ctx.uow.index.topics_of(_id(helper))}
    mentioned = [k for k in vocab.extract(text) if k in theirs]
    return sorted(mentioned)[0] if mentioned else None


async def _create(ctx: Context, conn: Connection) -> Connection:
    conn.created_at = conn.updated_at = ctx.now
    if not await ctx.uow.connections.add(conn):
        raise UserError("That request is already waiting for answers.")
    return conn


def _id(member: Member) -> int:
    assert member.id is not None
    return member.id


# --- answering --------------------------------------------------------------------------


# Said before the conversation is opened (it is sent after the commit, and may wait for a
# retry); the adapters show the second wording once it is open.
CONNECTED = replace(
    reply(
        "Wonderful, you're connected! Your conversation is on its way: "
        "/networker me shows it until it's open."
    ),
    once_delivered=message("Wonderful, you're connected! I've opened a conversation for you."),
)


async def answer(ctx: Context, cmd: Press) -> Reply:
    conn = await _connection(ctx, cmd.value)
    kind = {Action.CONSENT_ACCEPT: Answer.ACCEPT, Action.CONSENT_NOT_NOW: Answer.NOT_NOW}.get(
        Action(cmd.action)
    )
    if kind is None:
        return await _decline(ctx, conn, cmd)
    state = conn.answer(_id(ctx.me), kind, ctx.now)
    reminded = await ctx.prompts.consent_answered(conn, _id(ctx.me), snoozed=kind is Answer.NOT_NOW)
    if kind is Answer.NOT_NOW:
        return await _snoozed(ctx, conn, reminded=reminded)
    if state is State.CONNECTED:
        await _open_conversation(ctx, conn)
        return CONNECTED
    waiting = await ctx.uow.members.get(conn.other_party(_id(ctx.me)))
    assert waiting is not None
    return reply(line("Thank you! Waiting for ", mention(waiting), " to answer too."))


async def _snoozed(ctx: Context, conn: Connection, *, reminded: bool) -> Reply:
    """ "Not now": the one who asked hears that it is coming, not silence, and the
    request stays open a while longer."""
    initiator = await ctx.uow.members.get(conn.initiator_id)
    assert initiator is not None and conn.expires_at is not None
    about = (
        line(" your introduction to ", mention(await _other(ctx, conn)))
        if conn.is_intro
        else line(" your request")
    )
    ctx.dm(
        initiator,
        message(
            line(mention(ctx.me), " will come back to", *about, ": they'd like more time."),
            f"It stays open until {_day(ctx, conn.expires_at, initiator)}; "
            "I'll tell you how it goes.",
        ),
    )
    until = f"It stays open until {_day(ctx, conn.expires_at, ctx.me)}"
    check = ctx.now + ctx.prompts.after("consent_reminder_after")
    return reply(
        f"No problem. I'll check back with you around {_day(ctx, check, ctx.me)}. {until}."
        if reminded
        else f"No problem. {until}; I won't remind you again.",
        line(mention(initiator), " knows you'll come back to it; nothing else was said."),
    )


async def _other(ctx: Context, conn: Connection) -> Member:
    """For the introducer: the party who did not just answer."""
    other = await ctx.uow.members.get(conn.other_party(_id(ctx.me)))
    assert other is not None
    return other


def _day(ctx: Context, moment: datetime, member: Member) -> str:
    return weekday_day_text(moment.astimezone(ctx.tz(member)).date(), ctx.today(member))


async def _decline(ctx: Context, conn: Connection, cmd: Press) -> Reply:
    if cmd.action == Action.CONSENT_DECLINE:
        conn.ensure_awaiting(_id(ctx.me))
        return form_reply(
            "Decline privately. Both fields are optional.",
            Form(
                title="Decline",
                action=Action.CONSENT_DECLINE_SUBMIT,
                value=str(conn.id),
                inputs=(
                    Input("note", "A private note (only the bot keeps it)", InputKind.LONG_TEXT),
                    Input("suggest", "Suggest someone else who could help", InputKind.MEMBER),
                ),
                submit="Decline",
            ),
        )
    note = clean(cmd.inputs.get("note"), "note", max_len=NOTE_MAX)
    suggested = await _suggestion(ctx, conn, cmd.mentioned)
    conn.answer(_id(ctx.me), Answer.DECLINE, ctx.now, note=note)
    await ctx.prompts.consent_answered(conn, _id(ctx.me), snoozed=False)
    conn.suggested_id = suggested.id if suggested else None
    await _tell_declined(ctx, conn, suggested)
    return reply("Thanks for letting me know. I've told them kindly; your note stays private.")


async def _suggestion(ctx: Context, conn: Connection, ref: MemberRef | None) -> Member | None:
    if ref is None:
        return None
    member = await ctx.member(ref)
    if member.id in (conn.initiator_id, conn.party_a_id, conn.party_b_id):
        raise UserError(
            f"{member.display_name} is already part of this request.",
            "Suggest someone else, or leave the field empty.",
        )
    return member


async def _tell_declined(ctx: Context, conn: Connection, suggested: Member | None) -> None:
    people = await ctx.uow.members.many([conn.initiator_id, conn.party_a_id, conn.party_b_id])
    initiator = people[conn.initiator_id]
    decliner = ctx.me
    if conn.kind is Kind.REQUEST:
        lines = [line(mention(decliner), " can't help with this one right now. No hard feelings!")]
        buttons: list[Button] = []
        if suggested:
            lines.append(line("They suggest ", mention(suggested), " might be able to help."))
            buttons = [
                Button(
                    f"Ask {suggested.display_name}",
                    Action.SUGGEST_ACCEPT,
                    str(conn.id),
                    Style.PRIMARY,
                ),
                Button("No thanks", Action.SUGGEST_DISMISS, str(conn.id)),
            ]
        ctx.dm(initiator, message(*lines, buttons=buttons))
        return
    other = people[conn.other_party(_id(decliner))]
    lines = [
        line(
            "Your introduction of ",
            mention(people[conn.party_a_id]),
            " and ",
            mention(people[conn.party_b_id]),
            " won't go ahead this time: ",
            mention(decliner),
            " can't connect right now. Thank you for thinking of them!",
        )
    ]
    buttons = []
    if suggested:
        lines.append(line(mention(decliner), " suggests ", mention(suggested), " instead."))
        buttons = [
            Button(
                f"Introduce {other.display_name} to {suggested.display_name}",
                Action.SUGGEST_ACCEPT,
                str(conn.id),
                Style.PRIMARY,
            ),
            Button("No thanks", Action.SUGGEST_DISMISS, str(conn.id)),
        ]
    ctx.dm(initiator, message(*lines, buttons=buttons))
    if conn.accepted_by(_id(other)):
        ctx.dm(
            other,
            message(
                line(
                    "The introduction to ",
                    mention(decliner),
                    " won't go ahead this time. Thanks for being open to it!",
                )
            ),
        )


async def _open_conversation(ctx: Context, conn: Connection) -> None:
    people = await ctx.uow.members.many([conn.initiator_id, conn.party_a_id, conn.party_b_id])
    a, b, initiator = people[conn.party_a_id], people[conn.party_b_id], people[conn.initiator_id]
    if conn.is_intro:
        text = message(
            line(mention(a), ", meet ", mention(b), "! ", mention(initiator), " introduced you:"),
            line(Quote(conn.reason)),
            line(
                "Over to you both. When it helped, a /thanks to ",
                mention(initiator),
                " goes a long way.",
            ),
        )
        ctx.outbox.group(
            [a.platform_user_id, b.platform_user_id, initiator.platform_user_id],
            text,
            title=f"Intro: {a.display_name} and {b.display_name}",
            place=ctx.setting("intro_channel"),
        )
        return
    about = f" with {conn.topic}" if conn.topic else ""
    text = message(
        line(mention(b), " accepted ", mention(a), f"'s request for help{about}:"),
        line(Quote(conn.reason)),
        "Over to you both. Say hello and find a time that suits you.",
    )
    ctx.outbox.group(
        [a.platform_user_id, b.platform_user_id],
        text,
        title=f"{a.display_name} and {b.display_name}",
        place=ctx.setting("intro_channel"),
    )


async def _connection(ctx: Context, value: str) -> Connection:
    try:
        conn_id = int(value.split(":")[0])
    except ValueError:
        raise UserError("That button doesn't belong to anything I know.") from None
    conn = await ctx.uow.connections.get(conn_id, for_update=True)
    if conn is None or conn.community_id != ctx.community_id:
        raise UserError("That request no longer exists.")
    return conn


# --- suggestions and drafts ---------------------------------------------------------------


async def suggestion(ctx: Context, cmd: Press) -> Reply:
    conn = await _connection(ctx, cmd.value)
    if conn.initiator_id != ctx.me.id:
        raise UserError("Only the person who made the request can choose this.")
    if conn.suggested_id is None:
        raise UserError("There is no suggestion to act on any more.")
    suggested = await ctx.uow.members.get(conn.suggested_id)
    conn.suggested_id = None  # a suggestion is used once
    if cmd.action == Action.SUGGEST_DISMISS or suggested is None:
        return reply("Okay, I'll leave it there.")
    if conn.kind is Kind.REQUEST:
        return await start_request(ctx, suggested, conn.reason, conn.topic, visible=conn.visible)
    decliner = conn.decliner
    assert decliner is not None  # a suggestion only comes with a decline
    remaining = await ctx.uow.members.get(conn.other_party(decliner))
    assert remaining is not None
    return await intro(ctx, Intro(_ref(remaining), _ref(suggested), conn.reason))


def _ref(member: Member) -> MemberRef:
    return MemberRef(member.platform_user_id, member.display_name)


async def draft(ctx: Context, cmd: Press) -> Reply:
    conn = await _connection(ctx, cmd.value)
    if conn.initiator_id != ctx.me.id:
        raise UserError("Only the person who wrote this request can choose this.")
    if conn.state is not State.DRAFT:
        raise UserError("That request was already sent or withdrawn.")
    if cmd.action == Action.DRAFT_CANCEL:
        # A draft was never sent: drop it, so it counts as nobody's ask (load, capacity, stats).
        await ctx.uow.connections.remove(conn)
        return reply("Cancelled. Nothing was sent.")
    if cmd.action == Action.DRAFT_RETARGET:
        target = cmd.value.partition(":")[2]
        helper_id = int(target) if target.isdigit() else 0
        helper = await ctx.uow.members.get(helper_id)
        if helper is None or helper.community_id != ctx.community_id:
            raise UserError("That member is not here any more.")
        await ctx.uow.connections.remove(conn)  # never sent: not an ask of the first helper
        return await start_request(ctx, helper, conn.reason, conn.topic, visible=conn.visible)
    helper = await ctx.uow.members.get(conn.party_b_id)
    assert helper is not None
    _check_reachable(ctx, helper)
    conn.send(ctx.now)
    return await _send_request(ctx, conn, helper)


async def ask_from_search(ctx: Context, cmd: Press) -> Reply:
    """The "Ask for help" button under a /whoknows result: ask what they need, then send."""
    member_id, _, topic = cmd.value.partition(":")
    helper = await ctx.member_by_id(member_id)
    if helper is None:
        raise UserError("That member is not here any more.", "Run /whoknows again.")
    request = cmd.inputs.get("request")
    if request is None:
        busy = helper.availability_on(ctx.today(helper)) is Availability.BUSY
        return form_reply(
            line("What would you like to ask ", mention(helper), "?")
            + (line(f" (busy until {_busy_until(ctx, helper)})") if busy else ()),
            Form(
                title=f"Ask {helper.display_name}"[:24],
                action=Action.ASK_START,
                value=cmd.value,
                inputs=(
                    Input("request", "What do you need? Be specific.", InputKind.LONG_TEXT, True),
                ),
                submit="Ask",
            ),
        )
    request = await _specific(ctx, request, "request", ASK_EXAMPLE)
    # The topic rides in the button's value: keep it only if the helper really lists it.
    theirs = {h.topic for h in await ctx.uow.index.topics_of(_id(helper))}
    return await start_request(ctx, helper, request, topic if topic in theirs else None)


async def post_ask(ctx: Context, cmd: Press) -> Reply:
    channel = ctx.setting("asks_channel")
    if not channel:
        raise UserError("This community has no asks channel yet.", "An organiser can set one.")
    topic = clean(cmd.value, "topic", max_len=100, required=True)
    ctx.outbox.post(
        str(channel),
        message(
            line(mention(ctx.me), " is looking for someone who knows about ", Bold(topic), "."),
            "If that's you, reply in a thread or send them a DM.",
        ),
    )
    return reply(f"Posted in {channel}. I hope someone picks it up soon!")
