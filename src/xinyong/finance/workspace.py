"""The bank workspace's view of a borrower: what the institution's consent in force allows, nothing more."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xinyong.auth import consent
from xinyong.auth.principal import Principal
from xinyong.kit.crypto import KeyRing
from xinyong.subjects import service as subjects_service
from xinyong.subjects.schemas import SECTIONS


@dataclass(frozen=True)
class Held:
    """The consent an institution holds from a subject on a day."""

    subject_id: int
    subject_name: str
    code: str
    purpose: str
    sections: list[str]
    score: bool
    valid_to: dt.date


def held(session: Session, keys: KeyRing, principal: Principal, code: str, *, on: dt.date) -> Held | None:
    """Return the consent the caller's institution holds from the subject with ``code`` (``None``: none).

    Says nothing about a subject that gave none — not even whether it exists.
    """
    subject = subjects_service.find_by_code(session, keys, code)
    if subject is None:
        return None
    grant = consent.grant_for(session, subject.id, principal, on)
    newest = consent.valid_for(session, subject.id, principal.institution_code, on)
    if grant is None or newest is None:
        return None
    return Held(
        subject_id=subject.id,
        subject_name=subject.name,
        code=code,
        purpose=grant.purpose,
        sections=[s for s in SECTIONS if s in grant.sections],
        score=grant.score,
        valid_to=newest.valid_to,
    )
