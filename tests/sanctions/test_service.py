"""Check ids: 32 hexadecimal characters that sort by time and do not repeat."""

from __future__ import annotations

import time

from xinyong.sanctions.service import new_check_id


def test_check_ids_sort_by_time_and_are_unique() -> None:
    ids: list[str] = []
    for _ in range(5):
        ids.extend(new_check_id() for _ in range(200))
        time.sleep(0.002)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert len(set(ids)) == len(ids)
    stamps = [int(i[:12], 16) for i in ids]
    assert stamps == sorted(stamps)
    assert abs(stamps[-1] - time.time() * 1000) < 5_000
