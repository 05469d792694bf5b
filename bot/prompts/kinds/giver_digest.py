"""A weekly digest, for members who list topics: last week's asks about things they know,
and those still looking for help."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.activity import AskSummary
from bot.domain.connections import State
from bot.domain.members import MemberSnapshot
from bot.domain.prompts import Prompt, PromptKind, local_date, local_midnight
from bot.messages import Bold, Message, line, message
from bot.prompts.batch import Batch
from bot.prompts.schedule import Schedule
from bot.prompts.spec import About, PromptKindSpec, Rhythm, Skip, Verdict
from bot.services.community_settings import timezone_of
from bot.services.mentions import mention

WINDOW = timedelta(days=7)
LIVE = (State.PENDING, State.CONNECTED)
SHOWN = 5  # asks still looking for help, at most


async def plan(schedule: Schedule, member: MemberSnapshot, week: date | None = None) -> None:
    """The digest due at the start of the member's next local week (the one after
    `week`, a Monday, when given)."""
    assert member.id is not None
    tz = timezone_of(schedule.community, member)
    local = week or local_date(schedule.now, tz)
    monday = local + timedelta(days=7 - local.weekday())
    year, number, _ = monday.isocalendar()
    await schedule.add(
        GIVER_DIGEST,
        member.id,
        local_midnight(monday, tz),
        payload={"week": monday.isoformat()},
        iso_week=f"{year}-{number:02d}",
    )


async def plan_next(batch: Batch, prompt: Prompt) -> None:
    member = batch.members[prompt.recipient_id]
    await plan(batch.schedule(prompt), member, week=_week(batch, prompt))


def _week(batch: Batch, prompt: Prompt) -> date | None:
    """The Monday this digest is for; None once it was held back a week or more (a
    pause): then only the newest counts, and the next is planned from today."""
    today = batch.today(prompt)
    week = date.fromisoformat(str(prompt.payload.get("week") or today.isoformat()))
    return week if (today - week).days < 7 else None


async def asks_this_week(batch: Batch, prompt: Prompt) -> Verdict:
    """The week's asks about topics the member knows, and open ones they could take."""
    member = batch.members[prompt.recipient_id]
    await plan_next(batch, prompt)  # next week's, whatever this one says
    week = _week(batch, prompt)
    if week is None:
        return Skip("a newer digest is due")
    assert member.id is not None
    topics = {hit.topic for hit in await batch.uow.index.topics_of(member.id)}
    if not topics:
        return Skip("no topics")
    # The week before the digest's planned time, however long a contact window held it
    # back: the next digest covers what came after.
    until = local_midnight(week, batch.timezone(prompt))
    # Not the asks of them or to them: they know of those already.
    asks = await batch.uow.connections.recent_asks(
        prompt.community_id, topics, until - WINDOW, excluding=member.id, until=until
    )
    if not asks:
        return Skip("nothing this week")
    return await _summary(batch, asks)


async def _summary(batch: Batch, asks: list[AskSummary]) -> Message:
    """Topics and counts. A private ask stays private: an asker is named only when they
    chose to let others who know the topic see it, and no ask's words are ever quoted."""
    askers: dict[str, set[int]] = {}
    for ask in asks:
        askers.setdefault(ask.topic, set()).add(ask.asker_id)
    # Asks that went unmet, unless the asker found someone for that topic since.
    met = {(ask.asker_id, ask.topic) for ask in asks if ask.state in LIVE}
    unmet = {
        (ask.asker_id, ask.topic): ask
        for ask in asks
        if ask.state in (State.DECLINED, State.EXPIRED) and (ask.asker_id, ask.topic) not in met
    }
    people = await batch.people(sorted({asker for asker, _ in unmet}))
    still = {key for key in unmet if key[0] in people and not people[key[0]].forgotten}
    lines = [line("Your week in asks. People asked for help with things you know:")]
    for topic, who in sorted(askers.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        looking = sum(1 for asker, t in still if t == topic)
        text = f"{_people(len(who))} asked about {topic}"
        if looking:
            text += f"; {looking} still looking for help"
        lines.append(line(text + "."))
    # Any ask of theirs the asker let others see counts: they chose it for this topic.
    shared = still & {(ask.asker_id, ask.topic) for ask in asks if ask.visible}
    named = sorted(shared, key=lambda key: (key[1], people[key[0]].display_name))[:SHOWN]
    for asker_id, topic in named:
        lines.append(
            line(
                "Still looking: ",
                mention(people[asker_id]),
                " asked about ",
                Bold(topic),
                " and is happy to hear from people who know it.",
            )
        )
    if named:
        lines.append(line("If you can help, send them a DM. No obligation, ever."))
    elif still:
        lines.append(
            line(
                "Asks are private, so I don't say who. Keeping your profile open lets them find you."
            )
        )
    lines.append(line(f"Turn this digest off with /networker prompts off {GIVER_DIGEST.kind}."))
    return message(*lines)


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


GIVER_DIGEST = PromptKindSpec(
    PromptKind.GIVER_DIGEST,
    label="a weekly digest of asks about things you know",
    about=About.NOTHING,
    key="giver:{recipient}:{iso_week}",
    render=asks_this_week,
    rhythm=Rhythm.WEEKLY,
    plan_next=plan_next,
)
