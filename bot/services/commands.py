"""What adapters ask the core to do: small frozen dataclasses, platform-neutral."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.profile import ProfileChanges


@dataclass(frozen=True)
class MemberRef:
    """A member as the platform names them (the adapter vouches that they exist)."""

    user_id: str
    display_name: str
    timezone: str | None = None


@dataclass(frozen=True)
class Actor:
    """Who is acting, where."""

    platform: str
    community: str  # the platform's id for the workspace / guild / console community
    user: MemberRef
    is_organiser: bool = False


@dataclass(frozen=True)
class WhoKnows:
    topic: str


@dataclass(frozen=True)
class Intro:
    a: MemberRef
    b: MemberRef
    reason: str


@dataclass(frozen=True)
class Ask:
    helper: MemberRef
    request: str
    topic: str | None = None
    # Let others who know the topic see that I asked (the weekly giver digest may name
    # me); off unless chosen, for this ask only.
    visible: bool = False


@dataclass(frozen=True)
class Thank:
    receiver: MemberRef
    note: str


@dataclass(frozen=True)
class EditProfile:
    """Either parsed changes (modals) or the one-line text syntax."""

    changes: ProfileChanges | None = None
    text: str | None = None


@dataclass(frozen=True)
class ViewProfile:
    member: MemberRef | None = None  # None: my own


@dataclass(frozen=True)
class Endorse:
    member: MemberRef
    topic: str


@dataclass(frozen=True)
class Me:
    pass


@dataclass(frozen=True)
class Topics:
    """The community's most asked topics, and those few members can help with."""


@dataclass(frozen=True)
class Export:
    pass


@dataclass(frozen=True)
class Forget:
    confirmed: bool = False


@dataclass(frozen=True)
class Pause:
    paused: bool = True


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Settings:
    """Organisers only. No key: show all; key without value: show one."""

    key: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class AddAlias:
    alias: str
    topic: str


@dataclass(frozen=True)
class Stats:
    pass


@dataclass(frozen=True)
class Dashboard:
    """/networker dashboard: a one-use link that opens the organisers' dashboard."""


@dataclass(frozen=True)
class ProfileForm:
    """The profile as a form to edit (Slack and Discord modals)."""


@dataclass(frozen=True)
class Home:
    """A member's overview: profile, what is waiting, recent thanks (Slack's App Home)."""


@dataclass(frozen=True)
class Onboard:
    """A new member joined: one welcome DM inviting them to set up a profile, never twice.

    `channel`: they joined this channel (a platform id); only the community's
    `welcome_channel` counts then."""

    channel: str | None = None


@dataclass(frozen=True)
class PromptSwitch:
    """/networker prompts: list the kinds of prompt, or turn one on or off for me."""

    kind: str | None = None
    on: bool = True


@dataclass(frozen=True)
class PairingManage:
    """Organisers: /networker pairing on|off|run|status|set #channel [options]."""

    action: str
    channel: str | None = None
    options: str = ""


@dataclass(frozen=True)
class PairingMember:
    """Members: /networker pairing join|skip|leave [#channel], or status without a channel."""

    action: str
    channel: str | None = None


@dataclass(frozen=True)
class PairingChannelMove:
    """A member joined or left a channel (a platform id): joining a pairing channel opts
    in, leaving it opts out. Other channels: nothing."""

    channel: str
    joined: bool


@dataclass(frozen=True)
class ImportMembers:
    """Organisers: import the association's member list.

    `file`: the attachment's address, where the platform sends one with the command."""

    dry_run: bool = False
    file: str | None = None


@dataclass(frozen=True)
class ExportDirectory:
    """Organisers: the directory of members who chose to be found, as CSV."""


@dataclass(frozen=True)
class Press:
    """A button pressed, with the answers to its form when it had one."""

    action: str
    value: str
    inputs: dict[str, str] = field(default_factory=dict)
    mentioned: MemberRef | None = None  # a member picked in the form


Command = (
    WhoKnows
    | Intro
    | Ask
    | Thank
    | EditProfile
    | ViewProfile
    | Endorse
    | Me
    | Topics
    | Export
    | Forget
    | Pause
    | Help
    | Settings
    | AddAlias
    | Stats
    | Dashboard
    | ProfileForm
    | Home
    | Onboard
    | PromptSwitch
    | PairingManage
    | PairingMember
    | PairingChannelMove
    | ImportMembers
    | ExportDirectory
    | Press
)
