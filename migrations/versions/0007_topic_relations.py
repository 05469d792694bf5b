"""Topic relations learned from the community; search keys fold accents (café = cafe)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "topic_relations",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("related", sa.String(length=80), nullable=False),
        sa.Column("together", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("community_id", "topic", "related"),
    )
    op.create_table(
        "topic_relation_runs",
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("learned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["communities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("community_id"),
    )
    _fold_index_keys()


def downgrade() -> None:
    op.drop_table("topic_relation_runs")
    op.drop_table("topic_relations")


# A copy of bot.domain.vocabulary.fold_accents as it was when this migration was written:
# migrations must not change when the code does.
def _fold(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and ord(out[-1][-1]) < 0x0400:
            continue
        out.append(ch)
    return unicodedata.normalize("NFKC", "".join(out))


def _fold_index_keys() -> None:
    """Index keys written before accents were folded are rewritten under the folded key,
    merged with the folded one where a member or community already has it."""
    conn = op.get_bind()
    mt = sa.table(
        "member_topics",
        sa.column("member_id"),
        sa.column("topic"),
        sa.column("community_id"),
        sa.column("level"),
    )
    ct = sa.table(
        "community_topics",
        sa.column("community_id"),
        sa.column("topic"),
        sa.column("label"),
        sa.column("members"),
    )
    rows = conn.execute(sa.select(mt.c.member_id, mt.c.topic)).all()
    keys = {(m, t) for m, t in rows}
    for member_id, topic in rows:
        folded = _fold(topic)
        if folded == topic:
            continue
        where = sa.and_(mt.c.member_id == member_id, mt.c.topic == topic)
        if (member_id, folded) in keys:
            conn.execute(sa.delete(mt).where(where))
        else:
            conn.execute(sa.update(mt).where(where).values(topic=folded))
            keys.add((member_id, folded))
    # Community counts of the folded keys are recounted from the index: a member who had
    # both spellings counts once.
    ct_rows = conn.execute(sa.select(ct.c.community_id, ct.c.topic)).all()
    existing = {(c, t) for c, t in ct_rows}
    for community_id, topic in ct_rows:
        folded = _fold(topic)
        if folded == topic:
            continue
        conn.execute(sa.delete(ct).where(ct.c.community_id == community_id, ct.c.topic == topic))
        existing.discard((community_id, topic))
        members = conn.execute(
            sa.select(sa.func.count())
            .select_from(mt)
            .where(mt.c.community_id == community_id, mt.c.topic == folded, mt.c.level >= 1)
        ).scalar_one()
        if (community_id, folded) in existing:
            conn.execute(
                sa.update(ct)
                .where(ct.c.community_id == community_id, ct.c.topic == folded)
                .values(members=members)
            )
        elif members:
            conn.execute(
                sa.insert(ct).values(
                    community_id=community_id, topic=folded, label=folded, members=members
                )
            )
            existing.add((community_id, folded))
