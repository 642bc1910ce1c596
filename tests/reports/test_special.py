"""专项信用报告: per domain, what counts as 违法违规记录 in the period follows the policy — repaired,
轻微 and out-of-period penalties do not count; the statement and the PDF say so."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.factories import records as fr
from tests.factories import subjects as fs
from tests.reports.conftest import TODAY, World
from xinyong.auth.principal import Principal, Role
from xinyong.db import utcnow
from xinyong.errors import Invalid
from xinyong.policy.loader import Policy
from xinyong.records.models import RecordEventKind
from xinyong.reports import service, special
from xinyong.reports.models import CreditReportFile
from xinyong.reports.schemas import Period, ReportKind, ReportRequest

START = TODAY - dt.timedelta(days=365)


def _request(world: World, *domains: str, start: dt.date = START) -> ReportRequest:
    return ReportRequest(
        code=world.company.uscc or "",
        kind=ReportKind.SPECIAL,
        domains=list(domains),
        period=Period.model_validate({"from": start, "to": TODAY}),
        purpose="招投标",
    )


def test_repaired_minor_and_out_of_period_penalties_do_not_count(
    session: Session, world: World, policy: Policy, tmp_path: Path
) -> None:
    dept = fs.department(session, "TZ-SCJG")
    # world.penalty (40 days ago, 一般) is repaired
    fr.event(session, world.penalty, RecordEventKind.REPAIRED, TODAY - dt.timedelta(days=5))
    minor = fr.record(
        session,
        policy,
        world.company,
        dept,
        decision_on=TODAY - dt.timedelta(days=60),
        severity="轻微",
        document_no="台市监罚〔2026〕7号",
    )
    old = fr.record(
        session,
        policy,
        world.company,
        dept,
        decision_on=START - dt.timedelta(days=30),
        document_no="台市监罚〔2024〕3号",
    )
    owner = Principal(role=Role.SUBJECT, username="hd", subject_id=world.company.id)
    row = service.issue(session, world.ctx, owner, _request(world, "市场监管", "tax"), on=TODAY, now=utcnow())
    report = json.loads(session.get(CreditReportFile, row.id).json)["report"]  # type: ignore[union-attr]
    assert report["sections"] == []
    market, tax = report["special"]["domains"]
    assert market["name"] == "市场监管"
    assert market["statement"].endswith("期间未发现市场监管领域违法违规记录。")
    assert market["found"] == []
    excluded = {e["line"]["document_no"]: e["reason"] for e in market["excluded"]}
    assert set(excluded) == {world.penalty.document_no, minor.document_no}
    assert excluded[world.penalty.document_no].startswith("已修复，不计入")
    assert excluded[minor.document_no].startswith("轻微失信，不计入")
    assert old.document_no is not None
    assert minor.document_no is not None
    assert old.document_no not in json.dumps(report, ensure_ascii=False)  # outside the period: not in it
    assert tax["statement"].endswith("期间未发现税务领域违法违规记录。")
    assert row.scope["domains"] == ["市场监管", "税务"]
    path = tmp_path / "s.pdf"
    path.write_bytes(session.get(CreditReportFile, row.id).pdf)  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "".join(market["statement"].split()) in flat
    assert "已修复" in flat
    assert "".join(minor.document_no.split()) in flat

    # a counted penalty in the period: the statement turns to "found", with the record
    counted = fr.record(
        session,
        policy,
        world.company,
        dept,
        decision_on=TODAY - dt.timedelta(days=10),
        document_no="台市监罚〔2026〕200号",
    )
    row2 = service.issue(
        session, world.ctx, owner, _request(world, "market_regulation"), on=TODAY, now=utcnow()
    )
    report2 = json.loads(session.get(CreditReportFile, row2.id).json)["report"]  # type: ignore[union-attr]
    (market2,) = report2["special"]["domains"]
    assert "发现市场监管领域违法违规记录 1 条" in market2["statement"]
    assert [line["document_no"] for line in market2["found"]] == [counted.document_no]


def test_special_scope_is_checked(session: Session, world: World) -> None:
    owner = Principal(role=Role.SUBJECT, username="hd", subject_id=world.company.id)
    for req, code in (
        (_request(world), "report.no_domains"),
        (_request(world, "外星"), "report.bad_domain"),
        (_request(world, "税务", start=TODAY - dt.timedelta(days=6 * 366)), "report.bad_period"),
    ):
        with pytest.raises(Invalid) as bad:
            service.issue(session, world.ctx, owner, req, on=TODAY, now=utcnow())
        assert bad.value.code == code


def test_judge_is_pure_and_follows_policy(policy: Policy) -> None:
    rules = special.special_policy(policy)
    market = rules.find("市场监管")
    assert market is not None
    day = dt.date(2026, 3, 1)

    def cand(key: int, **kw: object) -> special.Candidate:
        base: dict[str, object] = {
            "key": key,
            "catalog_item": "xzcf",
            "department_domain": "market_regulation",
            "decision_on": day,
            "severity": "一般",
            "marks": (),
            "counted": True,
        }
        return special.Candidate(**{**base, **kw})  # type: ignore[arg-type]

    (v,) = special.judge(
        [
            cand(1),
            cand(2, marks=("已修复",), counted=False),
            cand(3, severity="轻微"),
            cand(4, decision_on=dt.date(2024, 1, 1)),
            cand(5, department_domain="tax"),
            cand(6, catalog_item="xzxk"),
        ],
        [market],
        dt.date(2025, 1, 1),
        dt.date(2026, 6, 30),
        rules,
    )
    assert v.found == (1,)
    assert [k for k, _ in v.excluded] == [2, 3]
    assert "发现市场监管领域违法违规记录 1 条" in v.statement
