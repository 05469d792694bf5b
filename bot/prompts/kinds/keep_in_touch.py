"""A nudge to keep in touch, once a connection has been quiet for a long while."""

from __future__ import annotations

from bot.actions import Action
from bot.domain.connections import State
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Button, line, message
from bot.prompts.batch import Batch
from bot.prompts.spec import About, Later, PromptKindSpec, Skip, Verdict
from bot.services.mentions import mention


async def nudge(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or conn.state is not State.CONNECTED:
        return Skip("not connected")
    other_id = conn.other_party(prompt.recipient_id)
    other = (await batch.people([other_id])).get(other_id)
    if other is None or other.forgotten:
        return Skip("member gone")
    quiet = batch.schedule(prompt).after("keep_in_touch_after")
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


KEEP_IN_TOUCH = PromptKindSpec(
    PromptKind.KEEP_IN_TOUCH,
    label="a nudge to keep in touch after a long quiet spell",
    about=About.CONNECTION,
    key="keep:{subject}",
    render=nudge,
)
