"""Topic matching as members experience it through /whoknows and their profiles."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.domain.vocabulary import (
    MatchKind,
    Vocabulary,
    normalise,
    seed_topics,
    singular,
)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(seed_topics())


def keys(vocab: Vocabulary, query: str) -> list[str]:
    return [m.key for m in vocab.resolve(query)]


# --- normalising ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kubernetes", "kubernetes"),
        ("  KUBERNETES!!! ", "kubernetes"),
        ("C++", "c++"),
        ("C#", "c#"),
        (".NET", ".net"),
        ("Node.js", "node.js"),
        ("CI/CD", "ci/cd"),
        ("public   speaking", "public speaking"),
        ("“public speaking”?", "public speaking"),
        ("ﬁnance", "finance"),  # NFKC: the ligature a phone keyboard may produce
    ],
)
def test_normalise_keeps_the_punctuation_that_names_a_topic(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("resumes", "resume"),
        ("policies", "policy"),
        ("classes", "class"),
        ("boxes", "box"),
        ("startups", "startup"),
        ("analysis", "analysis"),  # not "analysi"
        ("business", "business"),
        ("status", "status"),
        ("data structures", "data structure"),  # only the last word of a phrase
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


# --- resolving a /whoknows query ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["kubernetes", "Kubernetes", "KUBERNETES", "kubernetes?"])
def test_case_and_punctuation_do_not_matter(vocab: Vocabulary, typed: str) -> None:
    [match] = vocab.resolve(typed)
    assert (match.key, match.kind) == ("kubernetes", MatchKind.EXACT)


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("k8s", "kubernetes"),
        ("K8S", "kubernetes"),
        ("js", "javascript"),
        ("JS", "javascript"),
        ("ml", "machine learning"),
        ("ML", "machine learning"),
        ("cv", "resume"),
        ("CV", "resume"),
        ("CVs", "resume"),
        ("nyc", "new york city"),
        ("NYC", "new york city"),
        ("golang", "go"),
        ("ux", "user experience"),
        ("ci/cd", "continuous integration"),
        ("data visualisation", "data visualization"),  # British spelling
    ],
)
def test_aliases_and_abbreviations_find_the_topic(
    vocab: Vocabulary, typed: str, topic: str
) -> None:
    [match] = vocab.resolve(typed)
    assert match.key == topic
    assert match.kind is MatchKind.ALIAS


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("resumes", "resume"),
        ("Resumes", "resume"),
        ("machine learnings", "machine learning"),
        ("New York City", "new york city"),
    ],
)
def test_plurals_and_full_names_find_the_topic(vocab: Vocabulary, typed: str, topic: str) -> None:
    assert keys(vocab, typed) == [topic]


@pytest.mark.parametrize(
    ("typed", "topic"),
    [("kuberntes", "kubernetes"), ("kubernets", "kubernetes"), ("pythn", "python")],
)
def test_typos_are_read_as_the_close_topic_and_flagged(
    vocab: Vocabulary, typed: str, topic: str
) -> None:
    [match] = vocab.resolve(typed)
    assert match.key == topic
    assert match.kind is MatchKind.TYPO  # /whoknows says “I read … as …”


def test_short_words_are_not_corrected_into_something_else(vocab: Vocabulary) -> None:
    """Three letters are too few to guess a typo: "rst" must not silently become "rust"."""
    assert all(m.kind is not MatchKind.TYPO for m in vocab.resolve("rst"))
    assert "rust" not in keys(vocab, "rst")


def test_multi_word_topic_is_one_topic_not_its_words(vocab: Vocabulary) -> None:
    [match] = vocab.resolve("public speaking")
    assert match.key == "public speaking"
    assert match.kind is MatchKind.EXACT


def test_a_sentence_finds_every_topic_it_names(vocab: Vocabulary) -> None:
    found = keys(vocab, "I need help with public speaking and k8s")
    assert found == ["public speaking", "kubernetes"]


def test_a_query_of_only_stopwords_matches_nothing(vocab: Vocabulary) -> None:
    assert vocab.resolve("who can help me with the") == []
    assert vocab.resolve("   ") == []
    assert vocab.resolve("!!!") == []


# --- free text (can-help-with, request texts) ---------------------------------------------


def test_extract_finds_topics_in_free_text(vocab: Vocabulary) -> None:
    found = vocab.extract("I can help with K8s, public speaking and resumes for the NYC area")
    assert {"kubernetes", "public speaking", "resume", "new york city"} <= found
    # Stopwords and the single words of a known phrase are not topics of their own.
    assert not found & {"i", "can", "help", "with", "and", "the", "for", "public", "speaking"}


def test_extract_keeps_other_meaningful_words_in_singular(vocab: Vocabulary) -> None:
    assert "sourdough" in vocab.extract("baking sourdoughs at home")


def test_extract_of_stopwords_is_empty(vocab: Vocabulary) -> None:
    assert vocab.extract("can you help me with this and that") == set()


# --- canonical keys (what a profile skill is stored under) ---------------------------------


@pytest.mark.parametrize(
    ("skill", "key"),
    [
        ("K8s", "kubernetes"),
        ("Kubernetes", "kubernetes"),
        ("CV", "resume"),
        ("Underwater Baskets", "underwater basket"),  # unknown topics keep their singular
    ],
)
def test_canonical_key_of_a_profile_skill(vocab: Vocabulary, skill: str, key: str) -> None:
    assert vocab.canonical(skill) == key


def test_a_skill_and_its_alias_are_stored_under_the_same_key(vocab: Vocabulary) -> None:
    assert vocab.canonical("k8s") == vocab.canonical("Kubernetes") == keys(vocab, "K8S")[0]


# --- suggestions when nobody matched ---------------------------------------------------------


def test_close_topics_are_suggested_only_among_topics_members_list() -> None:
    vocab = Vocabulary(
        seed_topics(), topics={"kubernetes": "kubernetes", "public speaking": "public speaking"}
    )
    assert vocab.suggest("kubernets") == ["kubernetes"]
    assert vocab.suggest("pubic speeking") == ["public speaking"]
    # terraform is a known topic, but nobody here lists it: suggesting it would lead nowhere.
    assert vocab.typo("terraform") == "terraform"
    assert vocab.suggest("terraform") == []


def test_topics_in_use_are_counted_under_their_canonical_key() -> None:
    vocab = Vocabulary(seed_topics(), topics={"kubernetes": "Kubernetes"})
    assert vocab.in_use == {"kubernetes"}


def test_suggestions_are_limited() -> None:
    topics = {f"data {w}": f"data {w}" for w in ("science", "engineering", "visualization")}
    topics |= {"data analysis": "data analysis", "database": "database"}
    vocab = Vocabulary(seed_topics(), topics=topics)
    assert len(vocab.suggest("data", limit=3)) <= 3


# --- a community's own topics and aliases ----------------------------------------------------


def test_a_community_alias_finds_its_topic() -> None:
    vocab = Vocabulary(seed_topics(), aliases={"eng mgmt": "engineering management"})
    [match] = vocab.resolve("Eng Mgmt")
    assert (match.key, match.kind) == ("engineering management", MatchKind.ALIAS)


def test_a_community_alias_may_point_at_an_alias() -> None:
    vocab = Vocabulary(seed_topics(), aliases={"herding containers": "k8s"})
    assert keys(vocab, "Herding Containers") == ["kubernetes"]


def test_a_community_alias_wins_over_the_shipped_one() -> None:
    """Organisers know their members: in a marketing association ML may mean something else."""
    vocab = Vocabulary(seed_topics(), aliases={"ml": "marketing"})
    assert keys(vocab, "ML") == ["marketing"]
    assert keys(Vocabulary(seed_topics()), "ML") == ["machine learning"]


def test_a_community_topic_unknown_to_the_seed_is_matched_exactly() -> None:
    vocab = Vocabulary(
        seed_topics(), topics={"underwater basket weaving": "Underwater Basket Weaving"}
    )
    [match] = vocab.resolve("underwater basket weaving")
    assert (match.key, match.kind) == ("underwater basket weaving", MatchKind.EXACT)
    assert vocab.label(match.key) == "Underwater Basket Weaving"


def test_communities_do_not_share_aliases() -> None:
    Vocabulary(seed_topics(), aliases={"herding containers": "kubernetes"})
    assert "kubernetes" not in keys(Vocabulary(seed_topics()), "herding containers")


# --- the shipped vocabulary ---------------------------------------------------------------


def test_shipped_vocabulary_is_large_enough() -> None:
    assert len(seed_topics()) >= 200


def test_shipped_topics_are_unique() -> None:
    names = [normalise(t.label) for t in seed_topics()]
    assert all(names)
    assert len(names) == len(set(names))


def test_no_shipped_alias_maps_to_two_topics() -> None:
    targets: dict[str, set[str]] = defaultdict(set)
    for topic in seed_topics():
        for alias in topic.aliases:
            targets[normalise(alias)].add(normalise(topic.label))
    assert "" not in targets
    ambiguous = {alias: ts for alias, ts in targets.items() if len(ts) > 1}
    assert ambiguous == {}


def test_no_shipped_alias_is_the_name_of_another_topic() -> None:
    names = {normalise(t.label) for t in seed_topics()}
    clashes = [
        (alias, topic.label)
        for topic in seed_topics()
        for alias in topic.aliases
        if normalise(alias) in names and normalise(alias) != normalise(topic.label)
    ]
    assert clashes == []


def test_every_shipped_topic_and_alias_finds_its_topic(vocab: Vocabulary) -> None:
    wrong = []
    for topic in seed_topics():
        key = normalise(topic.label)
        for typed in (topic.label, *topic.aliases):
            if keys(vocab, typed) != [key]:
                wrong.append((typed, key, keys(vocab, typed)))
    assert wrong == []


def test_unrelated_topics_are_not_suggested() -> None:
    vocab = Vocabulary(
        seed_topics(),
        topics={"go": "go", "machine learning": "machine learning", "figma": "figma"},
    )
    assert vocab.suggest("gardening") == []
    assert vocab.suggest("negotiation") == []


# --- accents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Café", "cafe"),
        ("MÜNCHEN", "munchen"),
        ("Résumés", "resumes"),
        ("naïve bayes", "naive bayes"),
        ("São Paulo", "sao paulo"),
        ("データ", "データ"),  # a Japanese sound mark is part of the letter: kept
    ],
)
def test_accents_and_case_fold(typed: str, expected: str) -> None:
    assert normalise(typed) == expected


def test_an_accented_query_finds_the_plain_topic(vocab: Vocabulary) -> None:
    assert keys(vocab, "Résumé") == ["resume"]
    assert keys(vocab, "München") == ["munich"]
