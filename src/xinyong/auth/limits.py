"""Abuse limits held in the serving process: sign-in throttling with lockout, and token buckets.

In-process on purpose: the limits protect one serving process from floods and password guessing; a
restart forgets them, which only ever relaxes a limit. Values: the lockout is policy
(``policy/access/access.yaml`` ``login_throttle``), request rates are settings
(``rate_limit_*_per_minute``, 0 turns a limit off).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from xinyong.auth.access import LoginThrottle
from xinyong.errors import TooManyRequests
from xinyong.settings import Settings

Clock = Callable[[], float]


@dataclass
class _Failures:
    times: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


class SignInThrottle:
    """Count failed sign-ins per account and per address; lock either out after too many."""

    def __init__(self, rules: LoginThrottle, clock: Clock = time.monotonic) -> None:
        self.rules = rules
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], _Failures] = {}

    def _keys(self, username: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("account", username.strip().lower()), ("address", address)

    def wait(self, username: str, address: str) -> int:
        """Return how many seconds the account or the address stays locked (0: not locked)."""
        now = self.clock()
        with self._lock:
            until = max(
                (f.locked_until for k in self._keys(username, address) if (f := self._seen.get(k))),
                default=0.0,
            )
        return math.ceil(until - now) if until > now else 0

    def failed(self, username: str, address: str) -> int:
        """Record a failure; return the lockout it starts in seconds (0 if none)."""
        now = self.clock()
        r = self.rules
        started = 0
        with self._lock:
            for key, limit in zip(
                self._keys(username, address), (r.account_failures, r.address_failures), strict=True
            ):
                f = self._seen.setdefault(key, _Failures())
                f.times.append(now)
                while f.times and f.times[0] <= now - r.window_seconds:
                    f.times.popleft()
                if len(f.times) >= limit:
                    f.locked_until = now + r.lockout_seconds
                    f.times.clear()
                    started = r.lockout_seconds
            if len(self._seen) > 100_000:  # a flood of made-up names: forget the unlocked ones
                self._seen = {k: v for k, v in self._seen.items() if v.locked_until > now}
        return started

    def succeeded(self, username: str) -> None:
        """Forget an account's failures after a correct sign-in."""
        with self._lock:
            self._seen.pop(("account", username.strip().lower()), None)


class TokenBuckets:
    """A token bucket per caller: ``per_minute`` requests a minute, bursts up to a minute's worth."""

    def __init__(self, per_minute: int, clock: Clock = time.monotonic) -> None:
        self.per_minute = per_minute
        self.rate = per_minute / 60.0
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> int:
        """Take a token for ``key``; return 0, or the seconds to wait before one is free."""
        if self.per_minute <= 0:
            return 0
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return max(1, math.ceil((1.0 - tokens) / self.rate))
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > 100_000:
                self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.per_minute}
        return 0


@dataclass
class Limits:
    """The limits of one application."""

    sign_in: SignInThrottle
    search: TokenBuckets
    screen: TokenBuckets

    @classmethod
    def build(cls, settings: Settings, throttle: LoginThrottle) -> Limits:
        """Create the limits from the settings and the policy."""
        return cls(
            sign_in=SignInThrottle(throttle),
            search=TokenBuckets(settings.rate_limit_search_per_minute),
            screen=TokenBuckets(settings.rate_limit_screen_per_minute),
        )


def limits_of(request: Request) -> Limits:
    """Return the limits of the application serving ``request`` (created on first use)."""
    state = request.app.state
    found: Limits | None = getattr(state, "limits", None)
    if found is None:
        from xinyong.auth.access import access_policy

        runtime = state.runtime
        found = Limits.build(runtime.settings, access_policy(runtime.policy).login_throttle)
        state.limits = found
    return found


def client_address(request: Request) -> str:
    """Return the caller's network address (uvicorn applies trusted proxy headers)."""
    return request.client.host if request.client else "unknown"


def take(buckets: TokenBuckets, key: str, what: str) -> None:
    """Raise ``TooManyRequests`` when the caller ``key`` (address or account) has used up its ``what`` rate."""
    wait = buckets.take(key)
    if wait:
        raise TooManyRequests(
            f"{what}请求过于频繁，请 {wait} 秒后再试", code="rate_limited", retry_after=wait
        )
