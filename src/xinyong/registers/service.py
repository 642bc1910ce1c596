"""Keep a register's table in step with the policy, never losing an entry or its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.policy.loader import Policy
from xinyong.registers import snapshots
from xinyong.registers.models import RegisterEntry, RegisterVersion


@dataclass(frozen=True)
class Entry:
    """An entry as the policy states it: its code, name, particulars and the days it is in force."""

    code: str
    name: str
    valid_from: dt.date | None
    valid_to: dt.date | None = None
    data: dict[str, Any] = field(default_factory=dict)


def _version(
    entry: RegisterEntry, policy_version: str, policy: Policy, start: dt.date | None
) -> RegisterVersion:
    return RegisterVersion(
        register=entry.register,
        code=entry.code,
        name=entry.name,
        data=dict(entry.data),
        valid_from=start,
        valid_to=None,
        policy_version=policy_version,
        policy_hash=policy.hash,
    )


def _audit_sync(
    session: Session,
    register: str,
    changes: dict[str, list[str]],
    *,
    policy: Policy,
    version: str,
    actor: str,
) -> None:
    detail: dict[str, object] = {"changed": sum(len(v) for v in changes.values())}
    detail.update({k: v for k, v in changes.items() if v}, policy_version=version, policy_hash=policy.hash)
    audit.append(
        session,
        actor=actor,
        action=f"register.{register}.sync",
        object_type="register",
        object_id=register,
        detail=detail,
    )


def _update(
    session: Session,
    row: RegisterEntry,
    spec: Entry,
    current: RegisterVersion | None,
    changes: dict[str, list[str]],
    *,
    policy: Policy,
    version: str,
    on: dt.date,
) -> None:
    """Apply an entry's new particulars (closing its current version) and its retirement or restoration."""
    if row.name != spec.name or row.data != spec.data:
        row.name, row.data = spec.name, dict(spec.data)
        if current is not None:
            current.valid_to = on - dt.timedelta(days=1)
        session.add(_version(row, version, policy, on if current is not None else row.valid_from))
        changes["changed"].append(spec.code)
    if row.valid_to != spec.valid_to:
        changes["restored" if spec.valid_to is None else "retired"].append(spec.code)
        row.valid_to = spec.valid_to


def sync_register(
    session: Session,
    register: str,
    entries: Iterable[Entry],
    *,
    policy: Policy,
    policy_version: str,
    actor: str,
    on: dt.date,
) -> int:
    """Insert, update, retire or restore the entries of ``register``; return how many changed.

    A changed name or particulars close the current version the day before ``on`` and open a new one;
    an entry missing from the policy is retired (``valid_to`` = the day before ``on``), never deleted.
    """
    rows = {
        e.code: e for e in session.scalars(select(RegisterEntry).where(RegisterEntry.register == register))
    }
    current = {
        v.code: v
        for v in session.scalars(
            select(RegisterVersion).where(
                RegisterVersion.register == register, RegisterVersion.valid_to.is_(None)
            )
        )
    }
    changes: dict[str, list[str]] = {"added": [], "changed": [], "retired": [], "restored": []}
    seen: set[str] = set()
    for spec in entries:
        seen.add(spec.code)
        row = rows.get(spec.code)
        if row is None:
            row = RegisterEntry(
                register=register,
                code=spec.code,
                name=spec.name,
                data=dict(spec.data),
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
            )
            session.add(row)
            session.add(_version(row, policy_version, policy, spec.valid_from))
            changes["added"].append(spec.code)
            continue
        _update(
            session, row, spec, current.get(spec.code), changes, policy=policy, version=policy_version, on=on
        )
    for code, row in rows.items():
        if code not in seen and row.valid_to is None:  # missing from the policy: retired, never deleted
            row.valid_to = on - dt.timedelta(days=1)
            changes["retired"].append(code)
    changed = sum(len(v) for v in changes.values())
    session.flush()
    if changed:
        _audit_sync(session, register, changes, policy=policy, version=policy_version, actor=actor)
    return changed


def entries(session: Session, register: str, *, on: dt.date | None = None) -> list[RegisterEntry]:
    """Return the entries of ``register`` (only those in force on ``on`` when given), by code."""
    stmt = select(RegisterEntry).where(RegisterEntry.register == register).order_by(RegisterEntry.code)
    if on is not None:
        stmt = stmt.where(
            RegisterEntry.valid_from.is_(None) | (RegisterEntry.valid_from <= on),
            RegisterEntry.valid_to.is_(None) | (RegisterEntry.valid_to >= on),
        )
    return list(session.scalars(stmt))


def history(session: Session, register: str, code: str) -> list[RegisterVersion]:
    """Return every version of one entry, oldest first."""
    return list(
        session.scalars(
            select(RegisterVersion)
            .where(RegisterVersion.register == register, RegisterVersion.code == code)
            .order_by(RegisterVersion.id)  # appended in time order (valid_from may be unknown: NULL)
        )
    )


# policy versions kept per content hash (``registers.snapshots``): what a stored answer's hash names
keep_policy_snapshot = snapshots.keep
policy_of_hash = snapshots.resolve
