"""Browser tests: Playwright for Python driving Debian's Chromium (`apt-get install -y
chromium`); skipped, with the reason, where either is missing. Screenshots go to
test-artifacts/ (or NETWORKER_TEST_ARTIFACTS)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NETWORKER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(
    os.environ.get("NETWORKER_TEST_ARTIFACTS")
    or Path(__file__).resolve().parents[2] / "test-artifacts"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        reason = "browser tests need playwright (pip install -e '.[test]')"
    if reason is None and not Path(CHROMIUM).exists():
        reason = "browser tests need Chromium: apt-get install -y chromium (.ci/run does)"
    if reason is None:
        return
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def artifacts() -> Path:
    path = ARTIFACTS / "dashboard"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        found = await p.chromium.launch(
            executable_path=CHROMIUM,
            # Root in a container has no user namespaces for Chromium's sandbox.
            args=["--no-sandbox"] if os.geteuid() == 0 else [],
        )
        yield found
        await found.close()
