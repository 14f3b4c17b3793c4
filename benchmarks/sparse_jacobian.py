"""Sparse Jacobians by column colouring against the dense Jacobian, on banded PDE residuals.

Run ``python benchmarks/sparse_jacobian.py`` (about a minute). Two residuals of ``n`` unknowns
on a uniform grid of ``[0, 1]`` with step ``h = 1 / (n + 1)``:

* ``bratu``: ``r_i = (u_{i-1} - 2 u_i + u_{i+1}) / h^2 + exp(u_i)``, ``u_0 = u_{n+1} = 0``,
  a tridiagonal Jacobian;
* ``beam``: ``r_i = (u_{i-2} - 4 u_{i-1} + 6 u_i - 4 u_{i+1} + u_{i+2}) / h^4 + u_i^3 - 1``,
  two zero boundary values at each end, a pentadiagonal Jacobian.

For ``n`` from 100 to 10,000 it prints the colours ``K`` of :func:`color_columns` and the time
of

* ``sparse``: ``sparse_jacobian(f, u, pattern, output="csr")`` with its defaults: colouring the
  pattern, ``K`` JVPs, the random check (one more JVP) and the scatter into a CSR array;
* ``reuse``: the same with the colouring passed in and ``check=False``, the cost inside a
  Newton loop that reuses one colouring;
* ``dense``: ``jacobian(f, u)`` (``mode="auto"``, here the reverse mode: one trace of ``f``
  and ``n`` VJPs, one row each), the median of a few runs for small ``n``, one run from
  ``n = 1,000``.

At ``n = 10,000`` the dense Jacobian (800 MB, ``10^4`` passes) is **estimated**, not run:
the time of the first ``1,000`` rows, ``jacobian(lambda u: f(u)[:1000], u)`` (the same trace
and 1,000 of the 10,000 VJPs), times 10. The estimate is checked where both exist: the
``est/meas`` column at ``n = 3,000`` compares the same estimate (from 300 rows) with the
measured time. ``--full`` measures the dense Jacobian at ``n = 10,000`` too (1.6 GB of
memory, about a minute more).

The machine's load moves single timings by tens of percent (``est/meas`` shows how much); the
ratio at ``n = 10,000`` is two orders of magnitude above the target, far beyond that noise.

``error`` is ``max |J_sparse - J_dense| / max |J_dense|`` where the dense Jacobian was
computed. Target: ``sparse`` at least 50 times faster than ``dense`` at ``n = 10,000`` with the
tridiagonal pattern (the exit code is 0 if it is met, else 1).
"""

from __future__ import annotations

import statistics
import sys
import timeit

import autograd.numpy as np
import numpy as onp
import scipy.sparse

from jaccourse.derivatives import color_columns, jacobian, sparse_jacobian

SIZES = (100, 300, 1000, 3000, 10_000)
MEASURE_DENSE_UP_TO = 3000  # larger n: estimated from a tenth of the rows (see above)
TARGET = 50.0


def bratu(n: int):
    """The Bratu residual (tridiagonal Jacobian), its pattern and a point."""
    h = 1.0 / (n + 1)
    zero = np.zeros(1)

    def f(u):
        p = np.concatenate([zero, u, zero])
        return (p[:-2] - 2.0 * u + p[2:]) / h**2 + np.exp(u)

    pattern = scipy.sparse.diags_array(
        [onp.ones(n - 1), onp.ones(n), onp.ones(n - 1)], offsets=[-1, 0, 1], format="csr"
    )
    x = onp.linspace(0.0, 1.0, n + 2)[1:-1]
    return f, pattern, onp.sin(onp.pi * x)


def beam(n: int):
    """The beam residual (pentadiagonal Jacobian), its pattern and a point."""
    h = 1.0 / (n + 1)
    zeros = np.zeros(2)

    def f(u):
        p = np.concatenate([zeros, u, zeros])
        return (p[:-4] - 4.0 * p[1:-3] + 6.0 * u - 4.0 * p[3:-1] + p[4:]) / h**4 + u**3 - 1.0

    pattern = scipy.sparse.diags_array(
        [onp.ones(n - abs(k)) for k in range(-2, 3)], offsets=list(range(-2, 3)), format="csr"
    )
    x = onp.linspace(0.0, 1.0, n + 2)[1:-1]
    return f, pattern, x * (1.0 - x)


def median_time(call, repeat: int) -> float:
    """Median over ``repeat`` runs of the mean time of enough calls to last about 20 ms."""
    start = timeit.default_timer()
    call()
    first = timeit.default_timer() - start
    number = max(1, int(0.02 / first))
    return statistics.median(timeit.repeat(call, repeat=repeat, number=number)) / number


def time_once(call):
    start = timeit.default_timer()
    out = call()
    return timeit.default_timer() - start, out


def dense_estimate(f, u, rows: int) -> float:
    """The dense Jacobian's time extrapolated from its first ``rows`` rows (reverse mode)."""
    n = u.size
    seconds, _ = time_once(lambda: jacobian(lambda z: f(z)[:rows], u))
    return seconds * n / rows


def run(name: str, problem, full: bool) -> dict[int, float]:
    print(f"\n{name}")
    print(
        f"{'n':>7s} {'K':>3s} {'passes':>14s} {'colouring':>10s} {'sparse':>10s} "
        f"{'reuse':>10s} {'dense':>11s} {'est/meas':>9s} {'dense/sparse':>13s} {'error':>9s}"
    )
    ratios = {}
    for n in SIZES:
        f, pattern, u = problem(n)
        colors = color_columns(pattern)
        k = int(colors.max()) + 1
        t_color = median_time(lambda: color_columns(pattern), repeat=5)
        t_sparse = median_time(lambda: sparse_jacobian(f, u, pattern, output="csr"), repeat=7)
        t_reuse = median_time(
            lambda: sparse_jacobian(f, u, pattern, colors=colors, output="csr", check=False),
            repeat=7,
        )
        J_sparse = sparse_jacobian(f, u, pattern, output="csr")
        check = "-"
        if n <= MEASURE_DENSE_UP_TO or full:
            if n < 1000:
                t_dense, J_dense = median_time(lambda: jacobian(f, u), repeat=5), jacobian(f, u)
            else:
                t_dense, J_dense = time_once(lambda: jacobian(f, u))
            scale = onp.abs(J_dense).max()
            difference = (scipy.sparse.csr_array(J_dense) - J_sparse).data  # no n x n copy
            err = f"{onp.abs(difference).max(initial=0.0) / scale:9.1e}"
            del J_dense
            if n >= 1000:
                check = f"{dense_estimate(f, u, n // 10) / t_dense:9.2f}"
            mark = " "
        else:
            t_dense, err, mark = dense_estimate(f, u, n // 10), f"{'-':>9s}", "*"
        ratios[n] = t_dense / t_sparse
        passes = f"{k}+1 vs {n}"
        print(
            f"{n:7d} {k:3d} {passes:>14s} {t_color * 1e3:8.2f}ms {t_sparse * 1e3:8.2f}ms "
            f"{t_reuse * 1e3:8.2f}ms {t_dense * 1e3:9.0f}ms{mark} {check:>9s} "
            f"{ratios[n]:13.0f} {err}"
        )
    return ratios


def main() -> int:
    full = "--full" in sys.argv[1:]
    print("passes: sparse = K JVPs + 1 random check JVP; dense = n VJPs (after one trace)")
    print("times: sparse = colouring + passes + check + CSR scatter; reuse = passes only")
    tri = run("bratu: tridiagonal Jacobian", bratu, full)
    run("beam: pentadiagonal Jacobian", beam, full)
    if not full:
        print(
            "\n* estimated: the first n/10 rows of the dense Jacobian, timed, times 10 "
            "(dense n = 10,000 needs 800 MB); est/meas checks that estimate where both exist"
        )
    ratio = tri[SIZES[-1]]
    ok = ratio >= TARGET
    print(
        f"\ntarget: sparse >= {TARGET:.0f}x faster than dense at n = {SIZES[-1]:,} "
        f"(tridiagonal): {ratio:.0f}x, {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
