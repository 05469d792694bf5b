"""The SQLAlchemy store and the in-memory fake offer exactly what the core's protocols say.

mypy checks the SQLAlchemy side where the composition root hands it to the core; the
fake lives in the tests, which mypy does not check. Both are held to the same method
names and parameters here, so neither can drift: a method the protocol lacks is one no
use case calls (dead, or reaching past the boundary), and the fake cannot go stale.
"""

from __future__ import annotations

import inspect

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.services import unit_of_work as ports
from bot.store.dashboard import Dashboard
from bot.store.pairing import Pairings
from bot.store.prompt_rows import Prompts
from bot.store.repositories import (
    Communities,
    Connections,
    Imports,
    Members,
    ProcessedEvents,
    ThanksLog,
)
from bot.store.search_index import SearchIndex
from bot.store.unit_of_work import SqlUnitOfWork
from tests import fake_store as fake

# (the unit of work's attribute, its protocol, the store's class, the fake's class)
REPOSITORIES = [
    ("communities", ports.CommunityRepository, Communities, fake.FakeCommunities),
    ("members", ports.MemberRepository, Members, fake.FakeMembers),
    ("connections", ports.ConnectionRepository, Connections, fake.FakeConnections),
    ("thanks", ports.ThanksRepository, ThanksLog, fake.FakeThanks),
    ("index", ports.SearchIndexRepository, SearchIndex, fake.FakeSearchIndex),
    ("events", ports.ProcessedEventRepository, ProcessedEvents, fake.FakeEvents),
    ("prompts", ports.PromptRepository, Prompts, fake.FakePrompts),
    ("pairing", ports.PairingRepository, Pairings, fake.FakePairings),
    ("imports", ports.ImportRepository, Imports, fake.FakeImports),
    ("dashboard", ports.DashboardRepository, Dashboard, fake.FakeDashboard),
]


def methods(cls: type, *, dunders: frozenset[str] = frozenset()) -> dict[str, inspect.Signature]:
    """Public methods defined on the class itself, with their signatures."""
    return {
        name: inspect.signature(value)
        for name, value in vars(cls).items()
        if inspect.isfunction(value)
        and (not name.startswith("_") or name in dunders)
        and name != "__init__"
    }


def parameters(signature: inspect.Signature) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults: what a caller relies on."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize(
    ("protocol", "store", "fake_"),
    [r[1:] for r in REPOSITORIES],
    ids=[r[0] for r in REPOSITORIES],
)
def test_both_repositories_offer_exactly_the_protocol(
    protocol: type, store: type, fake_: type
) -> None:
    wanted = methods(protocol)
    for implementation in (store, fake_):
        offered = methods(implementation)
        assert sorted(offered) == sorted(wanted), implementation.__name__
        for name, signature in wanted.items():
            assert parameters(offered[name]) == parameters(signature), (
                f"{implementation.__name__}.{name}"
            )


def test_both_units_of_work_offer_the_protocol() -> None:
    dunders = frozenset({"__aenter__", "__aexit__"})
    wanted = methods(ports.UnitOfWork, dunders=dunders)
    assert set(wanted) == {"__aenter__", "__aexit__", "commit", "ping"}
    attributes = {n for n, v in vars(ports.UnitOfWork).items() if isinstance(v, property)}
    assert attributes == {r[0] for r in REPOSITORIES}
    store_uow = SqlUnitOfWork(async_sessionmaker())  # unbound: nothing connects
    fake_uow = fake.FakeStore()()
    for uow, column in ((store_uow, 2), (fake_uow, 3)):
        offered = methods(type(uow), dunders=dunders)
        assert sorted(offered) == sorted(wanted), type(uow).__name__
        for name, signature in wanted.items():
            assert parameters(offered[name]) == parameters(signature)
        for row in REPOSITORIES:
            assert type(getattr(uow, row[0])) is row[column]


def test_the_fake_store_is_called_like_the_real_factory() -> None:
    assert parameters(inspect.signature(fake.FakeStore.__call__)) == parameters(
        inspect.signature(ports.UnitOfWorkFactory.__call__)
    )
