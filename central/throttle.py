"""Sign-in throttling: failed attempts counted per account and per client address.

After a few failures an account (or an address) must wait before its next attempt, and each
further failure doubles the wait up to a ceiling; a success starts the account's count again.
While a wait runs, every attempt is refused *before* its password is checked, the right one
too: otherwise the answer to a guess during the wait would still say whether it was right.

The figures, and why (in our words: OWASP ASVS 5.0, chapter V6 on authentication, asks for
controls against password guessing and credential stuffing that do not let an attacker shut
the real user out for good; NIST SP 800-63B's rate-limiting section asks that consecutive
failures on one account be held far below 100 and names growing waits between attempts as a
way to do it):

- an account: :data:`ACCOUNT_POLICY`. Five failures are free (typing mistakes, a password
  changed elsewhere); then waits of 30 s, 1, 2, 4 ... minutes up to an hour. A guesser gets
  about 30 tries on an account in its first day and 24 a day after that, so 100 takes days,
  each try a line in the security log; the officer is kept out for at most an hour past the
  last failure, never locked for good. Failures are forgotten after a day without one.
- an address: :data:`ADDRESS_POLICY`. Twenty failures are free: an office shares one address
  and officers sign in rarely (a device keeps its token), so twenty in an hour is an attack on
  many accounts at once (password spraying), which per-account counts alone would not slow.
  A success from an address does not clear its count: one valid account must not let an
  address go on guessing at others. Failures are forgotten after an hour without one.

An attempt counts while its password is being checked (:data:`IN_FLIGHT_WAIT`), so requests
sent all at once cannot all be checked before their failures land.

The counts live in the service's memory: a restart forgets them, which costs a guesser no
more than the free failures again. At most :data:`MAX_TRACKED` accounts and as many addresses
are kept; past that the least recently seen go first, so made-up usernames cannot exhaust
memory. The address is the connection's peer; a forwarded-for header is never trusted, as any
client could write one.

Threading: one lock guards all counts; every method is safe from any thread.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

MINUTE = 60.0
HOUR = 60 * MINUTE


@dataclass(frozen=True)
class Policy:
    """How many failures are free, and how long the waits after them are (seconds)."""

    free_failures: int
    first_wait: float
    longest_wait: float
    forget_after: float

    def __post_init__(self) -> None:
        if self.free_failures < 1:
            raise ValueError("free_failures must be 1 or more")
        if not 0 < self.first_wait <= self.longest_wait:
            raise ValueError("first_wait must be above 0 and at most longest_wait")
        # A count forgotten before the longest wait is over would hand out free failures again.
        if self.forget_after <= self.longest_wait:
            raise ValueError("forget_after must be longer than longest_wait")

    def wait_after(self, failures: int) -> float:
        """The wait after ``failures`` failures in a row: none while they are free."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 32)  # 2**32 waits exceed any ceiling
        return min(self.first_wait * 2**doublings, self.longest_wait)


ACCOUNT_POLICY = Policy(free_failures=5, first_wait=30.0, longest_wait=HOUR, forget_after=24 * HOUR)
ADDRESS_POLICY = Policy(
    free_failures=20, first_wait=30.0, longest_wait=15 * MINUTE, forget_after=HOUR
)
IN_FLIGHT_WAIT = 1  # seconds: a password check takes a fraction of one
MAX_TRACKED = 100_000  # per kind; some tens of megabytes at most


class Throttled(Exception):
    """The attempt is refused unchecked; ``retry_after`` is whole seconds, at least 1."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"try again in {retry_after} s")
        self.retry_after = retry_after


def describe_wait(seconds: int) -> str:
    """A wait in words, rounded up: "30 seconds", "2 minutes", "1 hour"."""
    if seconds < MINUTE:
        return _plural(seconds, "second")
    if seconds < HOUR:
        return _plural(math.ceil(seconds / MINUTE), "minute")
    return _plural(math.ceil(seconds / HOUR), "hour")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@dataclass
class _Record:
    failures: int = 0
    pending: int = 0
    last_failure: float = -math.inf
    blocked_until: float = -math.inf


class _Counts:
    """The records of one kind of key (accounts or addresses); the caller holds the lock."""

    def __init__(self, policy: Policy, max_tracked: int) -> None:
        self.policy = policy
        self.max_tracked = max_tracked
        self.records: OrderedDict[str, _Record] = OrderedDict()

    def wait(self, key: str, now: float) -> float:
        """Seconds before ``key`` may try again; 0 when it may now."""
        record = self.records.get(key)
        if record is None:
            return 0.0
        self._forget_if_quiet(record, now)
        if now < record.blocked_until:
            return record.blocked_until - now
        if record.pending and record.failures + record.pending >= self.policy.free_failures:
            return float(IN_FLIGHT_WAIT)  # the attempts being checked may use up the rest
        return 0.0

    def start(self, key: str) -> None:
        self._record(key).pending += 1

    def end(self, key: str, now: float, *, failed: bool, succeeded: bool) -> None:
        """An attempt is over: ``failed``, ``succeeded`` (clears the count) or neither."""
        record = self._record(key)
        record.pending = max(record.pending - 1, 0)
        if succeeded:
            record.failures, record.blocked_until = 0, -math.inf
        elif failed:
            self._forget_if_quiet(record, now)
            record.failures += 1
            record.last_failure = now
            record.blocked_until = now + self.policy.wait_after(record.failures)

    def _forget_if_quiet(self, record: _Record, now: float) -> None:
        if record.pending == 0 and now - record.last_failure >= self.policy.forget_after:
            record.failures, record.blocked_until = 0, -math.inf

    def _record(self, key: str) -> _Record:
        record = self.records.get(key)
        if record is None:
            record = self.records[key] = _Record()
            while len(self.records) > self.max_tracked:
                self.records.popitem(last=False)
        else:
            self.records.move_to_end(key)
        return record


class Attempt:
    """One sign-in attempt, as a ``with`` block: entering it refuses (:class:`Throttled`) or
    counts the attempt; call :meth:`failed` or :meth:`succeeded` once the password is checked.
    Left without either (an error before the check ended), it counts as nothing."""

    def __init__(self, throttle: SignInThrottle, account: str, address: str) -> None:
        self._throttle = throttle
        self._keys = (account, address)
        self._settled = False

    def __enter__(self) -> Attempt:
        self._throttle._start(*self._keys)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self._settled:
            self._settle(failed=False, succeeded=False)

    def failed(self) -> None:
        self._settle(failed=True, succeeded=False)

    def succeeded(self) -> None:
        self._settle(failed=False, succeeded=True)

    def _settle(self, *, failed: bool, succeeded: bool) -> None:
        if self._settled:
            raise RuntimeError("this sign-in attempt was already settled")
        self._settled = True
        self._throttle._end(*self._keys, failed=failed, succeeded=succeeded)


class SignInThrottle:
    """Counts of failed sign-ins per account (username) and per client address.

    ``clock`` gives monotonic seconds (``time.monotonic``; tests pass one they move)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        account_policy: Policy = ACCOUNT_POLICY,
        address_policy: Policy = ADDRESS_POLICY,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._accounts = _Counts(account_policy, max_tracked)
        self._addresses = _Counts(address_policy, max_tracked)

    def attempt(self, username: str, address: str) -> Attempt:
        """An attempt to sign in as ``username`` from ``address`` (see :class:`Attempt`)."""
        return Attempt(self, account_key(username), address)

    def tracked(self) -> int:
        """How many accounts and addresses are counted just now."""
        with self._lock:
            return len(self._accounts.records) + len(self._addresses.records)

    def _start(self, account: str, address: str) -> None:
        with self._lock:
            now = self._clock()
            wait = max(self._accounts.wait(account, now), self._addresses.wait(address, now))
            if wait > 0:
                raise Throttled(max(math.ceil(wait), 1))
            self._accounts.start(account)
            self._addresses.start(address)

    def _end(self, account: str, address: str, *, failed: bool, succeeded: bool) -> None:
        with self._lock:
            now = self._clock()
            self._accounts.end(account, now, failed=failed, succeeded=succeeded)
            # A success from an address leaves its failures: see the module's docstring.
            self._addresses.end(address, now, failed=failed, succeeded=False)


def account_key(username: str) -> str:
    """One key for the ways one username can be typed (case, spaces around it)."""
    return username.strip().casefold()
