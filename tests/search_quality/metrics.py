"""Scores the labelled queries: precision at 3, recall at 5, and "nobody" accuracy.

Offered helpers are the members a reply offers an "Ask … for help" button for, in order;
members shown only as peers (learning it too) are not offered.

- precision@3: of the first three offered, the share that should be (members in `may`
  are left out of the count), over queries someone can answer;
- recall@5: of the members who should be offered, the share among the first five
  (at most five are expected), over the same queries;
- nobody accuracy: the share of unanswerable queries answered "nobody", offering no one;
- violations: members in `not_` offered anywhere in an answer.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from bot.messages import Reply
from bot.services.app import Networker
from bot.services.commands import WhoKnows
from tests.search_quality.cases import CASES, DEMO, Case
from tests.search_quality.communities import ASKER, DEMO_ID, SYNTHETIC_ID, actor

ASK = "Ask "
FOR_HELP = " for help"


def offered(reply: Reply) -> list[str]:
    return [
        b.label.removeprefix(ASK).removesuffix(FOR_HELP)
        for b in reply.message.buttons
        if b.label.startswith(ASK) and b.label.endswith(FOR_HELP)
    ]


@dataclass
class Outcome:
    case: Case
    shown: list[str]
    precision: float | None
    recall: float | None
    nobody_ok: bool | None
    violations: list[str]


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @staticmethod
    def _mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    def precision_at_3(self) -> float:
        return self._mean([o.precision for o in self.outcomes if o.precision is not None])

    def recall_at_5(self) -> float:
        return self._mean([o.recall for o in self.outcomes if o.recall is not None])

    def nobody_accuracy(self) -> float:
        return self._mean([float(o.nobody_ok) for o in self.outcomes if o.nobody_ok is not None])

    def violations(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.violations]

    def by_kind(self) -> dict[str, tuple[int, float, float]]:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for o in self.outcomes:
            groups[o.case.kind].append(o)
        out = {}
        for kind, items in groups.items():
            p = [o.precision for o in items if o.precision is not None]
            r = [o.recall for o in items if o.recall is not None]
            n = [float(o.nobody_ok) for o in items if o.nobody_ok is not None]
            first = self._mean(p) if p else self._mean(n)
            out[kind] = (len(items), first, self._mean(r) if r else self._mean(n))
        return out

    def summary(self) -> str:
        answerable = sum(1 for o in self.outcomes if not o.case.nobody)
        lines = [
            f"{len(self.outcomes)} labelled queries ({answerable} answerable, "
            f"{len(self.outcomes) - answerable} nobody can answer), {self.seconds:.1f} s",
            f"precision@3      {self.precision_at_3():.3f}",
            f"recall@5         {self.recall_at_5():.3f}",
            f"nobody accuracy  {self.nobody_accuracy():.3f}",
            f"violations       {len(self.violations())} (learning, seeking, hidden, away or "
            "full members offered)",
            "",
            f"  {'kind':<24}{'queries':>8}{'P@3':>8}{'R@5':>8}",
        ]
        for kind, (n, p, r) in self.by_kind().items():
            lines.append(f"  {kind:<24}{n:>8}{p:>8.2f}{r:>8.2f}")
        return "\n".join(lines)

    def failures(self) -> str:
        out = []
        for o in self.outcomes:
            bad = (
                (o.precision is not None and o.precision < 1)
                or (o.recall is not None and o.recall < 1)
                or o.nobody_ok is False
                or o.violations
            )
            if bad:
                out.append(
                    f"  [{o.case.community}/{o.case.kind}] {o.case.query!r}: offered {o.shown}, "
                    f"should {list(o.case.should)}, must not {list(o.case.not_)}"
                )
        return "\n".join(out)


def score(case: Case, shown: list[str]) -> Outcome:
    names = [s.lower() for s in shown]
    violations = [n for n in names if n in case.not_]
    if case.nobody:
        return Outcome(case, names, None, None, not names, violations)
    judged = [n for n in names[:3] if n not in case.may]
    precision = sum(1 for n in judged if n in case.should) / len(judged) if judged else 0.0
    expected = min(5, len(case.should))
    recall = sum(1 for n in names[:5] if n in case.should) / expected
    return Outcome(case, names, precision, recall, None, violations)


async def run(app: Networker) -> Report:
    report = Report()
    started = time.perf_counter()
    for case in CASES:
        community = DEMO_ID if case.community == DEMO else SYNTHETIC_ID
        reply = await app.handle(actor(community, ASKER), WhoKnows(case.query))
        assert reply is not None
        report.outcomes.append(score(case, offered(reply)))
    report.seconds = time.perf_counter() - started
    return report
