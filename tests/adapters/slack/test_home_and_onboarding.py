"""The App Home tab and the onboarding DM for new members (team_join)."""

from __future__ import annotations

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    empty_ack,
    group,
    home_action,
    labels,
    only_post,
    only_view,
    open_home,
    post_text,
    posts,
    press,
    said,
    set_profile,
    shown,
    submit,
)

# --- App Home -------------------------------------------------------------------------------


async def test_home_shows_profile_summary_and_quick_actions(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana", "Europe/Berlin")
    await set_profile(slack, ana, 'skills="kubernetes:expert" help="helm charts"')

    blocks = await open_home(slack, ana, "EvHome1")

    text = shown(blocks)
    assert text.startswith("Welcome to Networker, <@UANA>!")
    assert "*Skills*\nkubernetes (expert)" in text
    assert "*Local time*\nMon 11:00 their time (Europe/Berlin)" in text
    assert "Nothing is waiting on you or for you. All clear!" in text
    assert labels(blocks) == ["Edit my profile", "Pause bot DMs"]
    assert button(blocks, "Edit my profile")["action_id"] == "profile.edit:0"


async def test_home_lists_pending_requests_and_recent_thanks(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana")
    bob = slack.user("UBOB", "bob")
    dana = slack.user("UDANA", "dana")
    await slack.sender.command("/ask", "<@UANA|ana> could you review our helm charts", user=dana)
    await slack.sender.command(
        "/intro",
        "<@UANA|ana> <@UDANA|dana> you both run infrastructure teams at hospitals",
        user=bob,
    )
    await slack.sender.command("/thanks", "<@UANA|ana> for the great talk on CI", user=bob)
    await slack.sender.command(
        "/ask", "<@UBOB|bob> could you proofread my conference abstract", user=ana
    )

    blocks = await open_home(slack, ana, "EvHome2")

    text = shown(blocks)
    assert "Waiting for your answer: a request for help from <@UDANA>." in text
    assert "Waiting for your answer: an introduction from <@UBOB>." in text
    assert "You're waiting to hear from <@UBOB>." in text
    assert "Thanks from <@UBOB>: “for the great talk on CI”" in text
    assert labels(blocks) == [
        "Accept #1",
        "Not now #1",
        "Decline #1",
        "Accept #2",
        "Not now #2",
        "Decline #2",
        "Edit my profile",
        "Pause bot DMs",
    ]
    # Slack allows five elements per actions block.
    assert all(len(b["elements"]) <= 5 for b in blocks if b["type"] == "actions")


async def test_accept_from_home_answers_by_dm_and_refreshes_home(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana")
    dana = slack.user("UDANA", "dana")
    await slack.sender.command("/ask", "<@UANA|ana> could you review our helm charts", user=dana)
    blocks = await open_home(slack, ana, "EvHome3")
    slack.double.clear()

    response = await slack.sender.interactive(home_action(ana, button(blocks, "Accept #1")))

    empty_ack(response)
    assert only_post(slack, dm(ana))["text"].startswith("Wonderful, you're connected!")
    assert len(posts(slack, group(ana, dana))) == 1
    [refresh] = slack.double.calls_to("views.publish")
    assert refresh.params["user_id"] == ana
    assert "Nothing is waiting on you or for you." in shown(refresh.params["view"]["blocks"])


async def test_pause_and_resume_from_home(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana")
    blocks = await open_home(slack, ana, "EvHome4")
    slack.double.clear()

    await slack.sender.interactive(home_action(ana, button(blocks, "Pause bot DMs")))

    assert only_post(slack, dm(ana))["text"].startswith("Paused: I won't send you any DMs")
    [refresh] = slack.double.calls_to("views.publish")
    paused: list[Json] = refresh.params["view"]["blocks"]
    assert "Bot DMs are paused." in shown(paused)
    assert labels(paused)[-1] == "Resume bot DMs"
    slack.double.clear()

    await slack.sender.interactive(home_action(ana, button(paused, "Resume bot DMs")))

    assert only_post(slack, dm(ana))["text"].startswith("Welcome back!")
    [refresh] = slack.double.calls_to("views.publish")
    assert labels(refresh.params["view"]["blocks"])[-1] == "Pause bot DMs"


async def test_edit_my_profile_from_home_opens_the_profile_modal(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana", "Africa/Nairobi")
    blocks = await open_home(slack, ana, "EvHome5")
    slack.double.clear()

    await slack.sender.interactive(home_action(ana, button(blocks, "Edit my profile")))

    view = only_view(slack)
    assert view["callback_id"] == "profile.save"
    assert next(b["block_id"] for b in view["blocks"] if b["type"] == "input") == "skills"
    assert posts(slack) == []


async def test_the_messages_tab_publishes_nothing(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana")
    response = await slack.sender.event(
        {"type": "app_home_opened", "user": ana, "channel": dm(ana), "tab": "messages"},
        event_id="EvMessages",
    )
    assert response.status == 200
    assert slack.double.calls_to("views.publish") == []


# --- onboarding -----------------------------------------------------------------------------


def joined(user_id: str, name: str, tz: str = "Asia/Tokyo", **extra: object) -> Json:
    return {
        "type": "team_join",
        "user": {
            "id": user_id,
            "team_id": "T1",
            "name": name,
            "real_name": name.capitalize(),
            "tz": tz,
            "profile": {"display_name": name, "real_name": name.capitalize()},
            "is_bot": False,
            "deleted": False,
            **extra,
        },
    }


async def test_a_new_member_gets_one_welcome_dm_with_a_profile_button(slack: SlackWorld) -> None:
    slack.user("UNEW", "nia", "Asia/Tokyo")

    response = await slack.sender.event(joined("UNEW", "nia"), event_id="EvJoin1")

    assert response.status == 200
    welcome = only_post(slack, dm("UNEW"))
    assert welcome["text"].startswith("Welcome, <@UNEW>! I'm Networker")
    assert "Start by telling people what you can help with" in post_text(welcome)
    setup = button(welcome["blocks"], "Set up my profile")
    assert setup["action_id"] == "profile.edit:0"
    slack.double.clear()

    assert await press(slack, "UNEW", setup) == []  # a modal, not a message

    view = only_view(slack)
    assert view["callback_id"] == "profile.save"
    slack.double.clear()
    empty_ack(await submit(slack, view, "UNEW", skills="ceramics:expert"))
    saved = only_post(slack, dm("UNEW"))
    assert "ceramics (expert)" in post_text(saved)
    slack.double.clear()
    # The next step: the time zone from the team_join event is preselected.
    assert await press(slack, "UNEW", button(saved["blocks"], "Availability and DMs")) == []
    tz = next(b for b in only_view(slack)["blocks"] if b.get("block_id") == "tz")
    assert tz["element"]["initial_option"]["value"] == "Asia/Tokyo"


async def test_the_welcome_is_never_sent_twice(slack: SlackWorld) -> None:
    await slack.sender.event(joined("UNEW", "nia"), event_id="EvJoin2")
    # Slack retries the same event, and (rarely) sends another one for the same member.
    retry = await slack.sender.event(joined("UNEW", "nia"), event_id="EvJoin2", retry_num=1)
    again = await slack.sender.event(joined("UNEW", "nia"), event_id="EvJoin3")

    assert (retry.status, again.status) == (200, 200)
    assert len(posts(slack, dm("UNEW"))) == 1


async def test_bots_and_deactivated_users_get_no_welcome(slack: SlackWorld) -> None:
    await slack.sender.event(joined("UBOTX", "robot", is_bot=True), event_id="EvJoin4")
    await slack.sender.event(joined("UGONE", "gone", deleted=True), event_id="EvJoin5")
    assert posts(slack) == []


async def test_a_welcomed_member_is_known_with_their_time_zone(slack: SlackWorld) -> None:
    await slack.sender.event(joined("UNEW", "nia", tz="America/Chicago"), event_id="EvJoin6")
    slack.user("UNEW", "nia", "America/Chicago")
    answer = said(await slack.sender.command("/profile", 'skills="ceramics:expert"', user="UNEW"))
    assert "(America/Chicago)" in answer


async def test_joining_the_welcome_channel_welcomes_once_and_other_channels_do_not(
    slack: SlackWorld,
) -> None:
    slack.user("UORG", "olga", admin=True)
    slack.user("UNEW", "nia", "Asia/Tokyo")

    def joined_channel(channel: str) -> dict[str, str]:
        return {"type": "member_joined_channel", "user": "UNEW", "channel": channel}

    # Before an organiser names a welcome channel, joining channels sends nothing.
    await slack.sender.event(joined_channel("CWELCOME"), event_id="EvCh1")
    assert posts(slack, dm("UNEW")) == []
    set_it = await slack.sender.command(
        "/networker", "settings welcome_channel=<#CWELCOME|welcome>", user="UORG"
    )
    assert "welcome_channel = #welcome (CWELCOME)" in said(set_it)

    await slack.sender.event(joined_channel("CRANDOM"), event_id="EvCh2")
    assert posts(slack, dm("UNEW")) == []
    await slack.sender.event(joined_channel("CWELCOME"), event_id="EvCh3")
    assert len(posts(slack, dm("UNEW"))) == 1
    # Leaving and joining again, or joining the workspace later: still one welcome.
    await slack.sender.event(joined_channel("CWELCOME"), event_id="EvCh4")
    await slack.sender.event(joined("UNEW", "nia"), event_id="EvCh5")
    assert len(posts(slack, dm("UNEW"))) == 1
