"""Drive the core as members of a community would, through the real use cases."""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages import Button, Reply
from bot.services import commands as c
from bot.services.app import Networker
from tests.fakes import FakeMessenger


def ref(name: str) -> c.MemberRef:
    return c.MemberRef(f"U-{name}", name.capitalize())


@dataclass
class Community:
    app: Networker
    messenger: FakeMessenger
    external_id: str
    platform: str = "test"

    def member(self, name: str, *, organiser: bool = False) -> Member:
        return Member(self, name, organiser)


@dataclass
class Member:
    community: Community
    name: str
    organiser: bool = False

    @property
    def ref(self) -> c.MemberRef:
        return ref(self.name)

    @property
    def id(self) -> str:
        return self.ref.user_id

    async def do(self, command: c.Command, event_id: str | None = None) -> Reply:
        actor = c.Actor(self.community.platform, self.community.external_id, self.ref, self.organiser)
        result = await self.community.app.handle(actor, command, event_id=event_id)
        assert result is not None
        return result

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

    async def press(self, button: Button, inputs: dict[str, str] | None = None,
                    mentioned: Member | None = None) -> Reply:
        return await self.do(c.Press(button.action, button.value, inputs or {},
                                     mentioned.ref if mentioned else None))

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
