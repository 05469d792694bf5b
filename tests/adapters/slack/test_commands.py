"""Every slash command through the real endpoint: what the invoker sees (ephemeral) and
the DMs and modals the bot sends on their behalf."""

from __future__ import annotations

import re

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.double import FakeUser
from tests.adapters.slack.helpers import (
    button,
    dm,
    empty_ack,
    ephemeral,
    labels,
    mrkdwn,
    only_post,
    opened,
    post_text,
    posts,
    press,
    said,
    set_profile,
    shown,
    writes,
)


async def members(slack: SlackWorld) -> tuple[str, str, str]:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    bob = slack.user("UBOB", "bob", "America/New_York")
    dana = slack.user("UDANA", "dana", "Asia/Tokyo")
    await set_profile(
        slack, ana, 'skills="kubernetes:expert, python:learning" help="CI pipelines and helm"'
    )
    # Monday 10:00 UTC is 05:00 in New York: these stories want Bob's DMs at once.
    await set_profile(slack, bob, 'skills="public speaking:practitioner" window=anytime')
    slack.double.clear()
    return ana, bob, dana


# --- /whoknows ------------------------------------------------------------------------------


async def test_whoknows_answers_privately_with_why_local_time_and_an_ask_button(
    slack: SlackWorld,
) -> None:
    _ana, _bob, dana = await members(slack)

    body = ephemeral(await slack.sender.command("/whoknows", "k8s", user=dana))

    text = shown(body["blocks"])
    assert body["text"] == "People who can help with *kubernetes*"
    assert "<@UANA>" in text
    assert "*Why*\nexpert in kubernetes" in text
    assert "*Availability*\nopen to requests" in text
    assert "*Local time*\nMon 11:00 their time (Europe/Berlin)" in text
    ask = button(body["blocks"], "Ask Ana for help")
    assert ask["action_id"] == "ask.start:0"
    assert ask["value"].endswith(":kubernetes")
    assert ask["style"] == "primary"
    # Only the invoker saw anything: no message was posted anywhere.
    assert writes(slack) == []


async def test_whoknows_never_offers_hidden_members_and_says_when_nobody_matches(
    slack: SlackWorld,
) -> None:
    ana, _bob, dana = await members(slack)
    await set_profile(slack, ana, "discoverable=no")

    answer = said(await slack.sender.command("/whoknows", "kubernetes", user=dana))

    assert "Nobody who can help with “kubernetes” is available right now." in answer
    assert "UANA" not in answer
    assert "Who knows what?" in said(await slack.sender.command("/whoknows", "  ", user=dana))


async def test_whoknows_does_not_offer_the_invoker_themselves(slack: SlackWorld) -> None:
    ana, _bob, _dana = await members(slack)
    answer = said(await slack.sender.command("/whoknows", "kubernetes", user=ana))
    assert "Nobody who can help" in answer


# --- /intro ---------------------------------------------------------------------------------


async def test_intro_tells_the_introducer_and_sends_each_party_a_consent_dm(
    slack: SlackWorld,
) -> None:
    ana, bob, dana = await members(slack)

    answer = said(
        await slack.sender.command(
            "/intro", "<@UANA|ana> <@UBOB|bob> you both run community meetups", user=dana
        )
    )

    assert answer.startswith("Done! I've asked <@UANA> and <@UBOB> privately.")
    assert "Nobody is connected until both accept." in answer
    assert opened(slack) == [ana, bob]
    to_ana, to_bob = only_post(slack, dm(ana)), only_post(slack, dm(bob))
    assert to_ana["text"] == "Hi <@UANA>! <@UDANA> would like to introduce you to <@UBOB>."
    assert "Why: “you both run community meetups”" in post_text(to_ana)
    assert "Bob lists: public speaking." in post_text(to_ana)
    assert "Ana lists: kubernetes, python." in post_text(to_bob)
    for sent in (to_ana, to_bob):
        assert labels(sent["blocks"]) == ["Accept", "Not now", "Decline"]
        ids = [b["action_id"] for b in sent["blocks"][-1]["elements"]]
        assert ids == ["consent.accept:0", "consent.not_now:1", "consent.decline:2"]
    assert [b["style"] for b in to_ana["blocks"][-1]["elements"] if "style" in b] == [
        "primary",
        "danger",
    ]
    # Nobody is connected yet: no group DM.
    assert not any(u.count(",") for u in opened(slack))


async def test_intro_refuses_bad_input_without_messaging_anyone(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)
    slack.user("UBOT2", "helperbot")
    slack.double.users["UBOT2"].is_bot = True
    cases = {
        "": "/intro needs a member (@a).\nUsage: /intro @a @b &lt;why&gt;",
        "@ana @bob meet": "I couldn't tell who @ana is.",
        "<@UANA|ana> <@UBOB|bob> meet": "“meet” is a bit short for a reason for the introduction.",
        "<@UANA|ana> <@UANA|ana> you should meet": "You can't introduce someone to themselves.",
        "<@UDANA|dana> <@UANA|ana> you should meet": "You're one of the two people",
        "<@UZED|zed> <@UANA|ana> you should meet": "I can't find that member in this workspace.",
        "<@UBOT2|helperbot> <@UANA|ana> you should meet": "Helperbot is a bot, not a member.",
    }
    for text, expected in cases.items():
        answer = said(await slack.sender.command("/intro", text, user=dana))
        assert expected in answer, (text, answer)
    assert "pick the member from Slack's list" in said(
        await slack.sender.command("/intro", "@ana @bob meet", user=dana)
    )
    assert writes(slack) == []


async def test_a_second_intro_of_the_same_pair_waits_for_the_first(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)
    text = "<@UANA|ana> <@UBOB|bob> you both run community meetups"
    await slack.sender.command("/intro", text, user=dana)
    slack.double.clear()

    answer = said(await slack.sender.command("/intro", text, user=dana))

    assert "You introduced Ana and Bob on 2 March; they haven't both answered yet." in answer
    assert posts(slack) == []


# --- /ask -----------------------------------------------------------------------------------


async def test_ask_sends_the_helper_a_consent_dm_with_the_request(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)

    answer = said(
        await slack.sender.command(
            "/ask", "<@UANA|ana> could you review our helm charts?", user=dana
        )
    )

    assert answer.startswith("Sent! I've asked <@UANA> privately.")
    sent = only_post(slack, dm(ana))
    assert sent["text"] == "Hi <@UANA>! <@UDANA> is asking for your help with helm."
    assert "What they need: “could you review our helm charts?”" in post_text(sent)
    assert labels(sent["blocks"]) == ["Accept", "Not now", "Decline"]
    assert opened(slack) == [ana]


async def test_ask_refuses_self_vague_and_duplicate_requests(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)
    assert "You can't ask yourself for help." in said(
        await slack.sender.command("/ask", "<@UANA|ana> help me please", user=ana)
    )
    assert "a bit short" in said(await slack.sender.command("/ask", "<@UANA|ana> help", user=dana))
    await slack.sender.command(
        "/ask", "<@UANA|ana> could you review our Helm charts before release", user=dana
    )
    assert "You already have a request waiting with Ana." in said(
        await slack.sender.command("/ask", "<@UANA|ana> and another thing", user=dana)
    )
    assert len(posts(slack, dm(ana))) == 1


# --- /thanks --------------------------------------------------------------------------------


async def test_thanks_dms_the_receiver_the_note(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)

    answer = said(
        await slack.sender.command("/thanks", "<@UANA|ana> for the helm review", user=dana)
    )

    assert answer == "Thank-you sent to <@UANA>."
    sent = only_post(slack, dm(ana))
    assert sent["text"] == "<@UDANA> thanked you: “for the helm review”"


async def test_thanks_refuses_self_thanks_and_empty_notes(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)
    assert "You can't thank yourself" in said(
        await slack.sender.command("/thanks", "<@UANA|ana> for being me", user=ana)
    )
    assert "What are you thanking them for?" in said(
        await slack.sender.command("/thanks", "<@UANA|ana>", user=dana)
    )
    assert posts(slack) == []


# --- /profile -------------------------------------------------------------------------------


async def test_profile_opens_the_first_step_of_the_profile_modal(slack: SlackWorld) -> None:
    newcomer = slack.user("UNEW", "nia", "America/Sao_Paulo")

    response = await slack.sender.command("/profile", "", user=newcomer, trigger_id="tr.1")

    empty_ack(response)
    [call] = slack.double.calls_to("views.open")
    assert call.params["trigger_id"] == "tr.1"
    view = call.params["view"]
    assert view["type"] == "modal"
    assert view["callback_id"] == "profile.save"
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert list(fields) == ["skills", "help", "looking", "bio", "discoverable"]
    assert fields["skills"]["multiline"] is True
    assert fields["discoverable"]["type"] == "radio_buttons"
    assert fields["discoverable"]["initial_option"]["value"] == "yes"


async def test_profile_text_edit_uses_the_slack_time_zone_at_once(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    answer = said(await slack.sender.command("/profile", 'skills="go:expert"', user=ana))
    assert "*Skills*\ngo (expert)" in answer
    assert "(Europe/Berlin)" in answer
    assert "time zone not set" not in answer


async def test_profile_of_a_member_shows_only_what_they_share(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)

    answer = said(await slack.sender.command("/profile", "<@UANA|ana>", user=dana))

    assert answer.startswith("Profile of <@UANA>")
    assert "*Skills*\nkubernetes (expert), python (learning)" in answer
    assert "*Can help with*\n“CI pipelines and helm”" in answer
    assert "Capacity" not in answer and "Contact window" not in answer


async def test_profile_of_a_hidden_member_stays_private(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)
    await set_profile(slack, ana, "discoverable=no")
    answer = said(await slack.sender.command("/profile", "<@UANA|ana>", user=dana))
    assert answer == "<@UANA> keeps their profile private."
    assert "kubernetes" not in answer


async def test_profile_refuses_editing_someone_else_and_bad_fields(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)
    assert "You can only edit your own profile." in said(
        await slack.sender.command("/profile", "<@UANA|ana> skills=go:expert", user=dana)
    )
    assert "“Mars/Base” is not a time zone I know." in said(
        await slack.sender.command("/profile", "tz=Mars/Base", user=dana)
    )


# --- /networker -----------------------------------------------------------------------------


async def test_networker_help_lists_every_command(slack: SlackWorld) -> None:
    dana = slack.user("UDANA", "dana")
    for text in ("", "help"):
        answer = said(await slack.sender.command("/networker", text, user=dana))
        for command in ("/whoknows", "/intro", "/ask", "/thanks", "/profile", "/networker me"):
            assert f"*{command}" in answer
    assert "I don't know /networker dance." in said(
        await slack.sender.command("/networker", "dance", user=dana)
    )


async def test_networker_me_shows_what_waits_with_buttons(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)
    await slack.sender.command(
        "/ask", "<@UANA|ana> could you review our Helm charts before release", user=dana
    )

    mine = ephemeral(await slack.sender.command("/networker", "me", user=dana))
    theirs = ephemeral(await slack.sender.command("/networker", "me", user="UANA"))

    assert "You're waiting to hear from <@UANA>." in shown(mine["blocks"])
    assert "Waiting for your answer: a request for help from <@UDANA>." in shown(theirs["blocks"])
    assert labels(theirs["blocks"]) == ["Accept #1", "Not now #1", "Decline #1"]


async def test_networker_pause_and_resume(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)
    assert said(await slack.sender.command("/networker", "pause", user=ana)).startswith("Paused")
    assert "has paused Networker messages" in said(
        await slack.sender.command(
            "/ask", "<@UANA|ana> could you review our Helm charts before release", user=dana
        )
    )
    assert said(await slack.sender.command("/networker", "resume", user=ana)).startswith(
        "Welcome back!"
    )
    said(
        await slack.sender.command(
            "/ask", "<@UANA|ana> could you review our Helm charts before release", user=dana
        )
    )
    assert len(posts(slack, dm(ana))) == 1


async def test_networker_export_gives_my_data_as_json(slack: SlackWorld) -> None:
    ana, _bob, _dana = await members(slack)
    body = ephemeral(await slack.sender.command("/networker", "export", user=ana))
    texts = mrkdwn(body["blocks"])
    assert texts[0] == "Here is everything Networker keeps about you, as JSON:"
    assert '"platform_user_id": "UANA"' in texts[1]
    assert '"kubernetes": 3' in texts[1]


async def test_networker_forget_asks_first_then_deletes(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)
    body = ephemeral(await slack.sender.command("/networker", "forget", user=ana))
    assert "It can't be undone." in shown(body["blocks"])
    confirm = button(body["blocks"], "Yes, forget me")
    assert confirm["style"] == "danger"
    # Nothing is deleted before the button.
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kubernetes", user=dana))

    [answer] = await press(slack, ana, confirm)

    assert answer["text"].startswith("Done. Everything you wrote is deleted")
    assert "Nobody who can help" in said(
        await slack.sender.command("/whoknows", "kubernetes", user=dana)
    )


async def test_organiser_commands_need_a_workspace_admin(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)
    org = slack.user("UORG", "olga", admin=True)

    assert "Only organisers can do that." in said(
        await slack.sender.command("/networker", "settings", user=dana)
    )
    assert "Only organisers can do that." in said(
        await slack.sender.command("/networker", "stats", user=dana)
    )
    settings = said(await slack.sender.command("/networker", "settings", user=org))
    assert "asks_channel" in settings
    changed = said(
        await slack.sender.command("/networker", "settings asks_channel=<#C123|asks>", user=org)
    )
    assert "#asks (C123)" in changed
    stats = said(await slack.sender.command("/networker", "stats", user=org))
    assert "Community health" in stats
    assert "*Members*\n" in stats
    alias = said(await slack.sender.command("/networker", "alias kube kubernetes", user=org))
    assert "kube" in alias
    assert "<@UANA>" in said(await slack.sender.command("/whoknows", "kube", user=dana))


async def test_endorse_dms_the_member(slack: SlackWorld) -> None:
    ana, _bob, dana = await members(slack)
    answer = said(
        await slack.sender.command("/networker", "endorse <@UANA|ana> kubernetes", user=dana)
    )
    assert answer.startswith("Endorsed <@UANA> for kubernetes.")
    assert only_post(slack, dm(ana))["text"] == "<@UDANA> endorsed you for kubernetes."


async def test_a_display_name_from_slack_is_used_and_kept_current(slack: SlackWorld) -> None:
    slack.double.users["UANA"] = FakeUser("ana", "Ana Real", "UTC", display_name="ana.k")
    await set_profile(slack, "UANA", 'skills="go:expert"')
    dana = slack.user("UDANA", "dana")
    body = ephemeral(await slack.sender.command("/whoknows", "go", user=dana))
    assert labels(body["blocks"]) == ["Ask ana.k for help"]


async def test_the_dashboard_link_is_for_workspace_admins_only(slack: SlackWorld) -> None:
    _ana, _bob, dana = await members(slack)
    org = slack.user("UORG", "olga", admin=True)
    refused = said(await slack.sender.command("/networker", "dashboard", user=dana))
    assert "Only organisers can do that." in refused
    assert "/dashboard/login" not in refused
    link = said(await slack.sender.command("/networker", "dashboard", user=org))
    assert re.search(r"https?://\S+/dashboard/login\?token=[\w.\-]+", link), link
    assert "works once, within 15 minutes" in link
