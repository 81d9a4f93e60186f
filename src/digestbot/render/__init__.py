"""Renderers: pure functions from domain objects to each surface's format (JSON, text, Slack, Teams)."""
