"""The `networker` command as someone trying it out runs it: a real process, scripted stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NETWORKER = Path(sys.executable).parent / "networker"


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without any database or platform settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DATABASE_URL" and not key.startswith(("SLACK_", "DISCORD_"))
    }
    return env | extra


def networker(
    *args: str, cwd: Path, script: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NETWORKER), *args],
        input=script,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or clean_env(),
        timeout=60,
        check=False,
    )


def lines(*commands: str) -> str:
    return "\n".join(commands) + "\n"


def test_console_runs_a_script_and_exits_cleanly_at_end_of_input(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = networker(
        "console",
        "--db",
        str(db),
        cwd=tmp_path,
        script=lines(
            "/whoknows k8s",
            "/as alice",
            '/profile skills="kubernetes:expert" tz=Europe/Berlin',
            "/as carol",
            "/whoknows k8s",
            "/ask @nobody please help me",
            "/ask @alice advice on moving our CI to Kubernetes",
            "/as alice",
            "/press 1",
            "/members",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    banner = "\n".join(out.splitlines()[:4])
    assert banner.startswith("Networker console: a simulated community in your terminal.")
    assert "/as <name>" in banner and "/help" in banner  # how to start
    assert "networker console --demo" in banner and "make demo" in banner
    assert "⚠ Pick who you are first." in out
    assert "carol> /whoknows k8s" in out  # commands read from a pipe are echoed
    assert "People who can help with kubernetes" in out
    assert "⚠ I don't know anyone called @nobody here." in out
    assert "── DM to @alice ──" in out
    assert "@carol is asking for your help with kubernetes." in out
    assert "── group conversation 'carol and alice' with @carol, @alice ──" in out
    assert "Wonderful, you're connected!" in out
    assert out.rstrip().endswith("@alice, @carol")  # the last command ran; then end of input
    assert db.exists()

    # The community is still there next time; /quit ends a script early.
    again = networker(
        "console",
        "--db",
        str(db),
        cwd=tmp_path,
        script=lines("/as dana", "/whoknows kubernetes", "/quit", "/as bob"),
    )
    assert again.returncode == 0, again.stderr
    assert "Why: expert in kubernetes" in again.stdout
    assert "@bob" not in again.stdout


def test_demo_loads_a_labelled_sample_community(tmp_path: Path) -> None:
    result = networker(
        "console",
        "--demo",
        cwd=tmp_path,
        script=lines(
            "/members",
            "/as dana",
            "/whoknows k8s",
            "/ask @ana advice on my first Kubernetes talk",
        ),
    )
    assert result.returncode == 0, result.stderr
    banner = result.stdout.splitlines()[0]
    assert "SAMPLE community" in banner
    assert "30 made-up members" in banner
    assert "Try /as dana then /whoknows k8s" in banner
    assert "lena is an organiser" in banner
    found = result.stdout.split("dana> /whoknows k8s")[1].split("dana> /ask")[0]
    assert "People who can help with kubernetes" in found
    assert "@ana\n    Why: expert in kubernetes" in found
    assert "@zoe" not in found  # capacity 0: never offered
    assert "@gus" in found and "busy until 31 January 2099" in found  # busy: listed, marked
    assert (tmp_path / "networker-demo.db").exists()
    members = next(line for line in result.stdout.splitlines() if line.startswith("  @aiko"))
    assert len(members.split(", ")) == 30

    # The demo starts from a fresh file every time: yesterday's requests are gone.
    again = networker("console", "--demo", cwd=tmp_path, script=lines("/as ana", "/networker me"))
    assert again.returncode == 0, again.stderr
    assert "All clear!" in again.stdout
    assert "@dana" not in again.stdout


def test_run_without_credentials_says_what_to_set_and_uses_a_local_file(tmp_path: Path) -> None:
    result = networker("run", cwd=tmp_path, script="")
    assert result.returncode == 0, result.stderr
    first = result.stderr.splitlines()[0]
    assert "SLACK_BOT_TOKEN" in first
    assert "DISCORD_TOKEN" in first
    assert "networker.db" in first
    assert (tmp_path / "networker.db").exists()
    assert "Networker console:" in result.stdout


def test_db_upgrade(tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'prod.db'}")
    result = networker("db", "upgrade", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Database is up to date."
    assert (tmp_path / "prod.db").exists()


def test_input_ending_at_once_exits_silently_every_time(tmp_path: Path) -> None:
    """50 consoles whose piped input ends at once (the prompt scheduler's first pass is
    still starting): no traceback, nothing on stderr, exit 0, every time."""
    db = tmp_path / "quick.db"
    assert (
        networker(
            "db", "upgrade", cwd=tmp_path, env=clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{db}")
        ).returncode
        == 0
    )

    def start() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(NETWORKER), "console", "--db", str(db)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=clean_env(),
        )

    for _ in range(10):  # five at a time: the machine is shared
        runs = [start() for _ in range(5)]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert err == "", err
            assert "Traceback" not in out and "CancelledError" not in out, out
            assert out.rstrip().endswith("(or: make demo)"), out  # the banner, then nothing
    log = tmp_path / "networker-console.log"
    assert not log.exists() or "Traceback" not in log.read_text()


def test_logs_go_to_a_file_and_escapes_are_not_echoed(tmp_path: Path) -> None:
    result = networker(
        "console",
        "--db",
        str(tmp_path / "e.db"),
        cwd=tmp_path,
        script=lines("\x1b[A/as alice", "/whoknows k8s\x1b[D", "/clock +2d"),
        env=clean_env(LOG_LEVEL="DEBUG"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # nothing between the lines of the conversation
    assert "\x1b" not in result.stdout
    assert "alice> /whoknows k8s\n" in result.stdout
    assert (tmp_path / "networker-console.log").read_text()  # the logs went here


def in_a_terminal(tmp_path: Path, *keys: bytes) -> tuple[str, int]:
    """Run the console on a pseudo-terminal, type `keys` one by one; (screen, exit code)."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the console, as someone starts it in a terminal
        os.chdir(tmp_path)
        os.execve(str(NETWORKER), [str(NETWORKER), "console", "--db", "t.db"], clean_env())
    screen = b""

    def read_until(text: bytes, limit: float = 60) -> None:
        nonlocal screen
        end = time.monotonic() + limit
        while text not in screen and time.monotonic() < end:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    screen += os.read(fd, 65536)
                except OSError:  # the console ended
                    return

    read_until(b"> ")
    for key in keys:
        prompts = screen.count(b"> ")
        os.write(fd, key)
        end = time.monotonic() + 60
        while key.endswith(b"\r") and screen.count(b"> ") <= prompts:  # the answer, then
            assert time.monotonic() < end, screen  # the next prompt
            read_until(b"\x00", 0.5)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done or time.monotonic() > deadline:
            break
        read_until(b"\x00", 0.5)
    os.close(fd)
    assert done, "the console did not end"
    return screen.decode(errors="replace"), os.waitstatus_to_exitcode(status)


def test_a_terminal_has_history_and_ends_cleanly_on_ctrl_d_and_ctrl_c(tmp_path: Path) -> None:
    screen, code = in_a_terminal(tmp_path, b"/as bob\r", b"\x1b[A\r", b"\x04")
    assert code == 0
    assert screen.count("You are now @bob.") == 2  # the up arrow brought the line back
    assert "\x1b[A" not in screen and "^[[A" not in screen
    assert "Traceback" not in screen

    screen, code = in_a_terminal(tmp_path, b"/as ana\r", b"\x03")
    assert code == 0
    assert "You are now @ana." in screen and "Traceback" not in screen
