"""The two communities the labelled queries run against, built through the real code.

Named members are loaded with the same profile edits members type; the synthetic
community's background members (listing made-up topics, as in `benchmarks/whoknows.py`)
are inserted in bulk, indexed by the same `topic_entries` the use cases use.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console.demo import PEOPLE
from bot.domain.members import Member
from bot.domain.ranking import index_score
from bot.domain.vocabulary import Vocabulary, seed_topics
from bot.services.app import Networker
from bot.services.commands import Actor, EditProfile, MemberRef
from bot.services.indexing import topic_entries
from bot.store.search_index import NEVER
from bot.store.tables import communities, community_topics, member_topics, members

PLATFORM = "quality"
DEMO_ID = "Q-demo"
SYNTHETIC_ID = "Q-synthetic"
ASKER = "asker"  # asks every question; lists nothing

# Named members of the synthetic community, in the /profile syntax.
PLANTED: tuple[tuple[str, str], ...] = (
    ("otto", 'skills="fundraising:expert"'),
    ("nia", 'skills="grant writing:expert, donor relations:practitioner"'),
    ("pim", 'skills="fundraising:learning"'),
    ("gwl", 'looking="help with grant writing"'),
    ("gwh", 'skills="grant writing:practitioner, public health:practitioner"'),
    ("hal", 'skills="public health:expert, epidemiology:practitioner"'),
    ("nel", 'skills="nursing:expert"'),
    ("eda", 'skills="curriculum design:expert, instructional design:expert"'),
    ("eng", 'skills="structural engineering:expert, autocad:practitioner"'),
    ("dsa", 'skills="pandas:expert, statistics:expert"'),
    ("dsb", 'skills="data science:expert"'),
    ("dsl", 'skills="pandas:learning" looking="help with data science"'),
    ("hrm", 'skills="recruiting:expert, onboarding:practitioner, employee relations:expert"'),
    ("sfo", 'skills="san francisco:expert, startups:practitioner"'),
    ("cam", 'skills="café management:expert"'),
    ("pat", 'skills="pâtisserie:expert"'),
    ("mun", 'skills="München:expert"'),
    ("pyn", 'skills="python:expert, nonprofit:practitioner"'),
    ("pyo", 'skills="python:expert"'),
    ("npo", 'skills="nonprofit:expert"'),
    ("fin", 'skills="financial modeling:expert, excel:expert"'),
    ("lia", 'skills="contract law:expert"'),
    ("rex", 'skills="employment law:expert"'),
    ("mia", 'skills="seo:expert, content marketing:practitioner"'),
    ("dex", 'skills="figma:expert, typography:practitioner"'),
    ("res", 'skills="qualitative research:expert, survey design:expert"'),
    ("pol", 'skills="public policy:expert"'),
    ("fre", 'help="I have run three capital campaigns for museums and their exhibitions"'),
    ("pia", 'skills="fermentation:expert"'),
    ("bea", 'skills="beekeeping:expert"'),
)
# Topics many members list together, from members who are away or hidden: the pairs are
# learned from the community, the members themselves are never offered.
CLUSTERS: tuple[tuple[str, str, int], ...] = (
    ("sd", 'skills="sourdough:practitioner, fermentation:practitioner" availability=away', 12),
    ("pl", 'skills="pollination:practitioner, beekeeping:practitioner" discoverable=no', 12),
)
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "tu",
    "vo",
    "zen",
    "pri",
    "sta",
    "gor",
    "fil",
    "mas",
    "dre",
    "lin",
    "quo",
    "bex",
    "tal",
    "ser",
    "vy",
]
NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


def actor(community: str, name: str) -> Actor:
    return Actor(PLATFORM, community, MemberRef(f"U-{name}", name))


async def edit(app: Networker, community: str, name: str, profile: str) -> None:
    result = await app.handle(actor(community, name), EditProfile(text=profile))
    if result is None or not result.ok:
        raise RuntimeError(f"profile for {name} refused: {result and result.text}")


async def load_demo(app: Networker) -> None:
    await app.register_community(PLATFORM, DEMO_ID, "Sample association")
    for name, profile in PEOPLE:
        await edit(app, DEMO_ID, name, profile)
    await edit(app, DEMO_ID, ASKER, 'bio="asks the questions"')


async def load_synthetic(app: Networker, engine: AsyncEngine, size: int) -> None:
    await app.register_community(PLATFORM, SYNTHETIC_ID, "Synthetic association")
    named = len(PLANTED) + sum(n for _, _, n in CLUSTERS) + 1
    await _background(engine, max(0, size - named))
    for name, profile in PLANTED:
        await edit(app, SYNTHETIC_ID, name, profile)
    for prefix, profile, count in CLUSTERS:
        for i in range(count):
            await edit(app, SYNTHETIC_ID, f"{prefix}{i}", profile)
    await edit(app, SYNTHETIC_ID, ASKER, 'bio="asks the questions"')


async def _background(engine: AsyncEngine, size: int) -> None:
    """Members listing made-up topics (Zipf), inserted in bulk and indexed as usual."""
    rng = random.Random(12)
    names: list[str] = []
    while len(names) < 2000:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4)))
        if word not in names:
            names.append(word)
    weights = [1.0 / rank for rank in range(1, len(names) + 1)]
    vocab = Vocabulary(seed_topics(), {}, {})
    async with engine.begin() as conn:
        cid = (
            await conn.execute(
                select(communities.c.id).where(communities.c.external_id == SYNTHETIC_ID)
            )
        ).scalar_one()
        first = (
            int(
                (
                    await conn.execute(select(members.c.id).order_by(members.c.id.desc()).limit(1))
                ).scalar()
                or 0
            )
            + 1
        )
        counts: dict[str, int] = {}
        for start in range(0, size, 2000):
            member_rows, topic_rows = [], []
            for mid in range(first + start, first + min(size, start + 2000)):
                skills = {n: rng.choice((1, 2, 2, 3)) for n in rng.choices(names, weights, k=5)}
                words = f"happy to help with {rng.choice(names)} and {rng.choice(names)}"
                member = Member(
                    cid, f"B{mid}", f"bg{mid}", skills=skills, can_help_with=words, id=mid
                )
                member_rows.append(
                    {
                        "id": mid,
                        "community_id": cid,
                        "platform_user_id": member.platform_user_id,
                        "display_name": member.display_name,
                        "skills": skills,
                        "can_help_with": words,
                        "looking_for": "",
                        "bio": "",
                        "timezone": "Europe/Berlin",
                        "availability": "open",
                        "capacity": 4,
                        "discoverable": True,
                        "is_organiser": False,
                        "paused": False,
                        "forgotten": False,
                        "created_at": NOW,
                    }
                )
                for entry in topic_entries(member, vocab):
                    topic_rows.append(
                        {
                            "member_id": mid,
                            "topic": entry.topic,
                            "community_id": cid,
                            "level": entry.level,
                            "evidence": 0,
                            "score": index_score(entry.level, 0),
                            "listed": True,
                            "full_until": None,
                            "last_request_at": NEVER,
                        }
                    )
                    if entry.level:
                        counts[entry.topic] = counts.get(entry.topic, 0) + 1
            await conn.execute(insert(members), member_rows)
            await conn.execute(insert(member_topics), topic_rows)
        if conn.dialect.name == "postgresql":  # ids given explicitly: move the sequence on
            await conn.execute(
                text("SELECT setval(pg_get_serial_sequence('members', 'id'), max(id)) FROM members")
            )
        if counts:
            await conn.execute(
                insert(community_topics),
                [
                    {"community_id": cid, "topic": t, "label": t, "members": n}
                    for t, n in counts.items()
                ],
            )
