"""Communities (tenants) and their members."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.domain.errors import UserError
from bot.domain.profile import DEFAULT_WINDOW, Availability, ContactWindow, Level

FORGOTTEN_NAME = "a former member"
# The longest id a platform may give a workspace, guild or member: what the store keeps.
PLATFORM_ID_MAX = 64


def check_platform_id(value: str, what: str) -> None:
    """Refuse an id no platform gives (empty, or longer than the store keeps) before it
    becomes a row."""
    if not value.strip() or len(value) > PLATFORM_ID_MAX:
        raise UserError(f"That {what} id isn't one I can use.")


def forget_key(community_id: int, platform_user_id: str) -> str:
    """A one-way key of who used forget: enough to know them again if they come back
    (they start hidden), not enough to learn who they were."""
    raw = f"networker-forget:{community_id}:{platform_user_id}".encode()
    return hashlib.sha256(raw).hexdigest()


@dataclass(eq=False)
class Community:
    """A Slack workspace, a Discord guild or a console community. Nothing crosses them."""

    platform: str
    external_id: str
    name: str
    settings: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    active: bool = True  # false once the bot was removed from the workspace or guild
    id: int | None = None


@dataclass(eq=False)
class MemberSnapshot:
    """A member's fields as plain data: cheap to build, for showing (search results)."""

    community_id: int
    platform_user_id: str
    display_name: str
    capacity: int = 4
    skills: dict[str, int] = field(default_factory=dict)
    can_help_with: str = ""
    looking_for: str = ""
    bio: str = ""
    chapter: str = ""  # the association's chapter or local group
    timezone: str | None = None
    contact_window: str | None = None
    availability: str = Availability.OPEN.value
    busy_until: date | None = None
    discoverable: bool = True
    is_organiser: bool = False
    paused: bool = False
    forgotten: bool = False
    created_at: datetime | None = None
    last_request_at: datetime | None = None
    full_until: datetime | None = None
    unreachable: str | None = None  # why the platform refuses DMs to them, if it does
    onboarded_at: datetime | None = None
    prompts_off: list[str] = field(default_factory=list)  # prompt kinds they turned off
    birthday: str | None = None  # "MM-DD": set means they opted in to birthday wishes
    work_anniversary: date | None = None
    forget_key: str | None = None  # on a forgotten member's stub: see `forget_key()`
    hidden_until_setup: bool = False  # came back after forget: hidden until a profile edit
    id: int | None = None

    def availability_on(self, today: date) -> Availability:
        """Busy ends by itself once its date has passed."""
        status = Availability(self.availability)
        if status is Availability.BUSY and self.busy_until and self.busy_until < today:
            return Availability.OPEN
        return status

    def is_full(self, now: datetime) -> bool:
        return self.full_until is not None and self.full_until > now

    def is_listed(self) -> bool:
        """May appear in search results at all (before capacity and the asker are checked)."""
        return (
            self.discoverable
            and not self.forgotten
            and not self.paused
            and not self.unreachable
            and self.availability != Availability.AWAY
        )

    def window(self) -> ContactWindow:
        return ContactWindow.parse(self.contact_window) if self.contact_window else DEFAULT_WINDOW

    def skill_levels(self) -> dict[str, Level]:
        return {name: Level(level) for name, level in self.skills.items()}


class Member(MemberSnapshot):
    """A member as stored: the ORM maps this class, so changes to it are saved."""
