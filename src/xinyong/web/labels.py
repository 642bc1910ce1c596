"""Chinese names for the codes a page shows: sources, departments, catalog items — read from policy.

A page never prints a code a person has to look up; it asks these maps, built once per policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.ingest.sources import sources
from xinyong.policy.loader import Policy


@dataclass(frozen=True)
class Labels:
    """Code → Chinese name maps of one policy version."""

    sources: dict[str, str]
    departments: dict[str, str]
    items: dict[str, str]

    def source(self, code: str | None) -> str:
        """Return a source's name (the code itself when policy no longer has it)."""
        return self.sources.get(code or "", code or "—")

    def department(self, code: str | None) -> str:
        """Return a department's name."""
        return self.departments.get(code or "", code or "—")

    def item(self, code: str | None) -> str:
        """Return a catalog item's name."""
        return self.items.get(code or "", code or "—")


def _build(policy: Policy, source_names: dict[str, str]) -> Labels:
    return Labels(
        sources=source_names,
        departments={d.code: d.name for d in policy.departments.departments},
        items={code: item.name for code, item in policy.catalog.items()},
    )


def labels(policy: Policy) -> Labels:
    """Return the labels of a policy (built once)."""
    # the section lock is not re-entrant: the sources section is read before, not inside, this one
    names = {sid: s.spec.name for sid, s in sources(policy).by_id.items()}
    return policy.section("web_labels", lambda p: _build(p, names))
