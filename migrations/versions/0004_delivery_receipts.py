"""Delivery receipts: what the platform did with each message row

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

A row records the platform's ids for what it delivered (Slack: the conversation and the
message's ts; Discord: the thread or DM channel and the message id), saved in the same
step that marks it sent, or with a retry when only part of it got done (a conversation
opened, a thread made) so the retry reuses it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prompts", schema=None) as batch_op:
        batch_op.drop_column("receipt")
