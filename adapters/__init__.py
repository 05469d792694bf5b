"""Platform adapters: translate platform payloads to core commands and render replies."""
