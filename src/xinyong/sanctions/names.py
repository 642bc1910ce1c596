"""Chinese-aware name features for screening (pure): width, brackets, legal forms, regions, pinyin."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz

from xinyong.kit.text import name_core, normalize_name

_BRACKETED = re.compile(r"（([^（）]*)）")
FEATURES = ("exact", "core", "pinyin", "region", "legal_rep")


@dataclass(frozen=True)
class NameParts:
    """A name split for comparison: normalised full name, region prefix, distinctive core, pinyin."""

    norm: str
    region: str | None
    core: str
    pinyin: str


def region_names(names: Iterable[str]) -> tuple[str, ...]:
    """Return region spellings to strip, longest first: 温岭市 and 温岭, 椒江区 and 椒江 …"""
    out: set[str] = set()
    for n in names:
        out.add(n)
        if len(n) >= 3 and n[-1] in "市区县省":
            out.add(n[:-1])
    return tuple(sorted(out, key=len, reverse=True))


@lru_cache(maxsize=65536)
def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text))


def split_name(name: str, regions: tuple[str, ...]) -> NameParts:
    """Split a name into its parts (region prefixes such as 台州市温岭市 are peeled off in turn)."""
    norm = normalize_name(name)
    rest = norm
    found: list[str] = []
    progress = True
    while progress:
        progress = False
        for r in regions:
            if rest.startswith(r) and len(rest) > len(r) + 1:
                found.append(r)
                rest = rest[len(r) :]
                progress = True
                break
    for inner in _BRACKETED.findall(rest):
        if inner in regions:
            found.append(inner)
            rest = rest.replace(f"（{inner}）", "")
    core = name_core(rest)
    region = found[-1] if found else None
    return NameParts(norm=norm, region=region, core=core, pinyin=_pinyin(core))


def same_region(a: str | None, b: str | None) -> bool:
    """Tell whether two region spellings name the same place (温岭 = 温岭市)."""
    if a is None or b is None:
        return False
    return _bare(a) == _bare(b)


def _bare(region: str) -> str:
    return region[:-1] if len(region) >= 3 and region[-1] in "市区县省" else region


def features(
    query: NameParts,
    cand: NameParts,
    *,
    query_region: str | None = None,
    cand_region: str | None = None,
    query_rep: str | None = None,
    cand_rep: str | None = None,
) -> dict[str, float | None]:
    """Return each feature's score in [0, 1], or ``None`` when a side lacks the information."""
    q_region = query_region or query.region
    c_region = cand.region or cand_region
    region: float | None = None
    if q_region and c_region:
        region = 1.0 if same_region(q_region, c_region) else 0.0
    rep: float | None = None
    if query_rep and cand_rep:
        rep = 1.0 if normalize_name(query_rep) == normalize_name(cand_rep) else 0.0
    return {
        "exact": 1.0 if query.norm == cand.norm else 0.0,
        "core": fuzz.ratio(query.core, cand.core) / 100.0,
        "pinyin": fuzz.ratio(query.pinyin, cand.pinyin) / 100.0 if query.pinyin and cand.pinyin else 0.0,
        "region": region,
        "legal_rep": rep,
    }


def score(feats: Mapping[str, float | None], weights: Mapping[Any, float]) -> float:
    """Combine features with weights, leaving out features a side could not inform.

    An exact normalised match scores 1; the rest is a weighted mean of the informed features.
    """
    if feats.get("exact") == 1.0:
        return 1.0
    total = 0.0
    weight = 0.0
    for name in FEATURES:
        value = feats.get(name)
        if name == "exact" or value is None:
            continue
        total += weights.get(name, 0.0) * value
        weight += weights.get(name, 0.0)
    return round(total / weight, 4) if weight else 0.0
