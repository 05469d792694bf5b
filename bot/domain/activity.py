"""What members did, counted and summarised: read models the store fills in."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.connections import State


@dataclass(frozen=True)
class CommunityHealth:
    """The counts behind an organiser's /networker stats."""

    members: int  # not forgotten
    intros: int  # sent (drafts are nobody's intro)
    intros_connected: int
    asks: int  # sent
    asks_accepted: int
    thanks: int
    active_givers: int  # members who accepted at least one ask


@dataclass(frozen=True)
class AskSummary:
    """One help request, as a weekly giver digest sees it."""

    topic: str
    asker_id: int
    helper_id: int
    state: State
    visible: bool = False  # the asker let others who know the topic see that they asked


@dataclass(frozen=True)
class TopicDemand:
    """What members asked about, against who can help now: counts, never names."""

    topic: str
    label: str  # as members wrote it
    asks: int  # help requests about it in the period
    helpers: int  # members /whoknows offers for it now

    @property
    def covered(self) -> bool:
        """Enough people can help that asks spread out."""
        return self.helpers >= 2 and self.helpers * 2 >= self.asks


def most_asked(demand: list[TopicDemand], limit: int = 5) -> list[TopicDemand]:
    return sorted(demand, key=lambda d: (-d.asks, d.label))[:limit]


def least_covered(demand: list[TopicDemand], limit: int = 5) -> list[TopicDemand]:
    """Asked topics few members can help with: fewest helpers per ask first."""
    thin = [d for d in demand if not d.covered]
    return sorted(thin, key=lambda d: (d.helpers / d.asks, -d.asks, d.label))[:limit]
