"""/profile: edit one's own profile, view anyone's visible profile; /networker endorse."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.errors import UserError
from bot.domain.members import Member, MemberSnapshot
from bot.domain.profile import (
    MAX_SKILLS,
    Availability,
    Level,
    ProfileChanges,
    merge_skills,
    parse_profile_edit,
    skill_key,
    validated,
)
from bot.domain.text import TOPIC_MAX, clean
from bot.domain.thanks import Endorsement
from bot.domain.wording import day_text, month_day_text, plural
from bot.messages import (
    Field,
    Line,
    Message,
    Quote,
    Reply,
    Section,
    line,
    reply,
)
from bot.services import member_import
from bot.services.commands import EditProfile, Endorse, ViewProfile
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
    vocab = await ctx.vocabulary()
    before = member_import.snapshot(me)
    topics_changed = apply_changes(me, changes, vocab.canonical)
    await member_import.member_edited(ctx, me, before)
    if topics_changed:
        await reindex(ctx, me)
    if (me.birthday, me.work_anniversary) != occasions:
        await ctx.prompts.occasions_changed(me)
    if me.skills or me.can_help_with:
        await ctx.prompts.giver_digest(me)
    await refresh_load(ctx, me)  # capacity, availability or visibility may have changed
    shown = show_profile(ctx, me, own=True)
    said = [Section(text=line("Saved. Here is your profile now:"))]
    said += [Section(text=line(note)) for note in dict.fromkeys(changes.notes)]
    if changes.contact_window is not None:  # "daily 9-5": say how it was read
        said.append(
            Section(
                text=line(f"I read your contact window as {changes.contact_window.describe()}.")
            )
        )
    return Reply(Message(sections=(*said, *shown.message.sections)))


def apply_changes(
    me: Member, changes: ProfileChanges, same: Callable[[str], str] = skill_key
) -> bool:
    """Apply a validated edit; True when what /whoknows reads (skills, the "can help
    with" and "looking for" texts) changed.

    `same` names the skill a name means: one written two ways (k8s, Kubernetes) is
    merged at the higher level, and `changes.notes` says so."""
    skills = dict(me.skills)
    if changes.skills is not None:
        listed = [(name, Level(level)) for name, level in changes.skills.items()]
        skills = {n: int(v) for n, v in merge_skills(listed, changes.notes, same).items()}
    for name, level in changes.add_skills.items():
        twins = {k: v for k, v in skills.items() if same(k) == same(name)}
        skills = {k: v for k, v in skills.items() if k not in twins}
        if any(k.casefold() != name.casefold() for k in twins):
            best = Level(max([int(level), *twins.values()]))
            names = " and ".join(f"“{n}”" for n in [*twins, name])
            changes.notes.append(
                f"{names} are the same skill: kept once, as {name} ({best.label})."
            )
            skills[name] = int(best)
        else:
            skills[name] = int(level)  # the same name again: a new level
    for name in changes.remove_skills:
        remaining = {k: v for k, v in skills.items() if k.casefold() != name.casefold()}
        if len(remaining) == len(skills):
            raise UserError(f"“{name}” is not one of your skills, so nothing was removed.")
        skills = remaining
    if len(skills) > MAX_SKILLS and len(skills) > len(me.skills):
        raise UserError(
            f"That would be more than {MAX_SKILLS} skills.",
            "Keep the ones you would help with; the rest can go in your own words (help=…).",
        )
    topics_changed = (
        skills != me.skills
        or (changes.can_help_with is not None and changes.can_help_with != me.can_help_with)
        or (changes.looking_for is not None and changes.looking_for != me.looking_for)
    )
    me.skills = skills
    if me.hidden_until_setup:  # back after forget: this profile is their setup
        me.hidden_until_setup = False
        me.discoverable = True
    for name in (
        "can_help_with",
        "looking_for",
        "bio",
        "chapter",
        "timezone",
        "capacity",
        "discoverable",
    ):
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
        ("Chapter", member.chapter),
    ):
        if text:
            fields.append(Field(label, line(Quote(text))))
    fields.append(Field("Availability", line(availability_text(ctx, member))))
    fields.append(Field("Local time", line(ctx.local_time(member))))
    if own:
        fields += [
            Field("Contact window", line(str(member.window()))),
            Field("Capacity", line(f"{plural(member.capacity, 'request')} per 30 days")),
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
                Field(
                    "Birthday",
                    line(f"{month_day_text(member.birthday)} (your connections are reminded)"),
                )
            )
        if member.work_anniversary:
            fields.append(Field("Work anniversary", line(day_text(member.work_anniversary))))
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
        return f"busy until {day_text(member.busy_until, ctx.today(member))}"
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
