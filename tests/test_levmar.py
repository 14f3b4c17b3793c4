"""The MINPACK-style Levenberg-Marquardt engine (jaccourse._levmar) against closed forms and
against MINPACK itself (scipy.optimize.least_squares(method="lm") calls MINPACK's lmder)."""

from __future__ import annotations

import numpy as onp
import pytest
from scipy.linalg import qr
from scipy.optimize import least_squares

from jaccourse._levmar import MESSAGES, LMOutcome, _lmpar, lm_solve
from jaccourse.derivatives import jacobian
from jaccourse.problems import MGH_PROBLEMS

TOL = 1e-10


def counted(fun):
    """``fun`` with an evaluation counter, as the public wrapper provides it."""
    calls = [0]

    def wrapped(x):
        calls[0] += 1
        return onp.asarray(fun(x), dtype=float)

    return wrapped, (lambda: calls[0])


def solve(fun, jac, x0, *, tol=TOL, max_nfev=1000):
    f, nfev = counted(fun)
    out = lm_solve(
        f,
        jac,
        onp.asarray(x0, dtype=float),
        ftol=tol,
        xtol=tol,
        gtol=tol,
        max_nfev=max_nfev,
        nfev=nfev,
    )
    return out, nfev()


def cost(out: LMOutcome) -> float:
    return 0.5 * float(out.fvec @ out.fvec)


# ----------------------------------------------------------------------------- closed forms


def test_linear_least_squares_reaches_lstsq_in_one_step():
    rng = onp.random.default_rng(0)
    A = rng.standard_normal((20, 3))
    b = rng.standard_normal(20)
    out, nfev = solve(lambda x: A @ x - b, lambda x: A, onp.ones(3))
    x_ls = onp.linalg.lstsq(A, b, rcond=None)[0]
    assert out.success and out.status == 4  # the gradient vanishes at the second Jacobian
    assert out.nit == 2 and nfev == 2  # one step, then the optimality test
    assert onp.allclose(out.x, x_ls, rtol=1e-12, atol=1e-12)
    assert cost(out) == pytest.approx(0.5 * onp.sum((A @ x_ls - b) ** 2), rel=1e-12)


def test_zero_residual_linear_problem_is_solved_exactly():
    A = onp.array([[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]])
    x_true = onp.array([1.5, -2.0])
    out, _ = solve(lambda x: A @ x - A @ x_true, lambda x: A, [10.0, 10.0])
    assert out.success
    assert onp.allclose(out.x, x_true, atol=1e-12)
    assert cost(out) < 1e-25


def test_starting_at_the_solution_stops_at_once_with_the_gradient_test():
    out, nfev = solve(
        lambda x: onp.array([x[0] - 1.0, 10 * (x[1] - x[0] ** 2)]),
        lambda x: onp.array([[1.0, 0.0], [-20 * x[0], 10.0]]),
        [1.0, 1.0],
    )
    assert (out.status, out.nit, nfev, len(out.xs)) == (4, 1, 1, 1)


def test_the_trajectory_is_recorded_and_costs_decrease():
    p = MGH_PROBLEMS["Rosenbrock"]
    out, _ = solve(p.residual, lambda x: jacobian(p.residual, x), p.x0)
    assert len(out.xs) == len(out.costs) >= 2
    assert onp.array_equal(out.xs[0], p.x0) and onp.array_equal(out.xs[-1], out.x)
    assert out.costs[0] == pytest.approx(0.5 * 24.2)
    assert all(b <= a for a, b in zip(out.costs, out.costs[1:], strict=False))
    assert out.costs[-1] == cost(out)


def test_lmpar_meets_its_specification():
    # x solves (J^T J + par D^2) x = J^T b, and | |D x| - delta | <= 0.1 delta if par > 0
    rng = onp.random.default_rng(1)
    J = rng.standard_normal((8, 4)) @ onp.diag([1.0, 10.0, 0.1, 3.0])
    b = rng.standard_normal(8)
    d = onp.array([1.0, 2.0, 0.5, 4.0])
    q, r, ipvt = qr(J, mode="economic", pivoting=True)
    gn = onp.linalg.lstsq(J, b, rcond=None)[0]
    for delta in [1e-3, 0.1, 1.0, 0.9 * onp.linalg.norm(d * gn)]:
        par, x = _lmpar(r, ipvt, d, q.T @ b, delta, 0.0)
        assert par > 0
        assert abs(onp.linalg.norm(d * x) - delta) <= 0.1 * delta
        assert onp.allclose((J.T @ J + par * onp.diag(d**2)) @ x, J.T @ b)
    # a radius larger than the Gauss-Newton step: par = 0 and x is the Gauss-Newton step
    par, x = _lmpar(r, ipvt, d, q.T @ b, 2.0 * onp.linalg.norm(d * gn), 1.0)
    assert par == 0.0 and onp.allclose(x, gn)


# ------------------------------------------------------------------- against MINPACK (scipy)

COMPARED = [
    "Rosenbrock",
    "Freudenstein-Roth",
    "Powell badly scaled",
    "Brown badly scaled",
    "Beale",
    "Jennrich-Sampson",
    "Helical valley",
    "Bard",
    "Gaussian",
    "Box 3-D",
    "Kowalik-Osborne",
    "Osborne 1",
    "Watson",
]


@pytest.mark.parametrize("name", COMPARED)
def test_same_cost_and_similar_nfev_as_minpack(name):
    p = MGH_PROBLEMS[name]

    def jac(x):
        return jacobian(p.residual, x)

    ref = least_squares(
        p.residual,
        p.x0,
        jac=jac,
        method="lm",
        ftol=TOL,
        xtol=TOL,
        gtol=TOL,
        max_nfev=100 * (p.n + 1),
    )
    out, nfev = solve(p.residual, jac, p.x0, max_nfev=100 * (p.n + 1))
    assert out.success
    assert cost(out) == pytest.approx(ref.cost, rel=1e-8, abs=1e-20)
    assert nfev <= 2 * ref.nfev
    assert out.nit <= 2 * ref.njev


@pytest.mark.parametrize(
    "name, x_star",
    [("Powell badly scaled", [1.098159e-5, 9.106146]), ("Brown badly scaled", [1e6, 2e-6])],
)
def test_badly_scaled_problems_converge(name, x_star):
    p = MGH_PROBLEMS[name]
    out, _ = solve(p.residual, lambda x: jacobian(p.residual, x), p.x0)
    assert out.success
    assert cost(out) < 1e-20
    assert onp.allclose(out.x, x_star, rtol=1e-6, atol=0)


# ------------------------------------------------------------------------ robustness


def test_a_non_finite_trial_residual_is_a_failed_step_not_a_crash():
    # r(x) = sqrt(x) - 1 is NaN for x < 0; from x0 = 9 the Gauss-Newton step lands at x = -3.
    def r(x):
        return onp.array([onp.sqrt(x[0]) - 1.0]) if x[0] >= 0 else onp.array([onp.nan])

    def j(x):
        return onp.array([[0.5 / onp.sqrt(x[0])]])

    out, nfev = solve(r, j, [9.0])
    assert out.success
    assert out.x == pytest.approx([1.0], rel=1e-10)
    assert all(onp.isfinite(c) for c in out.costs)
    assert nfev > out.nit  # the refused NaN trial point was counted


def test_max_nfev_is_respected():
    p = MGH_PROBLEMS["Rosenbrock"]
    out, nfev = solve(p.residual, lambda x: jacobian(p.residual, x), p.x0, max_nfev=5)
    assert (out.status, out.success, nfev) == (5, False, 5)
    assert out.message == MESSAGES[5]


def test_a_non_finite_jacobian_stops_the_run_and_names_the_iteration():
    p = MGH_PROBLEMS["Rosenbrock"]
    calls = [0]

    def jac(x):
        calls[0] += 1
        J = jacobian(p.residual, x)
        return J * onp.nan if calls[0] == 3 else J

    out, _ = solve(p.residual, jac, p.x0)
    assert (out.status, out.success, out.nit) == (9, False, 3)
    assert "iteration 3" in out.message
    assert onp.all(onp.isfinite(out.x)) and onp.array_equal(out.x, out.xs[-1])


def test_a_non_finite_step_stops_the_run(monkeypatch):
    import jaccourse._levmar as levmar

    monkeypatch.setattr(
        levmar, "_lmpar", lambda r, ipvt, d, qtb, delta, par: (0.0, onp.full(d.shape, onp.inf))
    )
    p = MGH_PROBLEMS["Rosenbrock"]
    out, nfev = solve(p.residual, lambda x: jacobian(p.residual, x), p.x0)
    assert (out.status, out.success, out.nit, nfev) == (9, False, 1, 1)
    assert "step is not finite" in out.message and "iteration 1" in out.message


def test_a_non_finite_residual_at_x0_stops_at_once():
    out, nfev = solve(lambda x: onp.array([onp.inf]), lambda x: onp.ones((1, 1)), [0.0])
    assert (out.status, out.success, out.nit, nfev) == (9, False, 0, 1)


def test_fewer_residuals_than_variables_are_accepted():
    # MINPACK refuses m < n; here the system is padded with zeros: one equation, two unknowns
    out, _ = solve(
        lambda x: onp.array([x[0] + 2.0 * x[1] - 3.0]),
        lambda x: onp.array([[1.0, 2.0]]),
        [0.0, 0.0],
    )
    assert out.success and out.fvec.shape == (1,)
    assert abs(out.x[0] + 2.0 * out.x[1] - 3.0) < 1e-12


def test_every_status_has_a_message():
    assert sorted(MESSAGES) == list(range(1, 9))
