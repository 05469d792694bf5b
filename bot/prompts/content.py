"""What each kind of prompt says, and whether its reason still holds when it is due.

Each kind looks at the current state first: an answered request gets no reminder, and
an expiry that is due expires the request even while its message waits for the
recipient's contact window.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Action
from bot.config import Settings
from bot.domain.connections import Connection, Outcome, State
from bot.domain.members import Community, Member
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Bold, Button, Message, Section, Style, line, message
from bot.services.community_settings import timezone_of
from bot.services.consent_request import consent_message
from bot.services.mentions import mention, mentions
from bot.services.prompt_planning import Planner
from bot.services.unit_of_work import UnitOfWork

OUTCOMES = {
    Outcome.HELPFUL: "it was helpful",
    Outcome.TALKED: "they talked",
    Outcome.NO: "it didn't happen this time",
}
DIGEST_WINDOW = timedelta(days=7)
LIVE = (State.PENDING, State.CONNECTED)
DIGEST_SHOWN = 5


@dataclass(frozen=True)
class Skip:
    """The reason for this prompt went away: it is cancelled, with this reason."""

    reason: str


@dataclass(frozen=True)
class Later:
    """Not yet: due again at this time (e.g. they talked recently after all)."""

    due: datetime


Verdict = Message | Skip | Later


@dataclass
class Batch:
    """What one claim of due prompts needs, loaded in a few queries."""

    uow: UnitOfWork
    config: Settings
    now: datetime
    communities: dict[int, Community]
    members: dict[int, Member]
    connections: dict[int, Connection] = field(default_factory=dict)

    def planner(self, prompt: Prompt) -> Planner:
        return Planner(self.uow, self.communities[prompt.community_id], self.config, self.now)

    async def people(self, ids: list[int]) -> dict[int, Member]:
        missing = [i for i in ids if i not in self.members]
        if missing:
            self.members.update(await self.uow.members.many(missing))
        return {i: self.members[i] for i in ids if i in self.members}


Render = Callable[[Batch, Prompt], Awaitable[Verdict]]


async def render(batch: Batch, prompt: Prompt) -> Verdict:
    return await RENDERERS[PromptKind(prompt.kind)](batch, prompt)


# --- intros and requests waiting for answers ----------------------------------------------


async def consent_reminder(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or not conn.waits_for(prompt.recipient_id):
        return Skip("answered")
    expires = batch.planner(prompt).after("consent_expires_after")
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
    planner = batch.planner(prompt)
    # Only the reminders: this expiry prompt is held by the dispatcher, which decides
    # what becomes of it (cancelling it here would be overwritten, or lose the message).
    await batch.uow.prompts.cancel(
        "expired", subject_id=conn.id, kinds=[PromptKind.CONSENT_REMINDER.value]
    )
    if conn.is_intro:  # a party who said yes hears it won't go ahead
        for party in conn.parties:
            if conn.accepted_by(party):
                await planner.add(
                    PromptKind.CONSENT_EXPIRY,
                    party,
                    batch.now,
                    f"expiry:{conn.id}:{party}",
                    subject_id=conn.id,
                )


async def consent_expiry(batch: Batch, prompt: Prompt) -> Verdict:
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


# --- after a connection ---------------------------------------------------------------------


async def connect_check(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or conn.state is not State.CONNECTED:
        return Skip("not connected")
    if not conn.outcome_open:
        return Skip("answered")
    first = int(prompt.payload.get("round", 1)) == 1
    people = await batch.people([conn.initiator_id, *conn.parties])
    other = people[conn.party_b_id]
    if other.forgotten:
        return Skip("member gone")
    if conn.is_intro:
        how = line(
            "How did it go with ",
            mention(other),
            "? ",
            mention(people[conn.initiator_id]),
            " introduced you",
            " a few days ago." if first else " a while ago.",
        )
    else:
        about = f" with {conn.topic}" if conn.topic else ""
        how = line("Did you connect with ", mention(other), f" about your request for help{about}?")
    value = f"{conn.id}:{1 if first else 2}"
    buttons = [
        Button("Helpful", Action.FOLLOWUP_HELPFUL, value, Style.PRIMARY),
        Button("We talked", Action.FOLLOWUP_TALKED, value),
    ]
    if first:
        buttons.append(Button("Not yet", Action.FOLLOWUP_NOT_YET, value))
    buttons.append(Button("It didn't happen", Action.FOLLOWUP_NO, value))
    return message(how, "One click is enough; only you see this.", buttons=buttons)


async def thanks_prompt(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None:
        return Skip("connection gone")
    wanted = [int(m) for m in prompt.payload.get("to", [])]
    since = conn.connected_at or conn.created_at or batch.now
    thanked = await batch.uow.thanks.thanked_by(prompt.recipient_id, wanted, since)
    people = await batch.people(wanted)
    due = [people[m] for m in wanted if m not in thanked and m in people]
    due = [m for m in due if not m.forgotten]
    if not due:
        return Skip("already thanked")
    buttons = [
        Button(f"Thank {m.display_name}", Action.THANKS_START, f"{m.id}:{conn.id}", Style.PRIMARY)
        for m in due
    ]
    return message(
        "Glad it helped! A short thank-you means a lot, and it's how good help gets noticed.",
        line("Say thanks to ", *mentions(due), " with one click:"),
        buttons=buttons,
    )


async def loop_closing(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or not conn.is_intro:
        return Skip("not an introduction")
    outcome = _outcome(prompt)
    said = OUTCOMES.get(outcome) if outcome is not None else None
    if said is None:  # "not yet" closes no loop
        return Skip("no outcome")
    people = await batch.people(list(conn.parties))
    a, b = people[conn.party_a_id], people[conn.party_b_id]
    if a.forgotten or b.forgotten:
        return Skip("member gone")
    closing = (
        "Thank you for connecting them!"
        if outcome is not Outcome.NO
        else "Not every introduction clicks; thank you for making it."
    )
    return message(
        line(
            "How your introduction of ",
            mention(a),
            " and ",
            mention(b),
            " turned out: ",
            mention(a),
            f" says {said}.",
        ),
        closing,
    )


def _outcome(prompt: Prompt) -> Outcome | None:
    try:
        return Outcome(str(prompt.payload.get("outcome")))
    except ValueError:
        return None


async def keep_in_touch(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or conn.state is not State.CONNECTED:
        return Skip("not connected")
    other_id = conn.other_party(prompt.recipient_id)
    other = (await batch.people([other_id])).get(other_id)
    if other is None or other.forgotten:
        return Skip("member gone")
    quiet = batch.planner(prompt).after("keep_in_touch_after")
    last = await batch.uow.connections.last_interaction(prompt.recipient_id, other_id)
    if last is not None and last + quiet > batch.now:
        return Later(last + quiet)
    about = f" about {conn.topic}" if conn.topic else ""
    return message(
        line(
            "It's been a while since you and ",
            mention(other),
            f" connected{about}. A short hello keeps a good connection warm.",
        ),
        "If they helped you, a thank-you is a nice way to start.",
        buttons=[
            Button(f"Thank {other.display_name}", Action.THANKS_START, f"{other.id}:{conn.id}")
        ],
    )


# --- recurring kinds ----------------------------------------------------------------------


async def plan_next(batch: Batch, prompt: Prompt) -> None:
    """Weekly digests and yearly occasions plan their next occurrence in the same
    transaction, whatever becomes of this one: sent, skipped, or its kind switched off
    for now (switched on again, the next one arrives). Other kinds don't recur."""
    kind = PromptKind(prompt.kind)
    if kind is PromptKind.GIVER_DIGEST:
        member = batch.members[prompt.recipient_id]
        await batch.planner(prompt).giver_digest(member, week=_digest_week(batch, prompt))
    elif kind is PromptKind.OCCASION:
        celebrant = await _occasion_holds(batch, prompt)
        if not isinstance(celebrant, Skip):  # a reason gone for good: nothing recurs
            await _next_occasion(batch, prompt, celebrant)


async def _occasion_holds(batch: Batch, prompt: Prompt) -> Member | Skip:
    """The celebrant, while they still share the date and are connected to the recipient."""
    celebrant_id = prompt.subject_id or 0
    celebrant = (await batch.people([celebrant_id])).get(celebrant_id)
    if celebrant is None or celebrant.forgotten:
        return Skip("member gone")
    name = str(prompt.payload.get("occasion"))
    current = celebrant.birthday if name == "birthday" else _month_day(celebrant.work_anniversary)
    if current is None:
        return Skip("opted out")
    connected = await batch.planner(prompt).connected_to(prompt.recipient_id)
    if celebrant_id not in {m.id for m in connected}:
        return Skip("no longer connected")
    return celebrant


async def _next_occasion(batch: Batch, prompt: Prompt, celebrant: Member) -> None:
    day = date.fromisoformat(str(prompt.payload.get("date")))
    recipient = batch.members[prompt.recipient_id]
    await batch.planner(prompt).occasions(celebrant, [recipient], after=day)


def _digest_week(batch: Batch, prompt: Prompt) -> date | None:
    """The Monday this digest is for; None once it was held back a week or more (a
    pause): then only the newest counts, and the next is planned from today."""
    today = _today(batch, prompt)
    week = date.fromisoformat(str(prompt.payload.get("week") or today.isoformat()))
    return week if (today - week).days < 7 else None


async def occasion(batch: Batch, prompt: Prompt) -> Verdict:
    celebrant = await _occasion_holds(batch, prompt)
    if isinstance(celebrant, Skip):
        return celebrant
    await _next_occasion(batch, prompt, celebrant)
    name = str(prompt.payload.get("occasion"))
    day = date.fromisoformat(str(prompt.payload.get("date")))
    when = "today" if day == _today(batch, prompt) else f"on {day:%A %d %B}"
    if name == "birthday":
        text = line(
            "It's ", mention(celebrant), f"'s birthday {when}. A short note would make their day!"
        )
    else:
        years = prompt.payload.get("years")
        count = f"{years} year{'s' if years != 1 else ''} " if years else ""
        text = line(
            mention(celebrant),
            f" celebrates {count}at work {when}. A quick congratulations goes a long way.",
        )
    return message(text, "(They chose to share this date with the people they're connected with.)")


def _month_day(day: date | None) -> str | None:
    return f"{day:%m-%d}" if day else None


def _today(batch: Batch, prompt: Prompt) -> date:
    tz = timezone_of(batch.communities[prompt.community_id], batch.members[prompt.recipient_id])
    return batch.now.astimezone(ZoneInfo(tz)).date()


async def giver_digest(batch: Batch, prompt: Prompt) -> Verdict:
    """Last week's asks about topics the member knows, and open ones they could take."""
    member = batch.members[prompt.recipient_id]
    await plan_next(batch, prompt)  # next week's, whatever this one says
    if _digest_week(batch, prompt) is None:
        return Skip("a newer digest is due")
    assert member.id is not None
    topics = {hit.topic for hit in await batch.uow.index.topics_of(member.id)}
    if not topics:
        return Skip("no topics")
    # Not the asks of them or to them: they know of those already.
    asks = await batch.uow.connections.recent_asks(
        prompt.community_id, topics, batch.now - DIGEST_WINDOW, excluding=member.id
    )
    if not asks:
        return Skip("nothing this week")
    counts: dict[str, int] = {}
    for ask in asks:
        counts[ask.topic] = counts.get(ask.topic, 0) + 1
    # Asks that went unmet, unless the asker found someone for that topic since.
    met = {(ask.asker_id, ask.topic) for ask in asks if ask.state in LIVE}
    unmet = {
        ask.asker_id: ask.topic
        for ask in asks
        if ask.state in (State.DECLINED, State.EXPIRED) and (ask.asker_id, ask.topic) not in met
    }
    people = await batch.people(list(unmet))
    lines = [
        line("Your week in asks. People asked for help with things you know:"),
        line(", ".join(f"{t} ({n})" for t, n in sorted(counts.items(), key=lambda kv: -kv[1]))),
    ]
    open_asks = [
        (people[a], t) for a, t in unmet.items() if a in people and not people[a].forgotten
    ]
    for asker, topic in open_asks[:DIGEST_SHOWN]:
        lines.append(
            line("Still looking: ", mention(asker), " needed help with ", Bold(topic), ".")
        )
    if open_asks:
        lines.append(line("If you can help, send them a DM. No obligation, ever."))
    lines.append(line("Turn this digest off with /networker prompts off giver_digest."))
    return message(*lines)


RENDERERS: dict[PromptKind, Render] = {
    PromptKind.CONSENT_REMINDER: consent_reminder,
    PromptKind.CONSENT_EXPIRY: consent_expiry,
    PromptKind.CONNECT_CHECK: connect_check,
    PromptKind.THANKS_PROMPT: thanks_prompt,
    PromptKind.LOOP_CLOSING: loop_closing,
    PromptKind.KEEP_IN_TOUCH: keep_in_touch,
    PromptKind.OCCASION: occasion,
    PromptKind.GIVER_DIGEST: giver_digest,
}


def merged_digest(parts: list[Message]) -> Message:
    """Prompts over the daily cap, in one message the next day."""
    sections = [Section(text=line(Bold("A few things I held back so as not to flood your DMs:")))]
    buttons: list[Button] = []
    for part in parts:
        sections.extend(part.sections)
        buttons.extend(part.buttons)
    return Message(sections=tuple(sections), buttons=tuple(buttons[:20]))
