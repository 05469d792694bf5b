"""What a member is asked when someone introduces them or asks them for help.

The request itself and its reminder (a prompt) say the same thing, so both use this."""

from __future__ import annotations

from bot.actions import Action
from bot.domain.connections import Connection
from bot.domain.members import Member
from bot.messages import Button, Message, Quote, Style, line, message
from bot.services.mentions import mention


def consent_message(
    conn: Connection, recipient: Member, initiator: Member, other: Member
) -> Message:
    buttons = (
        Button("Accept", Action.CONSENT_ACCEPT, str(conn.id), Style.PRIMARY),
        Button("Not now", Action.CONSENT_NOT_NOW, str(conn.id)),
        Button("Decline", Action.CONSENT_DECLINE, str(conn.id), Style.DANGER),
    )
    if conn.is_intro:
        # A hidden member's skills are not shown, not even to the other party.
        skills = ", ".join(list(other.skills)[:5]) if other.discoverable else ""
        return message(
            line(
                "Hi ",
                mention(recipient),
                "! ",
                mention(initiator),
                " would like to introduce you to ",
                mention(other),
                ".",
            ),
            line("Why: ", Quote(conn.reason)),
            line(f"{other.display_name} lists: {skills}.") if skills else "",
            "Nobody is connected until both of you accept. A decline stays private.",
            buttons=buttons,
        )
    about = f" with {conn.topic}" if conn.topic else ""
    return message(
        line(
            "Hi ", mention(recipient), "! ", mention(initiator), f" is asking for your help{about}."
        ),
        line("What they need: ", Quote(conn.reason)),
        "Accept to open a conversation, or decline (privately). “Not now” if you'd like more time.",
        buttons=buttons,
    )
