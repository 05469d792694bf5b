"""Every button the bot renders and the modals behind them, clicked through the real
endpoint: consent answers, decline with a note and a suggestion, drafts, asks, profile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.store.engine import make_engine
from tests.adapters.slack.conftest import SECRET, SlackWorld, start_slack
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    empty_ack,
    ephemeral,
    everything_sent,
    group,
    labels,
    only_post,
    only_view,
    opened,
    post_text,
    posts,
    press,
    said,
    set_profile,
    shown,
    submit,
    views,
)
from tests.adapters.slack.signed import SlackSender


async def people(slack: SlackWorld) -> tuple[str, str, str, str]:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    bob = slack.user("UBOB", "bob", "America/New_York")
    carl = slack.user("UCARL", "carl", "Europe/Madrid")
    dana = slack.user("UDANA", "dana", "Asia/Tokyo")
    await set_profile(slack, ana, 'skills="kubernetes:expert"')
    await set_profile(slack, carl, 'skills="kubernetes:practitioner"')
    # Monday 10:00 UTC is 05:00 in New York: these stories want Bob's DMs at once.
    await set_profile(slack, bob, "window=anytime")
    slack.double.clear()
    return ana, bob, carl, dana


async def ask(slack: SlackWorld, requester: str, helper: str, text: str) -> Json:
    """/ask; returns the consent DM the helper got."""
    answer = said(await slack.sender.command("/ask", f"<@{helper}|x> {text}", user=requester))
    assert answer.startswith("Sent!"), answer
    return posts(slack, dm(helper))[-1]


async def intro(slack: SlackWorld, introducer: str, a: str, b: str, why: str) -> tuple[Json, Json]:
    answer = said(await slack.sender.command("/intro", f"<@{a}|a> <@{b}|b> {why}", user=introducer))
    assert answer.startswith("Done!"), answer
    return posts(slack, dm(a))[-1], posts(slack, dm(b))[-1]


# --- "Ask for help" from /whoknows ----------------------------------------------------------


async def test_ask_for_help_opens_a_modal_and_sends_the_request(slack: SlackWorld) -> None:
    ana, _bob, _carl, dana = await people(slack)
    found = ephemeral(await slack.sender.command("/whoknows", "kubernetes", user=dana))
    ask_ana = button(found["blocks"], "Ask Ana for help")

    # The button is in an ephemeral message in a channel: it opens a modal.
    response = await slack.sender.action(
        ask_ana["action_id"], ask_ana["value"], user=dana, channel="C1", trigger_id="tr.ask"
    )
    empty_ack(response)
    [call] = slack.double.calls_to("views.open")
    assert call.params["trigger_id"] == "tr.ask"
    view = call.params["view"]
    assert (view["callback_id"], view["private_metadata"]) == ("ask.start", ask_ana["value"])
    assert view["title"]["text"] == "Ask Ana"
    assert shown(view["blocks"]) == "What would you like to ask <@UANA>?"
    [field] = [b for b in view["blocks"] if b["type"] == "input"]
    assert (field["block_id"], field["optional"], field["element"]["multiline"]) == (
        "request",
        False,
        True,
    )
    assert posts(slack) == []

    empty_ack(await submit(slack, view, dana, request="Could you look at our cluster upgrade?"))

    consent = only_post(slack, dm(ana))
    assert consent["text"] == "Hi <@UANA>! <@UDANA> is asking for your help with kubernetes."
    assert "What they need: “Could you look at our cluster upgrade?”" in post_text(consent)
    assert labels(consent["blocks"]) == ["Accept", "Not now", "Decline"]
    # The requester hears it went out, in their DM with the app.
    assert only_post(slack, dm(dana))["text"] == "Sent! I've asked <@UANA> privately."


async def test_a_vague_request_keeps_the_modal_open_with_the_reason(slack: SlackWorld) -> None:
    _ana, _bob, _carl, dana = await people(slack)
    found = ephemeral(await slack.sender.command("/whoknows", "kubernetes", user=dana))
    await press(slack, dana, button(found["blocks"], "Ask Ana"))
    view = only_view(slack)

    response = await submit(slack, view, dana, request="help")

    assert response.status == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert body["errors"]["request"].startswith("“help” is a bit short for a request.")
    assert posts(slack) == []


# --- consent: accept, not now ---------------------------------------------------------------


async def test_accepting_a_request_opens_a_dm_of_the_two(slack: SlackWorld) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    slack.double.clear()

    [answer, once_open] = await press(slack, ana, button(consent["blocks"], "Accept"))

    # The consent DM is replaced: its buttons are gone. It says "on its way" until the
    # conversation is open, then that it is.
    assert answer["replace_original"] is True
    assert answer["text"] == (
        "Wonderful, you're connected! Your conversation is on its way: "
        "/networker me shows it until it's open."
    )
    assert once_open["replace_original"] is True
    assert once_open["text"] == "Wonderful, you're connected! I've opened a conversation for you."
    assert opened(slack) == ["UDANA,UANA"]
    sent = only_post(slack, group(ana, dana))
    assert sent["text"] == "<@UANA> accepted <@UDANA>'s request for help:"
    assert "“could you look at our cluster upgrade?”" in post_text(sent)


async def test_not_now_keeps_the_request_open_and_tells_the_asker_only_that(
    slack: SlackWorld,
) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    slack.double.clear()

    [answer] = await press(slack, ana, button(consent["blocks"], "Not now"))

    assert answer["replace_original"] is True
    assert answer["text"].startswith("No problem. I'll check back with you around Thu 5 March.")
    [told] = posts(slack)
    assert told["text"].startswith("<@UANA> will come back to your request")
    slack.double.clear()
    # Still waiting: the helper can answer later from /networker me.
    later = ephemeral(await slack.sender.command("/networker", "me", user=ana))
    [accept] = [b for b in later["blocks"][-1]["elements"] if b["text"]["text"].startswith("Acc")]
    await press(slack, ana, accept)
    assert len(posts(slack, group(ana, dana))) == 1


async def test_buttons_keep_working_after_a_restart(slack: SlackWorld, db_url: str) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    await slack.runtime.stop()  # the process goes away; the DM with its buttons stays
    slack.double.clear()

    async with restarted(slack, db_url) as sender:
        accept = button(consent["blocks"], "Accept")
        response = await sender.action(
            accept["action_id"],
            accept["value"],
            user=ana,
            channel=dm(ana),
            response_url=slack.double.response_url("after-restart"),
        )

    empty_ack(response)
    assert slack.double.responses["after-restart"][0]["text"].startswith("Wonderful")
    assert len(posts(slack, group(ana, dana))) == 1


@asynccontextmanager
async def restarted(slack: SlackWorld, db_url: str) -> AsyncIterator[SlackSender]:
    """A new process on the same database: new engine, core, app and port."""
    engine = make_engine(db_url)
    runtime = await start_slack(slack.core.config, engine, slack.clock)
    sender = SlackSender(SECRET, f"http://127.0.0.1:{runtime.port}/slack/events")
    try:
        yield sender
    finally:
        await sender.close()
        await runtime.stop()
        await engine.dispose()


# --- intros: both accept, or one declines ---------------------------------------------------


async def test_when_both_accept_an_intro_a_group_dm_of_the_three_opens(
    slack: SlackWorld,
) -> None:
    ana, bob, _carl, dana = await people(slack)
    to_ana, to_bob = await intro(slack, dana, ana, bob, "you both organise meetups in Berlin")
    slack.double.clear()

    [first] = await press(slack, ana, button(to_ana["blocks"], "Accept"))
    assert first["text"] == "Thank you! Waiting for <@UBOB> to answer too."
    assert opened(slack) == []  # nobody is connected before both accept

    *_, second = await press(slack, bob, button(to_bob["blocks"], "Accept"))

    assert second["text"] == "Wonderful, you're connected! I've opened a conversation for you."
    assert opened(slack) == ["UANA,UBOB,UDANA"]
    sent = only_post(slack, group(ana, bob, dana))
    assert sent["text"] == "<@UANA>, meet <@UBOB>! <@UDANA> introduced you:"
    assert "“you both organise meetups in Berlin”" in post_text(sent)
    assert "a /thanks to <@UDANA> goes a long way" in post_text(sent)


async def test_a_declined_intro_tells_the_introducer_kindly_without_the_note(
    slack: SlackWorld,
) -> None:
    ana, bob, _carl, dana = await people(slack)
    to_ana, to_bob = await intro(slack, dana, ana, bob, "you both organise meetups in Berlin")
    await press(slack, ana, button(to_ana["blocks"], "Accept"))
    slack.double.clear()

    assert await press(slack, bob, button(to_bob["blocks"], "Decline")) == []  # a modal
    view = only_view(slack)
    empty_ack(await submit(slack, view, bob, note="Ana and I fell out years ago, privately"))

    to_dana = only_post(slack, dm(dana))
    assert "won't go ahead this time: <@UBOB> can't connect right now." in to_dana["text"]
    assert only_post(slack, dm(ana))["text"].startswith("The introduction to <@UBOB> won't go")
    assert only_post(slack, dm(bob))["text"].startswith("Thanks for letting me know.")
    assert "fell out" not in everything_sent(slack)
    assert opened(slack).count("UANA,UBOB,UDANA") == 0


# --- decline: the modal, a private note, a suggestion -----------------------------------------


async def test_decline_opens_a_modal_with_a_note_and_a_member_picker(slack: SlackWorld) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    slack.double.clear()

    decline = button(consent["blocks"], "Decline")
    response = await slack.sender.action(
        decline["action_id"], decline["value"], user=ana, channel=dm(ana), trigger_id="tr.decline"
    )

    empty_ack(response)
    [call] = slack.double.calls_to("views.open")
    assert call.params["trigger_id"] == "tr.decline"
    view = call.params["view"]
    assert view["callback_id"] == "consent.decline_submit"
    assert view["private_metadata"] == decline["value"]
    assert view["submit"]["text"] == "Decline"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["note"]["optional"] and inputs["suggest"]["optional"]
    assert inputs["note"]["element"]["type"] == "plain_text_input"
    assert inputs["suggest"]["element"]["type"] == "users_select"
    assert posts(slack) == []  # nothing is declined before the modal is submitted


async def test_decline_with_a_suggestion_lets_the_requester_ask_them(slack: SlackWorld) -> None:
    ana, _bob, carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    await press(slack, ana, button(consent["blocks"], "Decline"))
    view = only_view(slack)
    slack.double.clear()

    empty_ack(await submit(slack, view, ana, note="swamped until May", suggest=carl))

    to_dana = only_post(slack, dm(dana))
    assert to_dana["text"] == "<@UANA> can't help with this one right now. No hard feelings!"
    assert "They suggest <@UCARL> might be able to help." in post_text(to_dana)
    assert labels(to_dana["blocks"]) == ["Ask Carl", "No thanks"]
    assert "swamped" not in everything_sent(slack)
    slack.double.clear()

    [answer] = await press(slack, dana, button(to_dana["blocks"], "Ask Carl"))

    assert answer["text"] == "Sent! I've asked <@UCARL> privately."
    to_carl = only_post(slack, dm(carl))
    assert "“could you look at our cluster upgrade?”" in post_text(to_carl)
    # A suggestion is used once.
    [again] = await press(slack, dana, button(to_dana["blocks"], "Ask Carl"))
    assert again["text"] == "There is no suggestion to act on any more."
    assert again["replace_original"] is False


async def test_a_suggestion_can_be_dismissed(slack: SlackWorld) -> None:
    ana, _bob, carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    await press(slack, ana, button(consent["blocks"], "Decline"))
    await submit(slack, only_view(slack), ana, suggest=carl)
    to_dana = posts(slack, dm(dana))[-1]
    slack.double.clear()

    [answer] = await press(slack, dana, button(to_dana["blocks"], "No thanks"))

    assert answer["text"] == "Okay, I'll leave it there."
    assert posts(slack) == []


async def test_a_suggestion_of_someone_already_involved_keeps_the_modal_open(
    slack: SlackWorld,
) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    await press(slack, ana, button(consent["blocks"], "Decline"))
    view = only_view(slack)
    slack.double.clear()

    response = await submit(slack, view, ana, note="sorry", suggest=dana)

    body = response.json()
    assert body["response_action"] == "errors"
    [error] = body["errors"].values()
    assert error.startswith("Dana is already part of this request.\nSuggest someone else")
    assert posts(slack) == []
    # Not declined: the request still waits for Ana.
    assert "Waiting for your answer" in said(
        await slack.sender.command("/networker", "me", user=ana)
    )


# --- drafts: "others can help too" ----------------------------------------------------------


async def drafted(slack: SlackWorld) -> tuple[str, str, str, Json]:
    """Dana asks Ana once (answered), then again: with a limit of one, a draft."""
    ana, _bob, carl, dana = await people(slack)
    org = slack.user("UORG", "olga", admin=True)
    said(await slack.sender.command("/networker", "settings repeat_ask_limit=1", user=org))
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    await press(slack, ana, button(consent["blocks"], "Accept"))
    slack.double.clear()
    draft = ephemeral(
        await slack.sender.command(
            "/ask", "<@UANA|ana> one more kubernetes question about ingress", user=dana
        )
    )
    assert "You've asked <@UANA> once in the last 30 days." in shown(draft["blocks"])
    assert "Others can help too: Carl." in shown(draft["blocks"])
    assert labels(draft["blocks"]) == ["Ask Carl instead", "Ask Ana anyway", "Cancel"]
    assert posts(slack) == []
    return ana, carl, dana, draft


async def test_draft_ask_anyway_sends_it(slack: SlackWorld) -> None:
    ana, _carl, dana, draft = await drafted(slack)
    [answer] = await press(slack, dana, button(draft["blocks"], "Ask Ana anyway"))
    assert answer["text"] == "Sent! I've asked <@UANA> privately."
    assert "ingress" in post_text(only_post(slack, dm(ana)))
    [stale] = await press(slack, dana, button(draft["blocks"], "Cancel"))
    assert stale["text"] == "That request was already sent or withdrawn."


async def test_draft_ask_someone_else_instead(slack: SlackWorld) -> None:
    ana, carl, dana, draft = await drafted(slack)
    [answer] = await press(slack, dana, button(draft["blocks"], "Ask Carl instead"))
    assert answer["text"] == "Sent! I've asked <@UCARL> privately."
    assert "ingress" in post_text(only_post(slack, dm(carl)))
    assert posts(slack, dm(ana)) == []


async def test_draft_cancel_sends_nothing(slack: SlackWorld) -> None:
    _ana, _carl, dana, draft = await drafted(slack)
    [answer] = await press(slack, dana, button(draft["blocks"], "Cancel"))
    assert answer["text"] == "Cancelled. Nothing was sent."
    assert posts(slack) == []


# --- the asks channel -----------------------------------------------------------------------


async def test_post_my_ask_goes_to_the_asks_channel(slack: SlackWorld) -> None:
    _ana, _bob, _carl, dana = await people(slack)
    org = slack.user("UORG", "olga", admin=True)
    said(await slack.sender.command("/networker", "settings asks_channel=<#C777|asks>", user=org))
    nobody = ephemeral(await slack.sender.command("/whoknows", "pottery", user=dana))
    assert "I can post your ask in #asks (C777) so anyone can offer." in shown(nobody["blocks"])

    [answer] = await press(slack, dana, button(nobody["blocks"], "Post my ask"))

    assert answer["text"] == "Posted in #asks (C777). I hope someone picks it up soon!"
    sent = only_post(slack, "C777")
    assert sent["text"] == "<@UDANA> is looking for someone who knows about *pottery*."


# --- the profile modal ----------------------------------------------------------------------


async def test_profile_modal_saves_every_field(slack: SlackWorld) -> None:
    dana = slack.user("UDANA", "dana", "Asia/Tokyo")
    await slack.sender.command("/profile", "", user=dana)
    view = only_view(slack)
    slack.double.clear()

    response = await submit(
        slack,
        view,
        dana,
        skills="python:expert\npublic speaking:learning",
        help="Reviewing grant proposals",
        looking="a mentor in data science",
        bio="Librarian turned engineer",
        discoverable="yes",
    )

    empty_ack(response)
    saved = only_post(slack, dm(dana))
    assert saved["text"] == "Saved. Here is your profile now:"
    text = post_text(saved)
    assert "*Skills*\npython (expert), public speaking (learning)" in text
    assert "*Can help with*\n“Reviewing grant proposals”" in text
    slack.double.clear()

    # The second step: availability, capacity and window, from choices.
    await press(slack, dana, button(saved["blocks"], "Availability and DMs"))
    prefs = only_view(slack)
    slack.double.clear()
    empty_ack(
        await submit(
            slack,
            prefs,
            dana,
            window="weekdays 10:00-16:00",
            availability="busy",
            busy_until="2026-04-01",
            capacity="2",
        )
    )
    text = post_text(only_post(slack, dm(dana)))
    assert "*Availability*\nbusy until 1 April" in text
    assert "*Local time*\nMon 19:00 their time (Asia/Tokyo)" in text
    assert "*Contact window*\nweekdays 10:00-16:00" in text
    assert "*Capacity*\n2 requests per 30 days" in text
    # And it is what others find.
    ana = slack.user("UANA", "ana")
    assert "<@UDANA>" in said(await slack.sender.command("/whoknows", "grant proposals", user=ana))


async def test_profile_modal_refuses_bad_values_and_keeps_the_old_profile(
    slack: SlackWorld,
) -> None:
    dana = slack.user("UDANA", "dana", "Asia/Tokyo")
    await set_profile(slack, dana, 'skills="python:expert"')
    await slack.sender.command("/profile", "", user=dana)
    view = only_view(slack)
    slack.double.clear()

    response = await submit(slack, view, dana, skills="rust:expert", discoverable="maybe")

    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["discoverable"]  # under its own field
    assert "“maybe” is not yes or no." in body["errors"]["discoverable"]
    assert posts(slack) == []
    assert '"python": 3' in said(await slack.sender.command("/networker", "export", user=dana))


async def test_action_ids_carry_an_index_that_does_not_matter(slack: SlackWorld) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    accept = button(consent["blocks"], "Accept")
    *_, answer = await press(slack, ana, {**accept, "action_id": "consent.accept:7"})
    assert answer["text"].startswith("Wonderful")
    assert len(views(slack)) == 0


async def test_a_double_click_on_accept_opens_one_conversation(slack: SlackWorld) -> None:
    ana, _bob, _carl, dana = await people(slack)
    consent = await ask(slack, dana, ana, "could you look at our cluster upgrade?")
    accept = button(consent["blocks"], "Accept")
    slack.double.clear()

    first, second = await asyncio.gather(press(slack, ana, accept), press(slack, ana, accept))

    texts = sorted(r[-1]["text"] for r in (first, second))
    assert texts == [
        "This one is already connected. Nothing more to do here.",
        "Wonderful, you're connected! I've opened a conversation for you.",
    ]
    assert len(posts(slack, group(ana, dana))) == 1


async def test_both_parties_accepting_at_once_open_one_group_dm(slack: SlackWorld) -> None:
    ana, bob, _carl, dana = await people(slack)
    to_ana, to_bob = await intro(slack, dana, ana, bob, "you both organise meetups in Berlin")
    slack.double.clear()

    await asyncio.gather(
        press(slack, ana, button(to_ana["blocks"], "Accept")),
        press(slack, bob, button(to_bob["blocks"], "Accept")),
    )

    assert opened(slack) == ["UANA,UBOB,UDANA"]
    assert len(posts(slack, group(ana, bob, dana))) == 1


# --- the thanks wall ------------------------------------------------------------------------


async def test_a_thank_you_goes_on_the_wall_only_when_its_sender_presses_post(
    slack: SlackWorld,
) -> None:
    _ana, bob, _carl, dana = await people(slack)
    org = slack.user("UORG", "olga", admin=True)
    said(await slack.sender.command("/networker", "settings thanks_wall=<#C888|kudos>", user=org))
    answer = ephemeral(
        await slack.sender.command("/thanks", "<@UBOB|bob> for the pairing session", user=dana)
    )
    text = shown(answer["blocks"])
    assert text.startswith("Thank-you sent to <@UBOB>.")
    assert "public thanks wall, #kudos (C888): everyone who can see it would read" in text
    assert labels(answer["blocks"]) == ["Post on the thanks wall", "Keep it private"]
    assert posts(slack, "C888") == []  # private until the sender chooses

    [kept] = await press(slack, dana, button(answer["blocks"], "Keep it private"))
    assert kept["replace_original"] is True
    assert kept["text"] == "Kept private: only the people it concerns see it."
    assert posts(slack, "C888") == []

    again = ephemeral(
        await slack.sender.command("/thanks", "<@UBOB|bob> for the code review", user=dana)
    )
    [posted] = await press(slack, dana, button(again["blocks"], "Post on the thanks wall"))
    assert posted["replace_original"] is True
    assert posted["text"] == "Posted on #kudos (C888). Thank you for saying it out loud!"
    wall = only_post(slack, "C888")
    assert post_text(wall) == "<@UDANA> thanked <@UBOB>: “for the code review”"
    # The receiver had it by DM at once, whatever the sender chose for the wall.
    assert [post_text(p) for p in posts(slack, dm(bob))] == [
        "<@UDANA> thanked you: “for the pairing session”",
        "<@UDANA> thanked you: “for the code review”",
    ]
