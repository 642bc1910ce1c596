"""Policy sections owned by capabilities (sources, measures, models …), checked by ``policy check``.

Each capability declares its section beside its loader (``SECTION = Section("workflows", load)``) and
reads it typed with ``policy.section(SECTION)``; this module lists them all by reference, so a missing
or misspelt section fails at import and mypy sees each loader's type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sized

from xinyong.agencies import professions_rules as profession_rules
from xinyong.agencies import rules as agency_rules
from xinyong.auth import access
from xinyong.commitments import rules as commitment_rules
from xinyong.evaluation import loaders as evaluation_loaders
from xinyong.evaluation import psi
from xinyong.finance import rules as finance_rules
from xinyong.indices import spec as index_spec
from xinyong.ingest import dashboard_rules, sources
from xinyong.monitoring import signals
from xinyong.policy.loader import Policy, Section
from xinyong.registers import institutions
from xinyong.repair import workflows
from xinyong.reports import special
from xinyong.rural import rules as rural_rules
from xinyong.rural import unit_rules as rural_unit_rules
from xinyong.sanctions import rules as sanction_rules
from xinyong.scenes import rules as scene_rules

_DECLARED: tuple[Section[Sized], ...] = (
    access.SECTION,
    workflows.SECTION,
    sources.SECTION,
    dashboard_rules.SECTION,
    evaluation_loaders.MODELS,
    evaluation_loaders.SUPERVISION,
    psi.SECTION,
    sanction_rules.SECTION,
    commitment_rules.SECTION,
    signals.SECTION,
    special.SECTION,
    institutions.SECTION,
    finance_rules.PRODUCTS,
    finance_rules.SUBSIDIES,
    scene_rules.SECTION,
    rural_rules.SECTION,
    index_spec.SECTION,
    rural_unit_rules.SECTION,
    agency_rules.SECTION,
    profession_rules.SECTION,
)


def _by_name(declared: tuple[Section[Sized], ...]) -> dict[str, Section[Sized]]:
    """Index sections by name, refusing a name declared twice (both would share one memo slot)."""
    out: dict[str, Section[Sized]] = {}
    for section in declared:
        if section.name in out:
            raise ValueError(f"policy section {section.name!r} declared twice")
        out[section.name] = section
    return out


SECTIONS: Mapping[str, Section[Sized]] = _by_name(_DECLARED)


def check_sections(policy: Policy) -> dict[str, int]:
    """Load every registered section (raising ``PolicyError`` on problems); return their sizes."""
    return {name: len(policy.section(section)) for name, section in SECTIONS.items()}
