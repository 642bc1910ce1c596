"""Resolving the subjects of a check: an ID number that also passes the USCC check is still found."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tests.factories.subjects import enterprise, person
from xinyong.kit import ids
from xinyong.kit.ids import make_ric
from xinyong.runtime import Runtime
from xinyong.sanctions.resolve import Query, resolve


def _ric_that_is_also_a_uscc() -> str:
    for seq in range(1000):
        for year in range(1960, 2000):
            ric = make_ric("331081", dt.date(year, 3, 1), seq)
            if ids.is_valid_uscc(ric):
                return ric
    raise AssertionError("no ID number passing the USCC check found")


def test_an_id_number_passing_the_uscc_check_is_found_single_and_in_a_batch(
    session: Session, runtime: Runtime
) -> None:
    ric = _ric_that_is_also_a_uscc()
    subject = person(session, runtime.keys, id_card=ric)
    [one] = resolve(session, runtime.keys, runtime.policy, [Query(code=ric)])
    assert one.status == "found"
    assert one.subject is not None
    assert one.subject.subject_id == subject.id
    many = resolve(session, runtime.keys, runtime.policy, [Query(code=ric), Query(code="91331081MA00000000")])
    assert [r.status for r in many] == ["found", "invalid"]


def test_a_valid_uscc_found_nowhere_stays_not_found(session: Session, runtime: Runtime) -> None:
    uscc = ids.make_uscc("9", "1", "331081", "MA2H3J4K")
    [res] = resolve(session, runtime.keys, runtime.policy, [Query(code=uscc)])
    assert res.status == "not_found"


def test_codes_the_caller_found_absent_are_not_looked_up_as_usccs_again(
    session: Session, runtime: Runtime
) -> None:
    s = enterprise(session, runtime.keys)
    code = str(s.uscc)
    assert resolve(session, runtime.keys, runtime.policy, [Query(code=code)])[0].status == "found"
    skipped = resolve(session, runtime.keys, runtime.policy, [Query(code=code)], absent_usccs={code})
    assert skipped[0].status == "not_found"  # trusted: the caller's own USCC lookup said absent
