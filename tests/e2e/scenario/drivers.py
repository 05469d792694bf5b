"""Drivers that let one scenario run through the console, Slack and Discord adapters.

Every driver speaks in member names ("ana") and returns text as a member reads it, with
platform mentions (``<@UANA>``, ``<@9300…>``) rewritten to ``@name``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable
from typing import Any, Protocol

from adapters.console.render import render
from tests.adapters.discord.conftest import Answer, DiscordWorld, Person, buttons
from tests.adapters.discord.double import Request, dm_channel
from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import button, dm, empty_ack, ephemeral, shown, submit, views
from tests.e2e.terminal import Printed, Terminal

Json = dict[str, Any]


class Driver(Protocol):
    async def members(self, *names: str) -> None: ...

    async def profile(self, who: str, text: str) -> str: ...

    async def whoknows(self, who: str, topic: str) -> str: ...

    async def press(self, who: str, label: str, **inputs: str) -> str:
        """Press the button starting with `label` on the latest message with buttons `who`
        received (a reply or a DM); when it opens a form, submit `inputs`."""
        ...

    async def intro(self, who: str, a: str, b: str, why: str) -> str: ...

    async def thanks(self, who: str, member: str, note: str) -> str: ...

    def dms(self, who: str) -> list[str]: ...

    def forms(self, who: str) -> list[str]:
        """The text of every form opened for `who`."""
        ...

    def conversations(self) -> list[set[str]]:
        """Member names of each conversation opened, in order."""
        ...


# --- console -------------------------------------------------------------------------------


class ConsoleDriver:
    """Types into the console REPL as each member (``/as Ana``)."""

    def __init__(self, term: Terminal) -> None:
        self.term = term
        self.latest: dict[str, list[str]] = {}  # who → lines of the latest message with buttons
        self._forms: dict[str, list[str]] = {}
        self.names: set[str] = set()
        self.since = 0  # the log from here on: the members' welcome DMs are not the story's

    def plain(self, text: str) -> str:
        """The console mentions by display name (@Ana); the scenario reads @ana."""
        lines = "\n".join(line.strip() for line in text.splitlines())
        known = "|".join(re.escape(n.capitalize()) for n in sorted(self.names)) or "(?!)"
        return re.sub(rf"@({known})\b", lambda m: "@" + m[1].lower(), lines)

    async def _do(self, who: str, command: str) -> Printed:
        switched = await self.term.do(f"/as {who.capitalize()}")
        assert switched.reply == [f"  You are now @{who}."], switched.text
        out = await self.term.do(command)
        if _has_buttons(out.reply):
            self.latest[who] = out.reply
        for header, body in out.blocks:
            if header.startswith("── DM to @") and _has_buttons(body):
                self.latest[header.removeprefix("── DM to @").removesuffix(" ──")] = body
        return out

    async def members(self, *names: str) -> None:
        for name in names:
            self.names.add(name)
            out = await self.term.do(f"/as {name.capitalize()}")
            assert not out.warned, out.text
        self.since = len(self.term.console.messenger.log)

    async def profile(self, who: str, text: str) -> str:
        return self.plain((await self._do(who, f"/profile {text}")).reply_text)

    async def whoknows(self, who: str, topic: str) -> str:
        return self.plain((await self._do(who, f"/whoknows {topic}")).reply_text)

    async def press(self, who: str, label: str, **inputs: str) -> str:
        number = Printed(self.latest[who]).button(label)
        out = await self._do(who, f"/press {number}")
        if not inputs:
            return self.plain(out.reply_text)
        self._forms.setdefault(who, []).append(self.plain(out.reply_text))
        choices = self.term.console.messenger.choices[who]
        [submit_at] = [n for n, choice in enumerate(choices, 1) if choice.form is not None]
        fields = " ".join(f"{key}={shlex.quote(value)}" for key, value in inputs.items())
        return self.plain((await self._do(who, f"/press {submit_at} {fields}")).reply_text)

    async def intro(self, who: str, a: str, b: str, why: str) -> str:
        return self.plain((await self._do(who, f"/intro @{a} @{b} {why}")).reply_text)

    async def thanks(self, who: str, member: str, note: str) -> str:
        return self.plain((await self._do(who, f"/thanks @{member} {note}")).reply_text)

    def dms(self, who: str) -> list[str]:
        return [
            self.plain("\n".join(render(message)))
            for kind, recipients, message in self.term.console.messenger.log[self.since :]
            if kind == "dm" and recipients == (who,)
        ]

    def forms(self, who: str) -> list[str]:
        return self._forms.get(who, [])

    def conversations(self) -> list[set[str]]:
        return [
            set(members) for kind, members, _ in self.term.console.messenger.log if kind == "group"
        ]


def _has_buttons(lines: list[str]) -> bool:
    return any(re.search(r"\[\d+\] \w", line) for line in lines)


# --- Slack ---------------------------------------------------------------------------------


class SlackDriver:
    """Signed slash commands, button clicks and modal submissions to the Slack adapter."""

    def __init__(self, world: SlackWorld) -> None:
        self.world = world
        self.ids: dict[str, str] = {}
        self.latest: dict[str, tuple[str, list[Json]]] = {}  # who → (channel, blocks)
        self._forms: dict[str, list[str]] = {}
        self._responses = 0

    def plain(self, text: str) -> str:
        names = {user: name for name, user in self.ids.items()}
        return re.sub(r"<@(\w+)(?:\|[^>]*)?>", lambda m: "@" + names.get(m[1], m[1]), text)

    def _track(self, since: int) -> None:
        """Remember the latest DM with buttons each member got since call `since`."""
        for call in self.world.double.calls[since:]:
            if call.method != "chat.postMessage":
                continue
            for name, user in self.ids.items():
                if call.params.get("channel") == dm(user) and _slack_buttons(call.params):
                    self.latest[name] = (dm(user), call.params["blocks"])

    async def members(self, *names: str) -> None:
        for name in names:
            self.ids[name] = self.world.user(f"U{name.upper()}", name)

    async def _command(self, who: str, command: str, text: str) -> str:
        since = len(self.world.double.calls)
        body = ephemeral(await self.world.sender.command(command, text, user=self.ids[who]))
        if _slack_buttons(body):
            self.latest[who] = ("C1", body["blocks"])
        self._track(since)
        return self.plain(shown(body["blocks"]))

    async def profile(self, who: str, text: str) -> str:
        return await self._command(who, "/profile", text)

    async def whoknows(self, who: str, topic: str) -> str:
        return await self._command(who, "/whoknows", topic)

    async def press(self, who: str, label: str, **inputs: str) -> str:
        user = self.ids[who]
        channel, blocks = self.latest[who]
        pressed = button(blocks, label)
        since, opened = len(self.world.double.calls), len(views(self.world))
        self._responses += 1
        name = f"shared-{self._responses}"
        empty_ack(
            await self.world.sender.action(
                pressed["action_id"],
                pressed["value"],
                user=user,
                channel=channel,
                response_url=self.world.double.response_url(name),
            )
        )
        seen = [self.plain(r.get("text", "")) for r in self.world.double.responses.get(name, [])]
        if inputs:
            [form] = views(self.world)[opened:]
            self._forms.setdefault(who, []).append(
                self.plain("\n".join(_view_texts(form["blocks"])))
            )
            submitted = len(self.world.double.calls)
            empty_ack(await submit(self.world, form, user, **inputs))
            # After a modal the answer comes as a DM from the app.
            seen += [
                self.plain(_post_text(c.params))
                for c in self.world.double.calls[submitted:]
                if c.method == "chat.postMessage" and c.params.get("channel") == dm(user)
            ]
        self._track(since)
        return "\n".join(seen)

    async def intro(self, who: str, a: str, b: str, why: str) -> str:
        text = f"<@{self.ids[a]}|{a}> <@{self.ids[b]}|{b}> {why}"
        return await self._command(who, "/intro", text)

    async def thanks(self, who: str, member: str, note: str) -> str:
        return await self._command(who, "/thanks", f"<@{self.ids[member]}|{member}> {note}")

    def dms(self, who: str) -> list[str]:
        return [
            self.plain(_post_text(c.params))
            for c in self.world.double.calls_to("chat.postMessage")
            if c.params.get("channel") == dm(self.ids[who])
        ]

    def forms(self, who: str) -> list[str]:
        return self._forms.get(who, [])

    def conversations(self) -> list[set[str]]:
        """Each conversations.open of several users that then got a chat.postMessage."""
        names = {user: name for name, user in self.ids.items()}
        found: list[set[str]] = []
        calls = self.world.double.calls
        for n, call in enumerate(calls):
            users = str(call.params.get("users", "")).split(",")
            if call.method != "conversations.open" or len(users) < 2:
                continue
            channel = "G" + "-".join(sorted(users))
            assert any(
                later.method == "chat.postMessage" and later.params.get("channel") == channel
                for later in calls[n + 1 :]
            ), f"nothing posted in {channel}"
            found.append({names[u] for u in users})
        return found


def _slack_buttons(params: Json) -> bool:
    return any(
        element.get("type") == "button"
        for block in params.get("blocks") or []
        if block.get("type") == "actions"
        for element in block["elements"]
    )


def _post_text(params: Json) -> str:
    return "\n".join([params.get("text") or "", shown(params.get("blocks") or [])])


def _view_texts(blocks: list[Json]) -> list[str]:
    """Section texts and input labels of a modal."""
    out = [shown([b]) for b in blocks if b.get("type") != "input"]
    out += [b["label"]["text"] for b in blocks if b.get("type") == "input"]
    return out


# --- Discord -------------------------------------------------------------------------------


class DiscordDriver:
    """Gateway interactions injected into the Discord adapter; no intro channel is set, so
    a connection reaches each party as the same DM."""

    def __init__(self, world: DiscordWorld) -> None:
        self.world = world
        self.people: dict[str, Person] = {}
        self.latest: dict[str, Answer | Request] = {}
        self._forms: dict[str, list[str]] = {}
        self._conversations: list[set[str]] = []

    def plain(self, text: str) -> str:
        names = {p.id: name for name, p in self.people.items()}
        text = re.sub(r"<@!?(\d+)>", lambda m: "@" + names.get(m[1], m[1]), text)
        return re.sub(r"\\([_*~`|>\\])", r"\1", text)  # Discord's markdown escapes

    async def _act(self, who: str, answer_of: Awaitable[Answer]) -> Answer:
        """Run one interaction; remember new buttons and DM fan-outs (a conversation)."""
        since = len(self.world.double.requests)
        answer: Answer = await answer_of
        if answer.callbacks and buttons(answer.data.get("components")):
            self.latest[who] = answer
        by_content: dict[str, list[str]] = {}
        for request in self.world.double.requests[since:]:
            for name, person in self.people.items():
                if request.method != "POST" or request.status >= 300:
                    continue
                if request.path != f"/channels/{dm_channel(person.id)}/messages":
                    continue
                if buttons(request.json.get("components")):
                    self.latest[name] = request
                by_content.setdefault(request.json.get("content") or "", []).append(name)
        self._conversations += [set(names) for names in by_content.values() if len(names) > 1]
        return answer

    async def members(self, *names: str) -> None:
        for name in names:
            self.people[name] = self.world.person(name)

    async def _command(self, who: str, answer_of: Awaitable[Answer]) -> str:
        return self.plain((await self._act(who, answer_of)).said)

    async def profile(self, who: str, text: str) -> str:
        return await self._command(
            who, self.world.command(self.people[who], "profile", changes=text)
        )

    async def whoknows(self, who: str, topic: str) -> str:
        return await self._command(
            who, self.world.command(self.people[who], "whoknows", topic=topic)
        )

    async def press(self, who: str, label: str, **inputs: str) -> str:
        person = self.people[who]
        on = self.latest[who]
        answer = await self._act(who, self.world.press(person, on, label))
        if not inputs:
            return self.plain(answer.content)
        assert answer.type == 9, answer.callback  # a modal
        self._forms.setdefault(who, []).append(self.plain(_modal_text(answer.data)))
        submitted = await self._act(who, self.world.submit(person, answer, inputs))
        return self.plain(submitted.content)

    async def intro(self, who: str, a: str, b: str, why: str) -> str:
        people = self.people
        asked = self.world.command(people[who], "intro", a=people[a], b=people[b], why=why)
        return await self._command(who, asked)

    async def thanks(self, who: str, member: str, note: str) -> str:
        people = self.people
        sent = self.world.command(people[who], "thanks", member=people[member], note=note)
        return await self._command(who, sent)

    def dms(self, who: str) -> list[str]:
        return [
            self.plain(r.json.get("content") or "")
            for r in self.world.double.dms(self.people[who].id)
        ]

    def forms(self, who: str) -> list[str]:
        return self._forms.get(who, [])

    def conversations(self) -> list[set[str]]:
        return list(self._conversations)


def _modal_text(data: Json) -> str:
    out = [str(data.get("title", ""))]
    for item in data.get("components") or []:
        out += [str(item.get("label", "")), str(item.get("description", ""))]
        inner = item.get("component") or {}
        out.append(str(inner.get("placeholder", "")))
    return "\n".join(t for t in out if t)
