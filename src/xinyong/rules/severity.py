"""Severity (轻微/一般/严重) of a record from ``policy/severity.yaml`` (pure): the one classification.

The ingest stores it on each record (``classify``); every other use reads the stored class, or the same
classification when none is stored (``severity_of``).

Penalty types map to classes (the most severe type wins; a domain may override a type), a penalty under
the 简易程序 is 轻微, and the fine plus confiscation in 万元 moves a money-only penalty to 轻微 below the
minor threshold and any penalty to 严重 from the serious threshold (“巨额罚款”).
"""

from __future__ import annotations

from collections.abc import Iterable

from xinyong.policy.schemas import SEVERITIES, SeverityMap
from xinyong.rules.facts import RecordFacts

MONEY_TYPES = frozenset({"罚款", "没收违法所得", "没收非法财物"})
MINOR = SEVERITIES[0]  # 轻微


def minor_negative(polarity: str, severity: str | None) -> bool:
    """Tell whether a record is a 轻微 negative one: never sanctioned (proportionality), counted by an
    evaluation model only when the model says so."""
    return polarity == "negative" and severity == MINOR


def rank(sev: SeverityMap, cls: str) -> int:
    """Return the order of a class in ``sev.classes`` (light to heavy)."""
    return sev.classes.index(cls)  # type: ignore[arg-type]


def classify(
    sev: SeverityMap,
    *,
    catalog_item: str,
    penalty_types: Iterable[str] = (),
    procedure: str | None = None,
    amount_wan: float | None = None,
    domain: str | None = None,
) -> str:
    """Return the severity class of one record."""
    if catalog_item in sev.catalog_items:
        return sev.catalog_items[catalog_item]
    types = list(penalty_types)
    if procedure and procedure in sev.procedures:
        return sev.procedures[procedure]
    overrides = sev.domains.get(domain or "", {})
    classes = [overrides.get(t) or sev.penalty_types.get(t) or sev.default for t in types]
    result = max(classes, key=lambda c: rank(sev, c)) if classes else sev.default
    if amount_wan is not None:
        limits = sev.fine_thresholds_wan
        if amount_wan >= limits.serious_from:
            result = "严重"
        elif amount_wan < limits.minor_below and types and set(types) <= MONEY_TYPES | {"警告", "通报批评"}:
            result = "轻微"
    return result


def severity_of(facts: RecordFacts, sev: SeverityMap) -> str:
    """Return the record's class: the stored one, else ``classify`` on its facts."""
    if facts.severity in SEVERITIES:
        return str(facts.severity)
    return classify(
        sev,
        catalog_item=facts.catalog_item,
        penalty_types=facts.penalty_types,
        procedure=facts.procedure,
        amount_wan=facts.fine_wan,
        domain=facts.domain,
    )


def band_representative(sev: SeverityMap, band: str) -> float | None:
    """Return an amount inside a band (to classify once per band)."""
    limits = sev.fine_thresholds_wan
    return {
        "none": None,
        "low": limits.minor_below / 2,
        "mid": (limits.minor_below + limits.serious_from) / 2,
        "high": limits.serious_from,
    }[band]
