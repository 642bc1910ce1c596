"""The demo city's cache across runs (``tests/fixtures/demo_cache.py``) is used only while nothing that
decides the demo changed, and hands back what was built."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures.demo_cache import cache_key, cached_build


def _repo(root: Path) -> Path:
    for folder in ("src/xinyong", "policy", "migrations/versions", "tests/fixtures"):
        (root / folder).mkdir(parents=True)
    (root / "src/xinyong/ingest.py").write_text("BATCH = 500\n")
    (root / "policy/signals.yaml").write_text("version: 1\n")
    (root / "migrations/versions/0001.py").write_text("revision = '0001'\n")
    (root / "tests/fixtures/demo.py").write_text("# the fixture\n")
    return root


def test_the_key_changes_with_any_input_and_ignores_bytecode(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    key = cache_key("settings", root=root)
    (root / "src/xinyong/__pycache__").mkdir()
    (root / "src/xinyong/__pycache__/ingest.cpython-311.pyc").write_bytes(b"\0")
    assert cache_key("settings", root=root) == key
    assert cache_key("other settings", root=root) != key
    for changed in ("src/xinyong/ingest.py", "policy/signals.yaml", "migrations/versions/0001.py"):
        before = (root / changed).read_text()
        (root / changed).write_text(before + "# changed\n")
        assert cache_key("settings", root=root) != key, changed
        (root / changed).write_text(before)
    (root / "policy/new.yaml").write_text("version: 1\n")
    assert cache_key("settings", root=root) != key


def test_a_build_is_stored_then_restored_and_a_new_key_builds_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    first = tmp_path / "first"
    first.mkdir()
    with cached_build(cache, "k1", first) as restored:
        assert not restored
        (first / "demo.sqlite3").write_bytes(b"built")
    second = tmp_path / "second"
    second.mkdir()
    with cached_build(cache, "k1", second) as restored:
        assert restored
    assert (second / "demo.sqlite3").read_bytes() == b"built"
    third = tmp_path / "third"
    third.mkdir()
    with cached_build(cache, "k2", third) as restored:
        assert not restored
        (third / "demo.sqlite3").write_bytes(b"rebuilt")
    assert sorted(p.name for p in cache.glob("demo-*")) == ["demo-k2"]


def test_a_failed_build_is_not_stored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    folder = tmp_path / "demo"
    folder.mkdir()
    try:
        with cached_build(cache, "k1", folder):
            (folder / "demo.sqlite3").write_bytes(b"half")
            raise RuntimeError("the build failed")
    except RuntimeError:
        pass
    assert not list(cache.glob("demo-*"))
