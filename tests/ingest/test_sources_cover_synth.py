"""Every feed of the synthetic Taizhou is one its department may send under ``policy/sources/``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from xinyong.ingest.sources import sources
from xinyong.policy.loader import Policy
from xinyong.synth.generate import generate


def test_every_synth_feed_is_admitted_by_its_source(tmp_path: Path, policy: Policy) -> None:
    summary = generate(tmp_path / "s", scale="small", seed=3, mess=0.0, end=dt.date(2026, 10, 31))
    manifest = json.loads(Path(summary["manifest"]).read_text("utf-8"))
    known = sources(policy)
    refused = sorted(
        {
            (f["source_id"], f["department"])
            for f in manifest["files"]
            if not known.get(f["source_id"]).may_feed(f["department"])
        }
    )
    assert refused == []
