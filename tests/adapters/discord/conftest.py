"""Fixtures for tests that drive the real discord.py client against the REST double.

Nothing opens a gateway connection: ``client.login()`` talks to the double only, and
gateway events are handed to the client's parsers as the gateway would deliver them
(``INTERACTION_CREATE``, ``GUILD_CREATE``, ``GUILD_DELETE``, ``READY``). discord.py runs
each dispatch in a named task; ``drain()`` waits for all of them, so every test reads the
double's requests after the bot is done.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import discord
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.discord.bot import PLATFORM
from adapters.discord.runtime import DiscordAdapter
from bot.config import Settings
from bot.services.app import Networker
from bot.store.engine import make_engine
from bot.store.unit_of_work import SqlUnitOfWorkFactory
from tests.adapters.discord.double import (
    APP_ID,
    EPHEMERAL,
    OWNER_ID,
    TIMESTAMP,
    TOKEN,
    DiscordDouble,
    Json,
    Request,
    message_payload,
    snowflake,
    user_payload,
)
from tests.database import fresh_engine
from tests.fakes import FakeClock

GUILD_ID = "910000000000000001"
GENERAL = "920000000000000001"  # where members run commands
INTROS = "920000000000000002"  # the intro channel, once an organiser sets it
ORGANISERS_ROLE = "940000000000000001"  # has Manage Server
MEMBER_PERMISSIONS = discord.Permissions(
    view_channel=True, send_messages=True, use_application_commands=True
)
ORGANISER_PERMISSIONS = discord.Permissions(MEMBER_PERMISSIONS.value, manage_guild=True)

DISPATCH_TASKS = (
    "CommandTree-invoker",
    "discord.py: ",
    "discord-ui-view-dispatch-",
    "discord-ui-dynamic-item-",
    "discord-ui-modal-dispatch-",
)


async def drain(seconds: float = 10.0) -> None:
    """Wait until every task discord.py started to dispatch an event has finished."""

    async def loop() -> None:
        while True:
            await asyncio.sleep(0)
            pending = [
                t
                for t in asyncio.all_tasks()
                if not t.done() and t.get_name().startswith(DISPATCH_TASKS)
            ]
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)

    await asyncio.wait_for(loop(), seconds)


@dataclass(frozen=True)
class PickedChannel:
    """A channel chosen in a command's channel picker."""

    id: str
    name: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str  # username; the display name is capitalised ("ana" → "Ana")
    organiser: bool = False

    @property
    def display(self) -> str:
        return self.name.capitalize()

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


def member_payload(person: Person, *, with_user: bool = True) -> Json:
    roles = [ORGANISERS_ROLE] if person.organiser else []
    perms = ORGANISER_PERMISSIONS if person.organiser else MEMBER_PERMISSIONS
    found: Json = {
        "roles": roles,
        "joined_at": TIMESTAMP,
        "flags": 0,
        "nick": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "permissions": str(perms.value),
    }
    if with_user:
        found["user"] = user_payload(person.id, person.name)
    return found


def guild_payload(guild_id: str, name: str) -> Json:
    """GUILD_CREATE as the gateway sends it when the bot joins (no `unavailable` key).

    The roles are what discord.py reads for `guild_permissions` (the organiser check)."""
    return {
        "id": guild_id,
        "name": name,
        "owner_id": OWNER_ID,
        "member_count": 5,
        "features": [],
        "emojis": [],
        "stickers": [],
        "channels": [],
        "threads": [],
        "members": [],
        "voice_states": [],
        "roles": [
            {"id": guild_id, "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS.value)},
            {
                "id": ORGANISERS_ROLE,
                "name": "Organisers",
                "permissions": str(discord.Permissions(manage_guild=True).value),
                "position": 1,
            },
        ],
    }


@dataclass
class Answer:
    """What the bot did for one injected interaction: its callback and follow-ups."""

    interaction: Json
    callbacks: list[Request]
    followups: list[Request]
    edits: list[Request] = field(default_factory=list)  # the answer, edited afterwards

    @property
    def callback(self) -> Json:
        assert len(self.callbacks) == 1, [c.json for c in self.callbacks]
        assert self.callbacks[0].query == {"with_response": "1"}
        body: Json = self.callbacks[0].json
        return body

    @property
    def type(self) -> int:
        return int(self.callback["type"])

    @property
    def data(self) -> Json:
        found: Json = self.callback.get("data") or {}
        return found

    @property
    def content(self) -> str:
        return str(self.data.get("content", ""))

    @property
    def shown(self) -> str:
        """What the answer says in the end: its last edit, or as first sent."""
        return str(self.edits[-1].json["content"]) if self.edits else self.content

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def said(self) -> str:
        """The text of an ephemeral message answer (type 4, flag 64)."""
        assert self.type == 4, self.callback
        assert self.ephemeral, self.callback
        return self.content

    @property
    def message(self) -> Json:
        """The message this answer created, as Discord would put it in a later press."""
        answer: Json = self.callbacks[0].answer
        sent: Json = answer["resource"]["message"]
        channel = str(self.interaction.get("channel_id", "0"))
        return message_payload(
            channel,
            sent["content"],
            components=self.data.get("components"),
            flags=sent["flags"],
            message_id=sent["id"],
        )

    @property
    def note(self) -> str:
        """The one ephemeral follow-up (a delivery note)."""
        assert len(self.followups) == 1, [f.json for f in self.followups]
        body: Json = self.followups[0].json
        assert body["flags"] == EPHEMERAL, body
        return str(body["content"])


def buttons(components: list[Json] | None) -> list[Json]:
    return [
        item
        for row in components or []
        for item in row.get("components", [])
        if item.get("type") == 2
    ]


def labels(components: list[Json] | None) -> list[str]:
    return [b["label"] for b in buttons(components)]


def button(components: list[Json] | None, label: str) -> Json:
    found = [b for b in buttons(components) if b["label"].startswith(label)]
    assert len(found) == 1, f"{label!r} among {labels(components)}"
    return found[0]


def sent_message(request: Request) -> Json:
    """A message the bot posted (a recorded POST .../messages) as Discord returns it."""
    channel = request.path.split("/")[2]
    return message_payload(
        channel,
        request.json.get("content") or "",
        components=request.json.get("components"),
        message_id=request.answer["id"],
    )


@dataclass
class DiscordWorld:
    """The Discord adapter on a core and a database, logged in against the REST double."""

    double: DiscordDouble
    settings: Settings
    clock: FakeClock
    engine: AsyncEngine
    runtime: DiscordAdapter | None = None
    people: dict[str, Person] = field(default_factory=dict)
    _engines: list[AsyncEngine] = field(default_factory=list)

    @property
    def client(self) -> discord.Client:
        assert self.runtime is not None
        return self.runtime.client

    @property
    def core(self) -> Networker:
        assert self.runtime is not None
        return self.runtime.core

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """The adapter wired to a core as bootstrap wires it (the core gets its messenger,
        the adapter the core), logged in over REST: no gateway connection."""
        self.runtime = DiscordAdapter(self.settings, background=False)
        messengers = {PLATFORM: self.runtime.messenger}
        core = Networker(SqlUnitOfWorkFactory(self.engine), self.clock, self.settings, messengers)
        await self.runtime.start(core, listen=False)
        # The gateway's GUILD_CREATE: discord.py caches the guild and its roles.
        self.gateway("GUILD_CREATE", guild_payload(GUILD_ID, "Test Guild"))
        await drain()

    async def stop(self) -> None:
        if self.runtime is not None:
            await drain()
            await self.runtime.stop()
            self.runtime = None

    async def restart(self) -> None:
        """A new process: a new client and a new core, on the same database."""
        await self.stop()
        self.engine = make_engine(self.settings.database_url)
        self._engines.append(self.engine)
        await self.start()

    async def close(self) -> None:
        await self.stop()
        for engine in self._engines:
            await engine.dispose()

    # --- people -------------------------------------------------------------------------------

    def person(self, name: str, *, organiser: bool = False) -> Person:
        if name not in self.people:
            number = len(self.people) + 1
            self.people[name] = Person(f"93{number:016d}", name, organiser)
        return self.people[name]

    # --- the gateway ----------------------------------------------------------------------------

    def gateway(self, event: str, data: Json) -> None:
        self.client._connection.parsers[event](data)

    async def inject(self, payload: Json) -> Answer:
        self.gateway("INTERACTION_CREATE", payload)
        await drain()
        return self.answer_to(payload)

    def answer_to(self, payload: Json) -> Answer:
        ident, token = payload["id"], payload["token"]
        return Answer(
            payload,
            self.double.calls("POST", rf"/interactions/{ident}/{token}/callback"),
            self.double.calls("POST", rf"/webhooks/{APP_ID}/{token}"),
            self.double.calls("PATCH", rf"/webhooks/{APP_ID}/{token}/messages/@original"),
        )

    def interaction(
        self,
        kind: int,
        who: Person,
        data: Json,
        *,
        dm: bool = False,
        guild_id: str = GUILD_ID,
        message: Json | None = None,
    ) -> Json:
        payload: Json = {
            "id": snowflake(),
            "application_id": APP_ID,
            "type": kind,
            "token": "itoken-" + snowflake(),
            "version": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "locale": "en-GB",
            "app_permissions": "2248473465835073",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "data": data,
        }
        if dm:
            channel = "95" + who.id[2:]
            payload.update(
                context=1,
                channel_id=channel,
                channel={"id": channel, "type": 1, "recipients": [user_payload(who.id, who.name)]},
                user=user_payload(who.id, who.name),
            )
        else:
            payload.update(
                context=0,
                guild_id=guild_id,
                guild_locale="en-GB",
                guild={"id": guild_id, "locale": "en-GB", "features": []},
                channel_id=GENERAL,
                channel={
                    "id": GENERAL,
                    "type": 0,
                    "guild_id": guild_id,
                    "name": "general",
                    "position": 0,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                },
                member=member_payload(who),
            )
        if message is not None:
            payload["message"] = message
        return payload

    # --- what members do --------------------------------------------------------------------

    async def command(
        self,
        who: Person,
        name: str,
        sub: str | None = None,
        *,
        dm: bool = False,
        guild_id: str = GUILD_ID,
        **options: str | Person | PickedChannel,
    ) -> Answer:
        """A slash command; Person options are user pickers (type 6, with resolved data),
        PickedChannel options channel pickers (type 7)."""
        items: list[Json] = []
        users: dict[str, Json] = {}
        members: dict[str, Json] = {}
        channels: dict[str, Json] = {}
        for key, value in options.items():
            if isinstance(value, PickedChannel):
                items.append({"name": key, "type": 7, "value": value.id})
                channels[value.id] = {
                    "id": value.id,
                    "type": 0,
                    "name": value.name,
                    "permissions": "0",
                    "guild_id": guild_id,
                }
            elif isinstance(value, Person):
                items.append({"name": key, "type": 6, "value": value.id})
                users[value.id] = user_payload(value.id, value.name)
                if not dm:
                    members[value.id] = member_payload(value, with_user=False)
            else:
                items.append({"name": key, "type": 3, "value": value})
        if sub is not None:
            items = [{"name": sub, "type": 1, "options": items}]
        data: Json = {"id": snowflake(), "name": name, "type": 1, "options": items}
        if users:
            data["resolved"] = {"users": users, **({"members": members} if members else {})}
        if channels:
            data.setdefault("resolved", {})["channels"] = channels
        return await self.inject(self.interaction(2, who, data, dm=dm, guild_id=guild_id))

    async def click(self, who: Person, custom_id: str, message: Json | None, *, dm: bool) -> Answer:
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.inject(self.interaction(3, who, data, dm=dm, message=message))

    async def press(self, who: Person, on: Request | Answer, label: str) -> Answer:
        """Press a button on a message the bot sent (a DM or thread) or answered with."""
        if isinstance(on, Answer):  # an ephemeral answer in the guild channel
            message = on.message
            dm = False
        else:
            message = sent_message(on)
            dm = message["channel_id"].startswith("95")
        found = button(message["components"], label)
        return await self.click(who, found["custom_id"], message, dm=dm)

    async def submit(
        self,
        who: Person,
        modal: Answer,
        values: dict[str, str] | None = None,
        *,
        picked: Person | None = None,
    ) -> Answer:
        """Submit the modal an answer opened, as Discord sends it: Label-wrapped inputs."""
        assert modal.type == 9, modal.callback
        values = values or {}
        components: list[Json] = []
        resolved: Json = {}
        dm = "guild_id" not in modal.interaction
        for n, label in enumerate(modal.data["components"]):
            assert label["type"] == 18, label  # a Label around each input
            inner = label["component"]
            name = inner["custom_id"]
            if inner["type"] == 4:
                answer = {"type": 4, "id": 2 * n + 2, "custom_id": name}
                answer["value"] = values.get(name, inner.get("value") or "")
            elif inner["type"] in (3, 21, 22):  # a select, a radio or a checkbox group
                defaults = [o["value"] for o in inner["options"] if o.get("default")]
                given = values[name].split(",") if name in values else defaults
                chosen_values = [v for v in given if v]
                answer = {"type": inner["type"], "id": 2 * n + 2, "custom_id": name}
                if inner["type"] == 21:  # a radio group answers one value (or none)
                    answer["value"] = chosen_values[0] if chosen_values else None
                else:
                    answer["values"] = chosen_values
            elif inner["type"] == 23:  # a checkbox: true or false
                ticked = values[name] == "yes" if name in values else bool(inner.get("default"))
                answer = {"type": 23, "id": 2 * n + 2, "custom_id": name, "value": ticked}
            else:
                assert inner["type"] == 5, inner  # a user select
                chosen = [picked.id] if picked else []
                answer = {"type": 5, "id": 2 * n + 2, "custom_id": name, "values": chosen}
                if picked:
                    resolved["users"] = {picked.id: user_payload(picked.id, picked.name)}
                    if not dm:
                        resolved["members"] = {picked.id: member_payload(picked, with_user=False)}
            components.append({"type": 18, "id": 2 * n + 1, "component": answer})
        data: Json = {"custom_id": modal.data["custom_id"], "components": components}
        if resolved:
            data["resolved"] = resolved
        message = modal.interaction.get("message")
        return await self.inject(self.interaction(5, who, data, dm=dm, message=message))

    # --- reading the double --------------------------------------------------------------------

    def dm(self, who: Person) -> Request:
        """The one DM the bot sent this person (since the double was last cleared)."""
        found = self.double.dms(who.id)
        assert len(found) == 1, [r.json.get("content") for r in found]
        return found[0]

    def dm_texts(self, who: Person) -> list[str]:
        return [r.json["content"] for r in self.double.dms(who.id)]


async def set_profile(world: DiscordWorld, who: Person, changes: str) -> None:
    said = (await world.command(who, "profile", changes=changes)).said
    assert said.startswith("Saved."), said


@pytest.fixture
async def discord_double() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble() as double:
        yield double


def settings_for(config: Settings, double: DiscordDouble, db_url: str) -> Settings:
    return config.model_copy(
        update={
            "discord_token": TOKEN,
            "discord_api_url": double.base_url,
            "database_url": db_url,
        }
    )


@pytest.fixture
async def world(
    discord_double: DiscordDouble, db_url: str, clock: FakeClock, config: Settings
) -> AsyncIterator[DiscordWorld]:
    settings = settings_for(config, discord_double, db_url)
    engine = await fresh_engine(db_url)
    found = DiscordWorld(discord_double, settings, clock, engine, _engines=[engine])
    await found.start()
    await found.core.register_community("discord", GUILD_ID, "Test Guild")
    discord_double.clear()
    try:
        yield found
    finally:
        await found.close()
