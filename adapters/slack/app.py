"""The Slack app: slack-bolt listeners that turn payloads into core commands.

Every listener answers Slack first (the ack, within 3 s) and delivers the DMs a
command produced afterwards, in a task of its own, so the HTTP response leaves as soon
as the ack is ready.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from contextlib import suppress
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.after_reply import AfterReply, deliver
from adapters.chat_progress import ChatProgress
from adapters.slack.directory import Directory, SlackUser
from adapters.slack.lookups import BEFORE_ANSWER_SECONDS, Lookups
from adapters.slack.member_lookup import SlackMemberLookup, download
from adapters.slack.parsing import parse
from adapters.slack.render import blocks, fallback_text, modal, view_values
from adapters.text_commands import COMMANDS
from bot.actions import Action
from bot.domain.errors import UserError
from bot.messages import Message, Outbox, Reply, reply
from bot.ports import DatabaseUnavailable
from bot.services import commands as c
from bot.services.app import DATABASE_AWAY, NOT_SET_UP, ORGANISERS_ONLY, Networker, Outcome
from bot.services.registry import REGISTRY

PLATFORM = "slack"
log = logging.getLogger(__name__)
ACTION_ID = re.compile(r"^[a-z_]+\.[a-z_]+:\d+$")
CALLBACK_ID = re.compile(r"^[a-z_]+\.[a-z_]+$")
ANY = re.compile(r".*")
# Work after the answer that needs Slack (users.info) gives up after this long.
AFTER_ANSWER_SECONDS = 10.0
# Slack errors that only an organiser can fix (reinstall with the scopes asked for).
NEEDS_ORGANISER = {
    "missing_scope",
    "not_allowed_token_type",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "account_inactive",
}
ROLE_UNCHECKED = reply(
    "I couldn't check your organiser role with Slack just now; try again in a moment.",
    ok=False,
)
OTHER_WORKSPACE = reply(
    "This Networker is installed for another workspace.",
    "Ask an organiser of your own workspace to install Networker there.",
    ok=False,
)


class SlackListeners:
    def __init__(
        self,
        core: Networker,
        directory: Directory,
        *,
        background: bool = True,
        single_workspace: bool = True,
    ) -> None:
        self.core = core
        self.directory = directory
        self.single_workspace = single_workspace
        # With one bot token: its workspace, as bolt's auth.test of the token reports it.
        self.home_team: str | None = None
        # After the ack, delivery runs as a task so Slack gets its answer at once; tests
        # turn this off to see every side effect by the time the HTTP response arrives.
        self.after = AfterReply(background=background)
        # How long users.info may take before the answer (tests make it shorter).
        self.lookup_seconds = BEFORE_ANSWER_SECONDS

    def lookups(self, client: AsyncWebClient, team: str) -> Lookups:
        """The users.info calls of one request, before its answer, under one deadline."""
        return Lookups(self.directory, client, team, seconds=self.lookup_seconds)

    def register(self, app: AsyncApp) -> None:
        app.middleware(self.only_our_workspace)
        app.middleware(self.deduplicate_events)
        app.error(self.on_error)
        app.command(re.compile(rf"^/({'|'.join(COMMANDS)})$"))(self.on_command)
        app.action(ACTION_ID)(self.on_action)
        app.view(CALLBACK_ID)(self.on_view)
        # Anything else (an old message, a hand-made payload) still gets a clear answer.
        app.action(ANY)(self.on_action)
        app.view(ANY)(self.on_view)
        app.event("app_home_opened")(self.on_home_opened)
        app.event("team_join")(self.on_team_join)
        app.event("member_joined_channel")(self.on_channel_move)
        app.event("member_left_channel")(self.on_channel_move)
        app.event("app_uninstalled")(self.on_uninstalled)
        app.event("tokens_revoked")(self.on_tokens_revoked)
        app.event("message")(self.on_message)

    # --- middleware ---------------------------------------------------------------------

    async def only_our_workspace(
        self, body: dict[str, Any], context: AsyncBoltContext, respond: Any, next: Any
    ) -> BoltResponse | None:
        """One bot token serves one workspace. A signed request from another (a Slack
        Connect channel shares commands and buttons across workspaces) is refused, so it
        never becomes a community of its own nor reaches this workspace's members."""
        authorized = context.authorize_result
        if self.single_workspace and authorized is not None and authorized.team_id:
            self.home_team = authorized.team_id
        team = team_of(body)
        # Unknown only for the events bolt lets through without auth.test (the app was
        # uninstalled, its tokens revoked), which can only switch a community off.
        if not self.single_workspace or self.home_team in (None, team):
            await next()
            return None
        log.info("request from another workspace refused", extra={"team": team})
        if "command" in body:
            return BoltResponse(status=200, body=ephemeral(OTHER_WORKSPACE))
        if body.get("response_url"):
            await respond(**ephemeral(OTHER_WORKSPACE), replace_original=False)
        return BoltResponse(status=200, body="")

    async def deduplicate_events(self, body: dict[str, Any], next: Any) -> BoltResponse | None:
        """Slack retries events it thinks we missed; each event id is handled once."""
        event_id = body.get("event_id")
        if event_id and not await self.core.claim_event(PLATFORM, str(event_id)):
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        await next()
        return None

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """A listener failed: bolt answers 500, and Slack's retry must not look handled."""
        if not isinstance(error, DatabaseUnavailable):  # the store logs that once per outage
            log.error("slack listener failed", exc_info=error)
        event_id = body.get("event_id")
        if event_id:
            with suppress(DatabaseUnavailable):
                await self.core.release_event(PLATFORM, str(event_id))

    # --- who is acting --------------------------------------------------------------------

    async def actor(
        self, lookups: Lookups, user_id: str, name: str | None, *, exact: bool
    ) -> c.Actor:
        """Cached users.info when we have it; a call first only when it matters (`exact`)."""
        found = await lookups.acting(user_id, exact=exact)
        if found is None:
            return c.Actor(PLATFORM, lookups.team, c.MemberRef(user_id, name or user_id))
        return c.Actor(PLATFORM, lookups.team, found.ref, is_organiser=found.is_admin)

    # --- slash commands -------------------------------------------------------------------

    async def on_command(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: Any
    ) -> None:
        team, user = body.get("team_id", ""), body.get("user_id", "")
        lookups = self.lookups(client, team)
        try:
            command = await parse(body.get("command", ""), body.get("text", ""), lookups.named)
            actor = await self.actor(
                lookups, user, body.get("user_name"), exact=needs_profile(command)
            )
        except UserError as error:
            await ack(**ephemeral(reply(error.message, *[h for h in [error.hint] if h], ok=False)))
            return
        except SlackApiError as error:  # users.info refused (a missing scope, a bad token)
            await ack(**ephemeral(slack_trouble(error, "look that member up in Slack")))
            return
        outcome = await self.core.execute(actor, command)
        if outcome.reply is NOT_SET_UP and self.single_workspace and team == self.home_team:
            # One bot token means one workspace, and the signature proves the request
            # came from it: register it now if start-up could not (auth.test failed).
            await self.core.register_community(PLATFORM, team, body.get("team_domain") or team)
            outcome = await self.core.execute(actor, command)
        if outcome.reply is ORGANISERS_ONLY and user in lookups.late:
            outcome = replace(outcome, reply=ROLE_UNCHECKED)  # not a refusal: we don't know
        assert outcome.reply is not None
        if outcome.reply.message.form is None:
            await ack(**ephemeral(outcome.reply))
        else:
            await ack()  # the form opens right after the answer
        late = [user, *lookups.late] if outcome.actor_incomplete else lookups.late
        await self.after.later(self._after_command(client, body, late, outcome, respond))

    async def _after_command(
        self,
        client: AsyncWebClient,
        body: dict[str, Any],
        late: list[str],
        outcome: Outcome,
        respond: Any,
    ) -> None:
        async def tell(note: Reply) -> None:
            await respond(**ephemeral(note))

        team = body.get("team_id", "")
        assert outcome.reply is not None
        if outcome.reply.message.form is not None:  # its trigger_id lives 3 s: at once
            trouble = await self._open_modal(client, body, outcome.reply)
            if trouble is not None:
                await tell(trouble)
        await deliver(self.core, PLATFORM, team, outcome.outbox, tell)
        await self._learn(client, team, late)

    async def _learn(self, client: AsyncWebClient, team: str, users: list[str]) -> None:
        """After the answer: users.info once for each member the command left incomplete
        (time zone, organiser role, a name Slack was too slow to give)."""
        for user in dict.fromkeys(users):
            if self.directory.cached(team, user) is not None:
                continue
            try:
                found = await self.directory.lookup(client, team, user)
            except Exception:  # best effort: the command already ran
                log.warning("users.info failed", extra={"user": user})
                continue
            if not found.is_bot:
                await self.core.join(PLATFORM, team, found.ref)

    # --- buttons --------------------------------------------------------------------------

    async def on_action(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: Any
    ) -> None:
        await ack()
        await self.after.later(self._handle_action(body, client, respond))

    async def _handle_action(
        self, body: dict[str, Any], client: AsyncWebClient, respond: Any
    ) -> None:
        team = (body.get("team") or {}).get("id", "")
        user = (body.get("user") or {}).get("id", "")
        action = (body.get("actions") or [{}])[0]
        name = str(action.get("action_id", "")).rsplit(":", 1)[0]
        user_name = (body.get("user") or {}).get("name")
        # The profile form shows the time zone Slack knows; the deadline keeps its
        # trigger_id (3 s) alive while Slack is slow.
        lookups = self.lookups(client, team)
        try:
            actor = await self.actor(lookups, user, user_name, exact=name == Action.PROFILE_EDIT)
        except (SlackApiError, UserError):  # then without it
            actor = await self.actor(lookups, user, user_name, exact=False)
        outcome = await self.core.execute(actor, c.Press(name, str(action.get("value", ""))))
        result = outcome.reply
        assert result is not None
        if result.message.form is not None:
            trouble = await self._open_modal(client, body, result)
            if trouble is not None and body.get("response_url"):
                await respond(**ephemeral(trouble), replace_original=False)
            elif trouble is not None:
                await self._dm(client, user, trouble)
        elif body.get("response_url"):
            # An answered consent or "did you connect?" DM shows the outcome instead.
            await respond(**ephemeral(result), replace_original=result.replaces)
        else:  # App Home has no response_url: answer in the app's DM, then refresh Home
            await self._dm(client, user, result)

        async def update(settled: Reply) -> None:  # the answer, in place, once all arrived
            await respond(**ephemeral(settled), replace_original=True)

        await deliver(
            self.core,
            PLATFORM,
            team,
            outcome.outbox,
            self._dm_to(client, user),
            answered=result,
            update=update if body.get("response_url") and result.replaces else None,
        )
        if (body.get("view") or {}).get("type") == "home":
            await self._publish_home(client, team, user)

    # --- modals ---------------------------------------------------------------------------

    async def on_view(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        team = (body.get("team") or {}).get("id", "")
        user = (body.get("user") or {}).get("id", "")
        inputs, picked = view_values(view)
        lookups = self.lookups(client, team)
        try:
            actor = await self.actor(
                lookups, user, (body.get("user") or {}).get("name"), exact=False
            )
            mentioned = await lookups.named(picked, None) if picked else None
        except UserError as error:
            await ack(response_action="errors", errors={_first_block(view): error.message[:150]})
            return
        except SlackApiError as error:
            trouble = slack_trouble(error, "look that member up in Slack")
            await ack(response_action="errors", errors={_first_block(view): trouble.text[:150]})
            return
        press = c.Press(
            view.get("callback_id", ""), view.get("private_metadata", ""), inputs, mentioned
        )
        outcome = await self.core.execute(actor, press)
        result = outcome.reply
        assert result is not None
        if not result.ok:  # keep the modal open, each reason under its own field
            await ack(response_action="errors", errors=_field_errors(view, result))
            return
        await ack()
        await self.after.later(
            self._after_view(client, team, user, result, outcome.outbox, lookups.late)
        )

    async def _after_view(
        self,
        client: AsyncWebClient,
        team: str,
        user: str,
        result: Reply,
        outbox: Outbox,
        late: list[str],
    ) -> None:
        await self._dm(client, user, result)
        await deliver(self.core, PLATFORM, team, outbox, self._dm_to(client, user))
        await self._learn(client, team, late)

    # --- events ---------------------------------------------------------------------------

    async def on_home_opened(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab", "home") == "home":
            await self._publish_home(client, body.get("team_id", ""), event.get("user", ""))

    async def on_team_join(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = event.get("user") or {}
        if user.get("is_bot") or user.get("deleted"):
            return
        team = body.get("team_id", "")
        name = (
            (user.get("profile") or {}).get("display_name")
            or user.get("real_name")
            or user.get("name")
        )
        actor = c.Actor(
            PLATFORM,
            team,
            c.MemberRef(user.get("id", ""), name or user.get("id", ""), user.get("tz")),
        )
        await self.core.handle(actor, c.Onboard())

    async def on_channel_move(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """A member joined or left a channel. Joining the community's welcome channel
        counts as joining (if it is set); joining a pairing channel opts in to its rounds,
        leaving it opts out.

        The event carries only the member's id: who they are (users.info) is asked after
        Slack has its answer, so a slow Slack never makes the answer late."""
        team, user = body.get("team_id", ""), str(event.get("user", ""))
        if not user or user == context.bot_user_id:  # the bot joining a channel itself
            return
        channel = str(event.get("channel", ""))
        joined = event.get("type") == "member_joined_channel"
        await self.after.later(self._channel_move(client, team, user, channel, joined=joined))

    async def _channel_move(
        self, client: AsyncWebClient, team: str, user: str, channel: str, *, joined: bool
    ) -> None:
        deadline = asyncio.get_running_loop().time() + AFTER_ANSWER_SECONDS
        try:
            found: SlackUser | None = await self.directory.lookup(
                client, team, user, deadline=deadline
            )
        except UserError:  # left already, or no such member
            return
        except (TimeoutError, SlackApiError, OSError) as error:
            # Handled all the same, by id (Slack shows a mention by its id); the name
            # and time zone follow when they next use the bot.
            log.warning("users.info failed", extra={"user": user, "error": type(error).__name__})
            found = None
        if found is not None and found.is_bot:
            return
        ref = found.ref if found is not None else c.MemberRef(user, user)
        actor = c.Actor(PLATFORM, team, ref)
        if joined:
            await self.core.handle(actor, c.Onboard(channel=channel))
        await self.core.handle(actor, c.PairingChannelMove(channel, joined))

    async def on_message(
        self, event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A file shared in a DM to the bot: an organiser's member list to import.
        Other messages (and the bot's own) need no answer."""
        files = event.get("files") or []
        if (
            event.get("channel_type") != "im"
            or event.get("subtype") != "file_share"
            or event.get("bot_id")
            or not files
        ):
            return
        team, channel = body.get("team_id", ""), str(event.get("channel", ""))
        user, file_id = str(event.get("user", "")), str(files[0].get("id", ""))
        actor = await self.actor(Lookups(self.directory, client, team), user, None, exact=True)
        dry_run = "dry" in str(event.get("text", "")).lower()
        shown = await client.chat_postMessage(channel=channel, text="Reading the member list…")

        async def edit(text: str) -> None:
            await client.chat_update(channel=channel, ts=shown["ts"], text=text)

        async def load() -> bytes:
            return await download(client, file_id)

        result = await self.core.import_members(
            actor,
            load,
            SlackMemberLookup(client),
            dry_run=dry_run,
            progress=ChatProgress(edit),
            answer_by_dm=True,  # the summary: a kept row, sent right after
        )
        done = "Done." if result.ok else "Nothing was imported."
        with suppress(SlackApiError):  # the progress line is a courtesy
            await edit(
                f"{done} The summary is below."
                if result is not DATABASE_AWAY
                else fallback_text(result.message)
            )

    async def on_uninstalled(self, body: dict[str, Any]) -> None:
        await self.core.set_community_active(PLATFORM, body.get("team_id", ""), False)

    async def on_tokens_revoked(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await self.core.set_community_active(PLATFORM, body.get("team_id", ""), False)

    # --- helpers --------------------------------------------------------------------------

    async def _publish_home(self, client: AsyncWebClient, team: str, user: str) -> None:
        actor = await self.actor(self.lookups(client, team), user, None, exact=False)
        result = await self.core.handle(actor, c.Home())
        if result is not None and result is not DATABASE_AWAY:  # keep the Home and its buttons
            await client.views_publish(
                user_id=user, view={"type": "home", "blocks": blocks(result.message)[:100]}
            )

    async def _open_modal(
        self, client: AsyncWebClient, body: dict[str, Any], result: Reply
    ) -> Reply | None:
        """views.open with the reply's form; if Slack refuses, the answer to give instead."""
        assert result.message.form is not None
        try:
            await client.views_open(
                trigger_id=body.get("trigger_id"), view=modal(result.message.form, _intro(result))
            )
        except SlackApiError as error:
            log.warning("views.open failed", extra={"reason": error.response.get("error")})
            return slack_trouble(error, "open the form")
        return None

    def _dm_to(
        self, client: AsyncWebClient, user: str
    ) -> Callable[[Reply], Coroutine[Any, Any, None]]:
        return lambda result: self._dm(client, user, result)

    async def _dm(self, client: AsyncWebClient, user: str, result: Reply) -> None:
        """The acting member's own answer in their DM with the app; best effort, so that a
        refusal never keeps the other people's messages from going out."""
        try:
            opened = await client.conversations_open(users=user)
            await client.chat_postMessage(
                channel=opened["channel"]["id"],
                text=fallback_text(result.message),
                blocks=blocks(result.message),
            )
        except SlackApiError as error:
            log.warning("reply by DM failed", extra={"reason": error.response.get("error")})


def team_of(body: dict[str, Any]) -> str:
    """The workspace a request comes from, as the listeners read it (the shape is checked
    by adapters.slack.payloads before bolt runs)."""
    team = body.get("team")
    return str(team.get("id", "") if isinstance(team, dict) else body.get("team_id", ""))


def needs_profile(command: c.Command) -> bool:
    """The answer needs users.info first: the organiser role, or the time zone a profile
    shows and its form is prefilled with."""
    use = REGISTRY.use(command)
    return use is not None and (use.needs_profile or use.organiser)


def ephemeral(result: Reply) -> dict[str, Any]:
    return {
        "response_type": "ephemeral",
        "text": fallback_text(result.message),
        "blocks": blocks(result.message),
    }


def slack_trouble(error: SlackApiError, doing: str) -> Reply:
    """A clear answer when Slack refuses a call the member's action needed."""
    code = str(error.response.get("error") or f"HTTP {error.response.status_code}")
    hint = (
        "An organiser needs to reinstall Networker so it has the Slack permissions it needs."
        if code in NEEDS_ORGANISER
        else "Please try again in a moment."
    )
    return reply(f"Sorry, I couldn't {doing} just now (Slack said: {code}).", hint, ok=False)


def _intro(result: Reply) -> Message:
    """The reply's text, shown above a modal's fields."""
    return Message(sections=result.message.sections)


def _field_errors(view: dict[str, Any], result: Reply) -> dict[str, str]:
    """Each refused answer under its field; a refusal of the whole form under the first."""
    fields = {b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"}
    fields.update((view.get("state") or {}).get("values") or {})
    errors = {name: text[:150] for name, text in result.errors if name in fields}
    return errors or {_first_block(view): result.text[:150]}


def _first_block(view: dict[str, Any]) -> str:
    for block in view.get("blocks", []):
        if block.get("type") == "input":
            return str(block.get("block_id", ""))
    return next(iter((view.get("state") or {}).get("values", {})), "")
