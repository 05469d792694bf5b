"""How a member is named in a message: a mention the platform renders as a link."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.members import MemberSnapshot
from bot.messages import Mention


def mention(member: MemberSnapshot) -> Mention:
    return Mention(member.platform_user_id, member.display_name)


def mentions(members: Sequence[MemberSnapshot]) -> list[str | Mention]:
    """@a, @b and @c, as spans of a line."""
    out: list[str | Mention] = []
    for i, member in enumerate(members):
        if i:
            out.append(" and " if i == len(members) - 1 else ", ")
        out.append(mention(member))
    return out
