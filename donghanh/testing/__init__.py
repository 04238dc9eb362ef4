"""Shared test helpers: factories and the permission trio (owner, colleague, outsider)."""
