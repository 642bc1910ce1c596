"""Name screening: Chinese-aware features, lists and subjects, reviewer decisions excluded."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import sanctions as f
from tests.factories.subjects import enterprise
from xinyong.runtime import Runtime
from xinyong.sanctions.names import features, region_names, score, split_name

REGIONS = region_names(["台州市", "温岭市", "椒江区", "浙江省"])


def test_split_handles_width_brackets_suffixes_and_regions() -> None:
    a = split_name("台州市温岭市宏达阀门有限公司", REGIONS)
    b = split_name("宏达阀门有限公司(温岭)", REGIONS)
    c = split_name("ＷＬ宏达阀门股份有限公司", REGIONS)
    assert (a.region, a.core) == ("温岭市", "宏达阀门")
    assert (b.region, b.core) == ("温岭", "宏达阀门")
    assert c.core == "WL宏达阀门"
    assert split_name("鸿达阀门有限公司", REGIONS).pinyin == a.pinyin == "hongdafamen"


def test_features_and_score() -> None:
    q = split_name("温岭宏达阀门有限公司", REGIONS)
    same = features(q, split_name("温岭宏达阀门有限公司", REGIONS))
    assert score(same, {"core": 1}) == 1.0
    homophone = features(q, split_name("温岭市鸿达阀门有限公司", REGIONS), query_rep="张三", cand_rep="张三")
    assert homophone["exact"] == 0.0
    assert homophone["pinyin"] == 1.0
    assert homophone["region"] == 1.0
    assert homophone["legal_rep"] == 1.0
    assert homophone["core"] is not None
    assert 0.5 < homophone["core"] < 1.0
    elsewhere = features(q, split_name("椒江区宏达阀门有限公司", REGIONS))
    assert elsewhere["region"] == 0.0
    unknown = features(q, split_name("宏达阀门有限公司", REGIONS))
    assert unknown["region"] is None
    assert unknown["legal_rep"] is None
    weights = {"exact": 0.35, "core": 0.3, "pinyin": 0.15, "region": 0.1, "legal_rep": 0.1}
    assert score(unknown, weights) > score(elsewhere, weights)


def test_screen_endpoint_and_reviewer_exclusion(
    client: TestClient, session: Session, runtime: Runtime
) -> None:
    target = enterprise(session, runtime.keys, name="温岭市鸿达阀门有限公司", legal_rep="张三")
    other = enterprise(session, runtime.keys, name="椒江区宏达阀门有限公司")
    enterprise(session, runtime.keys, name="台州市无关贸易有限公司")
    entry = f.listed(session, target)
    key, _ = f.api_key(session)
    session.commit()
    h = {"Authorization": f"Bearer {key}"}
    r = client.post("/api/v1/screen", json={"name": "温岭宏达阀门有限公司", "legal_rep": "张三"}, headers=h)
    assert r.status_code == 200, r.text
    cands = r.json()["candidates"]
    kinds = {(c["kind"], c["id"]) for c in cands}
    assert ("subject", target.id) in kinds
    assert ("list", entry.id) in kinds
    assert all(c["name"] != "台州市无关贸易有限公司" for c in cands)
    top = cands[0]
    assert top["id"] in (target.id, entry.id)
    assert set(top["features"]) == {"exact", "core", "pinyin", "region", "legal_rep"}
    d = client.post(
        "/api/v1/screen/decisions",
        json={
            "name": "温岭宏达阀门有限公司",
            "candidate_kind": "subject",
            "candidate_id": other.id,
            "decision": "different",
        },
        headers=h,
    )
    assert d.status_code == 201, d.text
    again = client.post(
        "/api/v1/screen", json={"name": "温岭宏达阀门有限公司", "threshold": 0.0}, headers=h
    ).json()
    assert ("subject", other.id) not in {(c["kind"], c["id"]) for c in again["candidates"]}
    assert again["excluded_by_review"] == 1
    assert client.post("/api/v1/screen", json={"name": "温岭宏达阀门有限公司"}).status_code == 401
