"""`networker import` and `networker directory` as an organiser runs them on the console
community: a real process, a real file, the progress bar on the terminal."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.e2e.test_cli import clean_env, lines, networker

MEMBERS = (
    "\ufeffUsername;Skills;Bio;Shoe size\r\n"
    'ana;"python:expert; grant writing";"=HYPERLINK(""http://x.example"",""hi"")";38\r\n'
    "ben;rust:guru;;41\r\n"
    "nobody;go;;40\r\n"
)


def test_an_import_shows_progress_and_a_summary_and_reports_every_rejected_row(
    tmp_path: Path,
) -> None:
    db = tmp_path / "club.db"
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{db}")
    made = networker("console", "--db", str(db), cwd=tmp_path, script=lines("/as ana", "/as ben"))
    assert made.returncode == 0, made.stderr
    (tmp_path / "members.csv").write_text(MEMBERS, encoding="utf-8")

    checked = networker("import", "members.csv", "--dry-run", cwd=tmp_path, env=env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("Checked (dry run, nothing was changed): 3 rows")

    done = networker("import", "members.csv", "--report", "problems.csv", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "applying" in done.stderr and "100%" in done.stderr  # the progress bar
    out = done.stdout.splitlines()
    assert out[0] == ("Imported: 3 rows · 1 matched · 1 new · 0 updated · 0 unchanged · 2 rejected")
    assert "Columns ignored: Shoe size" in out
    assert "  row 3, skills: “guru” is not a skill level." in out
    assert "  row 4, username: matches no member on Console" in out
    with (tmp_path / "problems.csv").open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f))[1:] == [
            ["3", "skills", "“guru” is not a skill level."],
            ["4", "username", "matches no member on Console"],
        ]

    # Ana was imported but has not agreed: the directory leaves her out.
    directory = networker("directory", cwd=tmp_path, env=env)
    assert directory.returncode == 0, directory.stderr
    rows = list(csv.reader(directory.stdout.splitlines()))
    assert rows[0][:2] == ["username", "platform user id"]
    assert [r[0] for r in rows[1:]] == ["ben"]  # the console's own member, discoverable


def test_an_unreadable_file_changes_nothing_and_says_why(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'club.db'}")
    (tmp_path / "members.csv").write_bytes("email\nzoë@x.org\n".encode("latin-1"))
    failed = networker("import", "members.csv", cwd=tmp_path, env=env)
    assert failed.returncode == 1
    assert "The file is not UTF-8 text" in failed.stderr
    missing = networker("import", "nothere.csv", cwd=tmp_path, env=env)
    assert missing.returncode == 2
    assert "Can't read nothere.csv" in missing.stderr
