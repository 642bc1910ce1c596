"""Tamper-evident audit log (审计): every state change and every non-public read."""
