"""分级分类监管: grades map to classes, allocations respect the ratios, draws are reproducible and audited."""

from __future__ import annotations

import datetime as dt
import math

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import evaluation as ev_factories
from tests.factories import subjects as subject_factories
from xinyong.audit.models import AuditEvent
from xinyong.auth import service as auth_service
from xinyong.auth.principal import Role
from xinyong.evaluation import inspections, service
from xinyong.evaluation.loaders import load_supervision
from xinyong.evaluation.models import InspectionDrawMember
from xinyong.evaluation.supervision import allocate
from xinyong.policy.loader import Policy, load_policy
from xinyong.runtime import Runtime
from xinyong.settings import ROOT

AS_OF = dt.date(2026, 10, 31)
RULES = load_supervision(load_policy(ROOT / "policy"))
DEFAULT = RULES.for_department("TZ-SCJG", AS_OF)


def test_default_classes_and_department_override(policy: Policy) -> None:
    assert DEFAULT is not None
    assert DEFAULT.id == "default"
    assert [(c.code, c.ratio_min, c.ratio_max) for c in DEFAULT.classes] == [
        ("A", 0.0, 0.05),
        ("B", 0.05, 0.20),
        ("C", 0.21, 0.60),
        ("D", 0.61, 1.0),
    ]
    assert DEFAULT.class_of("较差").code == "D"
    assert DEFAULT.class_of(None).code == "B"
    safety = RULES.for_department("TZ-YJGL", AS_OF)
    assert safety is not None
    assert safety.class_of(None).code == "C"


@settings(max_examples=200, deadline=None)
@given(
    pop=st.fixed_dictionaries({c: st.integers(0, 5000) for c in "ABCD"}),
    share=st.floats(0.0, 1.0),
)
def test_allocation_respects_ratio_ranges(pop: dict[str, int], share: float) -> None:
    assert DEFAULT is not None
    lo = {c.code: math.ceil(pop[c.code] * c.ratio_min - 1e-9) for c in DEFAULT.classes}
    hi = {c.code: max(lo[c.code], math.floor(pop[c.code] * c.ratio_max + 1e-9)) for c in DEFAULT.classes}
    size = sum(lo.values()) + round((sum(hi.values()) - sum(lo.values())) * share)
    alloc = allocate(DEFAULT, pop, size)
    assert sum(alloc.values()) == size
    for c in DEFAULT.classes:
        assert lo[c.code] <= alloc[c.code] <= hi[c.code]
    below = allocate(DEFAULT, pop, 0)
    assert below == lo  # the minimum ratios are binding


def test_draw_is_reproducible_audited_and_stored(session: Session, runtime: Runtime) -> None:
    dept = subject_factories.department(session, "TZ-SCJG")
    ev_factories.random_population(session, dept.id, seed=8, subjects=600)
    service.run_evaluation(session, runtime.policy, AS_OF, actor="test")
    # listed subjects are capped at 较差 (class D, at least 61 % drawn): the minimum sample is larger now
    one = inspections.draw(
        session, runtime.policy, "TZ-SCJG", 80, 77, actor="officer:test", today=dt.date(2026, 6, 1)
    )
    two = inspections.draw(
        session, runtime.policy, "TZ-SCJG", 80, 77, actor="officer:test", today=dt.date(2026, 6, 1)
    )
    other = inspections.draw(
        session, runtime.policy, "TZ-SCJG", 80, 78, actor="officer:test", today=dt.date(2026, 6, 1)
    )
    assert one.members_hash == two.members_hash != other.members_hash
    assert sum(one.allocation.values()) == 80
    members = session.scalars(
        select(InspectionDrawMember).where(InspectionDrawMember.draw_id == one.id)
    ).all()
    assert len(members) == 80
    assert {m.class_code for m in members} <= set("ABCD")
    logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "inspections.draw")).all()
    assert {e.detail["members_hash"] for e in logged} == {one.members_hash, other.members_hash}


def test_supervision_endpoint(client: TestClient, session: Session, runtime: Runtime) -> None:
    dept = subject_factories.department(session, "TZ-SCJG")
    firm = subject_factories.enterprise(session, runtime.keys, established_on=dt.date(2015, 1, 1))
    ev_factories.record(session, firm, dept.id, "sxbzxr", dt.date(2024, 1, 1))
    for on in (dt.date(2025, 1, 1), dt.date(2025, 6, 1)):
        ev_factories.record(session, firm, dept.id, "xzcf", on, severity="严重")
    service.run_evaluation(session, runtime.policy, AS_OF, actor="test")
    _, key = auth_service.create_api_key(
        session, actor="t", name="o", role=Role.OFFICER, department_id=dept.id
    )
    body = client.get(
        f"/api/v1/subjects/{firm.uscc}/supervision", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert body["grade"] == "较差"
    assert body["class"] == "D"
    assert body["inspection_ratio"] == {"min": 0.61, "max": 1.0, "target": 0.8}
    _, own = auth_service.create_api_key(session, actor="t", name="s", role=Role.SUBJECT, subject_id=firm.id)
    denied = client.get(
        f"/api/v1/subjects/{firm.uscc}/supervision", headers={"Authorization": f"Bearer {own}"}
    )
    assert denied.status_code == 403
