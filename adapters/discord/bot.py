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

from adapters.after_reply import AfterReply, deliver
from adapters.chat_progress import ChatProgress
from adapters.discord.commands import build_tree, ref
from adapters.discord.member_lookup import DiscordMemberLookup
from adapters.discord.render import (
    allowed_mentions,
    content,
    modal,
    modal_answers,
    parse_custom_id,
    view,
)
from bot.domain.errors import UserError
from bot.messages import Reply, reply
from bot.services import commands as c
from bot.services.app import Networker, Outcome

PLATFORM = "discord"
log = logging.getLogger(__name__)
NEEDS_GUILD = reply(
    "Networker's commands work inside your community's server.",
    "Run the command there; the bot's buttons in DMs work anywhere.",
    ok=False,
)


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
        self.tree = build_tree(self, self.execute, self.refuse)
        self.after = AfterReply(background=background)
        self.tree.error(self.on_command_error)

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
        if isinstance(command, c.ImportMembers) and command.file:
            await self.import_members(interaction, community, command, command.file)
            return
        outcome = await self.core.execute(self.actor(interaction, community), command)
        assert outcome.reply is not None
        try:
            await self.answer(interaction, outcome.reply, community)
        finally:  # the command is saved: its DMs go out even when Discord refused the answer
            await self.after.later(self.deliver(interaction, community, outcome))

    async def import_members(
        self, interaction: discord.Interaction, community: str, command: c.ImportMembers, url: str
    ) -> None:
        """A member list attached to /networker import: the answer is deferred (an import
        outlasts Discord's 3 s), shows progress as rows are applied, then the summary."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        progress = ChatProgress(lambda text: interaction.edit_original_response(content=text))

        async def load() -> bytes:
            return await self.http.get_from_cdn(url)

        result = await self.core.import_members(
            self.actor(interaction, community),
            load,
            DiscordMemberLookup(self.http, community),
            dry_run=command.dry_run,
            progress=progress,
        )
        await interaction.edit_original_response(
            content=content(result.message), allowed_mentions=allowed_mentions(result.message)
        )

    async def refuse(self, interaction: discord.Interaction, error: UserError) -> None:
        await self.answer(interaction, reply(error.message, *filter(None, [error.hint]), ok=False))

    async def on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("discord command failed", exc_info=error)
        if not interaction.response.is_done():
            await self.answer(
                interaction, reply("Something went wrong; please try again.", ok=False)
            )

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
        async def tell(note: Reply) -> None:
            try:
                await interaction.followup.send(
                    content(note.message),
                    ephemeral=True,
                    allowed_mentions=allowed_mentions(note.message),
                )
            except discord.HTTPException:  # e.g. the answer itself failed: no follow-up then
                log.warning("could not tell the member about a failed delivery", exc_info=True)

        async def update(settled: Reply) -> None:  # the answer, in place, once all arrived
            try:
                await interaction.edit_original_response(
                    content=content(settled.message),
                    view=view(settled.message, community),
                    allowed_mentions=allowed_mentions(settled.message),
                )
            except discord.HTTPException:  # it still says "on its way": true until now
                log.warning("could not update the answer after delivery", exc_info=True)

        answered = outcome.reply if interaction.response.is_done() else None
        await deliver(
            self.core, PLATFORM, community, outcome.outbox, tell, answered=answered, update=update
        )

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
            outcome.reply.replaces
            and from_dm
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
