"""The Discord bot: application commands, buttons and modals → core commands.

Every interaction is answered at once (Discord allows 3 s); the DMs and threads a command
produced are delivered afterwards in a task of their own. Buttons and modals are read
from their custom ids, not from views held in memory, so they work after a restart.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.after_reply import AfterReply
from adapters.discord.render import (
    allowed_mentions,
    content,
    modal,
    modal_answers,
    parse_custom_id,
    view,
)
from bot.domain.prompts import KIND_LABELS, SWITCHABLE
from bot.messages import Reply, reply
from bot.services import commands as c
from bot.services.app import Networker, Outcome, with_delivery_note

PLATFORM = "discord"
log = logging.getLogger(__name__)
REPLACES_ORIGINAL = ("consent.", "suggest.", "draft.", "followup.")
NEEDS_GUILD = reply(
    "Networker's commands work inside your community's server.",
    "Run the command there; the bot's buttons in DMs work anywhere.",
    ok=False,
)
PROMPTS_USAGE = reply(
    "Pick both: switch (on or off) and the kind of message.",
    "/networker prompts with neither lists the kinds and whether each is on.",
    ok=False,
)


def ref(user: discord.abc.User) -> c.MemberRef:
    return c.MemberRef(str(user.id), user.display_name)


class NetworkerBot(discord.AutoShardedClient):
    def __init__(
        self,
        core: Networker,
        *,
        intents: discord.Intents,
        shard_count: int | None = None,
        background: bool = True,
    ) -> None:
        super().__init__(intents=intents, shard_count=shard_count)
        self.core = core
        self.tree = app_commands.CommandTree(self)
        self.after = AfterReply(background=background)
        register_commands(self)

    # --- running a core command for an interaction ------------------------------------------

    def actor(self, interaction: discord.Interaction, community: str) -> c.Actor:
        user = interaction.user
        organiser = isinstance(user, discord.Member) and user.guild_permissions.manage_guild
        return c.Actor(PLATFORM, community, ref(user), is_organiser=organiser)

    async def execute(self, interaction: discord.Interaction, command: c.Command) -> None:
        if interaction.guild_id is None:
            await self.answer(interaction, NEEDS_GUILD)
            return
        community = str(interaction.guild_id)
        outcome = await self.core.execute(self.actor(interaction, community), command)
        assert outcome.reply is not None
        try:
            await self.answer(interaction, outcome.reply, community)
        finally:  # the command is saved: its DMs go out even when Discord refused the answer
            await self.after.later(self.deliver(interaction, community, outcome))

    async def answer(
        self,
        interaction: discord.Interaction,
        result: Reply,
        community: str = "",
        *,
        replace: bool = False,
    ) -> None:
        message = result.message
        if message.form is not None:
            await interaction.response.send_modal(modal(message.form, community))
            return
        buttons = view(message, community)
        mentions = allowed_mentions(message)
        if replace:  # an answered consent DM shows the outcome instead of its buttons
            await interaction.response.edit_message(
                content=content(message), view=buttons, allowed_mentions=mentions
            )
        elif buttons is not None:
            await interaction.response.send_message(
                content(message), ephemeral=True, view=buttons, allowed_mentions=mentions
            )
        else:
            await interaction.response.send_message(
                content(message), ephemeral=True, allowed_mentions=mentions
            )

    async def deliver(
        self, interaction: discord.Interaction, community: str, outcome: Outcome
    ) -> None:
        failures = await self.core.deliver(PLATFORM, community, outcome.outbox)
        if failures:
            note = with_delivery_note(reply(""), failures).message
            try:
                await interaction.followup.send(
                    content(note), ephemeral=True, allowed_mentions=allowed_mentions(note)
                )
            except discord.HTTPException:  # e.g. the answer itself failed: no follow-up then
                log.warning("could not tell the member about a failed delivery", exc_info=True)

    # --- buttons and modals ---------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type not in (
            discord.InteractionType.component,
            discord.InteractionType.modal_submit,
        ):
            return  # application commands go through the command tree
        data: dict[str, Any] = dict(interaction.data or {})
        parsed = parse_custom_id(str(data.get("custom_id", "")))
        if parsed is None:
            await self.answer(
                interaction, reply("That button isn't one I know any more.", ok=False)
            )
            return
        community, action, value = parsed
        inputs: dict[str, str] = {}
        mentioned: c.MemberRef | None = None
        if interaction.type is discord.InteractionType.modal_submit:
            inputs, picked = modal_answers(data)
            if picked:
                mentioned = await self.member_ref(interaction, picked)
        press = c.Press(action, value, inputs, mentioned)
        outcome = await self.core.execute(self.actor(interaction, community), press)
        assert outcome.reply is not None
        from_dm = interaction.guild_id is None and interaction.message is not None
        replace = (
            outcome.reply.ok
            and from_dm
            and action.startswith(REPLACES_ORIGINAL)
            and interaction.type is discord.InteractionType.component
        )
        try:
            await self.answer(interaction, outcome.reply, community, replace=replace)
        finally:
            await self.after.later(self.deliver(interaction, community, outcome))

    async def member_ref(self, interaction: discord.Interaction, user_id: str) -> c.MemberRef:
        data: dict[str, Any] = dict(interaction.data or {})
        resolved: dict[str, Any] = dict(data.get("resolved") or {})
        user: dict[str, Any] = dict((resolved.get("users") or {}).get(user_id) or {})
        name = user.get("global_name") or user.get("username") or user_id
        return c.MemberRef(user_id, str(name))

    # --- communities ----------------------------------------------------------------------

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.core.register_community(PLATFORM, str(guild.id), guild.name)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        """On connecting, every guild the bot is in: also those it was added to while it
        was offline, for which no on_guild_join ever comes."""
        await self.core.register_community(PLATFORM, str(guild.id), guild.name)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.core.set_community_active(PLATFORM, str(guild.id), False)


def register_commands(bot: NetworkerBot) -> None:
    tree = bot.tree

    @tree.command(name="whoknows", description="Find members who can help with a topic")
    @app_commands.describe(topic="e.g. kubernetes, public speaking, grant writing")
    async def whoknows(interaction: discord.Interaction, topic: str) -> None:
        await bot.execute(interaction, c.WhoKnows(topic))

    @tree.command(name="intro", description="Introduce two members (both must accept)")
    @app_commands.describe(a="one person", b="the other", why="why they should meet")
    async def intro(
        interaction: discord.Interaction, a: discord.User, b: discord.User, why: str
    ) -> None:
        await bot.execute(interaction, c.Intro(ref(a), ref(b), why))

    @tree.command(name="ask", description="Ask a member for help")
    @app_commands.describe(member="who", request="what you need, specifically")
    async def ask(interaction: discord.Interaction, member: discord.User, request: str) -> None:
        await bot.execute(interaction, c.Ask(ref(member), request))

    @tree.command(name="thanks", description="Thank a member")
    @app_commands.describe(member="who", note="for what")
    async def thanks(interaction: discord.Interaction, member: discord.User, note: str) -> None:
        await bot.execute(interaction, c.Thank(ref(member), note))

    @tree.command(name="profile", description="Edit your profile, or view a member's")
    @app_commands.describe(
        member="view this member's profile",
        changes='edit in one line, e.g. skills="python:expert" tz=Europe/Berlin',
    )
    async def profile(
        interaction: discord.Interaction,
        member: discord.User | None = None,
        changes: str | None = None,
    ) -> None:
        if member is not None:
            await bot.execute(interaction, c.ViewProfile(ref(member)))
        elif changes:
            await bot.execute(interaction, c.EditProfile(text=changes))
        else:
            await bot.execute(interaction, c.ProfileForm())

    group = app_commands.Group(name="networker", description="Help, your summary and settings")
    simple: dict[str, tuple[str, c.Command]] = {
        "help": ("Every command", c.Help()),
        "me": ("What is waiting for you, and your give/ask balance", c.Me()),
        "pause": ("Stop all DMs from the bot", c.Pause(True)),
        "resume": ("Start the bot's DMs again", c.Pause(False)),
        "export": ("Everything Networker keeps about you", c.Export()),
        "forget": ("Delete your profile and everything you wrote", c.Forget()),
        "stats": ("Organisers: how the network is doing", c.Stats()),
    }
    for name, (description, command) in simple.items():
        group.add_command(_simple(bot, name, description, command))

    @group.command(name="settings", description="Organisers: community settings")
    async def settings(
        interaction: discord.Interaction, key: str | None = None, value: str | None = None
    ) -> None:
        if key and value is None and "=" in key:  # typed as /networker help shows it
            key, _, value = key.partition("=")
            key, value = key.strip(), value.strip()
        await bot.execute(interaction, c.Settings(key, value))

    @group.command(name="alias", description="Organisers: teach an abbreviation")
    async def alias(interaction: discord.Interaction, alias: str, topic: str) -> None:
        await bot.execute(interaction, c.AddAlias(alias, topic))

    @group.command(name="endorse", description="Vouch for a member's skill")
    async def endorse(interaction: discord.Interaction, member: discord.User, skill: str) -> None:
        await bot.execute(interaction, c.Endorse(ref(member), skill))

    @group.command(name="prompts", description="The messages the bot sends you on its own")
    @app_commands.describe(
        switch="turn one kind on or off (leave both empty to list them)",
        kind="which kind of message",
    )
    @app_commands.choices(
        switch=[app_commands.Choice(name=v, value=v) for v in ("on", "off")],
        kind=[
            app_commands.Choice(name=f"{k.value}: {KIND_LABELS[k]}"[:100], value=k.value)
            for k in SWITCHABLE
        ],
    )
    async def prompts(
        interaction: discord.Interaction,
        switch: app_commands.Choice[str] | None = None,
        kind: app_commands.Choice[str] | None = None,
    ) -> None:
        if switch is None and kind is None:
            await bot.execute(interaction, c.PromptSwitch())
        elif switch is None or kind is None:
            await bot.answer(interaction, PROMPTS_USAGE)
        else:
            await bot.execute(interaction, c.PromptSwitch(kind.value, on=switch.value == "on"))

    tree.add_command(group)

    @tree.error
    async def on_error(
        interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("discord command failed", exc_info=error)
        if not interaction.response.is_done():
            await bot.answer(
                interaction, reply("Something went wrong; please try again.", ok=False)
            )


def _simple(
    bot: NetworkerBot, name: str, description: str, command: c.Command
) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction) -> None:
        await bot.execute(interaction, command)

    return app_commands.Command(name=name, description=description, callback=callback)
