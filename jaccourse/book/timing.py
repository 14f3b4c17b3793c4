"""Timings that a busy machine cannot fool: interleaved rounds, the best of each.

A chapter that says "the reverse mode is 27 times faster here" measures it while the book
builds, on whatever computer builds it. Two things make naive timings lie there: a burst of
work elsewhere on the machine (which slows whichever measurement happens to run during it)
and BLAS threads competing for the cores. :func:`best_times` guards against both:

- it times every candidate once per *round*, round after round, so that a disturbance lasting
  a few milliseconds spoils one sample of several candidates instead of every sample of one;
- it keeps, for each candidate, the fastest round (the least disturbed one: noise only ever
  adds time);
- it runs with one BLAS thread (``threads=1``), so the clock measures the work, not how busy
  the other cores are;
- each sample repeats the call enough times to last about ``budget`` seconds, so that the
  clock's resolution does not matter for microsecond calls.

The numbers are still those of one machine; the chapters assert only ratios and slopes with
wide margins, never absolute times.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from jaccourse._validation import check_callable

__all__ = ["best_times"]


def _threadpool_limits(threads: int | None) -> Any:
    """A context manager limiting BLAS threads (a no-op when ``threads`` is None)."""
    if threads is None:
        import contextlib

        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=threads)


def best_times(
    calls: Mapping[Any, Callable[[], Any]],
    *,
    rounds: int = 7,
    budget: float = 2e-3,
    threads: int | None = 1,
) -> dict[Any, float]:
    """The best time per call of each candidate, measured in interleaved rounds.

    Parameters
    ----------
    calls : mapping
        Names (any hashable) to callables taking no argument, e.g.
        ``{"forward": lambda: jacobian(f, x, mode="forward"), ...}``.
    rounds : int
        How many times every candidate is sampled; the fastest sample is kept. At least 1.
    budget : float
        Seconds one sample should last, about; a call faster than that is repeated within the
        sample (the time per call is the sample's time divided by the repetitions).
    threads : int or None
        BLAS threads during the measurement (``None`` leaves them alone).

    Returns
    -------
    dict
        The same keys, each mapped to the best seconds per call.

    Raises
    ------
    TypeError
        If ``calls`` is not a mapping of callables.
    ValueError
        If ``calls`` is empty, ``rounds < 1`` or ``budget`` is not a positive finite number.

    Examples
    --------
    >>> t = best_times({"short": lambda: sum(range(10)), "long": lambda: sum(range(10_000))},
    ...                rounds=3, budget=1e-3)
    >>> sorted(t) == ["long", "short"] and t["long"] > t["short"] > 0
    True
    """
    func = "best_times"
    if not isinstance(calls, Mapping):
        raise TypeError(
            f"{func}: argument 'calls' must be a mapping of names to callables, "
            f"got {type(calls).__name__}"
        )
    if len(calls) == 0:
        raise ValueError(f"{func}: argument 'calls' must name at least one callable, got none")
    for name, call in calls.items():
        check_callable(func, f"calls[{name!r}]", call)
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"{func}: argument 'rounds' must be an integer >= 1, got {rounds!r}")
    if (
        isinstance(budget, bool)
        or not isinstance(budget, (int, float))
        or not math.isfinite(budget)
        or budget <= 0
    ):
        raise ValueError(
            f"{func}: argument 'budget' must be a positive finite number of seconds, got {budget!r}"
        )
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        raise ValueError(
            f"{func}: argument 'threads' must be None or an integer >= 1, got {threads!r}"
        )

    clock = time.perf_counter

    def sample(call: Callable[[], Any], number: int) -> float:
        start = clock()
        for _ in range(number):
            call()
        return (clock() - start) / number

    gc_was_enabled = gc.isenabled()
    gc.disable()  # as timeit does: a collection is noise, not the call's cost
    try:
        with _threadpool_limits(threads):
            numbers = {}
            for name, call in calls.items():  # calibrate: repetitions per sample
                once = min(sample(call, 1) for _ in range(2))
                numbers[name] = max(1, int(budget / max(once, 1e-7)))
            best = {name: math.inf for name in calls}
            for _ in range(rounds):
                for name, call in calls.items():
                    best[name] = min(best[name], sample(call, numbers[name]))
    finally:
        if gc_was_enabled:
            gc.enable()
    return best
