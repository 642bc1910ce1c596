"""Accounts, roles, API keys, sessions; the one place where callers are identified and checked."""
