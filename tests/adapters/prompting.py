"""Prompts told once for every platform: what a prompt story needs from a platform's
adapter (`PromptDriver`), the half of it that is the same everywhere, and the steps the
stories share.

A driver speaks in member names ("ana") and hands back what the platform got, exactly:
texts keep the platform's markup, so a story writes what it expects with `mention`,
`bold`, `escaped` and `field`, and checks the formatting as well as the words. What only
one platform has (Slack's `replace_original` and notification text, Discord's message
types, ephemeral flag and nonces) the platform's driver checks as it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from bot.config import Settings
from bot.prompts.dispatcher import Dispatcher, Report
from bot.services.app import Networker
from bot.store.tables import members, prompts
from tests.fakes import FakeClock

Row = dict[str, Any]
M = TypeVar("M")  # a message the bot posted, as the platform's double recorded it

ANA, BEN, CARL, DANA = "ana", "ben", "carl", "dana"
CHECK_BUTTONS = ["Helpful", "We talked", "Not yet", "It didn't happen"]
CONSENT_BUTTONS = ["Accept", "Not now", "Decline"]


@dataclass(frozen=True)
class Answer:
    """The bot's answer to a button."""

    text: str
    headline: str  # what a notification shows: its first section
    replaced: bool  # it took the place of the message the button was on
    buttons: list[str]


@dataclass(frozen=True)
class Form:
    """A form a button opened (a modal, on either platform)."""

    title: str
    action: str  # the action its submission runs
    fields: list[tuple[str, bool]]  # (label, required)
    opened: Any  # what the platform's driver needs to submit it


class PromptDriver(Generic[M]):
    """The platform-neutral half; a platform's driver supplies the rest."""

    bold_mark: str  # what wraps bold text
    field_separator: str  # between a field's label and its value

    core: Networker
    clock: FakeClock
    settings: Settings

    # --- the platform's half ---------------------------------------------------------------

    async def members(self, *names: str) -> None:
        raise NotImplementedError

    def user_id(self, who: str) -> str:
        raise NotImplementedError

    def escaped(self, text: str) -> str:
        """`text` as the platform shows member-written text: its markup made inert."""
        raise NotImplementedError

    async def command(self, who: str, name: str, *words: str, **options: str) -> str:
        """Run `/name` as `who`; returns the private answer. `words`: a subcommand;
        `options`: its arguments (Discord's typed options, the rest of Slack's line)."""
        raise NotImplementedError

    async def ask(self, who: str, member: str, request: str) -> str:
        raise NotImplementedError

    async def intro(self, who: str, a: str, b: str, why: str) -> str:
        raise NotImplementedError

    def clear(self) -> None:
        """Forget what the double saw so far."""
        raise NotImplementedError

    def posted(self) -> list[M]:
        """Every message the bot posted, anywhere, since `clear`."""
        raise NotImplementedError

    def dms(self, who: str) -> list[M]:
        raise NotImplementedError

    def text(self, message: M) -> str:
        raise NotImplementedError

    def headline(self, message: M) -> str:
        """What a notification shows of the message: its first section."""
        raise NotImplementedError

    def labels(self, message: M) -> list[str]:
        raise NotImplementedError

    async def press(self, who: str, message: M, label: str) -> Answer:
        raise NotImplementedError

    async def open_form(self, who: str, message: M, label: str) -> Form:
        raise NotImplementedError

    async def submit(self, who: str, form: Form, **values: str) -> str:
        """Submit the form; returns what tells `who` it went through."""
        raise NotImplementedError

    async def settled(self) -> None:
        """Wait until the adapter has finished what a tick started."""

    # --- the same everywhere -----------------------------------------------------------------

    def mention(self, who: str) -> str:
        return f"<@{self.user_id(who)}>"

    def bold(self, text: str) -> str:
        return f"{self.bold_mark}{text}{self.bold_mark}"

    def field(self, label: str, value: str) -> str:
        return f"{self.bold(self.escaped(label))}{self.field_separator}{value}"

    def dm(self, who: str) -> M:
        """The one DM `who` got since `clear`."""
        found = self.dms(who)
        assert len(found) == 1, [self.text(m) for m in found]
        return found[0]

    def texts(self, who: str) -> list[str]:
        return [self.text(m) for m in self.dms(who)]

    async def set_profile(self, who: str, changes: str) -> None:
        said = await self.command(who, "profile", changes=changes)
        assert said.startswith("Saved."), said

    async def tick(self, **config: Any) -> Report:
        """What the scheduler does on its next ticks: send everything due now."""
        settings = self.settings.model_copy(update=config) if config else self.settings
        dispatcher = Dispatcher(self.core.units, self.clock, settings, self.core.messengers)
        total = Report()
        for _ in range(5):  # a pass may plan prompts due at once (expiry, thanks, loop closing)
            report = await dispatcher.run_due()
            total.add(report)
            if not report.claimed:
                break
        await self.settled()
        return total

    async def after(self, **delta: float) -> Report:
        """Let time pass (`timedelta` arguments), then tick."""
        self.clock.advance(**delta)
        return await self.tick()

    async def checks_of(self, who: str) -> list[Row]:
        """The "did you connect?" rows addressed to one member."""
        async with self.core.units.sessions() as session:
            found = await session.scalar(
                select(members.c.id).where(members.c.platform_user_id == self.user_id(who))
            )
        return [r for r in await self.rows("connect_check") if r["recipient_id"] == found]

    async def rows(self, kind: str | None = None) -> list[Row]:
        async with self.core.units.sessions() as session:
            query = select(prompts).order_by(prompts.c.id)
            if kind is not None:
                query = query.where(prompts.c.kind == kind)
            return [dict(r) for r in (await session.execute(query)).mappings()]


# --- steps the stories share -------------------------------------------------------------------


async def introduced(d: PromptDriver[Any]) -> None:
    """Dana introduces Ana and Ben; nobody has answered yet."""
    await d.members(ANA, BEN, CARL, DANA)
    done = await d.intro(DANA, ANA, BEN, "Both run Kubernetes meetups")
    assert done.startswith("Done!"), done


async def connected(d: PromptDriver[Any]) -> None:
    """Both accepted Dana's introduction (from their consent DMs); the double is cleared."""
    await introduced(d)
    for who in (BEN, ANA):
        answer = await d.press(who, d.dms(who)[0], "Accept")
        assert answer.replaced, answer
    d.clear()


async def connected_only_ana_asked(d: PromptDriver[Any]) -> None:
    """Connected, and Ben turned "did you connect?" off: four days on, only Ana's check
    goes out (the delivery stories follow that one DM)."""
    await connected(d)
    said = await d.command(BEN, "networker", "prompts", switch="off", kind="connect_check")
    assert said.startswith(f"Saved: {d.escaped('connect_check')} is off."), said
    d.clear()


async def checked(d: PromptDriver[Any]) -> Any:
    """Connected four days ago: Ana's "did you connect?" DM (Ben has his own); the double
    is cleared."""
    await connected(d)
    assert (await d.after(days=4)).sent == 2, "the checks four days on, one each"
    check = d.dm(ANA)
    d.clear()
    return check


async def unreachable_from_now_on(d: PromptDriver[Any], error: str) -> None:
    """After the platform refused Ana's "did you connect?" DM for good: the prompt is
    cancelled, asks to her are refused, and nothing is tried again."""
    [check] = await d.checks_of(ANA)
    assert (check["state"], check["last_error"]) == ("cancelled", error), check
    refused = await d.ask(DANA, ANA, "Could you review my helm charts?")
    assert refused.startswith("I can't reach Ana by direct message on this platform."), refused
    assert (await d.after(days=1)).claimed == 0, "never tried again"


async def sent_after_its_back_off(d: PromptDriver[Any], error: str) -> None:
    """After a server error on Ana's "did you connect?" DM: tried again a minute later."""
    [check] = await d.checks_of(ANA)
    assert (check["state"], check["attempts"], check["last_error"]) == ("pending", 1, error), check
    assert check["due_at"] == d.clock.now() + timedelta(minutes=1), check
    assert (await d.tick()).claimed == 0, "not before its back-off"

    assert (await d.after(minutes=1)).sent == 1, "a minute later"
    assert d.labels(d.dms(ANA)[-1]) == CHECK_BUTTONS
