"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint(
            "platform", "external_id", name=op.f("uq_communities_platform_external_id")
        ),
    )
    op.create_table(
        "processed_events",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "event_id", name=op.f("pk_processed_events")),
    )
    op.create_table(
        "community_topics",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_community_topics_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "topic", name=op.f("pk_community_topics")),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("platform_user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("can_help_with", sa.Text(), nullable=False),
        sa.Column("looking_for", sa.Text(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("contact_window", sa.String(length=64), nullable=True),
        sa.Column("availability", sa.String(length=8), nullable=False),
        sa.Column("busy_until", sa.Date(), nullable=True),
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.Column("discoverable", sa.Boolean(), nullable=False),
        sa.Column("is_organiser", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("forgotten", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_request_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("full_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_members_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint(
            "community_id",
            "platform_user_id",
            name=op.f("uq_members_community_id_platform_user_id"),
        ),
    )
    op.create_table(
        "topic_aliases",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=80), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_topic_aliases_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("community_id", "alias", name=op.f("pk_topic_aliases")),
    )
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("initiator_id", sa.Integer(), nullable=False),
        sa.Column("party_a_id", sa.Integer(), nullable=False),
        sa.Column("party_b_id", sa.Integer(), nullable=False),
        sa.Column("pair_low", sa.Integer(), nullable=False),
        sa.Column("pair_high", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("consent_a", sa.String(length=10), nullable=False),
        sa.Column("consent_b", sa.String(length=10), nullable=False),
        sa.Column("note_a", sa.Text(), nullable=False),
        sa.Column("note_b", sa.Text(), nullable=False),
        sa.Column("suggested_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_connections_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["initiator_id"], ["members.id"], name=op.f("fk_connections_initiator_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["party_a_id"], ["members.id"], name=op.f("fk_connections_party_a_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["party_b_id"], ["members.id"], name=op.f("fk_connections_party_b_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_id"], ["members.id"], name=op.f("fk_connections_suggested_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connections")),
    )
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_connections_initiator", ["initiator_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_connections_party_a", ["party_a_id", "created_at"], unique=False)
        batch_op.create_index("ix_connections_party_b", ["party_b_id", "created_at"], unique=False)
        batch_op.create_index(
            "uq_connections_open_pair",
            ["community_id", "kind", "pair_low", "pair_high"],
            unique=True,
            sqlite_where=sa.text("state IN ('draft', 'pending')"),
            postgresql_where=sa.text("state IN ('draft', 'pending')"),
        )

    op.create_table(
        "endorsements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("endorser_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_endorsements_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["endorser_id"], ["members.id"], name=op.f("fk_endorsements_endorser_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_endorsements_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_endorsements")),
        sa.UniqueConstraint(
            "endorser_id",
            "member_id",
            "topic",
            name=op.f("uq_endorsements_endorser_id_member_id_topic"),
        ),
    )
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.create_index("ix_endorsements_member", ["member_id", "topic"], unique=False)

    op.create_table(
        "member_topics",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=True),
        sa.Column("evidence", sa.SmallInteger(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("full_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_request_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_topics_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "topic", name=op.f("pk_member_topics")),
    )
    op.create_table(
        "thanks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_thanks_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"], ["connections.id"], name=op.f("fk_thanks_connection_id_connections")
        ),
        sa.ForeignKeyConstraint(
            ["giver_id"], ["members.id"], name=op.f("fk_thanks_giver_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"], ["members.id"], name=op.f("fk_thanks_receiver_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thanks")),
    )
    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.create_index("ix_thanks_giver", ["giver_id", "created_at"], unique=False)
        batch_op.create_index("ix_thanks_receiver", ["receiver_id", "created_at"], unique=False)
    with op.batch_alter_table("member_topics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_member_topics_search",
            ["community_id", "topic", sa.text("score DESC"), "last_request_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.drop_index("ix_thanks_receiver")
        batch_op.drop_index("ix_thanks_giver")

    op.drop_table("thanks")
    with op.batch_alter_table("member_topics", schema=None) as batch_op:
        batch_op.drop_index("ix_member_topics_search")

    op.drop_table("member_topics")
    with op.batch_alter_table("endorsements", schema=None) as batch_op:
        batch_op.drop_index("ix_endorsements_member")

    op.drop_table("endorsements")
    with op.batch_alter_table("connections", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_connections_open_pair",
            sqlite_where=sa.text("state IN ('draft', 'pending')"),
            postgresql_where=sa.text("state IN ('draft', 'pending')"),
        )
        batch_op.drop_index("ix_connections_party_b")
        batch_op.drop_index("ix_connections_party_a")
        batch_op.drop_index("ix_connections_initiator")

    op.drop_table("connections")
    op.drop_table("topic_aliases")
    op.drop_table("members")
    op.drop_table("community_topics")
    op.drop_table("processed_events")
    op.drop_table("communities")
