"""Neutral spans as a platform's markup: Slack's mrkdwn and Discord's markdown differ
only in how text is escaped and how bold is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.messages import Bold, Mention, Plain, Quote, Span


@dataclass(frozen=True)
class Markup:
    escape: Callable[[str], str]  # member text can never mention, link or format
    bold: str  # what wraps bold text: "*" or "**"

    def spans(self, spans: Sequence[Span]) -> str:
        out: list[str] = []
        for span in spans:
            if isinstance(span, Mention):
                out.append(f"<@{span.user_id}>")
            elif isinstance(span, Bold):
                out.append(f"{self.bold}{self.escape(span.text)}{self.bold}")
            elif isinstance(span, Quote):
                out.append(f"“{self.escape(span.text)}”")
            elif isinstance(span, Plain):
                out.append(self.escape(span.text))
        return "".join(out)
