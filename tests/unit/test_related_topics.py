"""Related topics: the shipped fields and what is learned from a community's profiles."""

from __future__ import annotations

import pytest

from bot.domain.related_topics import (
    LEARN_MIN_TOGETHER,
    LEARN_PER_TOPIC,
    Relation,
    learn,
    shipped_fields,
)
from bot.domain.vocabulary import Vocabulary, normalise, seed_topics


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(seed_topics())


# The fields an association's members come from, not only software.
FIELDS = [
    "data science",
    "software engineering",
    "nonprofit",
    "fundraising",
    "law",
    "healthcare",
    "public health",
    "finance",
    "accounting",
    "marketing",
    "design",
    "education",
    "engineering",
    "research",
    "public policy",
    "human resources",
    "sales",
    "operations",
    "real estate",
    "writing",
    "career development",
    "leadership",
    "entrepreneurship",
    "sustainability",
]


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_relates_to_the_skills_people_list_under_it(
    vocab: Vocabulary, field: str
) -> None:
    key = vocab.canonical(field)
    skills = [r for r in vocab.related(key) if r.relation is Relation.FIELD]
    assert len(skills) >= 6, field
    for skill in skills:  # and each skill leads back to its field, as a weaker relation
        assert any(
            r.key == key and r.relation is Relation.BROADER for r in vocab.related(skill.key)
        )


def test_shipped_relations_name_fields_once_and_never_themselves() -> None:
    fields = [normalise(f) for f, _ in shipped_fields()]
    assert len(fields) == len(set(fields))
    for field, skills in shipped_fields():
        assert normalise(field) not in {normalise(s) for s in skills}, field


def test_relations_follow_aliases(vocab: Vocabulary) -> None:
    """HR is human resources; its skills are found under the canonical key."""
    assert vocab.canonical("HR") == "human resources"
    assert any(r.key == "recruiting" for r in vocab.related("human resources"))


def test_pairs_listed_together_often_are_learned_both_ways() -> None:
    listed = {"sourdough": 10, "fermentation": 12, "python": 400, "excel": 380}
    pairs = [("fermentation", "sourdough", 9), ("excel", "python", 160)]
    learned = learn(pairs, listed, members=1000)
    assert {(p.topic, p.related) for p in learned} == {
        ("fermentation", "sourdough"),
        ("sourdough", "fermentation"),
    }  # python and excel are together no more often than chance


def test_rare_pairs_are_not_learned() -> None:
    few = LEARN_MIN_TOGETHER - 1
    assert learn([("a", "b", few)], {"a": few, "b": few}, members=1000) == []


def test_a_topic_keeps_only_its_strongest_partners() -> None:
    partners = [(f"t{i:02}", "hub", 10 + i) for i in range(LEARN_PER_TOPIC + 3)]
    listed = {"hub": 40} | {a: n for a, _, n in partners}
    learned = learn(partners, listed, members=10_000)
    hub = [p.related for p in learned if p.topic == "hub"]
    assert hub == [f"t{i:02}" for i in range(LEARN_PER_TOPIC + 2, 2, -1)]
