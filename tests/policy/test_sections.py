"""Capability sections are declared beside their loaders and registered by reference."""

from __future__ import annotations

from collections.abc import Sized

import pytest

from xinyong import policy_sections
from xinyong.policy.loader import Policy, Section
from xinyong.repair import workflows
from xinyong.repair.workflows import Workflows


def test_every_declared_section_loads_and_is_checked(policy: Policy) -> None:
    sizes = policy_sections.check_sections(policy)
    assert set(sizes) == {
        "access",
        "workflows",
        "sources",
        "ingest",
        "models",
        "supervision",
        "psi",
        "measures",
        "commitments",
        "signals",
        "special_reports",
        "institutions",
        "finance_products",
        "finance_subsidies",
        "scenes",
        "rural",
        "indices",
        "rural_units",
        "agencies",
        "professions",
    }
    assert all(size > 0 for size in sizes.values()), sizes


def test_a_section_is_loaded_once_and_shared_with_its_accessor(policy: Policy) -> None:
    loaded = policy.section(workflows.SECTION)
    assert isinstance(loaded, Workflows)
    assert workflows.workflows(policy) is loaded
    assert policy_sections.SECTIONS["workflows"] is workflows.SECTION


def test_a_section_name_declared_twice_is_refused() -> None:
    twin: Section[Sized] = Section("workflows", lambda _p: ())
    with pytest.raises(ValueError, match="workflows"):
        policy_sections._by_name((workflows.SECTION, twin))


def test_a_value_derived_from_the_policy_is_memoised_by_name(policy: Policy) -> None:
    count = policy.section("test.region_count", lambda p: len(p.region_codes()))
    assert count == len(policy.region_codes())
