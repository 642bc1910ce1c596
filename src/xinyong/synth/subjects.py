"""Synthetic subjects (信用主体), generated county by county as a stream.

Codes are unique by construction, never by remembering what was issued: an organisation's 主体标识码
comes from a bijective scramble of (county, sequence), and an ID number's sequence digits come from a
per-county range, so memory stays bounded at any scale.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from xinyong.kit.ids import USCC_ALPHABET, make_ric, make_uscc
from xinyong.subjects.models import SubjectKind
from xinyong.synth import names
from xinyong.synth.places import COMMON_INDUSTRIES, COUNTIES, MIGRANT_ID_PREFIXES, County, Industry

USCC_START = dt.date(2015, 10, 1)  # 统一社会信用代码 issued from 2015-10-01 (国发〔2015〕33号)
STRIDE = 10_000_000  # organisations per county the code scramble can tell apart
SEQ_BLOCK = 111  # ID sequence numbers per county (9 × 111 ≤ 1000)

# Share of organisations by kind (market entities dominate; 村集体 and 机关 are few).
ORG_KINDS: tuple[tuple[str, float], ...] = (
    (SubjectKind.ENTERPRISE.value, 55.0),
    (SubjectKind.INDIVIDUAL_BUSINESS.value, 41.0),
    (SubjectKind.SOCIAL_ORGANISATION.value, 1.5),
    (SubjectKind.PUBLIC_INSTITUTION.value, 1.0),
    (SubjectKind.GOVERNMENT.value, 0.5),
    (SubjectKind.VILLAGE_COLLECTIVE.value, 1.0),
)
XDR_CATEGORY = {
    SubjectKind.NATURAL_PERSON: "自然人",
    SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户",
}


@dataclass(frozen=True, slots=True)
class SynthSubject:
    """One generated subject, with what the feeds need to refer to it."""

    kind: SubjectKind
    name: str
    county: County
    uscc: str | None = None
    id_card: str | None = None
    industry: str | None = None
    legal_rep: str | None = None
    established_on: dt.date | None = None
    status: str = ""
    birth: dt.date | None = None

    @property
    def is_person(self) -> bool:
        """Tell whether the subject is a natural person."""
        return self.kind is SubjectKind.NATURAL_PERSON

    @property
    def xdr_category(self) -> str:
        """Return the 行政相对人类别 of the 双公示 formats."""
        return XDR_CATEGORY.get(self.kind, "法人及非法人组织")

    @property
    def org_code(self) -> str | None:
        """Return the 组织机构代码 embedded in the USCC, written the legacy way (12345678-9)."""
        return f"{self.uscc[8:16]}-{self.uscc[16]}" if self.uscc else None

    def register_row(self) -> list[str]:
        """Return the row of ``subjects.csv`` (``REGISTER_COLUMNS`` order)."""
        return [
            self.kind.value,
            self.name,
            self.uscc or "",
            self.id_card or "",
            self.county.code,
            self.industry or "",
            self.legal_rep or "",
            self.established_on.isoformat() if self.established_on else "",
            self.status,
        ]


def _base31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(USCC_ALPHABET[r])
    return "".join(reversed(out))


def org_body(n: int, *, prefix: str | None, reserved: frozenset[str]) -> str:
    """Return a unique 8-character 主体标识码 body for organisation number ``n``.

    Legacy (pre-2015) bodies are 8 digits, new ones a two-letter prefix (MA 市场主体, MB 机关事业,
    MJ 社会组织, MF 村集体) and six symbols; both come from bijections, so distinct ``n`` never collide.
    """
    if prefix is None:
        body = f"{(n * 48271 + 12_345_678) % 100_000_000:08d}"
        if body not in reserved:
            return body
        prefix = "MA"
    return prefix + _base31((n * 7919 + 123_457) % 31**6, 6)


def _established(rng: random.Random, kind: SubjectKind, end: dt.date) -> dt.date:
    if kind is SubjectKind.VILLAGE_COLLECTIVE:
        first, last = dt.date(2016, 1, 1), min(end, dt.date(2020, 12, 31))
        return first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    scale = {SubjectKind.GOVERNMENT: 25.0, SubjectKind.PUBLIC_INSTITUTION: 20.0}.get(kind, 7.0)
    years_back = min(rng.expovariate(1 / scale), 45.0)
    day = end - dt.timedelta(days=int(years_back * 365.25) + 1)
    return day if day.year >= 1982 else dt.date(1982, 1, 1) + dt.timedelta(days=rng.randrange(3650))


PICK_KIND = names.Picker(ORG_KINDS)
# 一人多企: the share of enterprises whose legal representative already represents another firm of the county
# (drawn from a generator of its own, so every other field of every subject is unchanged)
SHARED_REP_RATE = 0.08


class CountyGenerator:
    """Generate the organisations and persons of one county, deterministically from the seed."""

    def __init__(self, seed: int, index: int, end: dt.date, reserved: frozenset[str]) -> None:
        self.county = COUNTIES[index]
        self.index = index
        self.end = end
        self.reserved = reserved
        self.rng = random.Random(f"{seed}:subjects:{self.county.code}")
        self._reps_rng = random.Random(f"{seed}:reps:{self.county.code}")
        self._enterprise_reps: list[str] = []
        self._org_seq = 0
        self._id_counts: dict[tuple[str, dt.date], int] = {}
        self._industries = county_industries(self.county)
        self._pick_industry = names.Picker([(str(i), x.weight) for i, x in enumerate(self._industries)])

    def organisations(self, count: int) -> Iterator[SynthSubject]:
        """Yield ``count`` organisations of the county."""
        for _ in range(count):
            yield self._organisation()

    def persons(self, count: int) -> Iterator[SynthSubject]:
        """Yield ``count`` natural persons living in the county."""
        for _ in range(count):
            yield self._person()

    def _region_at(self, on: dt.date) -> tuple[str, str]:
        c = self.county
        if c.former_code and c.renamed_on and on < dt.date(*c.renamed_on) and self.rng.random() < 0.85:
            return c.former_code, c.former_name or c.name
        return c.code, c.name

    def _organisation(self) -> SynthSubject:
        rng, county = self.rng, self.county
        kind = SubjectKind(PICK_KIND(rng))
        established = _established(rng, kind, self.end)
        region, old_name = self._region_at(max(established, USCC_START))
        industry = self._industries[int(self._pick_industry(rng))]
        legal_rep = names.person_name(rng)
        if kind is SubjectKind.ENTERPRISE:
            legal_rep = self._representative(legal_rep)
        self._org_seq += 1
        n = self.index * STRIDE + self._org_seq
        legacy = established < USCC_START and rng.random() < 0.85
        head, industry_label = "91", industry.label
        if kind is SubjectKind.ENTERPRISE:
            name = names.enterprise_name(rng, county, industry, old_name=old_name)
            body_prefix = None if legacy else "MA"
        elif kind is SubjectKind.INDIVIDUAL_BUSINESS:
            name, industry_label = names.individual_name(rng, county, legal_rep)
            head, body_prefix = "92", "MA"
        elif kind is SubjectKind.SOCIAL_ORGANISATION:
            name, category = names.social_name(rng, county, industry)
            head, body_prefix, industry_label = "5" + category, "MJ", "社会组织"
        elif kind is SubjectKind.PUBLIC_INSTITUTION:
            name, head, industry_label = names.institution_name(rng, county), "12", "公共管理和社会组织"
            body_prefix = None if legacy else "MB"
        elif kind is SubjectKind.GOVERNMENT:
            name, head, industry_label = names.government_name(rng, county), "11", "国家机构"
            body_prefix = None if established < USCC_START else "MB"
        else:
            name, _town = names.village_name(rng, county)
            head, body_prefix, industry_label = "N2", "MF", "农村集体经济组织"
        uscc = make_uscc(head[0], head[1], region, org_body(n, prefix=body_prefix, reserved=self.reserved))
        status = "存续"
        if kind in (SubjectKind.ENTERPRISE, SubjectKind.INDIVIDUAL_BUSINESS):
            roll = rng.random()
            status = "注销" if roll < 0.07 else ("吊销" if roll < 0.10 else "存续")
        return SynthSubject(
            kind=kind,
            name=name,
            county=county,
            uscc=uscc,
            industry=industry_label,
            legal_rep=legal_rep,
            established_on=established,
            status=status,
        )

    def _representative(self, drawn: str) -> str:
        """Return the legal representative of a new enterprise: now and then one who runs another firm."""
        shared = self._enterprise_reps and self._reps_rng.random() < SHARED_REP_RATE
        rep = self._reps_rng.choice(self._enterprise_reps) if shared else drawn
        self._enterprise_reps.append(rep)
        return rep

    def _id_prefix(self, birth: dt.date) -> str:
        rng, c = self.rng, self.county
        if rng.random() < 0.15:
            return rng.choice(MIGRANT_ID_PREFIXES)
        if c.former_code and c.renamed_on and birth < dt.date(*c.renamed_on):
            roll = rng.random()
            if birth.year < 1994 and c.old_id_prefix and roll < 0.3:
                return c.old_id_prefix
            # Born before 2017 yet 331083: the code is the one at registration, not at birth.
            return c.former_code if roll < 0.7 else c.code
        if birth.year < 1994 and c.old_id_prefix and rng.random() < 0.5:
            return c.old_id_prefix
        return c.code

    def _person(self) -> SynthSubject:
        rng = self.rng
        age_days = int((18 + min(rng.expovariate(1 / 22), 67)) * 365.25)
        birth = self.end - dt.timedelta(days=age_days + rng.randrange(365))
        prefix = self._id_prefix(birth)
        sex = rng.randrange(2)
        while True:
            key = (prefix, birth)
            count = self._id_counts.get(key, 0)
            if count * 2 + 1 < SEQ_BLOCK:
                self._id_counts[key] = count + 1
                break
            birth += dt.timedelta(days=1)
        seq = self.index * SEQ_BLOCK + count * 2 + sex
        return SynthSubject(
            kind=SubjectKind.NATURAL_PERSON,
            name=names.person_name(rng),
            county=self.county,
            id_card=make_ric(prefix, birth, seq),
            birth=birth,
        )


def county_industries(county: County) -> tuple[Industry, ...]:
    """Return the industries firms of a county are drawn from (its clusters first)."""
    return county.industries + COMMON_INDUSTRIES


def split_by_population(total: int) -> list[int]:
    """Split ``total`` across the counties by their 2020 census population."""
    weights = [c.population for c in COUNTIES]
    whole = sum(weights)
    counts = [int(total * w / whole) for w in weights]
    counts[0] += total - sum(counts)
    return counts
