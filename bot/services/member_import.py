"""Importing the association's member list, the member's answer, and the directory export.

An import reads the whole file first (bot.domain.member_import), asks the platform who
each row names (a `MemberLookup`: Slack by email, Discord among the guild's members,
the console by name) outside any transaction, then applies the rows in chunks, each
chunk one unit of work. Every row is checked before anything is written, so each row
is applied whole or not at all. Imported members stay hidden until they agree.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.actions import Action
from bot.config import Settings
from bot.domain.errors import UserError
from bot.domain.member_import import (
    COLUMN_LABELS,
    FIELDS,
    Consent,
    Identity,
    ImportRecord,
    ImportRow,
    Problem,
    apply_row,
    iter_chunks,
    mark_own,
    read_table,
    skills_text,
    write_csv,
)
from bot.domain.members import Community, Member, MemberSnapshot
from bot.messages import Reply, reply
from bot.prompts.kinds.import_consent import IMPORT_CONSENT
from bot.services.caches import Caches
from bot.services.commands import ExportDirectory, ImportMembers, MemberRef, Press
from bot.services.context import Context
from bot.services.indexing import refresh_load, reindex, topic_entries
from bot.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

CHUNK = 500  # rows per transaction: short write locks, few round trips
LOOKUPS_AT_ONCE = 8  # the platform adapter paces itself within its rate limits


class LookupRefused(Exception):
    """The platform can't find members this way (e.g. Discord by email)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MemberLookup(Protocol):
    """The platform's members a row names: none, one, or several (ambiguous)."""

    async def find(self, who: Identity) -> list[MemberRef]: ...


class KnownMembers:
    """The console's look-up: members already known here, by id or name (any case)."""

    def __init__(self, units: UnitOfWorkFactory, platform: str, community: str) -> None:
        self.units, self.platform, self.community = units, platform, community
        self._members: dict[str, list[MemberRef]] | None = None

    async def find(self, who: Identity) -> list[MemberRef]:
        if not (who.user_id or who.username):
            raise LookupRefused("the console finds members by name or id, not by email")
        if self._members is None:
            self._members = await self._load()
        key = (who.user_id or who.username).casefold()
        return self._members.get(key, [])

    async def _load(self) -> dict[str, list[MemberRef]]:
        found: dict[str, list[MemberRef]] = {}
        async with self.units(write=False) as uow:
            community = await uow.communities.by_external_id(self.platform, self.community)
            if community is None or community.id is None:
                return found
            for member in await uow.members.named(community.id, "", limit=1_000_000):
                ref = MemberRef(member.platform_user_id, member.display_name, member.timezone)
                keys = {member.platform_user_id.casefold(), member.display_name.casefold()}
                for key in keys:
                    found.setdefault(key, []).append(ref)
        return found


# (phase, done, total): phase is "finding members" or "applying".
Progress = Callable[[str, int, int], Awaitable[None] | None]


@dataclass
class Summary:
    rows: int = 0  # data rows read
    matched: int = 0
    new: int = 0  # members imported for the first time
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    dry_run: bool = False
    invited: int = 0  # members who will be asked to agree
    seconds_reading: float = 0.0
    seconds_finding: float = 0.0  # the platform's look-ups
    seconds_applying: float = 0.0

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems if p.row})

    def headline(self) -> str:
        verb = "Checked (dry run, nothing was changed)" if self.dry_run else "Imported"
        return (
            f"{verb}: {self.rows:,} rows · {self.matched:,} matched · {self.new:,} new · "
            f"{self.updated:,} updated · {self.unchanged:,} unchanged · "
            f"{self.rejected:,} rejected"
        )

    def lines(self, limit: int | None = None) -> list[str]:
        out = [self.headline()]
        if self.ignored_columns:
            out.append("Columns ignored: " + ", ".join(self.ignored_columns))
        if self.invited and not self.dry_run:
            out.append(
                f"{self.invited:,} members will get one DM in their contact window asking to "
                "show their profile; until they agree, nobody can find them."
            )
        elif self.invited:
            out.append(f"{self.invited:,} members would be asked to agree to be shown.")
        shown = self.problems if limit is None else self.problems[:limit]
        out += [f"  {p}" for p in shown]
        if len(shown) < len(self.problems):
            out.append(f"  … and {len(self.problems) - len(shown):,} more problems")
        return out

    def problems_csv(self) -> str:
        return write_csv(
            ("row", "column", "reason"), ((p.row, p.column, p.reason) for p in self.problems)
        )


@dataclass(frozen=True)
class Match:
    row: ImportRow
    ref: MemberRef


async def import_members(
    units: UnitOfWorkFactory,
    platform: str,
    community: str,
    data: bytes,
    lookup: MemberLookup,
    now: Callable[[], datetime],
    config: Settings,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    chunk: int = CHUNK,
) -> Summary:
    """Read, match and apply a member list; UserError when the file can't be read."""
    started = time.perf_counter()
    table = read_table(data)
    summary = Summary(
        rows=table.total,
        problems=list(table.problems),
        ignored_columns=table.ignored,
        dry_run=dry_run,
    )
    summary.seconds_reading = time.perf_counter() - started
    started = time.perf_counter()
    matches = await find_members(table.rows, lookup, summary, platform, progress)
    summary.seconds_finding = time.perf_counter() - started
    started = time.perf_counter()
    done = 0
    for rows in iter_chunks(matches, chunk):
        async with units() as uow:
            found = await uow.communities.by_external_id(platform, community)
            if found is None or found.id is None:
                raise UserError(f"No {platform} community {community} is set up here.")
            await apply_chunk(uow, found, config, now(), rows, summary)
            if not dry_run:
                await uow.commit()
        done += len(rows)
        await _tell(progress, "applying", done, len(matches))
    summary.problems.sort(key=lambda p: (p.row, p.column))
    summary.seconds_applying = time.perf_counter() - started
    return summary


async def _tell(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None:
        result = progress(phase, done, total)
        if result is not None:
            await result


async def find_members(
    rows: Sequence[ImportRow],
    lookup: MemberLookup,
    summary: Summary,
    platform: str,
    progress: Progress | None = None,
) -> list[Match]:
    """Who each row names; rows naming nobody, several people, or someone another row
    named already are problems."""
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)
    done = 0

    async def one(row: ImportRow) -> list[MemberRef] | str:
        nonlocal done
        async with gate:
            try:
                found = await lookup.find(row.who)
            except LookupRefused as refused:
                found_or_reason: list[MemberRef] | str = refused.reason
            else:
                found_or_reason = found
        done += 1
        if done % 100 == 0 or done == len(rows):
            await _tell(progress, "finding members", done, len(rows))
        return found_or_reason

    results = []
    for batch in iter_chunks(rows, 1000):  # bounded tasks in flight
        results += await asyncio.gather(*(one(row) for row in batch))
    matches: list[Match] = []
    first_row: dict[str, int] = {}
    for row, result in zip(rows, results, strict=True):
        column = _identity_column(row.who)
        if isinstance(result, str):
            summary.problems.append(Problem(row.number, column, result))
            continue
        unique = list({ref.user_id: ref for ref in result}.values())
        if not unique:
            summary.problems.append(
                Problem(row.number, column, f"matches no member on {platform.capitalize()}")
            )
        elif len(unique) > 1:
            names = ", ".join(ref.display_name or ref.user_id for ref in unique[:5])
            summary.problems.append(
                Problem(row.number, column, f"matches {len(unique)} members ({names})")
            )
        else:
            ref = unique[0]
            earlier = first_row.setdefault(ref.user_id, row.number)
            if earlier != row.number:
                summary.problems.append(
                    Problem(row.number, column, f"the same member as row {earlier}")
                )
                continue
            matches.append(Match(row, ref))
    summary.matched = len(matches)
    return matches


def _identity_column(who: Identity) -> str:
    for name in ("user_id", "email", "username"):
        if getattr(who, name):
            return COLUMN_LABELS[name]
    return ""


async def apply_chunk(
    uow: UnitOfWork,
    community: Community,
    config: Settings,
    now: datetime,
    rows: Sequence[Match],
    summary: Summary,
) -> None:
    assert community.id is not None
    await uow.imports.bulk()
    existing = await uow.members.by_platform_ids(community.id, (m.ref.user_id for m in rows))
    records = await uow.imports.many(m.id for m in existing.values() if m.id is not None)
    capacity = int(community.settings.get("default_capacity", config.default_capacity))
    created: list[MemberSnapshot] = []
    first_records: list[ImportRecord] = []
    hidden_now: list[Member] = []  # known before, hidden from now on until they agree
    vocabulary = None
    for match in rows:
        member = existing.get(match.ref.user_id)
        if member is None:  # new here: written in one statement after the loop
            fresh = MemberSnapshot(
                community_id=community.id,
                platform_user_id=match.ref.user_id,
                display_name=(match.ref.display_name.strip() or match.ref.user_id)[:80],
                capacity=capacity,
                timezone=match.ref.timezone,
                discoverable=False,  # imported: hidden until they agree
                created_at=now,
            )
            record = ImportRecord(0, community.id, imported_at=now)
            apply_row(fresh, record, match.row.values)
            created.append(fresh)
            first_records.append(record)
            summary.new += 1
            continue
        assert member.id is not None
        if member.forgotten:
            summary.problems.append(
                Problem(match.row.number, "", "this member asked to be forgotten")
            )
            summary.matched -= 1
            continue
        known = records.get(member.id)
        first = known is None
        record = known or ImportRecord(member.id, community.id, imported_at=now)
        changed = apply_row(member, record, match.row.values)
        if first and changed:
            summary.new += 1
            first_records.append(record)
            if member.discoverable:
                member.discoverable = False
                hidden_now.append(member)
            continue
        if not changed:
            summary.unchanged += 1
            continue
        summary.updated += 1
        record.imported_at = now
        if member.discoverable and {"skills", "can_help_with"} & set(changed):
            if vocabulary is None:
                vocabulary = await Caches().vocabulary(uow, community.id)
            evidence = await uow.thanks.evidence(member.id)
            await uow.index.rebuild_member(member, topic_entries(member, vocabulary), evidence)
    if created:
        await uow.members.add_many(created)
        for snapshot, record in zip(created, first_records, strict=False):
            assert snapshot.id is not None
            record.member_id = snapshot.id
    await uow.imports.add_many(first_records)
    for member in hidden_now:
        await uow.index.refresh_flags(member)
    await uow.prompts.schedule_many(
        community_id=community.id,
        kind=IMPORT_CONSENT.kind.value,
        due_at=now,
        now=now,
        rows=[
            (IMPORT_CONSENT.dedupe_key(recipient=r.member_id), r.member_id, None, {})
            for r in first_records
        ],
    )
    summary.invited += len(first_records)


async def import_help(_ctx: Context, _cmd: ImportMembers) -> Reply:
    """`/networker import` reached the core: the file goes through `Networker.import_members`
    (the look-ups must not hold a transaction open), so this only explains."""
    return reply(
        "Attach the member list as a CSV file: on Discord as the command's file option, "
        "on Slack by sharing the file with me in a direct message (add “dry run” to its "
        "message to check it without changing anything); on the command line, "
        "networker import members.csv [--dry-run].",
        "Columns, by header: email, platform user id or username; skills (e.g. "
        "python:expert; grant writing), can help with, looking for, chapter, time zone, "
        "contact window, bio. Imported members stay hidden until each one agrees.",
    )


# --- the member's answer -----------------------------------------------------------------


async def answer(ctx: Context, cmd: Press) -> Reply:
    """ "Looks right: show me" or "Keep me hidden" under the import's DM."""
    me = ctx.me
    assert me.id is not None
    record = (await ctx.uow.imports.many([me.id])).get(me.id)
    if record is None:
        return reply("There is no imported profile of yours to confirm.", ok=False)
    record.answered_at = ctx.now
    if cmd.action == Action.IMPORT_SHOW:
        record.consent = Consent.AGREED.value
        me.discoverable = True
        await reindex(ctx, me)
        await refresh_load(ctx, me)
        if me.skills or me.can_help_with:
            await ctx.prompts.giver_digest(me)
        return reply(
            "Thanks! Your profile is shown now: members who need what you know can find you.",
            "Change anything with /profile, or hide it again with /profile discoverable=no.",
        )
    record.consent = Consent.HIDDEN.value
    me.discoverable = False
    await refresh_load(ctx, me)
    return reply(
        "Done: your profile stays hidden; nobody finds you in /whoknows.",
        "If you change your mind: /profile discoverable=yes.",
    )


async def member_edited(ctx: Context, member: Member, before: dict[str, object]) -> None:
    """A member changed their own profile: the fields they changed are theirs, and making
    themselves discoverable is their agreement."""
    assert member.id is not None
    record = (await ctx.uow.imports.many([member.id])).get(member.id)
    if record is None:
        return
    mark_own(record, [name for name in FIELDS if getattr(member, name) != before.get(name)])
    if member.discoverable and not before.get("discoverable"):
        if record.consent != Consent.AGREED:
            record.consent, record.answered_at = Consent.AGREED.value, ctx.now
        await reindex(ctx, member)  # an imported profile was kept out of the index


async def awaiting_answer(ctx: Context, member: Member) -> bool:
    """Imported, and the member has not said yet whether to be shown."""
    assert member.id is not None
    record = (await ctx.uow.imports.many([member.id])).get(member.id)
    return record is not None and record.consent == Consent.PENDING


def snapshot(member: Member) -> dict[str, object]:
    return {name: getattr(member, name) for name in (*FIELDS, "discoverable")}


# --- the directory, the other way --------------------------------------------------------

# What members see of each other's profiles; the contact window stays the member's own.
DIRECTORY_FIELDS = tuple(f for f in FIELDS if f != "contact_window")
DIRECTORY_COLUMNS = (
    "username",
    "platform user id",
    *(COLUMN_LABELS[f] for f in DIRECTORY_FIELDS),
)


async def directory_csv(uow: UnitOfWork, community_id: int) -> tuple[str, int]:
    """Members who chose to be found, as CSV that spreadsheets open safely."""
    members = await uow.members.directory(community_id)
    rows = (
        (
            m.display_name,
            m.platform_user_id,
            *(
                skills_text(m.skills) if name == "skills" else getattr(m, name) or ""
                for name in DIRECTORY_FIELDS
            ),
        )
        for m in members
    )
    return write_csv(DIRECTORY_COLUMNS, rows), len(members)


async def export_directory(ctx: Context, _cmd: ExportDirectory) -> Reply:
    text, count = await directory_csv(ctx.uow, ctx.community_id)
    if not count:
        return reply("Nobody has chosen to be shown yet, so the directory is empty.")
    return reply(
        f"The member directory: {count:,} members who chose to be found, as CSV "
        "(save it as directory.csv):",
        text,
    )
