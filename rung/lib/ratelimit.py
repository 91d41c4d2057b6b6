"""Counters for rate limits and back-off, kept in Django's cache so every process shares them.

With REDIS_URL set the cache is Redis (Django's RedisCache), whose INCR is atomic, so several web
processes count the same requests once each; without it the local-memory cache counts per process,
which is right for one process (development, the demo, the tests).

Two shapes:
- `hit(...)`: a fixed-window counter ("at most N per W seconds"), used for the API's limits and
  for e-mails a person can ask for (password reset, confirmation links).
- `Backoff`: failures that earn an exponentially growing wait after a few free ones, used for
  log-in attempts. A success does not need to do anything: the waits belong to (account, address)
  pairs and addresses that failed, never to an account as a whole, so no attacker can lock
  someone else out.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache


def fingerprint(value: str) -> str:
    """A short, stable key part for a value that must not be stored readable (an e-mail, a token)."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Limit:
    """The outcome of one counted request."""

    allowed: bool
    count: int
    limit: int
    retry_after: int  # whole seconds until the window resets (RFC 9110 delta-seconds), 0 if allowed


def _incr(key: str, timeout: int) -> int:
    # add() is a no-op when the key exists, so concurrent first hits do not reset each other;
    # incr() is atomic on Redis and under the local-memory cache's lock.
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:
        # The key expired between add() and incr(): start the window again.
        cache.add(key, 1, timeout=timeout)
        return 1


def hit(scope: str, ident: str, *, limit: int, window: int, now: float | None = None) -> Limit:
    """Count one request for (scope, ident) in the current fixed window and say whether it may pass.

    A limit of 0 or less switches this limit off.
    """
    if limit <= 0 or window <= 0:
        return Limit(allowed=True, count=0, limit=limit, retry_after=0)
    now = time.time() if now is None else now
    started = int(now // window) * window
    count = _incr(f"rl:{scope}:{ident}:{started}", timeout=window + 5)
    retry_after = max(1, math.ceil(started + window - now))
    return Limit(allowed=count <= limit, count=count, limit=limit, retry_after=0 if count <= limit else retry_after)


def peek(scope: str, ident: str, *, window: int, now: float | None = None) -> int:
    """How many requests (scope, ident) has made in the current window, without counting one."""
    if window <= 0:
        return 0
    now = time.time() if now is None else now
    started = int(now // window) * window
    return int(cache.get(f"rl:{scope}:{ident}:{started}", 0))


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off: the `free`-th failure earns a wait of `base` seconds, each one after it twice
    the one before (capped at `cap`).

    Failures are forgotten `memory` seconds after the last one.
    """

    scope: str
    free: int
    base: int
    cap: int
    memory: int

    def _keys(self, ident: str) -> tuple[str, str]:
        return f"bo:{self.scope}:{ident}:n", f"bo:{self.scope}:{ident}:until"

    def wait(self, ident: str, *, now: float | None = None) -> int:
        """Seconds (rounded up) before `ident` may try again; 0 when it may try now."""
        now = time.time() if now is None else now
        until = cache.get(self._keys(ident)[1])
        if until is None or float(until) <= now:
            return 0
        return max(1, math.ceil(float(until) - now))

    def fail(self, ident: str, *, now: float | None = None) -> int:
        """Record a failure; return the wait it earned (0 while failures are still free)."""
        now = time.time() if now is None else now
        count_key, until_key = self._keys(ident)
        count = _incr(count_key, timeout=self.memory)
        cache.touch(count_key, self.memory)
        if count < self.free:
            return 0
        delay = min(self.cap, self.base * 2 ** min(count - self.free, 30))
        cache.set(until_key, now + delay, timeout=delay + 5)
        return delay

    def failures(self, ident: str) -> int:
        return int(cache.get(self._keys(ident)[0], 0))

    def reset(self, ident: str) -> None:
        cache.delete_many(list(self._keys(ident)))
