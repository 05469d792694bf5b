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
