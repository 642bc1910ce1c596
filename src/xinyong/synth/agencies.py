"""Synthetic 信用服务机构, practitioners, licensed professionals and civil servants (issue 19 points 7–9).

Written to ``agencies/registry.json`` after the register and the feeds, from its OWN random stream
(``{seed}:agencies``): the register, the feeds and the manifest stay byte-identical to a run without it.
People are drawn from the register's natural persons (reservoir sampling, bounded memory), government
bodies are the register's 政府机构, report subjects its enterprises; agencies are new enterprises with
USCC bodies ``MX…`` that the register never uses. Codes come from ``policy/agencies`` and
``policy/professions`` so the demo can load every entry through the services.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xinyong.kit.ids import make_uscc
from xinyong.settings import ROOT
from xinyong.synth.names import ZIHAO_A, ZIHAO_B, person_name

OUT = Path("agencies") / "registry.json"
# The catalog items the registry's entries become (events, filed reports, sanctions) when the demo loads
# them through the services: no department feed carries them.
RECORD_ITEMS = ("xyfwbg", "xyfwjg", "zyrycj")
AGENCY_WORDS = ("信用评估", "信用管理咨询", "征信服务", "资信评估", "信用信息技术", "商务信用咨询")
EVENT_REASONS = (
    "出具报告未核实信息来源",
    "经核实的投诉：信用修复咨询收费不透明",
    "未按规定报送年度业务报告",
    "从业人员未取得相应资格即出具评级意见",
)
SANCTION_REASONS = ("出具虚假证明文件", "违反职业道德规范", "违反工作纪律", "执业中收受不正当利益")
MAX_STAFF, MAX_SEATS = 5, 8  # practitioners per agency, civil servants per body, at most
POSITIONS = ("科员", "一级科员", "四级主任科员", "二级主任科员", "科长")


@dataclass
class Pools:
    """What is drawn from the register: people (name, ID, region), bodies and enterprises (name, USCC)."""

    persons: list[tuple[str, str, str]] = field(default_factory=list)
    bodies: list[tuple[str, str]] = field(default_factory=list)
    firms: list[tuple[str, str]] = field(default_factory=list)
    usccs: set[str] = field(default_factory=set)


def _keep(pool: list[Any], item: Any, seen: int, size: int, rng: random.Random) -> None:
    """Reservoir sampling: keep ``size`` items of a stream, each with the same chance."""
    if len(pool) < size:
        pool.append(item)
    else:
        j = rng.randrange(seen)
        if j < size:
            pool[j] = item


def _rows(register: Path) -> Any:
    with register.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def read_pools(register: Path, rng: random.Random, *, agencies: int, licences: int) -> Pools:
    """Read the register twice: every government body first (their seats size the sample), then a sample
    of persons (one per practitioner, licence and seat) and of firms (the agencies' report subjects)."""
    pools = Pools()
    for row in _rows(register):
        if row["uscc"]:
            pools.usccs.add(row["uscc"][8:16])
        if row["kind"] == "政府机构":
            pools.bodies.append((row["name"], row["uscc"]))
    persons = agencies * MAX_STAFF + licences + len(pools.bodies) * MAX_SEATS
    n_person = n_firm = 0
    for row in _rows(register):
        if row["kind"] == "自然人":
            n_person += 1
            _keep(pools.persons, (row["name"], row["id_card"], row["region_code"]), n_person, persons, rng)
        elif row["kind"] == "企业法人" and row["status"] == "存续":
            n_firm += 1
            _keep(pools.firms, (row["name"], row["uscc"]), n_firm, agencies * 3, rng)
    return pools


def _policy() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    root = ROOT / "policy"
    registry = yaml.safe_load((root / "agencies" / "registry.yaml").read_text("utf-8"))
    professions = yaml.safe_load((root / "professions" / "professions.yaml").read_text("utf-8"))
    enums = yaml.safe_load((root / "catalog" / "enums.yaml").read_text("utf-8"))["enums"]
    return registry, professions, enums


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


class Builder:
    """Builds the entries from the pools and the policy, drawing only from its own stream."""

    def __init__(self, rng: random.Random, pools: Pools, start: dt.date, end: dt.date) -> None:
        self.rng, self.pools, self.start, self.end = rng, pools, start, end
        self.registry, self.professions, self.enums = _policy()
        self.people = iter(pools.persons)

    def person(self) -> dict[str, str]:
        """Return the next person of the sample (each plays one role only)."""
        name, id_card, _region = next(self.people)
        return {"name": name, "id_card": id_card}

    def _labels(self, ref: str) -> list[str]:
        return [str(v["label"]) for v in self.enums[ref]]

    def agency(self, n: int) -> dict[str, Any]:
        rng = self.rng
        body = f"MX{n:06d}"
        while body in self.pools.usccs:  # pragma: no cover - MX bodies are never the register's
            body = f"MX{rng.randrange(1_000_000):06d}"
        filed = _day(rng, self.start, self.end - dt.timedelta(days=180))
        scopes = [s["code"] for s in self.registry["business_scopes"]]
        entry: dict[str, Any] = {
            "uscc": make_uscc("9", "1", "331000" if n % 3 else "331002", body),
            "name": f"台州{rng.choice(ZIHAO_A)}{rng.choice(ZIHAO_B)}{rng.choice(AGENCY_WORDS)}有限公司",
            "legal_rep": person_name(rng),
            "filing_no": f"台信备〔{filed.year}〕{n + 1}号",
            "filed_on": filed.isoformat(),
            "filing_authority": rng.choice(self.registry["filing_authorities"])["department"],
            "business_scopes": sorted(rng.sample(scopes, rng.randint(1, 3)), key=scopes.index),
            "cancelled_on": None,
            "practitioners": [self.practitioner(filed) for _ in range(rng.randint(2, MAX_STAFF))],
            "events": [],
            "reports": [],
        }
        if n % 5 == 4:
            entry["cancelled_on"] = _day(rng, filed + dt.timedelta(days=90), self.end).isoformat()
            entry["cancel_reason"] = "机构申请注销备案"
        active_to = dt.date.fromisoformat(entry["cancelled_on"]) if entry["cancelled_on"] else self.end
        entry["events"] = [self.event(filed, active_to, n, k) for k in range(rng.choice((0, 0, 1, 2)))]
        entry["reports"] = [self.report(filed, active_to, n, k) for k in range(rng.randint(1, 3))]
        return entry

    def practitioner(self, filed: dt.date) -> dict[str, Any]:
        rng = self.rng
        joined = _day(rng, filed, self.end)
        quals = [q["code"] for q in self.registry["qualifications"]]
        left = _day(rng, joined, self.end) if rng.random() < 0.2 else None
        return {
            **self.person(),
            "qualification": rng.choice(quals),
            "certificate_no": f"XYGL{rng.randrange(10**8):08d}",
            "joined_on": joined.isoformat(),
            "left_on": left.isoformat() if left else None,
        }

    def event(self, filed: dt.date, active_to: dt.date, n: int, k: int) -> dict[str, Any]:
        on = _day(self.rng, filed + dt.timedelta(days=30), active_to - dt.timedelta(days=1))
        return {
            "event_type": self.rng.choice(self._labels("agency_event")[:5]),
            "reason": self.rng.choice(EVENT_REASONS),
            "document_no": f"台发改信监〔{on.year}〕{n * 10 + k + 1}号",
            "decided_on": on.isoformat(),
        }

    def report(self, filed: dt.date, active_to: dt.date, n: int, k: int) -> dict[str, Any]:
        name, uscc = self.rng.choice(self.pools.firms)
        on = _day(self.rng, filed, active_to - dt.timedelta(days=1))
        number = f"PJ{on.year}{n:03d}{k:02d}"
        return {
            "subject_uscc": uscc,
            "report_no": number,
            "title": f"{name}主体信用评级报告",
            "purpose": self.rng.choice([p["code"] for p in self.registry["report_purposes"]]),
            "issued_on": on.isoformat(),
            "sha256": hashlib.sha256(f"{number}|{uscc}".encode()).hexdigest(),
        }

    def sanction(self, ref: str, n: int, on_or_after: dt.date) -> dict[str, Any]:
        on = _day(self.rng, on_or_after, self.end)
        return {
            "sanction_type": self.rng.choice(
                self._labels("professional_sanction")[:4]
                if ref == "p"
                else self._labels("professional_sanction")[4:]
            ),
            "reason": self.rng.choice(SANCTION_REASONS),
            "document_no": f"台{'职' if ref == 'p' else '纪'}惩〔{on.year}〕{n + 1}号",
            "decided_on": on.isoformat(),
        }

    def licence(self, n: int) -> dict[str, Any]:
        rng = self.rng
        prof = rng.choice([p for p in self.professions["professions"] if p.get("effective_to") is None])
        issued = _day(rng, max(self.start, prof["effective_from"]), self.end - dt.timedelta(days=30))
        valid_to = issued + dt.timedelta(days=365 * 5) if rng.random() < 0.5 else None
        return {
            **self.person(),
            "profession": prof["code"],
            "licence_no": f"{prof['code'][:2].upper()}{issued.year}{n:06d}",
            "issuing_department": prof["licensing_body"],
            "issued_on": issued.isoformat(),
            "valid_to": valid_to.isoformat() if valid_to else None,
            "sanction": self.sanction("p", n, issued) if rng.random() < 0.08 else None,
        }

    def body(self, name: str, uscc: str, n: int) -> dict[str, Any]:
        rng = self.rng
        headcount = rng.randint(3, MAX_SEATS)
        filled = max(0, headcount - rng.choice((0, 0, 0, 1, 2)))
        servants = []
        for k in range(filled):
            appointed = _day(rng, self.start, self.end - dt.timedelta(days=10))
            servants.append(
                {
                    **self.person(),
                    "position": rng.choice(POSITIONS),
                    "appointed_on": appointed.isoformat(),
                    "sanction": self.sanction("c", n * 10 + k, appointed) if rng.random() < 0.05 else None,
                }
            )
        reported = _day(rng, self.end - dt.timedelta(days=365), self.end - dt.timedelta(days=30))
        return {
            "body_uscc": uscc,
            "body_name": name,
            "headcount": headcount,
            "reported_on": reported.isoformat(),
            "servants": servants,
        }


def generate_agencies(
    out: Path, register: Path, *, seed: int, organisations: int, persons: int, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """Write ``agencies/registry.json`` from the register, with the ``{seed}:agencies`` stream only."""
    rng = random.Random(f"{seed}:agencies")
    n_agencies = max(6, organisations // 500)
    n_licences = max(40, persons // 50)
    pools = read_pools(register, rng, agencies=n_agencies, licences=n_licences)
    build = Builder(rng, pools, start, end)
    agencies = [build.agency(n) for n in range(n_agencies)]
    licences = [build.licence(n) for n in range(n_licences)]
    bodies = [build.body(name, uscc, n) for n, (name, uscc) in enumerate(pools.bodies)]
    doc: dict[str, Any] = {"generator": "xinyong synth", "seed": seed, "end": end.isoformat()}
    doc |= {"agencies": agencies, "licences": licences, "civil_service": bodies}
    path = out / OUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    return {
        "path": str(path),
        "agencies": len(agencies),
        "practitioners": sum(len(a["practitioners"]) for a in agencies),
        "licences": len(licences),
        "civil_servants": sum(len(b["servants"]) for b in bodies),
    }
