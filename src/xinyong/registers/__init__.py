"""Registers (名录) loaded from ``policy/``: regions, sources, and the sync that also keeps departments."""
