"""/networker me, export, forget, pause and resume: a member's own data and balance."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from bot.actions import Action
from bot.domain.connections import Connection, Kind, State
from bot.domain.members import FORGOTTEN_NAME, Member, forget_key
from bot.domain.prompts import Prompt, PromptKind, PromptState
from bot.domain.thanks import Thanks
from bot.domain.wording import moment_text
from bot.messages import (
    Button,
    DirectMessage,
    Field,
    GroupConversation,
    Line,
    Mention,
    Message,
    Quote,
    Reply,
    Section,
    Style,
    line,
    message,
    reply,
)
from bot.prompts.kinds import message as message_row
from bot.services.commands import Export, Forget, Home, Me, Onboard, Pause, Press
from bot.services.context import Context, mention, mentions
from bot.services.indexing import refresh_load, reindex
from bot.services.pairing import pairing_export
from bot.services.profiles import show_profile

Name = Callable[[int | None], str | None]  # a member's display name in an export, by id

# What an export shows of the profile, in this order.
PROFILE_FIELDS = (
    "display_name",
    "platform_user_id",
    "skills",
    "can_help_with",
    "looking_for",
    "bio",
    "chapter",
    "timezone",
    "contact_window",
    "availability",
    "busy_until",
    "capacity",
    "discoverable",
    "paused",
    "birthday",
    "work_anniversary",
    "prompts_off",
    "created_at",
)


async def me(ctx: Context, _cmd: Me) -> Reply:
    member = ctx.me
    assert member.id is not None
    conns = await ctx.uow.connections.involving(member.id)
    given = await ctx.uow.thanks.involving(member.id)
    people = await ctx.uow.members.many(
        {m for c in conns for m in (c.initiator_id, c.party_a_id, c.party_b_id)}
    )
    to_answer = [c for c in conns if c.waits_for(member.id)]
    waiting = [c for c in conns if c.state is State.PENDING and c.initiator_id == member.id]
    sections = [
        Section(
            text=line("Your Networker summary"),
            fields=(Field("Balance", line(_balance(member.id, conns, given))),),
        )
    ]
    buttons: list[Button] = []
    for conn in to_answer:
        who = people[conn.initiator_id]
        what = "an introduction" if conn.is_intro else "a request for help"
        sections.append(
            Section(text=line("Waiting for your answer: ", what, " from ", mention(who), "."))
        )
        buttons += [
            Button(f"Accept #{conn.id}", Action.CONSENT_ACCEPT, str(conn.id), Style.PRIMARY),
            Button(f"Not now #{conn.id}", Action.CONSENT_NOT_NOW, str(conn.id)),
            Button(f"Decline #{conn.id}", Action.CONSENT_DECLINE, str(conn.id), Style.DANGER),
        ]
    for conn in waiting:
        names = [people[m] for m in conn.awaiting()]
        if names:
            sections.append(
                Section(text=line("You're waiting to hear from ", *mentions(names), "."))
            )
        for party in names:
            sections += [Section(text=t) for t in await _request_on_its_way(ctx, conn, party)]
    recent = await ctx.uow.thanks.recent_to(member.id, 3)
    givers = await ctx.uow.members.many(t.giver_id for t in recent)
    for item in recent:
        if item.note:
            sections.append(
                Section(
                    text=line(
                        "Thanks from ", mention(givers[item.giver_id]), ": ", Quote(item.note)
                    )
                )
            )
    on_its_way = await ctx.uow.prompts.on_its_way(member.id)
    for row in on_its_way:
        sections.append(Section(text=await _on_its_way(ctx, row)))
    if not to_answer and not waiting and not on_its_way:
        sections.append(Section(text=line("Nothing is waiting on you or for you. All clear!")))
    if member.paused:
        sections.append(
            Section(text=line("Bot DMs are paused. /networker resume turns them back on."))
        )
    return Reply(Message(sections=tuple(sections), buttons=tuple(buttons)))


async def _on_its_way(ctx: Context, row: Prompt) -> Line:
    """Whom a message of theirs has not reached yet, and what kind of message it is;
    never what it says (it may be someone else's note)."""
    item = message_row.outbound(row)
    if isinstance(item, DirectMessage):
        what: list[str | Mention] = [
            "a message to ",
            *mentions(await _members(ctx, [item.recipient])),
        ]
    elif isinstance(item, GroupConversation):
        what = ["the conversation for ", *mentions(await _members(ctx, item.members))]
    else:
        what = ["a post in ", item.channel]
    if row.last_error:
        platform = ctx.actor.platform.capitalize()
        what.append(f" ({platform} didn't accept it yet: {row.last_error}; I'll keep trying)")
    return line("On its way: ", *what, ".")


async def _request_on_its_way(ctx: Context, conn: Connection, party: Member) -> list[Line]:
    """A request of theirs that has not reached this party yet: it waits for their
    contact window, or for the platform to take it."""
    assert party.id is not None
    rows = [
        p
        for p in await ctx.uow.prompts.addressed_to(party.id)
        if p.kind == PromptKind.CONSENT_REQUEST.value
        and p.subject_id == conn.id
        and p.state in (PromptState.PENDING.value, PromptState.SENDING.value)
    ]
    out: list[Line] = []
    what = "your introduction" if conn.is_intro else "your request"
    for row in rows:
        if row.last_error:
            platform = ctx.actor.platform.capitalize()
            out.append(
                line(
                    f"On its way: {what} to ",
                    mention(party),
                    f" ({platform} didn't accept it yet: {row.last_error}; I'll keep trying).",
                )
            )
        elif row.due_at > ctx.now:
            local = row.due_at.astimezone(ctx.tz(party))
            out.append(
                line(
                    f"On its way: {what} reaches ",
                    mention(party),
                    f" at {moment_text(local, ctx.today(party))} their time.",
                )
            )
    return out


async def _members(ctx: Context, user_ids: Sequence[str]) -> list[Member]:
    found = [await ctx.uow.members.by_platform_id(ctx.community_id, u) for u in user_ids]
    return [m for m in found if m is not None]


def _balance(member_id: int, conns: Sequence[Connection], thanks_: Sequence[Thanks]) -> str:
    connected = [c for c in conns if c.state is State.CONNECTED]
    given = sum(1 for c in connected if c.kind is Kind.REQUEST and c.party_b_id == member_id)
    received = sum(1 for c in connected if c.kind is Kind.REQUEST and c.party_a_id == member_id)
    intros = sum(1 for c in conns if c.introducer == member_id and c.state is not State.DRAFT)
    thanks_given = sum(1 for t in thanks_ if t.giver_id == member_id)
    thanks_received = sum(1 for t in thanks_ if t.receiver_id == member_id)
    text = (
        f"helped {given} · was helped {received} · intros made {intros} · "
        f"thanks given {thanks_given} · thanks received {thanks_received}"
    )
    if received > given + 1:
        text += (
            ". You've had more help than you've given lately: /networker topics shows what "
            "people ask about, and the weekly digest names asks you could take."
        )
    return text


async def export(ctx: Context, _cmd: Export) -> Reply:
    data = await export_data(ctx, ctx.me)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    return reply("Here is everything Networker keeps about you, as JSON:", text)


async def export_data(ctx: Context, member: Member) -> dict[str, Any]:
    assert member.id is not None
    mid = member.id
    # Not the requests where someone merely suggested me: those are others' private business.
    conns = [c for c in await ctx.uow.connections.involving(mid) if c.involves(mid)]
    thanks_ = await ctx.uow.thanks.involving(mid)
    endorsements_ = await ctx.uow.thanks.endorsements_of(mid)
    others = {m for c in conns for m in (c.initiator_id, c.party_a_id, c.party_b_id)}
    others |= {m for t in thanks_ for m in (t.giver_id, t.receiver_id)}
    others |= {m for e in endorsements_ for m in (e.endorser_id, e.member_id)}
    people = {mid: member, **await ctx.uow.members.many(others - {mid})}

    def name(member_id: int | None) -> str | None:
        return people[member_id].display_name if member_id in people else None

    return {
        "community": ctx.community.name,
        "profile": {key: getattr(member, key) for key in PROFILE_FIELDS},
        "connections": [_exported_connection(c, mid, name) for c in conns],
        "thanks": [_exported_thanks(t, name) for t in thanks_],
        "endorsements": [
            {"from": name(e.endorser_id), "to": name(e.member_id), "topic": e.topic}
            for e in endorsements_
        ],
        "prompts": [_exported_prompt(p) for p in await ctx.uow.prompts.addressed_to(mid)],
        "pairing": await pairing_export(ctx.uow, mid),
    }


def _exported_connection(c: Connection, mid: int, name: Name) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "state": c.state,
        "introducer_or_requester": name(c.initiator_id),
        "parties": [name(c.party_a_id), name(c.party_b_id)],
        "reason": c.reason,
        "topic": c.topic,
        "created_at": c.created_at,
        # Only your own private note: never the other side's.
        "your_private_note": c.note_a
        if mid == c.party_a_id
        else c.note_b
        if mid == c.party_b_id
        else None,
    }


def _exported_thanks(t: Thanks, name: Name) -> dict[str, Any]:
    return {
        "from": name(t.giver_id),
        "to": name(t.receiver_id),
        "note": t.note,
        "topic": t.topic,
        "created_at": t.created_at,
    }


def _exported_prompt(p: Prompt) -> dict[str, Any]:
    return {"kind": p.kind, "state": p.state, "due_at": p.due_at, "sent_at": p.sent_at}


def _json_default(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


async def forget(ctx: Context, cmd: Forget) -> Reply:
    if not cmd.confirmed:
        return reply(
            "This deletes your profile and everything you wrote (reasons, notes, thank-yous). "
            "Others keep an anonymous record that a former member took part. It can't be undone.",
            "You can /networker export first to keep a copy.",
            buttons=[Button("Yes, forget me", Action.FORGET_CONFIRM, "yes", Style.DANGER)],
        )
    await erase(ctx, ctx.me)
    return reply("Done. Everything you wrote is deleted and your profile is gone. Take care!")


async def erase(ctx: Context, member: Member) -> None:
    """Delete the member's profile and texts; keep an anonymous stub for others' records."""
    assert member.id is not None
    mid = member.id
    for conn in await ctx.uow.connections.involving(mid):
        if conn.state is State.DRAFT:  # never sent: nobody's ask, nothing to keep
            if conn.initiator_id != mid:  # someone's draft to them: they keep their words
                await tell_left(ctx, conn, member)
            await ctx.uow.connections.remove(conn)
        elif conn.is_open and conn.involves(mid):
            await tell_left(ctx, conn, member)
            conn.close_for_leaver(ctx.now)
            await ctx.prompts.connection_closed(conn, "member forgotten")
    await ctx.prompts.member_gone(mid, "member forgotten")
    await ctx.uow.connections.forget(mid)
    await ctx.uow.pairing.forget(mid)  # out of every pairing channel and past round
    endorsed = await ctx.uow.thanks.forget(mid)
    for other in (await ctx.uow.members.many(endorsed - {mid})).values():
        await reindex(ctx, other)  # their evidence no longer counts the deleted endorsements
    await ctx.uow.index.rebuild_member(member, [], {})  # no entries: out of the index
    member.forget_key = forget_key(ctx.community_id, member.platform_user_id)
    member.platform_user_id = f"forgotten:{mid}"
    member.display_name = FORGOTTEN_NAME
    member.skills = {}
    member.can_help_with = member.looking_for = member.bio = ""
    member.timezone = member.contact_window = None
    member.birthday = member.work_anniversary = None
    member.busy_until = None
    member.chapter = ""
    member.discoverable = False
    member.hidden_until_setup = False
    member.forgotten = True
    # What the association's list said goes too; a later import can't show them again.
    for record in (await ctx.uow.imports.many([mid])).values():
        record.imported, record.own = {}, []
        record.consent, record.answered_at = "hidden", ctx.now
    ctx.vocabulary_changed()


async def tell_left(ctx: Context, conn: Connection, leaver: Member) -> None:
    """An open request or intro closes because one of its people used forget: the others
    hear, kindly, that they left Networker (not that anything was withdrawn), and the
    requester gets their own words back, so nothing of theirs is lost."""
    people = await ctx.uow.members.many([conn.initiator_id, *conn.parties])
    gone = mention(leaver)
    if not conn.is_intro:
        requester, helper = people[conn.party_a_id], people[conn.party_b_id]
        if leaver.id == helper.id:
            about = f" about {conn.topic}" if conn.topic else ""
            hint = f"/whoknows {conn.topic}" if conn.topic else "/whoknows <topic>"
            ctx.dm(
                requester,
                message(
                    line(gone, f" has left Networker, so your request{about} to them is closed."),
                    line("Nothing of yours is lost. You asked: ", Quote(conn.reason)),
                    f"{hint} finds others who can help; your words are ready to reuse.",
                ),
            )
        else:  # the requester left: the helper need not answer any more
            ctx.dm(
                helper,
                message(
                    line(
                        gone,
                        " has left Networker, so their request for your help is closed. "
                        "Nothing to do. Thank you for considering it!",
                    )
                ),
            )
        return
    a, b, introducer = people[conn.party_a_id], people[conn.party_b_id], people[conn.initiator_id]
    if leaver.id == introducer.id:
        for party in (a, b):
            other = b if party is a else a
            ctx.dm(
                party,
                message(
                    line(
                        gone,
                        " has left Networker, so their introduction of you to ",
                        mention(other),
                        " is closed.",
                    ),
                    line(
                        "If you'd still like to meet, /ask @",
                        other.display_name,
                        " <what you'd like to talk about>.",
                    ),
                ),
            )
        return
    stays = b if leaver.id == a.id else a
    ctx.dm(
        introducer,
        message(
            line(
                gone,
                " has left Networker, so your introduction of ",
                mention(a),
                " and ",
                mention(b),
                " is closed.",
            ),
            line(
                "Nothing of yours is lost: your note is kept, and you could introduce ",
                mention(stays),
                " to someone else.",
            ),
        ),
    )
    ctx.dm(
        stays,
        message(line("The introduction to ", gone, " is closed: they have left Networker.")),
    )


async def pause(ctx: Context, cmd: Pause) -> Reply:
    ctx.me.paused = cmd.paused
    await refresh_load(ctx, ctx.me)
    if not cmd.paused:
        assert ctx.me.id is not None
        await ctx.uow.prompts.bring_forward(ctx.me.id, ctx.now)
    if cmd.paused:
        return reply(
            "Paused: I won't send you any DMs and nobody can send you new requests "
            "until you /networker resume."
        )
    return reply("Welcome back! Reminders and follow-ups are on again.")


async def home(ctx: Context, _cmd: Home) -> Reply:
    """Profile summary, what is waiting, recent thanks and quick actions in one view."""
    profile = show_profile(ctx, ctx.me, own=True).message
    summary = await me(ctx, Me())
    actions = [Button("Edit my profile", Action.PROFILE_EDIT, "", Style.PRIMARY)]
    if ctx.me.paused:
        actions.append(Button("Resume bot DMs", Action.ACCOUNT_RESUME, ""))
    else:
        actions.append(Button("Pause bot DMs", Action.ACCOUNT_PAUSE, ""))
    sections = (
        Section(text=line("Welcome to Networker, ", mention(ctx.me), "!")),
        *profile.sections,
        *summary.message.sections,
        Section(
            text=line(
                "Find people with /whoknows <topic>, introduce with /intro, thank with /thanks."
            )
        ),
    )
    return Reply(Message(sections=sections, buttons=(*summary.message.buttons, *actions)))


async def onboard(ctx: Context, cmd: Onboard) -> Reply:
    """One welcome DM for a new member; never a second one."""
    welcome = str(ctx.setting("welcome_channel") or "")
    if cmd.channel is not None and (not welcome or cmd.channel not in welcome):
        return reply("Not the community's welcome channel: no welcome sent.")
    if ctx.me.onboarded_at is not None:
        return reply("Already welcomed.")
    ctx.me.onboarded_at = ctx.now
    ctx.dm(
        ctx.me,
        message(
            line(
                "Welcome, ",
                mention(ctx.me),
                "! I'm Networker: I help members find who can help "
                "with what, make warm introductions and say thank you.",
            ),
            "Start by telling people what you can help with; it takes a minute.",
            buttons=[Button("Set up my profile", Action.PROFILE_EDIT, "", Style.PRIMARY)],
        ),
    )
    return reply("Welcome message sent.")


async def pause_button(ctx: Context, cmd: Press) -> Reply:
    return await pause(ctx, Pause(paused=cmd.action == Action.ACCOUNT_PAUSE))
