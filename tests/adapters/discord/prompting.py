"""The prompt stories (tests/adapters/prompting.py) on Discord: interactions injected as
the gateway delivers them, the REST double read as a member would see it.

What only Discord has is checked here, on every answer and tick: a button's answer either
updates the message it was on (type 7) or is a new message only its presser sees (type
4, ephemeral); a form is a modal (type 9) whose custom id names the guild; every DM a
tick sends carries the key of a prompt that tick claimed as its nonce, enforced."""

from __future__ import annotations

import re
from typing import Any

import discord.utils

from bot.prompts.dispatcher import Report
from tests.adapters.discord.conftest import GUILD_ID, DiscordWorld, Person, drain, labels
from tests.adapters.discord.double import Request
from tests.adapters.prompting import Answer, Form, PromptDriver

MESSAGES = r"/channels/\d+/messages"
NEW_MESSAGE, UPDATE_MESSAGE, MODAL = 4, 7, 9  # interaction callback types
BUTTON = 2  # a message component type


class DiscordPrompts(PromptDriver[Request]):
    bold_mark = "**"
    field_separator = ": "

    def __init__(self, world: DiscordWorld) -> None:
        self.world = world
        self.core, self.clock, self.settings = world.core, world.clock, world.settings
        self.attempts: dict[int, int] = {}  # prompt id → attempts after the last tick

    def person(self, who: str) -> Person:
        return self.world.person(who)

    async def members(self, *names: str) -> None:
        for name in names:
            self.person(name)

    def user_id(self, who: str) -> str:
        return self.person(who).id

    def escaped(self, text: str) -> str:
        return discord.utils.escape_markdown(text)

    async def command(self, who: str, name: str, *words: str, **options: str) -> str:
        return (await self.world.command(self.person(who), name, *words, **options)).said

    async def ask(self, who: str, member: str, request: str) -> str:
        asked = self.world.command(
            self.person(who), "ask", member=self.person(member), request=request
        )
        return (await asked).said

    async def intro(self, who: str, a: str, b: str, why: str) -> str:
        pair = {"a": self.person(a), "b": self.person(b)}
        return (await self.world.command(self.person(who), "intro", **pair, why=why)).said

    def clear(self) -> None:
        self.world.double.clear()

    def posted(self) -> list[Request]:
        return self.world.double.calls("POST", MESSAGES)

    def dms(self, who: str) -> list[Request]:
        return self.world.double.dms(self.user_id(who))

    def text(self, message: Request) -> str:
        return str(message.json["content"])

    def headline(self, message: Request) -> str:
        return self.text(message).split("\n", 1)[0]

    def labels(self, message: Request) -> list[str]:
        return labels(message.json["components"])

    async def press(self, who: str, message: Request, label: str) -> Answer:
        answer = await self.world.press(self.person(who), message, label)
        assert answer.type in (NEW_MESSAGE, UPDATE_MESSAGE), answer.callback
        replaced = answer.type == UPDATE_MESSAGE
        assert replaced or answer.ephemeral, answer.callback
        rows = answer.data.get("components") or []
        assert all(item["type"] == BUTTON for row in rows for item in row["components"]), rows
        headline = answer.shown.split("\n", 1)[0]  # as it reads in the end (edits included)
        return Answer(answer.shown, headline, replaced, labels(rows))

    async def open_form(self, who: str, message: Request, label: str) -> Form:
        opened = await self.world.press(self.person(who), message, label)
        assert opened.type == MODAL, opened.callback
        prefix, guild, action, _value = opened.data["custom_id"].split("|", 3)
        assert (prefix, guild) == ("nw", GUILD_ID), opened.data["custom_id"]
        inputs = opened.data["components"]
        fields = [(i["label"], i["component"].get("required") is True) for i in inputs]
        return Form(opened.data["title"], action, fields, opened)

    async def submit(self, who: str, form: Form, **values: str) -> str:
        done = await self.world.submit(self.person(who), form.opened, values)
        assert done.type == NEW_MESSAGE and done.ephemeral, done.callback
        return done.content

    async def settled(self) -> None:
        await drain()

    async def tick(self, **config: Any) -> Report:
        """Only a tick claims a prompt (and counts an attempt), so what the last tick left
        tells which prompts this one claimed."""
        since = len(self.world.double.requests)
        report = await super().tick(**config)
        before, self.attempts = self.attempts, {r["id"]: r["attempts"] for r in await self.rows()}
        claimed = {f"p{i}" for i, n in self.attempts.items() if n > before.get(i, 0)}
        posts = [
            r
            for r in self.world.double.requests[since:]
            if r.method == "POST" and re.fullmatch(MESSAGES, r.path)
        ]
        for request in posts:
            assert request.json["nonce"] in claimed, (request.json, claimed)
            assert request.json["enforce_nonce"] is True, request.json
        made = [r.json["nonce"] for r in posts if r.created]
        assert len(made) == len(set(made)), made  # each prompt's DM under its own key
        return report
