"""Materials are stored once by SHA-256, size-limited, and checked when read back."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from xinyong.errors import Invalid
from xinyong.repair import storage


def test_store_and_read(tmp_path: Path) -> None:
    data = "整改报告".encode()
    stored = storage.store(tmp_path, data, max_bytes=1024)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert storage.store(tmp_path, data, max_bytes=1024) == stored  # content-addressed, written once
    assert storage.read(tmp_path, stored.relpath, stored.sha256) == data
    (tmp_path / stored.relpath).write_bytes(b"tampered")
    with pytest.raises(Invalid) as err:
        storage.read(tmp_path, stored.relpath, stored.sha256)
    assert err.value.code == "repair.material_tampered"


def test_limits_and_names(tmp_path: Path) -> None:
    with pytest.raises(Invalid):
        storage.store(tmp_path, b"x" * 11, max_bytes=10)
    with pytest.raises(Invalid):
        storage.store(tmp_path, b"", max_bytes=10)
    assert storage.safe_name("../../etc/passwd") == "passwd"
    assert storage.safe_name("C:\\证明\\缴款凭证.pdf") == "缴款凭证.pdf"
