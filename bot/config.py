"""The one place that reads the environment."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob, with its default. Environment variable = field name in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///networker.db"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    auto_migrate: bool = Field(default=True, description="upgrade the database on `networker run`")

    # Behaviour knobs (communities can override some via /networker settings).
    default_capacity: int = Field(default=4, ge=0, le=100)
    thanks_daily_cap: int = Field(default=10, ge=1, le=1000)
    whoknows_results: int = Field(default=5, ge=1, le=20)
    repeat_ask_limit: int = Field(
        default=2, ge=1, le=50, description="asks to one person per window"
    )
    repeat_ask_window_days: int = Field(default=30, ge=1, le=365)

    # Platform credentials: their presence decides which adapters `networker run` starts.
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    discord_token: str | None = None

    @property
    def has_platform_credentials(self) -> bool:
        return bool(self.slack_bot_token or self.slack_app_token or self.discord_token)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
