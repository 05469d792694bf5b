"""Errors a member can fix: each carries a friendly message and what to do instead."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. Raised before anything changes."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} {self.hint}"


class FieldErrors(UserError):
    """A form's answers refused, each with what is wrong with it (by input name)."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()), "Please check the form.")
        super().__init__(first if len(errors) == 1 else f"{first} (and {len(errors) - 1} more)")
        self.errors = dict(errors)
