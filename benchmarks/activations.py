"""The diagonal Jacobian of an element-wise activation: multiply, don't form the matrix.

Run ``python benchmarks/activations.py``. For the sigmoid ``sigma`` and ``n`` from 256 to
8,192 it computes the backward step of an activation layer, ``delta_l = J^T delta_{l+1}``
with ``J = diag(sigma'(z))`` (seed equations 55 and 56), in three ways:

* ``elementwise``: ``sigma'(z) * delta``, ``n`` multiplications (equation 56);
* ``diag @ delta``: ``numpy.diag(sigma'(z)) @ delta``, the Jacobian formed as an ``n x n``
  matrix and multiplied (equation 55 as written): ``n^2`` memory and ``n^2`` multiply-adds;
* ``matvec only``: the same product with the diagonal matrix formed before the clock starts
  (the cost of the product alone).

``sigma'(z)`` itself is computed once, outside the timings (all three need it). The script
checks that the three results agree, then prints the median times (``timeit``) and the ratios
``diag @ delta / elementwise`` and ``matvec only / elementwise``.

Target (exit code 1 if missed): the element-wise product is at least 100 times faster than
``diag(sigma'(z)) @ delta`` at ``n = 4,096``, counting the formation of the matrix, which is
what equation (55) asks for. The ``matvec only`` column shows that the ratio does not come from
the allocation alone.
"""

from __future__ import annotations

import os

# One BLAS thread: the ratios then measure work, not how busy the machine's other cores are
# (set the variables yourself to override).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics
import sys
import timeit

import numpy as onp

from jaccourse.nn import sigmoid

SIZES = (256, 512, 1024, 2048, 4096, 8192)
TARGET_N = 4096
TARGET_RATIO = 100.0


def median_time(call, repeat: int = 7) -> float:
    """Median over ``repeat`` runs of the mean time per call, each run about 0.05 s or more."""
    number, _ = timeit.Timer(call).autorange()
    number = max(1, number // 4)
    return statistics.median(timeit.repeat(call, repeat=repeat, number=number)) / number


def main() -> int:
    rng = onp.random.default_rng(0)
    print(
        "backward step of an element-wise activation (sigmoid): delta_l = diag(sigma'(z)) "
        "delta_{l+1}\n"
    )
    print(
        f"| {'n':>5s} | {'elementwise':>12s} | {'diag @ delta':>12s} | {'matvec only':>12s} "
        f"| {'ratio (diag)':>12s} | {'ratio (matvec)':>14s} |"
    )
    print(f"|{'-' * 7}|{'-' * 14}|{'-' * 14}|{'-' * 14}|{'-' * 14}|{'-' * 16}|")
    ratios = {}
    for n in SIZES:
        z = rng.standard_normal(n)
        delta = rng.standard_normal(n)
        d = sigmoid.derivative(z)
        diag_d = onp.diag(d)
        assert onp.allclose(d * delta, diag_d @ delta, rtol=1e-14, atol=0)
        t_elem = median_time(lambda: d * delta)
        t_diag = median_time(lambda: onp.diag(d) @ delta, repeat=5)
        t_matvec = median_time(lambda M=diag_d: M @ delta, repeat=5)
        ratios[n] = t_diag / t_elem
        print(
            f"| {n:5d} | {t_elem * 1e6:9.2f} us | {t_diag * 1e3:9.3f} ms | "
            f"{t_matvec * 1e3:9.3f} ms | {t_diag / t_elem:11.0f}x | {t_matvec / t_elem:13.0f}x |"
        )
        del diag_d
    ok = ratios[TARGET_N] >= TARGET_RATIO
    print(
        f"\ntarget: elementwise at least {TARGET_RATIO:.0f}x faster than diag(sigma'(z)) @ delta "
        f"at n = {TARGET_N}: measured {ratios[TARGET_N]:.0f}x -> {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
