"""Drive the core as members of a community would, through the real use cases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from adapters.text_commands import Dialect
from bot.domain.errors import UserError
from bot.messages import Button, Reply, render_plain
from bot.services import commands as c
from bot.services.app import Networker
from tests.fakes import FakeMessenger


async def _read_mention(text: str, usage: str) -> tuple[c.MemberRef, str]:
    token, _, rest = text.partition(" ")
    if not token.startswith("@"):
        raise UserError(f"Start with a member. Usage: {usage}")
    return c.MemberRef(token[1:], token[1:]), rest


# Typed commands as the console reads them, with @name taken at its word.
TEXT_DIALECT = Dialect(_read_mention, mention_prefix="@")


def ref(name: str) -> c.MemberRef:
    return c.MemberRef(f"U-{name}", name.capitalize())


@dataclass
class Community:
    app: Networker
    messenger: FakeMessenger
    external_id: str
    platform: str = "test"

    def member(
        self, name: str, *, organiser: bool = False, platform_tz: str | None = None
    ) -> Member:
        return Member(self, name, organiser, platform_tz)


@dataclass
class Member:
    community: Community
    name: str
    organiser: bool = False
    platform_tz: str | None = None  # the time zone the platform reports, if any

    @property
    def ref(self) -> c.MemberRef:
        if self.platform_tz:
            return c.MemberRef(f"U-{self.name}", self.name.capitalize(), self.platform_tz)
        return ref(self.name)

    @property
    def id(self) -> str:
        return self.ref.user_id

    async def do(self, command: c.Command, event_id: str | None = None) -> Reply:
        result = await self.event(command, event_id)
        assert result is not None
        return result

    async def event(self, command: c.Command, event_id: str | None) -> Reply | None:
        """A command delivered by the platform with an event id (None: a retry we ignored)."""
        actor = c.Actor(
            self.community.platform, self.community.external_id, self.ref, self.organiser
        )
        return await self.community.app.handle(actor, command, event_id=event_id)

    async def profile(self, text: str) -> Reply:
        result = await self.do(c.EditProfile(text=text))
        assert result.ok, result.text
        return result

    async def whoknows(self, topic: str) -> Reply:
        return await self.do(c.WhoKnows(topic))

    async def ask(self, helper: Member, request: str, topic: str | None = None) -> Reply:
        return await self.do(c.Ask(helper.ref, request, topic))

    async def intro(self, a: Member, b: Member, reason: str) -> Reply:
        return await self.do(c.Intro(a.ref, b.ref, reason))

    async def thank(self, receiver: Member, note: str) -> Reply:
        return await self.do(c.Thank(receiver.ref, note))

    async def press(
        self, button: Button, inputs: dict[str, str] | None = None, mentioned: Member | None = None
    ) -> Reply:
        return await self.do(
            c.Press(button.action, button.value, inputs or {}, mentioned.ref if mentioned else None)
        )

    async def edit(self, text: str) -> Reply:
        """A profile edit that may be refused (profile() insists that it succeeds)."""
        return await self.do(c.EditProfile(text=text))

    async def my_profile(self) -> str:
        return (await self.do(c.EditProfile(text=""))).text

    async def view(self, other: Member) -> Reply:
        return await self.do(c.ViewProfile(other.ref))

    async def endorse(self, other: Member, topic: str) -> Reply:
        return await self.do(c.Endorse(other.ref, topic))

    async def me(self) -> Reply:
        return await self.do(c.Me())

    async def export(self) -> dict[str, Any]:
        result = await self.do(c.Export())
        assert result.ok, result.text
        data: dict[str, Any] = json.loads(render_plain(result.message.sections[1].text))
        return data

    async def forget(self) -> Reply:
        """/networker forget, then the confirmation button."""
        asked = await self.do(c.Forget())
        return await self.press(button_on(asked, "Yes, forget me"))

    async def pause(self, paused: bool = True) -> Reply:
        return await self.do(c.Pause(paused))

    async def settings(self, key: str | None = None, value: str | None = None) -> Reply:
        return await self.do(c.Settings(key, value))

    async def alias(self, alias: str, topic: str) -> Reply:
        return await self.do(c.AddAlias(alias, topic))

    async def stats(self) -> Reply:
        return await self.do(c.Stats())

    def dms(self) -> list[str]:
        """Every DM this member got, oldest first."""
        return [s.text for s in self.community.messenger.to(self.id)]

    def groups(self) -> list[str]:
        """Every group conversation opened with this member in it."""
        return [s.text for s in self.community.messenger.to(self.id, kind="group")]

    async def decline(self, note: str = "", suggest: Member | None = None) -> Reply:
        """Press Decline on the latest consent DM, then send its form."""
        shown = await self.press(self.button("Decline"))
        form = shown.message.form
        assert form is not None, shown.text
        inputs = {"note": note} if note else {}
        return await self.press(Button(form.submit, form.action, form.value), inputs, suggest)

    def last_dm(self) -> str:
        dms = self.community.messenger.to(self.id)
        assert dms, f"{self.name} got no DM"
        return dms[-1].text

    def button(self, label: str) -> Button:
        """A button on the latest DM this member got, by (the start of) its label."""
        for sent in reversed(self.community.messenger.to(self.id)):
            for b in sent.message.buttons:
                if b.label.startswith(label):
                    return b
        raise AssertionError(f"{self.name} has no button {label!r}")


def names_in(result: Reply) -> list[str]:
    """Member names listed by a /whoknows reply, best first."""
    from bot.messages import Mention

    out = []
    for section in result.message.sections[1:]:
        out += [s.name for s in section.text if isinstance(s, Mention)]
    return out


def button_on(result: Reply, label: str) -> Button:
    """A button on a reply, by (the start of) its label."""
    for b in result.message.buttons:
        if b.label.startswith(label):
            return b
    raise AssertionError(f"no button {label!r} in {[b.label for b in result.message.buttons]}")
