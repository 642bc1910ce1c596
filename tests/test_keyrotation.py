"""``xinyong keys rotate``: personal data re-encrypted in committed batches under the current key and
algorithm (here from AES-256-GCM to 国密 SM4-GCM); afterwards the old key id is gone, every value decrypts,
blind indexes are unchanged (search still finds people), each batch is audited, and an interrupted rotation
resumes without doing anything twice."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_DATA_KEY, TEST_INDEX_KEY
from tests.factories import ingest as fx
from tests.factories import subjects as fs
from tests.fixtures.migrated import migrated_sqlite
from xinyong.audit import service as audit
from xinyong.db import session_scope
from xinyong.keyrotation import ACTION, encrypted_columns, key_census, rotate
from xinyong.kit.crypto import KeyRing, generate_key
from xinyong.runtime import Runtime
from xinyong.subjects import service as subjects_service
from xinyong.subjects.models import SubjectIdentifier

PEOPLE = 10


class Killed(BaseException):
    """Stands for the process dying at this point (not an Exception: nothing may catch it)."""


def _sm4(old: KeyRing) -> KeyRing:
    return KeyRing(
        KeyRing.from_text(generate_key(16), TEST_INDEX_KEY, algorithm="SM4-GCM").data_key,
        old.index_key,
        "SM4-GCM",
        previous=(old.data_key,),
    )


def _people(session: Session, keys: KeyRing) -> dict[str, tuple[str, str]]:
    """Register people; return their ID numbers by name, with each one's stored blind index."""
    out = {}
    for i in range(PEOPLE):
        ric = fs.next_ric()
        person = fs.person(session, keys, name=f"测试{i}", id_card=ric)
        ident = next(x for x in person.identifiers if x.value_enc)
        out[person.name] = (ric, ident.lookup)
    session.commit()
    return out


def _identifiers(session: Session) -> list[SubjectIdentifier]:
    session.expire_all()
    return list(session.scalars(select(SubjectIdentifier).where(SubjectIdentifier.value_enc.is_not(None))))


def test_every_encrypted_column_is_found() -> None:
    names = {f"{t.name}.{c.name}" for t, c in encrypted_columns()}
    assert {
        "subject_identifier.value_enc",
        "ingest_row_reject.raw_enc",
        "ingest_archived_row.payload_enc",
    } <= names


def test_rotation_to_sm4_in_batches(session: Session, runtime: Runtime) -> None:
    old = runtime.keys
    people = _people(session, old)
    new = _sm4(old)
    lines: list[str] = []
    report = rotate(partial(session_scope, runtime.sessions), new, batch_size=3, progress=lines.append)
    assert report.rotated["subject_identifier.value_enc"] == PEOPLE
    assert report.unreadable == {}
    assert len([x for x in lines if x.startswith("subject_identifier.value_enc")]) == 4  # 3 + 3 + 3 + 1
    census = key_census(session, new)["subject_identifier.value_enc"]
    assert census == {f"SM4-GCM:{new.key_id.hex()}": PEOPLE}  # the old key id is gone
    stored = {i.subject.name: i for i in _identifiers(session)}
    for name, (ric, lookup) in people.items():
        assert new.decrypt(stored[name].value_enc or b"") == ric
        assert stored[name].lookup == lookup  # blind index unchanged
        found = subjects_service.find_by_code(session, new, ric)
        assert found is not None
        assert found.name == name
    entries = audit.entries_of(session, ACTION)
    assert sum(e.detail["rows"] for e in entries if e.object_type == "subject_identifier") == PEOPLE
    assert {e.detail["algorithm"] for e in entries} == {"SM4-GCM"}
    again = rotate(partial(session_scope, runtime.sessions), new, batch_size=3)
    assert again.total == 0


def test_interrupted_rotation_resumes(
    session: Session, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = runtime.keys
    people = _people(session, old)
    new = _sm4(old)
    real_append = audit.append
    calls = {"n": 0}

    def dying(*args: Any, **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:  # the third batch re-encrypted, its audit entry about to be written
            raise Killed
        return real_append(*args, **kw)

    monkeypatch.setattr(audit, "append", dying)
    with pytest.raises(Killed):
        rotate(partial(session_scope, runtime.sessions), new, batch_size=3)
    census = key_census(session, new)["subject_identifier.value_enc"]
    assert census == {f"SM4-GCM:{new.key_id.hex()}": 6, f"AES-256-GCM:{old.key_id.hex()}": 4}
    monkeypatch.setattr(audit, "append", real_append)
    report = rotate(partial(session_scope, runtime.sessions), new, batch_size=3)
    assert report.rotated["subject_identifier.value_enc"] == 4  # only what was left
    assert key_census(session, new)["subject_identifier.value_enc"] == {f"SM4-GCM:{new.key_id.hex()}": PEOPLE}
    entries = audit.entries_of(session, ACTION)
    assert sum(e.detail["rows"] for e in entries) == PEOPLE  # nothing doubled
    assert sorted(new.decrypt(i.value_enc or b"") for i in _identifiers(session)) == sorted(
        ric for ric, _ in people.values()
    )


def test_a_value_under_an_unknown_key_is_reported_not_lost(session: Session, runtime: Runtime) -> None:
    stranger = KeyRing.from_text(generate_key(), TEST_INDEX_KEY)
    _people(session, runtime.keys)
    alien = fs.person(session, stranger, name="外来")
    session.commit()
    new = _sm4(runtime.keys)
    report = rotate(partial(session_scope, runtime.sessions), new, batch_size=4)
    assert report.rotated["subject_identifier.value_enc"] == PEOPLE
    alien_id = next(i.id for i in _identifiers(session) if i.subject_id == alien.id)
    assert report.unreadable == {"subject_identifier.value_enc": [alien_id]}
    kept = next(i for i in _identifiers(session) if i.subject_id == alien.id)
    assert stranger.decrypt(kept.value_enc or b"")  # left as it was


def test_cli_rotates_with_progress_and_reports_the_census(tmp_path: Path) -> None:
    url = migrated_sqlite(tmp_path / "keys.sqlite3")
    engine = create_engine(url)
    with Session(engine) as session:
        _people(session, KeyRing.from_text(TEST_DATA_KEY, TEST_INDEX_KEY))
    sm4_key = generate_key(16)
    env = {
        **fx.cli_env(url, tmp_path / "var"),
        "XINYONG_DATA_KEY": sm4_key,
        "XINYONG_DATA_KEY_ALGORITHM": "SM4-GCM",
        "XINYONG_DATA_KEYS_PREVIOUS": TEST_DATA_KEY,
    }
    done = fx.invoke_cli(["keys", "rotate", "--batch-size", "4", "--json"], env)
    assert done.returncode == 0, done.stderr
    assert "subject_identifier.value_enc：已重新加密 8 条" in done.stdout
    assert (
        json.loads(done.stdout.strip().splitlines()[-1])["rotated"]["subject_identifier.value_enc"] == PEOPLE
    )
    status = fx.invoke_cli(["keys", "status"], env)
    assert status.returncode == 0, status.stderr
    new = KeyRing.from_text(sm4_key, TEST_INDEX_KEY, algorithm="SM4-GCM")
    assert json.loads(status.stdout)["subject_identifier.value_enc"] == {
        f"SM4-GCM:{new.key_id.hex()}": PEOPLE
    }
    assert fx.invoke_cli(["audit", "verify"], env).returncode == 0
    engine.dispose()
