"""Benchmark `xinyong synth`: throughput and peak memory at two sizes (memory must not grow with size).

Each size runs in its own process so its peak resident memory is its own. The baseline is the
small scale measured in the same run; the ratios say how time and memory grow with the data.

    .venv/bin/python benchmarks/synth.py [--factor 10] [--mess 0.02]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child(organisations: int, persons: int, records: int, mess: float, out: str) -> None:
    """Generate one size and print its figures as JSON."""
    from xinyong.synth import generate as gen

    gen.SCALES["bench"] = gen.Scale(organisations, persons, records)
    started = time.perf_counter()
    summary = gen.generate(Path(out), scale="bench", seed=1, mess=mess, end=dt.date(2026, 10, 31))
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "records": summary["records"],
                "rows": summary["rows"],
                "subjects": summary["subjects"],
                "files": summary["files"],
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(peak_mb, 1),
            }
        )
    )


def run(organisations: int, persons: int, records: int, mess: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        args = [
            sys.executable,
            __file__,
            "--child",
            str(organisations),
            str(persons),
            str(records),
            str(mess),
            out,
        ]
        result = subprocess.run(args, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=int, default=10, help="size of the large run relative to small")
    parser.add_argument("--mess", type=float, default=0.02)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        o, p, r, m, out = args.child
        child(int(o), int(p), int(r), float(m), out)
        return
    base = run(3_000, 2_000, 20_000, args.mess)
    large = run(3_000 * args.factor, 2_000 * args.factor, 20_000 * args.factor, args.mess)
    for name, fig in (("small (baseline)", base), (f"{args.factor}x small", large)):
        rate = fig["records"] / fig["seconds"]
        print(
            f"{name:18} {fig['subjects']:>9,} subjects {fig['records']:>10,} records {fig['files']:>6} files "
            f"{fig['seconds']:>8.1f} s {rate:>9,.0f} records/s  peak RSS {fig['peak_rss_mb']:.0f} MB"
        )
    memory_ratio = large["peak_rss_mb"] / base["peak_rss_mb"]
    speed_ratio = (large["records"] / large["seconds"]) / (base["records"] / base["seconds"])
    print(
        f"memory grows {memory_ratio:.2f}x for {large['records'] / base['records']:.1f}x the records; "
        f"throughput ratio {speed_ratio:.2f}"
    )
    print(
        json.dumps(
            {
                "benchmark": "synth",
                "factor": args.factor,
                "small": base,
                "large": large,
                "records_per_s": round(large["records"] / large["seconds"]),
                "memory_ratio": round(memory_ratio, 2),
                "throughput_ratio": round(speed_ratio, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
