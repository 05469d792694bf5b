"""The console REPL: a simulated community in the terminal."""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import TextIO

from adapters.console.clock import SimulatedClock
from adapters.console.messenger import Choice, ConsoleMessenger, still_there
from adapters.console.render import render
from adapters.text_commands import COMMANDS, Dialect, parse
from bot.domain.errors import UserError
from bot.domain.prompts import parse_duration
from bot.messages import InputKind, Reply
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker

PLATFORM = "console"
COMMUNITY = "console"
_MENTION = re.compile(r"^@([\w.\-]+)$")
MEMBERS_SHOWN = 1000

CONSOLE_HELP = """Console commands:
  /as <name> [--organiser]   act as this member (created on first use)
  /press N [field=value …]   press button N of the latest message with buttons sent to you
  /members                   list the members of this community
  /clock [+3d | +12h | +2w]  show the simulated time, or move it forward and send what is due
  /help                      this help and every bot command
  /quit                      leave (end of input works too)
Mention members as @name. Everything else is a bot command, exactly as on Slack and Discord."""


class Console:
    def __init__(
        self,
        app: Networker,
        messenger: ConsoleMessenger,
        write: Callable[[str], None],
        community: str = COMMUNITY,
        *,
        dispatcher: Dispatcher | None = None,
        clock: SimulatedClock | None = None,
    ) -> None:
        self.app = app
        self.messenger = messenger
        self.write = write
        self.community = community
        self.dispatcher = dispatcher
        self.clock = clock
        self.user: c.MemberRef | None = None
        self.organiser = False

    @property
    def prompt(self) -> str:
        return f"{self.user.display_name}> " if self.user else "> "

    async def run(self, stream: TextIO, *, echo: bool) -> None:
        interactive = stream.isatty()
        while True:
            if interactive:
                sys.stdout.write(self.prompt)
                sys.stdout.flush()
            text = await asyncio.to_thread(stream.readline)
            if not text:
                break
            text = text.strip()
            if echo and text:
                self.write(f"{self.prompt}{text}")
            if text in {"/quit", "/exit"}:
                break
            await self.execute(text)

    async def execute(self, text: str) -> None:
        if not text or text.startswith("#"):
            return
        try:
            await self._execute(text)
        except UserError as error:  # printed like the core's own refusals
            self.write(f"  ⚠ {error.message}")
            if error.hint:
                self.write(f"  {error.hint}")

    async def _execute(self, text: str) -> None:
        name, _, rest = text.partition(" ")
        rest = rest.strip()
        name = name.lower()
        if name == "/help":
            self.write(CONSOLE_HELP)
            await self._run(c.Help())
            return
        if name == "/as":
            await self._switch(rest)
            return
        if name == "/clock":
            await self._clock(rest)
            return
        if name == "/members":
            found = await self.app.find_members(PLATFORM, self.community, "", MEMBERS_SHOWN)
            self.write(
                "  "
                + (", ".join(f"@{m.user_id}" for m in found) or "nobody yet; /as <name> to start")
            )
            return
        if self.user is None:
            raise UserError("Pick who you are first.", "Type /as <your name>, e.g. /as alice.")
        if name == "/press":
            await self._press(rest)
            return
        command = await self._parse(name, rest)
        await self._run(command)

    async def _switch(self, rest: str) -> None:
        parts = rest.split()
        organiser = "--organiser" in parts
        names = [p for p in parts if p != "--organiser"]
        if len(names) != 1 or not re.fullmatch(r"@?[\w.\-]{1,40}", names[0]):
            raise UserError(
                "Usage: /as <name> [--organiser]", "A name is one word: letters, digits, . - _"
            )
        display = names[0].lstrip("@")
        self.user = c.MemberRef(display.lower(), display)
        self.organiser = organiser
        await self.app.join(PLATFORM, self.community, self.user)  # /members and @name know them
        self.write(f"  You are now @{self.user.user_id}{' (organiser)' if organiser else ''}.")

    async def _run(self, command: c.Command) -> None:
        assert self.user is not None or isinstance(command, c.Help)
        user = self.user or c.MemberRef("guest", "guest")
        actor = c.Actor(PLATFORM, self.community, user, is_organiser=self.organiser)
        self.messenger.hold()
        try:
            result = await self.app.handle(actor, command)
            if result is not None:
                self._show(user.user_id, result)
            if self.dispatcher is not None:  # e.g. the thank-you prompt after "Helpful"
                await self.dispatcher.run_due()
        finally:
            self.messenger.release()

    # --- the simulated clock ------------------------------------------------------------

    async def _clock(self, rest: str) -> None:
        if self.clock is None or self.dispatcher is None:
            raise UserError("This console has no simulated clock.")
        if rest:
            if not rest.startswith("+"):
                raise UserError("The clock only moves forward.", "e.g. /clock +3d, +12h or +2w")
            by = parse_duration(rest[1:], low=timedelta(minutes=1), high=timedelta(days=400))
            self.clock.advance(by)
        now = self.clock.now()
        self.write(f"  🕒 It is now {now:%a %d %b %Y %H:%M} UTC.")
        if not rest:
            return
        self.messenger.hold()
        try:
            report = await self.dispatcher.run_due()
        finally:
            self.messenger.release()
        waiting = report.outcomes["waiting for window"] + report.outcomes["held"]
        merged = report.outcomes["merged into digest"]
        summary = f"  Sent {report.sent} prompt{'s' if report.sent != 1 else ''}"
        if waiting:
            summary += (
                f"; {waiting} wait{'s' if waiting == 1 else ''} for a contact window or a pause"
            )
        if merged:
            summary += f"; {merged} held for tomorrow's digest (daily cap)"
        self.write(summary + ".")

    def _show(self, user_id: str, result: Reply) -> None:
        marker = "" if result.ok else "⚠ "
        kept = self.messenger.remember(user_id, result.message)
        lines = [*render(result.message), *still_there(kept)]
        for i, text in enumerate(lines):
            self.write(f"  {marker if i == 0 else ''}{text}")

    # --- parsing ------------------------------------------------------------------------

    async def _parse(self, name: str, rest: str) -> c.Command:
        if name.lstrip("/") not in COMMANDS:
            raise UserError(f"I don't know the command {name}.", "Type /help to see them all.")
        return await parse(name, rest, Dialect(self._leading_mention, mention_prefix="@"))

    async def _leading_mention(self, text: str, usage: str) -> tuple[c.MemberRef, str]:
        token, _, rest = text.strip().partition(" ")
        if not _MENTION.match(token):
            raise UserError(f"Start with a member, like @alice. Usage: {usage}")
        return await self.resolve(token), rest.strip()

    async def resolve(self, token: str) -> c.MemberRef:
        name = token.lstrip("@").lower()
        found = await self.app.find_members(PLATFORM, self.community, name)
        exact = [m for m in found if m.user_id == name]
        if exact:
            return exact[0]
        if len(found) == 1:
            return found[0]
        if not found:
            raise UserError(
                f"I don't know anyone called @{name} here.",
                f"They join by typing /as {name}; /members lists everyone.",
            )
        names = ", ".join(f"@{m.user_id}" for m in found[:5])
        raise UserError(f"@{name} could be {names}.", "Type more of the name.")

    # --- buttons ------------------------------------------------------------------------

    async def _press(self, rest: str) -> None:
        assert self.user is not None
        number, _, args = rest.partition(" ")
        choices = self.messenger.choices.get(self.user.user_id, [])
        if not number.isdigit() or not 1 <= int(number) <= len(choices):
            raise UserError(
                f"There is no button {number or '(none given)'} for you.",
                f"Your latest message has {len(choices)} button(s)."
                if choices
                else "No buttons are waiting for you.",
            )
        choice = choices[int(number) - 1]
        inputs, mentioned = await self._form_answers(choice, args)
        await self._run(c.Press(choice.action, choice.value, inputs, mentioned))

    async def _form_answers(
        self, choice: Choice, args: str
    ) -> tuple[dict[str, str], c.MemberRef | None]:
        if choice.form is None:
            if args.strip():
                raise UserError("That button takes no extra text.")
            return {}, None
        kinds = {i.name: i.kind for i in choice.form.inputs}
        try:
            tokens = shlex.split(args)
        except ValueError:
            # An apostrophe in plain words ("I'd like…") is not an unclosed quote.
            tokens = args.split()
            if any(t.partition("=")[0] in kinds and "=" in t for t in tokens):
                raise UserError("A quote is not closed.") from None
        inputs: dict[str, str] = {}
        mentioned: c.MemberRef | None = None
        loose: list[str] = []
        for token in tokens:
            key, sep, value = token.partition("=")
            if sep and key in kinds:
                if kinds[key] == InputKind.MEMBER:
                    mentioned = await self.resolve(value) if value.strip() else None
                else:
                    inputs[key] = value
            else:
                loose.append(token)
        text_inputs = [i.name for i in choice.form.inputs if i.kind != InputKind.MEMBER]
        if loose:
            if len(text_inputs) != 1 or text_inputs[0] in inputs:
                raise UserError("Give the fields as name=value.", f"Fields: {', '.join(kinds)}")
            inputs[text_inputs[0]] = " ".join(loose)
        for item in choice.form.inputs:
            if item.required and not inputs.get(item.name):
                raise UserError(f"Please fill in {item.name}.", f'/press … {item.name}="…"')
        return inputs, mentioned
