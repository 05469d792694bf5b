"""The one DM a member gets after their association imported their profile: shown to
nobody until they say "Looks right: show me"."""

from __future__ import annotations

from bot.actions import Action
from bot.domain.member_import import FIELDS, Consent, skills_text
from bot.domain.members import MemberSnapshot
from bot.domain.prompts import Prompt, PromptKind
from bot.messages import Button, Field, Line, Message, Quote, Section, Style, line
from bot.prompts.batch import Batch
from bot.prompts.spec import About, PromptKindSpec, Skip, Verdict

LABELS = {
    "skills": "Skills",
    "can_help_with": "Can help with",
    "looking_for": "Looking for",
    "chapter": "Chapter",
    "timezone": "Time zone",
    "contact_window": "Contact window",
    "bio": "Bio",
}


def profile_fields(member: MemberSnapshot) -> tuple[Field, ...]:
    """The fields an import fills, as the member's profile has them now."""
    shown = []
    for name in FIELDS:
        value = getattr(member, name)
        if not value:
            continue
        text: Line = line(skills_text(value)) if name == "skills" else line(Quote(str(value)))
        shown.append(Field(LABELS[name], text))
    return tuple(shown)


def consent_message(member: MemberSnapshot) -> Message:
    fields = profile_fields(member)
    return Message(
        sections=(
            Section(
                text=line(
                    "Your association shared this profile with Networker. Nobody can find "
                    "you here until you say so:"
                ),
                fields=fields or (Field("Profile", line("nothing filled in yet")),),
            ),
            Section(
                text=line(
                    "Show it, so members who need what you know can ask you; edit it "
                    "first; or keep it hidden (you can change your mind with /profile)."
                )
            ),
        ),
        buttons=(
            Button("Looks right: show me", Action.IMPORT_SHOW, "", Style.PRIMARY),
            Button("Edit", Action.PROFILE_EDIT, ""),
            Button("Keep me hidden", Action.IMPORT_HIDE, ""),
        ),
    )


async def _render(batch: Batch, prompt: Prompt) -> Verdict:
    record = (await batch.uow.imports.many([prompt.recipient_id])).get(prompt.recipient_id)
    if record is None or record.consent != Consent.PENDING:
        return Skip("answered")
    member = (await batch.people([prompt.recipient_id])).get(prompt.recipient_id)
    if member is None or member.forgotten:
        return Skip("member gone")
    return consent_message(member)


IMPORT_CONSENT = PromptKindSpec(
    PromptKind.IMPORT_CONSENT,
    None,  # the only way to be shown: it can't be switched off
    About.NOTHING,
    "import:{recipient}",  # once per member, however often the list is imported
    _render,
)
