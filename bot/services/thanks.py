"""/thanks: gratitude shown to the receiver (and the introducer), never ranked."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import Action
from bot.domain.connections import Connection, State
from bot.domain.errors import UserError
from bot.domain.members import Member
from bot.domain.text import NOTE_MAX, clean
from bot.domain.thanks import Thanks
from bot.domain.wording import plural
from bot.messages import Button, Quote, Reply, Style, line, message, reply
from bot.services.commands import MemberRef, Press, Thank
from bot.services.context import Context, mention
from bot.services.indexing import reindex

# The same thank-you again this soon is the first one sent twice (a member who thought
# Slack didn't take it), not a second one.
REPEAT_WINDOW = timedelta(minutes=10)


async def thank(ctx: Context, cmd: Thank) -> Reply:
    note = clean(cmd.note, "thank-you note", max_len=NOTE_MAX)
    if not note:
        raise UserError("What are you thanking them for?", "e.g. /thanks @ana for the CV review")
    receiver = await _receiver(ctx, cmd.receiver)
    assert ctx.me.id is not None and receiver.id is not None
    if await ctx.uow.thanks.repeated(ctx.me.id, receiver.id, note, ctx.now - REPEAT_WINDOW):
        return reply(line("That thank-you to ", mention(receiver), " was already sent."))
    await _check_daily_cap(ctx, ctx.me.id)
    related = await _related_connection(ctx, ctx.me, receiver)
    topic = related.topic if related else await _topic_in(ctx, note, receiver)
    item = await ctx.uow.thanks.add(
        Thanks(
            ctx.community_id,
            ctx.me.id,
            receiver.id,
            note,
            connection_id=related.id if related else None,
            topic=topic,
            created_at=ctx.now,
        )
    )
    if topic:
        await reindex(ctx, receiver)  # thanks for a topic is evidence of the skill
    await _spread_the_word(ctx, receiver, note, related)
    sent = line("Thank-you sent to ", mention(receiver), ".")
    wall = ctx.setting("thanks_wall")
    if not wall:
        return reply(sent)
    # Public only by the sender's choice, made knowing it is public: private until then.
    return reply(
        sent,
        f"This community has a public thanks wall, {wall}: everyone who can see it would "
        "read your note. Post it there too? It stays private unless you choose.",
        buttons=[
            Button("Post on the thanks wall", Action.THANKS_SHARE, str(item.id), Style.PRIMARY),
            Button("Keep it private", Action.THANKS_KEEP_PRIVATE, str(item.id)),
        ],
    )


async def _receiver(ctx: Context, ref: MemberRef) -> Member:
    receiver = await ctx.member(ref)
    if receiver.id == ctx.me.id:
        raise UserError(
            "You can't thank yourself, though well done!", "Thank someone who helped you."
        )
    if receiver.forgotten:
        raise UserError(f"{receiver.display_name} is no longer a member here.")
    return receiver


async def _check_daily_cap(ctx: Context, giver_id: int) -> None:
    cap = int(ctx.setting("thanks_daily_cap"))
    if await ctx.uow.thanks.given_since(giver_id, ctx.now - timedelta(days=1)) >= cap:
        raise UserError(
            f"You've sent {plural(cap, 'thank-you')} in the last 24 hours, the daily limit.",
            "Please send this one tomorrow; your note isn't lost if you keep it.",
        )


async def _spread_the_word(
    ctx: Context, receiver: Member, note: str, related: Connection | None
) -> None:
    """The receiver hears it; so does the introducer who made it possible."""
    ctx.dm(receiver, message(line(mention(ctx.me), " thanked you: ", Quote(note))))
    introducer_id = related.introducer if related else None
    if introducer_id is not None and introducer_id not in (ctx.me.id, receiver.id):
        introducer = await ctx.uow.members.get(introducer_id)
        if introducer:
            ctx.dm(
                introducer,
                message(
                    line(
                        mention(ctx.me),
                        " thanked ",
                        mention(receiver),
                        " after the introduction you made. Nice work connecting them!",
                    ),
                ),
            )


async def share(ctx: Context, cmd: Press) -> Reply:
    """The sender chose to post their thank-you on the thanks wall."""
    item = await _own_thanks(ctx, cmd.value)
    wall = ctx.setting("thanks_wall")
    if item.shared_at is not None:
        return reply(f"That thank-you is already on {wall or 'the thanks wall'}.")
    if not wall:
        return reply("The thanks wall has been turned off, so your thank-you stays private.")
    receiver = await ctx.uow.members.get(item.receiver_id)
    if receiver is None or receiver.forgotten or not item.note:
        return reply("That thank-you can't be posted any more; it stays private.")
    item.shared_at = ctx.now
    ctx.outbox.post(
        str(wall),
        message(line(mention(ctx.me), " thanked ", mention(receiver), ": ", Quote(item.note))),
    )
    return reply(line("Posted on ", str(wall), ". Thank you for saying it out loud!"))


async def keep_private(ctx: Context, cmd: Press) -> Reply:
    item = await _own_thanks(ctx, cmd.value)
    if item.shared_at is not None:
        return reply("That thank-you is already on the thanks wall.")
    return reply("Kept private: only the people it concerns see it.")


async def _own_thanks(ctx: Context, value: str) -> Thanks:
    """A thank-you this member sent, by the id a button carries."""
    found = next(
        (
            t
            for t in await ctx.uow.thanks.involving(_id(ctx.me))
            if str(t.id) == value and t.giver_id == ctx.me.id
        ),
        None,
    )
    if found is None:
        raise UserError("That thank-you isn't one of yours, or it's gone.")
    return found


def _id(member: Member) -> int:
    assert member.id is not None
    return member.id


async def _related_connection(ctx: Context, giver: Member, receiver: Member) -> Connection | None:
    """The latest connection both took part in (as a party or the introducer)."""
    assert giver.id is not None and receiver.id is not None
    for conn in reversed(await ctx.uow.connections.involving(giver.id)):
        if conn.state is State.CONNECTED and conn.involves(receiver.id):
            return conn
    return None


async def _topic_in(ctx: Context, note: str, receiver: Member) -> str | None:
    assert receiver.id is not None
    vocab = await ctx.vocabulary()
    theirs = {h.topic for h in await ctx.uow.index.topics_of(receiver.id)}
    named = sorted(k for k in vocab.extract(note) if k in theirs)
    return named[0] if named else None
