"""Department use cases: keep the table in step with ``policy/departments.yaml``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.departments.models import Department
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy


def sync_from_policy(session: Session, policy: Policy, *, actor: str) -> int:
    """Insert or update every department of the policy; return how many changed."""
    existing = {d.code: d for d in session.scalars(select(Department))}
    changed = 0
    for spec in policy.departments.departments:
        row = existing.get(spec.code)
        values = {
            "name": spec.name,
            "short_name": spec.short_name,
            "region_code": spec.region,
            "uscc": spec.uscc,
            "domain": spec.domain,
        }
        if row is None:
            session.add(Department(code=spec.code, **values))
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed += 1
    if changed:
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="department.sync",
            object_type="department",
            detail={"changed": changed, "policy_hash": policy.hash},
        )
    return changed


def by_code(session: Session, code: str) -> Department:
    """Return the department with ``code`` or raise ``NotFound``."""
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise NotFound(f"部门 {code} 不存在", code="department.not_found")
    return dept
