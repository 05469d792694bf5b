"""Start-up in one-workspace mode when Slack is unreachable for a moment."""

from __future__ import annotations

from bot.config import Settings
from bot.store.engine import make_engine
from tests.adapters.slack.conftest import SECRET, start_slack
from tests.adapters.slack.double import FakeUser, SlackApiDouble
from tests.adapters.slack.signed import SlackSender
from tests.fakes import FakeClock


async def test_commands_work_even_if_auth_test_failed_at_start(
    slack_double: SlackApiDouble, sqlite_template: object, tmp_path: object, clock: FakeClock
) -> None:
    import shutil
    from pathlib import Path

    path = Path(str(tmp_path)) / "start.db"
    shutil.copy(str(sqlite_template), path)
    url = f"sqlite+aiosqlite:///{path}"
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=slack_double.base_url,
    )
    slack_double.fail("auth.test", "internal_error", status=500)
    slack_double.users["UANA"] = FakeUser("ana", "Ana", "Europe/Lisbon")
    engine = make_engine(url)
    runtime = await start_slack(settings, engine, clock)
    sender = SlackSender(
        SECRET,
        f"http://127.0.0.1:{runtime.port}/slack/events",
        default_response_url=slack_double.response_url("r"),
    )
    try:
        answer = (
            await sender.command("/profile", 'skills="kubernetes:expert"', user="UANA")
        ).json()
        assert "kubernetes (expert)" in str(answer)
        assert "isn't set up" not in str(answer)
    finally:
        await sender.close()
        await runtime.stop()
        await engine.dispose()
