"""Tests of jaccourse.optim against closed forms, independent loops and scipy.optimize."""

from __future__ import annotations

import dataclasses
import math

import autograd.numpy as np
import numpy as onp
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse.optim import (
    History,
    OptimizeResult,
    adam,
    classify_critical_point,
    gauss_newton,
    gradient_descent,
    levenberg_marquardt,
    momentum,
    newton,
    sgd,
)


def rosen(x):
    return (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] ** 2) ** 2


def quadratic(A, b):
    """f(x) = 0.5 x^T A x - b^T x, minimiser A^{-1} b."""
    return lambda x: 0.5 * np.dot(x, np.dot(A, x)) - np.dot(b, x)


A2 = onp.array([[3.0, 1.0], [1.0, 2.0]])
B2 = onp.array([1.0, -1.0])


# --------------------------------------------------------------------------------------------
# first-order methods on quadratics: closed forms
# --------------------------------------------------------------------------------------------


def test_gradient_descent_iterates_are_the_matrix_power_closed_form():
    lr, steps = 0.2, 15
    x0 = onp.array([2.0, -1.0])
    res = gradient_descent(quadratic(A2, B2), x0, lr=lr, steps=steps)
    x_star = onp.linalg.solve(A2, B2)
    M = onp.eye(2) - lr * A2
    for k, xk in enumerate(res.history.x):
        assert onp.allclose(xk - x_star, onp.linalg.matrix_power(M, k) @ (x0 - x_star), atol=1e-13)
    assert res.nit == steps and res.nfev == steps + 1 and res.njev == steps + 1
    assert res.success and res.cost == res.fun == res.history.fun[-1]


def test_step_size_limit_two_over_lambda_max():
    lam_max = float(onp.linalg.eigvalsh(A2)[-1])
    f = quadratic(A2, B2)
    x_star = onp.linalg.solve(A2, B2)
    below = gradient_descent(f, [2.0, -1.0], lr=0.98 * 2 / lam_max, steps=400)
    above = gradient_descent(f, [2.0, -1.0], lr=1.02 * 2 / lam_max, steps=400)
    assert onp.linalg.norm(below.x - x_star) < 1e-3
    assert onp.linalg.norm(above.x - x_star) > 1e2


def test_gradient_descent_tol_stops_early_and_reports_failure_when_not_reached():
    f = quadratic(A2, B2)
    res = gradient_descent(f, [2.0, -1.0], lr=0.3, steps=10_000, tol=1e-8)
    assert res.success and res.nit < 200 and res.history.grad_norm[-1] <= 1e-8
    assert res.history.grad_norm[-2] > 1e-8
    short = gradient_descent(f, [2.0, -1.0], lr=0.3, steps=3, tol=1e-8)
    assert not short.success and "still >" in short.message


def test_user_gradient_is_used_and_counted():
    calls = []

    def grad(x):
        calls.append(1)
        return A2 @ x - B2

    res = gradient_descent(quadratic(A2, B2), [0.0, 0.0], lr=0.1, steps=5, grad=grad)
    assert len(calls) == 6 and res.njev == 6 and res.nfev == 6
    auto = gradient_descent(quadratic(A2, B2), [0.0, 0.0], lr=0.1, steps=5)
    assert onp.allclose(res.x, auto.x, atol=1e-15)


def test_momentum_with_beta_zero_is_gradient_descent():
    f = quadratic(A2, B2)
    a = momentum(f, [1.0, 1.0], lr=0.1, beta=0.0, steps=20)
    b = gradient_descent(f, [1.0, 1.0], lr=0.1, steps=20)
    assert onp.allclose(a.history.x, b.history.x, atol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_matches_an_independent_loop(nesterov):
    lr, beta, steps = 0.1, 0.8, 25
    x, v = onp.array([1.0, 2.0]), onp.zeros(2)
    for _ in range(steps):
        y = x - lr * beta * v if nesterov else x
        v = beta * v + (A2 @ y - B2)
        x = x - lr * v
    res = momentum(quadratic(A2, B2), [1.0, 2.0], lr=lr, beta=beta, steps=steps, nesterov=nesterov)
    assert onp.allclose(res.x, x, atol=1e-13)
    assert res.njev == (2 * steps + 1 if nesterov else steps + 1)


def test_adam_matches_the_paper_algorithm_written_out():
    lr, b1, b2, eps, steps = 0.05, 0.9, 0.999, 1e-8, 30
    x, m, v = onp.array([1.5, -0.5]), onp.zeros(2), onp.zeros(2)
    for t in range(1, steps + 1):
        g = onp.array([2 * (x[0] - 1) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        x = x - lr * (m / (1 - b1**t)) / (onp.sqrt(v / (1 - b2**t)) + eps)
    res = adam(rosen, [1.5, -0.5], lr=lr, steps=steps)
    assert onp.allclose(res.x, x, rtol=1e-12, atol=1e-12)


def test_adam_first_step_moves_each_coordinate_by_lr():
    res = adam(
        lambda x: np.sum(np.array([1e-3, 1.0, 1e6]) * x**2), [1.0, 1.0, 1.0], lr=0.01, steps=1
    )
    assert onp.allclose(onp.ones(3) - res.x, 0.01, rtol=1e-5)


# --------------------------------------------------------------------------------------------
# sgd
# --------------------------------------------------------------------------------------------


def _mse(w, batch):
    X, y = batch
    return np.mean((np.dot(X, w) - y) ** 2)


def _regression(n=60, d=3, seed=0, noise=0.0):
    rng = onp.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w = onp.arange(1.0, d + 1)
    return X, X @ w + noise * rng.standard_normal(n), w


def test_sgd_with_a_full_batch_is_gradient_descent_on_the_whole_loss():
    X, y, _ = _regression()
    a = sgd(_mse, onp.zeros(3), (X, y), lr=0.1, batch_size=len(y), epochs=12, rng=0)
    b = gradient_descent(lambda w: _mse(w, (X, y)), onp.zeros(3), lr=0.1, steps=12)
    assert onp.allclose(a.history.x, b.history.x, atol=1e-14)
    assert onp.allclose(a.history.fun, b.history.fun, rtol=1e-13)


def test_sgd_counts_steps_is_seeded_and_reaches_a_consistent_solution():
    X, y, w = _regression(n=50)
    res = sgd(_mse, onp.zeros(3), (X, y), lr=0.05, batch_size=8, epochs=40, rng=3)
    assert res.nit == 40 * math.ceil(50 / 8)
    assert res.nfev == res.nit + 41 and res.njev == res.nit
    assert onp.allclose(res.x, w, atol=1e-6)  # consistent data: SGD noise vanishes
    again = sgd(_mse, onp.zeros(3), (X, y), lr=0.05, batch_size=8, epochs=40, rng=3)
    assert onp.array_equal(res.x, again.x)
    other = sgd(_mse, onp.zeros(3), (X, y), lr=0.05, batch_size=8, epochs=2, rng=4)
    first = sgd(_mse, onp.zeros(3), (X, y), lr=0.05, batch_size=8, epochs=2, rng=3)
    assert not onp.array_equal(first.x, other.x)
    assert len(res.history) == 41 and res.history.x.shape == (41, 3)


def test_sgd_with_noise_hovers_near_the_least_squares_solution():
    X, y, _ = _regression(n=200, noise=0.5, seed=1)
    w_ls = onp.linalg.lstsq(X, y, rcond=None)[0]
    res = sgd(_mse, onp.zeros(3), (X, y), lr=0.01, batch_size=10, epochs=30, rng=0)
    assert _mse(res.x, (X, y)) - _mse(w_ls, (X, y)) < 1e-2
    assert onp.linalg.norm(res.x - w_ls) > 0  # not exactly at it: the noise floor


def test_sgd_accepts_a_single_array_of_samples():
    data = onp.linspace(-1.0, 1.0, 21) + 0.25
    res = sgd(
        lambda c, batch: np.mean((batch - c[0]) ** 2),
        [0.0],
        data,
        lr=0.2,
        batch_size=21,
        epochs=50,
        rng=0,
    )
    assert abs(res.x[0] - data.mean()) < 1e-10


# --------------------------------------------------------------------------------------------
# Newton
# --------------------------------------------------------------------------------------------


def test_newton_solves_a_quadratic_in_one_step():
    res = newton(quadratic(A2, B2), [10.0, -7.0])
    assert res.nit == 1 and onp.allclose(res.x, onp.linalg.solve(A2, B2), atol=1e-14)
    assert res.nhev == 1


def test_newton_on_rosenbrock_agrees_with_scipy_and_converges_quadratically():
    res = newton(rosen, [-1.2, 1.0])
    ref = scipy.optimize.minimize(
        rosen,
        [-1.2, 1.0],
        method="trust-exact",
        jac=lambda x: onp.array(
            [-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)]
        ),
        hess=lambda x: onp.array(
            [[2 - 400 * x[1] + 1200 * x[0] ** 2, -400 * x[0]], [-400 * x[0], 200.0]]
        ),
    )
    assert res.success and onp.allclose(res.x, ref.x, atol=1e-8) and onp.allclose(res.x, 1.0)
    assert onp.all(onp.diff(res.history.fun) <= 0)  # never uphill
    e = onp.linalg.norm(res.history.x - 1.0, axis=1)
    tail = e[e > 0][-4:]  # the last steps: e_{k+1} <= C e_k^2
    assert tail[-1] < 1e-9 and onp.all(tail[1:] <= 50.0 * tail[:-1] ** 2)


def test_pure_newton_can_go_to_a_maximum_but_the_safeguarded_one_does_not():
    f = lambda v: v[0] ** 3 - 3.0 * v[0] + v[1] ** 2  # local max in x at -1 (a saddle), min at 1
    pure = newton(f, [-0.5, 0.5], line_search=False)
    safe = newton(f, [-0.5, 0.5])
    assert onp.allclose(pure.x, [-1.0, 0.0]) and classify_critical_point(f, pure.x) == "saddle"
    assert onp.allclose(safe.x, [1.0, 0.0]) and classify_critical_point(f, safe.x) == "minimum"
    assert onp.all(onp.diff(safe.history.fun) < 0)
    assert pure.history.fun[-1] > pure.history.fun[0]  # it went uphill


def test_newton_with_user_derivatives_and_max_iter():
    g = lambda x: A2 @ x - B2
    H = lambda x: A2
    res = newton(quadratic(A2, B2), [1.0, 1.0], grad=g, hess=H)
    assert res.nit == 1 and res.njev == 2
    capped = newton(rosen, [-1.2, 1.0], max_iter=3)
    assert not capped.success and capped.nit == 3 and "max_iter" in capped.message


def test_newton_reports_a_singular_hessian():
    res = newton(lambda x: x[0] ** 2 + 0.0 * x[1] + x[1] ** 3, [1.0, 0.0], line_search=False)
    assert not res.success and "singular" in res.message


# --------------------------------------------------------------------------------------------
# least squares
# --------------------------------------------------------------------------------------------


def test_gauss_newton_solves_a_linear_least_squares_problem_in_one_step():
    rng = onp.random.default_rng(5)
    J = rng.standard_normal((8, 3))
    y = rng.standard_normal(8)
    res = gauss_newton(lambda x: np.dot(J, x) - y, onp.zeros(3))
    assert res.nit == 1
    assert onp.allclose(res.x, onp.linalg.lstsq(J, y, rcond=None)[0], atol=1e-13)
    assert onp.allclose(res.fun, J @ res.x - y) and math.isclose(res.cost, 0.5 * res.fun @ res.fun)


@pytest.mark.parametrize("jac", [None, "fd", "callable"])
def test_gauss_newton_and_levenberg_marquardt_agree_with_scipy(jac):
    t = onp.linspace(0.0, 2.0, 9)
    y = onp.array([2.9, 2.3, 1.75, 1.4, 1.1, 0.85, 0.7, 0.55, 0.45])
    r = lambda b: b[0] * np.exp(-b[1] * t) - y
    jfun = lambda b: onp.stack([onp.exp(-b[1] * t), -b[0] * t * onp.exp(-b[1] * t)], axis=1)
    ref = scipy.optimize.least_squares(
        r, [1.0, 0.1], jac=jfun, method="lm", xtol=1e-14, ftol=1e-14, gtol=1e-14
    )
    j = jfun if jac == "callable" else jac
    for res in (gauss_newton(r, [1.0, 0.1], jac=j), levenberg_marquardt(r, [1.0, 0.1], jac=j)):
        assert res.success, res.message
        assert onp.allclose(res.x, ref.x, rtol=1e-7)
        assert math.isclose(res.cost, ref.cost, rel_tol=1e-10)


def test_finite_difference_evaluations_are_counted():
    t = onp.linspace(0.0, 1.0, 6)
    y = 2.0 * onp.exp(-t)
    r = lambda b: b[0] * np.exp(-b[1] * t) - y
    auto = levenberg_marquardt(r, [1.0, 0.5])
    fd = levenberg_marquardt(r, [1.0, 0.5], jac="fd")
    gn = gauss_newton(r, [1.0, 0.5], jac="fd")
    assert fd.nfev >= fd.njev * 2 * 2 + 1  # 2 n evaluations per Jacobian, n = 2
    assert gn.nfev == 1 + gn.nit + 4 * gn.njev
    assert auto.nfev < fd.nfev


def test_levenberg_marquardt_respects_max_nfev():
    res = levenberg_marquardt(
        lambda x: np.array([10.0 * (x[1] - x[0] ** 2), 1.0 - x[0]]), [-1.2, 1.0], max_nfev=3
    )
    assert not res.success and res.nfev <= 3


def test_levenberg_marquardt_on_a_badly_scaled_problem():
    # Powell's badly scaled function (More, Garbow and Hillstrom 1981, problem 3)
    r = lambda x: np.array([1e4 * x[0] * x[1] - 1.0, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001])
    res = levenberg_marquardt(r, [0.0, 1.0])
    assert res.success and res.cost < 1e-25
    assert onp.allclose(res.x, [1.098159e-5, 9.106146], rtol=1e-6)


def test_history_of_least_squares_runs_decreases():
    r = lambda x: np.array([10.0 * (x[1] - x[0] ** 2), 1.0 - x[0]])
    res = levenberg_marquardt(r, [-1.2, 1.0])
    assert res.history.x.shape[1] == 2 and onp.all(onp.diff(res.history.fun) <= 0)
    assert onp.allclose(res.history.x[0], [-1.2, 1.0]) and onp.allclose(res.x, [1.0, 1.0])


# --------------------------------------------------------------------------------------------
# critical points
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "f, x, kind",
    [
        (lambda v: v[0] ** 2 + 4 * v[1] ** 2 - 11 * v[0] + 8 * v[1] - 16, [5.5, -1.0], "minimum"),
        (lambda v: v[0] ** 2 - v[1] ** 2, [0.0, 0.0], "saddle"),
        (lambda v: -(v[0] ** 2) - 2 * v[1] ** 2 + v[0] * v[1], [0.0, 0.0], "maximum"),
        (lambda v: v[0] ** 4 + v[1] ** 4, [0.0, 0.0], "inconclusive"),
        (lambda v: v[0] ** 3 - 3 * v[0] * v[1] ** 2, [0.0, 0.0], "inconclusive"),
        (lambda v: v[0] ** 2 - v[1] ** 4, [0.0, 0.0], "inconclusive"),
        (lambda v: np.sum(v**2) - v[0] * v[2], [0.0, 0.0, 0.0], "minimum"),
    ],
)
def test_classify_critical_point(f, x, kind):
    assert classify_critical_point(f, x) == kind


@settings(max_examples=30)
@given(st.lists(st.floats(-5, 5).filter(lambda a: abs(a) > 0.01), min_size=1, max_size=4))
def test_classification_follows_the_eigenvalue_signs(eigs):
    d = onp.array(eigs)
    f = lambda v: 0.5 * np.sum(d * v**2)
    kind = classify_critical_point(f, onp.zeros(len(eigs)))
    expected = "minimum" if onp.all(d > 0) else "maximum" if onp.all(d < 0) else "saddle"
    assert kind == expected


def test_classify_refuses_a_non_critical_point():
    with pytest.raises(ValueError, match="classify_critical_point: x is not a critical point"):
        classify_critical_point(lambda v: np.sum(v**2), [1.0, 0.0])


# --------------------------------------------------------------------------------------------
# results, non-finite values, bad input
# --------------------------------------------------------------------------------------------


def test_results_are_frozen_and_have_scipy_names():
    res = gradient_descent(lambda x: np.sum(x**2), [1.0], lr=0.1, steps=2)
    assert isinstance(res, OptimizeResult) and isinstance(res.history, History)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.x = None
    assert "nfev=3" in repr(res)


def test_divergence_stops_with_a_message_saying_where():
    res = gradient_descent(lambda x: np.sum(x**2), [1.0], lr=3.0, steps=10_000)
    assert not res.success and "inf" in res.message and "step" in res.message
    assert onp.all(onp.isfinite(res.history.fun)) and onp.isfinite(res.x).all()
    # pure Newton on -log x + x from 3 jumps to x = 2 x - x^2 = -3, outside the domain of log
    jump = newton(lambda x: -np.log(x[0]) + x[0], [3.0], line_search=False)
    assert not jump.success and jump.message == "the objective is nan at iteration 1"
    assert jump.x[0] == 3.0 and jump.nit == 0
    safe = newton(lambda x: -np.log(x[0]) + x[0], [3.0])
    assert safe.success and abs(safe.x[0] - 1.0) < 1e-12


def test_sgd_divergence_stops_with_a_message():
    X, y, _ = _regression()
    res = sgd(_mse, onp.zeros(3), (X, y), lr=50.0, batch_size=10, epochs=100, rng=0)
    assert not res.success and "epoch" in res.message


def test_plain_numpy_objective_is_refused():
    A = onp.array([[2.0, 0.0], [0.0, 1.0]])
    with pytest.raises(TypeError, match="gradient_descent: fun mixes plain numpy"):
        gradient_descent(lambda x: np.sum(onp.dot(A, x) * np.sin(x)), [1.0, 1.0], lr=0.1, steps=3)
    with pytest.raises(TypeError, match="newton: fun mixes plain numpy"):
        newton(lambda x: np.sum(onp.dot(A, x) * np.sin(x)), [1.0, 1.0])


BAD_CALLS = [
    (
        lambda: gradient_descent(rosen, [0.0, 0.0], lr=-0.1, steps=5),
        ValueError,
        "gradient_descent: lr must be > 0",
    ),
    (
        lambda: gradient_descent(rosen, [0.0, 0.0], lr=0.1, steps=0),
        ValueError,
        "gradient_descent: steps must be an integer >= 1",
    ),
    (
        lambda: gradient_descent(rosen, [0.0, 0.0], lr=0.1, steps=2.5),
        TypeError,
        "gradient_descent: steps must be an integer",
    ),
    (
        lambda: gradient_descent("rosen", [0.0, 0.0], lr=0.1, steps=5),
        TypeError,
        "gradient_descent: fun must be a callable",
    ),
    (
        lambda: gradient_descent(rosen, [0.0, onp.nan], lr=0.1, steps=5),
        ValueError,
        "gradient_descent: x0 must be finite",
    ),
    (
        lambda: gradient_descent(lambda x: np.log(x[0]), [-1.0], lr=0.1, steps=5),
        ValueError,
        "gradient_descent: the objective fun must be finite at x0",
    ),
    (
        lambda: gradient_descent(lambda x: x, [1.0, 2.0], lr=0.1, steps=5),
        ValueError,
        "gradient_descent: the objective fun must return a scalar",
    ),
    (
        lambda: gradient_descent(rosen, [0.0, 0.0], lr=0.1, steps=5, tol=-1.0),
        ValueError,
        "gradient_descent: tol must be >= 0",
    ),
    (
        lambda: momentum(rosen, [0.0, 0.0], lr=0.1, steps=5, beta=1.0),
        ValueError,
        r"momentum: beta must be in \[0, 1\)",
    ),
    (
        lambda: momentum(rosen, [0.0, 0.0], lr=0.1, steps=5, nesterov="yes"),
        TypeError,
        "momentum: nesterov must be True or False",
    ),
    (lambda: adam(rosen, [0.0, 0.0], lr=0.0, steps=5), ValueError, "adam: lr must be > 0"),
    (lambda: adam(rosen, [0.0, 0.0], steps=5, eps=0.0), ValueError, "adam: eps must be > 0"),
    (lambda: adam(rosen, [0.0, 0.0], steps=5, beta2=-0.1), ValueError, "adam: beta2 must be in"),
    (
        lambda: sgd(_mse, [0.0], (onp.ones((4, 1)), onp.ones(3)), lr=0.1, batch_size=2, epochs=1),
        ValueError,
        "sgd: every array of data must have the same number of samples",
    ),
    (
        lambda: sgd(_mse, [0.0], (onp.ones((4, 1)), onp.ones(4)), lr=0.1, batch_size=0, epochs=1),
        ValueError,
        "sgd: batch_size must be an integer >= 1",
    ),
    (
        lambda: sgd(_mse, [0.0], (onp.ones((4, 1)), onp.ones(4)), lr=-1.0, batch_size=2, epochs=1),
        ValueError,
        "sgd: lr must be > 0",
    ),
    (
        lambda: sgd(_mse, [0.0], (onp.ones((4, 1)), onp.ones(4)), lr=0.1, batch_size=2, epochs=0),
        ValueError,
        "sgd: epochs must be an integer >= 1",
    ),
    (
        lambda: sgd(
            _mse, [0.0], (onp.ones((4, 1)), onp.full(4, onp.nan)), lr=0.1, batch_size=2, epochs=1
        ),
        ValueError,
        r"sgd: data\[1\] must be finite",
    ),
    (
        lambda: sgd(
            _mse, [0.0], (onp.ones((4, 1)), onp.ones(4)), lr=0.1, batch_size=2, epochs=1, rng="seed"
        ),
        TypeError,
        "sgd: rng must be",
    ),
    (
        lambda: newton(rosen, [0.0, 0.0], max_iter=0),
        ValueError,
        "newton: max_iter must be an integer >= 1",
    ),
    (
        lambda: newton(rosen, [0.0, 0.0], line_search=1),
        TypeError,
        "newton: line_search must be True or False",
    ),
    (
        lambda: newton(rosen, [0.0, 0.0], hess=lambda x: onp.eye(3)),
        ValueError,
        r"newton: hess must return an array of shape \(2, 2\)",
    ),
    (
        lambda: gauss_newton(lambda x: np.array([x[0] - 1.0]), [0.0, 0.0]),
        ValueError,
        "gauss_newton: residual must have at least as many components as x0 has",
    ),
    (
        lambda: gauss_newton(lambda x: np.sum(x**2), [0.0, 0.0]),
        ValueError,
        r"gauss_newton: residual must return a 1-D array of shape \(m,\)",
    ),
    (
        lambda: gauss_newton(lambda x: np.log(x), [-1.0]),
        ValueError,
        r"gauss_newton: residual\(x0\) must be finite",
    ),
    (
        lambda: levenberg_marquardt(lambda x: np.array([x[0] - 1.0]), [0.0, 0.0]),
        ValueError,
        "levenberg_marquardt: residual must have at least as many components",
    ),
    (
        lambda: levenberg_marquardt(lambda x: x, [1.0], jac="forward"),
        ValueError,
        "levenberg_marquardt: jac must be None",
    ),
    (
        lambda: levenberg_marquardt(lambda x: x, [1.0], jac=lambda x: onp.eye(2)),
        ValueError,
        r"levenberg_marquardt: jac must return shape \(1, 1\)",
    ),
    (
        lambda: levenberg_marquardt(lambda x: x, [1.0], max_nfev=0),
        ValueError,
        "levenberg_marquardt: max_nfev must be an integer >= 1",
    ),
    (
        lambda: levenberg_marquardt(lambda x: x, [1.0], ftol=-1.0),
        ValueError,
        "levenberg_marquardt: ftol must be >= 0",
    ),
    (
        lambda: classify_critical_point(rosen, [1.0, 1.0], tol=-1.0),
        ValueError,
        "classify_critical_point: tol must be >= 0",
    ),
]


@pytest.mark.parametrize("call, error, match", BAD_CALLS)
def test_bad_input_is_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
