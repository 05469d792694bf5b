"""The daily cap's overflow: prompts past it wait, and go out the next local day merged
into one message."""

from __future__ import annotations

from bot.domain.prompts import Prompt, PromptKind, PromptState, local_date, next_local_day
from bot.messages import Bold, Button, Message, Section, line
from bot.prompts.batch import Batch
from bot.prompts.spec import About, Bundle, Later, PromptKindSpec, Skip, Verdict

BUTTONS_SHOWN = 20


async def hold(batch: Batch, prompt: Prompt) -> None:
    """Past the recipient's cap today: this prompt goes out in tomorrow's digest."""
    prompt.state = PromptState.DIGEST.value
    tz = batch.timezone(prompt)
    tomorrow = next_local_day(batch.now, tz)
    await batch.schedule(prompt).add(
        DIGEST, prompt.recipient_id, tomorrow, day=local_date(tomorrow, tz).isoformat()
    )


async def held_back(batch: Batch, prompt: Prompt) -> Verdict:
    """What waited for this digest, each looked at again now (its reason may be gone)."""
    merged = await batch.uow.prompts.merged(prompt.recipient_id)
    await batch.load_connections(merged)  # the digest has no subject: theirs are needed
    parts: list[Message] = []
    carried: list[int] = []
    for held in merged:
        verdict = await batch.render(held)
        if isinstance(verdict, Skip):
            held.cancel(verdict.reason)
        elif isinstance(verdict, Later):
            held.wait_until(verdict.due)
        else:
            assert isinstance(verdict, Message), "only capped kinds wait for a digest"
            parts.append(verdict)
            carried.append(held.id or 0)
    if not parts:
        return Skip("nothing left to say")
    return Bundle(_merged(parts), tuple(carried))


def _merged(parts: list[Message]) -> Message:
    sections = [Section(text=line(Bold("A few things I held back so as not to flood your DMs:")))]
    buttons: list[Button] = []
    for part in parts:
        sections.extend(part.sections)
        buttons.extend(part.buttons)
    return Message(sections=tuple(sections), buttons=tuple(buttons[:BUTTONS_SHOWN]))


DIGEST = PromptKindSpec(
    PromptKind.DIGEST,
    label=None,  # it carries prompts that were allowed when they were held back
    about=About.NOTHING,
    key="digest:{recipient}:{day}",
    render=held_back,
    capped=False,
)
