"""Delivery log and a persisted, retried, idempotent outbox for record-change notices."""
