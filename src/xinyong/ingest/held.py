"""Valid rows whose subject is not found: held in the 未关联 queue with ranked candidate subjects.

A reviewer later decides (``ingest.queue``); a "not same" decision taken earlier for the same written
name removes that subject from the candidates of later rows.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from sqlalchemy import select

from xinyong.ingest import candidates
from xinyong.ingest.models import MatchDecision, UnresolvedRow
from xinyong.ingest.prepare import Prepared
from xinyong.kit.text import normalize_name

if TYPE_CHECKING:
    from xinyong.ingest.store import ChunkWriter

Candidates = list[dict[str, object]]


def queue_unresolved(
    writer: ChunkWriter, p: Prepared, rows: list[int], dept_ids: np.ndarray, dept_codes: list[str | None]
) -> None:
    """Add the unresolved rows of a chunk to the queue, each with its ranked candidates."""
    v, line_nos = p.v, p.chunk.line_nos
    item = writer.source.item
    roles = item.roles
    names = v.text.get(roles["subject_name"], pa.nulls(v.n, pa.string())).to_pylist()
    docs = v.text.get(roles["document_no"], pa.nulls(v.n, pa.string())).to_pylist()
    dates = {r: v.dates.get(roles.get(r, "")) for r in ("decision_on", "valid_from", "valid_to")}
    date_lists = {r: (a.to_pylist() if a is not None else [None] * v.n) for r, a in dates.items()}
    sev = v.severity.to_pylist()
    cats = v.category.to_pylist()
    city = writer.resolver.city_region
    cache: dict[tuple[str, str | None], Candidates] = {}
    for i in rows:
        name = names[i] or ""
        region = writer.dept_regions.get(dept_codes[i] or "")
        region = None if region == city else region
        norm = normalize_name(name)
        writer.session.add(
            UnresolvedRow(
                batch_id=writer.batch.id,
                department_id=int(dept_ids[i]),
                source_id=writer.source.id,
                catalog_item=item.id,
                catalog_version=item.version,
                line_no=line_nos[i] if i < len(line_nos) else None,
                subject_name=name,
                name_norm=norm,
                region_code=region,
                subject_category=cats[i],
                document_no=docs[i],
                decision_on=date_lists["decision_on"][i],
                valid_from=date_lists["valid_from"][i],
                valid_to=date_lists["valid_to"][i],
                severity=sev[i],
                polarity=item.polarity,
                payload=json.loads(p.texts[i] or "{}"),
                content_hash=p.hashes[i],
                candidates=_candidates(writer, cache, name, norm, region),
                received_at=writer.now,
            )
        )
    writer.session.flush()


def _candidates(
    writer: ChunkWriter,
    cache: dict[tuple[str, str | None], Candidates],
    name: str,
    norm: str,
    region: str | None,
) -> Candidates:
    """Return the ranked candidates of a written name in a county (once per name and county a chunk)."""
    if (norm, region) not in cache:
        excluded = set(
            writer.session.scalars(
                select(MatchDecision.subject_id).where(
                    MatchDecision.name_norm == norm, MatchDecision.same.is_(False)
                )
            )
        )
        ranked = candidates.rank(
            writer.session, name, region, region_names=writer.region_names, exclude=excluded
        )
        cache[(norm, region)] = [c.to_dict() for c in ranked]
    return cache[(norm, region)]
