"""The one place that reads the environment."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class DatabaseTimeouts:
    """Seconds the database may keep a command waiting (defaults: the settings' below).

    `connect` also bounds the check that a pooled connection still answers, so a hung
    database fails a command within it: inside Slack's and Discord's 3 s.
    `statement=None`: no limit (migrations)."""

    connect: float = 2.0
    statement: float | None = 2.5
    pool: float = 2.0


class Settings(BaseSettings):
    """Every knob, with its default. Environment variable = field name in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///networker.db"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    auto_migrate: bool = Field(default=True, description="upgrade the database on `networker run`")
    database_connect_timeout: float = Field(
        default=2.0, gt=0, le=60, description="seconds to connect, or to check a pooled connection"
    )
    database_statement_timeout: float = Field(
        default=2.5, gt=0, le=3600, description="seconds one statement (SQLite: a lock) may take"
    )
    database_pool_timeout: float = Field(
        default=2.0, gt=0, le=60, description="seconds to wait for a free pooled connection"
    )

    # Behaviour knobs (communities can override some via /networker settings).
    default_capacity: int = Field(default=4, ge=0, le=100)
    thanks_daily_cap: int = Field(default=10, ge=1, le=1000)
    whoknows_results: int = Field(default=5, ge=1, le=20)
    repeat_ask_limit: int = Field(
        default=2, ge=1, le=50, description="asks to one person per window"
    )
    repeat_ask_window_days: int = Field(default=30, ge=1, le=365)

    # Prompts: the bot's own follow-ups (durations like 3d, 12h, 2w).
    consent_reminder_after: str = "3d"
    consent_expires_after: str = "7d"
    connect_check_after: str = "4d"
    keep_in_touch_after: str = "90d"
    dm_daily_cap: int = Field(default=3, ge=1, le=50, description="prompts per member per day")
    prompt_interval: float = Field(
        default=30, gt=0, le=3600, description="seconds between looks for due prompts"
    )
    prompt_batch: int = Field(default=50, ge=1, le=1000, description="prompts claimed at once")
    # At most 5 minutes: a prompt re-sent after a crash then stays inside Discord's
    # nonce window, so Discord drops the repeat.
    prompt_lease: int = Field(
        default=120, ge=10, le=300, description="seconds before a dead process's claim lapses"
    )

    # Platform credentials: their presence decides which adapters `networker run` starts.
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64, description="HTTP processes sharing PORT")
    http_read_timeout: float = Field(
        default=10,
        gt=0,
        le=300,
        description="seconds a client has for a request's headers, then for its body; "
        "also how long an idle connection is kept open",
    )
    # The organiser dashboard, served on PORT by every `networker run` process.
    public_url: str | None = Field(
        default=None,
        description="the address people reach this process at, for dashboard links "
        "(e.g. https://networker.example.org); default http://localhost:PORT",
    )
    dashboard_secret: str | None = Field(
        default=None,
        description="signs dashboard links and sessions; generated once and kept in the "
        "database when unset",
    )
    discord_token: str | None = None
    discord_api_url: str | None = None  # REST base, e.g. a proxy; default Discord's own
    discord_shards: int | None = Field(default=None, ge=1, le=10000)
    discord_members_intent: bool = False  # privileged: enables welcome DMs on join

    @property
    def database_timeouts(self) -> DatabaseTimeouts:
        return DatabaseTimeouts(
            connect=self.database_connect_timeout,
            statement=self.database_statement_timeout,
            pool=self.database_pool_timeout,
        )

    @property
    def dashboard_url(self) -> str:
        """The dashboard's base address, as links show it (no trailing slash)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://localhost:{self.port}"

    @property
    def slack_http(self) -> bool:
        """HTTP mode: one workspace (bot token) or many (OAuth), both with a signing secret."""
        single = self.slack_bot_token and not self.slack_app_token
        return bool(self.slack_signing_secret and (single or self.slack_oauth))

    @property
    def slack_oauth(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret and self.slack_signing_secret)

    @property
    def slack_socket(self) -> bool:
        return bool(self.slack_app_token and self.slack_bot_token)

    @property
    def has_platform_credentials(self) -> bool:
        return self.slack_http or self.slack_socket or bool(self.discord_token)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
