"""Which catalog items a subject collects, how often, and from which kind of department.

Rates are per subject and year. Rare, negative items keep realistic rates at every scale (a few per
cent of firms are penalised each year); the bulk items (licences, commitments, ratings) are scaled so
that a scale reaches its record volume.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xinyong.subjects.models import SubjectKind
from xinyong.synth import licences, lists, penalties, registration
from xinyong.synth.context import Ctx, Row
from xinyong.synth.names import Picker

Weights = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class ItemSpec:
    """How one catalog item is generated."""

    build: Callable[[Ctx, str], Row]
    org_domains: Weights
    person_domains: Weights
    rates: dict[str, float]  # group → records per subject-year
    bulk: bool = False


def group_of(kind: SubjectKind) -> str:
    """Return the rate group of a subject kind: ent, ind, org or person."""
    if kind is SubjectKind.ENTERPRISE:
        return "ent"
    if kind is SubjectKind.INDIVIDUAL_BUSINESS:
        return "ind"
    if kind is SubjectKind.NATURAL_PERSON:
        return "person"
    return "org"


NONE: Weights = ()
ITEMS: dict[str, ItemSpec] = {
    "xzcf": ItemSpec(
        penalties.xzcf,
        penalties.PENALTY_DOMAINS_ORG,
        penalties.PENALTY_DOMAINS_PERSON,
        {"ent": 0.035, "ind": 0.02, "org": 0.004, "person": 0.004},
    ),
    "xzxk": ItemSpec(
        licences.xzxk,
        licences.LICENCE_DOMAINS_ORG,
        licences.LICENCE_DOMAINS_PERSON,
        {"ent": 1.0, "ind": 0.5, "org": 0.3, "person": 0.04},
        bulk=True,
    ),
    "xzqz": ItemSpec(
        licences.xzqz,
        licences.COERCION_DOMAINS,
        (("urban_management", 1.0),),
        {"ent": 0.004, "ind": 0.002, "person": 0.0004},
    ),
    "yzsxmd": ItemSpec(
        lists.yzsxmd,
        (("market_regulation", 40.0), ("tax", 30.0), ("social_security", 20.0), ("environment", 10.0)),
        (("social_security", 1.0),),
        {"ent": 0.0015, "ind": 0.0005, "person": 0.0002},
    ),
    "jyycml": ItemSpec(lists.jyycml, (("market_regulation", 1.0),), NONE, {"ent": 0.03, "ind": 0.03}),
    "sxbzxr": ItemSpec(
        lists.sxbzxr, (("court", 1.0),), (("court", 1.0),), {"ent": 0.008, "ind": 0.004, "person": 0.003}
    ),
    "qs": ItemSpec(lists.qs, (("tax", 1.0),), (("tax", 1.0),), {"ent": 0.02, "ind": 0.01, "person": 0.0005}),
    "sbqj": ItemSpec(
        lists.sbqj, (("social_security", 1.0),), NONE, {"ent": 0.01, "ind": 0.002, "org": 0.001}
    ),
    "xycn": ItemSpec(
        lists.xycn,
        (
            ("market_regulation", 40.0),
            ("tax", 20.0),
            ("credit", 15.0),
            ("construction", 10.0),
            ("environment", 5.0),
            ("transport", 5.0),
            ("health", 5.0),
        ),
        (("market_regulation", 40.0), ("credit", 30.0), ("transport", 30.0)),
        {"ent": 0.5, "ind": 0.35, "org": 0.2, "person": 0.03},
        bulk=True,
    ),
    "sxjl": ItemSpec(
        lists.sxjl,
        (("market_regulation", 40.0), ("social_security", 20.0), ("credit", 30.0), ("tax", 10.0)),
        (("public_security", 1.0),),
        {"ent": 0.01, "ind": 0.003, "org": 0.01, "person": 0.0005},
    ),
    "xypj": ItemSpec(
        lists.xypj,
        (("tax", 60.0), ("environment", 10.0), ("credit", 20.0), ("construction", 10.0)),
        NONE,
        {"ent": 0.7, "ind": 0.15, "org": 0.05},
        bulk=True,
    ),
    "sfpj": ItemSpec(
        lists.sfpj,
        (("court", 1.0),),
        (("court", 1.0),),
        {"ent": 0.02, "ind": 0.008, "org": 0.004, "person": 0.004},
    ),
    "htly": ItemSpec(
        lists.htly,
        (("construction", 60.0), ("credit", 40.0)),
        (("credit", 1.0),),
        {"ent": 0.003, "ind": 0.001, "org": 0.001, "person": 0.0002},
    ),
    # drawn per firm by synth.registration.changes (its own generator), not at a rate of the main stream
    "djbg": ItemSpec(registration.djbg, (("market_regulation", 1.0),), NONE, {}),
}


@dataclass(frozen=True)
class Plan:
    """An item's rate and department-domain picker for one subject group (precomputed)."""

    item_id: str
    rate: float
    bulk: bool
    pick_domain: Picker


def plans(group: str) -> list[Plan]:
    """Return the plans of the items a subject group collects."""
    out = []
    for item_id, spec in ITEMS.items():
        domains = spec.person_domains if group == "person" else spec.org_domains
        rate = spec.rates.get(group, 0.0)
        if domains and rate > 0:
            out.append(Plan(item_id, rate, spec.bulk, Picker(domains)))
    return out


PLANS = {group: plans(group) for group in ("ent", "ind", "org", "person")}
