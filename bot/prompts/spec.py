"""The shape of a prompt kind's one declaration, and what its renderer may answer.

Each kind is declared once, in its module under bot/prompts/kinds/; the planner, the
dispatcher and /networker prompts read the declarations from `PROMPT_KINDS` there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Message, Outbound

if TYPE_CHECKING:
    from bot.prompts.batch import Batch


class About(StrEnum):
    """What a prompt's subject_id points at."""

    CONNECTION = "connection"  # loaded with the claim, so renderers find it in the batch
    MEMBER = "member"  # a member (an occasion's: not the recipient): forgetting them cancels it
    NOTHING = "nothing"


class Rhythm(StrEnum):
    ONCE = "once"
    WEEKLY = "weekly"
    YEARLY = "yearly"


@dataclass(frozen=True)
class Skip:
    """The reason for this prompt went away: it is cancelled, with this reason."""

    reason: str


@dataclass(frozen=True)
class Later:
    """Not yet: due again at this time (e.g. they talked recently after all)."""

    due: datetime


@dataclass(frozen=True)
class Bundle:
    """A message carrying prompts held back earlier: they count as sent when it is."""

    message: Message
    carried: tuple[int, ...]


Verdict = Message | Bundle | Skip | Later
Render = Callable[["Batch", Prompt], Awaitable[Verdict]]
Hook = Callable[["Batch", Prompt], Awaitable[None]]
Target = Callable[[Prompt, Message], Outbound]


@dataclass(frozen=True)
class PromptKindSpec:
    """Everything about one kind of prompt."""

    kind: PromptKind
    # What members see in /networker prompts, where they switch it off (organisers too,
    # for the community). None: it cannot be switched off.
    label: str | None
    about: About
    # The dedupe key's format, over `recipient`, `subject`, the payload's fields and any
    # part the planner names: one row per key, however often it is planned.
    key: str
    # Looks at the current state when the prompt is due (Skip or Later if its reason
    # went away or is not ripe), else says it.
    render: Render
    rhythm: Rhythm = Rhythm.ONCE
    # Weekly and yearly kinds: plans the next one, whatever becomes of this one (sent,
    # skipped or switched off), so switching the kind on again brings the next.
    plan_next: Hook | None = None
    # Runs when the prompt falls due, before switches, pauses and contact windows are
    # looked at: an expiry happens on time even if the word of it must wait.
    on_due: Hook | None = None
    # Counts against the recipient's daily cap; past it, it waits for tomorrow's digest.
    capped: bool = True
    # Messages a command produced, an answer to someone's action: sent at once where this
    # says (a DM, a group, a channel), with no switch, pause, contact window or cap.
    # None: a DM to the recipient, by the rules above.
    target: Target | None = None

    def __post_init__(self) -> None:
        if (self.rhythm is Rhythm.ONCE) != (self.plan_next is None):
            raise ValueError(f"{self.kind}: a kind that recurs plans its next one, and only it")

    @property
    def switchable(self) -> bool:
        return self.label is not None

    def dedupe_key(self, **parts: object) -> str:
        return self.key.format(**parts)
