"""How a command, a button and the core's own commands are declared.

One `CommandSpec` says everything about a command a member types: its name, its
arguments and their kinds, its help, who may run it, and the use case that runs it.
Adapters derive their parsers, command trees, manifests and help from the specs
(`bot.services.registry`), so a command cannot be half-registered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.actions import Action
from bot.domain.errors import UserError
from bot.messages import Reply
from bot.services.commands import Command, MemberRef

if TYPE_CHECKING:
    from bot.services.context import Context

Handler = Callable[["Context", Any], Awaitable[Reply]]


class ArgKind(StrEnum):
    MEMBER = "member"  # one member, mentioned
    TOPIC = "topic"  # a topic: the rest of the line
    TEXT = "text"  # free text: the rest of the line
    WORD = "word"  # one word
    KEY = "key"  # a setting's name, written `key=value` or `key value`
    VALUE = "value"  # a setting's value: the rest of the line, channels kept readable
    CHOICE = "choice"  # one of `choices`
    DURATION = "duration"  # e.g. 3d, 12h, 2w
    CHANNEL = "channel"  # a channel of the community
    ATTACHMENT = "attachment"  # a file sent with the command (Discord); not typed in text

    @property
    def takes_rest(self) -> bool:
        """Reads everything left on the line (so it comes last)."""
        return self in (ArgKind.TOPIC, ArgKind.TEXT, ArgKind.VALUE)


@dataclass(frozen=True)
class Arg:
    name: str
    kind: ArgKind
    help: str  # one short line: Discord shows it under the option (100 characters)
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    field: str = ""  # the command's field, when it differs from `name`

    @property
    def placeholder(self) -> str:
        """How the argument looks in a usage line."""
        if self.kind is ArgKind.MEMBER:
            text = "@" + ("member" if self.name == "member" else self.name)
        elif self.kind is ArgKind.KEY:
            text = "key"
        elif self.choices and len(self.choices) <= 3:
            text = "|".join(value for value, _ in self.choices)
        else:
            text = f"<{self.help_name}>"
        return text if self.required else f"[{text}]"

    @property
    def help_name(self) -> str:
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Use:
    """How the core runs one command type: its use case and who may run it."""

    command: type
    handler: Handler
    read_only: bool = False  # runs without taking the write lock
    organiser: bool = False  # organisers only: the core refuses everyone else
    # The answer shows the member's own platform profile (time zone, role): adapters that
    # learn it lazily should learn it before answering.
    needs_profile: bool = False


class Args(Mapping[str, Any]):
    """Parsed argument values by name (None for an optional one not given)."""

    def __init__(self, values: dict[str, Any], *, forms: bool) -> None:
        self._values = values
        self.forms = forms  # the platform shows forms (modals)

    def __getitem__(self, key: str) -> Any:
        return self._values.get(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def member(self, name: str) -> MemberRef | None:
        value = self._values.get(name)
        return value if isinstance(value, MemberRef) else None

    def text(self, name: str) -> str:
        value = self._values.get(name)
        return value if isinstance(value, str) else ""


Build = Callable[[Args], Command]


@dataclass(frozen=True)
class CommandSpec:
    """A command a member types: `/whoknows`, or `/networker me` (path ("networker", "me"))."""

    path: tuple[str, ...]
    summary: str  # one line; Discord shows it (100 characters)
    uses: tuple[Use, ...]  # the command types it builds; usually one
    args: tuple[Arg, ...] = ()
    build: Build | None = None  # default: the one command type, from the args by name
    example: str = ""
    details: str = ""  # a longer explanation for per-command help
    usage_override: str = ""  # when the derived usage line would mislead

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def description(self) -> str:
        """The summary as a sentence-case label (command pickers, manifests)."""
        return self.summary[:1].upper() + self.summary[1:]

    @property
    def usage(self) -> str:
        if self.usage_override:
            return f"/{self.name} {self.usage_override}"
        return " ".join([f"/{self.name}", *(a.placeholder for a in self.args)])

    @property
    def organiser(self) -> bool:
        """Organisers only (a command with some organiser actions is still for members)."""
        return all(use.organiser for use in self.uses)

    def make(self, args: Args) -> Command:
        if self.build is not None:
            return self.build(args)
        values = {a.field or a.name: args[a.name] for a in self.args if args[a.name] is not None}
        command: Command = self.uses[0].command(**values)
        return command

    def usage_error(self, message: str = "") -> UserError:
        hint = f"e.g. {self.example}" if self.example else "Type /networker help to see them all."
        return UserError(message or f"Usage: {self.usage}", hint)


@dataclass(frozen=True)
class ButtonSpec:
    action: Action
    handler: Handler
    replaces: bool = False  # the answer replaces the message the button was on


@dataclass
class Registry:
    """Every command, button and internal command type the core knows."""

    commands: tuple[CommandSpec, ...]
    buttons: tuple[ButtonSpec, ...]
    internal: tuple[Use, ...] = ()  # commands no member types (App Home, onboarding)
    _uses: dict[type, Use] = field(init=False, default_factory=dict)
    _buttons: dict[Action, ButtonSpec] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for use in [u for spec in self.commands for u in spec.uses] + list(self.internal):
            known = self._uses.setdefault(use.command, use)
            if known != use:
                raise ValueError(f"{use.command.__name__} is declared twice, differently")
        self._buttons = {b.action: b for b in self.buttons}
        paths = [spec.path for spec in self.commands]
        if len(paths) != len(set(paths)):
            raise ValueError("a command path is declared twice")

    def use(self, command: object) -> Use | None:
        return self._uses.get(type(command))

    def button(self, action: Action) -> ButtonSpec | None:
        return self._buttons.get(action)

    @property
    def handled_types(self) -> set[type]:
        return set(self._uses)

    def top_names(self) -> list[str]:
        """The slash commands: whoknows, intro, …, networker."""
        return list(dict.fromkeys(spec.path[0] for spec in self.commands))

    def top_level(self, name: str) -> CommandSpec | None:
        return next((s for s in self.commands if s.path == (name,)), None)

    def group(self, name: str) -> list[CommandSpec]:
        """The subcommands of `/name`."""
        return [s for s in self.commands if len(s.path) == 2 and s.path[0] == name]

    def find(self, path: Sequence[str]) -> CommandSpec | None:
        return next((s for s in self.commands if s.path == tuple(path)), None)

    def topic(self, text: str) -> CommandSpec | None:
        """The command a help topic names: "intro", "/intro", "networker me" or "me"."""
        words = tuple(text.lower().lstrip("/").split())
        return self.find(words) or self.find(("networker", *words))
