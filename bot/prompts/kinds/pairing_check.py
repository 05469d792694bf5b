"""Near the end of a pairing round: "did you meet?", once, to each member of each group,
by the usual rules (contact window, pause, daily cap, the member's switch)."""

from __future__ import annotations

from bot.actions import Action
from bot.domain.pairing_rounds import Answer
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Button, Style, line, message
from bot.prompts.batch import Batch
from bot.prompts.spec import About, PromptKindSpec, Skip, Verdict
from bot.services.mentions import mentions


async def did_you_meet(batch: Batch, prompt: Prompt) -> Verdict:
    round_id = prompt.subject_id or 0
    seats = await batch.uow.pairing.seats(round_id)
    mine = next((s for s in seats if s.member_id == prompt.recipient_id), None)
    if mine is None:
        return Skip("no longer in the round")
    if mine.answer is not None and mine.answer is not Answer.NOT_YET:
        return Skip("answered")  # "Not yet" is asked once more (bot/services/pairing.py)
    others = [s.member_id for s in seats if s.group_no == mine.group_no and s is not mine]
    people = await batch.people(others)
    partners = [people[m] for m in others if m in people and not people[m].forgotten]
    if not partners:
        return Skip("partners gone")
    value = str(round_id)
    return message(
        line("Did you meet ", *mentions(partners), " in this pairing round?"),
        "One click; only you see this, and nobody is told what you answer.",
        buttons=[
            Button("Yes", Action.PAIRING_YES, value, Style.PRIMARY),
            Button("Not yet", Action.PAIRING_NOT_YET, value),
            Button("No", Action.PAIRING_NO, value),
        ],
    )


async def round_tomorrow(batch: Batch, prompt: Prompt) -> Verdict:
    channel_id = prompt.subject_id or 0
    ch = await batch.uow.pairing.channel_by_id(channel_id)
    slot = str(prompt.payload.get("slot", ""))
    if ch is None or not ch.active or ch.next_round_at is None:
        return Skip("no round planned")
    if ch.next_round_at.isoformat() != slot:
        return Skip("the round moved")
    mine = next(
        (
            p
            for p in await batch.uow.pairing.memberships(prompt.recipient_id)
            if p.channel_id == channel_id
        ),
        None,
    )
    if mine is None or mine.presence.value != "in" or mine.skip_next:
        return Skip("not taking part")
    return message(
        f"Your next pairing round in {ch.channel} starts within a day.",
        "Busy this time? Skip just this one; you stay in for the rounds after.",
        buttons=[Button("Skip this round", Action.PAIRING_SKIP, str(channel_id))],
    )


PAIRING_REMINDER = PromptKindSpec(
    PromptKind.PAIRING_REMINDER,
    label="a reminder the day before a pairing round, to skip it if you're busy",
    about=About.NOTHING,  # the subject is the pairing channel
    key="tomorrow:{subject}:{slot}:{recipient}",
    render=round_tomorrow,
)
PAIRING_CHECK = PromptKindSpec(
    PromptKind.PAIRING_CHECK,
    label="“did you meet?” near the end of a pairing round",
    about=About.NOTHING,  # the subject is the round
    key="met:{subject}:{recipient}",
    render=did_you_meet,
)
