"""After a connection opened: "did you connect?", a one-click thank-you, and telling the
introducer how their introduction turned out."""

from __future__ import annotations

from bot.actions import Action
from bot.domain.connections import Outcome, State
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Button, Style, line, message
from bot.prompts.batch import Batch
from bot.prompts.spec import About, PromptKindSpec, Skip, Verdict
from bot.services.mentions import mention, mentions

OUTCOMES = {
    Outcome.HELPFUL: "it was helpful",
    Outcome.TALKED: "they talked",
    Outcome.NO: "it didn't happen this time",
}


async def did_you_connect(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or conn.state is not State.CONNECTED:
        return Skip("not connected")
    me = prompt.recipient_id
    if me not in conn.asked_how_it_went or not conn.outcome_open_for(me):
        return Skip("answered")
    first = int(prompt.payload.get("round", 1)) == 1
    people = await batch.people([conn.initiator_id, *conn.parties])
    other = people[conn.other_party(me)]
    if other.forgotten:
        return Skip("member gone")
    if conn.is_intro:
        how = line(
            "How did it go with ",
            mention(other),
            "? ",
            mention(people[conn.initiator_id]),
            " introduced you",
            " a few days ago." if first else " a while ago.",
        )
    else:
        about = f" with {conn.topic}" if conn.topic else ""
        how = line("Did you connect with ", mention(other), f" about your request for help{about}?")
    value = f"{conn.id}:{1 if first else 2}"
    buttons = [
        Button("Helpful", Action.FOLLOWUP_HELPFUL, value, Style.PRIMARY),
        Button("We talked", Action.FOLLOWUP_TALKED, value),
    ]
    if first:
        buttons.append(Button("Not yet", Action.FOLLOWUP_NOT_YET, value))
    buttons.append(Button("It didn't happen", Action.FOLLOWUP_NO, value))
    return message(how, "One click is enough; only you see this.", buttons=buttons)


async def say_thanks(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None:
        return Skip("connection gone")
    wanted = [int(m) for m in prompt.payload.get("to", [])]
    since = conn.connected_at or conn.created_at or batch.now
    thanked = await batch.uow.thanks.thanked_by(prompt.recipient_id, wanted, since)
    people = await batch.people(wanted)
    due = [people[m] for m in wanted if m not in thanked and m in people]
    due = [m for m in due if not m.forgotten]
    if not due:
        return Skip("already thanked")
    buttons = [
        Button(f"Thank {m.display_name}", Action.THANKS_START, f"{m.id}:{conn.id}", Style.PRIMARY)
        for m in due
    ]
    return message(
        "Glad it helped! A short thank-you means a lot, and it's how good help gets noticed.",
        line("Say thanks to ", *mentions(due), " with one click:"),
        buttons=buttons,
    )


async def how_it_turned_out(batch: Batch, prompt: Prompt) -> Verdict:
    conn = batch.connections.get(prompt.subject_id or 0)
    if conn is None or not conn.is_intro:
        return Skip("not an introduction")
    outcome = _outcome(prompt)
    said = OUTCOMES.get(outcome) if outcome is not None else None
    if said is None:  # "not yet" closes no loop
        return Skip("no outcome")
    people = await batch.people(list(conn.parties))
    a, b = people[conn.party_a_id], people[conn.party_b_id]
    if a.forgotten or b.forgotten:
        return Skip("member gone")
    speaker = people.get(int(prompt.payload.get("party") or conn.party_a_id), a)
    closing = (
        "Thank you for connecting them!"
        if outcome is not Outcome.NO
        else "Not every introduction clicks; thank you for making it."
    )
    return message(
        line(
            "How your introduction of ",
            mention(a),
            " and ",
            mention(b),
            " turned out: ",
            mention(speaker),
            f" says {said}.",
        ),
        closing,
    )


def _outcome(prompt: Prompt) -> Outcome | None:
    try:
        return Outcome(str(prompt.payload.get("outcome")))
    except ValueError:
        return None


CONNECT_CHECK = PromptKindSpec(
    PromptKind.CONNECT_CHECK,
    label="“did you connect?” a few days after a connection",
    about=About.CONNECTION,
    # Each person asked at most twice: round 1, and 2 after "not yet".
    key="check:{subject}:{round}:{recipient}",
    render=did_you_connect,
)
THANKS_PROMPT = PromptKindSpec(
    PromptKind.THANKS_PROMPT,
    label="a one-click thank-you after something helped",
    about=About.CONNECTION,
    key="thanks:{subject}:{recipient}",
    render=say_thanks,
)
LOOP_CLOSING = PromptKindSpec(
    PromptKind.LOOP_CLOSING,
    label="how the introductions you made turned out",
    about=About.CONNECTION,
    key="loop:{subject}:{party}",  # what each of the two people said
    render=how_it_turned_out,
)
KINDS = (CONNECT_CHECK, THANKS_PROMPT, LOOP_CLOSING)
