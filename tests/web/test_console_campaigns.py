"""Console pages of 专项治理: the centre defines and launches a campaign; targets are worked from the list."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.conftest import HTML, form_token, sign_in
from tests.web.seed import PASSWORD, Seeded
from xinyong.runtime import Runtime


def test_the_centre_launches_a_campaign_and_works_a_target_while_others_see_only_their_own(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    session.commit()
    today = runtime.today()
    sign_in(client, "centre-admin", PASSWORD)
    page = client.get("/console/campaigns", headers=HTML)
    assert page.status_code == 200
    assert "部署专项治理" in page.text
    assert "严重失信主体名单" in page.text  # the lists come from the catalog
    token = form_token(page.text)
    form = {
        "csrf_token": token,
        "name": "失信主体专项治理",
        "basis": "国办发〔2019〕35号",
        "list_item": seeded.blacklist.catalog_item,
        "domain": "market_regulation",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=60)).isoformat(),
        "due_on": (today + dt.timedelta(days=30)).isoformat(),
    }
    bad = client.post(
        "/console/campaigns", data={**form, "ends_on": "2020-01-01"}, headers=HTML, follow_redirects=True
    )
    assert "结束日期和整改期限不能早于开始日期" in bad.text
    made = client.post("/console/campaigns", data=form, headers=HTML, follow_redirects=False)
    assert made.status_code == 303
    detail_url = made.headers["location"]
    detail = client.get(detail_url, headers=HTML)
    assert "未启动" in detail.text
    launched = client.post(
        detail_url + "/launch",
        data={"csrf_token": form_token(detail.text)},
        headers=HTML,
        follow_redirects=True,
    )
    assert seeded.other.name in launched.text  # the listed firm is on the frozen list
    assert "对象清单已固定" in launched.text
    task = re.search(r'action="/console/campaigns/targets/(\d+)/status"', launched.text)
    assert task is not None
    campaign_id = detail_url.rsplit("/", 1)[1]
    step = {"csrf_token": form_token(launched.text), "campaign_id": campaign_id}
    after = client.post(
        f"/console/campaigns/targets/{task[1]}/status",
        data={**step, "status": "已整改"},
        headers=HTML,
        follow_redirects=True,
    )
    assert "只能改为：整改中" in after.text  # refused in Chinese, nothing changed
    after = client.post(
        f"/console/campaigns/targets/{task[1]}/status",
        data={**step, "status": "整改中", "note": "已约谈"},
        headers=HTML,
        follow_redirects=True,
    )
    assert "已约谈" in after.text
    assert "整改中 1" in after.text

    # the city market regulator's officer handles none of the 温岭 firm's targets, and sees none
    client.cookies.clear()
    sign_in(client, "scjg-officer", PASSWORD)
    assert "失信主体专项治理" not in client.get("/console/campaigns", headers=HTML).text
    assert client.get(detail_url, headers=HTML).status_code == 404
