"""A few Prometheus metrics in the text exposition format, without a dependency."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self._bucket_counts = [0] * len(BUCKETS)
        self._sum = 0.0
        self._count = 0
        self.gauges: dict[str, Callable[[], float]] = {}

    def observe(self, kind: str, seconds: float, *, failed: bool) -> None:
        self.requests[kind] += 1
        if failed:
            self.errors[kind] += 1
        self._sum += seconds
        self._count += 1
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                self._bucket_counts[i] += 1

    def render(self) -> str:
        out = [
            "# HELP networker_requests_total Platform requests handled, by kind.",
            "# TYPE networker_requests_total counter",
        ]
        out += [
            f'networker_requests_total{{kind="{k}"}} {v}' for k, v in sorted(self.requests.items())
        ]
        out += [
            "# HELP networker_request_errors_total Requests answered with a server error.",
            "# TYPE networker_request_errors_total counter",
        ]
        out += [
            f'networker_request_errors_total{{kind="{k}"}} {v}'
            for k, v in sorted(self.errors.items())
        ]
        out += [
            "# HELP networker_request_seconds Time to answer a platform request.",
            "# TYPE networker_request_seconds histogram",
        ]
        out += [
            f'networker_request_seconds_bucket{{le="{b}"}} {n}'
            for b, n in zip(BUCKETS, self._bucket_counts, strict=True)
        ]
        out += [
            f'networker_request_seconds_bucket{{le="+Inf"}} {self._count}',
            f"networker_request_seconds_sum {self._sum:.6f}",
            f"networker_request_seconds_count {self._count}",
        ]
        for name, read in sorted(self.gauges.items()):
            out += [f"# TYPE {name} counter", f"{name} {read()}"]
        return "\n".join(out) + "\n"
