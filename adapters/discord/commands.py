"""The Discord application-command tree, derived from the core's command registry.

Each declared command becomes a slash command (or a `/networker` subcommand) with typed
options: members as user pickers, choices as choices. Building the tree needs no
database and no core, so `networker discord sync` can run on its own.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import UserError
from bot.services import commands as c
from bot.services.declarations import Arg, ArgKind, Args, CommandSpec
from bot.services.registry import REGISTRY

DESCRIPTION_MAX = 100  # Discord's limit for command and option descriptions
# Run a command built from an interaction; `error` answers a refused one instead.
Run = Callable[[discord.Interaction, c.Command], Awaitable[None]]
Refuse = Callable[[discord.Interaction, UserError], Awaitable[None]]


def ref(user: discord.abc.User) -> c.MemberRef:
    return c.MemberRef(str(user.id), user.display_name)


_ANNOTATIONS: dict[ArgKind, Any] = {
    ArgKind.MEMBER: discord.User,
    # Read from the interaction's resolved data: needs no channel cache.
    ArgKind.CHANNEL: app_commands.AppCommandChannel,
    ArgKind.ATTACHMENT: discord.Attachment,
}


def build_tree(client: discord.Client, run: Run, refuse: Refuse) -> app_commands.CommandTree:
    tree: app_commands.CommandTree = app_commands.CommandTree(client)
    for name in REGISTRY.top_names():
        spec = REGISTRY.top_level(name)
        if spec is not None:
            tree.add_command(_command(spec, run, refuse))
            continue
        group = app_commands.Group(name=name, description="Help, your summary and settings")
        for sub in REGISTRY.group(name):
            group.add_command(_command(sub, run, refuse))
        tree.add_command(group)
    return tree


def _command(spec: CommandSpec, run: Run, refuse: Refuse) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction, **options: Any) -> None:
        values = {arg.name: _value(arg, options.get(arg.name)) for arg in spec.args}
        try:
            command = spec.make(Args(values, forms=True))
        except UserError as error:
            await refuse(interaction, error)
            return
        await run(interaction, command)

    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "interaction",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=discord.Interaction,
            ),
            *(_parameter(arg) for arg in spec.args),
        ]
    )
    described = app_commands.describe(**{a.name: a.help[:DESCRIPTION_MAX] for a in spec.args})
    callback = described(callback)
    choices = {
        a.name: [app_commands.Choice(name=label[:100], value=value) for value, label in a.choices]
        for a in spec.args
        if a.choices
    }
    if choices:
        callback = app_commands.choices(**choices)(callback)
    return app_commands.Command(
        name=spec.path[-1], description=spec.description[:DESCRIPTION_MAX], callback=callback
    )


def _parameter(arg: Arg) -> inspect.Parameter:
    annotation: Any = _ANNOTATIONS.get(arg.kind, str)
    if arg.choices:
        annotation = app_commands.Choice[str]
    return inspect.Parameter(
        arg.name,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        annotation=annotation if arg.required else annotation | None,
        default=inspect.Parameter.empty if arg.required else None,
    )


def _value(arg: Arg, option: Any) -> Any:
    """An option's value as the core's argument."""
    if option is None:
        return None
    if isinstance(option, app_commands.Choice):
        return str(option.value)
    if isinstance(option, discord.abc.User):
        return ref(option)
    if isinstance(option, discord.abc.GuildChannel | app_commands.AppCommandChannel):
        return option.mention
    if isinstance(option, discord.Attachment):
        return option.url
    return str(option)
