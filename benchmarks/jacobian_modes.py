"""Forward, reverse and automatic Jacobian modes on tall, wide and square functions.

Run ``python benchmarks/jacobian_modes.py``. For each function it checks that
``jaccourse.derivatives.jacobian`` in the three modes and ``autograd.jacobian`` agree, then
times them (median of several ``timeit`` repeats) and prints

* ``auto / best``: ``mode="auto"`` against the better of forward and reverse (target <= 1.10);
* ``autograd / auto``: autograd's own ``jacobian`` (always reverse mode, one backward pass per
  output) against ``mode="auto"`` (target >= 50 on the tall function).

``python benchmarks/jacobian_modes.py --sweep`` also prints ``auto / best`` over a grid of small
shapes ``(n, m)`` around the threshold ``n = 32`` at which ``mode="auto"`` stops starting with a
forward pass (informative only: tiny Jacobians take a fraction of a millisecond and the ratios
are noisy).

The cost model behind the numbers: the forward mode needs ``n`` JVP passes, the reverse mode
one trace plus ``m`` VJP passes, so tall Jacobians (``m >> n``) want forward, wide ones reverse.
"""

from __future__ import annotations

import statistics
import sys
import timeit

import autograd
import autograd.numpy as np
import numpy as onp

from jaccourse.derivatives import jacobian


def tall_function(m: int = 2000):
    """R^2 -> R^m: a damped oscillation sampled at m times."""
    t = onp.linspace(0.0, 1.0, m)

    def f(x):
        return np.sin(x[0] * t) * np.exp(-x[1] * t)

    return f, onp.array([3.0, 0.5])


def wide_function(n: int = 2000):
    """R^n -> R^2: two scalar reductions stacked."""
    c = onp.linspace(-1.0, 1.0, n)

    def f(x):
        return np.stack([np.sum(np.sin(x) * c), np.log(1.0 + np.sum(x**2))])

    return f, onp.random.default_rng(1).standard_normal(n)


def square_function(n: int = 200):
    """R^n -> R^n: a residual tanh layer tanh(W x) + 0.1 x."""
    W = onp.random.default_rng(0).standard_normal((n, n)) / onp.sqrt(n)

    def f(x):
        return np.tanh(np.dot(W, x)) + 0.1 * x

    return f, onp.random.default_rng(2).standard_normal(n)


def median_time(call, repeat: int, number: int) -> float:
    """Median over ``repeat`` runs of the mean time of ``number`` calls, in seconds."""
    times = timeit.repeat(call, repeat=repeat, number=number)
    return statistics.median(times) / number


def sweep() -> None:
    """auto / best(forward, reverse) on small dense-layer functions R^n -> R^m."""
    print("\nsweep: f(x) = tanh(W x) exp(-0.1 |x|^2), W of shape (m, n)")
    print(f"{'n':>4s} {'m':>5s} {'forward':>10s} {'reverse':>10s} {'auto':>10s} {'auto/best':>10s}")
    for n, m in [(2, 1), (3, 1), (8, 1), (32, 1), (32, 16), (32, 64), (33, 66), (64, 128), (64, 8)]:
        W = onp.random.default_rng(0).standard_normal((m, n)) / onp.sqrt(n)

        def f(x, W=W):
            return np.tanh(np.dot(W, x)) * np.exp(-0.1 * np.sum(x**2))

        x = onp.full(n, 0.1)
        calls = {
            k: (lambda k=k, f=f, x=x: jacobian(f, x, mode=k))
            for k in ("forward", "reverse", "auto")
        }
        number = {}
        for k, c in calls.items():
            number[k] = max(1, int(0.02 / median_time(c, repeat=1, number=1)))
        samples = {k: [] for k in calls}
        for _ in range(7):
            for k, c in calls.items():
                samples[k].append(median_time(c, repeat=1, number=number[k]))
        t = {k: statistics.median(v) for k, v in samples.items()}
        print(
            f"{n:4d} {m:5d} {t['forward'] * 1e3:8.3f}ms {t['reverse'] * 1e3:8.3f}ms "
            f"{t['auto'] * 1e3:8.3f}ms {t['auto'] / min(t['forward'], t['reverse']):10.2f}"
        )


def main() -> int:
    cases = [
        ("tall   n=2,    m=2000", *tall_function()),
        ("wide   n=2000, m=2", *wide_function()),
        ("square n=200,  m=200", *square_function()),
    ]
    print(
        f"{'function':22s} {'forward':>10s} {'reverse':>10s} {'auto':>10s} "
        f"{'autograd':>10s} {'auto/best':>10s} {'autograd/auto':>14s}"
    )
    all_ok = True
    for name, f, x in cases:
        calls = {
            "forward": lambda f=f, x=x: jacobian(f, x, mode="forward"),
            "reverse": lambda f=f, x=x: jacobian(f, x, mode="reverse"),
            "auto": lambda f=f, x=x: jacobian(f, x, mode="auto"),
            "autograd": lambda f=f, x=x: autograd.jacobian(f)(x),
        }
        results, number, rounds = {}, {}, {}
        for k, c in calls.items():
            start = timeit.default_timer()
            results[k] = onp.asarray(c())
            first = timeit.default_timer() - start
            number[k] = max(1, int(0.02 / first))  # about 20 ms per sample
            rounds[k] = 31 if first < 0.1 else 5  # slow modes are far from any target
        ref = results["autograd"]
        for k, J in results.items():
            if J.shape != ref.shape or not onp.allclose(J, ref, rtol=1e-12, atol=1e-12):
                print(f"{name}: {k} disagrees with autograd.jacobian")
                return 1
        # interleave the samples so that the load of the machine hits every mode alike
        samples = {k: [] for k in calls}
        for r in range(max(rounds.values())):
            for k, c in calls.items():
                if r < rounds[k]:
                    samples[k].append(median_time(c, repeat=1, number=number[k]))
        t = {k: statistics.median(v) for k, v in samples.items()}
        auto_vs_best = t["auto"] / min(t["forward"], t["reverse"])
        autograd_vs_auto = t["autograd"] / t["auto"]
        print(
            f"{name:22s} {t['forward'] * 1e3:8.2f}ms {t['reverse'] * 1e3:8.2f}ms "
            f"{t['auto'] * 1e3:8.2f}ms {t['autograd'] * 1e3:8.2f}ms {auto_vs_best:10.2f} "
            f"{autograd_vs_auto:14.1f}"
        )
        if auto_vs_best > 1.10:
            all_ok = False
            print(f"  target missed: auto is {auto_vs_best:.2f}x the better mode (> 1.10)")
        if name.startswith("tall") and autograd_vs_auto < 50:
            all_ok = False
            print(f"  target missed: auto only {autograd_vs_auto:.1f}x faster than autograd (< 50)")
    print("all four agree numerically (rtol 1e-12) on every function")
    print(
        "targets met: auto <= 1.10x the better mode everywhere; auto >= 50x faster than "
        "autograd.jacobian on the tall function"
        if all_ok
        else "targets NOT met"
    )
    return 0 if all_ok else 1


if __name__ == "__main__":
    status = main()
    if "--sweep" in sys.argv[1:]:
        sweep()
    sys.exit(status)
