"""Demo step: ingest every synthetic department feed listed in ``manifest.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xinyong.db import session_scope
from xinyong.errors import XinyongError
from xinyong.ingest.service import BUCKETS, IngestRequest, ingest_file
from xinyong.ingest.sources import sources
from xinyong.ingest.uscc_cache import UsccIndexCache
from xinyong.runtime import Runtime


def manifest_files(synth_dir: Path) -> list[dict[str, Any]]:
    """Return the file entries of a synth directory's manifest (empty if there is none)."""
    path = synth_dir / "manifest.json"
    if not path.exists():
        return []
    doc = json.loads(path.read_text("utf-8"))
    files = doc.get("files", []) if isinstance(doc, dict) else doc
    return [f for f in files if isinstance(f, dict)]


def ingest_synth(runtime: Runtime, synth_dir: Path) -> list[str]:
    """Ingest the feeds of the synth directory (sources that do not exist are skipped)."""
    known = sources(runtime.policy).by_id
    totals = dict.fromkeys(("rows", *BUCKETS), 0)
    done = skipped = failed = 0
    lines: list[str] = []
    uscc_index = UsccIndexCache()  # the register is read again only when it changed since the last file
    for entry in manifest_files(synth_dir):
        source_id = str(entry.get("source_id") or entry.get("source") or "")
        rel = entry.get("path") or entry.get("file")
        if source_id not in known or not rel:
            skipped += 1
            continue
        path = Path(rel) if Path(rel).is_absolute() else synth_dir / rel
        if not path.exists():
            skipped += 1
            continue
        dept = entry.get("department") or entry.get("department_code") or entry.get("dept")
        try:
            with session_scope(runtime.sessions) as session:
                result = ingest_file(
                    session,
                    IngestRequest(
                        path=path,
                        source_id=source_id,
                        actor="system:demo",
                        department_code=None if known[source_id].spec.department_by else dept,
                        chunk_rows=runtime.settings.ingest_chunk_rows,
                    ),
                    policy=runtime.policy,
                    keys=runtime.keys,
                    uscc_index=uscc_index,
                )
        except XinyongError as exc:
            failed += 1
            lines.append(f"归集跳过 {rel}：{exc.message}")
            continue
        done += 1
        for k in totals:
            totals[k] += getattr(result, k)
    lines.append(
        f"归集完成：{done} 个文件（跳过 {skipped}，失败 {failed}），读取 {totals['rows']} 行，"
        f"新增 {totals['accepted']}，更新 {totals['updated']}，重复 {totals['duplicate']}，"
        f"拒收 {totals['rejected']}，待关联 {totals['unresolved']}"
    )
    return lines
