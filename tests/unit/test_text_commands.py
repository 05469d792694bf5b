"""The one text parser: a command tolerates trailing courtesy, and says exactly which
part it did not understand."""

from __future__ import annotations

import pytest

from adapters.text_commands import parse
from bot.domain.errors import UserError
from bot.services import commands as c
from tests.driver import TEXT_DIALECT


@pytest.mark.parametrize("tail", ["please", "please!", "thanks", "thank you", "now please"])
async def test_trailing_courtesy_is_tolerated(tail: str) -> None:
    assert await parse("networker", f"me {tail}", TEXT_DIALECT) == c.Me()
    assert await parse("/networker", f"pause {tail}", TEXT_DIALECT) == c.Pause(True)


@pytest.mark.parametrize("tail", ["everything", "please show everything", "you"])
async def test_other_trailing_words_are_named(tail: str) -> None:
    with pytest.raises(UserError) as caught:
        await parse("networker", f"me {tail}", TEXT_DIALECT)
    assert caught.value.message == (
        f"/networker me takes nothing more: I didn't understand “{tail}”."
    )
    assert caught.value.hint == "Usage: /networker me"
