"""Organiser-only commands: settings, topic aliases and stats."""

from __future__ import annotations

import pytest

from adapters.text_commands import parse
from bot.actions import Action
from bot.messages import Button, InputKind
from bot.services import commands as c
from bot.services.declarations import CommandSpec
from bot.services.registry import REGISTRY
from tests.driver import TEXT_DIALECT, Community, Member, names_in

pytestmark = pytest.mark.fake_store_too  # use cases only: the in-memory store serves too

WHY = "you both run Python meetups and could share speakers"
NEED = "could you review my python packaging setup before the release"


def organiser(community: Community) -> Member:
    return community.member("olga", organiser=True)


# --- organisers only ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action",
    ["show settings", "show one", "set", "alias", "stats"],
)
async def test_members_who_are_not_organisers_are_refused(
    community: Community, action: str
) -> None:
    dana, ana = community.member("dana"), community.member("ana")
    await ana.profile('skills="python:expert"')
    result = await {
        "show settings": lambda: dana.settings(),
        "show one": lambda: dana.settings("asks_channel"),
        "set": lambda: dana.settings("asks_channel", "#asks"),
        "alias": lambda: dana.alias("snek", "python"),
        "stats": lambda: dana.stats(),
    }[action]()
    assert not result.ok
    assert "Only organisers can do that." in result.text
    # Nothing changed: no asks channel is offered, the alias finds nobody.
    assert "I can post your ask" not in (await dana.whoknows("zzz qqq")).text
    assert names_in(await dana.whoknows("snek")) == []


async def test_an_organiser_sees_every_setting_with_its_default(community: Community) -> None:
    text = (await organiser(community).settings()).text
    assert text.startswith("Community settings")
    for expected in (
        "asks_channel: off",
        "thanks_wall: off",
        "thanks_daily_cap: 10",
        "default_capacity: 4",
        "whoknows_results: 5",
        "repeat_ask_limit: 2",
        "timezone: UTC (default)",
    ):
        assert expected in text


async def test_an_organiser_can_read_and_change_one_setting(community: Community) -> None:
    org = organiser(community)
    assert (await org.settings("whoknows_results")).text.startswith("whoknows_results = 5")
    saved = await org.settings("whoknows_results", "3")
    assert saved.text == "Saved: whoknows_results = 3."
    assert (await org.settings("WHOKNOWS_RESULTS")).text.startswith("whoknows_results = 3")
    assert "whoknows_results: 3" in (await org.settings()).text


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("colour", "blue", "There is no setting “colour”."),
        ("thanks_daily_cap", "0", "Pick a number from 1 to 100."),
        ("thanks_daily_cap", "many", "is not a number"),
        ("whoknows_results", "11", "Pick a number from 1 to 10."),
        ("default_capacity", "500", "between 0 and 100"),
        ("repeat_ask_limit", "0", "Pick a number from 1 to 20."),
        ("timezone", "Mars/Olympus", "is not a time zone I know"),
        ("asks_channel", "#bad\x07channel", "contains control characters"),
    ],
)
async def test_bad_settings_are_refused_and_change_nothing(
    community: Community, key: str, value: str, message: str
) -> None:
    org = organiser(community)
    before = (await org.settings()).text
    result = await org.settings(key, value)
    assert not result.ok
    assert message in result.text
    assert (await org.settings()).text == before


# --- each setting does what it says ---------------------------------------------------------


async def test_channels_get_a_hash_and_can_be_switched_off(community: Community) -> None:
    org, dana = organiser(community), community.member("dana")
    assert (await org.settings("asks_channel", "help-wanted")).text == (
        "Saved: asks_channel = #help-wanted."
    )
    assert "post your ask in #help-wanted" in (await dana.whoknows("basket weaving")).text
    assert (await org.settings("asks_channel", "off")).text == "Saved: asks_channel = off."
    result = await dana.whoknows("basket weaving")
    assert "post your ask" not in result.text
    assert result.message.buttons == ()


async def test_whoknows_results_limits_how_many_people_are_offered(
    community: Community,
) -> None:
    org, dana = organiser(community), community.member("dana")
    for name in ("ann", "bob", "cid"):
        await community.member(name).profile('skills="python:expert"')
    assert len(names_in(await dana.whoknows("python"))) == 3
    await org.settings("whoknows_results", "2")
    assert names_in(await dana.whoknows("python")) == ["Ann", "Bob"]


async def test_default_capacity_applies_to_members_who_join_afterwards(
    community: Community,
) -> None:
    org = organiser(community)
    early = community.member("early")
    await early.profile('skills="python"')
    await org.settings("default_capacity", "1")
    late = community.member("late")
    assert "Capacity: 1 request per 30 days" in await late.my_profile()
    assert "Capacity: 4 requests per 30 days" in await early.my_profile()


async def test_repeat_ask_limit_changes_when_others_are_suggested(community: Community) -> None:
    org, ben, dana = organiser(community), community.member("ben"), community.member("dana")
    await org.settings("repeat_ask_limit", "1")
    await dana.ask(ben, NEED)
    await ben.press(ben.button("Accept"))
    dms = len(ben.dms())
    second = await dana.ask(ben, "and one more question about the changelog")
    assert "You've asked @Ben once in the last 30 days." in second.text
    assert len(ben.dms()) == dms


async def test_the_community_time_zone_is_used_for_members_without_one(
    community: Community,
) -> None:
    org, ana, dana = organiser(community), community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    await org.settings("timezone", "Europe/Berlin")
    result = await dana.whoknows("python")
    [local] = [line for line in result.text.splitlines() if line.startswith("Local time:")]
    assert "Mon 11:00" in local
    assert "Europe/Berlin" in local
    assert "UTC" not in local


# --- aliases --------------------------------------------------------------------------------


async def test_an_alias_teaches_a_new_abbreviation(community: Community) -> None:
    org, ana, dana = organiser(community), community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert"')
    assert names_in(await dana.whoknows("snek")) == []
    saved = await org.alias("snek", "Python")
    assert saved.text == "Saved: “snek” now finds python."
    assert names_in(await dana.whoknows("snek")) == ["Ana"]
    assert names_in(await dana.whoknows("Snek")) == ["Ana"]


async def test_an_alias_can_point_to_a_topic_only_members_use(community: Community) -> None:
    org, ana, dana = organiser(community), community.member("ana"), community.member("dana")
    await ana.profile('skills="grant writing for arts councils:expert"')
    await org.alias("arts grants", "grant writing for arts councils")
    assert names_in(await dana.whoknows("arts grants")) == ["Ana"]


async def test_an_alias_for_a_word_members_already_list_keeps_finding_them(
    community: Community,
) -> None:
    org, dana = organiser(community), community.member("dana")
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile('skills="grantcraft:expert"')
    await ben.profile('skills="grant writing:practitioner"')
    assert names_in(await dana.whoknows("grantcraft")) == ["Ana"]
    await org.alias("grantcraft", "grant writing")
    assert names_in(await dana.whoknows("grantcraft")) == ["Ana", "Ben"]
    assert names_in(await dana.whoknows("grant writing")) == ["Ana", "Ben"]


@pytest.mark.parametrize(
    ("alias", "topic", "message"),
    [
        ("python", "python", "An alias needs two different names."),
        ("", "python", "The alias is missing."),
        ("snek", "", "The topic is missing."),
        ("x" * 61, "python", "the limit is 60"),
    ],
)
async def test_bad_aliases_are_refused_and_change_nothing(
    community: Community, alias: str, topic: str, message: str
) -> None:
    org, ana, dana = organiser(community), community.member("ana"), community.member("dana")
    await ana.profile('skills="python:expert, rust:expert"')
    result = await org.alias(alias, topic)
    assert not result.ok
    assert message in result.text
    assert names_in(await dana.whoknows("snek")) == []


# --- stats ----------------------------------------------------------------------------------


async def test_stats_count_the_networks_activity(community: Community) -> None:
    org = organiser(community)
    ana, ben, cara, dana, eve = (community.member(n) for n in ("ana", "ben", "cara", "dana", "eve"))
    await eve.intro(ana, ben, WHY)
    await ana.press(ana.button("Accept"))
    await ben.press(ben.button("Accept"))
    await eve.intro(cara, dana, WHY)
    await dana.ask(ana, NEED)
    await ana.press(ana.button("Accept"))
    await cara.ask(ana, NEED)
    await ana.decline()
    await dana.thank(ana, "for the packaging review")

    stats = await org.stats()
    assert stats.private
    text = stats.text
    assert text.startswith("Community health")
    assert "Members: 6" in text
    assert "Introductions: 2 made, 1 connected" in text
    assert "Help requests: 2 sent, 1 accepted" in text
    assert "Thank-yous: 1" in text
    assert "Active givers: 1" in text


async def test_stats_never_name_anyone(community: Community) -> None:
    org, ana, dana = organiser(community), community.member("ana"), community.member("dana")
    await dana.ask(ana, NEED)
    await ana.press(ana.button("Accept"))
    text = (await org.stats()).text
    assert "Ana" not in text and "Dana" not in text


async def test_organiser_rights_follow_the_platform_each_time(community: Community) -> None:
    lena = community.member("lena", organiser=True)
    assert (await lena.do(c.Settings("thanks_daily_cap", "5"))).ok
    demoted = community.member("lena")  # the platform no longer says she organises
    result = await demoted.do(c.Settings("thanks_daily_cap", "6"))
    assert not result.ok
    assert "Only organisers" in result.text
    assert "thanks_daily_cap = 5" in (await lena.do(c.Settings("thanks_daily_cap"))).text


@pytest.mark.parametrize(
    "spec", [s for s in REGISTRY.commands if s.organiser], ids=lambda s: s.name
)
async def test_every_organiser_command_is_refused_to_members_by_the_core(
    community: Community, spec: CommandSpec
) -> None:
    """Declared organiser-only, refused by the core: no adapter can forget the check."""
    typed = spec.example.split(" ", 1)[1] if spec.example else " ".join(spec.path[1:])
    command = await parse(spec.path[0], typed, TEXT_DIALECT)
    result = await community.member("dana").do(command)
    assert not result.ok
    assert "Only organisers can do that." in result.text


# --- the settings with choices, as a form --------------------------------------------------


async def test_organisers_change_settings_in_a_form_of_choices(community: Community) -> None:
    olga = organiser(community)
    listed = await olga.settings()
    [change] = listed.message.buttons
    assert change.label == "Change in a form"
    opened = await olga.press(change)
    form = opened.message.form
    assert form is not None
    kinds = {i.name: i.kind for i in form.inputs}
    assert kinds == {
        "prompts_off": InputKind.MULTI_CHOICE,
        "dm_daily_cap": InputKind.CHOICE,
        "thanks_daily_cap": InputKind.CHOICE,
        "default_capacity": InputKind.CHOICE,
        "timezone": InputKind.TIMEZONE,
    }
    assert "giver_digest" in [o.value for o in form.inputs[0].options]
    submit = Button("", form.action, form.value)
    answers = {
        "prompts_off": "occasion,giver_digest",
        "dm_daily_cap": "2",
        "thanks_daily_cap": "5",
        "default_capacity": "3",
        "timezone": "Europe/Madrid",
    }

    saved = await olga.press(submit, answers)

    assert saved.ok, saved.text
    text = saved.text
    assert text.startswith("Saved.")
    assert "prompts_off: giver_digest, occasion" in text
    assert "dm_daily_cap: 2" in text and "default_capacity: 3" in text
    assert "timezone: Europe/Madrid" in text
    # Clearing every box turns every prompt back on.
    cleared = await olga.press(submit, {**answers, "prompts_off": ""})
    assert "prompts_off: none (default)" in cleared.text


async def test_the_settings_form_refuses_forged_answers_and_non_organisers(
    community: Community,
) -> None:
    olga = organiser(community)
    form = (await olga.press(Button("", Action.SETTINGS_FORM, ""))).message.form
    assert form is not None
    submit = Button("", form.action, form.value)
    forged = await olga.press(
        submit, {"prompts_off": "everything", "dm_daily_cap": "99", "thanks_daily_cap": "3"}
    )
    assert not forged.ok
    assert set(dict(forged.errors)) == {"prompts_off", "dm_daily_cap", "default_capacity"}
    assert "dm_daily_cap: 3" in (await olga.settings()).text  # unchanged default

    member = community.member("bob")
    refused = await member.press(submit, {"dm_daily_cap": "1"})
    assert not refused.ok and "Only organisers can do that." in refused.text
    assert not (await member.press(Button("", Action.SETTINGS_FORM, ""))).ok
