"""Every command and button, declared once.

Adding a `/networker` subcommand: a command dataclass in `commands.py`, one
`CommandSpec` here, its handler, and its test. The text parser (console, Slack), the
Discord command tree, the Slack manifest, `/networker help` and the organiser check
all follow from the declaration.
"""

from __future__ import annotations

from bot.actions import Action
from bot.domain.errors import UserError
from bot.messages import Reply
from bot.prompts.kinds import KIND_LABELS, SWITCHABLE
from bot.services import (
    account,
    connections,
    dashboard,
    followups,
    help,
    member_import,
    organiser,
    pairing,
    profile_forms,
    profiles,
    search,
    settings_form,
    thanks,
    topics,
)
from bot.services import commands as c
from bot.services.context import Context
from bot.services.declarations import (
    Arg,
    ArgKind,
    Args,
    ButtonSpec,
    CommandSpec,
    Registry,
    Use,
)

NETWORKER = "networker"

# --- builders for commands whose arguments choose between command types ---------------


def _profile(args: Args) -> c.Command:
    member, changes = args.member("member"), args.text("changes").strip()
    if member is not None:
        if changes:
            raise UserError("You can only edit your own profile.", "Use /profile key=value …")
        return c.ViewProfile(member)
    if changes:
        return c.EditProfile(text=changes)
    # A bare /profile opens the form where the platform has forms, else shows the profile.
    return c.ProfileForm() if args.forms else c.EditProfile(text="")


def _settings(args: Args) -> c.Command:
    key, value = args["key"], args["value"]
    if key and value is None and "=" in key:  # `key=value` given as one option (Discord)
        key, _, value = key.partition("=")
    key = (key or "").strip() or None
    value = (value or "").strip() or None
    return c.Settings(key, value)


def _prompts(args: Args) -> c.Command:
    switch, kind = args.text("switch").lower(), args.text("kind").strip()
    if not switch and not kind:
        return c.PromptSwitch()
    if switch not in ("on", "off") or not kind:
        raise UserError(
            "Usage: /networker prompts [on|off <kind>]",
            "Pick both on or off and a kind, e.g. /networker prompts off keep_in_touch; "
            "/networker prompts alone lists the kinds.",
        )
    return c.PromptSwitch(kind, on=switch == "on")


def _pairing(args: Args) -> c.Command:
    action, channel, options = args.text("action"), args["channel"], args.text("options")
    if action in pairing.MANAGE and not (action == "status" and channel is None):
        return c.PairingManage(action, channel, options.strip())
    if options.strip():
        raise UserError(
            f"/networker pairing {action} takes only a channel.",
            f"e.g. /networker pairing {action} #coffee",
        )
    return c.PairingMember(action, channel)


# Typed after the request (`/ask @ana … --visible`), on every platform: let others who
# know the topic see that I asked. Marked, so a request ending in "visible" stays words.
VISIBLE_FLAGS = ("--visible", "[visible]", "(visible)")


def _ask(args: Args) -> c.Command:
    helper, request = args.member("member"), args.text("request").strip()
    if helper is None:
        raise UserError("Start with the member to ask.", "e.g. /ask @ana <what you need>")
    last = request.rsplit(maxsplit=1)
    visible = bool(last) and last[-1].lower() in VISIBLE_FLAGS
    if visible:
        request = request[: -len(last[-1])].strip()
    return c.Ask(helper, request, visible=visible)


# --- button handlers that reuse a command's use case ------------------------------------


async def _forget_button(ctx: Context, _cmd: c.Press) -> Reply:
    return await account.forget(ctx, c.Forget(confirmed=True))


async def _help(_ctx: Context, cmd: c.Help) -> Reply:
    return help.help_reply(REGISTRY, cmd.topic)


# --- the declarations -------------------------------------------------------------------


def _member(field: str) -> Arg:
    return Arg("member", ArgKind.MEMBER, "who", field=field)


_pause = Use(c.Pause, account.pause)
_help_use = Use(c.Help, _help, read_only=True)
_kinds = tuple((k.value, f"{k.value}: {KIND_LABELS[k]}") for k in SWITCHABLE)

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        ("whoknows",),
        "find members who can help with a topic (only you see the answer)",
        (Use(c.WhoKnows, search.who_knows, read_only=True),),
        (Arg("topic", ArgKind.TOPIC, "e.g. kubernetes, public speaking, grant writing"),),
        example="/whoknows kubernetes",
    ),
    CommandSpec(
        ("intro",),
        "introduce two members; both must accept before they're connected",
        (Use(c.Intro, connections.intro),),
        (
            Arg("a", ArgKind.MEMBER, "one person"),
            Arg("b", ArgKind.MEMBER, "the other"),
            Arg("why", ArgKind.TEXT, "why they should meet", field="reason"),
        ),
        example="/intro @ana @ben Both of you are planning a Kubernetes migration this year",
    ),
    CommandSpec(
        ("ask",),
        "ask someone for help; they accept or decline privately",
        (Use(c.Ask, connections.ask),),
        (
            _member("helper"),
            Arg(
                "request",
                ArgKind.TEXT,
                "what you need, specifically; end with --visible to let others who know it see",
                field="request",
            ),
        ),
        build=_ask,
        example="/ask @ana Could you review my grant proposal's budget section?",
        usage_override="@member <what you need> [--visible]",
        details=(
            "An ask is private between you and the member you ask. End it with --visible "
            "to let members who know its topic see, in their weekly digest, that you asked "
            "(never your words); the answer to /ask has a button for it too."
        ),
    ),
    CommandSpec(
        ("thanks",),
        "thank someone; they (and any introducer) hear it privately",
        (Use(c.Thank, thanks.thank),),
        (_member("receiver"), Arg("note", ArgKind.TEXT, "for what")),
        example="/thanks @ana for the thorough review of my CV",
        usage_override="@member <for what>",
    ),
    CommandSpec(
        ("profile",),
        "show or edit your profile; /profile @member shows a member's, if they share it",
        (
            Use(c.EditProfile, profiles.edit_profile, needs_profile=True),
            Use(c.ViewProfile, profiles.view_profile, read_only=True),
            Use(c.ProfileForm, profile_forms.profile_form, read_only=True, needs_profile=True),
        ),
        (
            Arg("member", ArgKind.MEMBER, "view this member's profile", required=False),
            Arg(
                "changes",
                ArgKind.TEXT,
                'edit in one line, e.g. skills="python:expert" tz=Europe/Berlin',
                required=False,
            ),
        ),
        build=_profile,
        example='/profile skills="python:expert, grant writing" tz=Europe/Berlin',
        usage_override="[@member | key=value …]",
    ),
    CommandSpec(
        (NETWORKER, "help"),
        "every command, or how to use one",
        (_help_use,),
        (Arg("command", ArgKind.TEXT, "a command to explain, e.g. intro", required=False),),
        build=lambda args: c.Help(args.text("command").strip() or None),
        example="/networker help intro",
    ),
    CommandSpec(
        (NETWORKER, "me"),
        "what's waiting for you, and your give/ask balance",
        (Use(c.Me, account.me, read_only=True),),
    ),
    CommandSpec(
        (NETWORKER, "topics"),
        "the most asked topics, and those few members can help with (counts only)",
        (Use(c.Topics, topics.topics, read_only=True),),
    ),
    CommandSpec(
        (NETWORKER, "endorse"),
        "vouch for someone's skill",
        (Use(c.Endorse, profiles.endorse),),
        (_member("member"), Arg("skill", ArgKind.TOPIC, "the skill you vouch for", field="topic")),
        example="/networker endorse @ana grant writing",
    ),
    CommandSpec(
        (NETWORKER, "pause"),
        "stop all DMs from the bot (reminders wait)",
        (_pause,),
        build=lambda _args: c.Pause(True),
    ),
    CommandSpec(
        (NETWORKER, "resume"),
        "start the bot's DMs again",
        (_pause,),
        build=lambda _args: c.Pause(False),
    ),
    CommandSpec(
        (NETWORKER, "prompts"),
        "which reminders and follow-ups the bot may send you; turn one kind off or on",
        (Use(c.PromptSwitch, followups.prompt_switch),),
        (
            Arg(
                "switch",
                ArgKind.CHOICE,
                "turn one kind on or off (leave both empty to list them)",
                required=False,
                choices=(("on", "on"), ("off", "off")),
            ),
            Arg("kind", ArgKind.CHOICE, "which kind of message", required=False, choices=_kinds),
        ),
        build=_prompts,
        example="/networker prompts off keep_in_touch",
        usage_override="[on|off <kind>]",
    ),
    CommandSpec(
        (NETWORKER, "pairing"),
        "1:1 pairing rounds: join, skip or leave; organisers: on, off, run, status, set",
        (
            Use(c.PairingMember, pairing.member),
            Use(c.PairingManage, pairing.manage, organiser=True, needs_profile=True),
        ),
        (
            Arg(
                "action",
                ArgKind.CHOICE,
                "what to do",
                choices=tuple((a, a) for a in (*pairing.JOIN, *pairing.MANAGE)),
            ),
            Arg("channel", ArgKind.CHANNEL, "the pairing channel", required=False),
            Arg(
                "options",
                ArgKind.TEXT,
                "organisers: every=1w|2w|4w day=mon..fri time=10:00 size=2|3",
                required=False,
            ),
        ),
        build=_pairing,
        example="/networker pairing on #coffee every=2w day=thu time=10:00 size=2",
        details=(
            "Members: join #channel, skip (the next round only), leave, status. "
            "Organisers: on #channel [every=1w|2w|4w] [day=mon..fri] [time=10:00] [size=2|3], "
            "off, run (a round now), status, set #channel key=value (ghost_rounds, "
            "check_after_days, newcomer_days)."
        ),
        usage_override="<action> [#channel] [options]",
    ),
    CommandSpec(
        (NETWORKER, "profile"),
        "edit your profile in a form",
        (Use(c.ProfileForm, profile_forms.profile_form, read_only=True, needs_profile=True),),
    ),
    CommandSpec(
        (NETWORKER, "export"),
        "all your data as JSON",
        (Use(c.Export, account.export, read_only=True),),
    ),
    CommandSpec(
        (NETWORKER, "forget"),
        "delete your profile and everything you wrote (asks to confirm)",
        (Use(c.Forget, account.forget),),
        build=lambda _args: c.Forget(),
    ),
    CommandSpec(
        (NETWORKER, "settings"),
        "organisers: community settings",
        (Use(c.Settings, organiser.settings, organiser=True, needs_profile=True),),
        (
            Arg("key", ArgKind.KEY, "the setting to show or change", required=False),
            Arg("value", ArgKind.VALUE, "its new value", required=False),
        ),
        build=_settings,
        example="/networker settings asks_channel=#asks",
        usage_override="[key[=value]]",
    ),
    CommandSpec(
        (NETWORKER, "alias"),
        "organisers: teach a new abbreviation, e.g. k8s kubernetes",
        (Use(c.AddAlias, organiser.add_alias, organiser=True, needs_profile=True),),
        (
            Arg("alias", ArgKind.WORD, "the abbreviation, e.g. k8s"),
            Arg("topic", ArgKind.TOPIC, "what it stands for, e.g. kubernetes"),
        ),
        example="/networker alias k8s kubernetes",
    ),
    CommandSpec(
        (NETWORKER, "import"),
        "organisers: import the member list (CSV); members stay hidden until they agree",
        (Use(c.ImportMembers, member_import.import_help, read_only=True, organiser=True),),
        (
            Arg("file", ArgKind.ATTACHMENT, "the member list, a CSV file", required=False),
            Arg(
                "mode",
                ArgKind.CHOICE,
                "dry-run: check the file without changing anything",
                required=False,
                choices=(("dry-run", "dry-run"),),
            ),
        ),
        build=lambda args: c.ImportMembers(
            dry_run=args.text("mode") == "dry-run", file=args.text("file") or None
        ),
        example="/networker import dry-run",
        details="On the command line: networker import members.csv [--dry-run].",
    ),
    CommandSpec(
        (NETWORKER, "directory"),
        "organisers: the directory of members who chose to be found, as CSV",
        (
            Use(
                c.ExportDirectory,
                member_import.export_directory,
                read_only=True,
                organiser=True,
            ),
        ),
    ),
    CommandSpec(
        (NETWORKER, "stats"),
        "organisers: how the network is doing",
        (Use(c.Stats, organiser.stats, organiser=True, needs_profile=True),),
    ),
    CommandSpec(
        (NETWORKER, "dashboard"),
        "organisers: a private link to the dashboard in your browser (works once, 15 minutes)",
        (Use(c.Dashboard, dashboard.dashboard, organiser=True, needs_profile=True),),
    ),
)

BUTTONS: tuple[ButtonSpec, ...] = (
    ButtonSpec(Action.CONSENT_ACCEPT, connections.answer, replaces=True),
    ButtonSpec(Action.CONSENT_NOT_NOW, connections.answer, replaces=True),
    ButtonSpec(Action.CONSENT_DECLINE, connections.answer, replaces=True),
    ButtonSpec(Action.CONSENT_DECLINE_SUBMIT, connections.answer, replaces=True),
    ButtonSpec(Action.SUGGEST_ACCEPT, connections.suggestion, replaces=True),
    ButtonSpec(Action.SUGGEST_DISMISS, connections.suggestion, replaces=True),
    ButtonSpec(Action.DRAFT_SEND, connections.draft, replaces=True),
    ButtonSpec(Action.DRAFT_RETARGET, connections.draft, replaces=True),
    ButtonSpec(Action.DRAFT_CANCEL, connections.draft, replaces=True),
    ButtonSpec(Action.ASK_START, connections.ask_from_search),
    ButtonSpec(Action.ASK_VISIBILITY, connections.ask_visibility, replaces=True),
    ButtonSpec(Action.ASKS_POST, connections.post_ask),
    ButtonSpec(Action.PROFILE_EDIT, profile_forms.open_about),
    ButtonSpec(Action.PROFILE_SAVE, profile_forms.save_about),
    ButtonSpec(Action.PROFILE_LEVELS, profile_forms.open_levels),
    ButtonSpec(Action.PROFILE_LEVELS_SAVE, profile_forms.save_levels),
    ButtonSpec(Action.PROFILE_PREFS, profile_forms.open_prefs),
    ButtonSpec(Action.PROFILE_PREFS_SAVE, profile_forms.save_prefs),
    ButtonSpec(Action.SETTINGS_FORM, settings_form.open_settings),
    ButtonSpec(Action.SETTINGS_SAVE, settings_form.save_settings),
    ButtonSpec(Action.ACCOUNT_PAUSE, account.pause_button),
    ButtonSpec(Action.ACCOUNT_RESUME, account.pause_button),
    ButtonSpec(Action.FORGET_CONFIRM, _forget_button),
    ButtonSpec(Action.FOLLOWUP_HELPFUL, followups.connect_answer, replaces=True),
    ButtonSpec(Action.FOLLOWUP_TALKED, followups.connect_answer, replaces=True),
    ButtonSpec(Action.FOLLOWUP_NOT_YET, followups.connect_answer, replaces=True),
    ButtonSpec(Action.FOLLOWUP_NO, followups.connect_answer, replaces=True),
    ButtonSpec(Action.THANKS_START, followups.thanks_start),
    ButtonSpec(Action.PAIRING_YES, pairing.answer, replaces=True),
    ButtonSpec(Action.PAIRING_NOT_YET, pairing.answer, replaces=True),
    ButtonSpec(Action.PAIRING_NO, pairing.answer, replaces=True),
    ButtonSpec(Action.PAIRING_SKIP, pairing.skip_button, replaces=True),
    ButtonSpec(Action.PAIRING_JOIN, pairing.rejoin),  # a private answer; the post stays
    ButtonSpec(Action.PAIRING_REJOIN, pairing.rejoin, replaces=True),
    ButtonSpec(Action.IMPORT_SHOW, member_import.answer, replaces=True),
    ButtonSpec(Action.IMPORT_HIDE, member_import.answer, replaces=True),
    ButtonSpec(Action.THANKS_SHARE, thanks.share, replaces=True),
    ButtonSpec(Action.THANKS_KEEP_PRIVATE, thanks.keep_private, replaces=True),
)

REGISTRY = Registry(
    COMMANDS,
    BUTTONS,
    internal=(
        Use(c.Home, account.home, read_only=True),
        Use(c.Onboard, account.onboard),
        Use(c.PairingChannelMove, pairing.channel_move),
    ),
)
