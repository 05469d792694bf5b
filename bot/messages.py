"""Neutral replies and outbound messages. Adapters render them for their platform.

Text is a sequence of spans so that each adapter can escape member-written text for
its own markup and turn mentions into real mentions: no member text can ping a whole
channel or forge a link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.actions import Action


@dataclass(frozen=True)
class Plain:
    text: str


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class Quote:
    """Text a member wrote, shown verbatim but escaped."""

    text: str


@dataclass(frozen=True)
class Mention:
    user_id: str
    name: str


Span = Plain | Bold | Quote | Mention
Line = tuple[Span, ...]


def line(*parts: str | Span) -> Line:
    return tuple(Plain(p) if isinstance(p, str) else p for p in parts if p != "")


@dataclass(frozen=True)
class Field:
    label: str
    value: Line


@dataclass(frozen=True)
class Section:
    text: Line = ()
    fields: tuple[Field, ...] = ()


class Style(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    action: Action
    value: str  # small payload, e.g. a connection id
    style: Style = Style.DEFAULT


class InputKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    MEMBER = "member"  # a member picker; the pick arrives as Press.mentioned
    CHOICE = "choice"  # one of `options`
    MULTI_CHOICE = "multi_choice"  # any of `options`; answered as values joined by ","
    YES_NO = "yes_no"  # answered "yes" or "no"
    DATE = "date"  # answered YYYY-MM-DD
    TIMEZONE = "timezone"  # an IANA name, e.g. Europe/Berlin


CHOICE_KINDS = frozenset({InputKind.CHOICE, InputKind.MULTI_CHOICE})
FORM_INPUTS_MAX = 5  # Discord's limit for a modal; every form fits every platform


@dataclass(frozen=True)
class Option:
    value: str  # what the answer carries (no commas: a multiple choice joins them)
    label: str


@dataclass(frozen=True)
class Input:
    """One question of a form. `initial`: the current answer, in the answer's own form
    (a choice's value, values joined by "," for a multiple choice, "yes"/"no", a date as
    YYYY-MM-DD). `hint`: a line of help under the field."""

    name: str
    label: str
    kind: InputKind = InputKind.TEXT
    required: bool = False
    placeholder: str = ""
    initial: str = ""
    options: tuple[Option, ...] = ()
    hint: str = ""


@dataclass(frozen=True)
class Form:
    """Questions to ask before an action runs (a modal on Slack and Discord).

    At most FORM_INPUTS_MAX inputs: a longer form is asked in steps (a button after one
    step opens the next)."""

    title: str
    action: Action
    value: str
    inputs: tuple[Input, ...]
    submit: str = "Send"


@dataclass(frozen=True)
class Message:
    sections: tuple[Section, ...] = ()
    buttons: tuple[Button, ...] = ()
    form: Form | None = None

    def plain_text(self) -> str:
        """A plain rendering: notification fallbacks, logs and tests."""
        out: list[str] = []
        for section in self.sections:
            if section.text:
                out.append(render_plain(section.text))
            out.extend(f"{f.label}: {render_plain(f.value)}" for f in section.fields)
        return "\n".join(out)


def render_plain(spans: Sequence[Span]) -> str:
    parts: list[str] = []
    for span in spans:
        if isinstance(span, Mention):
            parts.append(f"@{span.name}")
        elif isinstance(span, Quote):
            parts.append(f"“{span.text}”")
        else:
            parts.append(span.text)
    return "".join(parts)


@dataclass(frozen=True)
class Reply:
    """The answer to the member who ran a command or pressed a button."""

    message: Message
    private: bool = True
    ok: bool = True
    # A button's answer shows in place of the message it was on (the question is settled).
    replaces: bool = False
    # What the answer says once every message the command produced has arrived. The
    # answer itself must hold while they are still on their way (platforms answer before
    # they send), so it says "on its way"; adapters show this instead once they are sent.
    once_delivered: Message | None = None
    # A form's answers refused field by field: (input name, what is wrong). Platforms
    # with modals show each under its field and keep the form open.
    errors: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return self.message.plain_text()

    def delivered(self) -> Reply | None:
        """The answer to show now that everything was delivered, if it changes."""
        if self.once_delivered is None:
            return None
        return Reply(self.once_delivered, self.private, self.ok, self.replaces)


def reply(*lines: Line | str, buttons: Sequence[Button] = (), ok: bool = True) -> Reply:
    sections = tuple(Section(text=line(x) if isinstance(x, str) else x) for x in lines)
    return Reply(Message(sections=sections, buttons=tuple(buttons)), ok=ok)


def form_reply(intro: Line | str, form: Form) -> Reply:
    """A line saying what the form is for, and the form (a modal on Slack and Discord)."""
    text = line(intro) if isinstance(intro, str) else intro
    return Reply(Message(sections=(Section(text=text),), form=form))


def message(*lines: Line | str, buttons: Sequence[Button] = ()) -> Message:
    return reply(*lines, buttons=buttons).message


@dataclass(frozen=True)
class DirectMessage:
    """A DM the bot sends to one member."""

    recipient: str  # platform user id
    message: Message
    key: str | None = None  # delivery key: platforms that honour one drop repeats
    # What earlier attempts got done (see bot.ports.Receipt): a retry goes on from there.
    done: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class GroupConversation:
    """A conversation opened for the connected parties (group DM, private thread...)."""

    members: tuple[str, ...]  # platform user ids
    message: Message
    title: str = ""
    place: str | None = None  # the community's intro channel, for platforms that need one
    key: str | None = None  # delivery key, as for a DM
    done: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ChannelPost:
    """A message posted in a community channel (asks channel, thanks wall)."""

    channel: str
    message: Message
    key: str | None = None  # delivery key, as for a DM
    done: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


Outbound = DirectMessage | GroupConversation | ChannelPost


@dataclass
class Outbox:
    """Messages produced by a use case, delivered only after its transaction commits."""

    items: list[Outbound] = field(default_factory=list)
    prompts_due: bool = False  # the use case scheduled a prompt that is due at once
    # The rows the items were kept in at the commit (their dedupe keys), sent from there.
    keys: list[str] = field(default_factory=list)

    def dm(self, recipient: str, msg: Message) -> None:
        self.items.append(DirectMessage(recipient, msg))

    def group(
        self, members: Sequence[str], msg: Message, title: str = "", place: str | None = None
    ) -> None:
        self.items.append(GroupConversation(tuple(members), msg, title, place))

    def post(self, channel: str, msg: Message) -> None:
        self.items.append(ChannelPost(channel, msg))
