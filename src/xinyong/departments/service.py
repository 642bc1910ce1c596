"""Department use cases: keep the table in step with ``policy/departments.yaml``, keeping history.

A department is never deleted or re-keyed: its id is what batches and records point at. A change of
name, region, USCC or domain closes the current ``department_version`` and opens a new one from the
day of the sync; a department that leaves the policy (or gets ``valid_to`` there) is retired, not
removed, and one that comes back is restored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.departments.models import Department, DepartmentVersion
from xinyong.errors import NotFound
from xinyong.policy.loader import Policy
from xinyong.policy.schemas import DepartmentSpec

FIELDS = ("name", "short_name", "region_code", "uscc", "domain")


def _values(spec: DepartmentSpec) -> dict[str, str | None]:
    return {
        "name": spec.name,
        "short_name": spec.short_name,
        "region_code": spec.region,
        "uscc": spec.uscc,
        "domain": spec.domain,
    }


def _open_version(session: Session, dept: Department, policy: Policy, start: dt.date) -> DepartmentVersion:
    version = DepartmentVersion(
        department_id=dept.id,
        **{k: getattr(dept, k) for k in FIELDS},
        valid_from=start,
        valid_to=None,
        policy_version=policy.departments.version,
        policy_hash=policy.hash,
    )
    session.add(version)
    return version


def _current_versions(session: Session) -> dict[int, DepartmentVersion]:
    rows = session.scalars(select(DepartmentVersion).where(DepartmentVersion.valid_to.is_(None)))
    return {v.department_id: v for v in rows}


def sync_from_policy(session: Session, policy: Policy, *, actor: str, on: dt.date) -> int:
    """Bring the department table in step with the policy on ``on`` (the runtime's today); return changes."""
    day = on
    existing = {d.code: d for d in session.scalars(select(Department))}
    current = _current_versions(session)
    in_policy: set[str] = set()
    changes: dict[str, list[str]] = {"added": [], "changed": [], "retired": [], "restored": []}
    start = policy.departments.effective_from
    for spec in policy.departments.departments:
        in_policy.add(spec.code)
        values = _values(spec)
        row = existing.get(spec.code)
        if row is None:
            row = Department(code=spec.code, valid_from=start, valid_to=spec.valid_to, **values)
            session.add(row)
            session.flush()
            _open_version(session, row, policy, start)
            changes["added"].append(spec.code)
            continue
        if row.valid_from is None:
            row.valid_from = start
        if row.id not in current:  # a row from before versions were kept: its particulars so far
            current[row.id] = _open_version(session, row, policy, row.valid_from)
        if any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            current[row.id].valid_to = day - dt.timedelta(days=1)
            current[row.id] = _open_version(session, row, policy, day)
            changes["changed"].append(spec.code)
        if row.valid_to != spec.valid_to:
            changes["restored" if spec.valid_to is None else "retired"].append(spec.code)
            row.valid_to = spec.valid_to
    for code, row in existing.items():
        if code not in in_policy and row.valid_to is None:
            row.valid_to = day - dt.timedelta(days=1)
            changes["retired"].append(code)
    changed = sum(len(v) for v in changes.values())
    session.flush()
    if changed:
        audit.append(
            session,
            actor=actor,
            action="department.sync",
            object_type="department",
            detail={
                "changed": changed,
                **{k: v for k, v in changes.items() if v},
                "policy_version": policy.departments.version,
                "policy_hash": policy.hash,
            },
        )
    return changed


def in_service(dept: Department, on: dt.date) -> bool:
    """Tell whether ``dept`` is registered on ``on`` (not retired before it)."""
    return dept.valid_to is None or on <= dept.valid_to


def name_on(session: Session, dept: Department, on: dt.date) -> str:
    """Return the name ``dept`` was registered under on ``on`` (its first name before any version)."""
    versions = list(
        session.scalars(
            select(DepartmentVersion)
            .where(DepartmentVersion.department_id == dept.id)
            .order_by(DepartmentVersion.valid_from)
        )
    )
    for v in versions:
        if v.valid_from <= on and (v.valid_to is None or on <= v.valid_to):
            return v.name
    return versions[0].name if versions else dept.name


def by_code(session: Session, code: str) -> Department:
    """Return the department with ``code`` or raise ``NotFound``."""
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise NotFound(f"部门 {code} 不存在", code="department.not_found")
    return dept


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, Department]:
    """Return the departments with the given ids, by id (one read)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(wanted)))}


def by_id(session: Session, department_id: int) -> Department:
    """Return the department with ``department_id`` or raise ``NotFound``."""
    dept = session.get(Department, department_id)
    if dept is None:
        raise NotFound(f"部门 {department_id} 不存在", code="department.not_found")
    return dept


def listed(session: Session) -> list[Department]:
    """Return every department, ordered by region and code."""
    return list(session.scalars(select(Department).order_by(Department.region_code, Department.code)))


def acting_for(session: Session, department_id: int | None, fallback_code: str) -> Department:
    """Return the department a caller acts for: its own, or ``fallback_code`` for the credit centre acting itself."""
    if department_id is not None:
        return by_id(session, department_id)
    return by_code(session, fallback_code)
