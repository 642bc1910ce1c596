"""Generation streams: subjects are produced lazily and buffered rows stay under a fixed cap."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.synth import feeds
from xinyong.synth import generate as gen
from xinyong.synth.context import add_years
from xinyong.synth.places import COUNTIES
from xinyong.synth.subjects import CountyGenerator, SynthSubject


def test_subjects_are_generated_lazily() -> None:
    county = CountyGenerator(1, 0, dt.date(2026, 10, 31), frozenset())
    assert inspect.isgenerator(county.organisations(10**9))
    assert inspect.isgenerator(county.persons(10**9))


def test_rows_are_buffered_under_a_cap_and_written_as_we_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "BUFFER_ROWS", 200)
    monkeypatch.setitem(gen.SCALES, "tiny", gen.Scale(600, 400, 4000))
    peak = 0
    seen_on_disk: list[tuple[int, int]] = []
    original_add = feeds.FeedSet.add
    original_persons = CountyGenerator.persons

    def add(self: feeds.FeedSet, *args: object, **kwargs: object) -> None:
        nonlocal peak
        original_add(self, *args, **kwargs)  # type: ignore[arg-type]
        peak = max(peak, sum(f.writer.pending for f in self.files.values()))

    def persons(self: CountyGenerator, count: int) -> Iterator[SynthSubject]:
        if self.index == len(COUNTIES) - 1:
            register = tmp_path / "out" / "register" / "subjects.csv"
            written = sum(p.stat().st_size for p in (tmp_path / "out" / "feeds").rglob("*.csv"))
            seen_on_disk.append((register.stat().st_size, written))
        return original_persons(self, count)

    monkeypatch.setattr(feeds.FeedSet, "add", add)
    monkeypatch.setattr(CountyGenerator, "persons", persons)
    summary = gen.generate(tmp_path / "out", scale="tiny", seed=3, mess=0.05, end=dt.date(2026, 10, 31))
    assert summary["records"] > 2000
    assert 0 < peak < 200
    # Before the last county starts, earlier counties' subjects and rows are already on disk.
    [(register_bytes, feed_bytes)] = seen_on_disk
    assert register_bytes > 8192
    assert feed_bytes > 100_000


def test_window_is_six_years_to_the_end_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(gen.SCALES, "mini", gen.Scale(200, 100, 1000))
    summary = gen.generate(tmp_path, scale="mini", seed=5, mess=0.0, end=dt.date(2024, 2, 29))
    assert summary["records"] > 0
    assert add_years(dt.date(2024, 2, 29), -6) == dt.date(2018, 2, 28)
    manifest = (tmp_path / "manifest.json").read_text("utf-8")
    assert '"start": "2018-03-01"' in manifest
    assert '"end": "2024-02-29"' in manifest


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--scale", "huge"], "--scale"), (["--mess", "1.5"], "--mess")],
)
def test_cli_refuses_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.output
