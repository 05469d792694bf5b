"""Migrations: a fresh database upgrades to head, goes down to base and up again, and
the migrated schema is exactly what bot/store/tables.py describes."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.migrate import SLACK_SDK_TABLES, alembic_config, include_object, upgrade
from bot.store.tables import metadata
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.fakes import FakeClock, FakeMessenger

POSTGRES_URL = os.environ.get("NETWORKER_TEST_POSTGRES_URL")
# Alembic says so itself for the hand-written expression index, which is checked below.
pytestmark = pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index:UserWarning"
)


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tests need NETWORKER_TEST_POSTGRES_URL (`.ci/run` sets it)")
    name = f"networker_migr_{uuid.uuid4().hex[:8]}"
    admin = POSTGRES_URL

    async def run(sql: str) -> None:
        engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE "{name}" WITH (FORCE)'))


def inspect_db(url: str, fn: Any) -> Any:
    """Run fn(sync_connection) against the database and return its result."""

    async def go() -> Any:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def schema_diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"include_object": include_object, "compare_type": True}
    )
    return list(compare_metadata(context, metadata))


def table_names(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def index_sql(conn: Connection, name: str) -> str:
    if conn.dialect.name == "sqlite":
        sql = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"), {"n": name}
        ).scalar()
    else:
        sql = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": name}
        ).scalar()
    assert sql, f"index {name} is missing"
    return " ".join(str(sql).split())


def revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


HEAD = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://")).get_current_head()


def check_head_schema(url: str) -> None:
    assert inspect_db(url, table_names) == {t.name for t in metadata.sorted_tables} | {
        "alembic_version",
        *SLACK_SDK_TABLES,
    }
    assert inspect_db(url, schema_diff) == []
    assert inspect_db(url, revision) == HEAD

    search = inspect_db(url, lambda conn: index_sql(conn, "ix_member_topics_search")).lower()
    assert "member_topics" in search
    assert "(community_id, topic, score desc, last_request_at)" in search

    open_pair = inspect_db(url, lambda conn: index_sql(conn, "uq_connections_open_pair")).lower()
    assert "unique" in open_pair
    assert "where" in open_pair
    assert "draft" in open_pair and "pending" in open_pair


def test_upgrade_to_head_builds_the_schema_of_tables_py(fresh_url: str) -> None:
    upgrade(fresh_url)
    check_head_schema(fresh_url)


def test_upgrading_twice_is_harmless(fresh_url: str) -> None:
    upgrade(fresh_url)
    upgrade(fresh_url)
    check_head_schema(fresh_url)


def test_downgrade_to_base_and_up_again(fresh_url: str) -> None:
    upgrade(fresh_url)
    command.downgrade(alembic_config(fresh_url), "base")
    assert inspect_db(fresh_url, table_names) <= {"alembic_version"}
    assert inspect_db(fresh_url, revision) is None
    assert inspect_db(fresh_url, schema_diff)  # the comparison does notice missing tables
    upgrade(fresh_url)
    check_head_schema(fresh_url)


def test_the_bot_works_on_a_freshly_migrated_database(fresh_url: str) -> None:
    upgrade(fresh_url)

    async def use() -> list[str]:
        engine = make_engine(fresh_url)
        messenger = FakeMessenger()
        config = Settings(database_url=fresh_url, _env_file=None)  # type: ignore[call-arg]
        app = Networker(SqlUnitOfWorkFactory(engine), FakeClock(), config, {"test": messenger})
        try:
            await app.register_community("test", "T1", "Fresh")
            ana = c.Actor("test", "T1", c.MemberRef("U-ana", "Ana"))
            dana = c.Actor("test", "T1", c.MemberRef("U-dana", "Dana"))
            await app.handle(ana, c.EditProfile(text='skills="python:expert"'))
            found = await app.handle(dana, c.WhoKnows("python"))
            assert found is not None
            return [line for line in found.text.splitlines() if line.startswith("@")]
        finally:
            await engine.dispose()

    assert asyncio.run(use()) == ["@Ana"]


def test_the_open_pair_index_stops_two_open_intros_of_one_pair(fresh_url: str) -> None:
    """The race guard behind "one open intro per pair", enforced by the database itself."""
    upgrade(fresh_url)
    now = "2026-03-02 10:00:00"

    def insert(conn: Connection, state: str) -> None:
        conn.execute(
            text(
                "INSERT INTO connections (community_id, kind, initiator_id, party_a_id, "
                "party_b_id, pair_low, pair_high, reason, state, consent_a, consent_b, "
                "note_a, note_b, created_at, updated_at) VALUES (1, 'intro', 3, 1, 2, 1, 2, "
                f"'r', :state, 'pending', 'pending', '', '', '{now}', '{now}')"
            ),
            {"state": state},
        )

    def scenario(conn: Connection) -> list[str]:
        conn.execute(
            text(
                "INSERT INTO communities (id, platform, external_id, name, settings, created_at)"
                f" VALUES (1, 'test', 'T1', 'T', '{{}}', '{now}')"
            )
        )
        for i in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO members (id, community_id, platform_user_id, display_name, "
                    "skills, can_help_with, looking_for, bio, availability, capacity, "
                    "discoverable, is_organiser, paused, forgotten, created_at) VALUES "
                    f"({i}, 1, 'U{i}', 'M{i}', '{{}}', '', '', '', 'open', 4, true, false, "
                    f"false, false, '{now}')"
                )
            )
        insert(conn, "declined")
        insert(conn, "declined")  # closed ones may repeat
        insert(conn, "pending")
        outcomes = []
        for state in ("pending", "draft"):
            nested = conn.begin_nested()
            try:
                insert(conn, state)
                outcomes.append("allowed")
                nested.commit()
            except Exception:
                outcomes.append("refused")
                nested.rollback()
        conn.rollback()
        return outcomes

    assert inspect_db(fresh_url, scenario) == ["refused", "refused"]


def test_upgrading_to_prompts_plans_a_first_digest_for_members_with_topics(
    fresh_url: str,
) -> None:
    """Profiles made before weekly digests existed get one: the chain starts at upgrade."""
    command.upgrade(alembic_config(fresh_url), "0002")
    now = "2026-03-02 10:00:00"

    def members_before(conn: Connection) -> None:
        conn.execute(
            text(
                "INSERT INTO communities (id, platform, external_id, name, settings, created_at)"
                f" VALUES (1, 'test', 'T1', 'T', '{{}}', '{now}')"
            )
        )
        for i, name in ((1, "ana"), (2, "bob"), (3, "cy")):
            conn.execute(
                text(
                    "INSERT INTO members (id, community_id, platform_user_id, display_name, "
                    "skills, can_help_with, looking_for, bio, availability, capacity, "
                    "discoverable, is_organiser, paused, forgotten, created_at) VALUES "
                    f"({i}, 1, 'U-{name}', '{name}', '{{}}', '', '', '', 'open', 4, true, "
                    f"false, false, {'true' if name == 'cy' else 'false'}, '{now}')"
                )
            )
        for member in (1, 3):  # ana lists a topic; cy too, but cy was forgotten
            conn.execute(
                text(
                    "INSERT INTO member_topics (member_id, topic, community_id, level, evidence,"
                    f" score, listed, last_request_at) VALUES ({member}, 'python', 1, 2, 0, 20,"
                    f" true, '{now}')"
                )
            )
        conn.commit()

    inspect_db(fresh_url, members_before)
    upgrade(fresh_url)

    def digests(conn: Connection) -> list[tuple[Any, ...]]:
        rows = conn.execute(
            text("SELECT recipient_id, kind, state, dedupe_key, attempts FROM prompts ORDER BY id")
        )
        return [tuple(row) for row in rows]

    assert inspect_db(fresh_url, digests) == [(1, "giver_digest", "pending", "giver:1:first", 0)]

    # The dispatcher takes it from there: nothing was asked, so no DM; next week's is planned.
    today = datetime.now(UTC).date()
    monday = today + timedelta(days=7 - today.weekday())

    async def dispatch() -> None:
        engine = make_engine(fresh_url)
        config = Settings(database_url=fresh_url, _env_file=None)  # type: ignore[call-arg]
        clock = FakeClock(datetime.combine(monday, time(10), UTC))
        try:
            await Dispatcher(
                SqlUnitOfWorkFactory(engine), clock, config, {"test": FakeMessenger()}
            ).run_due()
        finally:
            await engine.dispose()

    asyncio.run(dispatch())
    year, week, _ = (monday + timedelta(days=7)).isocalendar()
    assert inspect_db(fresh_url, digests) == [
        (1, "giver_digest", "cancelled", "giver:1:first", 0),
        (1, "giver_digest", "pending", f"giver:1:{year}-{week:02d}", 0),
    ]


def test_upgrading_folds_accents_in_the_search_index(fresh_url: str) -> None:
    """Keys indexed before accents were folded are found by the folded queries after."""
    command.upgrade(alembic_config(fresh_url), "0003")
    now = "2026-03-02 10:00:00"

    def indexed_before(conn: Connection) -> None:
        conn.execute(
            text(
                "INSERT INTO communities (id, platform, external_id, name, settings, created_at)"
                f" VALUES (1, 'test', 'T1', 'T', '{{}}', '{now}')"
            )
        )
        for i in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO members (id, community_id, platform_user_id, display_name, "
                    "skills, can_help_with, looking_for, bio, availability, capacity, "
                    "discoverable, is_organiser, paused, forgotten, created_at) VALUES "
                    f"({i}, 1, 'U-{i}', 'm{i}', '{{}}', '', '', '', 'open', 4, true, "
                    f"false, false, false, '{now}')"
                )
            )
        # member 1 has both spellings (merged into one row); member 2 only the accented one
        for member, topic in ((1, "café"), (1, "cafe"), (2, "café"), (2, "münchen")):
            conn.execute(
                text(
                    "INSERT INTO member_topics (member_id, topic, community_id, level, evidence,"
                    f" score, listed, last_request_at) VALUES ({member}, '{topic}', 1, 2, 0, 30,"
                    f" true, '{now}')"
                )
            )
        for topic, count in (("café", 2), ("cafe", 1), ("münchen", 1)):
            conn.execute(
                text(
                    "INSERT INTO community_topics (community_id, topic, label, members) VALUES"
                    f" (1, '{topic}', '{topic}', {count})"
                )
            )
        conn.commit()

    inspect_db(fresh_url, indexed_before)
    upgrade(fresh_url)

    def after(conn: Connection) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        index = conn.execute(text("SELECT member_id, topic FROM member_topics ORDER BY 1, 2"))
        counts = conn.execute(text("SELECT topic, members FROM community_topics ORDER BY 1"))
        return [tuple(r) for r in index], [tuple(r) for r in counts]

    index, counts = inspect_db(fresh_url, after)
    assert index == [(1, "cafe"), (2, "cafe"), (2, "munchen")]
    assert counts == [("cafe", 2), ("munchen", 1)]  # member 1 counted once
