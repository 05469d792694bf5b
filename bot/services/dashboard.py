"""The organisers' dashboard, as the core offers it: one-use links, sessions, and the
facts its pages are computed from.

A link carries a random nonce signed with the dashboard's secret (itsdangerous); the
nonce is recorded when handed out and used up when opened, within 15 minutes. Opening
it gives a session for one community: that community's id and an end time, signed
too, kept by the browser as a cookie (so any process behind one address accepts it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from bot.config import Settings
from bot.domain.dashboard import PERIOD, TREND_WEEKS, WEEK, DashboardFacts
from bot.messages import Message, Reply, Section, line
from bot.ports import Clock
from bot.services.commands import Dashboard
from bot.services.context import Context
from bot.services.unit_of_work import UnitOfWorkFactory

LINK_VALID = timedelta(minutes=15)
SESSION_VALID = timedelta(hours=8)
SECRET_NAME = "dashboard"
LINK_PATH = "/dashboard/login"


def _serializer(secret: str, what: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=f"networker-dashboard-{what}")


async def _secret(ctx: Context) -> str:
    if ctx.config.dashboard_secret:
        return ctx.config.dashboard_secret
    return await ctx.uow.dashboard.secret(SECRET_NAME, secrets.token_urlsafe(32), ctx.now)


async def new_link(ctx: Context) -> str:
    """A link for the acting organiser, recorded in this command's transaction."""
    assert ctx.me.id is not None
    nonce = secrets.token_urlsafe(24)
    await ctx.uow.dashboard.add_link(
        nonce, ctx.community_id, ctx.me.id, ctx.now, ctx.now + LINK_VALID
    )
    token = _serializer(await _secret(ctx), "link").dumps(nonce)
    return f"{ctx.config.dashboard_url}{LINK_PATH}?token={token}"


def link_lines(url: str) -> Message:
    return Message(
        sections=(
            Section(text=line("Your dashboard: ", url)),
            Section(
                text=line(
                    "The link works once, within 15 minutes, and opens the dashboard in that "
                    "browser for 8 hours. It is yours: don't share it. For a new one, "
                    "/networker dashboard."
                )
            ),
        )
    )


async def dashboard(ctx: Context, _cmd: Dashboard) -> Reply:
    return Reply(link_lines(await new_link(ctx)))


@dataclass(frozen=True)
class Session:
    community_id: int
    until: datetime


class DashboardAccess:
    """What the web pages ask of the core: open a link, check a session, read facts."""

    def __init__(self, units: UnitOfWorkFactory, clock: Clock, config: Settings) -> None:
        self.units = units
        self.clock = clock
        self.config = config
        self._secret: str | None = config.dashboard_secret

    async def secret(self) -> str:
        if self._secret is None:
            async with self.units() as uow:
                found = await uow.dashboard.secret(
                    SECRET_NAME, secrets.token_urlsafe(32), self.clock.now()
                )
                await uow.commit()
            self._secret = found
        return self._secret

    async def open_link(self, token: str) -> Session | None:
        """A session for the link's community; None for a forged, used or expired link
        (which one is never told)."""
        try:
            nonce = _serializer(await self.secret(), "link").loads(token)
        except BadSignature:
            return None
        if not isinstance(nonce, str):
            return None
        now = self.clock.now()
        async with self.units() as uow:
            community_id = await uow.dashboard.use_link(nonce, now)
            await uow.commit()
        if community_id is None:
            return None
        return Session(community_id, now + SESSION_VALID)

    async def session_value(self, session: Session) -> str:
        return str(
            _serializer(await self.secret(), "session").dumps(
                [session.community_id, int(session.until.timestamp())]
            )
        )

    async def session(self, value: str | None) -> Session | None:
        """The session a cookie holds, while it lasts."""
        if not value:
            return None
        try:
            found = _serializer(await self.secret(), "session").loads(value)
        except BadSignature:
            return None
        if not (isinstance(found, list) and len(found) == 2 and all(type(v) is int for v in found)):
            return None
        until = datetime.fromtimestamp(found[1], tz=UTC)
        if until <= self.clock.now():
            return None
        return Session(found[0], until)

    async def facts(self, community_id: int) -> DashboardFacts | None:
        since = self.clock.now() - max(2 * PERIOD, WEEK * TREND_WEEKS)
        async with self.units(write=False) as uow:
            return await uow.dashboard.facts(community_id, since)
