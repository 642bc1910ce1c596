"""Policy impact simulation use cases: run a proposal beside the policy in force, store it, read it.

A simulation changes nothing in force: it scores with the evaluation batch's plan (nothing written to
``evaluation_result``), asks the rule core and the check's engine, and stores one ``policy_simulation``
row with its audit entry. Services flush; the command or the request commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.principal import Principal
from xinyong.errors import NotFound
from xinyong.evaluation import compare as evaluation_compare
from xinyong.evaluation import service as evaluation_service
from xinyong.policy.loader import Policy
from xinyong.sanctions import impact
from xinyong.simulation import report, visibility
from xinyong.simulation.models import PolicySimulation
from xinyong.simulation.proposal import Proposal, proposed_policy, read_manifest, shipped
from xinyong.simulation.schemas import SimulationRead
from xinyong.simulation.tally import Tally
from xinyong.subjects.names import names_of

# Files under these folders change only grades and classes: the measures can then change only for the
# subjects whose grade or class changes (they read nothing else of these files).
EVALUATION_ONLY = ("models/", "supervision/", "psi/")
Graded = tuple[str, str, str, tuple[str, str, str], tuple[str, str, str]]


def changed_files(before: Path, after: Path) -> list[str]:
    """Return the relative paths that differ between two policy trees (added, removed or changed)."""

    def digests(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*")
            if p.is_file()
        }

    a, b = digests(before), digests(after)
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def _side(
    graded: dict[int, Graded], after: bool
) -> dict[int, tuple[str, str | None, str | None, str | None]]:
    out = {}
    for sid, (kind, _region, _industry, b, a) in graded.items():
        model, grade, klass = a if after else b
        out[sid] = (kind, model or None, grade or None, klass or None)
    return out


def _named(before: Policy, after: Policy, graded: dict[int, Graded]) -> dict[int, Graded]:
    """Keep the subjects whose grade or class before or after some measure names (the others' hits
    cannot differ when nothing else changed)."""
    grades_b, classes_b = impact.named_grades_and_classes(before)
    grades_a, classes_a = impact.named_grades_and_classes(after)
    grades, classes = grades_b | grades_a, classes_b | classes_a
    return {
        sid: g
        for sid, g in graded.items()
        if g[3][1] in grades or g[4][1] in grades or g[3][2] in classes or g[4][2] in classes
    }


def _measures(
    session: Session, before: Policy, after: Policy, on: dt.date, graded: dict[int, Graded], narrow: bool
) -> Tally:
    """Count the subjects that newly hit or stop hitting each measure, per (measure, change, cell)."""
    tally = Tally()
    sides = (_side(graded, False), _side(graded, True))
    if narrow:  # the same facts on both sides: set-based, only the measures a grade or class changes
        found = impact.changes(session, before, after, sides, on)
    else:
        found = (
            (sid, now - was, was - now)
            for sid, was, now in impact.compare(session, before, after, sides, on, same_facts=False)
        )
    for sid, new, stopped in found:
        kind, region, industry, _b, _a = graded[sid]
        for mid in sorted(new):
            tally.add((mid, "new", region, industry, kind), sid)
        for mid in sorted(stopped):
            tally.add((mid, "stopped", region, industry, kind), sid)
    return tally


def _labels(session: Session, before: Policy, after: Policy, subject_ids: set[int]) -> report.Labels:
    return report.Labels(
        county=evaluation_service.county_map(after),
        subject=names_of(session, subject_ids),
        measure={**impact.measure_names(before), **impact.measure_names(after)},
    )


def _scales(current: Policy, proposed: Policy) -> list[Any]:
    """Return the grade scales of the proposal, then those of the policy in force it no longer has."""
    new = evaluation_service.models_of(proposed).scales()
    old = evaluation_service.models_of(current).scales()
    return new + [s for s in old if s.grades not in [p.grades for p in new]]


def run(
    session: Session,
    current: Policy,
    proposal: Proposal,
    proposed: Policy,
    on: dt.date,
    *,
    actor: str,
    sqlite_path: str | None = None,
) -> PolicySimulation:
    """Simulate ``proposed`` beside ``current`` on ``on`` over the data as it stands; store the result."""
    started = time.perf_counter()
    files = changed_files(current.root, proposed.root)
    narrow = all(f.startswith(EVALUATION_ONLY) for f in files)
    side = evaluation_compare.score_both(
        session, current, proposed, on, sqlite_path=sqlite_path, every=not narrow
    )
    t = time.perf_counter()
    vis, decided = visibility.compare(session, current, proposed, on)
    t_vis = time.perf_counter() - t
    t = time.perf_counter()
    matched = _named(current, proposed, side.graded) if narrow else side.graded
    meas = _measures(session, current, proposed, on, matched, narrow)
    t_meas = time.perf_counter() - t
    examples = {int(x) for c in side.cells for x in c[-1]} | vis.example_subjects() | meas.example_subjects()
    labels = _labels(session, current, proposed, examples)
    result = _result(
        proposal,
        current,
        proposed,
        on,
        files,
        side,
        _scales(current, proposed),
        labels,
        (vis, decided),
        (meas, narrow, len(matched)),
    )
    result["timings"] = {**side.timings, "visibility": round(t_vis, 3), "measures": round(t_meas, 3)}
    seconds = round(time.perf_counter() - started, 3)
    result["timings"]["total"] = seconds
    return _store(session, proposal, current.hash, proposed.hash, on, result, seconds, actor)


def _store(
    session: Session,
    proposal: Proposal,
    current_hash: str,
    proposed_hash: str,
    on: dt.date,
    result: dict[str, Any],
    seconds: float,
    actor: str,
) -> PolicySimulation:
    """Store the simulation and its audit entry."""
    row = PolicySimulation(
        proposal_id=proposal.manifest.id,
        proposal_name=proposal.manifest.name,
        current_hash=current_hash,
        proposed_hash=proposed_hash,
        on=on,
        result=result,
        seconds=seconds,
        actor=actor,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="policy.simulate",
        object_type="policy_simulation",
        object_id=row.id,
        detail={"proposal": proposal.manifest.id, "on": on.isoformat(), "proposed_hash": proposed_hash},
    )
    return row


def _result(
    proposal: Proposal,
    current: Policy,
    proposed: Policy,
    on: dt.date,
    files: list[str],
    side: evaluation_compare.SideBySide,
    scales: list[Any],
    labels: report.Labels,
    vis: tuple[Tally, int],
    meas: tuple[Tally, bool, int],
) -> dict[str, Any]:
    """Assemble the stored result (JSON)."""
    ranked = report.ranks(scales)
    cells = report.grade_cells(side.cells, labels, ranked)
    vis_out = report.visibility(
        vis[0], labels, vis[1], not visibility.same_disclosure_rules(current, proposed)
    )
    scope = "grade_changed" if meas[1] else "all"
    meas_out = report.measures(meas[0], labels, meas[2], scope)
    counties = sorted({labels.county_of(r.code) for r in proposed.regions.regions if r.parent})
    m = proposal.manifest
    return {
        "proposal": {
            "id": m.id,
            "name": m.name,
            "description": m.description,
            "basis": m.basis,
            "mode": m.mode,
        },
        "on": on.isoformat(),
        "current_hash": current.hash,
        "proposed_hash": proposed.hash,
        "changed_files": files,
        "summary": {
            "subjects": side.subjects,
            "grade_up": report.totals_of(cells, lambda c: c["direction"] == "up"),
            "grade_down": report.totals_of(cells, lambda c: c["direction"] == "down"),
            "grade_other": report.totals_of(cells, lambda c: c["direction"] == "other"),
            "class_changed": report.totals_of(cells, lambda c: c["class_from"] != c["class_to"]),
            "became_visible": report.totals_of(vis_out["cells"], lambda c: c["shown"]),
            "became_hidden": report.totals_of(vis_out["cells"], lambda c: not c["shown"]),
            "measures_new": report.totals_of(meas_out["cells"], lambda c: c["change"] == "new"),
            "measures_stopped": report.totals_of(meas_out["cells"], lambda c: c["change"] == "stopped"),
            "input_reads": side.reads,
        },
        "transitions": report.matrices(side.transitions, scales),
        "class_matrix": report.class_matrix(side.class_transitions),
        "grade_cells": cells,
        "visibility": vis_out,
        "measures": meas_out,
        "by_county": report.by_county(cells, vis_out["cells"], meas_out["cells"], counties),
    }


def get(session: Session, simulation_id: int, principal: Principal) -> PolicySimulation:
    """Return a stored simulation (the read is audited), or raise ``NotFound``."""
    row = session.get(PolicySimulation, simulation_id)
    if row is None:
        raise NotFound("没有该政策模拟", code="simulation.not_found")
    audit.append(
        session,
        actor=principal.actor,
        action="policy.simulation.read",
        object_type="policy_simulation",
        object_id=row.id,
        detail={"proposal": row.proposal_id},
    )
    return row


def recent(session: Session, limit: int = 20) -> list[PolicySimulation]:
    """Return the latest simulations, newest first."""
    return list(session.scalars(select(PolicySimulation).order_by(PolicySimulation.id.desc()).limit(limit)))


def simulate_folder(
    session: Session,
    current: Policy,
    folder: Path,
    on: dt.date | None,
    *,
    actor: str,
    today: dt.date,
    check: Callable[[Policy], object],
    sqlite_path: str | None = None,
) -> PolicySimulation:
    """Load the proposal in ``folder`` (checked like the policy in force) and simulate it.

    The day defaults to the proposal's ``effective_on``, else ``today``.
    """
    proposal = read_manifest(folder)
    day = on or proposal.manifest.effective_on or today
    with proposed_policy(current.root, proposal, check) as proposed:
        return run(session, current, proposal, proposed, day, actor=actor, sqlite_path=sqlite_path)


def proposals(folder: Path) -> list[Proposal]:
    """Return the shipped proposals (the valid manifests under ``folder``)."""
    return shipped(folder)


def as_read(row: PolicySimulation) -> SimulationRead:
    """Return a stored simulation as the API answers it."""
    return SimulationRead.model_validate(
        {
            **row.result,
            "id": row.id,
            "on": row.on,
            "created_at": row.created_at.isoformat(),
            "actor": row.actor,
            "seconds": row.seconds,
        }
    )
