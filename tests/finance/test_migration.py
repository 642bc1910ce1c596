"""Migration 0015: old free-text consents become institution codes by exact name, or are marked invalid."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from xinyong.migrate import upgrade
from xinyong.subjects.models import Subject


def test_free_text_consents_are_matched_or_invalidated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url, "0014_secaccess")
    engine = sa.create_engine(url)
    auth = sa.table(
        "authorisation",
        sa.column("id", sa.Integer),
        sa.column("subject_id", sa.Integer),
        sa.column("grantee_organisation", sa.String),
        sa.column("purpose", sa.String),
        sa.column("valid_from", sa.Date),
        sa.column("valid_to", sa.Date),
        sa.column("created_by", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    account = sa.table(
        "account",
        *(
            sa.column(c, sa.String)
            for c in ("username", "display_name", "role", "password_hash", "organisation")
        ),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime),
    )
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        inserted = conn.execute(
            sa.insert(cast(sa.Table, Subject.__table__)).values(
                kind="企业法人", name="台州市某公司", name_norm="台州市某公司", status="存续", created_at=now
            )
        ).inserted_primary_key
        assert inserted is not None
        subject_id = inserted[0]
        for name in ("台州银行", "台州银行股份有限公司"):
            conn.execute(
                sa.insert(auth).values(
                    subject_id=subject_id,
                    grantee_organisation=name,
                    purpose="贷款",
                    valid_from=dt.date(2026, 12, 1),
                    valid_to=dt.date(2027, 1, 1),
                    created_by="subject:x",
                    created_at=now,
                )
            )
        for user, org in (("b1", "台州银行"), ("b2", "某某银行")):
            conn.execute(
                sa.insert(account).values(
                    username=user,
                    display_name=user,
                    role="bank",
                    password_hash="x",
                    organisation=org,
                    active=True,
                    created_at=now,
                )
            )
    upgrade(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT grantee_organisation, grantee_code, invalid_reason, sections, score FROM authorisation ORDER BY id"
            )
        ).all()
        users: dict[str, str | None] = dict(
            conn.execute(sa.text("SELECT username, institution_code FROM account")).all()
        )
    matched, unmatched = rows
    assert matched[1] == "BK-TZYH"
    assert matched[2] is None
    assert "行政管理" in json.loads(matched[3])
    assert not matched[4]  # the score was never part of an old consent
    assert unmatched[1] is None
    assert "未能对应机构名录" in unmatched[2]
    assert users == {"b1": "BK-TZYH", "b2": None}
