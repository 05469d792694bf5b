"""An intro or request waiting for answers: one reminder per party, then its expiry."""

from __future__ import annotations

from bot.domain.connections import State
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Message, Section, line, message
from bot.prompts.batch import Batch
from bot.prompts.spec import About, PromptKindSpec, Skip, Verdict
from bot.services.consent_request import consent_message
from bot.services.mentions import mention


async def remind(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or not conn.waits_for(prompt.recipient_id):
        return Skip("answered")
    expires = batch.schedule(prompt).after("consent_expires_after")
    if conn.created_at is not None and conn.created_at + expires <= batch.now:
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
    if conn is None or conn.state is not State.EXPIRED:
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
    if conn.is_intro:
        return message(
            line(
                "Your introduction of ",
                mention(a),
                " and ",
                mention(b),
                " didn't get both answers in time, so I've closed it.",
            ),
            "No answer isn't a no forever: people get busy. You could try again later.",
        )
    about = f" about {conn.topic}" if conn.topic else ""
    hint = f"/whoknows {conn.topic}" if conn.topic else "/whoknows <topic>"
    return message(
        line(
            "Your request to ",
            mention(b),
            f"{about} didn't get an answer in time, so I've closed it.",
        ),
        f"People get busy; it's nothing personal. {hint} finds others who can help.",
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
KINDS = (REMINDER, EXPIRY)
