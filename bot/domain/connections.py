"""Introductions and help requests: one double opt-in state machine.

An intro connects two parties on behalf of an introducer; a help request connects the
requester (who consents by asking) with a helper. Nobody is connected before every
party has accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import UserError


class Kind(StrEnum):
    INTRO = "intro"
    REQUEST = "request"


class State(StrEnum):
    DRAFT = "draft"  # written, not yet sent (e.g. waiting for "ask anyway")
    PENDING = "pending"
    CONNECTED = "connected"
    DECLINED = "declined"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    LEFT = "left"  # closed because someone in it left Networker (forget)


class Consent(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    SNOOZED = "snoozed"  # "Not now": still open, answer later
    DECLINED = "declined"


class Answer(StrEnum):
    ACCEPT = "accept"
    NOT_NOW = "not_now"
    DECLINE = "decline"


class Outcome(StrEnum):
    """The requester's answer to "did you connect?"."""

    HELPFUL = "helpful"
    TALKED = "talked"  # "We talked"
    NOT_YET = "not_yet"  # asked once more later
    NO = "no"  # "It didn't happen"


OPEN_STATES = (State.DRAFT, State.PENDING)


@dataclass(eq=False)
class Connection:
    community_id: int
    kind: Kind
    initiator_id: int  # the introducer, or the requester of a help request
    party_a_id: int  # intro: first party; request: the requester
    party_b_id: int  # intro: second party; request: the helper
    reason: str
    topic: str | None = None
    state: State = State.PENDING
    consent_a: Consent = Consent.PENDING
    consent_b: Consent = Consent.PENDING
    note_a: str = ""  # private decline notes, never shown to anyone else
    note_b: str = ""
    suggested_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    connected_at: datetime | None = None
    outcome: Outcome | None = None  # party a's answer to "did you connect?"
    outcome_b: Outcome | None = None  # an intro's party b answers it too
    # When it closes unanswered: a while after it reached its parties (in their contact
    # windows), moved later by "Not now".
    expires_at: datetime | None = None
    # The asker let others who know the topic see that they asked: only then may a
    # digest name them. Off unless they chose it, for this ask.
    visible: bool = False
    id: int | None = None
    pair_low: int = field(init=False)  # the pair, order-free: one open intro per pair
    pair_high: int = field(init=False)

    def __post_init__(self) -> None:
        self.pair_low, self.pair_high = sorted((self.party_a_id, self.party_b_id))

    @property
    def parties(self) -> tuple[int, int]:
        return (self.party_a_id, self.party_b_id)

    @property
    def is_intro(self) -> bool:
        return self.kind is Kind.INTRO

    @property
    def is_open(self) -> bool:
        """A draft or waiting for answers: it can still be sent, answered or withdrawn."""
        return self.state in OPEN_STATES

    @property
    def introducer(self) -> int | None:
        """Who made the introduction; a help request has none."""
        return self.initiator_id if self.is_intro else None

    def involves(self, member_id: int) -> bool:
        return member_id in (self.initiator_id, self.party_a_id, self.party_b_id)

    def other_party(self, member_id: int) -> int:
        return self.party_b_id if member_id == self.party_a_id else self.party_a_id

    # --- consent ---------------------------------------------------------------------------

    def consent_of(self, member_id: int) -> Consent | None:
        """A party's answer so far; None for anyone who is not a party."""
        if member_id == self.party_a_id:
            return self.consent_a
        if member_id == self.party_b_id:
            return self.consent_b
        return None

    def accepted_by(self, member_id: int) -> bool:
        return self.consent_of(member_id) is Consent.ACCEPTED

    def declined_by(self, member_id: int) -> bool:
        return self.consent_of(member_id) is Consent.DECLINED

    @property
    def both_accepted(self) -> bool:
        return self.consent_a is Consent.ACCEPTED and self.consent_b is Consent.ACCEPTED

    @property
    def decliner(self) -> int | None:
        """The party who said no, if one did (the bot never tells anyone who)."""
        return next((m for m in self.parties if self.declined_by(m)), None)

    @property
    def snoozed(self) -> list[int]:
        """Parties who said "Not now" and have not answered since."""
        return [m for m in self.parties if self.consent_of(m) is Consent.SNOOZED]

    def awaiting(self) -> list[int]:
        """Parties whose consent is still needed."""
        return [m for m in self.parties if self.consent_of(m) in (Consent.PENDING, Consent.SNOOZED)]

    def waits_for(self, member_id: int) -> bool:
        """Whether this member has yet to answer a request that is out."""
        return self.state is State.PENDING and member_id in self.awaiting()

    def answer(self, member_id: int, answer: Answer, now: datetime, note: str = "") -> State:
        """Record one party's answer; returns the resulting state. Raises on stale answers."""
        self.ensure_awaiting(member_id)
        consent = {
            Answer.ACCEPT: Consent.ACCEPTED,
            Answer.NOT_NOW: Consent.SNOOZED,
            Answer.DECLINE: Consent.DECLINED,
        }[answer]
        if member_id == self.party_a_id:
            self.consent_a, self.note_a = consent, note
        else:
            self.consent_b, self.note_b = consent, note
        self.updated_at = now
        if consent is Consent.DECLINED:
            self.state = State.DECLINED
        elif self.both_accepted:
            self.state = State.CONNECTED
            self.connected_at = now
        return self.state

    def ensure_awaiting(self, member_id: int) -> None:
        """Raise unless this member still has to answer (stale buttons, wrong person)."""
        if self.state is not State.PENDING:
            raise UserError(_closed_message(self.state))
        if member_id not in self.awaiting():
            if member_id in self.parties:
                raise UserError("You have already answered this one. Thank you!")
            raise UserError("This request is addressed to someone else.")

    def send(self, now: datetime) -> None:
        """A draft goes out: from now on the parties are asked."""
        if self.state is not State.DRAFT:
            raise UserError(_closed_message(self.state))
        self.state = State.PENDING
        self.created_at = self.updated_at = now

    def cancel(self, now: datetime) -> None:
        if self.is_open:
            self.state = State.CANCELLED
            self.updated_at = now

    def close_for_leaver(self, now: datetime) -> None:
        """Someone in it left Networker: closed, and nobody is told it was withdrawn."""
        if self.is_open:
            self.state = State.LEFT
            self.updated_at = now

    # --- after connecting ------------------------------------------------------------------

    @property
    def asked_how_it_went(self) -> tuple[int, ...]:
        """Who is asked "did you connect?": the requester; both people of an intro."""
        return self.parties if self.is_intro else (self.party_a_id,)

    def outcome_of(self, member_id: int) -> Outcome | None:
        return self.outcome_b if member_id == self.party_b_id and self.is_intro else self.outcome

    @property
    def outcome_open(self) -> bool:
        """Whether "did you connect?" still wants an answer from party a."""
        return self.outcome_open_for(self.party_a_id)

    def outcome_open_for(self, member_id: int) -> bool:
        """Whether this member's "did you connect?" still wants an answer: none yet, or
        "not yet"."""
        return self.outcome_of(member_id) in (None, Outcome.NOT_YET)

    def record_outcome(
        self, member_id: int, outcome: Outcome, now: datetime, *, last_round: bool
    ) -> None:
        """The answer to "did you connect?", asked of the requester, or of each person an
        intro connected. "Not yet" is taken once, and not in the last round."""
        if member_id not in self.asked_how_it_went:
            raise UserError("This question was for someone else.")
        if self.state is not State.CONNECTED:
            raise UserError("This one isn't an open connection any more.")
        if not self.outcome_open_for(member_id):
            raise UserError("You've already told me how it went. Thank you!")
        if outcome is Outcome.NOT_YET and last_round:
            raise UserError("I'll stop asking about this one. Thanks for letting me know!")
        if outcome is Outcome.NOT_YET and self.outcome_of(member_id) is Outcome.NOT_YET:
            raise UserError("You told me already. I'll ask once more in a few days.")
        if member_id == self.party_b_id and self.is_intro:
            self.outcome_b = outcome
        else:
            self.outcome = outcome
        self.updated_at = now  # an answer is an interaction: keep-in-touch counts from here

    def to_thank(self, member_id: int | None = None) -> list[int]:
        """Whom a person who was helped may thank: the other party, and the introducer.
        `member_id`: the one thanking (party a unless said)."""
        me = self.party_a_id if member_id is None else member_id
        to = [self.other_party(me)]
        if self.is_intro and self.initiator_id not in (*to, me):
            to.append(self.initiator_id)
        return to


def _closed_message(state: State) -> str:
    return {
        State.CONNECTED: "This one is already connected. Nothing more to do here.",
        State.DECLINED: "This one is closed: it won't go ahead. Nothing more to do.",
        State.EXPIRED: "This one expired, so it is closed.",
        State.CANCELLED: "This one was withdrawn, so it is closed.",
        State.LEFT: "This one is closed: someone in it has left Networker.",
        State.DRAFT: "This one was never sent.",
        State.PENDING: "This one is still waiting for answers.",
    }[state]
