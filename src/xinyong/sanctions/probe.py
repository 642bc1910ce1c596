"""One statement for the common single check: the subject, its grade, and whether anything else exists.

Most subjects checked have no credit records and no commitments. For a single code with the shape of a
USCC, :func:`probe` reads the subject, its grade in the latest evaluation batch (as
:func:`xinyong.sanctions.inputs.load_grades` reads it) and whether it has records or commitments at all,
in one indexed statement; the check then loads facts or breaches only for subjects that have them. Any
other query (names, other identifiers, batches) goes through :func:`xinyong.sanctions.resolve.resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select

from xinyong.commitments.models import Commitment
from xinyong.db_prepared import Prepared, Reader, connection_of
from xinyong.records.models import CreditRecord
from xinyong.sanctions.inputs import grade_of_subject
from xinyong.sanctions.resolve import SubjectRef
from xinyong.subjects.models import Subject

_S = Subject.__table__
_R = CreditRecord.__table__
_C = Commitment.__table__
_PROBE = Prepared(
    select(
        _S.c.id,
        _S.c.name,
        _S.c.kind,
        _S.c.region_code,
        _S.c.uscc,
        grade_of_subject(_S.c.id).label("grade"),
        exists().where(_R.c.subject_id == _S.c.id).label("has_records"),
        exists().where(_C.c.subject_id == _S.c.id).label("has_commitments"),
    ).where(_S.c.uscc == bindparam("uscc"))
)


@dataclass(frozen=True)
class Probe:
    """A subject found by its USCC, its grade, and whether it has records or commitments."""

    subject: SubjectRef
    grade: str | None
    has_records: bool
    has_commitments: bool


def probe(db: Reader, uscc: str) -> Probe | None:
    """Return what one statement knows of the subject with this (cleaned) USCC, or ``None``."""
    rows = _PROBE.all(connection_of(db), {"uscc": uscc})
    if not rows:
        return None
    sid, name, kind, region, code, grade, has_records, has_commitments = rows[0]
    return Probe(SubjectRef(sid, name, kind, region, code), grade, bool(has_records), bool(has_commitments))
