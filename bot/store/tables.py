"""Tables and the mapping of the domain's plain classes onto them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import registry

from bot.domain.connections import Connection, Consent, Kind, Outcome, State
from bot.domain.member_import import ImportRecord
from bot.domain.members import PLATFORM_ID_MAX, Community, Member
from bot.domain.prompts import Prompt
from bot.domain.thanks import Endorsement, Thanks
from bot.store.types import EnumString, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)
mapper_registry = registry(metadata=metadata)

communities = Table(
    "communities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("external_id", String(PLATFORM_ID_MAX), nullable=False),
    Column("name", String(200), nullable=False),
    Column("settings", JSON, nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
    Column("active", Boolean, nullable=False, default=True, server_default=true()),
    UniqueConstraint("platform", "external_id"),
)

members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("platform_user_id", String(PLATFORM_ID_MAX), nullable=False),
    Column("display_name", String(80), nullable=False),
    Column("skills", JSON, nullable=False, default=dict),
    Column("can_help_with", Text, nullable=False, default=""),
    Column("looking_for", Text, nullable=False, default=""),
    Column("bio", Text, nullable=False, default=""),
    Column("chapter", String(80), nullable=False, default="", server_default=""),
    Column("timezone", String(64)),
    Column("contact_window", String(64)),
    Column("availability", String(8), nullable=False, default="open"),
    Column("busy_until", Date),
    Column("capacity", SmallInteger, nullable=False),
    Column("discoverable", Boolean, nullable=False, default=True),
    Column("is_organiser", Boolean, nullable=False, default=False),
    Column("paused", Boolean, nullable=False, default=False),
    Column("forgotten", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_request_at", UTCDateTime),
    Column("full_until", UTCDateTime),
    Column("unreachable", String(40)),  # why DMs to them fail (e.g. dms_closed), if they do
    Column("onboarded_at", UTCDateTime),
    # Prompt kinds this member turned off; birthday (MM-DD) and work anniversary are opt-in.
    Column("prompts_off", JSON, nullable=False, default=list, server_default="[]"),
    Column("birthday", String(5)),
    Column("work_anniversary", Date),
    # A forgotten member's stub keeps a one-way key of their platform id (nothing they
    # wrote): coming back, they start hidden until they set up a profile again.
    Column("forget_key", String(64)),
    Column("hidden_until_setup", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("community_id", "platform_user_id"),
    Index("ix_members_forget_key", "community_id", "forget_key"),
)

# The search index behind /whoknows: one row per member and topic they can help with,
# derived from skills, their own words and evidence. Rebuilt whenever those change.
member_topics = Table(
    "member_topics",
    metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("topic", String(80), primary_key=True),
    Column("community_id", Integer, nullable=False),
    Column("level", SmallInteger),  # null: found in their own words only
    Column("evidence", SmallInteger, nullable=False, default=0),
    Column("score", SmallInteger, nullable=False),
    Column("listed", Boolean, nullable=False),
    Column("full_until", UTCDateTime),
    # Never null (the epoch stands for "never asked") so one index serves the ordering.
    Column("last_request_at", UTCDateTime, nullable=False),
    Index(
        "ix_member_topics_search",
        "community_id",
        "topic",
        text("score DESC"),
        "last_request_at",
    ),
)

# Topics used in a community, with how many members list them: typo matching and
# "close topics" suggestions read this instead of scanning the index.
community_topics = Table(
    "community_topics",
    metadata,
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True),
    Column("topic", String(80), primary_key=True),
    Column("label", String(80), nullable=False),
    Column("members", Integer, nullable=False, default=0),
)

# Topics many of a community's members list together, learned from the index by a
# periodic job (bot/services/topic_relations.py); /whoknows reads them with the vocabulary.
topic_relations = Table(
    "topic_relations",
    metadata,
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True),
    Column("topic", String(80), primary_key=True),
    Column("related", String(80), primary_key=True),
    Column("together", Integer, nullable=False),  # members who list both
)

# When each community's relations were last learned: the job's claim and its schedule.
topic_relation_runs = Table(
    "topic_relation_runs",
    metadata,
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True),
    Column("learned_at", UTCDateTime, nullable=False),
)

topic_aliases = Table(
    "topic_aliases",
    metadata,
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), primary_key=True),
    Column("alias", String(80), primary_key=True),
    Column("topic", String(80), nullable=False),
)

connections = Table(
    "connections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("kind", EnumString(Kind, 10), nullable=False),
    Column("initiator_id", ForeignKey("members.id"), nullable=False),
    Column("party_a_id", ForeignKey("members.id"), nullable=False),
    Column("party_b_id", ForeignKey("members.id"), nullable=False),
    Column("pair_low", Integer, nullable=False),
    Column("pair_high", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("topic", String(80)),
    Column("state", EnumString(State, 10), nullable=False),
    Column("consent_a", EnumString(Consent, 10), nullable=False),
    Column("consent_b", EnumString(Consent, 10), nullable=False),
    Column("note_a", Text, nullable=False, default=""),
    Column("note_b", Text, nullable=False, default=""),
    Column("suggested_id", ForeignKey("members.id")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("connected_at", UTCDateTime),
    Column("outcome", EnumString(Outcome, 10)),  # party a's answer to "did you connect?"
    Column("outcome_b", EnumString(Outcome, 10)),  # an intro's second person's answer
    Column("expires_at", UTCDateTime),  # when it closes unanswered (None: before 0006)
    # The asker let others who know the topic see that they asked (off by default).
    Column("visible", Boolean, nullable=False, default=False, server_default=false()),
    Index("ix_connections_party_b", "party_b_id", "created_at"),
    Index("ix_connections_party_a", "party_a_id", "created_at"),
    Index("ix_connections_initiator", "initiator_id", "created_at"),
    # The weekly giver digest: a week's asks about a member's topics.
    Index("ix_connections_topic", "community_id", "topic", "created_at"),
    # At most one open intro or request per pair of people at a time.
    Index(
        "uq_connections_open_pair",
        "community_id",
        "kind",
        "pair_low",
        "pair_high",
        unique=True,
        sqlite_where=text("state IN ('draft', 'pending')"),
        postgresql_where=text("state IN ('draft', 'pending')"),
    ),
)

thanks = Table(
    "thanks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("giver_id", ForeignKey("members.id"), nullable=False),
    Column("receiver_id", ForeignKey("members.id"), nullable=False),
    Column("note", Text, nullable=False),
    Column("connection_id", ForeignKey("connections.id")),
    Column("topic", String(80)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("shared_at", UTCDateTime),  # posted on the thanks wall, by the sender's choice
    Index("ix_thanks_giver", "giver_id", "created_at"),
    Index("ix_thanks_receiver", "receiver_id", "created_at"),
)

endorsements = Table(
    "endorsements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("endorser_id", ForeignKey("members.id"), nullable=False),
    Column("member_id", ForeignKey("members.id"), nullable=False),
    Column("topic", String(80), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("endorser_id", "member_id", "topic"),
    Index("ix_endorsements_member", "member_id", "topic"),
)

# Platform event ids already handled: platforms retry deliveries, we act once.
processed_events = Table(
    "processed_events",
    metadata,
    Column("platform", String(20), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("processed_at", UTCDateTime, nullable=False),
)


# Messages the bot sends on its own, due at a time (see bot.domain.prompts). While a
# dispatcher holds one (state "sending"), due_at is when its claim lapses.
prompts = Table(
    "prompts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("recipient_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("subject_id", Integer),
    Column("due_at", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False, default=dict),
    Column("state", String(10), nullable=False),
    Column("attempts", SmallInteger, nullable=False, default=0),
    Column("last_error", String(200)),
    Column("dedupe_key", String(120), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    # What the platform did with it (conversation, thread and message ids): a retry goes
    # on from there, and a sent row says which message it became.
    Column("receipt", JSON),
    UniqueConstraint("dedupe_key"),
    # The dispatcher's scan: only rows still to send are in it.
    Index(
        "ix_prompts_due",
        "due_at",
        sqlite_where=text("state IN ('pending', 'sending')"),
        postgresql_where=text("state IN ('pending', 'sending')"),
    ),
    Index("ix_prompts_recipient", "recipient_id", "state", "sent_at"),
    Index("ix_prompts_subject", "subject_id", "kind"),
)


# Pairing rounds ("coffee chats"): channels with their cadence, who takes part, each
# round (one per planned slot, ever: a crash resumes it, never doubles it), and each
# member's seat in a group with their answer to "did you meet?".
pairing_channels = Table(
    "pairing_channels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(PLATFORM_ID_MAX), nullable=False),
    Column("every_weeks", SmallInteger, nullable=False),
    Column("weekday", SmallInteger, nullable=False),
    Column("at", String(5), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("size", SmallInteger, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("next_round_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("community_id", "channel"),
    Index("ix_pairing_channels_next_round_at", "next_round_at"),
)

pairing_participants = Table(
    "pairing_participants",
    metadata,
    Column("channel_id", ForeignKey("pairing_channels.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("presence", String(10), nullable=False),
    Column("skip_next", Boolean, nullable=False),
    Column("missed", SmallInteger, nullable=False),
    Column("joined_at", UTCDateTime),
    Column("group_label", String(80), nullable=False),
    Index("ix_pairing_participants_member_id", "member_id"),
)

pairing_rounds = Table(
    "pairing_rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel_id", ForeignKey("pairing_channels.id", ondelete="CASCADE"), nullable=False),
    Column("planned_for", UTCDateTime, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("check_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel_id", "planned_for"),
)

pairing_seats = Table(
    "pairing_seats",
    metadata,
    Column("round_id", ForeignKey("pairing_rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("group_no", Integer, nullable=False),
    Column("answer", String(10)),
    Column("answered_at", UTCDateTime),
    Index("ix_pairing_seats_member_id", "member_id"),
    Index("ix_pairing_seats_round_id_group_no", "round_id", "group_no"),
)


# What an imported member list said about each member, field by field, and whether the
# member agreed to be shown (bot.domain.member_import).
member_imports = Table(
    "member_imports",
    metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("imported", JSON, nullable=False, default=dict),
    Column("own", JSON, nullable=False, default=list),
    Column("consent", String(10), nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime),
    Index("ix_member_imports_community", "community_id", "consent"),
)


# The organiser dashboard: the secret that signs its links and sessions when
# DASHBOARD_SECRET is not set (generated once), and each link handed out, so that a
# link opens a session once and only within its minutes.
dashboard_secrets = Table(
    "dashboard_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

dashboard_links = Table(
    "dashboard_links",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("community_id", ForeignKey("communities.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Index("ix_dashboard_links_expires_at", "expires_at"),
)


def map_domain() -> None:
    """Map the domain classes onto the tables (idempotent)."""
    if mapper_registry.mappers:
        return
    mapper_registry.map_imperatively(Community, communities)
    mapper_registry.map_imperatively(Member, members)
    mapper_registry.map_imperatively(Connection, connections)
    mapper_registry.map_imperatively(Thanks, thanks)
    mapper_registry.map_imperatively(Endorsement, endorsements)
    mapper_registry.map_imperatively(Prompt, prompts)
    mapper_registry.map_imperatively(ImportRecord, member_imports)
