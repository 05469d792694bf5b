"""Running the Alembic migrations from code (`networker db upgrade`, start-up)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations

# Autogenerate cannot compare indexes with expressions (score DESC); they are written
# by hand in the migrations and checked by the migration tests instead.
HAND_WRITTEN_INDEXES = frozenset({"ix_member_topics_search"})
# Tables slack_sdk's installation and OAuth state stores own (created in migration 0002).
SLACK_SDK_TABLES = frozenset({"slack_bots", "slack_installations", "slack_oauth_states"})
SLACK_SDK_INDEXES = frozenset({"slack_bots_idx", "slack_installations_idx"})


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """What autogenerate compares between the models and the database."""
    if type_ == "table":
        return name not in SLACK_SDK_TABLES
    if type_ == "index":
        return name not in HAND_WRITTEN_INDEXES | SLACK_SDK_INDEXES
    return True


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """Inside a running loop Alembic's own asyncio.run needs a thread of its own."""
    await asyncio.to_thread(upgrade, url, revision)
