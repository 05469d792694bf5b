"""Prints what the bot sends, and remembers each member's latest buttons for /press."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from adapters.console.render import render
from bot.messages import ChannelPost, DirectMessage, Form, GroupConversation, Message


@dataclass(frozen=True)
class Choice:
    action: str
    value: str
    form: Form | None = None  # set for a form's submit choice
    label: str = ""


class ConsoleMessenger:
    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.choices: dict[str, list[Choice]] = {}
        self.log: list[tuple[str, tuple[str, ...], Message]] = []  # (kind, recipients, message)
        self._held: list[str] | None = None
        # During a /clock jump: the simulated time each message is sent at, as a header.
        self.stamp: str | None = None

    def hold(self) -> None:
        """Keep what the bot sends until the typist's own reply has been printed."""
        self._held = []

    def release(self) -> None:
        held, self._held = self._held or [], None
        for text in held:
            self.write(text)

    def remember(self, user_id: str, message: Message) -> list[Choice]:
        """Make the message's buttons (and form) the ones /press numbers. A form alone
        was opened by a button: it is [1], and the buttons of the message it came from
        stay usable after it (the other "Thank …" buttons); returns those."""
        choices = [Choice(b.action, b.value, label=b.label) for b in message.buttons]
        kept: list[Choice] = []
        if message.form:
            if not message.buttons:
                kept = [c for c in self.choices.get(user_id, []) if c.form is None]
            form = message.form
            choices.append(Choice(form.action, form.value, form, form.submit))
        if choices:
            self.choices[user_id] = choices + kept
        return kept

    async def send_dm(self, community: str, dm: DirectMessage) -> None:
        self.log.append(("dm", (dm.recipient,), dm.message))
        kept = self.remember(dm.recipient, dm.message)
        self._print(f"── DM to @{dm.recipient} ──", dm.message, kept)

    async def open_group(self, community: str, group: GroupConversation) -> None:
        self.log.append(("group", group.members, group.message))
        names = ", ".join(f"@{m}" for m in group.members)
        self._print(f"── group conversation {group.title!r} with {names} ──", group.message)

    async def post(self, community: str, post: ChannelPost) -> None:
        self.log.append(("channel", (post.channel,), post.message))
        self._print(f"── posted in {post.channel} ──", post.message)

    def _print(self, header: str, message: Message, kept: list[Choice] | None = None) -> None:
        out = self.write if self._held is None else self._held.append
        if self.stamp:
            header = f"── {self.stamp}: {header.removeprefix('── ')}"
        out(header)
        for text in [*render(message), *still_there(kept or [])]:
            out(f"  {text}")


def still_there(kept: list[Choice]) -> list[str]:
    """The earlier buttons a form left usable, numbered after it."""
    if not kept:
        return []
    listed = "  ".join(f"[{i}] {c.label}" for i, c in enumerate(kept, 2))
    return [f"  Still there: {listed}"]
