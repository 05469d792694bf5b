"""Shared fixtures: every database test runs on SQLite and, when configured, PostgreSQL.

PostgreSQL tests need NETWORKER_TEST_POSTGRES_URL (e.g.
postgresql+asyncpg://postgres@127.0.0.1:5432/test); `.ci/run` sets it. Without it they
are reported as skipped, with that reason.

Use-case tests marked `fake_store_too` also run on the in-memory store (tests/fake_store.py),
without a database: `pytest -k memory` runs just those.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.services.app import Networker
from bot.store.migrate import upgrade
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.database import fresh_engine
from tests.driver import Community
from tests.fake_store import FakeStore
from tests.fakes import FakeClock, FakeMessenger

POSTGRES_URL = os.environ.get("NETWORKER_TEST_POSTGRES_URL")
SKIP_PG = "PostgreSQL tests need NETWORKER_TEST_POSTGRES_URL (`.ci/run` sets it)"
IN_MEMORY = "memory"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite", "postgres"]
        if metafunc.definition.get_closest_marker("fake_store_too"):
            backends.insert(0, IN_MEMORY)
        metafunc.parametrize("backend", backends, indirect=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test: migrations run once."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A scratch PostgreSQL database for this test session, migrated once."""
    if not POSTGRES_URL:
        pytest.skip(SKIP_PG)
    import asyncio

    name = f"networker_test_{uuid.uuid4().hex[:8]}"
    admin_url = POSTGRES_URL

    async def run(sql: str) -> None:
        engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text(sql))
        await engine.dispose()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    asyncio.run(run(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Where the test's data lives: sqlite, postgres or (marked tests only) memory."""
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    assert backend != IN_MEMORY, "this test needs a database"
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "networker.db"
        shutil.copy(template, path)
        return f"sqlite+aiosqlite:///{path}"
    return str(request.getfixturevalue("postgres_database"))


@pytest.fixture
def app_db_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """The database behind the `app` fixture; None on the in-memory store."""
    return None if backend == IN_MEMORY else str(request.getfixturevalue("db_url"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger() -> FakeMessenger:
    return FakeMessenger()


@pytest.fixture
def config() -> Settings:
    return Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def app(
    app_db_url: str | None, clock: FakeClock, messenger: FakeMessenger, config: Settings
) -> AsyncIterator[Networker]:
    if app_db_url is None:
        yield Networker(FakeStore(), clock, config, {"test": messenger})
        return
    engine = await fresh_engine(app_db_url)
    yield Networker(SqlUnitOfWorkFactory(engine), clock, config, {"test": messenger})
    await engine.dispose()


@pytest.fixture
async def community(app: Networker, messenger: FakeMessenger) -> Community:
    await app.register_community("test", "T1", "Test Association")
    return Community(app, messenger, "T1")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for the PostgreSQL tests that did not run, instead of one per test."""
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(1 for report in skipped if SKIP_PG in str(report.longrepr))
    if count:
        terminalreporter.write_line(f"{count} PostgreSQL tests skipped: {SKIP_PG}")
