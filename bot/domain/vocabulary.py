"""Topic vocabulary: normalising, aliases, plurals, typos and topics in free text."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.domain.related_topics import LearnedPair, Related, Relation, shipped_fields

_KEEP = "+#./&-'"
_TOKEN_END = ".-/&'"
_TOKEN_START = "-/&'"  # a leading dot stays: .net
_NON_TOPIC = re.compile(rf"[^\w\s{re.escape(_KEEP)}]", re.UNICODE)
MAX_PHRASE_WORDS = 4
TYPO_CUTOFF = 0.8  # OSA similarity: one edit in 5-9 letters, two from 10
SUGGEST_CUTOFF = 70.0

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "get",
        "getting",
        "good",
        "have",
        "help",
        "helping",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "need",
        "of",
        "on",
        "or",
        "our",
        "some",
        "someone",
        "something",
        "that",
        "the",
        "their",
        "them",
        "there",
        "they",
        "this",
        "to",
        "up",
        "us",
        "use",
        "using",
        "want",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "with",
        "would",
        "you",
        "your",
        "about",
        "advice",
        "anyone",
        "any",
        "also",
        "all",
        "just",
        "like",
        "more",
        "most",
        "other",
        "than",
        "then",
        "very",
        "will",
        "etc",
        "know",
        "knows",
        "looking",
        "learn",
        "learning",
        "work",
        "working",
    ]
)


# Accents are dropped only from Latin and Greek letters (café = cafe, München =
# munchen); in other scripts a combining mark can change the word (Japanese dakuten).
_FOLD_BELOW = 0x0400


def fold_accents(text: str) -> str:
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(ch) and out and ord(out[-1][-1]) < _FOLD_BELOW:
            continue
        out.append(ch)
    return unicodedata.normalize("NFKC", "".join(out))


def normalise(text: str) -> str:
    """Lower-case, accents folded, NFKC, punctuation that carries meaning kept (c++, c#,
    node.js, ci/cd)."""
    text = fold_accents(unicodedata.normalize("NFKC", text).casefold())
    text = _NON_TOPIC.sub(" ", text)
    tokens = (tok.rstrip(_TOKEN_END).lstrip(_TOKEN_START) for tok in text.split())
    return " ".join(tok for tok in tokens if tok)


def singular(phrase: str) -> str:
    """English singular of the last word; good enough for topic names."""
    head, _, last = phrase.rpartition(" ")
    word = last
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return f"{head} {word}" if head else word


class MatchKind(StrEnum):
    EXACT = "exact"
    ALIAS = "alias"
    TYPO = "typo"
    WORD = "word"


@dataclass(frozen=True)
class TopicMatch:
    key: str
    kind: MatchKind
    query: str


@dataclass(frozen=True)
class SeedTopic:
    label: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def seed_topics() -> tuple[SeedTopic, ...]:
    """The shipped vocabulary (bot/data/topics.csv)."""
    text = resources.files("bot").joinpath("data/topics.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        SeedTopic(row["topic"].strip(), tuple(a for a in row["aliases"].split("|") if a.strip()))
        for row in rows
    )


@lru_cache(maxsize=4)
def _seed_maps(
    seed: tuple[SeedTopic, ...],
) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """Normalised seed vocabulary, computed once: (term → key, keys, key → label)."""
    canon: dict[str, str] = {}
    labels: dict[str, str] = {}
    for entry in seed:
        key = normalise(entry.label)
        if key and key not in canon:
            canon[key] = key
            labels[key] = entry.label
    for entry in seed:
        key = normalise(entry.label)
        for alias in entry.aliases:
            canon.setdefault(normalise(alias), key)
    return canon, frozenset(labels), labels


@lru_cache(maxsize=4)
def _seed_related(seed: tuple[SeedTopic, ...]) -> dict[str, tuple[Related, ...]]:
    """Shipped field → skill relations under canonical keys, both directions."""
    canon = _seed_maps(seed)[0]

    def canonical(text: str) -> str:
        norm = normalise(text)
        for candidate in (norm, singular(norm), norm.replace("-", " ")):
            if candidate in canon:
                return canon[candidate]
        return singular(norm)

    out: dict[str, list[Related]] = {}
    for field, skills in shipped_fields():
        broad = canonical(field)
        for skill in skills:
            key = canonical(skill)
            if not key or key == broad:
                continue
            if all(r.key != key for r in out.setdefault(broad, [])):
                out[broad].append(Related(key, Relation.FIELD))
            if all(r.key != broad for r in out.setdefault(key, [])):
                out[key].append(Related(broad, Relation.BROADER))
    return {k: tuple(v) for k, v in out.items()}


def is_known_term(text: str) -> bool:
    """A topic or alias of the shipped vocabulary (short names like C and R are real)."""
    return normalise(text) in _seed_maps(seed_topics())[0]


class Vocabulary:
    """Known topics of one community: canonical keys, their aliases and display labels."""

    def __init__(
        self,
        seed: tuple[SeedTopic, ...] = (),
        aliases: Mapping[str, str] | None = None,
        topics: Mapping[str, str] | None = None,
        learned: Iterable[LearnedPair] = (),
    ) -> None:
        base = _seed_maps(seed)
        self._canon: dict[str, str] = dict(base[0])
        self._direct: set[str] = set(base[1])
        self.labels: dict[str, str] = dict(base[2])
        self.in_use: set[str] = set()  # topics members of the community actually list
        for key, label in (topics or {}).items():
            self._add_topic(key, label)
            self.in_use.add(self._canon.get(key, key))
        for alias, target in (aliases or {}).items():
            self._canon[normalise(alias)] = self.canonical(target)
        self._choices = list(self._canon)
        self._related: dict[str, list[Related]] = {
            k: list(v) for k, v in _seed_related(seed).items()
        }
        for pair in learned:
            self._add_related(pair.topic, Related(pair.related, Relation.LEARNED))

    def _add_related(self, key: str, related: Related) -> None:
        known = self._related.setdefault(key, [])
        if related.key != key and all(r.key != related.key for r in known):
            known.append(related)

    def related(self, key: str) -> list[Related]:
        """Topics related to `key`, closest first: its field's skills, its broader
        fields, then what the community's members list with it."""
        return sorted(self._related.get(key, ()), key=lambda r: r.relation)

    def _add_topic(self, key: str, label: str) -> None:
        if key and key not in self._canon:
            self._canon[key] = key
            self._direct.add(key)
            self.labels.setdefault(key, label)

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def lookup(self, text: str) -> tuple[str, MatchKind] | None:
        """Exact, alias or plural lookup of a normalised phrase."""
        # Short abbreviations take a plain "s" too: CVs, APIs, PMs.
        short_plural = text[:-1] if text.endswith("s") and len(text) >= 3 else text
        spaced = text.replace("-", " ")  # machine-learning, follow-up
        for candidate in (text, singular(text), short_plural, spaced, singular(spaced)):
            key = self._canon.get(candidate)
            if key is not None:
                kind = MatchKind.EXACT if candidate in self._direct else MatchKind.ALIAS
                return key, kind
        return None

    def canonical(self, text: str) -> str:
        """The key a topic is stored and searched under; unknown topics keep their singular."""
        norm = normalise(text)
        found = self.lookup(norm)
        return found[0] if found else singular(norm)

    def resolve(self, query: str) -> list[TopicMatch]:
        """Topics a search means, best first: the whole phrase, else its topics and words."""
        norm = normalise(query)
        if not norm:
            return []
        found = self.lookup(norm)
        if found:
            return [TopicMatch(found[0], found[1], norm)]
        typo = self.typo(norm) if len(norm) >= 4 else None
        if typo:
            return [TopicMatch(typo, MatchKind.TYPO, norm)]
        matches: list[TopicMatch] = []
        for key, kind in self._phrases(norm, fuzzy=True):
            if all(m.key != key for m in matches):
                matches.append(TopicMatch(key, kind, norm))
        return matches

    def extract(self, text: str) -> set[str]:
        """Topic keys mentioned in free text: known phrases, plus other meaningful words."""
        return {key for key, _ in self._phrases(normalise(text), fuzzy=False)}

    def known_topics(self, text: str) -> set[str]:
        """Topics free text names that this community knows (seeded, listed or aliased);
        not the other words `extract` keeps."""
        return {
            key
            for key, kind in self._phrases(normalise(text), fuzzy=False)
            if kind is not MatchKind.WORD
        }

    def _phrases(self, norm: str, *, fuzzy: bool) -> list[tuple[str, MatchKind]]:
        tokens = norm.split()
        out: list[tuple[str, MatchKind]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(MAX_PHRASE_WORDS, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + size])
                found = self.lookup(phrase)
                if found and not (size == 1 and phrase in STOPWORDS):
                    out.append(found)
                    i += size
                    break
            else:
                word = tokens[i]
                i += 1
                if word in STOPWORDS or len(word) < 2:
                    continue
                typo = self.typo(word) if fuzzy and len(word) >= 5 else None
                out.append((typo, MatchKind.TYPO) if typo else (singular(word), MatchKind.WORD))
        return out

    def typo(self, text: str) -> str | None:
        """The topic a misspelling most likely means (any known topic or alias)."""
        hit = process.extractOne(
            text, self._choices, scorer=OSA.normalized_similarity, score_cutoff=TYPO_CUTOFF
        )
        return self._canon[hit[0]] if hit else None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Topics members list that are close to `text`, for "did you mean".

        Word sets are compared too, so "negotiation" finds "salary negotiation", but a
        short topic inside a longer word ("go" in "negotiation") does not count.
        """
        choices = [c for c in self._choices if self._canon[c] in self.in_use]
        hits = process.extract(
            text, choices, scorer=fuzz.token_set_ratio, score_cutoff=SUGGEST_CUTOFF, limit=limit * 3
        )
        keys: list[str] = []
        for choice, _score, _index in hits:
            key = self._canon[choice]
            if key not in keys:
                keys.append(key)
        return keys[:limit]
