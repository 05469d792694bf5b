"""Reading an association's member list (CSV) and the rules for applying it.

No I/O here: the file arrives as bytes, rows leave as validated values or as problems
(row number, column, reason). Which member a row names is the platform's business
(bot.services.member_import asks through a port); what a row may change is decided
here, field by field, so a member's own words are never overwritten by an import.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from bot.domain.errors import UserError
from bot.domain.members import MemberSnapshot
from bot.domain.profile import CHAPTER_MAX, ContactWindow, Level, parse_skills, parse_timezone
from bot.domain.text import NAME_MAX, PROFILE_TEXT_MAX, clean

EMAIL_MAX = 254
MAX_ROWS = 200_000  # a bigger file is a mistake, not a member list

# The profile fields an import may fill, in the order they are shown and exported.
FIELDS = (
    "skills",
    "can_help_with",
    "looking_for",
    "chapter",
    "timezone",
    "contact_window",
    "bio",
)
IDENTITY = ("email", "user_id", "username")

# Header spellings, compared lower-case with punctuation and spacing folded to one space.
_HEADERS: Mapping[str, tuple[str, ...]] = {
    "email": ("email", "e mail", "email address", "mail"),
    "user_id": (
        "platform user id",
        "user id",
        "userid",
        "member id",
        "slack id",
        "slack user id",
        "discord id",
        "discord user id",
    ),
    "username": ("username", "user name", "display name", "name", "handle", "full name"),
    "skills": ("skills", "skill", "expertise"),
    "can_help_with": ("can help with", "help with", "offers", "can offer"),
    "looking_for": ("looking for", "seeking", "interests", "wants"),
    "chapter": ("chapter", "group", "chapter group", "chapter or group", "local group"),
    "timezone": ("time zone", "timezone", "tz"),
    "contact_window": ("contact window", "window", "contact hours"),
    "bio": ("bio", "about", "biography"),
}
_BY_HEADER = {spelling: name for name, spellings in _HEADERS.items() for spelling in spellings}
COLUMN_LABELS = {
    "email": "email",
    "user_id": "platform user id",
    "username": "username",
    "skills": "skills",
    "can_help_with": "can help with",
    "looking_for": "looking for",
    "chapter": "chapter",
    "timezone": "time zone",
    "contact_window": "contact window",
    "bio": "bio",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_FOLD = re.compile(r"[^0-9a-z]+")


def fold_header(text: str) -> str:
    return _FOLD.sub(" ", text.strip().lower()).strip()


@dataclass(frozen=True)
class Problem:
    """Why a row (or the file) changed nothing; row 0 is the file itself."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        column = f", {self.column}" if self.column else ""
        return f"{where}{column}: {self.reason}"


@dataclass(frozen=True)
class Identity:
    """How a row names its member; the platform says who that is."""

    email: str = ""
    user_id: str = ""
    username: str = ""

    def describe(self) -> str:
        return self.user_id or self.email or self.username


@dataclass(frozen=True)
class ImportRow:
    """A row that passed every check: whom it names and the values it brings."""

    number: int  # the line's number in the file, the header being row 1
    who: Identity
    values: dict[str, Any]  # field → value, only for cells that were filled


@dataclass
class Table:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: tuple[str, ...] = ()  # the fields the file has a column for
    ignored: tuple[str, ...] = ()  # headers no field matches, as written
    total: int = 0  # data rows read, blank lines included


def decode(data: bytes) -> str:
    """UTF-8, with or without a byte-order mark; anything else is refused whole."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not).",
            "Save it as “CSV UTF-8” and try again.",
        ) from None


def sniff_delimiter(text: str) -> str:
    """`;` or `,`, whichever separates the header (Excel writes `;` in many locales)."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=";,").delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def read_table(data: bytes) -> Table:
    """Parse and check every row; raise UserError only for a file that can't be read."""
    text = decode(data)
    if not text.strip():
        raise UserError("The file is empty.", "Export the member list with a header row.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader)
    except csv.Error as error:
        raise UserError(f"The header row can't be read: {error}.") from None
    columns, ignored = _columns(header)
    table = Table(columns=tuple(n for n in columns if n is not None), ignored=ignored)
    seen: dict[tuple[str, str], int] = {}
    try:
        for cells in reader:
            table.total += 1
            if table.total > MAX_ROWS:
                raise UserError(f"The file has more than {MAX_ROWS:,} rows.", "Split it up.")
            # Rows are numbered as a spreadsheet shows them: the header is row 1.
            _read_row(table, table.total + 1, cells, columns, seen)
    except csv.Error as error:  # the rows after it can't be trusted either: refuse it all
        raise UserError(
            f"Row {table.total + 2} of the file can't be read ({error}); nothing was imported.",
            "Save the file again as CSV UTF-8 and check that row.",
        ) from None
    return table


def _columns(header: list[str]) -> tuple[list[str | None], tuple[str, ...]]:
    columns: list[str | None] = []
    ignored: list[str] = []
    for cell in header:
        name = _BY_HEADER.get(fold_header(cell))
        if name is not None and name in columns:
            raise UserError(
                f"The column “{cell.strip()}” appears twice.", "Keep one column per field."
            )
        columns.append(name)
        if name is None and cell.strip():
            ignored.append(cell.strip())
    if not any(n in IDENTITY for n in columns):
        raise UserError(
            "The file has no column to find members by.",
            "Add a column named email, platform user id or username.",
        )
    return columns, tuple(ignored)


def _read_row(
    table: Table,
    number: int,
    cells: list[str],
    columns: list[str | None],
    seen: dict[tuple[str, str], int],
) -> None:
    raw = {
        name: cell.strip()
        for name, cell in zip(columns, cells, strict=False)
        if name is not None and cell.strip()
    }
    if not any(cell.strip() for cell in cells):
        table.problems.append(Problem(number, "", "empty row"))
        return
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, cell in raw.items():
        try:
            values[name] = parse_cell(name, cell)
        except UserError as error:
            problems.append(Problem(number, COLUMN_LABELS[name], error.message))
    who = Identity(values.pop("email", ""), values.pop("user_id", ""), values.pop("username", ""))
    if not problems and not who.describe():
        problems.append(
            Problem(number, "", "no email, platform user id or username to find the member by")
        )
    for name in IDENTITY:
        key = getattr(who, name)
        if not key:
            continue
        first = seen.setdefault((name, key.casefold()), number)
        if first != number:
            problems.append(
                Problem(
                    number, COLUMN_LABELS[name], f"the same {COLUMN_LABELS[name]} as row {first}"
                )
            )
    if problems:
        table.problems.extend(problems)
        return
    table.rows.append(ImportRow(number, who, values))


def parse_cell(name: str, cell: str) -> Any:
    """One filled cell, checked as a member's own edit would be; raises UserError."""
    if name == "email":
        email = clean(cell, "email", max_len=EMAIL_MAX).lower()
        if not _EMAIL.match(email):
            raise UserError(f"“{cell}” is not an email address.")
        return email
    if name in ("user_id", "username"):
        value = clean(cell, COLUMN_LABELS[name], max_len=NAME_MAX if name == "username" else 64)
        return value.removeprefix("@") if name == "username" else value
    if name == "skills":
        # `python:expert; grant writing`: `;` separates skills as `,` does in /profile.
        skills = parse_skills(cell.replace(";", ","))
        return {topic: int(level) for topic, level in skills.items()}
    if name in ("can_help_with", "looking_for", "bio"):
        return clean(cell, COLUMN_LABELS[name], max_len=PROFILE_TEXT_MAX)
    if name == "chapter":
        return clean(cell, "chapter", max_len=CHAPTER_MAX)
    if name == "timezone":
        return _timezone(cell)
    if name == "contact_window":
        return _window(cell)
    raise KeyError(name)


# A list repeats a few zones and windows thousands of times: each is read once.
@lru_cache(maxsize=1024)
def _timezone(cell: str) -> str:
    return parse_timezone(cell)


@lru_cache(maxsize=1024)
def _window(cell: str) -> str:
    return str(ContactWindow.parse(cell))


# --- applying a row to a member ---------------------------------------------------------


class Consent(StrEnum):
    PENDING = "pending"  # asked (or about to be): hidden meanwhile
    AGREED = "agreed"  # "Looks right: show me"
    HIDDEN = "hidden"  # "Keep me hidden"


@dataclass(eq=False)
class ImportRecord:
    """What the association's list said about one member, and what the member said.

    `imported`: each field's value as the last import set it. `own`: the fields the member
    entered or changed themselves; an import never touches those again."""

    member_id: int
    community_id: int
    imported: dict[str, Any] = field(default_factory=dict)
    own: list[str] = field(default_factory=list)
    consent: str = Consent.PENDING.value
    imported_at: datetime | None = None
    answered_at: datetime | None = None


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def member_owns(member: MemberSnapshot, record: ImportRecord | None, name: str) -> bool:
    """The member's own value: marked so, changed since the import set it, or there
    before any import (a member's own profile)."""
    current = getattr(member, name)
    if record is None:
        return not is_empty(current)
    if name in record.own:
        return True
    if name in record.imported:
        return bool(current != record.imported[name])
    return not is_empty(current)


def apply_row(member: MemberSnapshot, record: ImportRecord, values: Mapping[str, Any]) -> list[str]:
    """Set what came from the list, never what the member wrote; the fields changed.

    Fields the member owns are marked so in the record, so that even a later edit back
    to the imported value stays theirs."""
    changed = []
    # New containers, not edits in place: the store saves JSON columns on assignment.
    imported, owned = dict(record.imported), list(record.own)
    for name in FIELDS:
        if name not in values:
            continue
        if member_owns(member, record, name):
            if name not in owned:
                owned.append(name)
            continue
        imported[name] = values[name]
        if getattr(member, name) != values[name]:
            setattr(member, name, values[name])
            changed.append(name)
    if imported != record.imported:
        record.imported = imported
    if owned != record.own:
        record.own = owned
    return changed


def mark_own(record: ImportRecord, names: Iterable[str]) -> None:
    """The member changed these fields themselves: theirs from now on."""
    added = [n for n in names if n in FIELDS and n not in record.own]
    if added:
        record.own = [*record.own, *added]


def skills_text(skills: Mapping[str, int]) -> str:
    return "; ".join(f"{name}:{Level(level).label}" for name, level in skills.items())


# --- writing CSV that spreadsheets open safely -----------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading
    apostrophe (the OWASP advice), so `=HYPERLINK(…)` is never run by whoever opens it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    """Every CSV the project writes goes through here."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


T = TypeVar("T")


def iter_chunks(rows: Sequence[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])
