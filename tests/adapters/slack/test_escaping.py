"""Member text never reaches Slack as markup: no <!channel>, <!here>, <!everyone>, no forged
link, and &, <, > always escaped, in every message, ephemeral answer, modal and Home view.

Plain-text fields (button labels, modal titles, input values) are not parsed by Slack, so
only mrkdwn is checked: section texts and fields, and the `text` of messages.
"""

from __future__ import annotations

import re
from typing import Any

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.double import FakeUser
from tests.adapters.slack.helpers import (
    Json,
    button,
    dm,
    ephemeral,
    mrkdwn,
    only_view,
    open_home,
    posts,
    press,
    submit,
)

NASTY = "<!channel> <!here|here> <!everyone> <https://evil.example|click me> & <b>bold</b> a>b"
# NASTY as Slack delivers it in a slash command: its own markup kept, the rest escaped.
NASTY_SENT = (
    "<!channel> <!here|here> <!everyone> <https://evil.example|click me> "
    "&amp; &lt;b&gt;bold&lt;/b&gt; a&gt;b"
)
# What a safe rendering of NASTY contains: Slack's markup turned into readable words
# (a broadcast becomes the plain word, a link its label and address), never markup.
SHOWN = "@channel here @everyone click me (https://evil.example)"
MENTION = re.compile(r"<@[UW][A-Z0-9]+>")


def unsafe(text: str) -> list[str]:
    """Whatever in a mrkdwn string is markup that we did not put there ourselves."""
    rest = MENTION.sub("", text)
    problems = [m for m in ("<", ">") if m in rest]
    problems += re.findall(r"&(?!amp;|lt;|gt;)", rest)
    return problems


def mrkdwn_everywhere(value: Any, found: list[str]) -> list[str]:
    """Every mrkdwn string in a Web API call or response_url post."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            found.append(value["text"])
        for key, item in value.items():
            if key == "text" and isinstance(item, str) and value.get("type") != "plain_text":
                found.append(item)  # a message's `text` (notification) is mrkdwn too
            else:
                mrkdwn_everywhere(item, found)
    elif isinstance(value, list):
        for item in value:
            mrkdwn_everywhere(item, found)
    return found


def check(slack: SlackWorld, *extra: Json) -> str:
    """Assert nothing unsafe went out; return all mrkdwn sent, for positive checks."""
    sent = [c.params for c in slack.double.calls]
    sent += [p for posts_ in slack.double.responses.values() for p in posts_]
    texts = mrkdwn_everywhere([*sent, *extra], [])
    assert texts, "nothing was sent"
    for text in texts:
        assert not unsafe(text), (unsafe(text), text)
    return "\n".join(texts)


async def test_member_text_in_profiles_search_and_home_is_escaped(slack: SlackWorld) -> None:
    slack.double.users["UEVE"] = FakeUser(
        "eve", "Eve <!here>", "UTC", display_name="<!channel> Eve & <co>"
    )
    dana = slack.user("UDANA", "dana")
    saved = ephemeral(
        await slack.sender.command(
            "/profile",
            f'skills="kubernetes:expert" help="{NASTY_SENT} kubernetes" bio="{NASTY_SENT}" '
            f'looking="{NASTY_SENT}"',
            user="UEVE",
        )
    )
    found = ephemeral(await slack.sender.command("/whoknows", "kubernetes", user=dana))
    viewed = ephemeral(await slack.sender.command("/profile", "<@UEVE|eve>", user=dana))
    nothing = ephemeral(await slack.sender.command("/whoknows", NASTY_SENT, user=dana))
    await open_home(slack, "UEVE", "EvEscHome")

    everything = check(slack, saved, found, viewed, nothing)

    assert SHOWN in everything  # shown as text, not dropped
    assert "&amp; &lt;b&gt;bold&lt;/b&gt; a&gt;b" in everything
    assert "<@UEVE>" in "\n".join(mrkdwn(found["blocks"]))  # real mentions stay mentions


async def test_reasons_notes_and_names_in_dms_and_group_dms_are_escaped(
    slack: SlackWorld,
) -> None:
    eve = slack.user("UEVE", "eve")
    slack.double.users["UANA"] = FakeUser("ana", "Ana", "UTC", display_name="<!channel> & Ana")
    ana, bob = "UANA", slack.user("UBOB", "bob")
    said_ana = ephemeral(
        await slack.sender.command("/profile", 'skills="<!here> &amp; &lt;b&gt;:expert"', user=ana)
    )

    await slack.sender.command("/intro", f"<@UANA|ana> <@UBOB|bob> {NASTY_SENT}", user=eve)
    for party in (ana, bob):
        await press(slack, party, button(posts(slack, dm(party))[-1]["blocks"], "Accept"))
    await slack.sender.command("/thanks", f"<@UEVE|eve> {NASTY_SENT}", user=ana)
    await slack.sender.command("/ask", f"<@UBOB|bob> {NASTY_SENT}", user=eve)
    await press(slack, bob, button(posts(slack, dm(bob))[-1]["blocks"], "Decline"))
    await submit(slack, only_view(slack), bob, note=NASTY, suggest=ana)

    everything = check(slack, said_ana)

    assert everything.count(SHOWN) >= 4  # consent DMs, group DM, thanks, request
    # Ana's name and skill, in the text Bob's consent DM shows about her:
    assert "&lt;!channel&gt; &amp; Ana lists: @here &amp; &lt;b&gt;." in everything


async def test_a_topic_posted_to_the_asks_channel_is_escaped(slack: SlackWorld) -> None:
    org = slack.user("UORG", "olga", admin=True)
    dana = slack.user("UDANA", "dana")
    await slack.sender.command("/networker", "settings asks_channel=<#C777|asks>", user=org)
    nobody = ephemeral(await slack.sender.command("/whoknows", "<!channel> & <x>", user=dana))
    await press(slack, dana, button(nobody["blocks"], "Post my ask"))

    check(slack, nobody)

    [post] = posts(slack, "C777")
    assert "*@channel &amp; x*" in post["text"]


async def test_modals_show_member_text_escaped_above_their_fields(slack: SlackWorld) -> None:
    slack.double.users["UEVE"] = FakeUser("eve", "Eve", "UTC", display_name="<!here> Eve")
    dana = slack.user("UDANA", "dana")
    await slack.sender.command("/profile", 'skills="kubernetes:expert"', user="UEVE")
    found = ephemeral(await slack.sender.command("/whoknows", "kubernetes", user=dana))
    await press(slack, dana, button(found["blocks"], "Ask"))

    view = only_view(slack)

    check(slack, found)
    assert mrkdwn(view["blocks"]) == ["What would you like to ask <@UEVE>?"]


def test_the_check_itself_catches_markup() -> None:
    assert unsafe("hi <@UANA>, &amp; &lt;!here&gt;") == []
    assert unsafe("<!channel>") == ["<", ">"]
    assert unsafe("<https://evil|x>") == ["<", ">"]
    assert unsafe("a & b") == ["&"]
