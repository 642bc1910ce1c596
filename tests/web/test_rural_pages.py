"""Issue 19 point 6 / issue 21 point 3 pages: a member's household file, the console's results and household
file, and the public 信用村 list — in Chinese, with nothing personal on the public page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import rural as rural_factory
from tests.factories.subjects import next_ric
from tests.web.conftest import HTML, sign_in
from tests.web.seed import PASSWORD, Seeded
from tests.web.test_crawl import english
from xinyong.db import utcnow
from xinyong.runtime import Runtime
from xinyong.rural import service
from xinyong.subjects.service import reveal_id_card


def _village_with_the_person(
    session: Session, runtime: Runtime, seeded: Seeded, *, with_seeded: bool = True
) -> tuple[int, str]:
    own_id = reveal_id_card(runtime.keys, seeded.person) if with_seeded else next_ric("331002")
    assert own_id
    village = rural_factory.village(session, runtime.keys, region="331002", township="下陈街道")
    home = rural_factory.household(
        session,
        runtime.keys,
        village.id,
        [(own_id, seeded.person.name), (next_ric("331002"), "周小红")],
        name="示范户甲",
    )
    today = runtime.today()
    run = service.run_period(session, runtime.policy, str(today.year), on=today, actor="test")
    service.publish(session, run.id, actor="test", now=utcnow())
    return home.id, village.name


def test_a_member_sees_the_household_file(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    _village_with_the_person(session, runtime, seeded)
    sign_in(client, "person-self", PASSWORD)
    me = client.get("/me", headers=HTML).text
    assert 'href="/me/household"' in me
    page = client.get("/me/household", headers=HTML)
    assert page.status_code == 200
    assert "示范户甲" in page.text
    assert "周小红" in page.text
    assert "信用户评定" in page.text
    assert "下陈街道" in page.text
    assert not english(page.text)
    sign_in(client, "hongda", PASSWORD)
    assert "本账号不是已登记农户的家庭成员" in client.get("/me/household", headers=HTML).text


def test_the_console_lists_results_and_opens_a_household(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    home_id, village = _village_with_the_person(session, runtime, seeded)
    sign_in(client, "centre-admin", PASSWORD)
    villages = client.get("/console/rural", headers=HTML)
    assert villages.status_code == 200
    assert village in villages.text
    assert not english(villages.text)
    households = client.get("/console/rural?unit=household", headers=HTML).text
    assert f'href="/console/rural/households/{home_id}"' in households
    for unit in ("township", "county"):
        assert not english(client.get(f"/console/rural?unit={unit}", headers=HTML).text)
    file = client.get(f"/console/rural/households/{home_id}", headers=HTML)
    assert file.status_code == 200
    assert "示范户甲" in file.text
    assert not english(file.text)


def test_the_public_list_names_villages_not_households(
    client: TestClient, session: Session, runtime: Runtime, seeded: Seeded
) -> None:
    _, village = _village_with_the_person(session, runtime, seeded, with_seeded=False)
    page = client.get("/credit-villages", headers=HTML)
    assert page.status_code == 200
    assert village in page.text
    assert "示范户甲" not in page.text
    assert seeded.person.name not in page.text
    assert not english(page.text)
    assert 'href="/credit-villages"' in client.get("/", headers=HTML).text
