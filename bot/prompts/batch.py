"""What one claim of due prompts needs, loaded in a few queries and shared by renderers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.config import Settings
from bot.domain.connections import Connection
from bot.domain.members import Community, Member
from bot.domain.prompts import Prompt, PromptKind, local_date
from bot.prompts.schedule import Schedule
from bot.prompts.spec import About, PromptKindSpec, Verdict
from bot.services.community_settings import timezone_of
from bot.services.unit_of_work import UnitOfWork


@dataclass
class Batch:
    uow: UnitOfWork
    config: Settings
    now: datetime
    kinds: Mapping[PromptKind, PromptKindSpec]
    communities: dict[int, Community]
    members: dict[int, Member] = field(default_factory=dict)
    connections: dict[int, Connection] = field(default_factory=dict)

    def spec(self, prompt: Prompt) -> PromptKindSpec:
        return self.kinds[PromptKind(prompt.kind)]

    async def render(self, prompt: Prompt) -> Verdict:
        return await self.spec(prompt).render(self, prompt)

    def schedule(self, prompt: Prompt) -> Schedule:
        """Plans prompts in the community of this one, in the claim's transaction."""
        return Schedule(self.uow, self.communities[prompt.community_id], self.config, self.now)

    async def load_connections(self, prompts: Iterable[Prompt]) -> None:
        """The connections these prompts are about, unless loaded already (one query)."""
        missing = {
            p.subject_id
            for p in prompts
            if p.subject_id is not None
            and self.spec(p).about is About.CONNECTION
            and p.subject_id not in self.connections
        }
        self.connections.update(await self.uow.connections.many(missing))

    async def people(self, ids: list[int]) -> dict[int, Member]:
        missing = [i for i in ids if i not in self.members]
        if missing:
            self.members.update(await self.uow.members.many(missing))
        return {i: self.members[i] for i in ids if i in self.members}

    def timezone(self, prompt: Prompt) -> str:
        """The recipient's time zone."""
        community = self.communities[prompt.community_id]
        return timezone_of(community, self.members[prompt.recipient_id])

    def today(self, prompt: Prompt) -> date:
        """The recipient's local date."""
        return local_date(self.now, self.timezone(prompt))
