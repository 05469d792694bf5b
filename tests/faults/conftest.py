"""Faults injected from outside: the real Slack adapter over loopback HTTP, with the Web
API double, as in tests/adapters/slack (whose fixtures these tests share)."""

from __future__ import annotations

from tests.adapters.slack.conftest import _no_proxy_no_slack_env, slack, slack_double

__all__ = ["_no_proxy_no_slack_env", "slack", "slack_double"]
