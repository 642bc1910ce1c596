"""The simulation's result as people read it: matrices, cells with named examples, totals per county (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from xinyong.rules.disclosure import AUDIENCE_LABELS, Audience
from xinyong.simulation.tally import Tally


class GradeScale(Protocol):
    """A grade scale (``evaluation``'s): its grades from the lowest, and the names of its models."""

    @property
    def grades(self) -> list[str]: ...
    @property
    def model_names(self) -> list[str]: ...


UNRATED = "未评价"
NO_CLASS = "无"
UNKNOWN = "未知"


@dataclass(frozen=True)
class Labels:
    """What turns codes into words: county names, subject names and measure names."""

    county: Mapping[str, str]
    subject: Mapping[int, str]
    measure: Mapping[str, str]

    def county_of(self, code: str) -> str:
        """Return the county name of a region code."""
        return self.county.get(code, UNKNOWN)

    def examples(self, ids: Sequence[int], records: Sequence[int] = ()) -> list[dict[str, Any]]:
        """Return example subjects with their names (and the record that changed)."""
        out: list[dict[str, Any]] = []
        for i, sid in enumerate(ids):
            item: dict[str, Any] = {"subject_id": sid, "name": self.subject.get(sid, f"主体 {sid}")}
            if i < len(records):
                item["record_id"] = records[i]
            out.append(item)
        return out


def ranks(scales: Sequence[GradeScale]) -> dict[str, tuple[int, int]]:
    """Return grade → (scale index, rank from the lowest)."""
    return {g: (i, r) for i, s in enumerate(scales) for r, g in enumerate(s.grades)}


def direction(before: str, after: str, ranked: Mapping[str, tuple[int, int]]) -> str:
    """Return 'up', 'down', 'same' or 'other' (into or out of no grade, or across scales)."""
    if before == after:
        return "same"
    b, a = ranked.get(before), ranked.get(after)
    if b is None or a is None or b[0] != a[0]:
        return "other"
    return "up" if a[1] > b[1] else "down"


def matrices(
    transitions: Sequence[tuple[str, str, int]], scales: Sequence[GradeScale]
) -> list[dict[str, Any]]:
    """Return one transition matrix per grade scale (rows: before, columns: after, highest grade first)."""
    ranked = ranks(scales)
    out = []
    for i, scale in enumerate(scales):
        names = [*reversed(scale.grades), UNRATED]
        index = {g: n for n, g in enumerate(names)}
        grid = [[0] * len(names) for _ in names]
        for before, after, n in transitions:
            on_scale = [g for g in (before, after) if g]
            if not on_scale or any(ranked.get(g, (-1, 0))[0] != i for g in on_scale):
                continue
            grid[index[before or UNRATED]][index[after or UNRATED]] += n
        if any(any(row) for row in grid):
            out.append({"scale": "、".join(scale.model_names), "grades": names, "matrix": grid})
    return out


def class_matrix(transitions: Sequence[tuple[str, str, int]]) -> dict[str, Any]:
    """Return the supervision class transition matrix (rows: before, columns: after)."""
    names = ["A", "B", "C", "D", NO_CLASS]
    grid = [[0] * len(names) for _ in names]
    for before, after, n in transitions:
        grid[names.index(before or NO_CLASS)][names.index(after or NO_CLASS)] += n
    return {"classes": names, "matrix": grid}


def grade_cells(
    cells: Sequence[tuple[Any, ...]], labels: Labels, ranked: Mapping[str, tuple[int, int]]
) -> list[dict[str, Any]]:
    """Return the changed cells of subjects (county, industry, kind, from → to) with named examples."""
    return [
        {
            "county": labels.county_of(str(region)),
            "industry": industry or UNKNOWN,
            "kind": kind,
            "grade_from": grade_b or UNRATED,
            "grade_to": grade_a or UNRATED,
            "direction": direction(grade_b, grade_a, ranked),
            "class_from": class_b or NO_CLASS,
            "class_to": class_a or NO_CLASS,
            "count": int(n),
            "examples": labels.examples([int(x) for x in examples]),
        }
        for region, industry, kind, grade_b, grade_a, class_b, class_a, n, examples in cells
    ]


def visibility(tally: Tally, labels: Labels, decided: int, compared: bool) -> dict[str, Any]:
    """Return per audience how many records become visible or hidden, and the cells with examples."""
    audiences = []
    for audience in Audience:
        mine = [(bool(k[1]), c.count) for k, c in tally.cells.items() if k[0] == audience.value]
        shown = sum(n for visible, n in mine if visible)
        hidden = sum(n for visible, n in mine if not visible)
        audiences.append(
            {
                "audience": audience.value,
                "label": AUDIENCE_LABELS[audience],
                "became_visible": shown,
                "became_hidden": hidden,
            }
        )
    cells = [
        {
            "audience": key[0],
            "label": AUDIENCE_LABELS[Audience(str(key[0]))],
            "shown": bool(key[1]),
            "county": labels.county_of(str(key[2])),
            "industry": key[3] or UNKNOWN,
            "kind": key[4],
            "count": cell.count,
            "examples": labels.examples(cell.subjects, cell.records),
        }
        for key, cell in sorted(tally.cells.items(), key=lambda kv: (str(kv[0][0]), -kv[1].count))
    ]
    return {"compared": compared, "records_decided": decided, "audiences": audiences, "cells": cells}


def measures(tally: Tally, labels: Labels, subjects: int, scope: str) -> dict[str, Any]:
    """Return per measure how many subjects newly hit or stop hitting it, and the cells with examples."""
    per: dict[str, dict[str, Any]] = {}
    for (mid, change, *_rest), cell in tally.cells.items():
        row = per.setdefault(
            str(mid), {"id": mid, "name": labels.measure.get(str(mid), str(mid)), "new": 0, "stopped": 0}
        )
        row[str(change)] += cell.count
    cells = [
        {
            "measure": key[0],
            "name": labels.measure.get(str(key[0]), str(key[0])),
            "change": key[1],
            "county": labels.county_of(str(key[2])),
            "industry": key[3] or UNKNOWN,
            "kind": key[4],
            "count": cell.count,
            "examples": labels.examples(cell.subjects),
        }
        for key, cell in sorted(
            tally.cells.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]), -kv[1].count)
        )
    ]
    return {
        "scope": scope,
        "subjects_matched": subjects,
        "measures": sorted(per.values(), key=lambda r: r["id"]),
        "cells": cells,
    }


def by_county(
    cells: Sequence[dict[str, Any]],
    vis: Sequence[dict[str, Any]],
    meas: Sequence[dict[str, Any]],
    counties: Sequence[str],
) -> list[dict[str, Any]]:
    """Return the totals per county: grades up/down/other, class changes, visibility and measure changes."""
    rows: dict[str, dict[str, int]] = {}

    def row(county: str) -> dict[str, int]:
        keys = (
            "grade_up",
            "grade_down",
            "grade_other",
            "class_changed",
            "visible",
            "hidden",
            "measures_new",
            "measures_stopped",
        )
        return rows.setdefault(county, dict.fromkeys(keys, 0))

    for county in counties:
        row(county)
    for g in cells:
        r = row(g["county"])
        if g["direction"] != "same":
            r[f"grade_{g['direction']}"] += g["count"]
        if g["class_from"] != g["class_to"]:
            r["class_changed"] += g["count"]
    for v in vis:
        row(v["county"])["visible" if v["shown"] else "hidden"] += v["count"]
    for m in meas:
        row(m["county"])["measures_" + m["change"]] += m["count"]
    return [{"county": k, **v} for k, v in rows.items()]


def totals_of(rows: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], bool]) -> int:
    """Return the sum of ``count`` over the rows ``key`` accepts."""
    return sum(int(r["count"]) for r in rows if key(r))
