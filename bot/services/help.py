"""/networker help: every command, or one explained, from the commands' declarations."""

from __future__ import annotations

from bot.domain.errors import UserError
from bot.domain.profile import PROFILE_SYNTAX
from bot.messages import Field, Message, Reply, Section, line
from bot.services.declarations import CommandSpec, Registry


def help_reply(registry: Registry, topic: str | None = None) -> Reply:
    if topic:
        spec = registry.topic(topic)
        if spec is None:
            raise UserError(
                f"There is no command “{topic}”.", "Type /networker help to see them all."
            )
        return command_help(spec)
    fields = tuple(Field(spec.usage, line(spec.summary)) for spec in registry.commands)
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
                Section(text=line("/networker help <command> explains one, e.g. help intro.")),
            )
        )
    )


def command_help(spec: CommandSpec) -> Reply:
    fields = [Field(arg.placeholder, line(arg.help)) for arg in spec.args]
    if spec.example:
        fields.append(Field("Example", line(spec.example)))
    sections = [Section(text=line(f"{spec.usage}: {spec.summary}"), fields=tuple(fields))]
    if spec.details:
        sections.append(Section(text=line(spec.details)))
    if spec.organiser:
        sections.append(Section(text=line("Only organisers can run it.")))
    if spec.path == ("profile",):
        sections.append(Section(text=line(f"Profile fields: {PROFILE_SYNTAX}")))
    return Reply(Message(sections=tuple(sections)))
