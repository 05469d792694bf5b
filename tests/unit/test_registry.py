"""The registry is the one place a command is declared: everything else must follow it."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import discord
import pytest

from adapters.discord.commands import build_tree
from adapters.slack.manifest import manifest
from adapters.text_commands import parse
from bot.actions import Action
from bot.domain.errors import UserError
from bot.services import commands as c
from bot.services.declarations import ArgKind, CommandSpec
from bot.services.help import help_reply
from bot.services.registry import REGISTRY
from tests.driver import TEXT_DIALECT as CONSOLE

README = Path(__file__).resolve().parents[2] / "README.md"
SPECS = REGISTRY.commands


def spec_id(spec: CommandSpec) -> str:
    return spec.name


def test_every_command_type_has_a_use_case() -> None:
    declared = set(typing.get_args(c.Command)) - {c.Press}  # a press goes to its button
    assert declared == REGISTRY.handled_types


def test_every_action_has_a_button_handler() -> None:
    assert {a for a in Action if REGISTRY.button(a) is None} == set()


@pytest.mark.parametrize("spec", SPECS, ids=spec_id)
def test_every_command_has_help_that_fits_the_platforms(spec: CommandSpec) -> None:
    assert spec.summary and len(spec.description) <= 100  # Discord's limit
    assert spec.uses
    for i, arg in enumerate(spec.args):
        assert arg.help and len(arg.help) <= 100
        assert re.fullmatch(r"[a-z_]{1,32}", arg.name)  # a Discord option name
        if arg.kind.takes_rest:
            assert i == len(spec.args) - 1, f"{arg.name} reads the rest of the line: last"
    assert spec.usage in help_reply(REGISTRY).text
    assert spec.summary in help_reply(REGISTRY, spec.name).text


def test_help_for_an_unknown_command_says_so() -> None:
    with pytest.raises(UserError, match="no command “dance”"):
        help_reply(REGISTRY, "dance")


async def test_the_discord_tree_has_every_command_with_typed_options() -> None:
    client = discord.Client(intents=discord.Intents.none())

    async def never(*_args: object) -> None:
        raise AssertionError("not invoked")

    tree = build_tree(client, never, never)
    found: dict[str, dict[str, object]] = {}
    for command in tree.get_commands():
        data = command.to_dict(tree)
        if isinstance(command, discord.app_commands.Group):
            found.update({f"{command.name} {o['name']}": o for o in data["options"]})
        else:
            found[command.name] = data
    assert set(found) == {spec.name for spec in SPECS}
    for spec in SPECS:
        options = typing.cast(list[dict[str, object]], found[spec.name].get("options", []))
        assert [o["name"] for o in options] == [a.name for a in spec.args]
        for arg, option in zip(spec.args, options, strict=True):
            assert option["required"] == arg.required
            # user, channel, attachment (a file picker), else string
            kinds = {ArgKind.MEMBER: 6, ArgKind.CHANNEL: 7, ArgKind.ATTACHMENT: 11}
            assert option["type"] == kinds.get(arg.kind, 3)
            assert len(typing.cast(list[object], option.get("choices", []))) == len(arg.choices)


def test_the_slack_manifest_has_every_slash_command() -> None:
    commands = manifest("https://example.org")["features"]["slash_commands"]
    assert [x["command"] for x in commands] == [f"/{n}" for n in REGISTRY.top_names()]
    networker = next(x for x in commands if x["command"] == "/networker")
    for spec in REGISTRY.group("networker"):
        assert spec.path[-1] in networker["usage_hint"]


@pytest.mark.parametrize("spec", [s for s in SPECS if s.example], ids=spec_id)
async def test_each_example_parses_to_its_command(spec: CommandSpec) -> None:
    command = await parse(spec.path[0], spec.example.split(" ", 1)[1], CONSOLE)
    assert type(command) in {use.command for use in spec.uses}


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.args], ids=spec_id)
async def test_trailing_words_are_named_not_ignored(spec: CommandSpec) -> None:
    words = " ".join(spec.path[1:])
    with pytest.raises(UserError, match="I didn't understand “everything”"):
        await parse(spec.path[0], f"{words} everything", CONSOLE)


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.args], ids=spec_id)
async def test_trailing_courtesy_is_tolerated(spec: CommandSpec) -> None:
    words = " ".join(spec.path[1:])
    command = await parse(spec.path[0], f"{words} please", CONSOLE)
    assert type(command) in {use.command for use in spec.uses}


async def test_parsed_arguments_reach_the_command() -> None:
    assert await parse("/networker", "settings asks_channel = #asks", CONSOLE) == c.Settings(
        "asks_channel", "#asks"
    )
    assert await parse("networker", "prompts off keep in touch", CONSOLE) == c.PromptSwitch(
        "keep in touch", on=False
    )
    assert await parse("networker", "", CONSOLE) == c.Help()
    assert await parse("networker", "help intro", CONSOLE) == c.Help("intro")
    assert await parse("intro", "@ana @ben you both run meetups", CONSOLE) == c.Intro(
        c.MemberRef("ana", "ana"), c.MemberRef("ben", "ben"), "you both run meetups"
    )
    with pytest.raises(UserError, match="Usage: /networker alias"):
        await parse("networker", "alias", CONSOLE)


def readme_commands() -> set[str]:
    """The commands the README's command table lists, as paths like "networker me"."""
    text = README.read_text()
    table = text.split("\n## Commands\n", 1)[1].split("\n#", 1)[0]
    found: set[str] = set()
    for row in table.splitlines():
        if not row.startswith("| `/"):
            continue
        first = row.split(" | ")[0]
        spans = re.findall(r"`([^`]*)`", first)
        path = re.findall(r"/?([a-z][a-z-]*)", spans[0].split(" [")[0].split(" <")[0])
        found.add(" ".join(w for w in path if not spans[0].count("@" + w)))
        for sibling in spans[1:]:  # `/networker pause` / `resume`
            found.add(" ".join([*path[:-1], sibling]))
    return found


def test_the_readme_lists_exactly_the_registered_commands() -> None:
    assert readme_commands() == {spec.name for spec in SPECS}
