"""jaccourse.book.timing.best_times: interleaved best-of timings, and its errors."""

from __future__ import annotations

import time

import pytest

from jaccourse.book.timing import best_times


def test_best_times_orders_calls_by_their_cost_and_keeps_the_keys():
    calls = {"sleep 2 ms": lambda: time.sleep(2e-3), "sleep 0": lambda: None}
    t = best_times(calls, rounds=3, budget=5e-3)
    assert list(t) == list(calls)
    assert t["sleep 2 ms"] >= 2e-3  # noise only ever adds time
    assert t["sleep 0"] < 1e-3 < t["sleep 2 ms"]


def test_best_times_interleaves_rounds_and_repeats_fast_calls_within_a_sample():
    order = []
    calls = {"a": lambda: order.append("a"), "b": lambda: order.append("b")}
    best_times(calls, rounds=2, budget=1e-4, threads=None)
    # calibration (2 single calls each), then rounds alternate a-block, b-block
    assert order[:4] == ["a", "a", "b", "b"]
    rounds = order[4:]
    switches = sum(1 for u, v in zip(rounds, rounds[1:], strict=False) if u != v)
    assert switches == 3  # a..a b..b a..a b..b: two interleaved rounds
    assert len(rounds) > 4  # each sample repeats the fast call


def test_best_times_keeps_the_fastest_round():
    durations = iter([0.0, 0.0] + [0.02, 0.004, 0.03])  # calibration, then three rounds
    t = best_times({"x": lambda: time.sleep(next(durations))}, rounds=3, budget=1e-9, threads=None)
    assert 0.004 <= t["x"] < 0.015


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(calls=[lambda: None]), TypeError, "'calls' must be a mapping"),
        (dict(calls={}), ValueError, "'calls' must name at least one"),
        (dict(calls={"a": 3}), TypeError, "calls['a'] must be a callable"),
        (dict(calls={"a": print}, rounds=0), ValueError, "'rounds' must be an integer >= 1"),
        (dict(calls={"a": print}, rounds=2.0), ValueError, "'rounds' must be an integer >= 1"),
        (dict(calls={"a": print}, budget=-1.0), ValueError, "'budget' must be a positive finite"),
        (dict(calls={"a": print}, budget=float("nan")), ValueError, "'budget' must be a positive"),
        (dict(calls={"a": print}, threads=0), ValueError, "'threads' must be None or an integer"),
    ],
)
def test_best_times_rejects_bad_input_with_a_clear_message(kwargs, error, words):
    with pytest.raises(error, match="best_times") as info:
        best_times(**kwargs)
    assert words in str(info.value)
