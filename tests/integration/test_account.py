"""/networker me, export, forget, pause and resume: a member's own data and balance."""

from __future__ import annotations

import pytest

from bot.messages import Button
from bot.services import commands as c
from tests.driver import Community, Member, button_on, names_in

pytestmark = pytest.mark.fake_store_too  # use cases only: the in-memory store serves too

WHY = "you both run Python meetups and could share speakers"
NEED = "could you review my python packaging setup before the release"


async def help_once(asker: Member, helper: Member, what: str = NEED) -> None:
    assert (await asker.ask(helper, what)).ok
    await helper.press(helper.button("Accept"))


# --- me and the give/ask balance ------------------------------------------------------------


async def test_me_is_all_clear_for_a_new_member(community: Community) -> None:
    text = (await community.member("ana").me()).text
    assert text.startswith("Your Networker summary")
    assert (
        "Balance: helped 0 · was helped 0 · intros made 0 · thanks given 0 · thanks received 0"
        in text
    )
    assert "Nothing is waiting on you or for you. All clear!" in text


async def test_me_lists_what_waits_for_my_answer_with_working_buttons(
    community: Community,
) -> None:
    ana, ben, dana, eve = (community.member(n) for n in ("ana", "ben", "dana", "eve"))
    await dana.ask(ana, NEED)
    await eve.intro(ana, ben, WHY)
    summary = await ana.me()
    assert "Waiting for your answer: a request for help from @Dana." in summary.text
    assert "Waiting for your answer: an introduction from @Eve." in summary.text
    assert "All clear" not in summary.text
    accept = button_on(summary, "Accept #1")
    assert (await ana.press(accept)).ok
    assert len(dana.groups()) == 1
    assert "request for help from @Dana" not in (await ana.me()).text


async def test_me_shows_who_i_am_waiting_for(community: Community) -> None:
    ana, ben, dana, eve = (community.member(n) for n in ("ana", "ben", "dana", "eve"))
    await dana.ask(ana, NEED)
    assert "You're waiting to hear from @Ana." in (await dana.me()).text
    await eve.intro(ana, ben, WHY)
    assert "You're waiting to hear from @Ana and @Ben." in (await eve.me()).text
    await ben.press(ben.button("Accept"))
    assert "You're waiting to hear from @Ana." in (await eve.me()).text
    await ana.press(ana.button("Accept"))
    assert "All clear" in (await eve.me()).text


async def test_the_balance_counts_help_given_and_received(community: Community) -> None:
    ana, ben, cara, eve = (community.member(n) for n in ("ana", "ben", "cara", "eve"))
    await help_once(ben, ana)
    await help_once(cara, ana)
    await help_once(ana, ben)
    await eve.intro(ben, cara, WHY)
    await ben.thank(ana, "for the packaging review")
    assert (
        "Balance: helped 2 · was helped 1 · intros made 0 · thanks given 0 · thanks received 1"
        in (await ana.me()).text
    )
    assert "intros made 1" in (await eve.me()).text


async def test_declined_and_pending_requests_are_not_counted_as_help(
    community: Community,
) -> None:
    ana, ben, cara = (community.member(n) for n in ("ana", "ben", "cara"))
    await ben.ask(ana, NEED)
    await ana.decline()
    await cara.ask(ana, NEED)
    assert "helped 0 · was helped 0" in (await ana.me()).text
    assert "helped 0 · was helped 0" in (await ben.me()).text


async def test_someone_who_takes_more_than_they_give_is_nudged_privately(
    community: Community,
) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await help_once(dana, ana)
    assert "more help than you've given" not in (await dana.me()).text
    await help_once(dana, ben)
    summary = await dana.me()
    assert "was helped 2" in summary.text
    assert "You've had more help than you've given lately" in summary.text
    assert summary.private
    assert "more help than you've given" not in (await ana.me()).text


# --- export ---------------------------------------------------------------------------------


async def test_export_holds_my_profile_requests_thanks_and_endorsements(
    community: Community,
) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ana.profile(
        'skills="python:expert" help="packaging" looking="a mentor" bio="Berlin based" '
        'tz=Europe/Berlin window="weekdays 10-16" capacity=3'
    )
    await help_once(dana, ana)
    await dana.thank(ana, "for the packaging review")
    await ben.endorse(ana, "python")

    data = await ana.export()
    assert data["community"] == "Test Association"
    profile = data["profile"]
    assert profile["display_name"] == "Ana"
    assert profile["skills"] == {"python": 3}
    assert profile["can_help_with"] == "packaging"
    assert profile["looking_for"] == "a mentor"
    assert profile["bio"] == "Berlin based"
    assert profile["timezone"] == "Europe/Berlin"
    assert profile["contact_window"] == "weekdays 10:00-16:00"
    assert profile["capacity"] == 3
    assert profile["discoverable"] is True
    [conn] = data["connections"]
    assert conn["kind"] == "request"
    assert conn["state"] == "connected"
    assert conn["parties"] == ["Dana", "Ana"]
    assert conn["reason"] == NEED
    [thanks] = data["thanks"]
    assert (thanks["from"], thanks["note"]) == ("Dana", "for the packaging review")
    assert data["endorsements"] == [{"from": "Ben", "to": "Ana", "topic": "python"}]


async def test_export_does_not_include_other_members_profiles(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await dana.profile('bio="Dana private bio text" looking="a new job quietly"')
    await help_once(dana, ana)
    exported = str(await ana.export())
    assert "Dana private bio text" not in exported
    assert "a new job quietly" not in exported


async def test_export_is_repeatable_and_sends_nothing(community: Community) -> None:
    ana = community.member("ana")
    await ana.profile('skills="python:expert"')
    first = await ana.export()
    second = await ana.export()
    assert first == second
    assert community.messenger.sent == []


# --- forget ---------------------------------------------------------------------------------


async def test_forget_asks_for_confirmation_first_and_changes_nothing(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert" bio="I will stay"')
    asked = await ana.do(c.Forget())
    assert "It can't be undone." in asked.text
    assert "/networker export first" in asked.text
    assert [b.label for b in asked.message.buttons] == ["Yes, forget me"]
    assert names_in(await dana.whoknows("python")) == ["Ana"]
    assert "I will stay" in (await dana.view(ana)).text


async def test_forget_removes_the_profile_and_personal_texts(community: Community) -> None:
    ana, ben, dana, eve = (community.member(n) for n in ("ana", "ben", "dana", "eve"))
    await ana.profile('skills="python:expert" bio="Ana secret bio" help="python packaging"')
    await help_once(dana, ana)
    await ana.thank(dana, "Ana secret thanks note")
    await ana.intro(ben, eve, "Ana secret reason for this intro")

    done = await ana.forget()
    assert "Everything you wrote is deleted" in done.text

    assert names_in(await dana.whoknows("python")) == []
    assert names_in(await dana.whoknows("packaging")) == []
    assert "Ana secret bio" not in (await dana.view(ana)).text

    # Others keep their own records, with an anonymous stub instead of Ana.
    dana_data = await dana.export()
    assert [c["parties"] for c in dana_data["connections"]] == [["Dana", "a former member"]]
    assert dana_data["connections"][0]["reason"] == NEED  # Dana's own words stay
    [thanks] = dana_data["thanks"]
    assert thanks["from"] == "a former member"
    assert thanks["note"] == ""
    ben_data = str(await ben.export())
    assert "Ana secret reason" not in ben_data
    assert "a former member" in ben_data


async def test_forget_closes_open_requests_and_the_helper_hears_the_asker_left(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await dana.ask(ana, NEED)
    await dana.forget()
    assert "@Dana has left Networker, so their request for your help is closed." in ana.last_dm()
    late = await ana.press(ana.button("Accept"))
    assert not late.ok
    assert "left Networker" in late.text and "withdrawn" not in late.text
    assert community.messenger.to(ana.id, "group") == []
    assert "Waiting for your answer" not in (await ana.me()).text


async def test_when_the_helper_forgets_the_asker_is_told_kindly_and_keeps_their_words(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await dana.ask(ana, NEED, "python")
    await ana.forget()
    told = dana.last_dm()
    assert "@Ana has left Networker, so your request about python to them is closed." in told
    assert NEED in told  # nothing of hers is lost
    assert "/whoknows python" in told and "withdrawn" not in told
    [kept] = (await dana.export())["connections"]
    assert (kept["reason"], kept["state"]) == (NEED, "left")


async def test_a_draft_ask_to_a_member_who_leaves_comes_back_to_its_writer(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await community.app.handle(
        c.Actor("test", "T1", c.MemberRef("U-olga", "Olga"), True),
        c.Settings("repeat_ask_limit", "1"),
    )
    await dana.ask(ana, NEED, "python")
    await ana.decline()
    drafted = await dana.ask(ana, "one more python question, about wheels", "python")
    assert "saved as a draft" in drafted.text
    await ana.forget()
    told = dana.last_dm()
    assert "@Ana has left Networker" in told
    assert "one more python question, about wheels" in told  # her words, not lost


async def test_a_member_who_used_forget_comes_back_hidden_until_they_set_up_a_profile(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await ana.forget()
    assert "hidden until you set up your profile again" in await ana.my_profile()
    await ana.me()  # using the bot again is not setting up a profile
    assert names_in(await dana.whoknows("python")) == []
    await ana.profile('skills="python:expert"')
    assert names_in(await dana.whoknows("python")) == ["Ana"]
    assert "Discoverable: yes" in await ana.my_profile()


async def test_a_returning_member_who_saves_the_profile_form_is_findable_again(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await ana.forget()
    shown = await ana.do(c.ProfileForm())
    form = shown.message.form
    assert form is not None
    initial = {i.name: i.initial for i in form.inputs}
    assert initial["discoverable"] == "yes"  # what saving will make them
    initial["skills"] = "python:expert"
    saved = await ana.press(Button(form.submit, form.action, form.value), initial)
    assert saved.ok, saved.text
    assert names_in(await dana.whoknows("python")) == ["Ana"]


async def test_a_newcomer_is_discoverable_from_the_start(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    assert "Discoverable: yes" in await ana.my_profile()
    await dana.forget()  # someone else's forget says nothing about ana
    assert "Discoverable: yes" in await community.member("cleo").my_profile()


async def test_a_forgotten_member_who_comes_back_starts_afresh(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert" bio="old bio"')
    await ana.forget()
    text = await ana.my_profile()
    assert "Skills: none yet" in text
    assert "old bio" not in text
    assert (await ana.export())["connections"] == []
    await ana.profile('skills="rust:expert"')
    assert names_in(await dana.whoknows("rust")) == ["Ana"]
    assert names_in(await dana.whoknows("python")) == []


async def test_an_endorsement_from_a_forgotten_member_no_longer_vouches(
    community: Community,
) -> None:
    ana, ben, dana = (community.member(n) for n in ("ana", "ben", "dana"))
    await ben.profile('skills="python:expert"')
    await ana.endorse(ben, "python")
    assert "vouched for 1×" in (await dana.whoknows("python")).text
    await ana.forget()
    assert (await ben.export())["endorsements"] == []
    result = await dana.whoknows("python")
    assert names_in(result) == ["Ben"]
    assert "vouched" not in result.text


async def test_forgetting_lowers_the_member_count(community: Community) -> None:
    org = community.member("olga", organiser=True)
    ana = community.member("ana")
    await ana.profile('skills="python"')
    assert "Members: 2" in (await org.stats()).text
    await ana.forget()
    assert "Members: 1" in (await org.stats()).text


# --- pause and resume -----------------------------------------------------------------------


async def test_pause_hides_the_member_and_stops_new_requests_until_resume(
    community: Community,
) -> None:
    ana, dana, eve = (community.member(n) for n in ("ana", "dana", "eve"))
    await ana.profile('skills="python:expert"')
    paused = await ana.pause()
    assert "Paused: I won't send you any DMs" in paused.text
    assert "Bot DMs are paused." in (await ana.me()).text
    assert names_in(await dana.whoknows("python")) == []
    refused = await dana.ask(ana, NEED)
    assert "Ana has paused Networker messages for now." in refused.text
    assert not (await eve.intro(ana, dana, WHY)).ok
    assert ana.dms() == []

    resumed = await ana.pause(False)
    assert "Welcome back!" in resumed.text
    assert "Bot DMs are paused." not in (await ana.me()).text
    assert names_in(await dana.whoknows("python")) == ["Ana"]
    assert (await dana.ask(ana, NEED)).ok
    assert "asking for your help" in ana.last_dm()


async def test_a_paused_member_gets_no_endorsement_dm(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert"')
    await ana.pause()
    assert (await ben.endorse(ana, "python")).ok
    assert ana.dms() == []
