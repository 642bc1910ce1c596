"""Resolve the key ring from settings (development keys are generated under ``var/``)."""

from __future__ import annotations

from xinyong.kit.crypto import KeyRing
from xinyong.settings import PLACEHOLDER, Settings


def keyring(settings: Settings) -> KeyRing:
    """Return the key ring: configured keys, or generated development keys outside production."""
    if settings.data_key != PLACEHOLDER and settings.index_key != PLACEHOLDER:
        return KeyRing.from_text(
            settings.data_key,
            settings.index_key,
            algorithm=settings.data_key_algorithm,
            previous=settings.data_keys_previous,
        )
    return KeyRing.load_or_create(settings.var_dir / "dev-keys.json", settings.data_key_algorithm)
