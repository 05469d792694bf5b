"""Discord adapter: application commands and components → core commands; replies → messages."""
