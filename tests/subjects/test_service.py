"""Subject lookups by any of their codes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import subjects as fs
from xinyong.kit import ids
from xinyong.runtime import Runtime
from xinyong.subjects import service


def test_id_number_that_also_passes_the_uscc_check_is_found(session: Session, runtime: Runtime) -> None:
    ric = "331081198506010591"  # an 18-digit ID number whose digits also satisfy the USCC mod-31 check
    assert ids.is_valid_uscc(ric)
    assert ids.is_valid_ric(ric)
    person = fs.person(session, runtime.keys, name="李四", id_card=ric)
    assert service.find_by_code(session, runtime.keys, ric) is person
