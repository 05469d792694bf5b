"""Thank-yous and endorsements: the evidence behind a member's skills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(eq=False)
class Thanks:
    community_id: int
    giver_id: int
    receiver_id: int
    note: str
    connection_id: int | None = None
    topic: str | None = None
    created_at: datetime | None = None
    shared_at: datetime | None = None  # posted on the thanks wall: the sender chose to
    id: int | None = None


@dataclass(eq=False)
class Endorsement:
    community_id: int
    endorser_id: int
    member_id: int
    topic: str
    created_at: datetime | None = None
    id: int | None = None
