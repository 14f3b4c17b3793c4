"""JENN against a plain network on the 2-D Rastrigin function: test R^2 against training samples.

Run ``python benchmarks/jenn.py`` (about two minutes on one core). For each ``k x k`` training
grid over Berguin's domain ``[-1, 1.5]^2`` (``jaccourse.jenn.rastrigin_grid``, ``k = 4 ... 10``)
it trains, from the same initial weights,

* **JENN**: ``JENN(hidden=(64,), lambda_=0.01)`` on values **and** partials (``gamma = 1``);
* **plain**: the same network, loss and optimiser on values only (``dYdX=None``),

each by L-BFGS for at most 1,000 iterations, for three seeds, and scores both on a ``50 x 50``
test grid: ``R^2`` of the values and ``R^2`` of the partials (``jaccourse.jenn.r2_score``,
averaged over the two partials). The table shows the median over the seeds (and the worst
seed). For context it also trains a deeper plain network, two hidden layers ``(24, 24)``, on
the ``10 x 10`` grid with three times the iteration budget (3,000), so that the comparison does
not hang on one architecture.

Targets (the exit code is 1 if one is missed):

(a) with partials, the median test ``R^2`` of the values is ``>= 0.99`` from the ``10 x 10`` grid;
(b) the median test ``R^2`` the plain network reaches on the ``10 x 10`` grid (100 values) is
    reached with partials from a grid of at most ``6 x 6`` (36 samples, 108 numbers).

The settings (one hidden layer of 64 ``tanh`` units, ``lambda_ = 0.01``) were chosen once, for
both variants, after trying ``(12, 12)``, ``(24, 24)``, ``(32, 32)``, ``(48, 48)`` and
``(16, 16, 16)``: a single wide layer with a little weight decay gave the same answer from every
seed, where the two-layer networks depended on the seed by several points of ``R^2``.
"""

from __future__ import annotations

import statistics
import sys
import time

from jaccourse.jenn import JENN, r2_score, rastrigin_grid

GRIDS = (4, 5, 6, 7, 8, 9, 10)
SEEDS = (0, 1, 2)
HIDDEN = (64,)
LAMBDA = 0.01
MAX_ITER = 1000
TEST_K = 50
TARGET_R2 = 0.99
TARGET_GRID = 6


def fit_and_score(k: int, partials: bool, seed: int, hidden: tuple[int, ...] = HIDDEN,
                  test=None, max_iter: int = MAX_ITER) -> tuple[float, float, float]:
    """``(R^2 of values, R^2 of partials, seconds)`` on the test grid for one training run."""
    X, Y, dYdX = rastrigin_grid(k)
    Xt, Yt, dYdXt = test
    start = time.perf_counter()
    model = JENN(hidden=hidden, lambda_=LAMBDA, rng=seed).fit(
        X, Y, dYdX if partials else None, max_iter=max_iter)
    seconds = time.perf_counter() - start
    return (r2_score(Yt, model.predict(Xt)), r2_score(dYdXt, model.predict_jacobian(Xt)),
            seconds)


def main() -> int:
    test = rastrigin_grid(TEST_K)
    print(f"Rastrigin on [-1, 1.5]^2, test grid {TEST_K}x{TEST_K}; JENN(hidden={HIDDEN}, "
          f"lambda_={LAMBDA}), L-BFGS <= {MAX_ITER} iterations, seeds {SEEDS}; "
          "median (worst) over seeds\n")
    print("| grid | samples | numbers (JENN) | R^2 values, JENN | R^2 values, plain "
          "| R^2 partials, JENN | R^2 partials, plain | s/fit JENN | s/fit plain |")
    print("|---|---|---|---|---|---|---|---|---|")
    median: dict[tuple[int, bool], float] = {}
    t0 = time.perf_counter()
    for k in GRIDS:
        cells = {}
        for partials in (True, False):
            runs = [fit_and_score(k, partials, seed, test=test) for seed in SEEDS]
            r2v = [r[0] for r in runs]
            r2d = [r[1] for r in runs]
            median[k, partials] = statistics.median(r2v)
            cells[partials] = (statistics.median(r2v), min(r2v), statistics.median(r2d),
                               min(r2d), statistics.mean(r[2] for r in runs))
        j, p = cells[True], cells[False]
        print(f"| {k}x{k} | {k * k} | {3 * k * k} | {j[0]:.4f} ({j[1]:.4f}) | "
              f"{p[0]:.4f} ({p[1]:.4f}) | {j[2]:.4f} ({j[3]:.4f}) | {p[2]:.4f} ({p[3]:.4f}) | "
              f"{j[4]:.1f} | {p[4]:.1f} |", flush=True)

    deep = [fit_and_score(10, False, seed, hidden=(24, 24), test=test, max_iter=3 * MAX_ITER)
            for seed in SEEDS]
    deep_r2 = statistics.median(r[0] for r in deep)
    print(f"\ncontext: plain network with hidden=(24, 24), {3 * MAX_ITER} iterations, on the 10x10 "
          "grid: median R^2 of values "
          f"{deep_r2:.4f} (seeds: {', '.join(f'{r[0]:.4f}' for r in deep)})")
    print(f"total time {time.perf_counter() - t0:.0f} s\n")

    ok_a = median[10, True] >= TARGET_R2
    print(f"(a) with partials, R^2 >= {TARGET_R2} from the 10x10 grid: "
          f"{median[10, True]:.4f} -> {'PASS' if ok_a else 'FAIL'}")
    reference = median[10, False]
    reached = [k for k in GRIDS if median[k, True] >= reference]
    smallest = min(reached) if reached else None
    ok_b = smallest is not None and smallest <= TARGET_GRID
    where = f"{smallest}x{smallest}" if smallest else "no grid"
    print(f"(b) the plain network's 10x10 accuracy R^2 = {reference:.4f} is reached with partials "
          f"from {where} (target: at most {TARGET_GRID}x{TARGET_GRID}) -> "
          f"{'PASS' if ok_b else 'FAIL'}")
    deep_reached = [k for k in GRIDS if median[k, True] >= deep_r2]
    print(f"    (the (24, 24) plain network's 10x10 accuracy R^2 = {deep_r2:.4f} is reached with "
          f"partials from "
          + (f"{min(deep_reached)}x{min(deep_reached)})" if deep_reached else "no grid)"))
    return 0 if ok_a and ok_b else 1


if __name__ == "__main__":
    sys.exit(main())
