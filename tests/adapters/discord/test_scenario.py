"""The whole story through Discord: profiles, /whoknows, "Ask for help", accept, /intro,
both accept, the private thread, /thanks, and the introducer hearing about it."""

from __future__ import annotations

from tests.adapters.discord.conftest import GUILD_ID, INTROS, DiscordWorld, labels
from tests.adapters.discord.double import dm_channel


async def test_a_community_uses_networker_end_to_end(world: DiscordWorld) -> None:
    ana = world.person("ana")  # knows Kubernetes
    ben = world.person("ben")  # organises meetups
    cleo = world.person("cleo")  # new, needs help
    dev = world.person("dev")  # knows everyone
    olga = world.person("olga", organiser=True)
    world.double.text_channel(INTROS, GUILD_ID, "intros")

    # 0. An organiser names the intro channel (Discord sends the channel as <#id>).
    set_channel = await world.command(
        olga, "networker", "settings", key="intro_channel", value=f"<#{INTROS}>"
    )
    assert set_channel.said == f"Saved: intro\\_channel = <#{INTROS}>."

    # 1. Profiles: Ana by modal, Ben in one line.
    form = await world.command(ana, "profile")
    saved = await world.submit(
        ana, form, {"skills": "kubernetes:expert, terraform:practitioner", "help": "Migrating CI"}
    )
    assert "**Skills**: kubernetes (expert), terraform (practitioner)" in saved.said
    ben_saved = await world.command(ben, "profile", changes='skills="public speaking:expert"')
    assert ben_saved.said.startswith("Saved.")

    # 2. Cleo searches, privately.
    found = await world.command(cleo, "whoknows", topic="k8s")
    assert found.ephemeral
    assert f"<@{ana.id}>" in found.content and f"<@{ben.id}>" not in found.content
    assert labels(found.data["components"]) == ["Ask Ana for help"]

    # 3. "Ask for help": a modal, then Ana's consent DM.
    world.double.clear()
    ask_form = await world.press(cleo, found, "Ask Ana for help")
    sent = await world.submit(cleo, ask_form, {"request": "How do I move our Jenkins jobs to k8s?"})
    assert sent.said.startswith(f"Sent! I've asked <@{ana.id}> privately.")
    consent = world.dm(ana)
    assert f"<@{cleo.id}> is asking for your help with kubernetes" in consent.json["content"]

    # 4. Ana accepts: a private thread of the two opens in #intros.
    world.double.clear()
    accepted = await world.press(ana, consent, "Accept")
    assert accepted.type == 7 and accepted.data["components"] == []
    [first_thread] = world.double.calls("POST", rf"/channels/{INTROS}/threads")
    assert first_thread.json["type"] == 12 and first_thread.json["name"] == "Cleo and Ana"
    help_thread = first_thread.answer["id"]
    added = world.double.calls("PUT", rf"/channels/{help_thread}/thread-members/\d+")
    assert [a.path.rsplit("/", 1)[1] for a in added] == [cleo.id, ana.id]
    [hello] = world.double.messages(help_thread)
    assert "“How do I move our Jenkins jobs to k8s?”" in hello.json["content"]

    # 5. Dev introduces Cleo and Ben.
    world.double.clear()
    done = await world.command(dev, "intro", a=cleo, b=ben, why="Cleo wants to start a meetup")
    assert done.said.startswith(f"Done! I've asked <@{cleo.id}> and <@{ben.id}> privately.")
    to_cleo, to_ben = world.dm(cleo), world.dm(ben)
    assert "Why: “Cleo wants to start a meetup”" in to_cleo.json["content"]

    # 6. Both accept: the private thread of the three, with the introducer's note.
    world.double.clear()
    first = await world.press(ben, to_ben, "Accept")
    assert first.content == f"Thank you! Waiting for <@{cleo.id}> to answer too."
    assert world.double.calls("POST", r"/channels/\d+/threads") == []
    await world.press(cleo, to_cleo, "Accept")
    [made] = world.double.calls("POST", rf"/channels/{INTROS}/threads")
    assert made.json["name"] == "Intro: Cleo and Ben"
    thread = made.answer["id"]
    added = world.double.calls("PUT", rf"/channels/{thread}/thread-members/\d+")
    assert [a.path.rsplit("/", 1)[1] for a in added] == [cleo.id, ben.id, dev.id]
    [intro] = world.double.messages(thread)
    assert intro.json["content"].startswith(
        f"<@{cleo.id}>, meet <@{ben.id}>! <@{dev.id}> introduced you:\n“Cleo wants to start a meetup”"
    )
    assert intro.json["allowed_mentions"] == {
        "users": [int(cleo.id), int(ben.id), int(dev.id)],
        "parse": [],
    }

    # 7. Cleo thanks Ben; Ben hears it, and so does Dev, who made the introduction.
    world.double.clear()
    thanked = await world.command(cleo, "thanks", member=ben, note="for the meetup checklist")
    assert thanked.said == f"Thank-you sent to <@{ben.id}>."
    assert world.dm(ben).json["content"] == f"<@{cleo.id}> thanked you: “for the meetup checklist”"
    assert world.dm(dev).json["content"] == (
        f"<@{cleo.id}> thanked <@{ben.id}> after the introduction you made. "
        "Nice work connecting them!"
    )
    # Cleo also thanks Ana: no introducer there, only Ana hears it.
    world.double.clear()
    await world.command(cleo, "thanks", member=ana, note="for the Jenkins advice")
    assert [r.path for r in world.double.calls("POST", r"/channels/\d+/messages")] == [
        f"/channels/{dm_channel(ana.id)}/messages"
    ]

    # 8. Everyone's summary adds up.
    balance = (await world.command(cleo, "networker", "me")).said
    assert "was helped 1" in balance and "thanks given 2" in balance
    assert "intros made 1" in (await world.command(dev, "networker", "me")).said
