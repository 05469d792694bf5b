"""Every kind of prompt, each declared once in its module here (see bot.prompts.spec).

A new kind is a PromptKind value, a module with its declaration and renderer, and its
line below; tests/unit/test_prompt_kinds.py checks that nothing is left half-declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.domain.prompts import PromptKind
from bot.prompts.kinds import (
    consent,
    digest,
    follow_up,
    giver_digest,
    import_consent,
    keep_in_touch,
    message,
    occasion,
    pairing_check,
)
from bot.prompts.spec import PromptKindSpec

# In the order /networker prompts lists them.
DECLARED: tuple[PromptKindSpec, ...] = (
    *consent.KINDS,
    *follow_up.KINDS,
    keep_in_touch.KEEP_IN_TOUCH,
    occasion.OCCASION,
    pairing_check.PAIRING_REMINDER,
    pairing_check.PAIRING_CHECK,
    giver_digest.GIVER_DIGEST,
    import_consent.IMPORT_CONSENT,
    digest.DIGEST,
    message.MESSAGE,
)
PROMPT_KINDS: Mapping[PromptKind, PromptKindSpec] = MappingProxyType(
    {spec.kind: spec for spec in DECLARED}
)
# The kinds members (and organisers, for the community) may switch off, and what each
# is called there.
SWITCHABLE: tuple[PromptKind, ...] = tuple(s.kind for s in DECLARED if s.switchable)
KIND_LABELS: Mapping[PromptKind, str] = MappingProxyType(
    {s.kind: s.label for s in DECLARED if s.label is not None}
)
