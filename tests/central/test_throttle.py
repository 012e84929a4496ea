"""``central.throttle``: sign-in attempts counted per account and per client address, on a
clock the test moves (no sleeping, no assertion on time)."""

from __future__ import annotations

import threading

import pytest

from central.throttle import (
    ACCOUNT_POLICY,
    ADDRESS_POLICY,
    IN_FLIGHT_WAIT,
    SignInThrottle,
    Throttled,
    describe_wait,
)


class FakeClock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(clock: FakeClock) -> SignInThrottle:
    return SignInThrottle(clock=clock)


def fail(throttle: SignInThrottle, username: str = "alice", address: str = "10.0.0.1") -> None:
    with throttle.attempt(username, address) as attempt:
        attempt.failed()


def succeed(throttle: SignInThrottle, username: str = "alice", address: str = "10.0.0.1") -> None:
    with throttle.attempt(username, address) as attempt:
        attempt.succeeded()


def wait_for(throttle: SignInThrottle, username: str = "alice", address: str = "10.0.0.1") -> int:
    """The Retry-After of the next attempt; fails the test when the attempt is let through."""
    with pytest.raises(Throttled) as refused, throttle.attempt(username, address):
        pass
    return refused.value.retry_after


def test_the_free_failures_then_a_wait(throttle: SignInThrottle) -> None:
    for _ in range(ACCOUNT_POLICY.free_failures):
        fail(throttle)
    assert wait_for(throttle) == ACCOUNT_POLICY.first_wait
    # Another address gets the same wait for this account: the account is what is guessed at.
    assert wait_for(throttle, address="10.9.9.9") == ACCOUNT_POLICY.first_wait


def test_the_wait_doubles_with_each_further_failure_up_to_the_longest(
    throttle: SignInThrottle, clock: FakeClock
) -> None:
    for _ in range(ACCOUNT_POLICY.free_failures):
        fail(throttle)
    waits = []
    for _ in range(10):
        waits.append(wait_for(throttle))
        clock.advance(waits[-1])
        fail(throttle)
    first, longest = int(ACCOUNT_POLICY.first_wait), int(ACCOUNT_POLICY.longest_wait)
    assert waits[:4] == [first, 2 * first, 4 * first, 8 * first]
    assert waits == sorted(waits)
    assert waits[-1] == longest


def test_the_remaining_wait_counts_down(throttle: SignInThrottle, clock: FakeClock) -> None:
    for _ in range(ACCOUNT_POLICY.free_failures):
        fail(throttle)
    clock.advance(ACCOUNT_POLICY.first_wait - 10.5)
    assert wait_for(throttle) == 11  # whole seconds, rounded up
    clock.advance(10.5)
    succeed(throttle)


def test_a_success_starts_the_accounts_count_again(throttle: SignInThrottle) -> None:
    for _ in range(ACCOUNT_POLICY.free_failures - 1):
        fail(throttle)
    succeed(throttle)
    for _ in range(ACCOUNT_POLICY.free_failures - 1):
        fail(throttle, address="10.0.0.2")
    succeed(throttle, address="10.0.0.2")  # not yet throttled: the count had started again


def test_failures_are_forgotten_after_a_quiet_spell(
    throttle: SignInThrottle, clock: FakeClock
) -> None:
    for _ in range(ACCOUNT_POLICY.free_failures - 1):
        fail(throttle)
    clock.advance(ACCOUNT_POLICY.forget_after)
    for _ in range(ACCOUNT_POLICY.free_failures - 1):
        fail(throttle)
    succeed(throttle)


def test_usernames_differing_in_case_or_spaces_are_one_account(throttle: SignInThrottle) -> None:
    for name in ("alice", "Alice", " ALICE ", "alice\t", "aLiCe"):
        fail(throttle, username=name)
    assert wait_for(throttle, username="alice") == ACCOUNT_POLICY.first_wait


def test_one_address_is_throttled_across_accounts(throttle: SignInThrottle) -> None:
    for number in range(ADDRESS_POLICY.free_failures):
        fail(throttle, username=f"guess{number}")
    assert wait_for(throttle, username="someone-new") == ADDRESS_POLICY.first_wait
    succeed(throttle, username="someone-new", address="10.0.0.2")


def test_a_success_from_an_address_does_not_clear_its_failures(throttle: SignInThrottle) -> None:
    # One valid account must not let an address go on guessing at others.
    for number in range(ADDRESS_POLICY.free_failures - 1):
        fail(throttle, username=f"guess{number}")
    succeed(throttle, username="mallory")
    fail(throttle, username="guess-last")
    assert wait_for(throttle, username="mallory") == ADDRESS_POLICY.first_wait


def test_attempts_in_flight_count_against_the_limit(
    throttle: SignInThrottle, clock: FakeClock
) -> None:
    """Attempts checked at the same time cannot all slip through before their failures land."""
    open_attempts = [throttle.attempt("alice", "10.0.0.1") for _ in range(5)]
    held = [attempt.__enter__() for attempt in open_attempts]
    assert wait_for(throttle) == IN_FLIGHT_WAIT
    for attempt in held[:-1]:
        attempt.failed()
    held[-1].succeeded()
    for context in open_attempts:
        context.__exit__(None, None, None)
    fail(throttle)  # the success started the count again


def test_concurrent_attempts_let_through_no_more_than_the_free_failures(
    throttle: SignInThrottle,
) -> None:
    threads, admitted, refused = 40, [], []
    start, finish = threading.Barrier(threads), threading.Barrier(threads)

    def guess() -> None:
        start.wait()
        try:
            with throttle.attempt("alice", "10.0.0.1") as attempt:
                admitted.append(1)
                finish.wait()
                attempt.failed()
        except Throttled:
            refused.append(1)
            finish.wait()

    workers = [threading.Thread(target=guess) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert (len(admitted), len(refused)) == (ACCOUNT_POLICY.free_failures, threads - 5)


def test_an_attempt_ended_by_an_error_counts_nothing(throttle: SignInThrottle) -> None:
    for _ in range(2 * ACCOUNT_POLICY.free_failures):
        with pytest.raises(RuntimeError), throttle.attempt("alice", "10.0.0.1"):
            raise RuntimeError("the database went away")
    succeed(throttle)


def test_an_attempt_is_settled_once(throttle: SignInThrottle) -> None:
    with throttle.attempt("alice", "10.0.0.1") as attempt:
        attempt.failed()
        with pytest.raises(RuntimeError, match="already"):
            attempt.succeeded()


def test_the_oldest_records_go_when_the_throttle_is_full(clock: FakeClock) -> None:
    throttle = SignInThrottle(clock=clock, max_tracked=3)
    for _ in range(ACCOUNT_POLICY.free_failures):
        fail(throttle, username="alice", address="10.0.0.1")
    assert wait_for(throttle, username="alice", address="10.0.0.1")
    for name in ("b", "c", "d"):
        fail(throttle, username=name, address=f"10.0.1.{name}")
    assert throttle.tracked() <= 2 * 3
    succeed(throttle, username="alice", address="10.0.0.1")


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (30, "30 seconds"),
        (60, "1 minute"),
        (61, "2 minutes"),
        (900, "15 minutes"),
        (3600, "1 hour"),
    ],
)
def test_a_wait_is_said_in_words(seconds: int, text: str) -> None:
    assert describe_wait(seconds) == text


def test_policies_refuse_impossible_figures() -> None:
    from central.throttle import Policy

    with pytest.raises(ValueError, match="forget_after"):
        Policy(free_failures=5, first_wait=30, longest_wait=3600, forget_after=60)
    with pytest.raises(ValueError, match="free_failures"):
        Policy(free_failures=0, first_wait=30, longest_wait=60, forget_after=3600)
