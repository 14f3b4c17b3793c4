"""The inline code of the chapter ``newton`` against the package and against closed forms.

The chapter shows pure Newton's method in a few lines (``newton_pure``) because there the
algorithm is the point, and it measures rates with two small helpers (``order_estimates``,
``tail_rate``). These tests take those functions from the chapter itself (so that they test
what the reader sees, not a copy) and check them: ``newton_pure`` against
``jaccourse.optim.newton(line_search=False)`` and against closed forms, the helpers on
sequences whose order and rate are known exactly.
"""

from __future__ import annotations

import autograd.numpy as np
import numpy as onp
import pytest
from chapter_code import chapter_functions

from jaccourse.derivatives import gradient, hessian
from jaccourse.optim import newton

INLINE = ("newton_pure", "order_estimates", "tail_rate")


def _chapter_functions() -> dict:
    """The chapter's definitions of INLINE (and nothing else), in a fresh namespace."""
    return chapter_functions("newton", INLINE, {"np": np, "gradient": gradient, "hessian": hessian})


FUNCS = _chapter_functions()


def boyd(v):
    x, y = v[0], v[1]
    return np.exp(x + 3 * y - 0.1) + np.exp(x - 3 * y - 0.1) + np.exp(-x - 0.1)


def himmelblau(v):
    x, y = v[0], v[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def rosenbrock(v):
    return 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2


@pytest.mark.parametrize(
    "f, x0",
    [
        (boyd, [-1.0, 1.0]),
        (boyd, [2.0, 0.5]),
        (himmelblau, [0.5, -0.5]),
        (himmelblau, [0.0, 1.0]),
        (rosenbrock, [-1.2, 1.0]),
    ],
    ids=["boyd-1", "boyd-2", "himmelblau-max", "himmelblau-saddle", "rosenbrock"],
)
def test_inline_newton_takes_the_package_pure_newton_steps(f, x0):
    package = newton(f, x0, line_search=False).history.x
    inline = FUNCS["newton_pure"](f, x0, len(package) - 1)
    assert inline.shape == package.shape
    assert onp.allclose(inline, package, rtol=1e-12, atol=1e-12)


def test_inline_newton_solves_a_quadratic_in_one_step():
    rng = onp.random.default_rng(3)
    M = rng.standard_normal((4, 4))
    A = M @ M.T + 4 * onp.eye(4)
    b = rng.standard_normal(4)
    path = FUNCS["newton_pure"](lambda x: 0.5 * x @ A @ x - b @ x, rng.standard_normal(4), 1)
    assert onp.allclose(path[1], onp.linalg.solve(A, b), rtol=1e-12, atol=1e-12)


def test_inline_newton_on_exp_minus_2x_is_the_closed_form_iteration():
    path = FUNCS["newton_pure"](lambda v: np.exp(v[0]) - 2 * v[0], [0.0], 4)[:, 0]
    expected = [0.0]
    for _ in range(4):
        expected.append(expected[-1] - 1 + 2 * onp.exp(-expected[-1]))
    assert onp.allclose(path, expected, rtol=0, atol=1e-15)


@pytest.mark.parametrize("p", [1.0, 1.5, 2.0, 3.0])
def test_order_estimates_recovers_the_order_of_a_model_sequence(p):
    e = [0.5]
    while e[-1] > 1e-200 and len(e) < 60:
        e.append(0.8 * e[-1] ** p if p > 1 else 0.3 * e[-1])
    est = FUNCS["order_estimates"](onp.array(e), floor=1e-300)
    assert onp.allclose(est[-3:], p, atol=0.05 if p > 1 else 1e-12)


def test_order_estimates_ignores_errors_below_the_floor():
    e = onp.array([1e-1, 1e-2, 1e-4, 1e-8, 1e-16, 0.0])
    est = FUNCS["order_estimates"](e, floor=1e-14)
    assert onp.allclose(est, 2.0) and len(est) == 2  # the triple ending at 1e-16 is dropped


def test_tail_rate_of_a_geometric_sequence():
    e = 0.9 * 0.4733 ** onp.arange(60)
    assert abs(FUNCS["tail_rate"](e) - 0.4733) < 1e-12
    assert onp.isnan(FUNCS["tail_rate"](onp.array([1.0, 0.9, 0.95])))  # never below 1e-3
