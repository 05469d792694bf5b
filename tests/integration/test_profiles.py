"""Profiles: what members say about themselves, and how others (and /whoknows) see it."""

from __future__ import annotations

import pytest

from bot.actions import Action
from bot.domain.profile import Level, ProfileChanges
from bot.messages import Button, Form, InputKind
from bot.services import commands as c
from tests.driver import Community, Member, names_in
from tests.fakes import FakeClock


async def test_a_new_member_starts_with_the_documented_defaults(community: Community) -> None:
    ana = community.member("ana")
    text = await ana.my_profile()
    assert "Skills: none yet" in text
    assert "Capacity: 4 requests per 30 days" in text
    assert "Discoverable: yes" in text
    assert "Availability: open" in text
    assert "Contact window: weekdays 09:00-18:00" in text
    assert "Tip: add skills" in text


async def test_a_full_edit_is_saved_and_shown_back(community: Community) -> None:
    ana = community.member("ana")
    result = await ana.profile(
        'skills="python:expert, kubernetes:practitioner, rust:learning" '
        'help="code reviews and CI pipelines" looking="a mentor in product management" '
        'bio="Backend engineer in Berlin" tz=Europe/Berlin window="mon,wed,fri 10:00-16:00" '
        "availability=busy:2026-12-31 capacity=2 discoverable=yes"
    )
    text = result.text
    assert text.startswith("Saved. Here is your profile now:")
    assert "Skills: python (expert), kubernetes (practitioner), rust (learning)" in text
    assert "Can help with: “code reviews and CI pipelines”" in text
    assert "Looking for: “a mentor in product management”" in text
    assert "Bio: “Backend engineer in Berlin”" in text
    assert "Availability: busy until 31 December" in text
    # 2026-03-02 10:00 UTC is a Monday, 11:00 in Berlin.
    assert "Local time: Mon 11:00 their time (Europe/Berlin)" in text
    assert "Contact window: mon,wed,fri 10:00-16:00" in text
    assert "Capacity: 2 requests per 30 days" in text
    assert "Tip: add skills" not in text
    # The saved profile is what the member sees later, too.
    assert "Skills: python (expert), kubernetes (practitioner), rust (learning)" in (
        await ana.my_profile()
    )


async def test_others_see_the_profile_without_the_private_settings(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert" bio="Backend engineer" capacity=2 tz=Asia/Tokyo')
    seen = await ben.view(ana)
    assert seen.ok
    assert "Profile of @Ana" in seen.text
    assert "Skills: python (expert)" in seen.text
    assert "Bio: “Backend engineer”" in seen.text
    assert "Local time: Mon 19:00 their time (Asia/Tokyo)" in seen.text
    assert "Capacity" not in seen.text
    assert "Contact window" not in seen.text
    assert "Discoverable" not in seen.text


async def test_partial_edits_leave_everything_else_as_it_was(community: Community) -> None:
    ana = community.member("ana")
    await ana.profile('skills="python:expert" bio="Backend engineer" capacity=3')
    await ana.profile("tz=America/New_York")
    await ana.profile('looking="a co-founder"')
    text = await ana.my_profile()
    assert "Skills: python (expert)" in text
    assert "Bio: “Backend engineer”" in text
    assert "Capacity: 3 requests per 30 days" in text
    assert "(America/New_York)" in text
    assert "Looking for: “a co-founder”" in text


async def test_adding_changing_and_removing_single_skills(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await ana.profile("+skill=rust:learning")
    assert "Skills: python (expert), rust (learning)" in await ana.my_profile()
    assert names_in(await dana.whoknows("rust")) == ["Ana"]

    await ana.profile("+skill=Rust:expert")  # same skill, other case: replaced, not doubled
    text = await ana.my_profile()
    assert "Rust (expert)" in text
    assert "rust (learning)" not in text

    await ana.profile("-skill=rust")
    assert "Skills: python (expert)" in await ana.my_profile()
    assert names_in(await dana.whoknows("rust")) == []


async def test_a_skill_written_twice_is_kept_once_at_the_higher_level_and_said(
    community: Community,
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    result = await ana.profile('skills="Python:expert, python:learning, PYTHONS, rust"')
    assert "“Python” and “python” are the same skill: kept once, as Python (expert)." in (
        result.text
    )
    assert "Skills: Python (expert), rust (practitioner)" in result.text

    # Another name for the same skill (an alias) is merged too, at the higher level.
    await ana.profile('+skill="kubernetes:expert"')
    result = await ana.profile('+skill="k8s:learning"')
    assert "“kubernetes” and “k8s” are the same skill: kept once, as k8s (expert)." in result.text
    assert "k8s (expert)" in result.text and "kubernetes (" not in result.text
    assert names_in(await dana.whoknows("kubernetes")) == ["Ana"]


async def test_a_profile_holds_at_most_30_skills(community: Community) -> None:
    ana = community.member("ana")
    await ana.profile("skills=" + ",".join(f"skill{i}" for i in range(30)))
    result = await ana.do(c.EditProfile(text="+skill=one-more"))
    assert not result.ok and "more than 30 skills" in result.text
    assert "one-more" not in await ana.my_profile()


@pytest.mark.parametrize(
    ("level", "shown"),
    [("exp", "expert"), ("P", "practitioner"), ("learn", "learning"), ("", "practitioner")],
)
async def test_skill_levels_may_be_abbreviated_and_default_to_practitioner(
    community: Community, level: str, shown: str
) -> None:
    ana = community.member("ana")
    suffix = f":{level}" if level else ""
    await ana.profile(f'skills="python{suffix}"')
    assert f"Skills: python ({shown})" in await ana.my_profile()


@pytest.mark.parametrize(
    ("window", "shown"),
    [
        ("weekdays 09:00-18:00", "weekdays 09:00-18:00"),
        ("mon,wed,fri 10:00-16:00", "mon,wed,fri 10:00-16:00"),
        ("daily 08-20", "daily 08:00-20:00"),
        ("weekends", "weekends all day"),
        ("fri-mon 22:00-06:00", "mon,fri,sat,sun 22:00-06:00"),
        ("10-16", "daily 10:00-16:00"),
    ],
)
async def test_contact_windows_in_their_accepted_forms(
    community: Community, window: str, shown: str
) -> None:
    ana = community.member("ana")
    await ana.profile(f'window="{window}"')
    assert f"Contact window: {shown}" in await ana.my_profile()


BAD_EDITS = [
    ("tz=Mars/Olympus", "is not a time zone I know"),
    ("tz=Berlin", "Did you mean Europe/Berlin"),
    ('window="weekdays 25:00-18:00"', "an hour that does not exist"),
    ('window="someday 09:00-17:00"', "is not a day of the week"),
    ('window="from nine to five"', "is not a day of the week"),
    ("window=weekdays,09-17", "is not a contact window I understand"),
    ("availability=busy", "Busy until when?"),
    ("availability=busy:2020-01-01", "is already past"),
    ("availability=busy:tomorrow", "is not a date"),
    ("availability=holiday", "is not an availability"),
    ("capacity=101", "between 0 and 100"),
    ("capacity=-1", "between 0 and 100"),
    ("capacity=lots", "is not a number"),
    ("discoverable=maybe", "takes yes or no"),
    ('skills="python:guru"', "is not a skill level"),
    ('skills=":expert"', "skill name is missing"),
    ("skills=" + ",".join(f"s{i}" for i in range(31)), "at most 30 skills"),
    ('skills="🚀:expert"', "has no letters"),
    ('+skill="✨✨"', "has no letters"),
    ('+skill="x:expert"', "at least 2 letters"),
    ("bio=" + "x" * 501, "the limit is 500"),
    ('help="call me\x07now"', "contains control characters"),
    ('bio="nice \u202etxet"', "contains control characters"),
    ("-skill=cobol", "is not one of your skills"),
    ("colour=blue", "I don't know the profile field"),
    ('bio="never closed', "quote in your profile edit is not closed"),
    # One bad field spoils the whole edit: the good part is not saved either.
    ('bio="A brand new bio" tz=Mars/Phobos', "is not a time zone I know"),
    ("capacity=1 discoverable=perhaps", "takes yes or no"),
]


@pytest.mark.parametrize(("edit", "message"), BAD_EDITS)
async def test_bad_profile_edits_are_refused_and_change_nothing(
    community: Community, edit: str, message: str
) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile(
        'skills="python:expert" bio="Old bio" tz=Europe/Berlin capacity=4 window="daily 08-20"'
    )
    before = await ana.my_profile()

    result = await ana.edit(edit)

    assert not result.ok
    assert message in result.text
    assert await ana.my_profile() == before
    assert names_in(await dana.whoknows("python")) == ["Ana"]


async def test_an_empty_edit_shows_the_profile_and_an_edit_without_fields_is_refused(
    community: Community,
) -> None:
    ana = community.member("ana")
    shown = await ana.edit("   ")
    assert shown.ok and shown.text.startswith("Your profile")
    refused = await ana.edit('""')
    assert not refused.ok
    assert "I don't know the profile field" in refused.text
    assert "Syntax: /profile" in refused.text


async def test_the_platform_time_zone_is_used_until_the_member_sets_one(
    community: Community,
) -> None:
    ana = community.member("ana", platform_tz="Asia/Tokyo")
    assert "Local time: Mon 19:00 their time (Asia/Tokyo)" in await ana.my_profile()
    await ana.profile("tz=Europe/Lisbon")
    # The member's own choice wins over what the platform says later.
    assert "(Europe/Lisbon)" in await ana.my_profile()


async def test_a_member_without_a_time_zone_is_told_it_is_not_set(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python"')
    assert "Local time: Mon 10:00 their time (UTC, time zone not set)" in (await ben.view(ana)).text


async def test_a_hidden_profile_is_private_and_not_searchable(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert" bio="secret bio" discoverable=no')
    seen = await ben.view(ana)
    assert "@Ana keeps their profile private." in seen.text
    assert "secret bio" not in seen.text
    assert "python" not in seen.text
    assert names_in(await ben.whoknows("python")) == []
    assert "Discoverable: no (hidden from searches)" in await ana.my_profile()

    await ana.profile("discoverable=yes")
    assert names_in(await ben.whoknows("python")) == ["Ana"]
    assert "secret bio" in (await ben.view(ana)).text


async def test_availability_away_then_open_again(community: Community) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert" availability=away')
    assert "Availability: away" in await ana.my_profile()
    assert names_in(await ben.whoknows("python")) == []
    await ana.profile("availability=open")
    assert names_in(await ben.whoknows("python")) == ["Ana"]


async def test_busy_ends_by_itself_once_the_date_has_passed(
    community: Community, clock: FakeClock
) -> None:
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="python:expert" availability="busy until 2026-03-05"')
    result = await ben.whoknows("python")
    assert names_in(result) == ["Ana"]  # busy members are still offered, just lower
    assert "Availability: busy until 5 March" in result.text
    clock.advance(days=4)
    result = await ben.whoknows("python")
    assert "Availability: open to requests" in result.text
    assert "Availability: open" in (await ben.view(ana)).text


async def test_viewing_my_own_profile_by_mention_shows_the_private_fields(
    community: Community,
) -> None:
    ana = community.member("ana")
    await ana.profile("capacity=7")
    assert "Capacity: 7 requests per 30 days" in (await ana.view(ana)).text


async def test_endorsements_are_announced_once_and_count_as_evidence(
    community: Community,
) -> None:
    ana, ben, dana = community.member("ana"), community.member("ben"), community.member("dana")
    await ana.profile('skills="python:expert"')
    result = await ben.endorse(ana, "Python")
    assert result.ok
    assert "Endorsed @Ana for python" in result.text
    assert ana.last_dm() == "@Ben endorsed you for python."
    assert "vouched for 1×" in (await dana.whoknows("python")).text

    again = await ben.endorse(ana, "python")
    assert "already endorsed @Ana for python" in again.text
    assert len(ana.dms()) == 1
    assert "vouched for 1×" in (await dana.whoknows("python")).text


async def test_members_cannot_endorse_themselves(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    result = await ana.endorse(ana, "python")
    assert not result.ok
    assert "can't endorse yourself" in result.text
    assert ana.dms() == []
    assert "vouched" not in (await dana.whoknows("python")).text


async def test_a_mentioned_member_with_control_characters_in_the_name_is_refused(
    community: Community,
) -> None:
    dana = community.member("dana")
    bad = c.MemberRef("U-evil", "Eve\x1b[31m")
    result = await dana.do(c.Ask(bad, "could you review my conference talk please"))
    assert not result.ok
    assert "control characters" in result.text
    assert community.messenger.sent == []


async def test_a_full_member_is_shown_as_not_taking_requests(community: Community) -> None:
    ana, dana = community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert" capacity=1')
    assert "Availability: open" in (await dana.view(ana)).text
    await dana.ask(ana, "could you review my python packaging setup")
    assert "Availability: not taking new requests this month" in (await dana.view(ana)).text


async def test_edits_from_forms_get_the_same_checks_as_typed_ones(community: Community) -> None:
    ana = community.member("ana")
    await ana.profile('bio="Hello there"')
    for changes in (
        ProfileChanges(bio="bad\x07bell"),
        ProfileChanges(can_help_with="x" * 501),
        ProfileChanges(timezone="Mars/Olympus"),
        ProfileChanges(add_skills={"": Level.EXPERT}),
        ProfileChanges(add_skills={"🚀": Level.EXPERT}),
        ProfileChanges(skills={f"skill{i}": Level.EXPERT for i in range(31)}),
    ):
        result = await ana.do(c.EditProfile(changes=changes))
        assert not result.ok, changes
    assert "Hello there" in (await ana.do(c.EditProfile())).text


async def test_a_name_with_hidden_control_characters_is_refused(community: Community) -> None:
    ana = community.member("ana")
    for i, name in enumerate(("E\x7fve", "E\u0085ve", "E\u202eve", "Eve\nBob")):
        odd = c.MemberRef(f"U-odd-{i}", name)
        result = await ana.do(c.Ask(odd, "a review of my packaging setup please"))
        assert not result.ok and "control characters" in result.text
        assert community.messenger.sent == []


# --- the profile as forms: three short steps ----------------------------------------------


async def open_form(member: Member, action: Action, value: str = "") -> Form:
    opened = await member.press(Button("", action, value))
    assert opened.ok and opened.message.form is not None, opened.text
    return opened.message.form


@pytest.mark.fake_store_too
async def test_the_profile_forms_save_each_step_and_offer_the_next(community: Community) -> None:
    ana = community.member("ana")
    await ana.profile('skills="rust:expert"')
    about = await open_form(ana, Action.PROFILE_EDIT)
    assert [(i.name, i.kind) for i in about.inputs] == [
        ("skills", InputKind.LONG_TEXT),
        ("help", InputKind.LONG_TEXT),
        ("looking", InputKind.LONG_TEXT),
        ("bio", InputKind.LONG_TEXT),
        ("discoverable", InputKind.YES_NO),
    ]
    saved = await ana.press(
        Button("", about.action, about.value),
        {"skills": "rust\nGo, sql", "help": "code reviews", "discoverable": "yes"},
    )
    assert "Skills: rust (expert), Go (practitioner), sql (practitioner)" in saved.text
    assert [b.label for b in saved.message.buttons] == ["Set skill levels", "Availability and DMs"]

    levels = await open_form(ana, Action.PROFILE_LEVELS, "0")
    assert [(i.label, i.kind, i.initial) for i in levels.inputs] == [
        ("Go", InputKind.CHOICE, "practitioner"),
        ("rust", InputKind.CHOICE, "expert"),
        ("sql", InputKind.CHOICE, "practitioner"),
    ]
    leveled = await ana.press(
        Button("", levels.action, levels.value), {"level0": "expert", "level2": "learning"}
    )
    assert not leveled.ok  # rust's level is required: the form always sends it
    assert dict(leveled.errors) == {"level1": "Please fill in “rust”."}
    leveled = await ana.press(
        Button("", levels.action, levels.value),
        {"level0": "expert", "level1": "expert", "level2": "learning"},
    )
    assert "Skills: Go (expert), rust (expert), sql (learning)" in leveled.text

    prefs = await open_form(ana, Action.PROFILE_PREFS)
    assert [i.kind for i in prefs.inputs] == [
        InputKind.CHOICE,
        InputKind.DATE,
        InputKind.CHOICE,
        InputKind.TIMEZONE,
        InputKind.TEXT,
    ]
    answers = {
        "availability": "away",
        "busy_until": "",
        "capacity": "1",
        "tz": "Asia/Kolkata",
        "window": "daily 10-20",
    }
    done = await ana.press(Button("", prefs.action, prefs.value), answers)
    assert "Availability: away" in done.text
    assert "Capacity: 1 request per 30 days" in done.text
    assert "I read your contact window as daily 10:00-20:00" in done.text  # it changed
    assert "Contact window: daily 10:00-20:00" in done.text
    assert "(Asia/Kolkata)" in done.text


@pytest.mark.fake_store_too
async def test_a_refused_form_changes_nothing(community: Community) -> None:
    ana = community.member("ana")
    before = await ana.my_profile()
    prefs = await open_form(ana, Action.PROFILE_PREFS)
    refused = await ana.press(
        Button("", prefs.action, prefs.value),
        {"availability": "busy", "capacity": "3", "tz": "Mars/Base", "window": "never"},
    )
    assert not refused.ok
    assert set(dict(refused.errors)) == {"tz"}  # the checks of the answers come first
    refused = await ana.press(
        Button("", prefs.action, prefs.value),
        {"availability": "busy", "capacity": "3", "window": "never"},
    )
    assert set(dict(refused.errors)) == {"busy_until", "window"}
    assert await ana.my_profile() == before
