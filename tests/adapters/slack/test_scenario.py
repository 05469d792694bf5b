"""The whole story through Slack: profiles, /whoknows, "Ask for help", accept, /intro,
both accept, the group DM, /thanks, and the introducer hearing about it."""

from __future__ import annotations

from tests.adapters.slack.conftest import SlackWorld
from tests.adapters.slack.helpers import (
    button,
    dm,
    empty_ack,
    ephemeral,
    group,
    only_post,
    only_view,
    open_home,
    post_text,
    posts,
    press,
    said,
    shown,
    submit,
)


async def test_a_community_uses_networker_end_to_end(slack: SlackWorld) -> None:
    ana = slack.user("UANA", "ana", "Europe/Berlin")  # knows Kubernetes
    ben = slack.user("UBEN", "ben", "Europe/London")  # organises meetups
    cleo = slack.user("UCLEO", "cleo", "America/Toronto")  # new, needs help
    dev = slack.user("UDEV", "dev", "Asia/Kolkata")  # knows everyone
    # Monday 14:00 UTC: 09:00 in Toronto, so every request reaches its party at once.
    slack.clock.current = slack.clock.current.replace(hour=14)

    # 1. Profiles: Ana by modal, Ben by text.
    empty_ack(await slack.sender.command("/profile", "", user=ana))
    profile_form = only_view(slack)
    empty_ack(
        await submit(
            slack,
            profile_form,
            ana,
            skills="kubernetes:expert, terraform:practitioner",
            help="Migrating CI to Kubernetes",
        )
    )
    assert "kubernetes (expert)" in post_text(only_post(slack, dm(ana)))
    assert said(
        await slack.sender.command("/profile", 'skills="public speaking:expert"', user=ben)
    ).startswith("Saved.")

    # 2. Cleo searches, privately.
    found = ephemeral(await slack.sender.command("/whoknows", "k8s", user=cleo))
    assert "<@UANA>" in shown(found["blocks"])
    assert "<@UBEN>" not in shown(found["blocks"])

    # 3. "Ask for help": a modal, then Ana's consent DM.
    slack.double.clear()
    await slack.sender.action(
        button(found["blocks"], "Ask Ana")["action_id"],
        button(found["blocks"], "Ask Ana")["value"],
        user=cleo,
        channel="C1",
    )
    ask_form = only_view(slack)
    empty_ack(await submit(slack, ask_form, cleo, request="How do I move our Jenkins jobs to k8s?"))
    consent = only_post(slack, dm(ana))
    assert "<@UCLEO> is asking for your help with kubernetes" in consent["text"]

    # 4. Ana accepts: a DM of the two opens.
    slack.double.clear()
    accepted, once_open = await press(slack, ana, button(consent["blocks"], "Accept"))
    assert accepted["replace_original"] is True
    assert accepted["text"].endswith("/networker me shows it until it's open.")
    assert once_open["text"] == "Wonderful, you're connected! I've opened a conversation for you."
    assert once_open["replace_original"] is True
    assert [c.params["users"] for c in slack.double.calls_to("conversations.open")] == [
        "UCLEO,UANA"
    ]
    assert "“How do I move our Jenkins jobs to k8s?”" in post_text(
        only_post(slack, group(ana, cleo))
    )

    # 5. Dev introduces Cleo and Ben.
    slack.double.clear()
    answer = said(
        await slack.sender.command(
            "/intro", "<@UCLEO|cleo> <@UBEN|ben> Cleo wants to start a Toronto meetup", user=dev
        )
    )
    assert answer.startswith("Done! I've asked <@UCLEO> and <@UBEN> privately.")
    to_cleo, to_ben = only_post(slack, dm(cleo)), only_post(slack, dm(ben))
    assert "Why: “Cleo wants to start a Toronto meetup”" in post_text(to_cleo)

    # 6. Both accept: the group DM of the three, with the introducer's note.
    slack.double.clear()
    [first] = await press(slack, ben, button(to_ben["blocks"], "Accept"))
    assert first["text"] == "Thank you! Waiting for <@UCLEO> to answer too."
    assert posts(slack) == []
    await press(slack, cleo, button(to_cleo["blocks"], "Accept"))
    [opened] = slack.double.calls_to("conversations.open")
    assert opened.params["users"] == "UCLEO,UBEN,UDEV"
    intro = only_post(slack, group(ben, cleo, dev))
    assert intro["text"] == "<@UCLEO>, meet <@UBEN>! <@UDEV> introduced you:"
    assert "“Cleo wants to start a Toronto meetup”" in post_text(intro)

    # 7. Cleo thanks Ben; Ben hears it, and so does Dev, who made the introduction.
    slack.double.clear()
    thanked = said(
        await slack.sender.command("/thanks", "<@UBEN|ben> for the meetup checklist", user=cleo)
    )
    assert thanked == "Thank-you sent to <@UBEN>."
    assert only_post(slack, dm(ben))["text"] == "<@UCLEO> thanked you: “for the meetup checklist”"
    assert only_post(slack, dm(dev))["text"] == (
        "<@UCLEO> thanked <@UBEN> after the introduction you made. Nice work connecting them!"
    )
    # Cleo also thanks Ana: no introducer there, only Ana hears it.
    slack.double.clear()
    said(await slack.sender.command("/thanks", "<@UANA|ana> for the Jenkins advice", user=cleo))
    assert [p["channel"] for p in posts(slack)] == [dm(ana)]

    # 8. Everyone's summary adds up.
    balance = said(await slack.sender.command("/networker", "me", user=cleo))
    assert "was helped 1" in balance and "thanks given 2" in balance
    assert "intros made 1" in said(await slack.sender.command("/networker", "me", user=dev))
    home = shown(await open_home(slack, ana, "EvScenarioHome"))  # the thanks Ana got
    assert "Thanks from <@UCLEO>: “for the Jenkins advice”" in home
