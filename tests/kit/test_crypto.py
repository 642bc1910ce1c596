"""Personal numbers at rest: AES-256-GCM and SM4-GCM round trips, self-describing ciphertexts, values of the
first format and of previous keys still readable, fresh nonces, stable blind indexes, wrong keys fail."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from xinyong.kit.crypto import HEADER, KeyRing, generate_key, key_id

RING = KeyRing.from_text(generate_key(), generate_key())
OTHER = KeyRing.from_text(generate_key(), generate_key())


SM4 = KeyRing.from_text(generate_key(16), RING_INDEX := generate_key(), algorithm="SM4-GCM")


@given(st.text(max_size=64))
def test_round_trip(plaintext: str) -> None:
    assert RING.decrypt(RING.encrypt(plaintext)) == plaintext
    assert SM4.decrypt(SM4.encrypt(plaintext)) == plaintext


def test_sm4_is_the_national_standard_cipher() -> None:
    """GB/T 32907-2016 appendix A: one block under the standard's key (the cipher behind SM4-GCM)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 - one block, a known answer
    assert (enc.update(key) + enc.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_ciphertexts_say_their_algorithm_and_key() -> None:
    aes, sm4 = RING.encrypt("张三"), SM4.encrypt("张三")
    assert RING.describe(aes) == ("AES-256-GCM", key_id(RING.data_key))
    assert SM4.describe(sm4) == ("SM4-GCM", key_id(SM4.data_key))
    assert aes[:2] == b"\x02\x01"
    assert sm4[:2] == b"\x02\x02"
    assert key_id(SM4.data_key).hex() not in SM4.data_key.hex()
    with pytest.raises(ValueError, match="不符"):  # relabelling the algorithm fails
        RING.decrypt(aes[:1] + b"\x02" + aes[2:])
    twin = KeyRing.from_text(generate_key(16), RING_INDEX, algorithm="SM4-GCM")
    both = KeyRing(twin.data_key, RING.index_key, "SM4-GCM", previous=(SM4.data_key,))
    assert both.decrypt(sm4) == "张三"
    with pytest.raises(InvalidTag):  # the key id is authenticated: naming another key of the ring fails
        both.decrypt(sm4[:2] + twin.key_id + sm4[HEADER:])


def test_old_and_new_decrypt_side_by_side() -> None:
    """A ring rotated to SM4 reads values of the previous AES key, and of the first (headerless) format."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    first_format = b"\x01" + nonce + AESGCM(RING.data_key).encrypt(nonce, "王五".encode(), None)
    rotated = KeyRing(SM4.data_key, RING.index_key, "SM4-GCM", previous=(RING.data_key,))
    assert rotated.decrypt(RING.encrypt("李四")) == "李四"
    assert rotated.decrypt(first_format) == "王五"
    assert RING.decrypt(first_format) == "王五"
    assert rotated.decrypt(rotated.encrypt("赵六")) == "赵六"
    assert rotated.is_current(rotated.encrypt("x"))
    assert not rotated.is_current(RING.encrypt("x"))
    assert not rotated.is_current(first_format)
    with pytest.raises(ValueError, match="不在密钥环中"):
        RING.decrypt(rotated.encrypt("赵六"))


def test_key_sizes_follow_the_algorithm() -> None:
    with pytest.raises(ValueError, match="16"):
        KeyRing.from_text(generate_key(), generate_key(), algorithm="SM4-GCM")
    with pytest.raises(ValueError, match="32"):
        KeyRing.from_text(generate_key(16), generate_key())
    with pytest.raises(ValueError, match="不能相同"):
        KeyRing.from_text(generate_key(), RING_INDEX, previous=RING_INDEX)


def test_each_encryption_uses_a_fresh_nonce() -> None:
    first, second = RING.encrypt("331083197503081234"), RING.encrypt("331083197503081234")
    assert first != second
    assert first[HEADER : HEADER + 12] != second[HEADER : HEADER + 12]
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
    with pytest.raises(ValueError, match="不在密钥环中"):
        OTHER.decrypt(blob)
    with pytest.raises(InvalidTag):  # a forged header naming OTHER's key
        OTHER.decrypt(blob[:2] + OTHER.key_id + blob[HEADER:])
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidTag):
        RING.decrypt(tampered)
    with pytest.raises(ValueError, match="version"):
        RING.decrypt(b"\x03" + blob[1:])


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


def test_development_sm4_key_is_added_beside_the_first_keys(tmp_path: Path) -> None:
    path = tmp_path / "dev-keys.json"
    aes = KeyRing.load_or_create(path)
    sm4 = KeyRing.load_or_create(path, "SM4-GCM")
    assert sm4.algorithm == "SM4-GCM"
    assert len(sm4.data_key) == 16
    assert sm4.index_key == aes.index_key
    assert sm4.decrypt(aes.encrypt("张三")) == "张三"
    assert KeyRing.load_or_create(path, "SM4-GCM") == sm4
