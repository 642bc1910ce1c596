"""Pure: coverage of civil servants' credit files per body, from hand-built posts and headcounts."""

from __future__ import annotations

import datetime as dt

from xinyong.agencies.coverage import figures, headcount_on, in_post

D = dt.date


def test_posts_held_on_the_day_count() -> None:
    posts = [(D(2020, 1, 1), None), (D(2021, 1, 1), D(2024, 6, 30)), (D(2025, 1, 1), None)]
    assert in_post(posts, D(2024, 6, 29)) == 2
    assert in_post(posts, D(2024, 6, 30)) == 1  # the leaving day no longer counts
    assert in_post(posts, D(2025, 1, 1)) == 2


def test_the_latest_declared_headcount_applies() -> None:
    declared = [(D(2023, 1, 1), 10), (D(2025, 1, 1), 4)]
    assert headcount_on(declared, D(2022, 12, 31)) is None
    assert headcount_on(declared, D(2024, 12, 31)) == 10
    assert headcount_on(declared, D(2025, 1, 1)) == 4


def test_coverage_against_the_target() -> None:
    posts = [(D(2020, 1, 1), None), (D(2020, 1, 1), None), (D(2020, 1, 1), D(2025, 3, 1))]
    declared = [(D(2024, 1, 1), 4)]
    before = figures(posts, declared, D(2025, 2, 28), 1.0)
    assert (before.in_post, before.headcount, before.coverage, before.meets_target) == (3, 4, 0.75, False)
    assert before.note == "未达到目标"
    after = figures(posts, [*declared, (D(2025, 3, 1), 2)], D(2025, 3, 1), 1.0)
    assert (after.in_post, after.coverage, after.meets_target) == (2, 1.0, True)
    unknown = figures(posts, [], D(2025, 3, 1), 1.0)
    assert unknown.coverage is None
    assert "未报送" in unknown.note
    over = figures(posts, [(D(2024, 1, 1), 1)], D(2025, 1, 1), 1.0)
    assert "核对" in over.note
