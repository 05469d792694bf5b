"""/profile: edit one's own profile, view anyone's visible profile; /networker endorse."""

from __future__ import annotations

import shlex

from bot.actions import Action
from bot.domain.errors import UserError
from bot.domain.members import Member, MemberSnapshot
from bot.domain.profile import (
    Availability,
    Level,
    ProfileChanges,
    parse_profile_edit,
    validated,
)
from bot.domain.text import TOPIC_MAX, clean
from bot.domain.thanks import Endorsement
from bot.messages import (
    Field,
    Form,
    Input,
    InputKind,
    Line,
    Message,
    Quote,
    Reply,
    Section,
    form_reply,
    line,
    reply,
)
from bot.services.commands import EditProfile, Endorse, Press, ProfileForm, ViewProfile
from bot.services.context import Context, mention
from bot.services.indexing import refresh_load, reindex


async def edit_profile(ctx: Context, cmd: EditProfile) -> Reply:
    if cmd.changes is None and not (cmd.text or "").strip():
        return show_profile(ctx, ctx.me, own=True)
    if cmd.changes is not None:
        changes = validated(cmd.changes)
    else:
        changes = parse_profile_edit(cmd.text or "", today=ctx.today())
    me = ctx.me
    occasions = (me.birthday, me.work_anniversary)
    topics_changed = apply_changes(me, changes)
    if topics_changed:
        await reindex(ctx, me)
    if (me.birthday, me.work_anniversary) != occasions:
        await ctx.prompts.occasions_changed(me)
    if me.skills or me.can_help_with:
        await ctx.prompts.giver_digest(me)
    await refresh_load(ctx, me)  # capacity, availability or visibility may have changed
    shown = show_profile(ctx, me, own=True)
    return Reply(
        Message(
            sections=(
                Section(text=line("Saved. Here is your profile now:")),
                *shown.message.sections,
            )
        )
    )


def apply_changes(me: Member, changes: ProfileChanges) -> bool:
    """Apply a validated edit; True when skills or the "can help with" text changed."""
    skills = dict(me.skills)
    if changes.skills is not None:
        skills = {name: int(level) for name, level in changes.skills.items()}
    for name, level in changes.add_skills.items():
        skills = {k: v for k, v in skills.items() if k.casefold() != name.casefold()}
        skills[name] = int(level)
    for name in changes.remove_skills:
        remaining = {k: v for k, v in skills.items() if k.casefold() != name.casefold()}
        if len(remaining) == len(skills):
            raise UserError(f"“{name}” is not one of your skills, so nothing was removed.")
        skills = remaining
    if len(skills) > 50:
        raise UserError("That would be more than 50 skills.", "Keep the ones you would help with.")
    topics_changed = skills != me.skills or (
        changes.can_help_with is not None and changes.can_help_with != me.can_help_with
    )
    me.skills = skills
    if me.hidden_until_setup:  # back after forget: this profile is their setup
        me.hidden_until_setup = False
        me.discoverable = True
    for name in ("can_help_with", "looking_for", "bio", "timezone", "capacity", "discoverable"):
        value = getattr(changes, name)
        if value is not None:
            setattr(me, name, value)
    if changes.contact_window is not None:
        me.contact_window = str(changes.contact_window)
    if changes.availability is not None:
        me.availability = changes.availability.value
        me.busy_until = changes.busy_until
    if changes.birthday is not None:
        me.birthday = changes.birthday or None
    if changes.work_anniversary is not None or changes.clear_work_anniversary:
        me.work_anniversary = changes.work_anniversary
    return topics_changed


def show_profile(ctx: Context, member: Member, *, own: bool) -> Reply:
    levels = sorted(member.skill_levels().items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    skills = ", ".join(f"{name} ({level.label})" for name, level in levels) or "none yet"
    fields = [Field("Skills", line(skills))]
    for label, text in (
        ("Can help with", member.can_help_with),
        ("Looking for", member.looking_for),
        ("Bio", member.bio),
    ):
        if text:
            fields.append(Field(label, line(Quote(text))))
    fields.append(Field("Availability", line(availability_text(ctx, member))))
    fields.append(Field("Local time", line(ctx.local_time(member))))
    if own:
        fields += [
            Field("Contact window", line(str(member.window()))),
            Field("Capacity", line(f"{member.capacity} requests per 30 days")),
            Field(
                "Discoverable",
                line(
                    "yes"
                    if member.discoverable
                    else "no (hidden until you set up your profile again)"
                    if member.hidden_until_setup
                    else "no (hidden from searches)"
                ),
            ),
        ]
        if member.birthday:
            fields.append(
                Field("Birthday", line(f"{member.birthday} (your connections are reminded)"))
            )
        if member.work_anniversary:
            fields.append(Field("Work anniversary", line(f"{member.work_anniversary:%Y-%m-%d}")))
    header: Line = line(
        "Your profile" if own else "Profile of ", *(() if own else (mention(member),))
    )
    sections = [Section(text=header, fields=tuple(fields))]
    if own and not member.skills:
        sections.append(
            Section(
                text=line(
                    "Tip: add skills so people can find you, e.g. "
                    '/profile skills="python:expert, public speaking:learning"'
                )
            )
        )
    return Reply(Message(sections=tuple(sections)))


def availability_text(ctx: Context, member: MemberSnapshot) -> str:
    status = member.availability_on(ctx.today(member))
    if status is Availability.BUSY and member.busy_until:
        return f"busy until {member.busy_until:%d %b %Y}"
    if member.is_full(ctx.now):
        return "not taking new requests this month"
    return status.value


async def view_profile(ctx: Context, cmd: ViewProfile) -> Reply:
    if cmd.member is None or cmd.member.user_id == ctx.me.platform_user_id:
        return show_profile(ctx, ctx.me, own=True)
    member = await ctx.member(cmd.member)
    if member.forgotten or not member.discoverable:
        return reply(line(mention(member), " keeps their profile private."))
    return show_profile(ctx, member, own=False)


async def endorse(ctx: Context, cmd: Endorse) -> Reply:
    topic = clean(cmd.topic, "skill", max_len=TOPIC_MAX, required=True)
    member = await ctx.member(cmd.member)
    if member.id == ctx.me.id:
        raise UserError("You can't endorse yourself.", "Ask someone who has seen your work.")
    vocab = await ctx.vocabulary()
    key = vocab.canonical(topic)
    assert member.id is not None and ctx.me.id is not None
    added = await ctx.uow.thanks.add_endorsement(
        Endorsement(ctx.community_id, ctx.me.id, member.id, key, created_at=ctx.now)
    )
    if not added:
        return reply(
            line("You have already endorsed ", mention(member), f" for {vocab.label(key)}.")
        )
    await reindex(ctx, member)
    ctx.dm(
        member,
        reply(line(mention(ctx.me), f" endorsed you for {vocab.label(key)}.")).message,
    )
    return reply(line("Endorsed ", mention(member), f" for {vocab.label(key)}. Thank you!"))


# --- the profile as a form (modals) ------------------------------------------------------

PROFILE_FIELDS: tuple[tuple[str, str, InputKind, str], ...] = (
    (
        "skills",
        "Skills, with level",
        InputKind.LONG_TEXT,
        "python:expert, public speaking:learning",
    ),
    ("help", "What you can help with", InputKind.LONG_TEXT, "in your own words"),
    ("looking", "What you are looking for", InputKind.LONG_TEXT, ""),
    ("bio", "Short bio", InputKind.LONG_TEXT, ""),
    ("tz", "Time zone", InputKind.TEXT, "Europe/Berlin"),
    ("window", "When the bot may DM you", InputKind.TEXT, "weekdays 09:00-18:00"),
    ("availability", "Availability", InputKind.TEXT, "open, busy:YYYY-MM-DD or away"),
    ("capacity", "Requests per 30 days", InputKind.TEXT, "4"),
    ("discoverable", "Shown in /whoknows (yes/no)", InputKind.TEXT, "yes"),
)


async def profile_form(ctx: Context, _cmd: ProfileForm) -> Reply:
    me = ctx.me
    current = {
        "skills": ", ".join(f"{n}:{Level(v).label}" for n, v in me.skills.items()),
        "help": me.can_help_with,
        "looking": me.looking_for,
        "bio": me.bio,
        "tz": me.timezone or "",
        "window": str(me.window()),
        "availability": (
            f"busy:{me.busy_until:%Y-%m-%d}"
            if me.availability == Availability.BUSY and me.busy_until
            else me.availability
        ),
        "capacity": str(me.capacity),
        # Back after forget: saving this form is the setup that makes them findable again.
        "discoverable": "yes" if me.discoverable or me.hidden_until_setup else "no",
    }
    inputs = tuple(
        Input(name, label, kind, placeholder=hint, initial=current[name])
        for name, label, kind, hint in PROFILE_FIELDS
    )
    form = Form("Your profile", Action.PROFILE_SAVE, "", inputs, submit="Save")
    return form_reply("Edit your profile", form)


async def save_profile_form(ctx: Context, cmd: Press) -> Reply:
    """The profile form submitted: every field through the same parser as typed edits.

    Emptied text fields and skills are cleared; other empty fields stay as they were.
    """
    clearable = {"skills", "help", "looking", "bio"}
    pairs = [
        f"{name}={shlex.quote(cmd.inputs.get(name, '').strip())}"
        for name, *_ in PROFILE_FIELDS
        if name in clearable or cmd.inputs.get(name, "").strip()
    ]
    return await edit_profile(ctx, EditProfile(text=" ".join(pairs)))
