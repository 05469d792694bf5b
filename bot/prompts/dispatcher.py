"""Sends due prompts: claim a batch, send each, record what happened.

1. Claim (one transaction): lock due rows (PostgreSQL: FOR UPDATE SKIP LOCKED, so
   several processes share the work; SQLite: one writer at a time). Each row is
   cancelled when its reason went away, held while its recipient is paused, moved to
   the next opening of their contact window, merged into tomorrow's digest past the
   daily cap, or marked "sending" with a lease and an attempt number.
2. Send, outside any transaction, with the prompt's id as the delivery key.
3. Record (one transaction): sent, retried later with back-off, failed after the last
   attempt, or cancelled when the platform says it can never work. A row is recorded
   only if its claim (state and attempt number) still holds.

Each send returns a receipt (the platform's ids for what it did), saved in step 3 with
the outcome: a sent row says which message it became, and a retry after a partial
success (a conversation opened, then the message refused) is handed the receipt and
goes on from there, so it opens nothing twice.

A process that dies between 2 and 3 leaves rows "sending"; when the lease lapses another
dispatcher sends them again with the same delivery key and the receipt of the last
recorded attempt. Platforms that honour the key (Discord's nonce) drop the repeat;
others may show it twice. That is the one window.

The messages a command produced are rows of the kind "message": the command's process
sends them right after its commit (`send_now`, the same three steps for just those
rows), and whatever fails there is retried by the passes like any prompt.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.config import Settings
from bot.domain.prompts import (
    HELD,
    MAX_ATTEMPTS,
    Prompt,
    PromptOutcome,
    PromptState,
    local_day_start,
    retry_delay,
)
from bot.messages import ChannelPost, DirectMessage, GroupConversation, Outbound
from bot.ports import Clock, DeliveryError, Messenger, Receipt
from bot.prompts.batch import Batch
from bot.prompts.kinds import PROMPT_KINDS, digest
from bot.prompts.spec import Bundle, Later, Skip
from bot.services.community_settings import kind_off, setting, timezone_of
from bot.services.pairing import run_due_rounds
from bot.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
PAUSE_RECHECK = timedelta(days=1)


@dataclass(frozen=True)
class Delivery:
    prompt_id: int
    attempts: int  # the claim: recorded only if nobody re-claimed the row meanwhile
    platform: str
    community: str
    item: Outbound  # a prompt is a DM to its recipient; a command's message goes anywhere
    merged: tuple[int, ...] = ()  # prompts this digest carries
    done: Receipt = field(default_factory=dict)  # what earlier attempts got done


@dataclass(frozen=True)
class Sent:
    """What one send did: its receipt, and the error if it did not (all) get done."""

    receipt: Receipt
    error: DeliveryError | None = None


@dataclass(frozen=True)
class Waiting:
    """A prompt moved on: to its recipient's next contact window, or held while paused."""

    recipient: str  # platform user id
    until: datetime
    timezone: str  # the recipient's, to say "until" in their own time
    paused: bool = False


@dataclass
class Report:
    """What one pass did, for logs, the console and tests."""

    claimed: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    waiting: dict[int, Waiting] = field(default_factory=dict)  # by prompt id, the latest

    def add(self, other: Report) -> None:
        self.claimed += other.claimed
        self.outcomes.update(other.outcomes)
        self.waiting.update(other.waiting)

    @property
    def sent(self) -> int:
        return self.outcomes["sent"]


class Dispatcher:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        clock: Clock,
        config: Settings,
        messengers: dict[str, Messenger],
        *,
        batch: int | None = None,
    ) -> None:
        self.units = units
        self.clock = clock
        self.config = config
        self.messengers = messengers
        self.batch = batch or config.prompt_batch
        self.lease = timedelta(seconds=config.prompt_lease)

    async def run_due(self, *, max_batches: int = 10_000) -> Report:
        """Send everything due now (batch after batch)."""
        total = Report()
        # Pairing rounds that are due start first; their group conversations go out one
        # row at a time, each recorded at once, so a crash repeats no group.
        rounds = await run_due_rounds(self.units, self.clock.now())
        if rounds:
            report, _ = await self._pass(rounds)
            total.add(report)
        for _ in range(max_batches):
            report = await self.run_once()
            total.add(report)
            if not report.claimed:  # (a pass may make new prompts due now, e.g. expiry)
                break
        return total

    async def next_due(self) -> datetime | None:
        """When the earliest waiting prompt falls due (a simulated clock steps to it)."""
        if not self.messengers:
            return None
        async with self.units(write=False) as uow:
            return await uow.prompts.next_due(self.messengers)

    async def run_once(self) -> Report:
        report, _ = await self._pass(None)
        return report

    async def send_now(self, keys: Collection[str]) -> list[tuple[Outbound, DeliveryError]]:
        """Send these rows (a command's messages, just committed) at once; what failed
        comes back, to tell the member, and is retried by the passes."""
        if not keys:
            return []
        _, results = await self._pass(keys)
        return [(d.item, sent.error) for d, sent in results if sent.error is not None]

    async def _pass(
        self, keys: Collection[str] | None
    ) -> tuple[Report, list[tuple[Delivery, Sent]]]:
        if not self.messengers:
            return Report(), []
        now = self.clock.now()
        deliveries, report = await self._claim(now, keys)
        results: list[tuple[Delivery, Sent]] = []
        if keys is None:
            results = [(d, await self._send(d)) for d in deliveries]
            if results:
                await self._record(results)
        else:  # a command's few messages, in the order it said them, each recorded at
            # once: a crash can then repeat only the one message in flight
            for delivery in sorted(deliveries, key=lambda d: d.prompt_id):
                results.append((delivery, await self._send(delivery)))
                await self._record(results[-1:])
        for _, sent in results:
            report.outcomes["sent" if sent.error is None else "not sent"] += 1
        return report, results

    # --- 1. claim -----------------------------------------------------------------------

    async def _claim(
        self, now: datetime, keys: Collection[str] | None
    ) -> tuple[list[Delivery], Report]:
        report = Report()
        deliveries: list[Delivery] = []
        async with self.units() as uow:
            limit = self.batch if keys is None else len(keys)
            rows = await uow.prompts.claim(now, limit, self.messengers, keys=keys)
            report.claimed = len(rows)
            if not rows:
                return deliveries, report
            batch = await self._load(uow, now, rows)
            sent_today = await self._sent_today(uow, batch, rows, now)
            for prompt in rows:
                verdict, delivery = await self._decide(batch, prompt, sent_today)
                report.outcomes[verdict] += 1
                if verdict in ("held", "waiting for window") and prompt.id is not None:
                    member = batch.members[prompt.recipient_id]
                    tz = timezone_of(batch.communities[prompt.community_id], member)
                    report.waiting[prompt.id] = Waiting(
                        member.platform_user_id, prompt.due_at, tz, paused=verdict == "held"
                    )
                if delivery is not None:
                    deliveries.append(delivery)
            await uow.commit()
        return deliveries, report

    async def _load(self, uow: UnitOfWork, now: datetime, rows: Sequence[Prompt]) -> Batch:
        by_id = await uow.communities.many({p.community_id for p in rows})
        batch = Batch(uow, self.config, now, PROMPT_KINDS, by_id)
        await batch.load_connections(rows)
        # Recipients and the people their messages name, in one query (not one a prompt).
        wanted = {p.recipient_id for p in rows}
        wanted.update(
            m
            for c in batch.connections.values()
            for m in (c.initiator_id, c.party_a_id, c.party_b_id)
        )
        batch.members.update(await uow.members.many(wanted))
        return batch

    async def _sent_today(
        self, uow: UnitOfWork, batch: Batch, rows: Sequence[Prompt], now: datetime
    ) -> Counter[int]:
        """Prompts each recipient got since their local midnight (the daily cap)."""
        recent = await uow.prompts.sent_since(
            {p.recipient_id for p in rows}, now - timedelta(hours=27)
        )
        counts: Counter[int] = Counter()
        for recipient_id, sent_at in recent:
            member = batch.members.get(recipient_id)
            if member is None:
                continue
            community = batch.communities[member.community_id]
            if sent_at >= local_day_start(now, timezone_of(community, member)):
                counts[recipient_id] += 1
        return counts

    async def _decide(
        self, batch: Batch, prompt: Prompt, sent_today: Counter[int]
    ) -> tuple[str, Delivery | None]:
        """Cancel, hold, move, merge or send one claimed prompt; says which."""
        spec = batch.spec(prompt)
        verdict = await (
            self._gate(batch, prompt) if spec.target is None else _gate_answer(batch, prompt)
        )
        if verdict is not None:
            return verdict, None
        said = await batch.render(prompt)
        if isinstance(said, Skip):
            return _cancel(prompt, said.reason), None
        if isinstance(said, Later):
            prompt.wait_until(said.due)
            return "later", None
        community = batch.communities[prompt.community_id]
        cap = int(setting(community, self.config, "dm_daily_cap"))
        if spec.capped and sent_today[prompt.recipient_id] >= cap:
            await digest.hold(batch, prompt)
            return "merged into digest", None
        if spec.target is None:  # a command's messages are not prompts to their actor
            sent_today[prompt.recipient_id] += 1
        prompt.state = PromptState.SENDING.value
        prompt.due_at = batch.now + self.lease  # the claim lapses if this process dies
        prompt.attempts += 1
        text, carried = (said.message, said.carried) if isinstance(said, Bundle) else (said, ())
        if spec.target is not None:
            item = spec.target(prompt, text)
        else:
            item = DirectMessage(batch.members[prompt.recipient_id].platform_user_id, text)
        delivery = Delivery(
            prompt.id or 0,
            prompt.attempts,
            community.platform,
            community.external_id,
            item,
            carried,
            dict(prompt.receipt or {}),
        )
        return "sending", delivery

    async def _gate(self, batch: Batch, prompt: Prompt) -> str | None:
        """Whether the prompt may go to its recipient now; None if it may."""
        now = batch.now
        spec = batch.spec(prompt)
        community = batch.communities[prompt.community_id]
        member = batch.members.get(prompt.recipient_id)
        if not community.active:
            return _cancel(prompt, "community removed")
        if member is None or member.forgotten:
            return _cancel(prompt, "member forgotten")
        if member.unreachable:
            return _cancel(prompt, f"unreachable: {member.unreachable}")
        if prompt.state == PromptState.SENDING and prompt.attempts >= MAX_ATTEMPTS:
            return _fail(prompt, "interrupted too often")
        if spec.on_due is not None:
            await spec.on_due(batch, prompt)
        off = kind_off(community, member, prompt.kind) if spec.switchable else None
        if off:
            if spec.plan_next is not None:  # a weekly or yearly kind keeps its rhythm
                await spec.plan_next(batch, prompt)
            return _cancel(prompt, off)
        if member.paused:
            prompt.wait_until(now + PAUSE_RECHECK)
            prompt.last_error = HELD
            return "held"
        opens = member.window().next_open(now, timezone_of(community, member))
        if opens > now:
            prompt.wait_until(opens)
            return "waiting for window"
        return None

    # --- 2. send ------------------------------------------------------------------------

    async def _send(self, delivery: Delivery) -> Sent:
        messenger = self.messengers[delivery.platform]
        item = replace(delivery.item, key=f"p{delivery.prompt_id}", done=delivery.done)
        receipt: Receipt | None = None
        try:
            if isinstance(item, DirectMessage):
                receipt = await messenger.send_dm(delivery.community, item)
            elif isinstance(item, GroupConversation):
                receipt = await messenger.open_group(delivery.community, item)
            elif isinstance(item, ChannelPost):
                receipt = await messenger.post(delivery.community, item)
        except DeliveryError as error:
            log.warning(
                "prompt not delivered",
                extra={"prompt": delivery.prompt_id, "reason": error.reason},
            )
            return Sent({**delivery.done, **error.receipt}, error)
        except Exception as error:  # a bug or an unexpected library error: retry later
            log.exception("prompt delivery crashed", extra={"prompt": delivery.prompt_id})
            return Sent(delivery.done, DeliveryError(type(error).__name__))
        return Sent({**delivery.done, **(receipt or {})})

    # --- 3. record ----------------------------------------------------------------------

    async def _record(self, results: list[tuple[Delivery, Sent]]) -> None:
        now = self.clock.now()
        outcomes = [_outcome(delivery, sent, now) for delivery, sent in results]
        merged = [m for d, sent in results if sent.error is None for m in d.merged]
        async with self.units() as uow:
            await uow.prompts.record(outcomes)
            await uow.prompts.mark_digest_sent(merged, now)
            await uow.commit()


def _outcome(delivery: Delivery, sent: Sent, now: datetime) -> PromptOutcome:
    """Sent, cancelled when it can never work, failed after the last attempt, or retried
    later with back-off; each with the receipt of what the platform did."""
    claim = (delivery.prompt_id, delivery.attempts)
    error, receipt = sent.error, dict(sent.receipt) or None
    if error is None:
        return PromptOutcome(*claim, PromptState.SENT.value, now, None, now, receipt)
    if error.permanent:
        state = PromptState.CANCELLED.value
        return PromptOutcome(*claim, state, now, error.reason, None, receipt)
    if delivery.attempts >= MAX_ATTEMPTS:
        return PromptOutcome(*claim, PromptState.FAILED.value, now, error.reason, None, receipt)
    retry = now + retry_delay(delivery.attempts)
    return PromptOutcome(*claim, PromptState.PENDING.value, retry, error.reason, None, receipt)


async def _gate_answer(batch: Batch, prompt: Prompt) -> str | None:
    """A command's message goes out at once, as the command said; only a removed
    community or too many interrupted attempts stop it."""
    if not batch.communities[prompt.community_id].active:
        return _cancel(prompt, "community removed")
    if prompt.state == PromptState.SENDING and prompt.attempts >= MAX_ATTEMPTS:
        return _fail(prompt, "interrupted too often")
    return None


def _cancel(prompt: Prompt, reason: str) -> str:
    prompt.cancel(reason)
    return "cancelled"


def _fail(prompt: Prompt, reason: str) -> str:
    prompt.state, prompt.last_error = PromptState.FAILED.value, reason[:200]
    return "failed"
