"""Typed loader for the versioned policy data under ``policy/`` (the data stays outside the package)."""
