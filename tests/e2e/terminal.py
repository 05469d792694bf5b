"""A console community in-process: type commands, read what the terminal prints."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from adapters.console.clock import SimulatedClock
from adapters.console.messenger import ConsoleMessenger
from adapters.console.repl import COMMUNITY, PLATFORM, Console
from bot.bootstrap import bootstrap
from bot.config import Settings

_BUTTON = re.compile(r"\[(\d+)\] ([^\[]+?)(?=\s*(?:\[\d+\]|$|:))")
# A message sent during a /clock jump says when: "── Tue 09:00 UTC: DM to @bob ──".
_STAMP = re.compile(r"^── (\w{3} \d\d:\d\d UTC): ")


@dataclass
class Printed:
    """What one command printed: the reply to the typist and each DM or conversation."""

    lines: list[str]
    reply: list[str] = field(default_factory=list)
    blocks: list[tuple[str, list[str]]] = field(default_factory=list)  # (header, body)
    times: list[str] = field(default_factory=list)  # each block's simulated time, or ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def reply_text(self) -> str:
        return "\n".join(self.reply)

    @property
    def warned(self) -> bool:
        return bool(self.reply) and self.reply[0].lstrip().startswith("⚠")

    def dm(self, name: str) -> str:
        """The DM the bot sent to @name during this command ("" when none)."""
        found = [body for header, body in self.blocks if header == f"── DM to @{name} ──"]
        assert len(found) <= 1, f"several DMs to @{name}"
        return "\n".join(found[0]) if found else ""

    def sent_at(self, name: str) -> str:
        """The simulated time ("Tue 09:00 UTC") the DM to @name was sent at in a jump."""
        for (header, _), when in zip(self.blocks, self.times, strict=True):
            if header == f"── DM to @{name} ──":
                return when
        raise AssertionError(f"no DM to @{name} in:\n{self.text}")

    def dm_recipients(self) -> list[str]:
        return [
            h.removeprefix("── DM to @").removesuffix(" ──") for h, _ in self.blocks if "DM" in h
        ]

    def groups(self) -> list[tuple[str, str]]:
        """Group conversations opened: (header, body)."""
        return [(h, "\n".join(b)) for h, b in self.blocks if h.startswith("── group")]

    def button(self, label: str) -> int:
        """The number to /press for the button whose label starts with `label`."""
        for text in self.lines:
            for number, name in _BUTTON.findall(text):
                if name.strip().startswith(label):
                    return int(number)
        raise AssertionError(f"no button {label!r} in:\n{self.text}")


@dataclass
class Terminal:
    console: Console
    clock: SimulatedClock
    printed: list[tuple[str, str]]  # (who printed: "bot" for DMs, "reply"), text

    async def do(self, command: str) -> Printed:
        start = len(self.printed)
        await self.console.execute(command)
        new = self.printed[start:]
        out = Printed([text for _, text in new])
        for source, text in new:
            if source == "bot" and text.startswith("── "):
                stamp = _STAMP.match(text)
                out.times.append(stamp.group(1) if stamp else "")
                header = _STAMP.sub("── ", text)
                out.blocks.append((header, []))
            elif source == "bot":
                out.blocks[-1][1].append(text)
            else:
                out.reply.append(text)
        return out

    async def as_(self, name: str) -> Printed:
        out = await self.do(f"/as {name}")
        assert out.reply == [f"  You are now @{name}."], out.text
        return out


@asynccontextmanager
async def console_community(
    directory: Path,
    start: datetime = datetime(2026, 3, 2, 10, 0, tzinfo=UTC),  # a Monday
) -> AsyncIterator[Terminal]:
    """The core wired as `networker console` wires it, with a clock the test moves."""
    printed: list[tuple[str, str]] = []
    clock = SimulatedClock(start=start)
    messenger = ConsoleMessenger(lambda text: printed.append(("bot", text)))
    settings = Settings(database_url=f"sqlite+aiosqlite:///{directory}/x.db", _env_file=None)  # type: ignore[call-arg]
    runtime = await bootstrap(settings, messengers={PLATFORM: messenger}, clock=clock)
    try:
        await runtime.app.register_community(PLATFORM, COMMUNITY, "Console community")
        console = Console(
            runtime.app,
            messenger,
            lambda text: printed.append(("reply", text)),
            dispatcher=runtime.dispatcher,
            clock=clock,
        )
        yield Terminal(console, clock, printed)
    finally:
        await runtime.close()
