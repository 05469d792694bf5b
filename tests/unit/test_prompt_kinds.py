"""Each prompt kind is declared once, in bot/prompts/kinds/: nothing may half-declare one."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.config import Settings
from bot.domain.prompts import PromptKind
from bot.prompts.kinds import DECLARED, KIND_LABELS, PROMPT_KINDS, SWITCHABLE
from bot.prompts.kinds.consent import REMINDER
from bot.prompts.spec import PromptKindSpec, Rhythm
from bot.services import commands as c
from bot.services.app import Networker
from bot.services.registry import REGISTRY
from tests.driver import Community
from tests.fake_store import FakeStore
from tests.fakes import FakeClock, FakeMessenger


def test_every_kind_has_exactly_one_declaration() -> None:
    assert Counter(spec.kind for spec in DECLARED) == Counter(list(PromptKind))
    assert set(PROMPT_KINDS) == set(PromptKind)


def test_dedupe_keys_of_two_kinds_never_collide() -> None:
    prefixes = [spec.key.partition(":")[0] for spec in DECLARED]
    assert len(set(prefixes)) == len(prefixes), prefixes


def test_only_a_kind_that_recurs_plans_its_next_one() -> None:
    for spec in DECLARED:
        assert (spec.rhythm is Rhythm.ONCE) == (spec.plan_next is None), spec.kind
    with pytest.raises(ValueError, match="recurs"):
        PromptKindSpec(
            PromptKind.GIVER_DIGEST, None, REMINDER.about, "x", REMINDER.render, Rhythm.WEEKLY
        )


def test_the_prompts_command_offers_every_switchable_kind() -> None:
    spec = REGISTRY.find(["networker", "prompts"])
    assert spec is not None
    [kind] = [arg for arg in spec.args if arg.name == "kind"]
    assert [value for value, _ in kind.choices] == [k.value for k in SWITCHABLE]


async def test_every_switchable_kind_is_listed_and_switched_off_by_members_and_organisers() -> None:
    config = Settings(database_url="sqlite+aiosqlite://", _env_file=None)  # type: ignore[call-arg]
    messenger = FakeMessenger()
    app = Networker(FakeStore(), FakeClock(), config, {"test": messenger})
    await app.register_community("test", "T1", "Test Association")
    community = Community(app, messenger, "T1")
    ana, olga = community.member("ana"), community.member("olga", organiser=True)

    listed = (await ana.do(c.PromptSwitch())).text
    for kind in SWITCHABLE:
        assert f"{kind.value}: on · {KIND_LABELS[kind]}" in listed, kind
    for kind in SWITCHABLE:
        switched = await ana.do(c.PromptSwitch(kind.value, on=False))
        assert switched.ok and f"Saved: {kind.value} is off." in switched.text
    every = ",".join(k.value for k in SWITCHABLE)
    assert (await olga.settings("prompts_off", every)).ok
    listed = (await ana.do(c.PromptSwitch())).text
    assert listed.count("off for the community") == len(SWITCHABLE)

    for kind in set(PromptKind) - set(SWITCHABLE):
        assert f"\n{kind.value}:" not in listed
        assert not (await ana.do(c.PromptSwitch(kind.value, on=False))).ok
        assert not (await olga.settings("prompts_off", kind.value)).ok
