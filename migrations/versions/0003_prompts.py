"""Prompts: the bot's scheduled messages; connection outcomes; opt-in occasions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("state IN ('pending', 'sending')")


def upgrade() -> None:
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prompts_off", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("birthday", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("work_anniversary", sa.Date(), nullable=True))
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=10), nullable=True))
    op.create_table(
        "prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.SmallInteger(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_prompts_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["members.id"],
            name=op.f("fk_prompts_recipient_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompts")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_prompts_dedupe_key")),
    )
    op.create_index(
        "ix_prompts_due", "prompts", ["due_at"], sqlite_where=OPEN, postgresql_where=OPEN
    )
    op.create_index("ix_prompts_recipient", "prompts", ["recipient_id", "state", "sent_at"])
    op.create_index("ix_prompts_subject", "prompts", ["subject_id", "kind"])
    # Members who already list topics get a first weekly digest, due now (their contact
    # window applies); from then on each digest plans the next, and new members' profile
    # edits start theirs.
    op.execute(
        "INSERT INTO prompts (community_id, recipient_id, kind, due_at, payload, state, "
        "attempts, dedupe_key, created_at) "
        "SELECT m.community_id, m.id, 'giver_digest', CURRENT_TIMESTAMP, '{}', 'pending', 0, "
        "'giver:' || m.id || '\\:first', CURRENT_TIMESTAMP FROM members m "  # \: no bind
        "WHERE NOT m.forgotten "
        "AND EXISTS (SELECT 1 FROM member_topics t WHERE t.member_id = m.id)"
    )


def downgrade() -> None:
    op.drop_index("ix_prompts_subject", table_name="prompts")
    op.drop_index("ix_prompts_recipient", table_name="prompts")
    op.drop_index("ix_prompts_due", table_name="prompts")
    op.drop_table("prompts")
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_column("outcome")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("work_anniversary")
        batch_op.drop_column("birthday")
        batch_op.drop_column("prompts_off")
