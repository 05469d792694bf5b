"""The prompt stories (tests/adapters/prompting.py) on Slack: signed requests to the real
endpoint, the Web API double read as a member would see it.

What only Slack has is checked here, on every message and answer read: its notification
text (`text`) is its first section, and an answer says whether it replaces the message
its button was on (`replace_original`, a bool)."""

from __future__ import annotations

from tests.adapters.prompting import Answer, Form, PromptDriver
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    empty_ack,
    labels,
    mrkdwn,
    posts,
    said,
    shown,
    submit,
    views,
)
from tests.adapters.slack.helpers import press as press_button


class SlackPrompts(PromptDriver[Json]):
    bold_mark = "*"
    field_separator = "\n"

    def __init__(self, world: SlackWorld) -> None:
        self.world = world
        self.core, self.clock, self.settings = world.core, world.clock, world.runtime.settings
        self.ids: dict[str, str] = {}

    async def members(self, *names: str) -> None:
        for name in names:
            self.ids[name] = self.world.user(f"U{name.upper()}", name)

    def user_id(self, who: str) -> str:
        return self.ids[who]

    def escaped(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    async def command(self, who: str, name: str, *words: str, **options: str) -> str:
        text = " ".join([*words, *options.values()])
        return said(await self.world.sender.command(f"/{name}", text, user=self.ids[who]))

    async def ask(self, who: str, member: str, request: str) -> str:
        return await self.command(who, "ask", f"<@{self.ids[member]}|{member}>", request)

    async def intro(self, who: str, a: str, b: str, why: str) -> str:
        pair = f"<@{self.ids[a]}|{a}> <@{self.ids[b]}|{b}>"
        return await self.command(who, "intro", pair, why)

    def clear(self) -> None:
        self.world.double.clear()

    def posted(self) -> list[Json]:
        return posts(self.world)

    def dms(self, who: str) -> list[Json]:
        return posts(self.world, dm(self.ids[who]))

    def text(self, message: Json) -> str:
        sections = mrkdwn(message["blocks"])
        assert message["text"] == sections[0], message  # what a notification shows
        return shown(message["blocks"])

    def headline(self, message: Json) -> str:
        return str(message["text"])

    def labels(self, message: Json) -> list[str]:
        return labels(message["blocks"])

    async def press(self, who: str, message: Json, label: str) -> Answer:
        # The last answer is what the member sees (one that said "on its way" is updated
        # once the conversation is open).
        *_, answer = await press_button(self.world, self.ids[who], button(message["blocks"], label))
        replaced = answer["replace_original"]
        assert isinstance(replaced, bool), answer
        text = self.text(answer)
        return Answer(text, answer["text"], replaced, labels(answer["blocks"]))

    async def open_form(self, who: str, message: Json, label: str) -> Form:
        opened = len(views(self.world))
        pressed = button(message["blocks"], label)
        assert await press_button(self.world, self.ids[who], pressed) == []  # a modal instead
        [view] = views(self.world)[opened:]
        inputs = [b for b in view["blocks"] if b["type"] == "input"]
        fields = [(b["label"]["text"], not b["optional"]) for b in inputs]
        return Form(view["title"]["text"], view["callback_id"], fields, view)

    async def submit(self, who: str, form: Form, **values: str) -> str:
        """Slack acknowledges a modal with an empty answer; the news comes as a DM."""
        before = len(self.dms(who))
        empty_ack(await submit(self.world, form.opened, self.ids[who], **values))
        return "\n".join(self.text(m) for m in self.dms(who)[before:])
