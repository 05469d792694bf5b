"""A few weeks of made-up activity in the demo's community, for the pages to show."""

from __future__ import annotations

from adapters.console.demo import PEOPLE
from tests.driver import Community, Member
from tests.fakes import FakeClock

# (introducer or asker, a, b) per week: intros join regions, asks stay closer to home.
INTROS = (
    ("lena", "ana", "sam"),
    ("lena", "ben", "priya"),
    ("nora", "dana", "nora"),
    ("lena", "emeka", "kofi"),
    ("hana", "wen", "hana"),
    ("lena", "chloe", "uma"),
    ("omar", "jade", "bruno"),
    ("lena", "marco", "dana"),
    ("fatima", "xavier", "fatima"),
    ("lena", "tara", "victor"),
)
ASKS = (
    ("sam", "ana", "kubernetes"),
    ("dana", "nora", "public speaking"),
    ("ben", "priya", "machine learning"),
    ("bruno", "jade", "marketing"),
    ("victor", "quinn", "project management"),
    ("carla", "hana", "data visualization"),
    ("dev", "ana", "aws"),
    ("yara", "rosa", "spanish"),
    ("wen", "ben", "python"),
    ("aiko", "lena", "leadership"),
    ("sam", "zoe", "kubernetes"),
    ("dana", "marco", "javascript"),
)
THANKS = (("sam", "ana"), ("dana", "nora"), ("ben", "priya"), ("carla", "hana"), ("aiko", "lena"))


async def demo_story(community: Community, clock: FakeClock) -> dict[str, Member]:
    """The demo's 30 members; over eight weeks, intros, help requests (some answered,
    one declined) and thank-yous. Returns the members by name (lena organises)."""
    people = {name: community.member(name, organiser=name == "lena") for name, _ in PEOPLE}
    for name, profile in PEOPLE:
        # Any hour suits them: the story's requests arrive at once, on any weekday.
        await people[name].profile(f'bio="Sample member {name}" {profile} window=anytime')
    clock.advance(days=20)
    for week in range(8):
        for introducer, a, b in INTROS[week : week + 2]:
            sent = await people[introducer].intro(
                people[a], people[b], "you both run community events and could swap speakers"
            )
            if sent.ok:
                for party in (people[a], people[b]):
                    if party.name != introducer:
                        await party.press(party.button("Accept"))
        for asker, helper, topic in ASKS[week : week + 2]:
            # The topic is read from the words, as when a member types /ask.
            sent = await people[asker].ask(people[helper], f"a question about {topic}")
            if not sent.ok:
                continue
            if (week + len(asker)) % 5 == 0:
                await people[helper].decline("busy this month")
            else:
                await people[helper].press(people[helper].button("Accept"))
        if week < len(THANKS):
            giver, receiver = THANKS[week]
            await people[giver].thank(people[receiver], "for the help")
        clock.advance(days=7)
    return people
