"""Counting changes per cell (county, industry, subject kind …) with a few example subjects each (pure)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

EXAMPLES = 3


@dataclass
class Cell:
    """One cell: how many changes fall in it, and the first example subjects (and records)."""

    count: int = 0
    subjects: list[int] = field(default_factory=list)
    records: list[int] = field(default_factory=list)


@dataclass
class Tally:
    """Changes counted per key, keeping up to ``EXAMPLES`` distinct example subjects per key."""

    cells: dict[tuple[Hashable, ...], Cell] = field(default_factory=dict)

    def add(
        self, key: tuple[Hashable, ...], subject_id: int, record_id: int | None = None, n: int = 1
    ) -> None:
        """Count ``n`` changes under ``key``, remembering the subject (and record) as an example."""
        cell = self.cells.setdefault(key, Cell())
        cell.count += n
        if subject_id not in cell.subjects and len(cell.subjects) < EXAMPLES:
            cell.subjects.append(subject_id)
            if record_id is not None:
                cell.records.append(record_id)

    def example_subjects(self) -> set[int]:
        """Return every example subject of every cell."""
        return {sid for c in self.cells.values() for sid in c.subjects}

    def totals(self, position: int) -> dict[Hashable, int]:
        """Return the counts summed by the key's element at ``position``."""
        out: dict[Hashable, int] = {}
        for key, cell in self.cells.items():
            out[key[position]] = out.get(key[position], 0) + cell.count
        return out
