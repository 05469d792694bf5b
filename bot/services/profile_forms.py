"""The profile as forms (modals on Slack and Discord), in three short steps.

A modal holds at most five questions on Discord, and nobody should have to learn a
mini-language to fill one in. So: (1) what you know and offer, skills one per line;
(2) a level for each skill, picked from a list, five skills a step; (3) availability,
time zone and DMs, with choices where there are choices. Each step saves on its own
and offers the next.
"""

from __future__ import annotations

import hashlib
import re

from bot.actions import Action
from bot.domain.errors import UserError
from bot.domain.members import Member
from bot.domain.profile import (
    Availability,
    ContactWindow,
    Level,
    ProfileChanges,
    clean_text_field,
    parse_skills,
)
from bot.messages import (
    FORM_INPUTS_MAX,
    Button,
    Form,
    Input,
    InputKind,
    Message,
    Option,
    Reply,
    Section,
    Style,
    form_reply,
    line,
)
from bot.services import member_import
from bot.services.commands import EditProfile, Press, ProfileForm
from bot.services.context import Context
from bot.services.form_answers import Collector, read
from bot.services.profiles import edit_profile

LEVEL_OPTIONS = tuple(Option(level.label, level.label.capitalize()) for level in Level)
AVAILABILITY_OPTIONS = (
    Option(Availability.OPEN.value, "Open to requests"),
    Option(Availability.BUSY.value, "Busy until a date"),
    Option(Availability.AWAY.value, "Away"),
)
LEVELS_HINT = "Expert: you could teach it. Practitioner: you use it. Learning: on your way."
CAPACITIES = (0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 100)
_SKILL_LINES = re.compile(r"[\n,;]+")


# --- step 1: what you know and offer ----------------------------------------------------


def about_form(me: Member, *, shown: bool | None = None) -> Form:
    """`shown`: what "Show me in /whoknows" starts as, when not the member's setting (an
    imported profile not answered yet: "Edit" then "Save" shows it, as its DM says)."""
    return Form(
        "Your profile",
        Action.PROFILE_SAVE,
        "",
        (
            Input(
                "skills",
                "Your skills, one per line",
                InputKind.LONG_TEXT,
                placeholder="Python\nPublic speaking",
                initial="\n".join(_skills_in_order(me)),
                hint="Just the names: you pick each one's level in the next step.",
            ),
            Input("help", "What you can help with", InputKind.LONG_TEXT, initial=me.can_help_with),
            Input(
                "looking", "What you are looking for", InputKind.LONG_TEXT, initial=me.looking_for
            ),
            Input("bio", "Short bio", InputKind.LONG_TEXT, initial=me.bio),
            Input(
                "discoverable",
                "Show me in /whoknows results",
                InputKind.YES_NO,
                initial="yes" if (me.discoverable if shown is None else shown) else "no",
            ),
        ),
        submit="Save",
    )


async def profile_form(ctx: Context, _cmd: ProfileForm) -> Reply:
    me = ctx.me
    # Back after forget, or an imported profile not answered yet: saving this form is the
    # setup that makes them findable (as the import's DM says).
    shown = me.discoverable or me.hidden_until_setup or await member_import.awaiting_answer(ctx, me)
    return form_reply("Edit your profile", about_form(me, shown=shown))


async def open_about(ctx: Context, _cmd: Press) -> Reply:
    return await profile_form(ctx, ProfileForm())


async def save_about(ctx: Context, cmd: Press) -> Reply:
    """Step 1 submitted. Skills keep their levels; new ones start as practitioner (or
    as written, "rust:learning", for those who know the one-line syntax)."""
    me = ctx.me
    answers = read(about_form(me), cmd.inputs)
    found = Collector()
    changes = ProfileChanges()
    with found.field("skills"):
        typed = parse_skills(", ".join(_SKILL_LINES.split(answers.text("skills"))))
        current = {name.casefold(): level for name, level in me.skill_levels().items()}
        changes.skills = {
            name: level
            if ":" in _written(answers.text("skills"), name)
            else current.get(name.casefold(), level)
            for name, level in typed.items()
        }
    for name, attr in (("help", "can_help_with"), ("looking", "looking_for"), ("bio", "bio")):
        with found.field(name):
            setattr(changes, attr, clean_text_field(attr, answers.text(name)))
    changes.discoverable = answers.yes("discoverable")
    found.check()
    saved = await edit_profile(ctx, EditProfile(changes=changes))
    return _with_next_steps(saved, ctx.me)


# --- step 2: a level for each skill -------------------------------------------------------


def levels_form(me: Member, start: int) -> Form:
    names = _skills_in_order(me)[start : start + FORM_INPUTS_MAX]
    levels = {name: level for name, level in me.skill_levels().items()}
    shown = f" ({start + 1}-{start + len(names)} of {len(me.skills)})" if len(me.skills) > 5 else ""
    return Form(
        f"Skill levels{shown}"[:45],
        Action.PROFILE_LEVELS_SAVE,
        f"{start}:{_fingerprint(names)}",
        tuple(
            Input(
                f"level{i}",
                name[:45],
                InputKind.CHOICE,
                required=True,
                initial=levels[name].label,
                options=LEVEL_OPTIONS,
                hint=LEVELS_HINT if i == 0 else "",
            )
            for i, name in enumerate(names)
        ),
        submit="Save",
    )


async def open_levels(ctx: Context, cmd: Press) -> Reply:
    start = _start(cmd.value)
    if not ctx.me.skills:
        raise UserError("You have no skills listed yet.", "Add some in your profile first.")
    if start >= len(ctx.me.skills):
        start = 0
    return form_reply("Pick a level for each skill", levels_form(ctx.me, start))


async def save_levels(ctx: Context, cmd: Press) -> Reply:
    first, _, fingerprint = cmd.value.partition(":")
    start = _start(first)
    me = ctx.me
    names = _skills_in_order(me)[start : start + FORM_INPUTS_MAX]
    if not names or fingerprint != _fingerprint(names):
        raise UserError(
            "Your skills changed since this form opened, so nothing was saved.",
            "Open the skill levels again.",
        )
    answers = read(levels_form(me, start), cmd.inputs)
    changes = ProfileChanges(
        add_skills={name: Level.parse(answers.text(f"level{i}")) for i, name in enumerate(names)}
    )
    saved = await edit_profile(ctx, EditProfile(changes=changes))
    following = start + FORM_INPUTS_MAX
    if following < len(me.skills):
        more = Button("Next skills", Action.PROFILE_LEVELS, str(following), Style.PRIMARY)
        return _add_buttons(saved, more)
    return _with_next_steps(saved, me, levels=False)


# --- step 3: availability, time zone and DMs ----------------------------------------------


def prefs_form(me: Member) -> Form:
    capacities = sorted({*CAPACITIES, me.capacity})
    return Form(
        "Availability and DMs",
        Action.PROFILE_PREFS_SAVE,
        "",
        (
            Input(
                "availability",
                "Availability",
                InputKind.CHOICE,
                required=True,
                initial=me.availability,
                options=AVAILABILITY_OPTIONS,
            ),
            Input(
                "busy_until",
                "Busy until",
                InputKind.DATE,
                initial=me.busy_until.isoformat() if me.busy_until else "",
                placeholder="YYYY-MM-DD",
                hint="Only when busy: from the day after, you are open again.",
            ),
            Input(
                "capacity",
                "Requests per 30 days",
                InputKind.CHOICE,
                required=True,
                initial=str(me.capacity),
                options=tuple(Option(str(n), str(n)) for n in capacities),
                hint="How many requests for help you are happy to get; 0 pauses them.",
            ),
            Input(
                "tz",
                "Your time zone",
                InputKind.TIMEZONE,
                initial=me.timezone or "",
                placeholder="Europe/Berlin",
            ),
            Input(
                "window",
                "When the bot may DM you",
                InputKind.TEXT,
                initial=str(me.window()),
                placeholder="weekdays 09:00-18:00",
                hint="Days and hours in your time zone, e.g. weekdays 09:00-18:00 or daily 10-20.",
            ),
        ),
        submit="Save",
    )


async def open_prefs(ctx: Context, _cmd: Press) -> Reply:
    return form_reply("Availability, time zone and DMs", prefs_form(ctx.me))


async def save_prefs(ctx: Context, cmd: Press) -> Reply:
    answers = read(prefs_form(ctx.me), cmd.inputs)
    found = Collector()
    changes = ProfileChanges()
    availability = Availability(answers.text("availability"))
    busy_until = answers.day("busy_until")
    with found.field("busy_until"):
        if availability is Availability.BUSY:
            if busy_until is None:
                raise UserError("Busy until when? Pick the last busy day.")
            if busy_until < ctx.today():
                raise UserError(f"{busy_until:%Y-%m-%d} is already past.")
    changes.availability = availability
    changes.busy_until = busy_until if availability is Availability.BUSY else None
    changes.capacity = int(answers.text("capacity"))
    if answers.given("tz"):
        changes.timezone = answers.text("tz")
    with found.field("window"):
        if answers.given("window"):
            window = ContactWindow.parse(answers.text("window"))
            if window != ctx.me.window():  # the form shows the current one: no news to say
                changes.contact_window = window
    found.check()
    return await edit_profile(ctx, EditProfile(changes=changes))


# --- helpers ------------------------------------------------------------------------------


def _skills_in_order(me: Member) -> list[str]:
    return sorted(me.skills, key=str.casefold)


def _fingerprint(names: list[str]) -> str:
    """Which skills a levels step asked about: a changed list is not saved blindly."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:8]


def _start(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 4 else 0


def _written(text: str, name: str) -> str:
    """The line of `text` that named this skill (to see whether it gave a level)."""
    for part in _SKILL_LINES.split(text):
        if part.partition(":")[0].strip().casefold() == name.casefold():
            return part
    return ""


def _with_next_steps(saved: Reply, me: Member, *, levels: bool = True) -> Reply:
    buttons = []
    if levels and me.skills:
        buttons.append(Button("Set skill levels", Action.PROFILE_LEVELS, "0", Style.PRIMARY))
    buttons.append(Button("Availability and DMs", Action.PROFILE_PREFS, ""))
    return _add_buttons(saved, *buttons)


def _add_buttons(saved: Reply, *buttons: Button) -> Reply:
    message = saved.message
    return Reply(
        Message(
            sections=(*message.sections, Section(text=line("Next, if you like:"))),
            buttons=(*message.buttons, *buttons),
        )
    )
