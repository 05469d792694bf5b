"""The core's front door: adapters hand it commands and get neutral replies back.

Each command runs in one unit of work; the messages it produces are kept as rows in
that transaction (bot/prompts/kinds/message.py) and sent only after it commits, so
nobody hears about something that did not happen, and nothing said is lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from bot.actions import Action
from bot.config import Settings as Config
from bot.domain.errors import FieldErrors, UserError
from bot.domain.members import Community, check_platform_id
from bot.messages import (
    DirectMessage,
    GroupConversation,
    Mention,
    Outbound,
    Outbox,
    Reply,
    Section,
    line,
    reply,
)
from bot.ports import Clock, DatabaseUnavailable, DeliveryError, Messenger, OutcomeUnknown
from bot.prompts.dispatcher import Dispatcher
from bot.prompts.kinds import message
from bot.services import member_import
from bot.services.caches import Caches
from bot.services.commands import Actor, Command, ImportMembers, MemberRef, Press
from bot.services.context import Context, NeedsWrite, member_for
from bot.services.declarations import Handler
from bot.services.member_import import MemberLookup, Progress
from bot.services.registry import REGISTRY
from bot.services.unit_of_work import UnitOfWorkFactory

log = logging.getLogger(__name__)

UNKNOWN_BUTTON = reply("That button isn't one I know any more. Try the command again.", ok=False)
ORGANISERS_ONLY = reply(
    "Only organisers can do that.", "Ask one of your community's organisers.", ok=False
)


MEMBER_IMPORT_PROBLEMS_SHOWN = 20  # in a chat answer; the command line lists them all

NOT_SET_UP = reply(
    "Networker isn't set up for this community yet.",
    "Ask an organiser to install it, then try again.",
    ok=False,
)

# The store logs the outage once; each member hears that nothing happened.
DATABASE_AWAY = reply(
    "Networker can't reach its database right now; nothing was changed.",
    "Try again in a minute.",
    ok=False,
)
# The database stopped answering during the commit itself: saved or not, nobody knows.
DATABASE_UNSURE = reply(
    "Networker's database stopped answering while saving this, so it may or may not "
    "have gone through.",
    "In a minute, check before trying again: /networker me shows your requests and "
    "what's on its way, and /profile shows your profile.",
    ok=False,
)


@dataclass(frozen=True)
class Outcome:
    reply: Reply | None  # None: a platform retry of an event already handled
    outbox: Outbox
    # The acting member's time zone is unknown: worth asking the platform (after replying).
    actor_incomplete: bool = False


class Networker:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        clock: Clock,
        config: Config,
        messengers: Mapping[str, Messenger] | None = None,
        *,
        prompts_due: Callable[[], None] | None = None,
    ) -> None:
        self.units = units
        self.clock = clock
        self.config = config
        self.messengers: Mapping[str, Messenger] = messengers or {}
        self.caches = Caches()
        self._probes: set[asyncio.Task[bool]] = set()  # health checks still running late
        # Called after a command scheduled a prompt due at once (e.g. the thank-you
        # prompt after "Helpful"), so it goes out now rather than at the next interval.
        self.prompts_due = prompts_due

    # --- communities ------------------------------------------------------------------

    async def register_community(self, platform: str, external_id: str, name: str) -> Community:
        """Make a workspace, guild or console community known (idempotent)."""
        check_platform_id(external_id, "community")
        async with self.units() as uow:
            found = await uow.communities.by_external_id(platform, external_id)
            if found is None:
                found = await uow.communities.add(
                    Community(platform, external_id, name[:200], created_at=self.clock.now())
                )
            found.active = True  # installed again after a removal
            await uow.commit()  # also when found: a rollback would expire what we return
            return found

    async def join(self, platform: str, community: str, user: MemberRef) -> bool:
        """Make a member known, or bring their name and time zone up to date.

        Reads first and takes the write lock only when something changed: platforms call
        this after most commands. False when the community is not registered."""
        for write in (False, True):
            try:
                async with self.units(write=write) as uow:
                    found = await uow.communities.by_external_id(platform, community)
                    if found is None:
                        return False
                    now = self.clock.now()
                    await member_for(uow, found, user, now, self.config, read_only=not write)
                    await uow.commit()
                    self.caches.changed(found.id or 0)
                    return True
            except NeedsWrite:
                continue
        return True

    async def find_members(
        self, platform: str, community: str, prefix: str, limit: int = 10
    ) -> list[MemberRef]:
        """Members whose name starts with `prefix`: lets text adapters resolve @mentions."""
        async with self.units(write=False) as uow:
            found = await uow.communities.by_external_id(platform, community)
            if found is None or found.id is None:
                return []
            members = await uow.members.named(found.id, prefix, limit)
            return [MemberRef(m.platform_user_id, m.display_name, m.timezone) for m in members]

    async def healthy(self, within: float = 1.0) -> bool:
        """The database answers within `within` seconds. A probe that takes longer is not
        waited for (nor cancelled: it ends by the store's own timeouts, which log it)."""
        probe = asyncio.ensure_future(self._ping())
        done, _ = await asyncio.wait({probe}, timeout=within)
        if probe not in done:
            self._probes.add(probe)
            probe.add_done_callback(self._probes.discard)
            return False
        return probe.result()

    async def _ping(self) -> bool:
        try:
            async with self.units(write=False) as uow:
                await uow.ping()
        except DatabaseUnavailable:  # the store said so already, once per outage
            return False
        except Exception:  # any other failure means "not healthy" too
            log.exception("health check failed")
            return False
        return True

    async def claim_event(self, platform: str, event_id: str) -> bool:
        """Record a platform event id; False when it was handled before (a retry)."""
        async with self.units() as uow:
            fresh = await uow.events.claim(platform, event_id, self.clock.now())
            await uow.commit()
            return fresh

    async def release_event(self, platform: str, event_id: str) -> None:
        """Handling a claimed event failed: the platform's retry will be handled."""
        async with self.units() as uow:
            await uow.events.release(platform, event_id)
            await uow.commit()

    async def mark_unreachable(
        self, platform: str, community: str, user_id: str, reason: str | None
    ) -> None:
        """The platform refuses DMs to this member (or accepts them again: reason None)."""
        async with self.units() as uow:
            found = await uow.communities.by_external_id(platform, community)
            if found is None or found.id is None:
                return
            member = await uow.members.by_platform_id(found.id, user_id)
            if member is not None and member.unreachable != reason:
                member.unreachable = reason
                await uow.commit()
                self.caches.changed(found.id)

    async def set_community_active(self, platform: str, external_id: str, active: bool) -> None:
        """The bot was removed from (or added back to) a workspace or guild."""
        async with self.units() as uow:
            found = await uow.communities.by_external_id(platform, external_id)
            if found is not None and found.active != active:
                found.active = active
                if not active:
                    await uow.prompts.cancel("community removed", community_id=found.id)
                await uow.commit()
                self.caches.changed(found.id or 0)

    # --- commands ---------------------------------------------------------------------

    async def handle(
        self, actor: Actor, command: Command, *, event_id: str | None = None
    ) -> Reply | None:
        """Run one command and deliver what it produced. None for an event seen before."""
        outcome = await self.execute(actor, command, event_id=event_id)
        if outcome.reply is None:
            return None
        failures = await self.deliver(actor.platform, actor.community, outcome.outbox)
        if not failures:
            return outcome.reply.delivered() or outcome.reply
        return with_delivery_note(outcome.reply, failures, actor.platform)

    async def execute(
        self, actor: Actor, command: Command, *, event_id: str | None = None
    ) -> Outcome:
        """Run one command in its own transaction; its messages are returned, not sent.

        Adapters with a deadline (Slack's 3 s ack) answer first and deliver after.
        """
        handler, write, organiser, replaces = self._route(command)
        if handler is None:
            return Outcome(UNKNOWN_BUTTON, Outbox())
        write = write or event_id is not None
        run = (actor, command, handler, event_id, organiser)
        try:
            try:
                outcome = await self._execute(*run, write=write)
            except NeedsWrite:
                outcome = await self._execute(*run, write=True)
        except OutcomeUnknown:
            return Outcome(DATABASE_UNSURE, Outbox())
        except DatabaseUnavailable:
            return Outcome(DATABASE_AWAY, Outbox())
        if replaces and outcome.reply is not None and outcome.reply.ok:
            outcome = replace(outcome, reply=replace(outcome.reply, replaces=True))
        return outcome

    @staticmethod
    def _route(command: Command) -> tuple[Handler | None, bool, bool, bool]:
        """(handler, writes, organisers only, answer replaces the message) for a command."""
        if isinstance(command, Press):
            action = Action.parse(command.action)
            button = REGISTRY.button(action) if action is not None else None
            if button is None:
                return None, True, False, False
            return button.handler, True, False, button.replaces
        use = REGISTRY.use(command)
        if use is None:
            raise TypeError(f"no use case is declared for {type(command).__name__}")
        return use.handler, not use.read_only, use.organiser, False

    async def _execute(
        self,
        actor: Actor,
        command: Command,
        handler: Handler,
        event_id: str | None,
        organiser: bool,
        *,
        write: bool,
    ) -> Outcome:
        outbox = Outbox()
        started = time.perf_counter()
        try:
            async with self.units(write=write) as uow:
                now = self.clock.now()
                if event_id is not None and not await uow.events.claim(
                    actor.platform, event_id, now
                ):
                    log.info("duplicate event ignored", extra={"event_id": event_id})
                    return Outcome(None, outbox)
                community = await uow.communities.by_external_id(actor.platform, actor.community)
                if community is None or not community.active:
                    return Outcome(NOT_SET_UP, outbox)
                me = await member_for(
                    uow, community, actor.user, now, self.config, read_only=not write, acting=True
                )
                # The platform says who organises (workspace admins, guild managers), each time.
                if organiser and not (me.is_organiser or actor.is_organiser):
                    return Outcome(ORGANISERS_ONLY, outbox)
                ctx = Context(
                    uow,
                    actor,
                    community,
                    me,
                    now,
                    self.config,
                    outbox,
                    self.caches,
                    read_only=not write,
                )
                result = await handler(ctx, command)
                if outbox.items:
                    if not write:
                        raise NeedsWrite
                    assert community.id is not None and me.id is not None
                    # After any rows the handler kept or sent itself (a prompt sent at
                    # once, a pairing round's groups).
                    kept = await message.keep(uow, community.id, me.id, outbox.items, now)
                    outbox.keys = [*outbox.keys, *kept]
                await uow.commit()
                if write:
                    self.caches.changed(community.id or 0)
        except UserError as error:
            hint = [error.hint] if error.hint else []
            refused = reply(error.message, *hint, ok=False)
            if isinstance(error, FieldErrors):
                refused = replace(refused, errors=tuple(error.errors.items()))
            return Outcome(refused, Outbox())
        finally:
            log.debug(
                "command handled",
                extra={
                    "command": type(command).__name__,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return Outcome(result, outbox, actor_incomplete=not me.timezone)

    async def deliver(
        self, platform: str, community: str, outbox: Outbox
    ) -> list[tuple[Outbound, DeliveryError]]:
        """Send what a command produced, at once; the failures come back to tell the
        member (the rows wait for the dispatcher's retries)."""
        if outbox.keys and platform not in self.messengers:
            log.warning("no messenger for platform", extra={"platform": platform})
            return []
        sender = Dispatcher(self.units, self.clock, self.config, dict(self.messengers))
        failures = await sender.send_now(outbox.keys)
        # Then the prompts due at once: a kicked pass would otherwise race us for these rows.
        if outbox.prompts_due and self.prompts_due is not None:
            self.prompts_due()
        for _, error in failures:
            log.warning(
                "delivery failed",
                extra={"reason": error.reason, "platform": platform, "community": community},
            )
        return failures

    # --- the member list -----------------------------------------------------------------

    async def import_members(
        self,
        actor: Actor,
        load: Callable[[], Awaitable[bytes]],
        lookup: MemberLookup,
        *,
        dry_run: bool = False,
        progress: Progress | None = None,
        answer_by_dm: bool = False,
    ) -> Reply:
        """`/networker import` with a file: checked like any command (organisers only), then
        the file is loaded and imported in chunks of their own; look-ups hold no transaction.
        The summary is the answer; the consent DMs wait for each member's contact window.

        `answer_by_dm`: the platform has no reply to give it in (a file shared in a DM on
        Slack): it goes as a DM, kept as a row first like every message a command makes."""
        result = await self._import_members(actor, load, lookup, dry_run, progress)
        if answer_by_dm and result is not DATABASE_AWAY:
            await self.dm_actor(actor, result)
        return result

    async def _import_members(
        self,
        actor: Actor,
        load: Callable[[], Awaitable[bytes]],
        lookup: MemberLookup,
        dry_run: bool,
        progress: Progress | None,
    ) -> Reply:
        checked = await self.execute(actor, ImportMembers(dry_run=dry_run))
        if checked.reply is None or not checked.reply.ok:
            return checked.reply or UNKNOWN_BUTTON
        try:
            summary = await member_import.import_members(
                self.units,
                actor.platform,
                actor.community,
                await load(),
                lookup,
                self.clock.now,
                self.config,
                dry_run=dry_run,
                progress=progress,
            )
        except UserError as error:
            return reply(error.message, *filter(None, [error.hint]), ok=False)
        except DatabaseUnavailable:
            return DATABASE_AWAY
        if summary.invited and not dry_run and self.prompts_due is not None:
            self.prompts_due()
        lines = summary.lines(limit=MEMBER_IMPORT_PROBLEMS_SHOWN)
        if summary.problems:
            lines.append("Fix those rows and import the file again: rows already in are kept.")
        return reply(*lines)

    async def dm_actor(self, actor: Actor, answer: Reply) -> None:
        """An answer that can only go as a DM to the member who acted: a row first (the
        durable outbox), then sent at once; the dispatcher retries it if that fails."""
        outbox = Outbox()
        outbox.dm(actor.user.user_id, answer.message)
        try:
            async with self.units() as uow:
                community = await uow.communities.by_external_id(actor.platform, actor.community)
                if community is None or community.id is None:
                    return
                now = self.clock.now()
                me = await member_for(uow, community, actor.user, now, self.config)
                assert me.id is not None
                outbox.keys = await message.keep(uow, community.id, me.id, outbox.items, now)
                await uow.commit()
        except DatabaseUnavailable:
            return
        await self.deliver(actor.platform, actor.community, outbox)

    # --- vocabulary cache ---------------------------------------------------------------


def with_delivery_note(
    result: Reply, failures: list[tuple[Outbound, DeliveryError]], platform: str
) -> Reply:
    """Nothing is lost: the record is saved, and the member learns what has not arrived
    yet (it is retried) or could not be delivered at all."""
    notes = []
    for item, error in failures:
        if isinstance(item, DirectMessage):
            who: tuple[str | Mention, ...] = (Mention(item.recipient, item.recipient),)
        elif isinstance(item, GroupConversation):
            who = ("the new conversation",)
        else:
            who = (item.channel,)
        if error.permanent:
            said = line(
                "⚠ I couldn't deliver a message to ",
                *who,
                f" just now ({error.reason}). Everything is saved; "
                "/networker me shows what is waiting.",
            )
        else:
            said = line(
                "⚠ A message to ",
                *who,
                f" is on its way: {platform.capitalize()} didn't accept it just now "
                f"({error.reason}); I'll keep trying. /networker me shows what's waiting.",
            )
        notes.append(Section(text=said))
    return replace(
        result, message=replace(result.message, sections=(*result.message.sections, *notes))
    )
