"""/whoknows: who can help with a topic, in which order, and who is never offered."""

from __future__ import annotations

import pytest

from tests.driver import Community, Member, button_on, names_in
from tests.fakes import FakeClock


@pytest.mark.parametrize(
    ("skill", "query"),
    [
        ("kubernetes:expert", "Kubernetes"),
        ("kubernetes:expert", "KUBERNETES"),
        ("kubernetes:expert", "k8s"),
        ("k8s:expert", "kubernetes"),
        ("resume:expert", "CV"),
        ("cv:expert", "resumes"),
        ("new york city:expert", "NYC"),
        ("nyc:expert", "New York City"),
        ("public speaking:expert", "presentation skills"),
        ("public speaking:expert", "public speaking"),
        ("machine learning:expert", "ML"),
        ("mentoring:expert", "mentors"),
        ("kubernetes:expert", "kuberntes"),
        ("python:expert", "pythn"),
        ("terraform:expert", "terraform modules for our aws setup"),
    ],
)
async def test_matching_understands_case_plurals_aliases_words_and_typos(
    community: Community, skill: str, query: str
) -> None:
    ana, ben, dana = community.member("ana"), community.member("ben"), community.member("dana")
    await ana.profile(f'skills="{skill}"')
    await ben.profile('skills="cooking:expert"')
    assert names_in(await dana.whoknows(query)) == ["Ana"]


async def test_a_typo_is_found_and_the_reading_is_shown(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    result = await dana.whoknows("kuberntes")
    assert "People who can help with kubernetes (I read “kuberntes” as kubernetes)" in result.text


async def test_members_are_found_by_their_own_words(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile(
        'help="happy to review resumes and talk about negotiating salary offers in NYC"'
    )
    for query in ("cv", "salary negotiation", "new york city"):
        result = await dana.whoknows(query)
        assert names_in(result) == ["Ana"], query
        assert "Why: mentions it in their own words" in result.text
        assert "In their words: “happy to review resumes" in result.text


async def test_each_result_says_why_when_and_how_to_ask(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert" tz=Europe/Berlin')
    result = await dana.whoknows("python")
    assert result.private
    text = result.text
    assert text.startswith("People who can help with python")
    assert "Why: expert in python" in text
    assert "Availability: open to requests" in text
    assert "Local time: Mon 11:00 their time (Europe/Berlin)" in text
    assert [b.label for b in result.message.buttons] == ["Ask Ana for help"]


async def test_a_member_matching_several_words_of_the_topic_ranks_first(
    community: Community,
) -> None:
    ana, ben, dana = community.member("ana"), community.member("ben"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    await ben.profile('skills="kubernetes:practitioner, terraform:practitioner"')
    assert names_in(await dana.whoknows("kubernetes and terraform")) == ["Ben", "Ana"]


# --- ranking --------------------------------------------------------------------------------


async def test_higher_skill_levels_rank_first_and_learners_are_not_offered(
    community: Community,
) -> None:
    lea, pat, eva, dana = (community.member(n) for n in ("lea", "pat", "eva", "dana"))
    await lea.profile('skills="python:learning"')
    await pat.profile('skills="python:practitioner"')
    await eva.profile('skills="python:expert"')
    result = await dana.whoknows("python")
    assert names_in(result) == ["Eva", "Pat"]
    assert "expert in python" in result.text
    assert "practises python" in result.text
    assert "Lea" not in result.text


async def experts(community: Community, *names: str) -> list[Member]:
    """Equally qualified Python experts, created in this order (the natural tie order)."""
    people = [community.member(n) for n in names]
    for person in people:
        await person.profile('skills="python:expert"')
    return people


async def test_endorsements_lift_a_member_above_an_equal_peer(community: Community) -> None:
    _ben, cara = await experts(community, "ben", "cara")
    dana, eve = community.member("dana"), community.member("eve")
    assert names_in(await dana.whoknows("python")) == ["Ben", "Cara"]
    await eve.endorse(cara, "python")
    result = await dana.whoknows("python")
    assert names_in(result) == ["Cara", "Ben"]
    assert "vouched for 1×" in result.text


async def test_thanks_for_the_topic_lift_a_member_above_an_equal_peer(
    community: Community,
) -> None:
    _ben, cara = await experts(community, "ben", "cara")
    dana, eve = community.member("dana"), community.member("eve")
    await eve.thank(cara, "thanks for untangling my python packaging")
    result = await dana.whoknows("python")
    assert names_in(result) == ["Cara", "Ben"]
    assert "vouched for 1×" in result.text


async def test_thanks_about_something_else_is_not_evidence(community: Community) -> None:
    _ben, cara = await experts(community, "ben", "cara")
    dana, eve = community.member("dana"), community.member("eve")
    await eve.thank(cara, "thanks for the lovely coffee chat")
    result = await dana.whoknows("python")
    assert names_in(result) == ["Ben", "Cara"]
    assert "vouched" not in result.text


async def test_busy_members_rank_below_open_ones(community: Community) -> None:
    ben, _cara = await experts(community, "ben", "cara")
    dana = community.member("dana")
    await ben.profile("availability=busy:2026-06-30")
    result = await dana.whoknows("python")
    assert names_in(result) == ["Cara", "Ben"]
    assert "busy until 30 June" in result.text


async def test_a_busy_expert_is_offered_after_an_open_practitioner(community: Community) -> None:
    ben, cara, dana = (community.member(n) for n in ("ben", "cara", "dana"))
    await ben.profile('skills="python:expert" availability=busy:2027-01-15')
    await cara.profile('skills="python:practitioner"')
    result = await dana.whoknows("python")
    assert names_in(result) == ["Cara", "Ben"]
    assert "busy until 15 January 2027" in result.text  # another year: the year is said
    assert [b.label for b in result.message.buttons] == [
        "Ask Cara for help",
        "Ask Ben for help",
    ]


async def test_members_with_little_capacity_left_rank_lower(community: Community) -> None:
    ben, _cara = await experts(community, "ben", "cara")
    dana = community.member("dana")
    await ben.profile("capacity=1")
    assert names_in(await dana.whoknows("python")) == ["Cara", "Ben"]


async def test_recent_load_spreads_asks_across_qualified_members(community: Community) -> None:
    ben, _cara = await experts(community, "ben", "cara")
    dana, eve = community.member("dana"), community.member("eve")
    await eve.ask(ben, "could you review my python packaging setup")
    assert names_in(await dana.whoknows("python")) == ["Cara", "Ben"]


async def test_ties_go_to_whoever_was_asked_least_recently(
    community: Community, clock: FakeClock
) -> None:
    ben, _cara = await experts(community, "ben", "cara")
    dana, eve = community.member("dana"), community.member("eve")
    await eve.ask(ben, "could you review my python packaging setup")
    await ben.decline()  # answered: no open load left
    clock.advance(days=31)  # and outside the 30-day load window
    # Equal score now; Ben was asked more recently than Cara (never), so Cara goes first.
    assert names_in(await dana.whoknows("python")) == ["Cara", "Ben"]


async def test_at_most_five_people_are_offered(community: Community) -> None:
    people = await experts(community, "ann", "bob", "cid", "deb", "eli", "fay", "gus")
    dana = community.member("dana")
    result = await dana.whoknows("python")
    assert names_in(result) == ["Ann", "Bob", "Cid", "Deb", "Eli"]
    assert len(result.message.buttons) == 5
    # Asking the first spreads the next search to someone not shown before.
    await dana.ask(people[0], "could you review my python packaging setup")
    assert "Fay" in names_in(await community.member("zed").whoknows("python"))


# --- who is never offered -------------------------------------------------------------------


async def test_the_asker_is_never_offered_to_themselves(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert"')
    await ben.profile('skills="python:learning"')
    assert names_in(await ana.whoknows("python")) == ["Ben"]
    await ben.profile("-skill=python")
    result = await ana.whoknows("python")
    assert names_in(result) == []
    assert "Nobody who can help with “python” is available right now." in result.text


@pytest.mark.parametrize(
    "edit",
    ["discoverable=no", "availability=away", "capacity=0"],
)
async def test_hidden_away_and_full_members_are_never_offered(
    community: Community, edit: str
) -> None:
    ana, ben, dana = community.member("ana"), community.member("ben"), community.member("dana")
    await ana.profile('skills="python:expert" help="python packaging"')
    await ben.profile('skills="python:learning"')
    queries = ("python", "packaging", "pythn")
    for query in queries:
        assert names_in(await dana.whoknows(query))[0] == "Ana"
    await ana.profile(edit)
    for query in queries:
        assert names_in(await dana.whoknows(query)) == (["Ben"] if query != "packaging" else [])


async def test_paused_members_are_not_offered_until_they_resume(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await ana.pause()
    assert names_in(await dana.whoknows("python")) == []
    await ana.pause(False)
    assert names_in(await dana.whoknows("python")) == ["Ana"]


async def test_a_member_at_capacity_is_offered_again_when_the_month_is_over(
    community: Community, clock: FakeClock
) -> None:
    ana, dana, eve = community.member("ana"), community.member("dana"), community.member("eve")
    await ana.profile('skills="python:expert" capacity=1')
    await eve.ask(ana, "could you review my python packaging setup")
    await ana.press(ana.button("Accept"))
    assert names_in(await dana.whoknows("python")) == []
    clock.advance(days=29)
    assert names_in(await dana.whoknows("python")) == []
    clock.advance(days=2)
    assert names_in(await dana.whoknows("python")) == ["Ana"]


async def test_raising_capacity_makes_a_full_member_available_again(
    community: Community,
) -> None:
    ana, dana, eve = community.member("ana"), community.member("dana"), community.member("eve")
    await ana.profile('skills="python:expert" capacity=1')
    await eve.ask(ana, "could you review my python packaging setup")
    assert names_in(await dana.whoknows("python")) == []
    await ana.profile("capacity=3")
    assert names_in(await dana.whoknows("python")) == ["Ana"]


async def test_introductions_count_against_capacity_too(community: Community) -> None:
    ana, ben, dana, eve = (community.member(n) for n in ("ana", "ben", "dana", "eve"))
    await ana.profile('skills="python:expert" capacity=1')
    await eve.intro(ana, ben, "you both maintain python packaging tools")
    assert names_in(await dana.whoknows("python")) == []


# --- no match -------------------------------------------------------------------------------


async def test_no_match_says_so_and_suggests_close_topics(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="terraform:expert"')
    result = await dana.whoknows("terra")
    assert result.ok
    assert names_in(result) == []
    assert "Nobody who can help with “terra” is available right now." in result.text
    assert "Close topics people do list: terraform" in result.text
    assert "Try a broader word" in result.text
    assert result.message.buttons == ()


async def test_no_match_offers_the_asks_channel_when_there_is_one(
    community: Community,
) -> None:
    org, dana = community.member("olga", organiser=True), community.member("dana")
    await org.settings("asks_channel", "#asks")
    result = await dana.whoknows("underwater basket weaving")
    assert "I can post your ask in #asks so anyone can offer." in result.text
    posted = await dana.press(button_on(result, "Post my ask in #asks"))
    assert posted.text == "Posted in #asks. I hope someone picks it up soon!"
    [post] = [s for s in community.messenger.sent if s.kind == "channel"]
    assert post.to == ("#asks",)
    assert post.text.startswith("@Dana is looking for someone who knows about")
    assert "underwater basket weaving" in post.text


async def test_the_asks_button_is_refused_once_the_channel_is_switched_off(
    community: Community,
) -> None:
    org, dana = community.member("olga", organiser=True), community.member("dana")
    await org.settings("asks_channel", "#asks")
    result = await dana.whoknows("underwater basket weaving")
    await org.settings("asks_channel", "off")
    refused = await dana.press(button_on(result, "Post my ask"))
    assert not refused.ok
    assert "no asks channel" in refused.text
    assert community.messenger.sent == []


@pytest.mark.parametrize(
    ("topic", "message"),
    [
        ("", "Who knows what?"),
        ("   ", "Who knows what?"),
        ("x" * 101, "the limit is 100"),
        ("python\x00", "control characters"),
    ],
)
async def test_unusable_topics_are_refused(community: Community, topic: str, message: str) -> None:
    dana = community.member("dana")
    result = await dana.whoknows(topic)
    assert not result.ok
    assert message in result.text


# --- the "Ask for help" button --------------------------------------------------------------


async def test_the_ask_button_asks_what_is_needed_then_sends_the_request(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    found = await dana.whoknows("k8s")
    ask = button_on(found, "Ask Ana for help")
    form = await dana.press(ask)
    assert form.message.form is not None
    assert [i.name for i in form.message.form.inputs] == ["request"]
    assert ana.dms() == []

    sent = await dana.press(ask, {"request": "how do I size node pools for a small cluster"})
    assert sent.ok
    assert "Sent! I've asked @Ana privately." in sent.text
    assert "@Dana is asking for your help with kubernetes." in ana.last_dm()
    assert "how do I size node pools" in ana.last_dm()


async def test_the_ask_button_refuses_a_one_word_request_and_sends_nothing(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    ask = button_on(await dana.whoknows("kubernetes"), "Ask Ana")
    refused = await dana.press(ask, {"request": "help"})
    assert not refused.ok
    assert "is a bit short for a request" in refused.text
    assert ana.dms() == []
    assert names_in(await community.member("zed").whoknows("kubernetes")) == ["Ana"]


async def test_a_stale_ask_button_respects_a_member_who_went_away(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    ask = button_on(await dana.whoknows("kubernetes"), "Ask Ana")
    await ana.profile("availability=away")
    refused = await dana.press(ask, {"request": "how do I size node pools for a small cluster"})
    assert not refused.ok
    assert "Ana is away right now." in refused.text
    assert ana.dms() == []


async def test_a_stale_ask_button_for_a_forgotten_member_is_refused(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="kubernetes:expert"')
    ask = button_on(await dana.whoknows("kubernetes"), "Ask Ana")
    await ana.forget()
    refused = await dana.press(ask, {"request": "how do I size node pools for a small cluster"})
    assert not refused.ok
    assert "That member is not here any more." in refused.text
    assert ana.dms() == []


async def test_a_swapped_letter_typo_is_matched(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    result = await dana.whoknows("pyhton")
    assert names_in(result) == ["Ana"]
    assert "I read “pyhton” as python" in result.text


async def test_the_header_says_which_part_of_the_topic_nobody_lists(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    result = await dana.whoknows("zzzqqq python")
    assert names_in(result) == ["Ana"]
    assert result.text.splitlines()[0] == "Nobody lists “zzzqqq”; people who know python:"
