"""职业人群 and 公务员 through the API: the catalog is public, people never are; licence status follows
dates and revoking sanctions written as records; civil servants' coverage per body."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import auth as fa
from tests.factories import subjects as fs
from xinyong.auth.models import QueryLog
from xinyong.auth.principal import Role
from xinyong.kit.ids import make_uscc
from xinyong.records.models import CreditRecord
from xinyong.runtime import Runtime
from xinyong.subjects.service import SubjectInput, build_subject


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_catalog_is_public_with_licensing_bodies(client: TestClient) -> None:
    found = {p["code"]: p for p in client.get("/api/v1/professions").json()}
    assert {"doctor", "teacher", "lawyer", "accountant", "tour_guide"} <= set(found)
    assert found["lawyer"]["licensing_body"] == "司法行政部门"
    assert "律师法" in found["lawyer"]["basis"]


def test_a_revoking_sanction_is_a_record_and_ends_the_licence(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    admin = _h(fa.api_key(session, Role.ADMIN))
    id_card = fs.next_ric(region="331002")
    today = runtime.today()
    licence = {
        "name": "钱医生",
        "id_card": id_card,
        "profession": "doctor",
        "licence_no": "110331000123456",
        "issuing_department": "台州市卫生健康委员会",
        "issued_on": (today - dt.timedelta(days=400)).isoformat(),
    }
    lic = client.post("/api/v1/professions/licences", json=licence, headers=admin)
    assert lic.status_code == 201, lic.text
    assert lic.json()["status"]["label"] == "有效"
    assert id_card not in lic.text
    unknown = client.post(
        "/api/v1/professions/licences", json={**licence, "profession": "astrologer"}, headers=admin
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "professions.unknown_profession")
    sanction = {
        "sanction_type": "吊销执业证书",
        "reason": "出具虚假医学证明文件",
        "document_no": "台卫医罚〔2026〕8号",
        "decided_on": today.isoformat(),
    }
    written = client.post(
        f"/api/v1/professions/licences/{lic.json()['id']}/sanctions", json=sanction, headers=admin
    )
    assert written.status_code == 201, written.text
    record = session.get(CreditRecord, written.json()["record_id"])
    assert record is not None
    assert (record.catalog_item, record.polarity) == ("zyrycj", "negative")
    assert record.payload["ZY_LB"] == "医师"
    assert id_card not in str(record.payload)  # only the masked number in a payload
    listed = client.get("/api/v1/professions/licences", headers=admin).json()
    assert [x["status"]["label"] for x in listed if x["licence_no"] == "110331000123456"] == ["已吊销或撤销"]
    # the person is never public: no file, no list
    assert client.get("/api/v1/professions/licences").status_code == 401
    assert client.get(f"/api/v1/subjects/{id_card}").status_code in (404, 422)


def _government_body(session: Session, runtime: Runtime) -> str:
    uscc = make_uscc("1", "1", "331002", "MB000777")
    session.add(build_subject(runtime.keys, SubjectInput(name="台州市某某局", uscc=uscc)))
    session.flush()
    return uscc


def test_civil_servants_coverage_per_body(client: TestClient, session: Session, runtime: Runtime) -> None:
    admin = _h(fa.api_key(session, Role.ADMIN))
    body = _government_body(session, runtime)
    firm = fs.enterprise(session, runtime.keys)
    today = runtime.today()
    post = {"position": "科员", "appointed_on": (today - dt.timedelta(days=10)).isoformat()}
    wrong = client.post(
        "/api/v1/civil-servants",
        json={**post, "name": "孙某", "id_card": fs.next_ric(), "body_uscc": firm.uscc},
        headers=admin,
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "professions.not_government_body")
    ids = []
    for name in ("孙一", "孙二", "孙三"):
        made = client.post(
            "/api/v1/civil-servants",
            json={**post, "name": name, "id_card": fs.next_ric(), "body_uscc": body},
            headers=admin,
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    client.post(f"/api/v1/civil-servants/{ids[2]}/leave", json={"left_on": today.isoformat()}, headers=admin)
    declared = client.post(
        "/api/v1/civil-servants/headcounts",
        json={"body_uscc": body, "headcount": 4, "reported_on": (today - dt.timedelta(days=30)).isoformat()},
        headers=admin,
    )
    assert declared.status_code == 201, declared.text
    cover = client.get("/api/v1/civil-servants/coverage", headers=admin).json()
    mine = next(b for b in cover["bodies"] if b["body_uscc"] == body)
    assert (mine["in_post"], mine["headcount"], mine["coverage"], mine["meets_target"]) == (2, 4, 0.5, False)
    assert cover["target"] == 1.0
    officer = _h(fa.api_key(session, Role.OFFICER))
    assert client.get("/api/v1/civil-servants/coverage", headers=officer).status_code == 403
    punished = client.post(
        f"/api/v1/civil-servants/{ids[0]}/sanctions",
        json={
            "sanction_type": "记过",
            "reason": "违反工作纪律",
            "document_no": "台纪〔2026〕1号",
            "decided_on": today.isoformat(),
        },
        headers=admin,
    )
    assert punished.status_code == 201, punished.text
    record = session.get(CreditRecord, punished.json()["record_id"])
    assert record is not None
    assert (record.payload["ZY_LB"], record.payload["ZY_DW"]) == ("公务员", "台州市某某局")
    reads = session.scalars(select(QueryLog.what).where(QueryLog.what == "civil_servant")).all()
    assert reads  # each person read by the list is logged
