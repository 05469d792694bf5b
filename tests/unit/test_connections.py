"""The double opt-in rules behind /intro and help requests."""

from __future__ import annotations

import pytest

from bot.domain.connections import Answer, Connection, Consent, Kind, Outcome, State
from bot.domain.errors import UserError
from tests.fakes import FakeClock

INTRODUCER, ANA, BEN, STRANGER = 1, 2, 3, 99


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def intro(**kwargs: object) -> Connection:
    fields: dict[str, object] = {
        "community_id": 1,
        "kind": Kind.INTRO,
        "initiator_id": INTRODUCER,
        "party_a_id": ANA,
        "party_b_id": BEN,
        "reason": "you both run platform teams",
    }
    return Connection(**(fields | kwargs))  # type: ignore[arg-type]


def request(**kwargs: object) -> Connection:
    """Ana asks Ben for help: asking is Ana's consent."""
    fields: dict[str, object] = {
        "kind": Kind.REQUEST,
        "initiator_id": ANA,
        "consent_a": Consent.ACCEPTED,
    }
    return intro(**(fields | kwargs))


def refusal(conn: Connection, member: int, answer: Answer, clock: FakeClock) -> str:
    with pytest.raises(UserError) as caught:
        conn.answer(member, answer, clock.now())
    return caught.value.message


# --- both consents needed -----------------------------------------------------------------


def test_one_acceptance_is_not_a_connection(clock: FakeClock) -> None:
    conn = intro()
    assert conn.answer(ANA, Answer.ACCEPT, clock.now()) is State.PENDING
    assert conn.awaiting() == [BEN]
    assert conn.connected_at is None


@pytest.mark.parametrize("first", [ANA, BEN])
def test_both_acceptances_connect_in_either_order(first: int, clock: FakeClock) -> None:
    conn = intro()
    conn.answer(first, Answer.ACCEPT, clock.now())
    clock.advance(hours=5)
    second = BEN if first == ANA else ANA
    assert conn.answer(second, Answer.ACCEPT, clock.now()) is State.CONNECTED
    assert conn.state == State.CONNECTED
    assert conn.connected_at == clock.now()
    assert conn.awaiting() == []


def test_the_introducer_cannot_accept_for_the_parties(clock: FakeClock) -> None:
    conn = intro()
    assert "addressed to someone else" in refusal(conn, INTRODUCER, Answer.ACCEPT, clock)
    assert conn.state == State.PENDING
    assert conn.awaiting() == [ANA, BEN]


def test_a_stranger_cannot_answer(clock: FakeClock) -> None:
    conn = intro()
    assert "addressed to someone else" in refusal(conn, STRANGER, Answer.DECLINE, clock)
    assert conn.state == State.PENDING


def test_a_help_request_connects_when_the_helper_accepts(clock: FakeClock) -> None:
    conn = request()
    assert conn.awaiting() == [BEN]
    assert conn.answer(BEN, Answer.ACCEPT, clock.now()) is State.CONNECTED


def test_the_requester_has_nothing_to_answer(clock: FakeClock) -> None:
    conn = request()
    assert "already answered" in refusal(conn, ANA, Answer.ACCEPT, clock)


# --- declines -------------------------------------------------------------------------------


@pytest.mark.parametrize("decliner", [ANA, BEN])
def test_one_decline_closes_the_introduction(decliner: int, clock: FakeClock) -> None:
    conn = intro()
    assert conn.answer(decliner, Answer.DECLINE, clock.now()) is State.DECLINED
    other = BEN if decliner == ANA else ANA
    assert "closed" in refusal(conn, other, Answer.ACCEPT, clock)
    assert conn.state == State.DECLINED
    assert conn.connected_at is None


def test_a_decline_after_the_other_accepted_still_closes_it(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(ANA, Answer.ACCEPT, clock.now())
    assert conn.answer(BEN, Answer.DECLINE, clock.now()) is State.DECLINED
    assert conn.connected_at is None


def test_a_decline_note_is_kept_on_the_decliners_side_only(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(BEN, Answer.DECLINE, clock.now(), note="swamped until April")
    assert conn.note_b == "swamped until April"
    assert conn.note_a == ""


# --- "not now" -------------------------------------------------------------------------------


def test_not_now_keeps_the_request_open(clock: FakeClock) -> None:
    conn = intro()
    assert conn.answer(ANA, Answer.NOT_NOW, clock.now()) is State.PENDING
    assert ANA in conn.awaiting()
    assert conn.consent_a == Consent.SNOOZED


def test_after_not_now_one_can_still_accept(clock: FakeClock) -> None:
    conn = request()
    conn.answer(BEN, Answer.NOT_NOW, clock.now())
    clock.advance(days=2)
    assert conn.answer(BEN, Answer.ACCEPT, clock.now()) is State.CONNECTED
    assert conn.connected_at == clock.now()


def test_after_not_now_one_can_still_decline(clock: FakeClock) -> None:
    conn = request()
    conn.answer(BEN, Answer.NOT_NOW, clock.now())
    assert conn.answer(BEN, Answer.DECLINE, clock.now()) is State.DECLINED


def test_not_now_by_both_is_not_a_connection(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(ANA, Answer.NOT_NOW, clock.now())
    conn.answer(BEN, Answer.NOT_NOW, clock.now())
    assert conn.state == State.PENDING
    assert conn.awaiting() == [ANA, BEN]


# --- stale and duplicate answers ------------------------------------------------------------


def test_accepting_twice_is_refused_kindly(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(ANA, Answer.ACCEPT, clock.now())
    message = refusal(conn, ANA, Answer.ACCEPT, clock)
    assert "already answered" in message
    assert conn.state == State.PENDING


def test_changing_an_acceptance_into_a_decline_is_refused(clock: FakeClock) -> None:
    """An old Decline button pressed after accepting must not silently close the intro."""
    conn = intro()
    conn.answer(ANA, Answer.ACCEPT, clock.now())
    refusal(conn, ANA, Answer.DECLINE, clock)
    assert conn.consent_a == Consent.ACCEPTED
    assert conn.state == State.PENDING


@pytest.mark.parametrize(
    ("state", "says"),
    [
        (State.CONNECTED, "already connected"),
        (State.DECLINED, "closed"),
        (State.EXPIRED, "expired"),
        (State.CANCELLED, "withdrawn"),
        (State.DRAFT, "never sent"),
    ],
)
def test_buttons_of_a_closed_request_explain_why(state: State, says: str, clock: FakeClock) -> None:
    conn = intro(state=state)
    assert says in refusal(conn, ANA, Answer.ACCEPT, clock)
    assert conn.state == state
    assert conn.consent_a == Consent.PENDING


def test_an_answer_after_connecting_changes_nothing(clock: FakeClock) -> None:
    conn = request()
    conn.answer(BEN, Answer.ACCEPT, clock.now())
    connected_at = conn.connected_at
    clock.advance(days=1)
    refusal(conn, BEN, Answer.DECLINE, clock)
    assert conn.state == State.CONNECTED
    assert conn.connected_at == connected_at


# --- drafts and withdrawal ---------------------------------------------------------------------


def test_a_draft_asks_nobody_until_sent(clock: FakeClock) -> None:
    draft = request(state=State.DRAFT)
    assert "never sent" in refusal(draft, BEN, Answer.ACCEPT, clock)
    clock.advance(hours=1)
    draft.send(clock.now())
    assert draft.state == State.PENDING
    assert draft.created_at == draft.updated_at == clock.now()  # capacity counts from sending
    assert draft.answer(BEN, Answer.ACCEPT, clock.now()) is State.CONNECTED


def test_a_draft_is_sent_only_once(clock: FakeClock) -> None:
    draft = request(state=State.DRAFT)
    draft.send(clock.now())
    with pytest.raises(UserError):
        draft.send(clock.now())


def test_a_cancelled_draft_cannot_be_sent(clock: FakeClock) -> None:
    draft = request(state=State.DRAFT)
    draft.cancel(clock.now())
    assert draft.state == State.CANCELLED
    with pytest.raises(UserError, match="withdrawn"):
        draft.send(clock.now())


def test_cancel_withdraws_a_pending_request(clock: FakeClock) -> None:
    conn = request()
    conn.cancel(clock.now())
    assert conn.state == State.CANCELLED
    assert "withdrawn" in refusal(conn, BEN, Answer.ACCEPT, clock)


@pytest.mark.parametrize("state", [State.CONNECTED, State.DECLINED, State.EXPIRED])
def test_cancel_does_not_undo_a_finished_request(state: State, clock: FakeClock) -> None:
    conn = intro(state=state)
    conn.cancel(clock.now())
    assert conn.state == state


# --- who is involved -----------------------------------------------------------------------


def test_the_pair_is_the_same_whichever_way_round() -> None:
    one, other = intro(party_a_id=ANA, party_b_id=BEN), intro(party_a_id=BEN, party_b_id=ANA)
    assert (one.pair_low, one.pair_high) == (other.pair_low, other.pair_high) == (ANA, BEN)


def test_involvement_and_the_other_party() -> None:
    conn = intro()
    assert conn.involves(INTRODUCER) and conn.involves(ANA) and conn.involves(BEN)
    assert not conn.involves(STRANGER)
    assert conn.other_party(ANA) == BEN
    assert conn.other_party(BEN) == ANA


def test_an_intro_has_an_introducer_and_a_request_has_none() -> None:
    assert intro().is_intro and intro().introducer == INTRODUCER
    assert not request().is_intro and request().introducer is None


# --- consent as each party gave it ----------------------------------------------------------


def test_consent_of_each_party_and_of_nobody_else(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(BEN, Answer.NOT_NOW, clock.now())
    assert conn.consent_of(ANA) is Consent.PENDING
    assert conn.consent_of(BEN) is Consent.SNOOZED
    assert conn.consent_of(INTRODUCER) is None
    assert conn.consent_of(STRANGER) is None


def test_accepted_by_names_only_the_party_who_said_yes(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(BEN, Answer.ACCEPT, clock.now())
    assert conn.accepted_by(BEN)
    assert not conn.accepted_by(ANA)
    assert not conn.accepted_by(INTRODUCER)
    assert request().accepted_by(ANA)  # asking is the requester's yes


@pytest.mark.parametrize("decliner", [ANA, BEN])
def test_the_decliner_is_known_to_the_connection(decliner: int, clock: FakeClock) -> None:
    conn = intro()
    assert conn.decliner is None
    conn.answer(decliner, Answer.DECLINE, clock.now())
    assert conn.decliner == decliner
    assert conn.declined_by(decliner)
    assert not conn.declined_by(conn.other_party(decliner))


def test_not_now_is_not_a_decline(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(ANA, Answer.NOT_NOW, clock.now())
    assert not conn.declined_by(ANA)
    assert conn.decliner is None


def test_both_accepted_only_after_the_second_yes(clock: FakeClock) -> None:
    conn = intro()
    conn.answer(ANA, Answer.ACCEPT, clock.now())
    assert not conn.both_accepted
    conn.answer(BEN, Answer.ACCEPT, clock.now())
    assert conn.both_accepted


def test_waits_for_a_party_until_they_answer(clock: FakeClock) -> None:
    conn = intro()
    assert conn.waits_for(ANA) and conn.waits_for(BEN)
    assert not conn.waits_for(INTRODUCER)
    conn.answer(ANA, Answer.NOT_NOW, clock.now())
    assert conn.waits_for(ANA)  # "not now" still owes an answer
    conn.answer(ANA, Answer.ACCEPT, clock.now())
    assert not conn.waits_for(ANA)


@pytest.mark.parametrize("state", [State.DRAFT, State.EXPIRED, State.CANCELLED])
def test_a_request_that_is_not_out_waits_for_nobody(state: State) -> None:
    conn = request(state=state)
    assert conn.awaiting() == [BEN]
    assert not conn.waits_for(BEN)


@pytest.mark.parametrize(
    ("state", "is_open"),
    [
        (State.DRAFT, True),
        (State.PENDING, True),
        (State.CONNECTED, False),
        (State.DECLINED, False),
        (State.EXPIRED, False),
        (State.CANCELLED, False),
    ],
)
def test_open_means_draft_or_waiting_for_answers(state: State, is_open: bool) -> None:
    assert intro(state=state).is_open is is_open


# --- "did you connect?" ----------------------------------------------------------------------


def connected(kind: Kind = Kind.REQUEST) -> Connection:
    conn = request() if kind is Kind.REQUEST else intro()
    conn.state = State.CONNECTED
    return conn


@pytest.mark.parametrize("outcome", list(Outcome))
def test_the_requester_answers_how_it_went(outcome: Outcome, clock: FakeClock) -> None:
    conn = connected()
    assert conn.outcome_open
    conn.record_outcome(ANA, outcome, clock.now(), last_round=False)
    assert conn.outcome is outcome
    assert conn.updated_at == clock.now()  # keep-in-touch counts from this answer
    assert conn.outcome_open is (outcome is Outcome.NOT_YET)


@pytest.mark.parametrize("member", [INTRODUCER, STRANGER])
def test_only_the_people_introduced_are_asked_how_it_went(member: int, clock: FakeClock) -> None:
    conn = connected(Kind.INTRO)
    with pytest.raises(UserError, match="for someone else"):
        conn.record_outcome(member, Outcome.HELPFUL, clock.now(), last_round=False)
    assert conn.outcome is conn.outcome_b is None


def test_the_helper_of_a_request_is_not_asked_how_it_went(clock: FakeClock) -> None:
    conn = connected(Kind.REQUEST)
    with pytest.raises(UserError, match="for someone else"):
        conn.record_outcome(BEN, Outcome.HELPFUL, clock.now(), last_round=False)


def test_both_people_of_an_intro_answer_separately(clock: FakeClock) -> None:
    conn = connected(Kind.INTRO)
    conn.record_outcome(BEN, Outcome.TALKED, clock.now(), last_round=False)
    assert (conn.outcome, conn.outcome_b) == (None, Outcome.TALKED)
    assert conn.outcome_open_for(ANA) and not conn.outcome_open_for(BEN)
    conn.record_outcome(ANA, Outcome.HELPFUL, clock.now(), last_round=False)
    assert (conn.outcome, conn.outcome_b) == (Outcome.HELPFUL, Outcome.TALKED)
    with pytest.raises(UserError, match="already told me"):
        conn.record_outcome(BEN, Outcome.HELPFUL, clock.now(), last_round=False)


@pytest.mark.parametrize("state", [State.PENDING, State.DECLINED, State.EXPIRED, State.CANCELLED])
def test_how_it_went_needs_a_connection(state: State, clock: FakeClock) -> None:
    conn = request(state=state)
    with pytest.raises(UserError, match="isn't an open connection"):
        conn.record_outcome(ANA, Outcome.HELPFUL, clock.now(), last_round=False)
    assert conn.outcome is None


def test_a_final_answer_is_not_changed(clock: FakeClock) -> None:
    conn = connected()
    conn.record_outcome(ANA, Outcome.TALKED, clock.now(), last_round=False)
    with pytest.raises(UserError, match="already told me"):
        conn.record_outcome(ANA, Outcome.HELPFUL, clock.now(), last_round=False)
    assert conn.outcome is Outcome.TALKED


def test_not_yet_is_taken_once(clock: FakeClock) -> None:
    conn = connected()
    conn.record_outcome(ANA, Outcome.NOT_YET, clock.now(), last_round=False)
    with pytest.raises(UserError, match="told me already"):
        conn.record_outcome(ANA, Outcome.NOT_YET, clock.now(), last_round=False)
    conn.record_outcome(ANA, Outcome.HELPFUL, clock.now(), last_round=True)
    assert conn.outcome is Outcome.HELPFUL


def test_not_yet_is_refused_in_the_last_round(clock: FakeClock) -> None:
    conn = connected()
    with pytest.raises(UserError, match="stop asking"):
        conn.record_outcome(ANA, Outcome.NOT_YET, clock.now(), last_round=True)
    assert conn.outcome is None


def test_who_to_thank_when_it_helped() -> None:
    assert connected(Kind.REQUEST).to_thank() == [BEN]
    assert connected(Kind.INTRO).to_thank() == [BEN, INTRODUCER]
    assert connected(Kind.INTRO).to_thank(BEN) == [ANA, INTRODUCER]
