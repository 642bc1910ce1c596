"""Demo step: one account per role (and API keys for a department system and a bank), written to
``var/demo-accounts.json`` so people can sign in to the demo."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.auth import service
from xinyong.auth.models import Account
from xinyong.auth.principal import Role
from xinyong.db import session_scope
from xinyong.departments.models import Department
from xinyong.runtime import Runtime
from xinyong.subjects.models import Subject, SubjectKind

ACTOR = "system:demo"
DEMO_BANK = "台州银行"  # the registered name in policy/institutions.yaml
DEMO_BANK_CODE = "BK-TZYH"
ACCOUNTS_FILE = "demo-accounts.json"
COUNTY_DEPARTMENT = "JJ-FGJ"


def _password() -> str:
    return secrets.token_urlsafe(9)


def _first(session: Session, *kinds: str) -> Subject | None:
    return session.scalar(select(Subject).where(Subject.kind.in_(kinds)).order_by(Subject.id).limit(1))


def create_demo_accounts(runtime: Runtime, _synth_dir: Path) -> list[str]:
    """Create the demo accounts once and write them with their passwords and keys to the var directory."""
    out_path = runtime.settings.var_dir / ACCOUNTS_FILE
    with session_scope(runtime.sessions) as session:
        if session.scalar(select(Account.id).where(Account.username == "admin")) is not None:
            return [f"演示账号已存在，见 {out_path}"]
        entries = _create(session, runtime.policy.city_region)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"accounts": entries}, fh, ensure_ascii=False, indent=2)
    return [f"已创建演示账号 {len(entries)} 个（含密码与 API 密钥）：{out_path}"]


def _people(session: Session, scjg: Department | None, city_region: str) -> list[dict[str, Any]]:
    """Return the demo accounts to create: one per role, and officers and subjects where the data has them."""
    county = session.scalar(select(Department).where(Department.code == COUNTY_DEPARTMENT))
    company = _first(session, SubjectKind.ENTERPRISE.value)
    person = _first(session, SubjectKind.NATURAL_PERSON.value)
    return [*_fixed_roles(city_region), *_officers(scjg, county), *_subjects(company, person)]


def _fixed_roles(city_region: str) -> list[dict[str, Any]]:
    """Return the accounts every demo has: the credit centre, the auditor, a supervisor and 台州银行."""
    return [
        {
            "role": Role.ADMIN,
            "username": "admin",
            "display_name": "信用中心管理员",
            "organisation": "台州市公共信用信息中心",
        },
        {"role": Role.AUDITOR, "username": "auditor", "display_name": "审计员"},
        {
            "role": Role.SUPERVISOR,
            "username": "supervisor",
            "display_name": "监管人员",
            "region_code": city_region,
        },
        {
            "role": Role.BANK,
            "username": "bank",
            "display_name": "台州银行信贷员",
            "organisation": DEMO_BANK,
            "institution_code": DEMO_BANK_CODE,
        },
    ]


def _officers(scjg: Department | None, county: Department | None) -> list[dict[str, Any]]:
    """Return a city department's officer and a county credit department's (told of its county's alerts)."""
    found = [
        ("officer", "市场监管局工作人员", scjg),
        ("county-officer", "椒江区发展和改革局工作人员", county),
    ]
    return [
        {
            "role": Role.OFFICER,
            "username": username,
            "display_name": display_name,
            "department_id": dept.id,
            "region_code": dept.region_code,
            "organisation": dept.name,
        }
        for username, display_name, dept in found
        if dept is not None
    ]


def _subjects(company: Subject | None, person: Subject | None) -> list[dict[str, Any]]:
    """Return the demo company's and the demo person's own accounts."""
    found = [("company", company), ("person", person)]
    return [
        {"role": Role.SUBJECT, "username": username, "display_name": s.name, "subject_id": s.id}
        for username, s in found
        if s is not None
    ]


def _create(session: Session, city_region: str) -> list[dict[str, Any]]:
    scjg = session.scalar(select(Department).where(Department.code == "TZ-SCJG"))
    entries: list[dict[str, Any]] = []
    for spec in _people(session, scjg, city_region):
        password = _password()
        role = spec.pop("role")
        service.create_account(session, actor=ACTOR, password=password, role=role, **spec)
        entries.append(
            {
                "role": role.value,
                "username": spec["username"],
                "password": password,
                "subject": spec.get("display_name"),
            }
        )
    if scjg is not None:
        _, key = service.create_api_key(
            session,
            actor=ACTOR,
            name="市场监管业务系统",
            role=Role.SYSTEM,
            department_id=scjg.id,
            region_code=scjg.region_code,
            organisation=scjg.name,
        )
        entries.append(
            {"role": Role.SYSTEM.value, "username": "system:TZ-SCJG", "password": None, "api_key": key}
        )
    _, bank_key = service.create_api_key(
        session,
        actor=ACTOR,
        name="台州银行信贷系统",
        role=Role.BANK,
        organisation=DEMO_BANK,
        institution_code=DEMO_BANK_CODE,
    )
    entries.append(
        {"role": Role.BANK.value, "username": "system:bank", "password": None, "api_key": bank_key}
    )
    return entries
