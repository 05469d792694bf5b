"""Dispatching prompts: what each kind says when due, claiming and sending, the interval job.

Use cases plan the rows (bot.services.prompt_planning); this package sends them."""
