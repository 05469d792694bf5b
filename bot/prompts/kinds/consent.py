"""An intro or request waiting for answers: the request itself (inside each party's
contact window), one reminder per party, then its expiry."""

from __future__ import annotations

from datetime import datetime

from bot.domain.connections import Connection, State
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Line, Message, Section, line, message
from bot.prompts.batch import Batch
from bot.prompts.spec import About, Later, PromptKindSpec, Skip, Verdict
from bot.services.consent_request import consent_message
from bot.services.mentions import mention, mentions


async def request(batch: Batch, prompt: Prompt) -> Verdict:
    """The request as the initiator made it, when the party's contact window opens."""
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or not conn.waits_for(prompt.recipient_id):
        return Skip("answered")  # (or withdrawn) before it reached them
    people = await batch.people([conn.initiator_id, *conn.parties])
    recipient = people[prompt.recipient_id]
    other = people[conn.other_party(prompt.recipient_id)]
    return consent_message(conn, recipient, people[conn.initiator_id], other)


def closes_at(batch: Batch, prompt: Prompt, conn: Connection) -> datetime | None:
    """When the intro or request closes unanswered (older rows: from when it was made)."""
    if conn.expires_at is not None:
        return conn.expires_at
    if conn.created_at is None:
        return None
    return conn.created_at + batch.schedule(prompt).after("consent_expires_after")


async def remind(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or not conn.waits_for(prompt.recipient_id):
        return Skip("answered")
    closes = closes_at(batch, prompt, conn)
    if closes is not None and closes <= batch.now:
        return Skip("expired")  # a reminder that waited too long: the expiry comes instead
    people = await batch.people([conn.initiator_id, *conn.parties])
    recipient = people[prompt.recipient_id]
    other = people[conn.other_party(prompt.recipient_id)]
    asked = consent_message(conn, recipient, people[conn.initiator_id], other)
    note = Section(text=line("A gentle reminder, in case this got buried. No pressure either way:"))
    return Message(sections=(note, *asked.sections), buttons=asked.buttons)


async def expire(batch: Batch, prompt: Prompt) -> None:
    """The request expires when its time comes, even if the word of it must wait for the
    recipient's contact window. Only if it is still unanswered: an answer that lands at
    the same moment wins."""
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or conn.state is not State.PENDING:
        return
    closes = closes_at(batch, prompt, conn)
    if closes is not None and closes > batch.now:
        return  # "Not now" moved it: the renderer plans it for then
    if not await batch.uow.connections.expire(conn, batch.now):
        return
    schedule = batch.schedule(prompt)
    # Only the reminders: this expiry prompt is held by the dispatcher, which decides
    # what becomes of it (cancelling it here would be overwritten, or lose the message).
    await schedule.cancel("expired", REMINDER, subject_id=conn.id)
    if conn.is_intro:  # a party who said yes hears it won't go ahead
        for party in conn.parties:
            if conn.accepted_by(party):
                await schedule.add(EXPIRY, party, batch.now, subject_id=conn.id)


async def expired(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None:
        return Skip("answered")
    if conn.state is State.PENDING:
        closes = closes_at(batch, prompt, conn)
        if closes is not None and closes > batch.now:
            return Later(closes)
    if conn.state is not State.EXPIRED:
        return Skip("answered")
    people = await batch.people([conn.initiator_id, *conn.parties])
    a, b = people[conn.party_a_id], people[conn.party_b_id]
    if prompt.recipient_id in conn.parties and conn.is_intro:
        other = people[conn.other_party(prompt.recipient_id)]
        return message(
            line(
                "The introduction to ",
                mention(other),
                " didn't get both answers in time, so I've closed it. Thanks for being open to it!",
            )
        )
    # The truth: "Not now" is an answer, and it is said as one.
    said_later = [people[m] for m in conn.snoozed]
    silent = [people[m] for m in conn.awaiting() if m not in conn.snoozed]
    why: list[Line] = []
    if said_later:
        why.append(line(*mentions(said_later), " said “not now” and didn't come back to it."))
    if silent and conn.is_intro:
        why.append(line(*mentions(silent), " didn't answer."))
    if conn.is_intro:
        return message(
            line(
                "Your introduction of ",
                mention(a),
                " and ",
                mention(b),
                " didn't get both answers in time, so I've closed it.",
            ),
            *why,
            "No answer isn't a no forever: people get busy. You could try again later.",
        )
    about = f" about {conn.topic}" if conn.topic else ""
    hint = f"/whoknows {conn.topic}" if conn.topic else "/whoknows <topic>"
    if said_later:
        head = line(
            "Your request to ",
            mention(b),
            f"{about} has closed: they said “not now” and didn't come back to it in time.",
        )
    else:
        head = line(
            "Your request to ",
            mention(b),
            f"{about} didn't get an answer in time, so I've closed it.",
        )
    return message(
        head,
        f"People get busy; it's nothing personal. {hint} finds others who can help.",
    )


REQUEST = PromptKindSpec(
    PromptKind.CONSENT_REQUEST,
    None,  # someone is waiting for the answer: it cannot be switched off
    About.CONNECTION,
    "request:{subject}:{recipient}",
    request,
    capped=False,  # a person asked for it, now: never merged into tomorrow's digest
)
REMINDER = PromptKindSpec(
    PromptKind.CONSENT_REMINDER,
    label="a reminder about an intro or request you haven't answered",
    about=About.CONNECTION,
    key="reminder:{subject}:{recipient}",
    render=remind,
)
EXPIRY = PromptKindSpec(
    PromptKind.CONSENT_EXPIRY,
    label="word when an intro or request you made expires unanswered",
    about=About.CONNECTION,
    key="expiry:{subject}:{recipient}",
    render=expired,
    on_due=expire,
)
KINDS = (REQUEST, REMINDER, EXPIRY)
