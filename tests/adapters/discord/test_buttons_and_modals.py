"""Buttons and modals, dispatched from their custom ids (``nw|<guild>|<action>|<value>``):
consent DMs, the decline modal with a user select, "Ask for help", the profile modal,
and the same buttons after a restart."""

from __future__ import annotations

from tests.adapters.discord.conftest import (
    GUILD_ID,
    DiscordWorld,
    Person,
    drain,
    labels,
    set_profile,
)
from tests.adapters.discord.double import dm_channel

CONSENT_BUTTONS = ["Accept", "Not now", "Decline"]


async def asked(world: DiscordWorld) -> tuple[Person, Person]:
    """Dana asked Ana for help; Ana has the consent DM."""
    ana, dana = world.person("ana"), world.person("dana")
    await set_profile(world, ana, 'skills="kubernetes:expert"')
    await world.command(dana, "ask", member=ana, request="How do I move Jenkins jobs to k8s?")
    return ana, dana


async def test_accept_in_a_dm_replaces_the_buttons_with_the_outcome(world: DiscordWorld) -> None:
    ana, dana = await asked(world)
    consent = world.dm(ana)
    world.double.clear()

    accepted = await world.press(ana, consent, "Accept")

    assert accepted.callback == {
        "type": 7,  # UPDATE_MESSAGE: the consent DM now shows the outcome, without buttons
        "data": {
            "tts": False,
            "content": (
                "Wonderful, you're connected! Your conversation is on its way: "
                "/networker me shows it until it's open."
            ),
            "components": [],
            "allowed_mentions": {"users": [], "parse": []},
        },
    }
    # Once the conversation is open, the answer says so.
    assert accepted.shown == "Wonderful, you're connected! I've opened a conversation for you."
    # No intro channel: each of the two gets the opening message by DM.
    assert [r.path for r in world.double.calls("POST", r"/channels/\d+/messages")] == [
        f"/channels/{dm_channel(dana.id)}/messages",
        f"/channels/{dm_channel(ana.id)}/messages",
    ]
    opening = world.dm(dana).json
    assert opening["content"] == (
        f"<@{ana.id}> accepted <@{dana.id}>'s request for help with kubernetes:\n"
        "“How do I move Jenkins jobs to k8s?”\n"
        "Over to you both. Say hello and find a time that suits you."
    )
    assert opening["allowed_mentions"] == {"users": [int(ana.id), int(dana.id)], "parse": []}


async def test_not_now_keeps_the_request_open_and_tells_the_asker_only_that(
    world: DiscordWorld,
) -> None:
    ana, dana = await asked(world)
    consent = world.dm(ana)
    world.double.clear()

    later = await world.press(ana, consent, "Not now")

    assert later.type == 7
    assert later.content.startswith("No problem. I'll check back with you around ")
    assert later.data["components"] == []  # the DM's buttons are gone
    [told] = world.double.dms(dana.id)
    assert told.json["content"].startswith(
        f"<@{ana.id}> will come back to your request: they'd like more time."
    )
    world.double.clear()
    # Still open: Ana answers later from /networker me (ephemeral, in the guild).
    summary = await world.command(ana, "networker", "me")
    assert labels(summary.data["components"]) == ["Accept #1", "Not now #1", "Decline #1"]
    accepted = await world.press(ana, summary, "Accept")
    assert accepted.said.startswith("Wonderful, you're connected! Your conversation is on its way")
    assert accepted.shown == "Wonderful, you're connected! I've opened a conversation for you."
    assert len(world.double.dms(dana.id)) == 1


async def test_decline_opens_a_modal_and_the_answer_stays_private(world: DiscordWorld) -> None:
    ana, dana = await asked(world)
    ben = world.person("ben")
    consent = world.dm(ana)
    world.double.clear()

    form = await world.press(ana, consent, "Decline")

    assert form.callback == {
        "type": 9,
        "data": {
            "custom_id": f"nw|{GUILD_ID}|consent.decline_submit|1",
            "title": "Decline",
            "components": [
                {
                    "type": 18,
                    "label": "A private note (only the bot keeps it)",
                    "component": {
                        "type": 4,
                        "style": 2,
                        "label": None,
                        "custom_id": "note",
                        "required": False,
                        "max_length": 1000,
                    },
                },
                {
                    "type": 18,
                    "label": "Suggest someone else who could help",
                    "component": {
                        "type": 5,
                        "custom_id": "suggest",
                        "min_values": 1,
                        "max_values": 1,
                        "disabled": False,
                        "required": False,
                    },
                },
            ],
        },
    }
    assert world.double.routes() == [("POST", world.double.requests[0].path)]  # only the modal

    done = await world.submit(ana, form, {"note": "Swamped until June"}, picked=ben)

    assert done.said == (
        "Thanks for letting me know. I've told them kindly; your note stays private."
    )
    told = world.dm(dana).json
    assert told["content"] == (
        f"<@{ana.id}> can't help with this one right now. No hard feelings!\n"
        f"They suggest <@{ben.id}> might be able to help."
    )
    assert "Swamped" not in told["content"]
    assert labels(told["components"]) == ["Ask Ben", "No thanks"]
    assert world.double.dms(ben.id) == []  # a suggestion asks nobody by itself

    # Dana takes the suggestion: Ben gets the consent DM; Dana's DM shows the outcome.
    suggestion = world.dm(dana)
    world.double.clear()
    took = await world.press(dana, suggestion, "Ask Ben")
    assert took.type == 7
    assert took.content.startswith(f"Sent! I've asked <@{ben.id}> privately.")
    assert labels(world.dm(ben).json["components"]) == CONSENT_BUTTONS


async def test_decline_without_note_or_suggestion(world: DiscordWorld) -> None:
    ana, dana = await asked(world)
    form = await world.press(ana, world.dm(ana), "Decline")
    world.double.clear()

    done = await world.submit(ana, form)

    assert done.said.startswith("Thanks for letting me know.")
    assert world.dm(dana).json["content"] == (
        f"<@{ana.id}> can't help with this one right now. No hard feelings!"
    )


async def test_buttons_keep_working_after_a_restart(world: DiscordWorld) -> None:
    """The consent DMs were sent by one process; a new client on the same database
    (nothing registered in memory) handles their buttons and the decline modal."""
    ana, ben, dana = world.person("ana"), world.person("ben"), world.person("dana")
    await world.command(dana, "intro", a=ana, b=ben, why="Both run Kubernetes meetups")
    to_ana, to_ben = world.dm(ana), world.dm(ben)
    first_client = world.client
    form = await world.press(ben, to_ben, "Decline")  # opened before the restart

    await world.restart()
    world.double.clear()

    assert world.client is not first_client and first_client.is_closed()
    assert world.client.persistent_views == []
    accepted = await world.press(ana, to_ana, "Accept")
    assert accepted.type == 7
    assert accepted.content == f"Thank you! Waiting for <@{ben.id}> to answer too."
    declined = await world.submit(ben, form, {"note": "Not this month"})
    assert declined.said.startswith("Thanks for letting me know.")
    told = world.dm(dana).json["content"]
    assert told.startswith(f"Your introduction of <@{ana.id}> and <@{ben.id}> won't go ahead")
    assert world.dm(ana).json["content"] == (
        f"The introduction to <@{ben.id}> won't go ahead this time. Thanks for being open to it!"
    )


async def test_a_stale_button_explains_and_changes_nothing(world: DiscordWorld) -> None:
    ana, dana = await asked(world)
    consent = world.dm(ana)
    await world.press(ana, consent, "Accept")
    world.double.clear()

    again = await world.press(ana, consent, "Decline")  # the old DM, pressed again

    assert again.type == 4 and again.ephemeral  # the DM keeps its text: nothing replaced
    assert again.content == "This one is already connected. Nothing more to do here."
    assert world.double.routes() == [("POST", world.double.requests[0].path)]
    # Still connected, not declined: every button on it says so.
    later = await world.press(ana, consent, "Not now")
    assert later.content == "This one is already connected. Nothing more to do here."
    assert world.double.dms(dana.id) == []  # Dana was told nothing


async def test_unknown_custom_ids_get_a_clear_ephemeral_message(world: DiscordWorld) -> None:
    ana, _dana = await asked(world)
    world.double.clear()

    foreign = await world.click(ana, "someone-elses:button", None, dm=True)
    assert foreign.said == "That button isn't one I know any more."
    retired = await world.click(ana, f"nw|{GUILD_ID}|retired.action|1", None, dm=True)
    assert retired.said == "That button isn't one I know any more. Try the command again."
    in_guild = await world.click(ana, "nw|broken", None, dm=False)
    assert in_guild.said == "That button isn't one I know any more."
    assert len(world.double.requests) == 3  # three callbacks, nothing else


async def test_ask_for_help_from_whoknows_opens_a_modal_then_dms_the_helper(
    world: DiscordWorld,
) -> None:
    ana, dana = world.person("ana"), world.person("dana")
    await set_profile(world, ana, 'skills="kubernetes:expert"')
    found = await world.command(dana, "whoknows", topic="kubernetes")
    world.double.clear()

    form = await world.press(dana, found, "Ask Ana for help")

    assert form.type == 9
    assert form.data["custom_id"] == f"nw|{GUILD_ID}|ask.start|1:kubernetes"
    assert form.data["title"] == "Ask Ana"
    [request] = form.data["components"]
    assert request["label"] == "What do you need? Be specific."
    assert request["component"]["required"] is True and request["component"]["style"] == 2

    sent = await world.submit(dana, form, {"request": "A review of our helm charts"})

    assert sent.said.startswith(f"Sent! I've asked <@{ana.id}> privately.")
    assert "with kubernetes" in world.dm(ana).json["content"]


async def test_the_profile_modal_saves_and_keeps_what_it_cannot_show(world: DiscordWorld) -> None:
    ana = world.person("ana")
    await set_profile(world, ana, 'skills="go:expert" capacity=2 window="weekdays 09:00-17:00"')
    form = await world.command(ana, "profile")

    saved = await world.submit(
        ana, form, {"skills": "go:expert, rust:learning", "bio": "Backend person"}
    )

    text = saved.said
    assert text.startswith("Saved. Here is your profile now:")
    assert "**Skills**: go (expert), rust (learning)" in text
    assert "**Bio**: “Backend person”" in text
    # Fields beyond the modal's five inputs were not shown, and are not lost.
    assert "**Capacity**: 2 requests per 30 days" in text
    assert "**Contact window**: weekdays 09:00-17:00" in text


async def test_post_my_ask_button_posts_in_the_asks_channel(world: DiscordWorld) -> None:
    dana, olga = world.person("dana"), world.person("olga", organiser=True)
    asks = "920000000000000003"
    world.double.text_channel(asks, GUILD_ID, "asks")
    await world.command(olga, "networker", "settings", key="asks_channel", value=f"<#{asks}>")
    found = await world.command(dana, "whoknows", topic="quantum origami")
    world.double.clear()

    posted = await world.press(dana, found, "Post my ask")

    assert posted.said == f"Posted in <#{asks}>. I hope someone picks it up soon!"
    assert world.double.routes()[1:] == [
        ("GET", f"/channels/{asks}"),  # is it a channel of this server?
        ("POST", f"/channels/{asks}/messages"),
    ]
    [post] = world.double.messages(asks)
    assert post.json["content"] == (
        f"<@{dana.id}> is looking for someone who knows about **quantum origami**.\n"
        "If that's you, reply in a thread or send them a DM."
    )
    assert post.json["allowed_mentions"] == {"users": [int(dana.id)], "parse": []}


async def test_sent_buttons_are_not_held_in_memory(world: DiscordWorld) -> None:
    """The database holds the state: discord.py's view store must not grow with every
    message that has buttons (it would for the life of the process)."""
    ana, dana = await asked(world)
    await world.command(dana, "whoknows", topic="kubernetes")
    await world.press(ana, world.dm(ana), "Decline")

    assert world.client.persistent_views == []
    assert world.client._connection._view_store._modals == {}


async def test_a_thank_you_goes_on_the_wall_only_when_its_sender_presses_post(
    world: DiscordWorld,
) -> None:
    ana, dana, olga = (
        world.person("ana"),
        world.person("dana"),
        world.person("olga", organiser=True),
    )
    wall = "920000000000000004"
    world.double.text_channel(wall, GUILD_ID, "kudos")
    await world.command(olga, "networker", "settings", key="thanks_wall", value=f"<#{wall}>")
    first = await world.command(dana, "thanks", member=ana, note="for the pairing session")
    assert first.said.startswith(f"Thank-you sent to <@{ana.id}>.")
    assert f"public thanks wall, <#{wall}>" in first.said
    assert world.double.messages(wall) == []  # private until the sender chooses

    kept = await world.press(dana, first, "Keep it private")
    assert kept.said == "Kept private: only the people it concerns see it."
    assert world.double.messages(wall) == []

    second = await world.command(dana, "thanks", member=ana, note="for the code review")
    posted = await world.press(dana, second, "Post on the thanks wall")
    assert posted.said == f"Posted on <#{wall}>. Thank you for saying it out loud!"
    await drain()
    [post] = world.double.messages(wall)
    assert post.json["content"] == f"<@{dana.id}> thanked <@{ana.id}>: “for the code review”"
