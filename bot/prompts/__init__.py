"""Prompts: each kind's declaration (kinds/), claiming and sending (dispatcher), the job.

Use cases plan the rows (bot.services.prompt_planning); this package sends them."""
