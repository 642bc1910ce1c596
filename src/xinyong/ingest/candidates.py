"""Ranked candidate subjects for an unresolved name (Chinese-aware fuzzy matching with explanations).

Names are compared after normalisation (NFKC, brackets, case), without the region prefix and the
legal-form suffix (有限公司, 股份有限公司 …); pinyin catches homophone typos (宏达 / 弘达). Each candidate
carries a score and the reasons in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.kit.text import name_core, normalize_name
from xinyong.subjects.models import Subject, SubjectKind

POOL_LIMIT = 400


@dataclass(frozen=True)
class Candidate:
    """A possible subject for a name, with its score (0–100) and explanations."""

    subject_id: int
    name: str
    uscc: str | None
    region_code: str | None
    score: float
    reasons: list[str]

    def to_dict(self) -> dict[str, object]:
        """Return the candidate as stored in the queue."""
        return {
            "subject_id": self.subject_id,
            "name": self.name,
            "uscc": self.uscc,
            "region_code": self.region_code,
            "score": round(self.score, 1),
            "reasons": self.reasons,
        }


def strip_region(core: str, region_names: Iterable[str]) -> str:
    """Remove a leading province, city or county name (浙江省, 台州市, 温岭市 …)."""
    text = core
    for prefix in ("浙江省", "浙江", *sorted(region_names, key=len, reverse=True)):
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
    return text


def score(
    name: str, region: str | None, cand_name: str, cand_region: str | None, region_names: Sequence[str]
) -> tuple[float, list[str]]:
    """Return the similarity of a written name to a subject's name, with reasons in Chinese."""
    from pypinyin import lazy_pinyin  # imported on first use: its dictionaries take ~0.4 s to load
    from rapidfuzz import fuzz

    a_norm, b_norm = normalize_name(name), normalize_name(cand_name)
    a = strip_region(name_core(name), region_names)
    b = strip_region(name_core(cand_name), region_names)
    reasons: list[str] = []
    if a_norm == b_norm:
        return 100.0, ["规范化后名称完全相同（全角/半角括号、空格、大小写已统一）"]
    base = fuzz.ratio(a, b)
    value = float(base)
    reasons.append(f"去除地名与组织形式后，名称核心“{a}”与“{b}”的相似度为 {base:.0f}%")
    if a == b:
        value = max(value, 95.0)
        reasons.append("名称核心相同，仅地名前缀或组织形式（有限公司等）不同")
    elif lazy_pinyin(a) == lazy_pinyin(b):
        value = max(value, 90.0)
        reasons.append(f"拼音相同（{' '.join(lazy_pinyin(a))}），可能是同音错字")
    elif min(len(a), len(b)) >= 2 and (a in b or b in a):
        value = max(value, 80.0)
        reasons.append("一个名称核心包含另一个")
    if region and cand_region:
        if region == cand_region:
            value = min(100.0, value + 3)
            reasons.append("属于同一县（市、区）")
        else:
            value = max(0.0, value - 5)
            reasons.append("所属县（市、区）不同")
    return value, reasons


def rank(
    session: Session,
    name: str,
    region: str | None,
    *,
    region_names: Sequence[str],
    exclude: set[int] | None = None,
    limit: int = 5,
) -> list[Candidate]:
    """Return up to ``limit`` candidate organisations for ``name``, best first."""
    core = strip_region(name_core(name), region_names)
    grams = [core[i : i + 2] for i in range(max(1, len(core) - 1))][:6] or [core]
    clauses = [Subject.name_norm.contains(g, autoescape=True) for g in grams if g]
    if not clauses:
        return []
    rows = session.execute(
        select(Subject.id, Subject.name, Subject.uscc, Subject.region_code)
        .where(Subject.kind != SubjectKind.NATURAL_PERSON.value, or_(*clauses))
        .limit(POOL_LIMIT)
    ).all()
    out: list[Candidate] = []
    for sid, cand_name, uscc, cand_region in rows:
        if exclude and sid in exclude:
            continue
        value, reasons = score(name, region, cand_name, cand_region, region_names)
        if value >= 50:
            out.append(Candidate(sid, cand_name, uscc, cand_region, value, reasons))
    out.sort(key=lambda c: (-c.score, c.subject_id))
    return out[:limit]
