"""The prompt engine: plans prompts from core events, and dispatches due ones."""
