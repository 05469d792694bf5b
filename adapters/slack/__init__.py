"""Slack adapter: slack-bolt listeners → core commands; neutral replies → Block Kit."""
