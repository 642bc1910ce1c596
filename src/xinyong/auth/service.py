"""Account and API-key use cases; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.audit import service as audit
from xinyong.auth.limits import SignInThrottle
from xinyong.auth.models import Account, ApiKey
from xinyong.auth.principal import Principal, Role
from xinyong.errors import Conflict, TooManyRequests, Unauthorized

_hasher = PasswordHasher()


def hash_key(key: str) -> str:
    """Return the stored hash of an API key (keys are long random tokens, so SHA-256 suffices)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_account(
    session: Session,
    *,
    actor: str,
    username: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    subject_id: int | None = None,
    department_id: int | None = None,
    region_code: str | None = None,
    organisation: str | None = None,
    institution_code: str | None = None,
) -> Account:
    """Create an account with an argon2 password hash."""
    if session.scalar(select(Account.id).where(Account.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在", code="account.exists")
    account = Account(
        username=username,
        display_name=display_name or username,
        role=role.value,
        password_hash=_hasher.hash(password),
        subject_id=subject_id,
        department_id=department_id,
        region_code=region_code,
        organisation=organisation,
        institution_code=institution_code,
    )
    session.add(account)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="account.create",
        object_type="account",
        object_id=account.id,
        detail={"username": username, "role": role.value},
    )
    return account


def authenticate_password(session: Session, username: str, password: str) -> Account | None:
    """Return the active account if the password matches, else ``None``."""
    account = session.scalar(select(Account).where(Account.username == username, Account.active.is_(True)))
    if account is None:
        _hasher.hash(password)  # same work either way: do not reveal which usernames exist
        return None
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return account


def _audit_failure(
    sessions: Callable[[], Session],
    username: str,
    address: str,
    *,
    reason: str,
    channel: str,
    locked_for: int,
) -> None:
    """Write the audit row of a refused sign-in in its own transaction (the request's is rolled back)."""
    with sessions() as own:
        audit.append(
            own,
            actor="public:anonymous",
            action=f"{channel}.login_failed",
            object_type="account",
            detail={
                "username": username.strip()[:64],
                "address": address[:64],
                "reason": reason,
                "locked_for_s": locked_for,
            },
        )
        own.commit()


def sign_in(
    sessions: Callable[[], Session],
    session: Session,
    username: str,
    password: str,
    address: str,
    throttle: SignInThrottle,
    *,
    channel: str,
) -> Account:
    """Check a password under the sign-in throttle; audit every refusal; raise 401, or 429 while locked out."""
    username = username.strip()
    wait = throttle.wait(username, address)
    if wait:
        _audit_failure(sessions, username, address, reason="locked", channel=channel, locked_for=wait)
        raise TooManyRequests(
            f"登录失败次数过多，已暂时锁定，请 {wait} 秒后再试", code="auth.locked", retry_after=wait
        )
    account = authenticate_password(session, username, password)
    if account is None:
        locked = throttle.failed(username, address)
        session.rollback()  # the request's transaction ends here (it only read); the audit row is kept
        _audit_failure(
            sessions, username, address, reason="bad_credentials", channel=channel, locked_for=locked
        )
        if locked:
            raise TooManyRequests(
                f"登录失败次数过多，已暂时锁定，请 {locked} 秒后再试", code="auth.locked", retry_after=locked
            )
        raise Unauthorized("用户名或密码错误", code="auth.bad_credentials")
    throttle.succeeded(username)
    return account


def create_api_key(
    session: Session,
    *,
    actor: str,
    name: str,
    role: Role,
    department_id: int | None = None,
    subject_id: int | None = None,
    organisation: str | None = None,
    region_code: str | None = None,
    institution_code: str | None = None,
) -> tuple[ApiKey, str]:
    """Create an API key; return the row and the clear key (shown once, never stored)."""
    key = "xy_" + secrets.token_urlsafe(32)
    row = ApiKey(
        key_hash=hash_key(key),
        prefix=key[:10],
        name=name,
        role=role.value,
        department_id=department_id,
        subject_id=subject_id,
        organisation=organisation,
        region_code=region_code,
        institution_code=institution_code,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="api_key.create",
        object_type="api_key",
        object_id=row.id,
        detail={"name": name, "role": role.value, "prefix": row.prefix},
    )
    return row, key


def principal_for_key(session: Session, key: str) -> Principal | None:
    """Return the principal of an active API key, or ``None``."""
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.active.is_(True)))
    if row is None:
        return None
    return Principal(
        role=Role(row.role),
        username=f"key:{row.prefix}",
        subject_id=row.subject_id,
        department_id=row.department_id,
        region_code=row.region_code,
        organisation=row.organisation or row.name,
        institution_code=row.institution_code,
    )


def principal_for_account(account: Account) -> Principal:
    """Return the principal of an account."""
    return Principal(
        role=Role(account.role),
        username=account.username,
        account_id=account.id,
        subject_id=account.subject_id,
        department_id=account.department_id,
        region_code=account.region_code,
        organisation=account.organisation,
        institution_code=account.institution_code,
    )


def inspectors_of(session: Session, department_id: int) -> list[str]:
    """Return the usernames of a department's active officers and supervisors (who may inspect)."""
    return list(
        session.scalars(
            select(Account.username).where(
                Account.department_id == department_id,
                Account.role.in_([Role.OFFICER.value, Role.SUPERVISOR.value]),
                Account.active.is_(True),
            )
        )
    )
