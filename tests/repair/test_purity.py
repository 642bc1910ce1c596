"""The pure decision cores import no database, web or template framework (they run without a DB)."""

from __future__ import annotations

import subprocess
import sys

PURE = [
    "xinyong.repair.eligibility",
    "xinyong.repair.states",
    "xinyong.objections.states",
    "xinyong.machine",
    "xinyong.repair.facts",
    "xinyong.rules.facts",
    "xinyong.rules.severity",
    "xinyong.rules.windows",
    "xinyong.rules.disclosure",
    "xinyong.rules.verdict",
]


def test_pure_cores_import_no_frameworks() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in PURE)
        + "bad = sorted(m for m in ('sqlalchemy', 'fastapi', 'jinja2') if m in sys.modules)\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
