"""Policy sections owned by capabilities (sources, measures, models …), checked by ``policy check``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from xinyong.policy.loader import Policy

# name -> "module:function"; the function takes the Policy and returns the loaded section (a sized object).
SECTIONS: dict[str, str] = {
    "access": "xinyong.auth.access:load",
    "workflows": "xinyong.repair.workflows:load",
    "sources": "xinyong.ingest.sources:load",
    "models": "xinyong.evaluation.loaders:load_models",
    "supervision": "xinyong.evaluation.loaders:load_supervision",
    "measures": "xinyong.sanctions.rules:load",
    "commitments": "xinyong.commitments.rules:load",
    "signals": "xinyong.monitoring.signals:load",
    "special_reports": "xinyong.reports.special:load",
    "institutions": "xinyong.registers.institutions:load",
    "finance_products": "xinyong.finance.rules:load_products",
    "finance_subsidies": "xinyong.finance.rules:load_subsidies",
    "scenes": "xinyong.scenes.rules:load",
}


def loader(name: str) -> Callable[[Policy], Any]:
    """Return the loader function of a section."""
    module, _, func = SECTIONS[name].partition(":")
    fn: Callable[[Policy], Any] = getattr(importlib.import_module(module), func)
    return fn


def check_sections(policy: Policy) -> dict[str, int]:
    """Load every registered section (raising ``PolicyError`` on problems); return their sizes."""
    return {name: len(policy.section(name, loader(name))) for name in SECTIONS}
