"""Fixtures shared by the use-case tests of prompts and timing."""

from __future__ import annotations

import pytest

from bot.prompts.dispatcher import Dispatcher
from bot.services.app import Networker
from tests.fakes import FakeClock
from tests.integration.prompt_time import Run


@pytest.fixture
def run(app: Networker, clock: FakeClock) -> Run:
    """One dispatcher pass over everything due now."""
    return Dispatcher(app.units, clock, app.config, app.messengers).run_due
