"""Pairing rounds: pairing channels, participants, rounds and seats (with answers)

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "pairing_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("every_weeks", sa.SmallInteger(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("size", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("next_round_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_pairing_channels_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_channels")),
        sa.UniqueConstraint(
            "community_id", "channel", name=op.f("uq_pairing_channels_community_id_channel")
        ),
    )
    op.create_index(
        "ix_pairing_channels_next_round_at", "pairing_channels", ["next_round_at"], unique=False
    )
    op.create_table(
        "pairing_participants",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("presence", sa.String(length=10), nullable=False),
        sa.Column("skip_next", sa.Boolean(), nullable=False),
        sa.Column("missed", sa.SmallInteger(), nullable=False),
        sa.Column("joined_at", WHEN, nullable=True),
        sa.Column("group_label", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["pairing_channels.id"],
            name=op.f("fk_pairing_participants_channel_id_pairing_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_pairing_participants_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", "member_id", name=op.f("pk_pairing_participants")),
    )
    op.create_index(
        "ix_pairing_participants_member_id", "pairing_participants", ["member_id"], unique=False
    )
    op.create_table(
        "pairing_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("planned_for", WHEN, nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("check_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["pairing_channels.id"],
            name=op.f("fk_pairing_rounds_channel_id_pairing_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_rounds")),
        sa.UniqueConstraint(
            "channel_id", "planned_for", name=op.f("uq_pairing_rounds_channel_id_planned_for")
        ),
    )
    op.create_table(
        "pairing_seats",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("answered_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["pairing_rounds.id"],
            name=op.f("fk_pairing_seats_round_id_pairing_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_pairing_seats_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "member_id", name=op.f("pk_pairing_seats")),
    )
    op.create_index("ix_pairing_seats_member_id", "pairing_seats", ["member_id"], unique=False)
    op.create_index(
        "ix_pairing_seats_round_id_group_no",
        "pairing_seats",
        ["round_id", "group_no"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("pairing_seats")
    op.drop_table("pairing_rounds")
    op.drop_table("pairing_participants")
    op.drop_table("pairing_channels")
