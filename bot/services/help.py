"""/networker help: the same commands on every platform."""

from __future__ import annotations

from bot.domain.profile import PROFILE_SYNTAX
from bot.messages import Field, Message, Reply, Section, line
from bot.services.commands import Help

COMMANDS: tuple[tuple[str, str], ...] = (
    ("/whoknows <topic>", "find members who can help with a topic (only you see the answer)"),
    ("/ask @member <what you need>", "ask someone for help; they accept or decline privately"),
    ("/intro @a @b <why>", "introduce two members; both must accept before they're connected"),
    ("/thanks @member <for what>", "thank someone; they (and any introducer) hear it privately"),
    ("/profile", "show your profile; /profile key=value … edits it (see below)"),
    ("/profile @member", "view a member's profile, if they share it"),
    ("/networker me", "what's waiting for you, and your give/ask balance"),
    ("/networker endorse @member <skill>", "vouch for someone's skill"),
    ("/networker pause | resume", "stop or restart all DMs from the bot"),
    (
        "/networker prompts [on|off <kind>]",
        "which reminders and follow-ups the bot may send you; turn one kind off or on",
    ),
    ("/networker export", "all your data as JSON"),
    ("/networker forget", "delete your profile and everything you wrote (asks to confirm)"),
    ("/networker settings [key=value]", "organisers: community settings"),
    (
        "/networker alias <alias> <topic>",
        "organisers: teach a new abbreviation, e.g. k8s kubernetes",
    ),
    ("/networker stats", "organisers: how the network is doing"),
)


async def show_help(_ctx: object, _cmd: Help) -> Reply:
    return help_reply()


def help_reply() -> Reply:
    fields = tuple(Field(name, line(text)) for name, text in COMMANDS)
    return Reply(
        Message(
            sections=(
                Section(
                    text=line(
                        "Networker helps members find each other, make warm introductions "
                        "and say thank you."
                    ),
                    fields=fields,
                ),
                Section(text=line(f"Profile fields: {PROFILE_SYNTAX}")),
            )
        )
    )
