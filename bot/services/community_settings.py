"""A community's settings over the deployment's defaults, and the prompt rules they set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.config import Settings
from bot.domain.members import Community, MemberSnapshot
from bot.domain.prompts import parse_duration

DURATIONS = {
    "consent_reminder_after": (timedelta(hours=1), timedelta(days=30)),
    "consent_expires_after": (timedelta(hours=2), timedelta(days=90)),
    "connect_check_after": (timedelta(hours=1), timedelta(days=60)),
    "keep_in_touch_after": (timedelta(days=7), timedelta(days=730)),
}


def setting(community: Community, config: Settings, key: str) -> Any:
    """A community's own setting, else the deployment default."""
    if key in community.settings:
        return community.settings[key]
    return getattr(config, key, None)


def duration(community: Community, config: Settings, key: str) -> timedelta:
    low, high = DURATIONS[key]
    return parse_duration(str(setting(community, config, key)), low=low, high=high)


def kind_off(community: Community, member: MemberSnapshot, kind: str) -> str | None:
    """Why this kind of prompt must not go to this member, if it must not."""
    if kind in (community.settings.get("prompts_off") or []):
        return "turned off for the community"
    if kind in (member.prompts_off or []):
        return "turned off by the member"
    return None


def timezone_of(community: Community, member: MemberSnapshot) -> str:
    return member.timezone or str(community.settings.get("timezone") or "UTC")
