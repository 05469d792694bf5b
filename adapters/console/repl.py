"""The console REPL: a simulated community in the terminal."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shlex
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from adapters.console.clock import SimulatedClock
from adapters.console.messenger import Choice, ConsoleMessenger, still_there
from adapters.console.render import render
from adapters.text_commands import COMMANDS, Dialect, parse
from bot.domain.errors import UserError
from bot.domain.prompts import parse_duration
from bot.domain.wording import plural
from bot.messages import InputKind, Reply
from bot.prompts.dispatcher import Dispatcher, Report
from bot.services import commands as c
from bot.services.app import Networker
from bot.services.help import help_reply
from bot.services.registry import REGISTRY

PLATFORM = "console"
COMMUNITY = "console"
_MENTION = re.compile(r"^@([\w.\-]+)$")
# Escape sequences a terminal sends for keys (arrows, Home, F1…), and other control
# characters: typed by mistake they are dropped, never echoed back.
_ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|O.|[@-Z\\-_])?|[\x00-\x08\x0b-\x1f\x7f]")
MEMBERS_SHOWN = 1000
JUMP_STEPS_MAX = 100_000  # a runaway guard: a year with a paused member is ~400 steps

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
        organisers: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.messenger = messenger
        self.write = write
        self.community = community
        self.dispatcher = dispatcher
        self.clock = clock
        self.user: c.MemberRef | None = None
        self.organiser = False
        self.organisers = organisers  # members who act as organisers without --organiser

    @property
    def prompt(self) -> str:
        return f"{self.user.display_name}> " if self.user else "> "

    async def run(self, stream: TextIO, *, echo: bool) -> None:
        interactive = stream.isatty() and stream is sys.stdin
        if interactive:
            _line_editing()
        while True:
            if interactive:  # input() edits the line and keeps a history (arrow keys)
                try:
                    text = await _typed(self.prompt)
                except EOFError:
                    break
                text += "\n"
            else:
                text = await asyncio.to_thread(stream.readline)
            if not text:
                break
            text = clean_typed(text)
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
            if self.user is None:  # nobody to act as yet: the help, without making a member
                self._show("", help_reply(REGISTRY))
            else:
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
        user = c.MemberRef(display.lower(), display)
        known = await self.app.find_members(PLATFORM, self.community, user.user_id, MEMBERS_SHOWN)
        new = all(m.user_id != user.user_id for m in known)
        self.user = user
        self.organiser = organiser or user.user_id in self.organisers
        await self.app.join(PLATFORM, self.community, user)  # /members and @name know them
        self.write(f"  You are now @{user.user_id}{' (organiser)' if self.organiser else ''}.")
        if new:  # the welcome DM a member joining on Slack or Discord gets
            await self._run(c.Onboard(), show=False)

    async def _run(self, command: c.Command, *, show: bool = True) -> None:
        assert self.user is not None
        user = self.user
        actor = c.Actor(PLATFORM, self.community, user, is_organiser=self.organiser)
        self.messenger.hold()
        try:
            result = await self.app.handle(actor, command)
            if result is not None and show:
                self._show(user.user_id, result)
            if self.dispatcher is not None:  # e.g. the thank-you prompt after "Helpful"
                await self.dispatcher.run_due()
        finally:
            self.messenger.release()

    # --- the simulated clock ------------------------------------------------------------

    async def _clock(self, rest: str) -> None:
        if self.clock is None or self.dispatcher is None:
            raise UserError("This console has no simulated clock.")
        if not rest:
            self.write(f"  🕒 It is now {self.clock.now():%a %d %b %Y %H:%M} UTC.")
            return
        if not rest.startswith("+"):
            raise UserError("The clock only moves forward.", "e.g. /clock +3d, +12h or +2w")
        by = parse_duration(rest[1:], low=timedelta(minutes=1), high=timedelta(days=400))
        target = self.clock.now() + by
        self.write(f"  🕒 It is now {target:%a %d %b %Y %H:%M} UTC.")
        self.messenger.hold()
        try:
            report = await self._jump(self.clock, self.dispatcher, target)
        finally:
            self.messenger.stamp = None
            self.messenger.release()
        self._summary(report, target)

    async def _jump(
        self, clock: SimulatedClock, dispatcher: Dispatcher, target: datetime
    ) -> Report:
        """Run everything that falls due before `target` in order, each at its own time,
        as a dispatcher running all along would have: a reminder due on Tuesday 09:00 goes
        out then, and what it changes (an expiry planned after it) follows in turn."""
        report = Report()
        for _ in range(JUMP_STEPS_MAX):
            due = await dispatcher.next_due()
            if due is None or due > target:
                break
            clock.move_to(due)
            self.messenger.stamp = f"{clock.now():%a %H:%M} UTC"
            step = await dispatcher.run_due()
            report.add(step)
            if not step.claimed:  # due but not claimable here: stop rather than spin
                break
        clock.move_to(target)
        self.messenger.stamp = f"{clock.now():%a %H:%M} UTC"
        report.add(await dispatcher.run_due())
        return report

    def _summary(self, report: Report, target: datetime) -> None:
        still = [w for w in report.waiting.values() if w.until > target]
        for wait in sorted(still, key=lambda w: w.until):
            if wait.paused:
                self.write(f"  ⏸ A prompt to @{wait.recipient} is held while they are paused.")
                continue
            local = wait.until.astimezone(_zone(wait.timezone))
            self.write(
                f"  ⏳ A prompt to @{wait.recipient} waits until "
                f"{local:%a %H:%M} {wait.recipient}'s time (their contact window)."
            )
        merged = report.outcomes["merged into digest"]
        summary = f"  Sent {plural(report.sent, 'prompt')}"
        if still:
            verb = "waits" if len(still) == 1 else "wait"
            summary += f"; {len(still)} {verb} for a contact window or a pause"
        if merged:
            summary += f"; {merged} held for tomorrow's digest (daily cap)"
        self.write(summary + ".")

    def _show(self, user_id: str, result: Reply) -> None:
        marker = "" if result.ok else "⚠ "
        kept = self.messenger.remember(user_id, result.message) if user_id else []
        lines = [*render(result.message), *still_there(kept)]
        for i, text in enumerate(lines):
            self.write(f"  {marker if i == 0 else ''}{text}")
        if len(result.errors) > 1:  # a form refused field by field: every field's reason
            for name, reason in result.errors:
                self.write(f"    {name}: {reason}")

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
                f"Your latest message has {plural(len(choices), 'button')}."
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


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):  # a stored zone this machine lacks: say it in UTC
        return ZoneInfo("UTC")


def clean_typed(text: str) -> str:
    """A typed line without its newline, key escape sequences or control characters."""
    return _ESCAPES.sub("", text.replace("\t", " ")).strip()


async def _typed(prompt: str) -> str:
    """input() in a thread of its own that never holds the exit up: on Ctrl-C the
    console closes at once instead of waiting for one more line to be typed."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(text: str | None, error: BaseException | None) -> None:
        if line.done():
            return
        if error is not None:
            line.set_exception(error)
        else:
            line.set_result(text or "")

    def read() -> None:
        try:
            text, error = input(prompt), None
        except (EOFError, KeyboardInterrupt, OSError) as problem:
            text, error = None, EOFError() if not isinstance(problem, EOFError) else problem
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(settle, text, error)

    threading.Thread(target=read, name="console-input", daemon=True).start()
    return await line


def _line_editing() -> None:
    """Arrow keys edit the line and walk the history, where the terminal has readline."""
    # Importing it is what turns line editing on for input(); where it is missing
    # (Windows), plain input still works.
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401
