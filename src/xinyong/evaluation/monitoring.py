"""Model monitoring (pure): population stability index (PSI) between two runs' score distributions."""

from __future__ import annotations

import math

EPSILON = 1e-4  # share given to an empty bin so the logarithm stays finite


def psi(expected: dict[str, int], actual: dict[str, int]) -> float:
    """Return the PSI Σ (a − e) · ln(a / e) over the union of bins (shares, empty bins floored)."""
    total_e = sum(expected.values())
    total_a = sum(actual.values())
    if total_e == 0 or total_a == 0:
        return 0.0
    value = 0.0
    for key in set(expected) | set(actual):
        e = max(expected.get(key, 0) / total_e, EPSILON)
        a = max(actual.get(key, 0) / total_a, EPSILON)
        value += (a - e) * math.log(a / e)
    return round(value, 6)


def psi_by_model(previous: dict[str, dict[str, int]], current: dict[str, dict[str, int]]) -> dict[str, float]:
    """Return the PSI of each model present in both runs (score bins keyed by model id)."""
    return {m: psi(previous[m], current[m]) for m in sorted(current) if m in previous}
