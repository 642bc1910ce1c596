"""Benchmark credit reports: one report end to end (credit file, render, PAdES + JSON signing, store) and a
batch, against bare WeasyPrint rendering of the same HTML measured in the same run.

    .venv/bin/python benchmarks/reports.py [--single 20] [--batch 1000] [--subjects 200] [--records 8]

Builds a fresh migrated SQLite database with ``--subjects`` companies and ``--records`` credit records
each (penalties, licences, a list entry, from several departments; generation not timed). Then:

* single: ``--single`` reports, each ``service.issue`` + commit as the credit centre (kind ``full``: every
  section), timed one by one → median seconds per report (target ≤ 0.5 s). Reference: the bare
  ``weasyprint.HTML(string=…).write_pdf()`` of each report's own HTML (no database, no signing).
* batch: ``--batch`` reports in one process like ``xinyong report batch`` (issue, commit, write PDF+JSON
  to a temporary directory), cycling over the subjects → throughput and peak resident memory.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import weasyprint

from xinyong.auth.principal import Principal, Role
from xinyong.db import make_engine, make_sessionmaker, session_scope, utcnow
from xinyong.departments import service as departments_service
from xinyong.departments.models import Department
from xinyong.keys import keyring
from xinyong.kit.ids import make_uscc
from xinyong.migrate import upgrade
from xinyong.policy.loader import load_policy
from xinyong.records.models import CreditRecord
from xinyong.reports import render, service
from xinyong.reports.models import CreditReportFile
from xinyong.reports.schemas import ReportKind, ReportRequest
from xinyong.settings import ROOT, Settings
from xinyong.subjects.service import SubjectInput, build_subject

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
DEPTS = ["TZ-SCJG", "TZ-SW", "TZ-STHJ", "TZ-YJGL", "TZ-ZJ", "TZ-RLSB"]


def _record(policy, subject_id: int, dept_id: int, item: str, i: int, on: dt.date) -> CreditRecord:  # type: ignore[no-untyped-def]
    cat = policy.catalog[item]
    doc = f"台测〔{on.year}〕{subject_id * 100 + i}号"
    body = {
        cat.roles["subject_name"]: "x",
        cat.roles["document_no"]: doc,
        cat.roles["decision_on"]: on.isoformat(),
    }
    if item == "xzcf":
        body |= {
            "CF_CFLB": ["罚款"],
            "CF_NR_FK": 2.0,
            "CF_WFXW": "未按规定公示年度报告",
            "CF_NR": "罚款二万元",
        }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False)
    return CreditRecord(
        record_key=f"{item}:{dept_id}:{doc}",
        catalog_item=item,
        catalog_version=cat.version,
        subject_id=subject_id,
        department_id=dept_id,
        document_no=doc,
        decision_on=on,
        severity="一般" if cat.polarity == "negative" else None,
        polarity=cat.polarity,
        payload=body,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        version=1,
        policy_hash=policy.hash,
    )


def build(settings: Settings, subjects: int, records: int) -> list[str]:
    """Create the database; return the subjects' codes."""
    policy = load_policy(settings.policy_dir)
    keys = keyring(settings)
    codes = []
    with session_scope(make_sessionmaker(make_engine(settings))) as session:
        departments_service.sync_from_policy(session, policy, actor="bench", on=dt.date(2026, 1, 1))
        session.flush()
        depts = [session.query(Department).filter_by(code=c).one().id for c in DEPTS]
        items = ["xzcf", "xzxk", "xzcf", "xzxk", "xzqz", "xzcf", "xycn", "xzxk"]
        for s in range(subjects):
            code = make_uscc("9", "1", "331081", f"MB{s:06d}")
            subject = build_subject(keys, SubjectInput(name=f"台州市基准测试{s}号有限公司", uscc=code))
            session.add(subject)
            session.flush()
            for i in range(records):
                on = TODAY - dt.timedelta(days=20 + 37 * i)
                session.add(_record(policy, subject.id, depts[i % len(depts)], items[i % len(items)], i, on))
            codes.append(code)
    return codes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--single", type=int, default=20)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--subjects", type=int, default=200)
    ap.add_argument("--records", type=int, default=8)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="xinyong-reports-"))
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, policy_dir=ROOT / "policy")
    t0 = time.perf_counter()
    codes = build(settings, max(args.subjects, 1), args.records)
    print(
        f"装载 {len(codes)} 个主体、每个 {args.records} 条记录：{time.perf_counter() - t0:.1f} s", flush=True
    )
    policy = load_policy(settings.policy_dir)
    keys = keyring(settings)
    ctx = service.Context.of(settings, keys, policy)
    sessions = make_sessionmaker(make_engine(settings))
    admin = Principal(role=Role.ADMIN, username="bench")
    req = lambda code: ReportRequest(code=code, kind=ReportKind.FULL, purpose="基准测试")  # noqa: E731

    # warm-up (fonts, templates, first connection)
    with session_scope(sessions) as session:
        service.issue(session, ctx, admin, req(codes[0]), on=TODAY, now=utcnow())

    single, single_cpu, bare, bare_cpu, pages = [], [], [], [], []
    for i in range(args.single):
        with sessions() as session:
            t, c = time.perf_counter(), time.process_time()
            row = service.issue(session, ctx, admin, req(codes[i % len(codes)]), on=TODAY, now=utcnow())
            session.commit()
            single.append(time.perf_counter() - t)
            single_cpu.append(time.process_time() - c)
            content = json.loads(session.get(CreditReportFile, row.id).json)["report"]  # type: ignore[union-attr]
        html = render.html(service.ReportContent.model_validate(content))
        t, c = time.perf_counter(), time.process_time()
        doc = weasyprint.HTML(string=html).render()
        doc.write_pdf()
        bare.append(time.perf_counter() - t)
        bare_cpu.append(time.process_time() - c)
        pages.append(len(doc.pages))
    med, ref = statistics.median(single), statistics.median(bare)
    med_cpu, ref_cpu = statistics.median(single_cpu), statistics.median(bare_cpu)
    print(
        f"单份（完整版，含签名与入库，{args.single} 份，约 {statistics.mean(pages):.1f} 页）：中位数 {med:.3f} s"
    )
    print(f"参照：同一 HTML 的 WeasyPrint 裸渲染中位数 {ref:.3f} s；比值 {med / ref:.2f}")
    print(
        f"进程 CPU（机器繁忙时更稳定）：单份 {med_cpu:.3f} s，裸渲染 {ref_cpu:.3f} s，比值 {med_cpu / ref_cpu:.2f}"
    )

    out = tmp / "batch"
    out.mkdir()
    t = time.perf_counter()
    for i in range(args.batch):
        with sessions() as session:
            row = service.issue(session, ctx, admin, req(codes[i % len(codes)]), on=TODAY, now=utcnow())
            files = session.get(CreditReportFile, row.id)
            session.commit()
            (out / f"{row.number}.pdf").write_bytes(files.pdf)  # type: ignore[union-attr]
            (out / f"{row.number}.json").write_bytes(files.json)  # type: ignore[union-attr]
        if (i + 1) % max(args.batch // 5, 1) == 0:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"  {i + 1} 份：{time.perf_counter() - t:.1f} s，峰值常驻内存 {rss:.0f} MB", flush=True)
    batch_s = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = args.batch / batch_s if batch_s else 0.0
    print(f"批量 {args.batch} 份：{batch_s:.1f} s，{rate:.2f} 份/秒，峰值常驻内存 {peak_mb:.0f} MB")
    print(f"参照吞吐（裸渲染，按中位数）：{1 / ref:.2f} 份/秒；批量 / 参照 = {rate * ref:.2f}")
    figures = {
        "benchmark": "reports",
        "single_reports": args.single,
        "single_median_s": round(med, 4),
        "bare_render_median_s": round(ref, 4),
        "ratio_to_bare_render": round(med / ref, 3),
        "single_median_cpu_s": round(med_cpu, 4),
        "bare_render_median_cpu_s": round(ref_cpu, 4),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "pages_mean": round(statistics.mean(pages), 2),
        "batch_reports": args.batch,
        "batch_seconds": round(batch_s, 2),
        "batch_reports_per_s": round(rate, 3),
        "batch_ratio_to_bare_render": round(rate * ref, 3),
        "peak_rss_mb": round(peak_mb, 1),
        "target_single_s": 0.5,
        "target_met": med <= 0.5,
        "target_met_cpu": med_cpu <= 0.5,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())  # type: ignore[func-returns-value]
