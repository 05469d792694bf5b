"""The profile's forms on Discord, through discord.py against the REST double: modals
of at most five Label-wrapped components (radio groups, a checkbox, selects, text),
each kind of answer read back, and wrong answers refused with nothing changed."""

from __future__ import annotations

from tests.adapters.discord.conftest import Answer, DiscordWorld, Person, set_profile

Json = dict[str, object]


def components(modal: Answer) -> dict[str, Json]:
    """Each input of a modal by name: {"label": …, "type": …, and the component}."""
    found: dict[str, Json] = {}
    for label in modal.data["components"]:
        assert label["type"] == 18  # every input sits in a Label
        inner = label["component"]
        found[inner["custom_id"]] = {"label": label["label"], **inner}
    return found


async def step(world: DiscordWorld, who: Person, label: str) -> Answer:
    """Save the first step unchanged, then press `label` under the confirmation."""
    first = await world.command(who, "profile")
    saved = await world.submit(who, first)
    assert saved.said.startswith("Saved."), saved.said
    return await world.press(who, saved, label)


async def test_the_first_step_has_a_checkbox_for_being_found(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await set_profile(world, ana, 'skills="go:expert"')

    modal = await world.command(ana, "profile")

    found = components(modal)
    assert list(found) == ["skills", "help", "looking", "bio", "discoverable"]
    assert found["discoverable"]["type"] == 23  # a Checkbox
    assert found["discoverable"]["default"] is True
    saved = await world.submit(ana, modal, {"discoverable": "no", "skills": "go\nrust"})
    assert "no (hidden from searches)" in saved.said
    assert "go (expert)" in saved.said and "rust (practitioner)" in saved.said


async def test_availability_step_uses_a_radio_group_and_a_select(world: DiscordWorld) -> None:
    ana = world.person("ana")

    modal = await step(world, ana, "Availability and DMs")

    assert modal.type == 9
    found = components(modal)
    assert len(found) == 5  # Discord's limit for a modal
    assert {n: c["type"] for n, c in found.items()} == {
        "availability": 21,  # a RadioGroup
        "busy_until": 4,  # no date picker on Discord: text, checked by the core
        "capacity": 3,  # a string Select (more than ten choices)
        "tz": 4,
        "window": 4,
    }
    radio = found["availability"]["options"]
    assert [(o["value"], o.get("default")) for o in radio] == [
        ("open", True),
        ("busy", False),
        ("away", False),
    ]
    assert found["busy_until"]["placeholder"] == "YYYY-MM-DD"

    saved = await world.submit(
        ana,
        modal,
        {"availability": "busy", "busy_until": "2099-12-31", "capacity": "2", "tz": "Europe/Rome"},
    )

    assert "busy until 31 December 2099" in saved.said
    assert "I read your contact window" not in saved.said  # the window was left as shown
    assert "2 requests per 30 days" in saved.said
    assert "(Europe/Rome)" in saved.said


async def test_wrong_answers_are_refused_and_change_nothing(world: DiscordWorld) -> None:
    ana = world.person("ana")
    modal = await step(world, ana, "Availability and DMs")

    refused = await world.submit(ana, modal, {"availability": "busy", "busy_until": "soon"})
    assert "“soon” is not a date" in refused.said
    forged = await world.submit(ana, modal, {"capacity": "999", "tz": "Mars/Base"})
    assert "not one of the choices" in forged.said and "(and 1 more)" in forged.said

    shown = (await world.command(ana, "profile", changes="window=weekdays")).said
    assert "**Availability**: open" in shown
    assert "4 requests per 30 days" in shown


async def test_a_level_for_each_skill_from_a_radio_group(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await set_profile(world, ana, 'skills="go, rust:expert"')

    modal = await step(world, ana, "Set skill levels")

    found = components(modal)
    assert [(c["label"], c["type"]) for c in found.values()] == [("go", 21), ("rust", 21)]
    saved = await world.submit(ana, modal, {"level0": "learning"})
    assert "go (learning)" in saved.said and "rust (expert)" in saved.said
    refused = await world.submit(ana, modal, {"level1": "guru"})
    assert "not one of the choices" in refused.said


async def test_organisers_settings_form_has_a_checkbox_group(world: DiscordWorld) -> None:
    olga = world.person("olga", organiser=True)
    listed = await world.command(olga, "networker", "settings")

    modal = await world.press(olga, listed, "Change in a form")

    found = components(modal)
    assert found["prompts_off"]["type"] == 22  # a CheckboxGroup
    assert found["dm_daily_cap"]["type"] == 21  # ten choices: a RadioGroup
    assert found["default_capacity"]["type"] == 3  # more than ten: a Select
    saved = await world.submit(olga, modal, {"prompts_off": "occasion", "dm_daily_cap": "4"})
    assert "**prompts\\_off**: occasion" in saved.said
    assert "**dm\\_daily\\_cap**: 4" in saved.said
