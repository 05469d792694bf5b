"""`networker slack manifest`: a Slack app manifest ready to paste, HTTP or Socket Mode."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adapters.cli import main

COMMANDS = ["/whoknows", "/intro", "/ask", "/thanks", "/profile", "/networker"]
EVENTS = {
    "app_home_opened",
    "team_join",
    "member_joined_channel",
    "member_left_channel",
    "app_uninstalled",
    "tokens_revoked",
    "message.im",
}
SCOPES = {
    "commands",
    "chat:write",
    "im:write",
    "mpim:write",
    "users:read",
    "channels:read",
    "im:history",
    "files:read",
}
ROOT = Path(__file__).resolve().parents[3]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["slack", "manifest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, string) in the manifest."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in strings(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in strings(v, key)]
    return [(key, value)] if isinstance(value, str) else []


def test_http_manifest_has_every_command_escaped_and_urls_under_the_host(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "--url", "https://networker.example.org/")

    assert (code, err) == (0, "")
    manifest = json.loads(out)
    events_url = "https://networker.example.org/slack/events"
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == COMMANDS
    for command in commands:
        assert command["should_escape"] is True, command
        assert command["url"] == events_url
        assert command["description"] and command["usage_hint"]
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"] == events_url
    assert set(settings["event_subscriptions"]["bot_events"]) == EVENTS
    assert settings["interactivity"] == {"is_enabled": True, "request_url": events_url}
    assert settings["socket_mode_enabled"] is False
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://networker.example.org/slack/oauth_redirect"
    ]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    urls = [v for _k, v in strings(manifest) if "://" in v]
    assert urls and all(u.startswith("https://networker.example.org/slack/") for u in urls)
    assert not any("//slack" in u.removeprefix("https://") for u in urls)


def test_the_manifest_fits_slacks_limits(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _err = run(capsys, "--url", "https://h.example", "--name", "Makers Net")
    manifest = json.loads(out)
    info = manifest["display_information"]
    assert info["name"] == "Makers Net"
    assert manifest["features"]["bot_user"]["display_name"] == "Makers Net"
    assert len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert info["background_color"].startswith("#") and len(info["background_color"]) == 7
    for command in manifest["features"]["slash_commands"]:
        assert len(command["command"]) <= 32
        assert len(command["description"]) <= 2000
        assert len(command["usage_hint"]) <= 1000


def test_socket_mode_manifest_has_no_urls(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--socket")

    assert (code, err) == (0, "")
    manifest = json.loads(out)
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert [k for k, v in strings(manifest) if "://" in v or k.endswith("url")] == []
    assert "redirect_urls" not in manifest["oauth_config"]
    assert "request_url" not in manifest["settings"]["event_subscriptions"]
    assert manifest["settings"]["interactivity"] == {"is_enabled": True}
    assert all(c["should_escape"] is True for c in manifest["features"]["slash_commands"])
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == EVENTS


@pytest.mark.parametrize(
    "args",
    [
        ("--url", "http://networker.example.org"),
        ("--url", "networker.example.org"),
        ("--url", "ftp://networker.example.org"),
    ],
)
def test_urls_other_than_https_are_refused(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert "https://" in err


def test_a_url_or_socket_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert "--url https://" in err and "--socket" in err


def test_the_installed_command_prints_the_manifest() -> None:
    """The real entry point, as an organiser would run it."""
    script = Path(sys.executable).with_name("networker")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "adapters.cli"]
    done = subprocess.run(
        [*command, "slack", "manifest", "--url", "https://h.example"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "sqlite+aiosqlite:///:memory:"},
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    assert manifest["settings"]["event_subscriptions"]["request_url"] == (
        "https://h.example/slack/events"
    )
