"""Messages a command produces (the group opened at connect, the thanks DM, a note,
a post in a channel): rows like every prompt, written in the command's own transaction,
so a failed send or a crash after the commit loses nothing.

The row's recipient, and its subject, is the member whose action produced the message:
they are told what is still on its way, and forgetting them cancels what waits and drops
its words. Where it goes and what it says are in its payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from uuid import uuid4

from bot import message_codec
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Message, Outbound
from bot.prompts.batch import Batch
from bot.prompts.spec import About, PromptKindSpec, Verdict
from bot.services.unit_of_work import UnitOfWork


async def _render(_batch: Batch, prompt: Prompt) -> Verdict:
    """Said when the command ran: nothing to look at again."""
    return message_codec.decode(prompt.payload).message


def _target(prompt: Prompt, message: Message) -> Outbound:
    return replace(outbound(prompt), message=message)


MESSAGE = PromptKindSpec(
    PromptKind.MESSAGE,
    None,
    About.MEMBER,
    "message:{token}",
    _render,
    capped=False,
    target=_target,
)


async def keep(
    uow: UnitOfWork, community_id: int, by: int, items: Sequence[Outbound], now: datetime
) -> list[str]:
    """A row for each message, due now; their dedupe keys, in order."""
    keys = []
    for item in items:
        key = MESSAGE.dedupe_key(token=uuid4().hex)
        await uow.prompts.schedule(
            community_id=community_id,
            recipient_id=by,
            subject_id=by,
            kind=PromptKind.MESSAGE.value,
            due_at=now,
            key=key,
            now=now,
            payload=message_codec.encode(item),
        )
        keys.append(key)
    return keys


def outbound(prompt: Prompt) -> Outbound:
    """Where a message row goes, and what it says."""
    return message_codec.decode(prompt.payload)
