"""One story, told through any adapter: what each member sees, asserted once."""

from __future__ import annotations

from tests.e2e.scenario.drivers import Driver

REQUEST = "advice on moving our CI to Kubernetes"
WHY = "you both run platform teams in Berlin"
NOTE = "for the intro chat and the helm tips"


def heard(driver: Driver, who: str, text: str) -> bool:
    """Whether any DM `who` received contains `text`."""
    return any(text in dm for dm in driver.dms(who))


async def run_scenario(driver: Driver) -> None:
    await driver.members("ana", "ben", "dana", "eve")

    # Ana says what she knows, in one line.
    saved = await driver.profile("ana", 'skills="kubernetes:expert"')
    assert saved.startswith("Saved."), saved

    # Dana searches with an alias and finds Ana, privately.
    found = await driver.whoknows("dana", "k8s")
    assert "@ana" in found, found
    assert "@ben" not in found and "@eve" not in found, found
    assert "expert in kubernetes" in found, found
    assert driver.dms("ana") == []  # nobody hears about a search

    # "Ask Ana for help": the form asks what she needs; Ana is asked privately.
    sent = await driver.press("dana", "Ask Ana for help", request=REQUEST)
    assert "Sent! I've asked @ana privately." in sent, sent
    [form] = driver.forms("dana")
    assert "What do you need? Be specific." in form, form
    assert heard(driver, "ana", "@dana is asking for your help with kubernetes")
    assert heard(driver, "ana", f"“{REQUEST}”")
    assert driver.conversations() == []  # nobody is connected before Ana accepts

    # Ana accepts: a conversation of the two opens.
    await driver.press("ana", "Accept")
    assert driver.conversations() == [{"dana", "ana"}]

    # Eve introduces Ana and Ben: each is asked privately, nobody is connected yet.
    done = await driver.intro("eve", "ana", "ben", WHY)
    assert done.startswith("Done! I've asked @ana and @ben privately."), done
    assert heard(driver, "ana", "@eve would like to introduce you to @ben")
    assert heard(driver, "ben", "@eve would like to introduce you to @ana")
    assert heard(driver, "ben", f"Why: “{WHY}”")
    assert len(driver.conversations()) == 1

    first = await driver.press("ana", "Accept")
    assert "Waiting for @ben to answer too." in first, first
    assert len(driver.conversations()) == 1
    await driver.press("ben", "Accept")
    assert driver.conversations() == [{"dana", "ana"}, {"ana", "ben", "eve"}]

    # Ben thanks Ana: she hears it, and so does Eve, who made the introduction.
    thanked = await driver.thanks("ben", "ana", NOTE)
    assert thanked == "Thank-you sent to @ana.", thanked
    assert heard(driver, "ana", f"@ben thanked you: “{NOTE}”")
    assert heard(driver, "eve", "@ben thanked @ana after the introduction you made")
    assert not heard(driver, "eve", NOTE)  # the note is for Ana
    assert not heard(driver, "dana", "thanked")
