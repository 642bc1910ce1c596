"""A full disk, for real: the database lives on a 2 MiB tmpfs that is then filled to the last byte.

The kind of "full" achieved: the filesystem itself has no space left (``ENOSPC`` from the kernel), so
SQLite cannot grow its write-ahead log and answers ``SQLITE_FULL`` ("database or disk is full"); nothing is
simulated. The mount needs no root: the test runs in a private user and mount namespace (``unshare -rm``),
where an unprivileged process may mount a tmpfs. While the disk is full, writes answer 503
``storage.full`` (reads still work); once space is freed, writes succeed again, and the database passes
``PRAGMA integrity_check`` and the audit chain verifies.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POLICY_DIR, ROOT, TEST_DATA_KEY, TEST_INDEX_KEY
from tests.fixtures.migrated import migrated_sqlite

pytestmark = pytest.mark.slow  # a child process in its own namespace: scheduled first (tests/conftest.py)

# Runs inside the namespace: put the migrated database on the tmpfs (a copy of the test process's migrated
# template, tests/fixtures/migrated.py), fill the disk, then serve requests against it.
CHILD = """
import json, os, sqlite3, sys
from pathlib import Path
from fastapi.testclient import TestClient
from xinyong.app import create_app
from xinyong.audit import service as audit
from xinyong.audit.keys import audit_keys
from xinyong.db import session_scope
from xinyong.settings import Settings

disk, var, policy, data_key, index_key, template = sys.argv[1:7]
db = Path(disk) / "full.sqlite3"
url = f"sqlite:///{db}"
source, copy = sqlite3.connect(template), sqlite3.connect(db)
source.backup(copy)
source.close()
copy.close()
settings = Settings(env="test", database_url=url, policy_dir=policy, var_dir=var, secret_key="full-disk-secret",
                    data_key=data_key, index_key=index_key)
out = {}
def login(n):  # a failed sign-in is audited: a write (another name each time, under the account lockout)
    return {"username": f"nobody{n}", "password": "wrong-password"}
with TestClient(create_app(settings), raise_server_exceptions=False) as client:
    out["before"] = client.post("/api/v1/auth/login", json=login(0)).status_code
    filler = Path(disk) / "filler"
    with filler.open("wb", buffering=0) as fh:  # take every byte left on the filesystem
        try:
            while True:
                fh.write(b"\\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                fh.write(b"\\0")
        except OSError:
            pass
    st = os.statvfs(disk)
    out["free_bytes"] = st.f_bavail * st.f_frsize
    answers = [client.post("/api/v1/auth/login", json=login(n)) for n in range(1, 6)]
    out["full"] = [(r.status_code, r.json().get("code"), r.headers.get("retry-after")) for r in answers]
    out["message"] = answers[0].json().get("message")
    out["read_while_full"] = client.get("/healthz").status_code
    filler.unlink()
    out["after"] = client.post("/api/v1/auth/login", json=login(6)).status_code
conn = sqlite3.connect(db)
out["integrity"] = conn.execute("PRAGMA integrity_check").fetchone()[0]
conn.close()
from xinyong.runtime import Runtime
runtime = Runtime.build(settings)
with session_scope(runtime.sessions, write=False) as session:
    check = audit.verify(session, keys=audit_keys(settings))
    out["audit_ok"] = check.ok
    out["failed_logins_audited"] = sum(len(audit.entries_of(session, f"{c}.login_failed")) for c in ("api", "web"))
print(json.dumps(out))
"""


def _namespaces() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _namespaces(), reason="no user/mount namespaces here: a small filesystem cannot be mounted"
)
def test_a_full_disk_answers_503_and_corrupts_nothing(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    template = tmp_path / "migrated.sqlite3"
    migrated_sqlite(template)
    script = (
        f'mount -t tmpfs -o size=2m tmpfs {disk} && exec {sys.executable} -c "$CHILD" '
        f"{disk} {tmp_path / 'var'} {POLICY_DIR} {TEST_DATA_KEY} {TEST_INDEX_KEY} {template}"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        env={"CHILD": CHILD, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["before"] == 401
    assert out["free_bytes"] == 0, "the filesystem must be full to the last block"
    assert {tuple(x) for x in out["full"]} == {(503, "storage.full", "30")}
    assert "存储空间已满" in out["message"]
    assert out["read_while_full"] == 200
    assert out["after"] == 401
    assert out["integrity"] == "ok"
    assert out["audit_ok"] is True
    assert out["failed_logins_audited"] == 2  # before and after; none of the refused ones half-written
