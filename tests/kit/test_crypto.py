"""Personal numbers at rest: AES-256-GCM round trips, fresh nonces, stable blind indexes, wrong keys fail."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from xinyong.kit.crypto import KeyRing, generate_key

RING = KeyRing.from_text(generate_key(), generate_key())
OTHER = KeyRing.from_text(generate_key(), generate_key())


@given(st.text(max_size=64))
def test_round_trip(plaintext: str) -> None:
    assert RING.decrypt(RING.encrypt(plaintext)) == plaintext


def test_each_encryption_uses_a_fresh_nonce() -> None:
    first, second = RING.encrypt("331083197503081234"), RING.encrypt("331083197503081234")
    assert first != second
    assert first[1:13] != second[1:13]
    assert b"331083" not in first


def test_blind_index_is_stable_keyed_and_scoped() -> None:
    value = "331083197503081234"
    index = RING.blind_index(value, scheme="ID_CARD")
    assert index == RING.blind_index(value, scheme="ID_CARD")
    assert len(index) == 64
    assert index != RING.blind_index(value, scheme="OTHER")
    assert index != RING.blind_index("331083197503081235", scheme="ID_CARD")
    assert index != OTHER.blind_index(value, scheme="ID_CARD")
    same_keys = KeyRing(RING.data_key, RING.index_key)
    assert same_keys.blind_index(value, scheme="ID_CARD") == index


def test_wrong_key_or_tampering_fails() -> None:
    blob = RING.encrypt("331002199001011238")
    with pytest.raises(InvalidTag):
        OTHER.decrypt(blob)
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidTag):
        RING.decrypt(tampered)
    with pytest.raises(ValueError, match="version"):
        RING.decrypt(b"\x02" + blob[1:])


def test_keys_must_be_32_bytes_and_different() -> None:
    key = generate_key()
    with pytest.raises(ValueError, match="32"):
        KeyRing.from_text(key, "c2hvcnQ")
    with pytest.raises(ValueError, match="不能相同"):
        KeyRing.from_text(key, key)


def test_development_keys_are_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "dev-keys.json"
    first = KeyRing.load_or_create(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = KeyRing.load_or_create(path)
    assert first == second
    assert second.decrypt(first.encrypt("张三")) == "张三"
