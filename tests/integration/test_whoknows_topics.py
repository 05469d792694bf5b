"""/whoknows for what members actually type: mixed topics, broad fields, related skills,
learners and seekers, accents. Runs on the in-memory store, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot.services.app import Networker
from bot.services.caches import Caches
from bot.services.topic_relations import relearn_due
from tests.driver import Community, names_in
from tests.fakes import FakeClock

pytestmark = pytest.mark.fake_store_too


def why(result_text: str, name: str) -> str:
    """The one-line reason given for a member."""
    lines = result_text.splitlines()
    at = lines.index(f"@{name}") if f"@{name}" in lines else lines.index(name)
    return next(line for line in lines[at:] if line.startswith("Why: "))


async def test_a_mixed_topic_ranks_members_who_match_all_of_it_first(
    community: Community,
) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ana.profile('skills="python:expert"')
    await ben.profile('skills="python:practitioner, nonprofit:practitioner"')
    result = await dana.whoknows("python nonprofit")
    assert names_in(result) == ["Ben", "Ana"]
    assert result.text.splitlines()[0] == "People who can help with python + nonprofit"


async def test_the_part_of_a_topic_nobody_lists_is_named_not_dropped(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    result = await dana.whoknows("python for beekeeping")
    assert names_in(result) == ["Ana"]
    assert result.text.splitlines()[0] == "Nobody lists “beekeeping”; people who know python:"


async def test_an_abbreviation_inside_a_phrase_is_read_as_its_topic(
    community: Community,
) -> None:
    yara, cole, dana = (community.member(n) for n in ("yara", "cole", "dana"))
    await yara.profile('skills="new york city:practitioner, real estate:practitioner"')
    await cole.profile('skills="real estate:expert"')
    result = await dana.whoknows("NYC real estate")
    assert names_in(result) == ["Yara", "Cole"]
    assert "new york city + real estate" in result.text.splitlines()[0]
    k8s = community.member("kim")
    await k8s.profile('skills="kubernetes:expert"')
    assert names_in(await dana.whoknows("k8s networking")) == ["Kim"]


async def test_learners_and_seekers_are_never_offered_as_helpers(community: Community) -> None:
    lea, sam, ana, dana = (community.member(n) for n in ("lea", "sam", "ana", "dana"))
    await lea.profile('skills="kubernetes:learning"')
    await sam.profile('looking="help with kubernetes networking" help="kubernetes talks"')
    await ana.profile('skills="kubernetes:practitioner"')
    result = await dana.whoknows("k8s")
    assert names_in(result) == ["Ana"]
    assert [b.label for b in result.message.buttons] == ["Ask Ana for help"]

    await ana.profile("availability=away")
    result = await dana.whoknows("kubernetes")
    assert result.message.buttons == ()
    assert "Nobody who can help with “kubernetes” is available right now." in result.text
    assert "Peers, not helpers (learning it or looking for it too): @Lea and @Sam" in result.text


async def test_accents_and_case_fold(community: Community) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ana.profile('skills="Café Management:expert"')
    await ben.profile('help="I ran a cafe for ten years"')
    assert names_in(await dana.whoknows("CAFE MANAGEMENT")) == ["Ana"]
    assert names_in(await dana.whoknows("café")) == ["Ben"]
    await ana.profile('skills="Résumé:expert"')
    assert names_in(await dana.whoknows("resumes")) == ["Ana"]


async def test_a_broad_field_finds_members_who_list_its_skills_and_says_why(
    community: Community,
) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ana.profile('skills="pandas:expert, statistics:expert"')
    await ben.profile('skills="data science:practitioner"')
    result = await dana.whoknows("data science")
    assert names_in(result) == ["Ben", "Ana"]  # who lists the field itself first
    assert why(result.text, "Ana") == "Why: knows pandas and statistics, related to data science"
    assert why(result.text, "Ben") == "Why: practises data science"


@pytest.mark.parametrize(
    ("skill", "field"),
    [
        ("grant writing", "fundraising"),
        ("donor relations", "nonprofit fundraising"),
        ("employment law", "law"),
        ("epidemiology", "public health"),
        ("financial modeling", "finance"),
        ("seo", "digital marketing"),
        ("typography", "graphic design"),
        ("instructional design", "education"),
        ("urban planning", "civil engineering"),
        ("survey design", "research"),
        ("lobbying", "public policy"),
        ("recruiting", "HR"),
    ],
)
async def test_fields_beyond_software_find_their_skills(
    community: Community, skill: str, field: str
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile(f'skills="{skill}:expert"')
    result = await dana.whoknows(field)
    assert names_in(result) == ["Ana"], result.text
    assert "related to" in why(result.text, "Ana")


async def test_a_specific_skill_finds_the_broader_field_only_after_who_lists_it(
    community: Community,
) -> None:
    ana, ben, cara, dana = (community.member(n) for n in ("ana", "ben", "cara", "dana"))
    await ben.profile('skills="data science:expert"')
    result = await dana.whoknows("pandas")
    assert names_in(result) == ["Ben"]
    assert why(result.text, "Ben") == "Why: knows data science, the wider field of pandas"
    # Anyone who lists the skill, even only in their own words, ranks above the field.
    await cara.profile('help="I teach pandas to analysts"')
    await ana.profile('skills="pandas:practitioner"')
    assert names_in(await dana.whoknows("pandas")) == ["Ana", "Cara", "Ben"]


async def test_topics_many_members_list_together_become_related(
    community: Community, app: Networker, clock: FakeClock
) -> None:
    dana, pia = community.member("dana"), community.member("pia")
    for i in range(6):  # bakers who are away: they teach the relation, nobody offers them
        await community.member(f"baker{i}").profile(
            'skills="sourdough:practitioner, fermentation:expert" availability=away'
        )
    for i in range(20):
        await community.member(f"other{i}").profile(f'skills="topic{i}:expert"')
    await pia.profile('skills="fermentation:practitioner"')
    assert names_in(await dana.whoknows("sourdough")) == []

    assert await relearn_due(app.units, clock.now()) == 1
    assert await relearn_due(app.units, clock.now()) == 0  # learned already: not again
    app.caches = Caches()  # the vocabulary other processes hold expires within its TTL
    result = await dana.whoknows("sourdough")
    assert names_in(result) == ["Pia"]
    assert why(result.text, "Pia") == "Why: knows fermentation, often listed with sourdough"
    # Once someone lists it, they come first.
    await community.member("ola").profile('help="sourdough workshops"')
    assert names_in(await dana.whoknows("sourdough")) == ["Ola", "Pia"]


async def test_nobody_is_said_plainly_instead_of_weak_guesses(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert, public speaking:expert"')
    for query in ("volcanology", "underwater welding", "harp lessons"):
        result = await dana.whoknows(query)
        assert names_in(result) == [], query
        assert result.message.buttons == ()
        assert "Nobody who can help" in result.text
