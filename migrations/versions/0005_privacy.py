"""Privacy and the introducer's loop: visible asks, each party's outcome, public thanks,
members who come back after forget

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

- connections.visible: the asker let others who know the topic see that they asked.
- connections.outcome_b: the second person of an intro answers "how did it go?" too.
- thanks.shared_at: when the sender chose to post the thank-you on the thanks wall.
- members.forget_key: on a forgotten member's stub, a one-way key of their platform id,
  so that coming back starts hidden; members.hidden_until_setup: such a member.
- ix_connections_topic: the weekly giver digest reads a week's asks by topic.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, which SQLite does in place: a batch copy of `members` would drop
    # the old table, and its ON DELETE CASCADE would take the planned prompts with it.
    op.add_column(
        "connections",
        sa.Column("visible", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("connections", sa.Column("outcome_b", sa.String(length=10), nullable=True))
    op.add_column("thanks", sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("members", sa.Column("forget_key", sa.String(length=64), nullable=True))
    op.add_column(
        "members",
        sa.Column("hidden_until_setup", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_members_forget_key", "members", ["community_id", "forget_key"])
    op.create_index("ix_connections_topic", "connections", ["community_id", "topic", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_connections_topic", table_name="connections")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_forget_key")
        batch_op.drop_column("hidden_until_setup")
        batch_op.drop_column("forget_key")
    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.drop_column("shared_at")
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_column("outcome_b")
        batch_op.drop_column("visible")
