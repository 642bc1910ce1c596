"""Benchmark time travel: a credit file read as of a past day with what was known then, against the current
read of the same files, measured in the same run (target: ratio ≤ 2).

    .venv/bin/python benchmarks/timetravel.py [--subjects 2000] [--records 10] [--reads 300] [--back 200]

Builds a fresh migrated SQLite database with ``--subjects`` companies and ``--records`` credit records each
(penalties, licences, commitments from several departments, each received three days after its decision);
a third of the records get a correction (a second version) received 100 days later, and one in eight a
status event (objection opened and closed, or a repair) recorded later still — so a past read has real
versions and events to leave out. Generation is not timed. Then, alternating on the same subjects,
``creditfile.service.build_credit_file`` as the credit centre (every section, versions and events):

* current: ``on`` = today, everything stored now (``known_at`` None) — the reference;
* time travel: ``on`` = today − ``--back`` days, ``known_at`` = the end of that day (``records.asof``).

Each read is its own transaction (the query-log and audit rows it writes are rolled back). Last line: one
JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from xinyong.auth.principal import Principal, Role
from xinyong.creditfile.service import build_credit_file
from xinyong.db import make_engine, make_sessionmaker, session_scope
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.keys import keyring
from xinyong.kit.ids import make_uscc
from xinyong.migrate import upgrade
from xinyong.policy.loader import Policy, load_policy
from xinyong.records.asof import end_of_day
from xinyong.records.models import CreditRecord, RecordEvent
from xinyong.settings import ROOT, Settings
from xinyong.subjects.service import SubjectInput, build_subject

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
DEPTS = ["TZ-SCJG", "TZ-SW", "TZ-STHJ", "TZ-YJGL", "TZ-ZJ", "TZ-RLSB"]
ITEMS = ["xzcf", "xzxk", "xzcf", "xzxk", "xzcf", "xycn"]


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2), tzinfo=dt.UTC)


def _version(
    policy: Policy, base: dict[str, object], version: int, prev: CreditRecord | None
) -> CreditRecord:
    item = str(base["item"])
    cat = policy.catalog[item]
    on: dt.date = base["on"]  # type: ignore[assignment]
    doc = str(base["doc"])
    body: dict[str, object] = {
        cat.roles["subject_name"]: "x",
        cat.roles["document_no"]: doc,
        cat.roles["decision_on"]: on.isoformat(),
    }
    if item == "xzcf":
        body |= {"CF_CFLB": ["罚款"], "CF_NR_FK": 2.0 * version, "CF_WFXW": "未按规定公示年度报告"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    received = _at(on + dt.timedelta(days=3 if version == 1 else 103))
    return CreditRecord(
        record_key=f"{item}:{base['dept']}:{doc}",
        catalog_item=item,
        catalog_version=cat.version,
        subject_id=base["subject"],
        department_id=base["dept"],
        document_no=doc,
        decision_on=on,
        severity="一般" if cat.polarity == "negative" else None,
        polarity=cat.polarity,
        payload=body,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        version=version,
        supersedes_id=prev.id if prev else None,
        policy_hash=policy.hash,
        first_received_at=received,
        last_received_at=received,
    )


def build(settings: Settings, subjects: int, records: int) -> tuple[list[str], int, int]:
    """Create the database; return the subjects' codes and the numbers of corrections and events."""
    policy = load_policy(settings.policy_dir)
    keys = keyring(settings)
    codes, corrections, events = [], 0, 0
    with session_scope(make_sessionmaker(make_engine(settings))) as session:
        departments_service.sync_from_policy(session, policy, actor="bench", on=dt.date(2026, 1, 1))
        session.flush()
        depts = [session.query(Department).filter_by(code=c).one().id for c in DEPTS]
        for s in range(subjects):
            code = make_uscc("9", "1", "331081", f"TT{s:06d}")
            subject = build_subject(keys, SubjectInput(name=f"台州市回溯测试{s}号有限公司", uscc=code))
            session.add(subject)
            session.flush()
            for i in range(records):
                on = TODAY - dt.timedelta(days=30 + 61 * i)
                base = {"item": ITEMS[i % len(ITEMS)], "on": on, "doc": f"台测〔{on.year}〕{s * 100 + i}号"}
                base |= {"subject": subject.id, "dept": depts[i % len(depts)]}
                first = _version(policy, base, 1, None)
                session.add(first)
                session.flush()
                latest = first
                if (s + i) % 3 == 0:
                    latest = _version(policy, base, 2, first)
                    session.add(latest)
                    session.flush()
                    corrections += 1
                if (s + i) % 8 == 0:
                    later = _at(on + dt.timedelta(days=150))
                    for kind in ("objection_opened", "objection_closed"):
                        session.add(
                            RecordEvent(
                                record_id=latest.id,
                                kind=kind,
                                effective_on=on + dt.timedelta(days=150),
                                actor="bench",
                                detail={},
                                created_at=later,
                            )
                        )
                        events += 1
            codes.append(code)
    return codes, corrections, events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--subjects", type=int, default=2000)
    ap.add_argument("--records", type=int, default=10)
    ap.add_argument("--reads", type=int, default=300)
    ap.add_argument("--back", type=int, default=200)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xinyong-timetravel-"))
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, policy_dir=ROOT / "policy")
    t0 = time.perf_counter()
    codes, corrections, events = build(settings, max(args.subjects, 1), args.records)
    print(
        f"装载 {len(codes)} 个主体、每个 {args.records} 条记录（更正版本 {corrections} 个，状态事件 {events} 条）："
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    policy = load_policy(settings.policy_dir)
    keys = keyring(settings)
    sessions = make_sessionmaker(make_engine(settings))
    admin = Principal(role=Role.ADMIN, username="bench")
    past = TODAY - dt.timedelta(days=args.back)
    cut = end_of_day(past, settings.timezone)

    def read(code: str, on: dt.date, known_at: dt.datetime | None) -> tuple[float, int]:
        with sessions() as session:
            t = time.perf_counter()
            file = build_credit_file(session, keys, policy, admin, code, on=on, known_at=known_at)
            spent = time.perf_counter() - t
            session.rollback()
        return spent, sum(s.count for s in file.sections)

    read(codes[0], TODAY, None)  # warm-up (first connection, policy sections)
    read(codes[0], past, cut)
    current, travel, items_now, items_then = [], [], [], []
    for i in range(args.reads):
        code = codes[(i * 7919) % len(codes)]
        for label in ("now", "then") if i % 2 == 0 else ("then", "now"):  # alternate the order
            if label == "now":
                spent, n = read(code, TODAY, None)
                current.append(spent)
                items_now.append(n)
            else:
                spent, n = read(code, past, cut)
                travel.append(spent)
                items_then.append(n)
    med_now, med_then = statistics.median(current), statistics.median(travel)
    ratio = med_then / med_now
    print(
        f"当前档案（{args.reads} 次，平均 {statistics.mean(items_now):.1f} 项）：中位数 {med_now * 1000:.2f} ms"
    )
    print(
        f"回溯档案（{past}，当时所知；平均 {statistics.mean(items_then):.1f} 项）：中位数 {med_then * 1000:.2f} ms；"
        f"比值 {ratio:.2f}（目标 ≤ 2）"
    )
    figures = {
        "benchmark": "timetravel",
        "subjects": len(codes),
        "records_per_subject": args.records,
        "corrections": corrections,
        "events": events,
        "reads": args.reads,
        "current_median_ms": round(med_now * 1000, 3),
        "timetravel_median_ms": round(med_then * 1000, 3),
        "ratio_to_current": round(ratio, 3),
        "items_current_mean": round(statistics.mean(items_now), 2),
        "items_timetravel_mean": round(statistics.mean(items_then), 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "target_ratio": 2.0,
        "target_met": ratio <= 2.0,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
