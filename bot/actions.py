"""Every button and form the bot shows, by one stable id.

The values travel through the platforms (Slack action ids, Discord custom ids, the
console's /press) and come back with a press, so they never change once released.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CONSENT_ACCEPT = "consent.accept"
    CONSENT_NOT_NOW = "consent.not_now"
    CONSENT_DECLINE = "consent.decline"
    CONSENT_DECLINE_SUBMIT = "consent.decline_submit"  # the decline form, with its note
    SUGGEST_ACCEPT = "suggest.accept"
    SUGGEST_DISMISS = "suggest.dismiss"
    DRAFT_SEND = "draft.send"
    DRAFT_RETARGET = "draft.retarget"
    DRAFT_CANCEL = "draft.cancel"
    ASK_START = "ask.start"  # "Ask for help" under a /whoknows result
    ASK_VISIBILITY = "ask.visibility"  # let others who know the topic see I asked, or not
    ASKS_POST = "asks.post"  # post an unanswered ask in the asks channel
    PROFILE_EDIT = "profile.edit"
    PROFILE_SAVE = "profile.save"
    PROFILE_LEVELS = "profile.levels"  # open the skill levels step (value: first skill)
    PROFILE_LEVELS_SAVE = "profile.levels_save"
    PROFILE_PREFS = "profile.prefs"  # open the availability and DMs step
    PROFILE_PREFS_SAVE = "profile.prefs_save"
    SETTINGS_FORM = "settings.form"  # organisers: the settings with choices, as a form
    SETTINGS_SAVE = "settings.save"
    ACCOUNT_PAUSE = "account.pause"
    ACCOUNT_RESUME = "account.resume"
    FORGET_CONFIRM = "forget.confirm"
    FOLLOWUP_HELPFUL = "followup.helpful"
    FOLLOWUP_TALKED = "followup.talked"
    FOLLOWUP_NOT_YET = "followup.not_yet"
    FOLLOWUP_NO = "followup.no"
    THANKS_START = "thanks.start"
    PAIRING_YES = "pairing.yes"  # "did you meet?" answers
    PAIRING_NOT_YET = "pairing.not_yet"
    PAIRING_NO = "pairing.no"
    PAIRING_SKIP = "pairing.skip"  # on the reminder the day before a round
    PAIRING_JOIN = "pairing.join"  # on the announcement in the pairing channel
    PAIRING_REJOIN = "pairing.rejoin"  # back in the rounds after a pause for silence
    IMPORT_SHOW = "import.show"  # an imported profile: "Looks right: show me"
    IMPORT_HIDE = "import.hide"  # an imported profile: "Keep me hidden"
    THANKS_SHARE = "thanks.share"  # post a thank-you on the thanks wall: the sender chose to
    THANKS_KEEP_PRIVATE = "thanks.keep_private"

    @classmethod
    def parse(cls, text: str) -> Action | None:
        """The action a platform sent back, or None for one we don't know (any more)."""
        try:
            return cls(text)
        except ValueError:
            return None
