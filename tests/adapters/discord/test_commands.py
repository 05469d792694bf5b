"""Every application command through discord.py's command tree: the ephemeral answer (the
interaction callback) and the DMs the bot sends on the invoker's behalf."""

from __future__ import annotations

import re

import pytest

from tests.adapters.discord.conftest import (
    GUILD_ID,
    INTROS,
    DiscordWorld,
    Person,
    labels,
    set_profile,
)
from tests.adapters.discord.double import APP_ID, dm_channel

CALLBACK = r"/interactions/\d+/[^/]+/callback"


async def members(world: DiscordWorld) -> tuple[Person, Person, Person]:
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    await set_profile(world, ana, 'skills="kubernetes:expert, python:learning" help="CI pipelines"')
    await set_profile(world, ben, 'skills="public speaking:practitioner"')
    world.double.clear()
    return ana, ben, dana


def routes_after_callback(world: DiscordWorld) -> list[tuple[str, str]]:
    routes = world.double.routes()
    assert routes[0][0] == "POST" and routes[0][1].startswith("/interactions/"), routes
    return routes[1:]


def only_answers(world: DiscordWorld) -> None:
    """The bot only answered the interactions: nothing was sent anywhere else."""
    assert world.double.requests
    assert [r for r in world.double.requests if not re.fullmatch(CALLBACK, r.path)] == []


# --- /whoknows ------------------------------------------------------------------------------


async def test_whoknows_answers_only_the_invoker_with_an_ask_button(world: DiscordWorld) -> None:
    ana, _ben, dana = await members(world)

    found = await world.command(dana, "whoknows", topic="k8s")

    assert found.callback == {
        "type": 4,
        "data": {
            "tts": False,
            "content": (
                "People who can help with **kubernetes**\n"
                f"<@{ana.id}>\n"
                "**Why**: expert in kubernetes\n"
                "**Availability**: open to requests\n"
                "**Local time**: Mon 10:00 their time (UTC, time zone not set)"
            ),
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 2,
                            "style": 1,
                            "disabled": False,
                            "label": "Ask Ana for help",
                            "custom_id": f"nw|{GUILD_ID}|ask.start|1:kubernetes",
                        }
                    ],
                }
            ],
            "flags": 64,
            "allowed_mentions": {"users": [int(ana.id)], "parse": []},
        },
    }
    only_answers(world)  # no message anywhere, nobody was told


async def test_whoknows_with_no_match_says_so_privately(world: DiscordWorld) -> None:
    *_, dana = await members(world)

    said = (await world.command(dana, "whoknows", topic="underwater basket weaving")).said

    assert said == (
        "Nobody who can help with “underwater basket weaving” is available right now.\n"
        "Try a broader word, or ask in your community's main channel."
    )
    only_answers(world)


# --- /intro ---------------------------------------------------------------------------------


async def test_intro_answers_first_then_dms_both_parties_with_consent_buttons(
    world: DiscordWorld,
) -> None:
    ana, ben, dana = await members(world)

    done = await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")

    assert done.said == (
        f"Done! I've asked <@{ana.id}> and <@{ben.id}> privately.\n"
        "Nobody is connected until both accept. I'll let you know how it goes."
    )
    assert done.data["allowed_mentions"] == {"users": [int(ana.id), int(ben.id)], "parse": []}
    # The answer came first (Discord's 3 s), then one DM channel and one message per party.
    assert routes_after_callback(world) == [
        ("POST", "/users/@me/channels"),
        ("POST", f"/channels/{dm_channel(ana.id)}/messages"),
        ("POST", "/users/@me/channels"),
        ("POST", f"/channels/{dm_channel(ben.id)}/messages"),
    ]
    opened = world.double.calls("POST", "/users/@me/channels")
    assert [r.json for r in opened] == [
        {"recipient_id": int(ana.id)},
        {"recipient_id": int(ben.id)},
    ]
    to_ana = world.dm(ana).json
    assert to_ana["content"] == (
        f"Hi <@{ana.id}>! <@{dana.id}> would like to introduce you to <@{ben.id}>.\n"
        "Why: “Both run Kubernetes meetups”\n"
        "Ben lists: public speaking.\n"
        "Nobody is connected until both of you accept. A decline stays private."
    )
    assert labels(to_ana["components"]) == ["Accept", "Not now", "Decline"]
    assert [b["custom_id"] for r in to_ana["components"] for b in r["components"]] == [
        f"nw|{GUILD_ID}|consent.accept|1",
        f"nw|{GUILD_ID}|consent.not_now|1",
        f"nw|{GUILD_ID}|consent.decline|1",
    ]
    assert [b["style"] for r in to_ana["components"] for b in r["components"]] == [1, 2, 4]
    assert to_ana["allowed_mentions"] == {
        "users": [int(ana.id), int(dana.id), int(ben.id)],
        "parse": [],
    }
    assert "Ana lists: kubernetes, python." in world.dm(ben).json["content"]
    # Every REST call but the interaction's own carries the bot token.
    for request in world.double.requests[1:]:
        assert request.headers["Authorization"] == "Bot test-bot-token"


async def test_intro_mistakes_are_explained_privately_and_change_nothing(
    world: DiscordWorld,
) -> None:
    ana, ben, dana = await members(world)

    itself = await world.command(dana, "intro", a=ana, b=ana, why="They should meet")
    assert itself.said == "You can't introduce someone to themselves.\nName two different people."
    vague = await world.command(dana, "intro", a=ana, b=ben, why="hi")
    assert vague.said.startswith("“hi” is a bit short for a reason for the introduction.\n")
    only_answers(world)


# --- /ask, /thanks ------------------------------------------------------------------------------


async def test_ask_sends_the_helper_a_consent_dm(world: DiscordWorld) -> None:
    ana, _ben, dana = await members(world)

    sent = await world.command(dana, "ask", member=ana, request="How do I start with helm charts?")

    assert sent.said == (
        f"Sent! I've asked <@{ana.id}> privately.\n"
        "They can accept, say “not now” or decline; I'll tell you what they say.\n"
        "Nobody else will know you asked."
    )
    consent = world.dm(ana).json
    assert consent["content"].startswith(f"Hi <@{ana.id}>! <@{dana.id}> is asking for your help")
    assert "What they need: “How do I start with helm charts?”" in consent["content"]
    assert labels(consent["components"]) == ["Accept", "Not now", "Decline"]


async def test_thanks_dms_the_receiver_with_mentions_limited_to_the_two(
    world: DiscordWorld,
) -> None:
    ana, _ben, dana = await members(world)

    said = (await world.command(dana, "thanks", member=ana, note="for the helm review")).said

    assert said == f"Thank-you sent to <@{ana.id}>."
    thanked = world.dm(ana).json
    assert thanked["content"] == f"<@{dana.id}> thanked you: “for the helm review”"
    assert thanked["allowed_mentions"] == {"users": [int(dana.id)], "parse": []}
    assert "components" not in thanked or thanked["components"] == []


async def test_member_text_can_neither_ping_nor_format(world: DiscordWorld) -> None:
    ana, _ben, dana = await members(world)

    await world.command(
        dana, "thanks", member=ana, note="@everyone @here <@&940000000000000001> **you rock**"
    )

    thanked = world.dm(ana).json
    assert thanked["content"] == (
        f"<@{dana.id}> thanked you: “@\u200beveryone @\u200bhere <@\u200b&940000000000000001> "
        "\\*\\*you rock\\*\\*”"
    )
    assert thanked["allowed_mentions"] == {"users": [int(dana.id)], "parse": []}


async def test_self_thanks_is_refused_privately(world: DiscordWorld) -> None:
    _ana, _ben, dana = await members(world)

    said = (await world.command(dana, "thanks", member=dana, note="for being me")).said

    assert said.startswith("You can't thank yourself")
    only_answers(world)


# --- /profile -----------------------------------------------------------------------------------


async def test_profile_edits_in_one_line_and_shows_a_members_profile(world: DiscordWorld) -> None:
    ana, _ben, dana = await members(world)

    saved = (
        await world.command(dana, "profile", changes='skills="go:expert" tz=Europe/Berlin')
    ).said
    assert saved.startswith(
        "Saved. Here is your profile now:\nYour profile\n**Skills**: go (expert)"
    )
    assert "**Local time**: Mon 11:00 their time (Europe/Berlin)" in saved

    shown = (await world.command(dana, "profile", member=ana)).said
    assert shown.startswith(f"Profile of <@{ana.id}>\n**Skills**: kubernetes (expert), python")
    assert "**Can help with**: “CI pipelines”" in shown
    assert "**Capacity**" not in shown  # only the owner sees their own settings
    only_answers(world)


async def test_profile_without_options_opens_the_profile_modal(world: DiscordWorld) -> None:
    ana, *_ = await members(world)

    form = await world.command(ana, "profile")

    assert form.type == 9
    assert form.data["custom_id"] == f"nw|{GUILD_ID}|profile.save|"
    assert form.data["title"] == "Your profile"
    # A modal holds at most five Label-wrapped inputs.
    assert [c["type"] for c in form.data["components"]] == [18] * 5
    skills = form.data["components"][0]
    assert skills["label"] == "Your skills, one per line"
    assert skills["component"] == {
        "type": 4,
        "style": 2,
        "label": None,
        "custom_id": "skills",
        "required": False,
        "value": "kubernetes\npython",
        "placeholder": "Python\nPublic speaking",
        "max_length": 1000,
    }
    for label in form.data["components"]:
        if label["component"]["type"] == 4:  # a text input
            default = label["component"].get("value") or ""
            assert len(default) <= label["component"]["max_length"]


async def test_the_profile_modal_opens_for_a_long_skills_list(world: DiscordWorld) -> None:
    """Thirty skills (the most a profile holds), one name per line, are longer than the
    1000 characters the skills input would accept, and Discord refuses a modal whose value
    exceeds max_length. The input lists names only (levels are the next step), so the names
    are long enough to pass 1000 characters on their own."""
    ana = world.person("ana")
    skills = ", ".join(
        f"distributed systems engineering topic {n:02d}:practitioner" for n in range(30)
    )
    await set_profile(world, ana, f'skills="{skills}"')

    form = await world.command(ana, "profile")

    assert form.type == 9, form.callback
    [callback] = form.callbacks
    assert callback.status == 200, callback.answer
    skills_input = form.data["components"][0]["component"]
    assert len(skills_input["value"]) > 1000
    assert skills_input["max_length"] >= len(skills_input["value"])


# --- /networker ---------------------------------------------------------------------------------


async def test_networker_help_me_and_pause(world: DiscordWorld) -> None:
    ana, _ben, dana = await members(world)

    shown = (await world.command(dana, "networker", "help")).said
    assert shown.startswith("Networker helps members find each other")
    assert "**/whoknows <topic>**: find members who can help with a topic" in shown
    summary = (await world.command(dana, "networker", "me")).said
    assert summary.startswith("Your Networker summary\n**Balance**: helped 0 · was helped 0")
    paused = (await world.command(ana, "networker", "pause")).said
    assert paused.startswith("Paused: I won't send you any DMs")
    refused = (await world.command(dana, "ask", member=ana, request="Could you review my CI?")).said
    assert refused == "Ana has paused Networker messages for now.\nTry again later."
    assert world.double.calls("POST", "/users/@me/channels") == []


async def test_settings_are_for_organisers_only(world: DiscordWorld) -> None:
    _ana, _ben, dana = await members(world)
    olga = world.person("olga", organiser=True)

    refused = await world.command(
        dana, "networker", "settings", key="intro_channel", value=f"<#{INTROS}>"
    )
    assert refused.said == "Only organisers can do that.\nAsk one of your community's organisers."

    saved = await world.command(
        olga, "networker", "settings", key="intro_channel", value=f"<#{INTROS}>"
    )
    assert saved.said == f"Saved: intro\\_channel = <#{INTROS}>."
    shown = (await world.command(olga, "networker", "settings")).said
    assert f"**intro\\_channel**: <#{INTROS}>" in shown
    only_answers(world)


async def test_settings_typed_as_key_equals_value_work_too(world: DiscordWorld) -> None:
    """/networker help teaches `settings key=value`; typed into the key option, it works."""
    olga = world.person("olga", organiser=True)

    saved = await world.command(olga, "networker", "settings", key=f"intro_channel=<#{INTROS}>")

    assert saved.said == f"Saved: intro\\_channel = <#{INTROS}>."


async def test_a_failing_command_gets_an_apology_not_silence(
    world: DiscordWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ana, _ben, dana = await members(world)

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database is down")

    monkeypatch.setattr(world.core, "execute", broken)
    answer = await world.command(dana, "whoknows", topic="k8s")

    assert answer.said == "Something went wrong; please try again."


async def test_interaction_callbacks_carry_the_token_in_the_url_only(world: DiscordWorld) -> None:
    ana, _ben, dana = await members(world)
    await world.command(dana, "ask", member=ana, request="How do I start with helm charts?")

    callback = world.double.calls("POST", CALLBACK)[0]
    assert callback.query == {"with_response": "1"}
    assert "Authorization" not in callback.headers  # the interaction token is in the URL
    assert world.client.application_id == int(APP_ID)


async def test_the_dashboard_link_is_for_organisers_only(world: DiscordWorld) -> None:
    _ana, _ben, dana = await members(world)
    olga = world.person("olga", organiser=True)
    refused = await world.command(dana, "networker", "dashboard")
    assert refused.said == "Only organisers can do that.\nAsk one of your community's organisers."
    answer = (await world.command(olga, "networker", "dashboard")).said
    # Discord's markdown escaping leaves the link whole.
    assert re.search(r"https?://\S+/dashboard/login\?token=[\w.\-]+(\s|$)", answer), answer
    only_answers(world)
