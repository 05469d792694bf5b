"""/intro and /ask: double opt-in, answers, declines with suggestions, drafts, stale buttons."""

from __future__ import annotations

import pytest

from bot.messages import Button
from bot.services import commands as c
from tests.driver import Community, Member, button_on, names_in
from tests.fakes import FakeClock

pytestmark = pytest.mark.fake_store_too  # use cases only: the in-memory store serves too

WHY = "you both run Python meetups and could share speakers"
NEED = "could you review my python packaging setup before the release"


def everything_sent(community: Community) -> str:
    return "\n".join(s.text for s in community.messenger.sent)


async def people(community: Community, *names: str) -> list[Member]:
    return [community.member(n) for n in names]


# --- introductions --------------------------------------------------------------------------


async def test_an_intro_asks_both_sides_privately_and_connects_only_when_both_accept(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await ben.profile('skills="python:expert, public speaking"')

    result = await eve.intro(ana, ben, WHY)
    assert result.ok
    assert "Done! I've asked @Ana and @Ben privately." in result.text
    assert "Nobody is connected until both accept." in result.text

    to_ana = ana.last_dm()
    assert "Hi @Ana! @Eve would like to introduce you to @Ben." in to_ana
    assert f"Why: “{WHY}”" in to_ana
    assert "Ben lists: python, public speaking." in to_ana
    assert "Hi @Ben! @Eve would like to introduce you to @Ana." in ben.last_dm()
    labels = [b.label for b in community.messenger.to(ana.id)[-1].message.buttons]
    assert labels == ["Accept", "Not now", "Decline"]

    first = await ana.press(ana.button("Accept"))
    assert first.text == "Thank you! Waiting for @Ben to answer too."
    assert community.messenger.to(ana.id, "group") == []

    second = await ben.press(ben.button("Accept"))
    assert second.text == "Wonderful, you're connected! I've opened a conversation for you."
    [group] = [s for s in community.messenger.sent if s.kind == "group"]
    assert set(group.to) == {ana.id, ben.id, eve.id}
    assert "@Ana, meet @Ben! @Eve introduced you:" in group.text
    assert f"“{WHY}”" in group.text
    assert "a /thanks to @Eve goes a long way" in group.text


async def test_not_now_keeps_the_intro_open_and_tells_only_the_introducer(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    sent_before = len(community.messenger.sent)

    snoozed = await ana.press(ana.button("Not now"))
    assert snoozed.text == (
        "No problem. I'll check back with you around Thu 5 March. "
        "It stays open until Mon 9 March.\n"
        "@Eve knows you'll come back to it; nothing else was said."
    )
    [told] = community.messenger.sent[sent_before:]
    assert told.to == (eve.id,)
    assert told.text == (
        "@Ana will come back to your introduction to @Ben: they'd like more time.\n"
        "It stays open until Mon 9 March; I'll tell you how it goes."
    )

    await ben.press(ben.button("Accept"))
    assert community.messenger.to(ben.id, "group") == []
    await ana.press(ana.button("Accept"))  # later, the same DM's button still works
    assert len(community.messenger.to(ben.id, "group")) == 1


async def test_decline_first_asks_privately_for_a_note_and_a_suggestion(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    sent_before = len(community.messenger.sent)
    shown = await ana.press(ana.button("Decline"))
    form = shown.message.form
    assert form is not None
    assert [i.name for i in form.inputs] == ["note", "suggest"]
    assert not any(i.required for i in form.inputs)
    assert len(community.messenger.sent) == sent_before  # nothing happened yet
    # Changing one's mind is still possible: the intro is open.
    assert (await ana.press(ana.button("Accept"))).ok


async def test_a_declined_intro_is_told_kindly_to_the_introducer_and_the_note_stays_private(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    note = "honestly I find Ben exhausting to work with"
    await eve.intro(ana, ben, WHY)
    await ben.press(ben.button("Accept"))

    result = await ana.decline(note=note)
    assert result.ok
    assert "your note stays private" in result.text

    to_eve = eve.last_dm()
    assert "Your introduction of @Ana and @Ben won't go ahead this time" in to_eve
    assert "Thank you for thinking of them!" in to_eve
    assert "The introduction to @Ana won't go ahead this time." in ben.last_dm()
    assert note not in everything_sent(community)
    assert community.messenger.to(ben.id, "group") == []

    # Only the author keeps the note; the others' exports don't show it.
    [mine] = (await ana.export())["connections"]
    assert mine["your_private_note"] == note
    for other in (ben, eve):
        assert note not in str(await other.export())


async def test_the_other_side_is_not_bothered_when_they_had_not_answered(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    await ana.decline()
    assert len(ben.dms()) == 1  # only the original consent request
    stale = await ben.press(ben.button("Accept"))
    assert not stale.ok
    assert "closed: it won't go ahead" in stale.text
    assert community.messenger.to(ben.id, "group") == []


async def test_a_suggestion_on_decline_is_the_introducers_choice(community: Community) -> None:
    ana, ben, cara, eve = await people(community, "ana", "ben", "cara", "eve")
    await eve.intro(ana, ben, WHY)
    await ben.decline(suggest=cara)

    to_eve = eve.last_dm()
    assert "@Ben suggests @Cara instead." in to_eve
    assert cara.dms() == []  # nobody is contacted before the introducer chooses
    assert [b.label for b in community.messenger.to(eve.id)[-1].message.buttons] == [
        "Introduce Ana to Cara",
        "No thanks",
    ]

    chosen = await eve.press(eve.button("Introduce Ana to Cara"))
    assert "Done! I've asked @Ana and @Cara privately." in chosen.text
    assert "@Eve would like to introduce you to @Cara." in ana.last_dm()
    assert "@Eve would like to introduce you to @Ana." in cara.last_dm()
    assert WHY in cara.last_dm()

    again = await eve.press(eve.button("Introduce Ana to Cara"))
    assert not again.ok
    assert "no suggestion to act on any more" in again.text
    assert len(cara.dms()) == 1


async def test_a_dismissed_suggestion_contacts_nobody(community: Community) -> None:
    ana, ben, cara, eve = await people(community, "ana", "ben", "cara", "eve")
    await eve.intro(ana, ben, WHY)
    await ben.decline(suggest=cara)
    dismissed = await eve.press(eve.button("No thanks"))
    assert dismissed.text == "Okay, I'll leave it there."
    assert cara.dms() == []
    assert not (await eve.press(eve.button("Introduce Ana to Cara"))).ok
    assert cara.dms() == []


async def test_only_the_introducer_can_act_on_a_suggestion(community: Community) -> None:
    ana, ben, cara, eve = await people(community, "ana", "ben", "cara", "eve")
    await eve.intro(ana, ben, WHY)
    await ben.decline(suggest=cara)
    forged = await ana.press(eve.button("Introduce Ana to Cara"))
    assert not forged.ok
    assert "Only the person who made the request can choose this." in forged.text
    assert cara.dms() == []


async def test_suggesting_someone_already_involved_is_refused_and_changes_nothing(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    for who in (ana, eve, ben):
        refused = await ben.decline(suggest=who)
        assert not refused.ok
        assert "is already part of this request" in refused.text
    assert eve.dms() == []
    await ben.press(ben.button("Accept"))
    await ana.press(ana.button("Accept"))
    assert len(ana.groups()) == 1


async def test_a_decline_note_with_control_characters_is_refused_and_changes_nothing(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    for note in ("not now\x1b[2J", "x" * 1001):
        refused = await ana.decline(note=note)
        assert not refused.ok
    assert eve.dms() == []
    await ana.press(ana.button("Accept"))
    await ben.press(ben.button("Accept"))
    assert len(eve.groups()) == 1


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Please add a specific reason for the introduction."),
        ("   ", "Please add a specific reason for the introduction."),
        ("networking", "“networking” is a bit short"),
        ("!!! ???", "is a bit short"),
        ("x " * 501, "the limit is 1000"),
        ("you both like\x07 python", "contains control characters"),
    ],
)
async def test_intros_without_a_specific_reason_are_refused(
    community: Community, reason: str, message: str
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    result = await eve.intro(ana, ben, reason)
    assert not result.ok
    assert message in result.text
    assert community.messenger.sent == []
    # Nothing was recorded: a proper intro of the same pair goes through.
    assert (await eve.intro(ana, ben, WHY)).ok


async def test_a_one_word_reason_gets_a_hint(community: Community) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    result = await eve.intro(ana, ben, "synergy")
    assert "Say in a sentence what you hope for" in result.text


async def test_introducing_someone_to_themselves_is_refused(community: Community) -> None:
    ana, eve = await people(community, "ana", "eve")
    result = await eve.intro(ana, ana, WHY)
    assert not result.ok
    assert "You can't introduce someone to themselves." in result.text
    assert community.messenger.sent == []


async def test_an_introducer_who_is_one_of_the_two_is_pointed_to_ask(
    community: Community,
) -> None:
    ana, ben = await people(community, "ana", "ben")
    for a, b in ((ana, ben), (ben, ana)):
        result = await ana.intro(a, b, WHY)
        assert not result.ok
        assert "You're one of the two people" in result.text
        assert "/ask @Ben" in result.text
    assert community.messenger.sent == []


async def test_a_second_intro_of_a_waiting_pair_is_refused_in_either_order(
    community: Community, clock: FakeClock
) -> None:
    ana, ben, eve, fay = await people(community, "ana", "ben", "eve", "fay")
    await eve.intro(ana, ben, WHY)
    sent = len(community.messenger.sent)
    for a, b in ((ana, ben), (ben, ana)):
        result = await eve.intro(a, b, "you could swap notes on conference talks")
        assert not result.ok
        names = f"{a.name.capitalize()} and {b.name.capitalize()}"
        assert f"You introduced {names} on 2 March;" in result.text
        assert "they haven't both answered yet" in result.text
        assert "I'll tell you how it goes" in result.text
    other = await fay.intro(ben, ana, "you could swap notes on conference talks")
    assert not other.ok
    assert "has been waiting for their answers since 2 March" in other.text
    assert "Eve" not in other.text  # whose introduction it is stays theirs
    assert len(community.messenger.sent) == sent
    # After a decline nobody is pressed again soon, and who declined stays private.
    await ana.decline()
    sent = len(community.messenger.sent)
    assert (
        "didn't go ahead recently"
        in (await eve.intro(ben, ana, "you could swap notes on conference talks")).text
    )
    again = await fay.intro(ben, ana, "you could swap notes on conference talks")
    assert not again.ok
    assert "I can't introduce Ben and Ana right now." in again.text
    assert "declin" not in again.text
    assert len(community.messenger.sent) == sent
    clock.advance(days=31)
    assert (await fay.intro(ana, ben, "you could swap notes on conference talks")).ok


@pytest.mark.parametrize("edit", ["availability=away", "capacity=0", "pause"])
async def test_intros_to_unreachable_members_are_refused(community: Community, edit: str) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    if edit == "pause":
        await ben.pause()
    else:
        await ben.profile(edit)
    result = await eve.intro(ana, ben, WHY)
    assert not result.ok
    assert "Ben" in result.text
    assert ana.dms() == [] and ben.dms() == []


# --- help requests --------------------------------------------------------------------------


async def test_an_ask_sends_a_consent_dm_and_accepting_opens_a_conversation(
    community: Community,
) -> None:
    ana, dana = await people(community, "ana", "dana")
    await ana.profile('skills="python:expert"')
    result = await dana.ask(ana, NEED)
    assert result.ok
    assert "Sent! I've asked @Ana privately." in result.text

    dm = ana.last_dm()
    assert "Hi @Ana! @Dana is asking for your help with python." in dm
    assert f"What they need: “{NEED}”" in dm
    assert dana.dms() == []

    accepted = await ana.press(ana.button("Accept"))
    assert "you're connected" in accepted.text
    [group] = [s for s in community.messenger.sent if s.kind == "group"]
    assert set(group.to) == {ana.id, dana.id}
    assert "@Ana accepted @Dana's request for help with python:" in group.text
    assert NEED in group.text


async def test_a_request_without_a_listed_topic_does_not_invent_one(
    community: Community,
) -> None:
    ana, dana = await people(community, "ana", "dana")
    await ana.profile('skills="python:expert"')
    await dana.ask(ana, "could we have a coffee about career changes")
    assert "@Dana is asking for your help." in ana.last_dm()


async def test_a_declined_ask_is_told_gently_without_the_note(community: Community) -> None:
    ana, dana = await people(community, "ana", "dana")
    await dana.ask(ana, NEED)
    await ana.decline(note="I really don't like Dana's code style")
    to_dana = dana.last_dm()
    assert "@Ana can't help with this one right now. No hard feelings!" in to_dana
    assert "code style" not in everything_sent(community)
    assert community.messenger.to(dana.id, "group") == []


async def test_a_declined_ask_with_a_suggestion_is_forwarded_only_when_the_asker_chooses(
    community: Community,
) -> None:
    ana, cara, dana = await people(community, "ana", "cara", "dana")
    await dana.ask(ana, NEED)
    await ana.decline(suggest=cara)
    assert "They suggest @Cara might be able to help." in dana.last_dm()
    assert cara.dms() == []

    chosen = await dana.press(dana.button("Ask Cara"))
    assert "Sent! I've asked @Cara privately." in chosen.text
    assert "@Dana is asking for your help" in cara.last_dm()
    assert NEED in cara.last_dm()
    await cara.press(cara.button("Accept"))
    assert len(dana.groups()) == 1
    assert ana.groups() == []


async def test_the_helper_cannot_answer_for_the_asker_on_a_suggestion(
    community: Community,
) -> None:
    ana, cara, dana = await people(community, "ana", "cara", "dana")
    await dana.ask(ana, NEED)
    await ana.decline(suggest=cara)
    forged = await ana.press(dana.button("Ask Cara"))
    assert not forged.ok
    assert cara.dms() == []


@pytest.mark.parametrize(
    ("need", "message"),
    [
        ("", "Please add a specific request."),
        ("help", "“help” is a bit short for a request."),
        ("x " * 501, "the limit is 1000"),
        ("please \u202ereview\u202c my code", "contains control characters"),
    ],
)
async def test_asks_without_a_specific_request_are_refused(
    community: Community, need: str, message: str
) -> None:
    ana, dana = await people(community, "ana", "dana")
    result = await dana.ask(ana, need)
    assert not result.ok
    assert message in result.text
    assert ana.dms() == []
    assert (await dana.ask(ana, NEED)).ok  # nothing was left waiting


async def test_asking_yourself_is_refused(community: Community) -> None:
    dana = community.member("dana")
    result = await dana.ask(dana, NEED)
    assert not result.ok
    assert "You can't ask yourself for help." in result.text
    assert community.messenger.sent == []


async def test_a_second_ask_while_the_first_waits_is_refused(community: Community) -> None:
    ana, dana = await people(community, "ana", "dana")
    await dana.ask(ana, NEED)
    result = await dana.ask(ana, "and another thing about my release notes")
    assert not result.ok
    assert "You already have a request waiting with Ana." in result.text
    assert len(ana.dms()) == 1


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("availability=away", "Ana is away right now."),
        ("capacity=0", "Ana has had all the requests they take this month."),
        ("pause", "Ana has paused Networker messages for now."),
    ],
)
async def test_asks_to_unreachable_members_are_refused(
    community: Community, setup: str, message: str
) -> None:
    ana, dana = await people(community, "ana", "dana")
    if setup == "pause":
        await ana.pause()
    else:
        await ana.profile(setup)
    result = await dana.ask(ana, NEED)
    assert not result.ok
    assert message in result.text
    assert ana.dms() == []


async def test_asking_a_busy_member_says_the_date_first_and_asks_to_confirm(
    community: Community,
) -> None:
    ana, dana = await people(community, "ana", "dana")
    await ana.profile("availability=busy:2026-04-01")
    shown = await dana.ask(ana, NEED)
    assert shown.ok
    assert shown.text.startswith("@Ana is busy until 1 April.\n")
    assert "nothing has been sent" in shown.text
    assert [b.label for b in shown.message.buttons] == ["Ask Ana anyway", "Cancel"]
    assert ana.dms() == []

    sent = await dana.press(button_on(shown, "Ask Ana anyway"))
    assert sent.ok and "Sent!" in sent.text
    assert "asking for your help" in ana.last_dm()
    assert f"“{NEED}”" in ana.last_dm()  # the request as written, nothing lost


async def test_a_busy_member_asked_then_cancelled_gets_nothing(community: Community) -> None:
    ana, dana = await people(community, "ana", "dana")
    await ana.profile("availability=busy:2026-04-01")
    shown = await dana.ask(ana, NEED)
    assert (await dana.press(button_on(shown, "Cancel"))).text == "Cancelled. Nothing was sent."
    assert ana.dms() == []
    again = await dana.ask(ana, NEED)  # a cancelled draft doesn't block a later ask
    assert again.text.startswith("@Ana is busy until 1 April.")


async def test_a_full_member_refuses_the_next_ask_until_the_month_is_over(
    community: Community, clock: FakeClock
) -> None:
    ana, dana, eve = await people(community, "ana", "dana", "eve")
    await ana.profile("capacity=1")
    await dana.ask(ana, NEED)
    refused = await eve.ask(ana, NEED)
    assert "has had all the requests they take this month" in refused.text
    assert len(ana.dms()) == 1
    clock.advance(days=31)
    assert (await eve.ask(ana, NEED)).ok
    assert len(ana.dms()) == 2


# --- asking the same person again: drafts ---------------------------------------------------


async def ask_and_accept(asker: Member, helper: Member, times: int) -> None:
    for i in range(times):
        result = await asker.ask(helper, f"{NEED} (part {i + 1})")
        assert result.ok, result.text
        await helper.press(helper.button("Accept"))


async def test_a_third_ask_in_a_month_suggests_others_and_keeps_a_draft(
    community: Community,
) -> None:
    ben, cara, dana = await people(community, "ben", "cara", "dana")
    await ben.profile('skills="python:expert"')
    await cara.profile('skills="python:expert"')
    await ask_and_accept(dana, ben, 2)
    dms_before = len(ben.dms())

    result = await dana.ask(ben, "one more python question about wheels")
    assert result.ok
    assert "You've asked @Ben twice in the last 30 days." in result.text
    assert "Others can help too: Cara." in result.text
    assert "Your request is saved as a draft" in result.text
    assert [b.label for b in result.message.buttons] == [
        "Ask Cara instead",
        "Ask Ben anyway",
        "Cancel",
    ]
    assert len(ben.dms()) == dms_before
    assert cara.dms() == []


async def test_ask_anyway_sends_the_draft(community: Community) -> None:
    ben, dana = await people(community, "ben", "dana")
    await ask_and_accept(dana, ben, 2)
    draft = await dana.ask(ben, "one more python question about wheels")
    sent = await dana.press(button_on(draft, "Ask Ben anyway"))
    assert "Sent! I've asked @Ben privately." in sent.text
    assert "one more python question about wheels" in ben.last_dm()
    stale = await dana.press(button_on(draft, "Cancel"))
    assert not stale.ok
    assert "already sent or withdrawn" in stale.text


async def test_ask_someone_else_instead_sends_the_draft_to_them(community: Community) -> None:
    ben, cara, dana = await people(community, "ben", "cara", "dana")
    await ben.profile('skills="python:expert"')
    await cara.profile('skills="python:expert"')
    await ask_and_accept(dana, ben, 2)
    ben_dms = len(ben.dms())
    draft = await dana.ask(ben, "one more python question about wheels")
    moved = await dana.press(button_on(draft, "Ask Cara instead"))
    assert "Sent! I've asked @Cara privately." in moved.text
    assert "one more python question about wheels" in cara.last_dm()
    assert len(ben.dms()) == ben_dms


async def test_cancelling_a_draft_sends_nothing(community: Community) -> None:
    ben, dana = await people(community, "ben", "dana")
    await ask_and_accept(dana, ben, 2)
    ben_dms = len(ben.dms())
    draft = await dana.ask(ben, "one more python question about wheels")
    cancelled = await dana.press(button_on(draft, "Cancel"))
    assert cancelled.text == "Cancelled. Nothing was sent."
    assert len(ben.dms()) == ben_dms
    assert not (await dana.press(button_on(draft, "Ask Ben anyway"))).ok
    assert len(ben.dms()) == ben_dms


async def test_a_draft_cannot_be_sent_to_someone_who_does_not_exist(
    community: Community,
) -> None:
    ben, dana = await people(community, "ben", "dana")
    await ask_and_accept(dana, ben, 2)
    ben_dms = len(ben.dms())
    draft = await dana.ask(ben, "one more python question about wheels")
    cancel = button_on(draft, "Cancel")
    for target in ("abc", "99999", ""):
        forged = Button("Ask", "draft.retarget", f"{cancel.value}:{target}")
        refused = await dana.press(forged)
        assert not refused.ok
        assert "That member is not here any more." in refused.text
    assert len(ben.dms()) == ben_dms
    assert (await dana.press(button_on(draft, "Ask Ben anyway"))).ok  # the draft is intact
    assert len(ben.dms()) == ben_dms + 1


async def test_only_the_asker_can_act_on_a_draft(community: Community) -> None:
    ben, dana, eve = await people(community, "ben", "dana", "eve")
    await ask_and_accept(dana, ben, 2)
    ben_dms = len(ben.dms())
    draft = await dana.ask(ben, "one more python question about wheels")
    for who in (ben, eve):
        refused = await who.press(button_on(draft, "Ask Ben anyway"))
        assert not refused.ok
        assert "Only the person who wrote this request" in refused.text
    assert len(ben.dms()) == ben_dms


async def test_the_nudge_is_only_for_asks_within_the_month(
    community: Community, clock: FakeClock
) -> None:
    ben, dana = await people(community, "ben", "dana")
    await ask_and_accept(dana, ben, 2)
    clock.advance(days=31)
    result = await dana.ask(ben, "one more python question about wheels")
    assert "Sent! I've asked @Ben privately." in result.text
    assert "wheels" in ben.last_dm()


async def test_a_cancelled_draft_does_not_use_up_the_helpers_capacity(
    community: Community,
) -> None:
    ben, dana, eve, zed = await people(community, "ben", "dana", "eve", "zed")
    await ben.profile('skills="python:expert" capacity=4')
    await ask_and_accept(dana, ben, 2)
    draft = await dana.ask(ben, "one more python question about wheels")
    await dana.press(button_on(draft, "Cancel"))
    await eve.ask(ben, NEED)  # Ben's third real request: one left
    assert names_in(await zed.whoknows("python")) == ["Ben"]
    org = community.member("olga", organiser=True)
    assert "Help requests: 3 sent, 2 accepted" in (await org.stats()).text


# --- stale and forged buttons ---------------------------------------------------------------


async def test_answering_again_after_connecting_is_harmless(community: Community) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    await ana.press(ana.button("Accept"))
    again = await ana.press(ana.button("Accept"))
    assert not again.ok
    assert "You have already answered this one. Thank you!" in again.text
    await ben.press(ben.button("Accept"))
    for who in (ana, ben):
        for label in ("Accept", "Decline", "Not now"):
            late = await who.press(who.button(label))
            assert not late.ok
            assert "already connected" in late.text
    assert len(community.messenger.to(eve.id, "group")) == 1


async def test_people_who_were_not_asked_cannot_answer(community: Community) -> None:
    ana, ben, eve, fay = await people(community, "ana", "ben", "eve", "fay")
    await eve.intro(ana, ben, WHY)
    for who in (eve, fay):
        refused = await who.press(ana.button("Accept"))
        assert not refused.ok
        assert "This request is addressed to someone else." in refused.text
    await ben.press(ben.button("Accept"))
    assert community.messenger.to(ben.id, "group") == []


async def test_the_asker_cannot_accept_on_the_helpers_behalf(community: Community) -> None:
    ana, dana = await people(community, "ana", "dana")
    await dana.ask(ana, NEED)
    refused = await dana.press(ana.button("Accept"))
    assert not refused.ok
    assert community.messenger.to(dana.id, "group") == []


async def test_unknown_and_garbled_buttons_get_a_clear_message(community: Community) -> None:
    ana, dana = await people(community, "ana", "dana")
    await dana.ask(ana, NEED)
    real = ana.button("Accept")
    cases = [
        (Button("Accept", "consent.frobnicate", real.value), "isn't one I know any more"),
        (Button("Accept", "consent.accept", "not-a-number"), "doesn't belong to anything"),
        (Button("Accept", "consent.accept", "99999"), "no longer exists"),
        (Button("Ask", "ask.start", "99999:python"), "not here any more"),
        (Button("Ask", "ask.start", "abc"), "not here any more"),
        (Button("Ask", "draft.send", real.value), "Only the person who wrote this request"),
    ]
    for button, message in cases:
        result = await ana.press(button, {"request": NEED})
        assert not result.ok, button
        assert message in result.text
    assert community.messenger.to(dana.id, "group") == []
    assert len(community.messenger.sent) == 1


async def test_a_forged_ask_button_for_oneself_is_refused(community: Community) -> None:
    dana = community.member("dana")
    await dana.profile('skills="python:expert"')
    found = await community.member("ana").whoknows("python")
    own = button_on(found, "Ask Dana")
    refused = await dana.press(own, {"request": NEED})
    assert "You can't ask yourself for help." in refused.text
    assert community.messenger.sent == []


async def test_an_intro_closes_when_a_party_forgets_and_the_others_hear_they_left(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    await ana.forget()
    told = eve.last_dm()
    assert "@Ana has left Networker, so your introduction of @Ana and @Ben is closed." in told
    assert "Nothing of yours is lost" in told and "withdrawn" not in told
    assert "The introduction to @Ana is closed: they have left Networker." in ben.last_dm()
    late = await ben.press(ben.button("Accept"))
    assert not late.ok
    assert "left Networker" in late.text
    assert community.messenger.to(ben.id, "group") == []


async def test_when_the_introducer_forgets_both_people_hear_it_kindly(
    community: Community,
) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await eve.intro(ana, ben, WHY)
    await eve.forget()
    assert "@Eve has left Networker, so their introduction of you to @Ben is closed." in (
        ana.last_dm()
    )
    assert "/ask @Ana" in ben.last_dm()


async def test_the_commands_accept_members_the_bot_has_not_seen_yet(
    community: Community,
) -> None:
    eve = community.member("eve")
    newcomer_a = c.MemberRef("U-new-a", "Nia")
    newcomer_b = c.MemberRef("U-new-b", "Noor")
    result = await eve.do(c.Intro(newcomer_a, newcomer_b, WHY))
    assert result.ok
    assert community.messenger.to("U-new-a") and community.messenger.to("U-new-b")


async def test_a_suggested_member_learns_nothing_before_being_asked(
    community: Community,
) -> None:
    ana, cara, dana = await people(community, "ana", "cara", "dana")
    await dana.ask(ana, NEED)
    await ana.decline(suggest=cara)
    assert cara.dms() == []
    exported = await cara.export()
    assert exported["connections"] == []
    assert NEED not in str(exported)
    assert "Waiting" not in (await cara.me()).text
    await dana.press(dana.button("No thanks"))
    assert (await cara.export())["connections"] == []


async def test_an_intro_does_not_show_a_hidden_members_skills(community: Community) -> None:
    ana, ben, eve = await people(community, "ana", "ben", "eve")
    await ben.profile('skills="python:expert, rust" discoverable=no')
    await eve.intro(ana, ben, WHY)
    assert "@Eve would like to introduce you to @Ben." in ana.last_dm()
    assert "python" not in ana.last_dm()
    assert "rust" not in ana.last_dm()


async def test_a_forged_topic_on_an_ask_button_is_not_passed_on(community: Community) -> None:
    ana, dana = await people(community, "ana", "dana")
    await ana.profile('skills="python:expert"')
    ask = button_on(await dana.whoknows("python"), "Ask Ana")
    member_id = ask.value.partition(":")[0]
    for topic in ("x" * 150, "py\x07thon"):
        forged = Button(ask.label, ask.action, f"{member_id}:{topic}")
        result = await dana.press(forged, {"request": "could you look at my release checklist"})
        assert result.ok, result.text
        assert "@Dana is asking for your help." in ana.last_dm()  # no topic named
        assert topic not in ana.last_dm()
        await ana.decline()


# --- delivery failures ----------------------------------------------------------------------


async def test_an_undeliverable_consent_dm_is_reported_and_the_request_kept(
    community: Community,
) -> None:
    ana, ben = await people(community, "ana", "ben")
    await ben.profile('skills="python:expert"')
    community.messenger.fail_for.add(ben.id)
    result = await ana.ask(ben, "a review of my packaging setup please")
    assert result.ok
    assert "couldn't deliver a message to @U-ben" in result.text
    assert "Everything is saved" in result.text
    # The request is not lost: Ben finds it, with working buttons, in /networker me.
    community.messenger.fail_for.clear()
    mine = await ben.do(c.Me())
    assert "Waiting for your answer: a request for help from @Ana" in mine.text
    accept = next(b for b in mine.message.buttons if b.label.startswith("Accept"))
    assert (await ben.press(accept)).ok
    assert len(community.messenger.to(ana.id, kind="group")) == 1
