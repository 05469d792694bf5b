"""Birthdays and work anniversaries, for members who chose to share them with the people
they are connected with: yearly, on the day, in the recipient's time zone."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.members import Member, MemberSnapshot
from bot.domain.prompts import Prompt, PromptKind, local_date, local_midnight
from bot.domain.wording import day_text, plural
from bot.messages import line, message
from bot.prompts.batch import Batch
from bot.prompts.schedule import Schedule
from bot.prompts.spec import About, PromptKindSpec, Rhythm, Skip, Verdict
from bot.services.community_settings import timezone_of
from bot.services.mentions import mention
from bot.services.unit_of_work import UnitOfWork


async def plan(
    schedule: Schedule,
    celebrant: MemberSnapshot,
    recipients: list[MemberSnapshot],
    after: date | None = None,
) -> None:
    """The next birthday and work anniversary of someone who opted in (the first after
    `after`, when given), to each of these people they are connected with."""
    assert celebrant.id is not None
    for name, month_day, since in _occasions_of(celebrant):
        for recipient in recipients:
            assert recipient.id is not None
            tz = timezone_of(schedule.community, recipient)
            today = local_date(schedule.now, tz)
            start = max(today, after + timedelta(days=1)) if after else today
            day = next_date(month_day, start)
            await schedule.add(
                OCCASION,
                recipient.id,
                local_midnight(day, tz),
                subject_id=celebrant.id,
                revive=True,
                payload={
                    "occasion": name,
                    "date": day.isoformat(),
                    "years": day.year - since if since else None,
                },
            )


async def connected_to(uow: UnitOfWork, member_id: int) -> list[MemberSnapshot]:
    """Who hears of this member's occasions: the people they are connected with."""
    others = await uow.connections.connected_to(member_id)
    return [m for m in (await uow.members.many(others)).values() if not m.forgotten]


def _occasions_of(member: MemberSnapshot) -> list[tuple[str, str, int | None]]:
    """(occasion, "MM-DD", since-year) for each occasion the member opted in to."""
    found: list[tuple[str, str, int | None]] = []
    if member.birthday:
        found.append(("birthday", member.birthday, None))
    if member.work_anniversary:
        day = member.work_anniversary
        found.append(("work_anniversary", f"{day:%m-%d}", day.year))
    return found


def next_date(month_day: str, today: date) -> date:
    """The next time this MM-DD comes round, today included; 29 February falls on the
    28th in other years."""
    month, day = (int(x) for x in month_day.split("-"))
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = date(year, month, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


# --- when due -----------------------------------------------------------------------------


async def greet(batch: Batch, prompt: Prompt) -> Verdict:
    celebrant = await _still_shared(batch, prompt)
    if isinstance(celebrant, Skip):
        return celebrant
    await _plan_after(batch, prompt, celebrant)
    name = str(prompt.payload.get("occasion"))
    day = date.fromisoformat(str(prompt.payload.get("date")))
    today = batch.today(prompt)
    when = "today" if day == today else f"on {day:%A} {day_text(day, today)}"
    if name == "birthday":
        text = line(
            "It's ", mention(celebrant), f"'s birthday {when}. A short note would make their day!"
        )
    else:
        years = prompt.payload.get("years")
        count = f"{plural(int(years), 'year')} " if years else ""
        text = line(
            mention(celebrant),
            f" celebrates {count}at work {when}. A quick congratulations goes a long way.",
        )
    return message(text, "(They chose to share this date with the people they're connected with.)")


async def plan_next(batch: Batch, prompt: Prompt) -> None:
    celebrant = await _still_shared(batch, prompt)
    if not isinstance(celebrant, Skip):  # a reason gone for good: nothing recurs
        await _plan_after(batch, prompt, celebrant)


async def _still_shared(batch: Batch, prompt: Prompt) -> Member | Skip:
    """The celebrant, while they still share the date and are connected to the recipient."""
    celebrant_id = prompt.subject_id or 0
    celebrant = (await batch.people([celebrant_id])).get(celebrant_id)
    if celebrant is None or celebrant.forgotten:
        return Skip("member gone")
    name = str(prompt.payload.get("occasion"))
    current = celebrant.birthday if name == "birthday" else _month_day(celebrant.work_anniversary)
    if current is None:
        return Skip("opted out")
    connected = await connected_to(batch.uow, prompt.recipient_id)
    if celebrant_id not in {m.id for m in connected}:
        return Skip("no longer connected")
    return celebrant


async def _plan_after(batch: Batch, prompt: Prompt, celebrant: Member) -> None:
    day = date.fromisoformat(str(prompt.payload.get("date")))
    recipient = batch.members[prompt.recipient_id]
    await plan(batch.schedule(prompt), celebrant, [recipient], after=day)


def _month_day(day: date | None) -> str | None:
    return f"{day:%m-%d}" if day else None


OCCASION = PromptKindSpec(
    PromptKind.OCCASION,
    label="birthdays and work anniversaries of people you're connected with",
    about=About.MEMBER,  # the celebrant
    key="occasion:{occasion}:{subject}:{recipient}:{date}",
    render=greet,
    rhythm=Rhythm.YEARLY,
    plan_next=plan_next,
)
