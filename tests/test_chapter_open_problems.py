"""The inline code of the open-problems pages against the package, scipy and closed forms.

The part "open problems" (one page per problem, ``book/op-*.md``) shows a few short algorithms
because there showing them is the point: the conjugate gradient loop and Newton-CG built on
Hessian-vector products (``conjugate_gradient``, ``newton_cg``; page ``op-second-order``), the
fixed-step Runge-Kutta integrator and the batched divergence of the instantaneous change of
variables (``rk4``, ``divergence``, ``augmented``; ``op-neural-odes``), the random projection
behind the Jacobian penalty (``projected_logits``;
``op-robustness``) and two PDE residuals (``bratu``, ``bratu_2d``; ``op-jacobian-cost``). These
tests take those functions from the pages themselves (so that they test what the reader sees,
not a copy) and check them: CG against
``numpy.linalg.solve`` and its finite termination, Newton-CG against
``scipy.optimize.minimize(method="Newton-CG")`` fed the package's ``hvp``, RK4 against
``exp`` (with its order 4) and ``scipy.integrate.solve_ivp``, the divergence against
``jaccourse.derivatives.jacobian_trace``, the projection against ``MLP.input_jacobian``, and
the residuals' Jacobians against their closed forms.
"""

from __future__ import annotations

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
import scipy.integrate
import scipy.linalg
import scipy.optimize
from chapter_code import chapter_functions

from jaccourse.derivatives import (
    color_columns,
    gradient,
    hvp,
    jacobian,
    jacobian_trace,
    sparse_jacobian,
)
from jaccourse.nn import MLP
from jaccourse.robustness import fgsm

INLINE = {
    "op-second-order": ("conjugate_gradient", "newton_cg"),
    "op-neural-odes": ("rk4", "divergence", "augmented"),
    "op-robustness": ("projected_logits",),
    "op-jacobian-cost": ("bratu", "bratu_2d"),
}


def _namespace(**globals_) -> dict:
    """The pages' functions executed in a fresh namespace holding ``globals_``."""
    namespace = {
        "np": np,
        "autograd": autograd,
        "gradient": gradient,
        "hvp": hvp,
        "fgsm": fgsm,
        **globals_,
    }
    for page, names in INLINE.items():
        chapter_functions(page, names, namespace)
    return namespace


FUNCS = _namespace(p=6, h2=1.0 / 7**2)  # the exercise's grid, smaller


def extended_rosenbrock(x):
    odd, even = x[::2], x[1::2]
    return np.sum(100.0 * (even - odd**2) ** 2 + (1.0 - odd) ** 2)


# ---- conjugate gradients and Newton-CG ------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_conjugate_gradient_solves_spd_systems_like_numpy(seed):
    rng = onp.random.default_rng(seed)
    n = 30
    Q, _ = onp.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ onp.diag(onp.linspace(1.0, 20.0, n)) @ Q.T
    b = rng.standard_normal(n)
    calls = []

    def matvec(v):
        calls.append(1)
        return A @ v

    x, k = FUNCS["conjugate_gradient"](matvec, b, tol=1e-12 * onp.linalg.norm(b), max_iter=10 * n)
    expected = onp.linalg.solve(A, b)
    assert onp.linalg.norm(x - expected) <= 1e-10 * onp.linalg.norm(expected)
    assert k == len(calls) and k <= n + 5  # n in exact arithmetic, a few more in floats


def test_conjugate_gradient_stops_after_as_many_steps_as_distinct_eigenvalues():
    rng = onp.random.default_rng(1)
    n = 40
    Q, _ = onp.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ onp.diag(onp.repeat([1.0, 4.0, 9.0], [10, 15, 15])) @ Q.T
    b = rng.standard_normal(n)
    x, k = FUNCS["conjugate_gradient"](
        lambda v: A @ v, b, tol=1e-10 * onp.linalg.norm(b), max_iter=n
    )
    assert k <= 3
    assert onp.allclose(x, onp.linalg.solve(A, b), rtol=1e-9, atol=1e-12)


def test_conjugate_gradient_returns_b_on_negative_curvature_at_the_first_step():
    A = onp.diag([-1.0, 2.0])
    b = onp.array([1.0, 0.0])  # b^T A b = -1 < 0
    x, k = FUNCS["conjugate_gradient"](lambda v: A @ v, b, tol=1e-12, max_iter=10)
    assert k == 1 and onp.array_equal(x, b)


def test_newton_cg_matches_scipy_newton_cg_on_the_extended_rosenbrock():
    rng = onp.random.default_rng(2026)
    x0 = rng.uniform(-2.0, 2.0, 20)
    x, grad_norms, products = FUNCS["newton_cg"](extended_rosenbrock, x0)
    ref = scipy.optimize.minimize(
        extended_rosenbrock,
        x0,
        method="Newton-CG",
        jac=lambda z: gradient(extended_rosenbrock, z),
        hessp=lambda z, v: hvp(extended_rosenbrock, z, v),
        options={"xtol": 1e-12, "maxiter": 1000},
    )
    assert ref.success
    assert onp.max(onp.abs(x - 1.0)) < 1e-8 and onp.max(onp.abs(ref.x - 1.0)) < 1e-6
    assert grad_norms[-1] <= 1e-8 and len(grad_norms) == len(products) + 1
    assert onp.all(products >= 1) and onp.all(products <= x0.size)


def test_newton_cg_on_a_convex_quadratic_reaches_the_solution_of_the_linear_system():
    rng = onp.random.default_rng(3)
    n = 15
    M = rng.standard_normal((n, n))
    A = M @ M.T + n * onp.eye(n)
    b = rng.standard_normal(n)

    def quadratic(x):
        return 0.5 * np.dot(x, np.dot(A, x)) - np.dot(b, x)

    x, grad_norms, _ = FUNCS["newton_cg"](quadratic, onp.zeros(n))
    assert onp.allclose(x, onp.linalg.solve(A, b), rtol=1e-8, atol=1e-10)
    assert grad_norms[-1] <= 1e-8


# ---- RK4, divergence, instantaneous change of variables -------------------------------------


def test_rk4_is_fourth_order_on_exponential_growth():
    a, t_end = -1.3, 2.0
    errors = [
        abs(FUNCS["rk4"](lambda y: a * y, onp.array([1.0]), t_end, s)[0] - onp.exp(a * t_end))
        for s in (10, 20, 40)
    ]
    orders = onp.log2(onp.array(errors[:-1]) / onp.array(errors[1:]))
    assert onp.all(onp.abs(orders - 4.0) < 0.2)


def test_rk4_matches_solve_ivp_on_a_nonlinear_field_forwards_and_backwards():
    def field(y):
        return np.stack([y[..., 1], -np.sin(y[..., 0]) - 0.1 * y[..., 1]], axis=-1)

    y0 = onp.array([[1.0, 0.0], [0.3, -0.5]])
    for t_end in (1.5, -1.5):
        ours = FUNCS["rk4"](field, y0, t_end, 200)
        for row, start in zip(ours, y0, strict=False):
            ref = scipy.integrate.solve_ivp(
                lambda t, y: onp.asarray(field(y)),
                (0.0, t_end),
                start,
                method="DOP853",
                rtol=1e-12,
                atol=1e-12,
            )
            assert onp.allclose(row, ref.y[:, -1], rtol=1e-9, atol=1e-10)


def test_batched_divergence_equals_jacobian_trace_row_by_row():
    rng = onp.random.default_rng(4)
    W1, b1, W2 = rng.standard_normal((8, 3)), rng.standard_normal(8), rng.standard_normal((3, 8))

    def field(Z):
        return np.dot(np.tanh(np.dot(Z, W1.T) + b1), W2.T) + Z**2

    Z = rng.standard_normal((6, 3))
    div = FUNCS["divergence"](field, Z)
    for z, d in zip(Z, div, strict=False):
        assert d == pytest.approx(
            jacobian_trace(lambda x: field(x[None, :])[0], z), rel=1e-13, abs=1e-13
        )


def test_augmented_flow_of_a_linear_field_changes_log_density_by_minus_t_trace():
    A = onp.array([[0.2, -1.0, 0.0], [0.7, -0.4, 0.3], [0.0, 0.5, -0.1]])
    rng = onp.random.default_rng(5)
    Y0 = onp.column_stack([rng.standard_normal((10, 3)), rng.standard_normal(10)])
    T = 0.8
    Y = FUNCS["rk4"](FUNCS["augmented"](lambda Z: np.dot(Z, A.T)), Y0, T, 16)
    assert onp.allclose(Y[:, 3] - Y0[:, 3], -T * onp.trace(A), rtol=0, atol=1e-13)
    assert onp.allclose(Y[:, :3], Y0[:, :3] @ scipy.linalg.expm(T * A).T, rtol=1e-6, atol=1e-7)


# ---- the random projection of the Jacobian penalty ------------------------------------------


def test_projected_logits_gradient_rows_are_u_transpose_J_for_each_image():
    net = MLP([5, 7, 4], activation="tanh", rng=0)
    projected = _namespace(net0=net)["projected_logits"]  # the chapter's function, this net
    rows = autograd.grad(projected, 1)
    rng = onp.random.default_rng(6)
    X = rng.standard_normal((3, 5))
    J = net.input_jacobian(X)  # (3, 4, 5)
    for k in range(4):  # u = e_k gives row k exactly
        U = onp.zeros((3, 4))
        U[:, k] = 1.0
        assert onp.allclose(rows(net.params(), X, U), J[:, k, :], rtol=1e-12, atol=1e-14)
    U = rng.standard_normal((3, 4))
    assert onp.allclose(
        rows(net.params(), X, U), onp.einsum("ik,ikj->ij", U, J), rtol=1e-12, atol=1e-14
    )
    # E |J^T u|^2 = |J|_F^2 for u ~ N(0, I): the mean of many probes is close
    draws = rng.standard_normal((4000, 4))
    estimate = onp.mean(onp.sum((draws @ J[0]) ** 2, axis=1))
    assert estimate == pytest.approx(onp.sum(J[0] ** 2), rel=0.1)


# ---- the PDE residuals ----------------------------------------------------------------------


def test_bratu_jacobian_is_the_closed_form_tridiagonal_matrix():
    n, lam = 9, 1.0
    u = onp.linspace(-0.5, 0.7, n)
    h2 = 1.0 / (n + 1) ** 2
    expected = (
        onp.diag(-2.0 / h2 + lam * onp.exp(u))
        + onp.diag(onp.full(n - 1, 1.0 / h2), 1)
        + onp.diag(onp.full(n - 1, 1.0 / h2), -1)
    )
    assert onp.allclose(jacobian(FUNCS["bratu"], u), expected, rtol=1e-14, atol=0)


def test_bratu_2d_jacobian_is_the_five_point_stencil_and_five_colours_suffice():
    p = FUNCS["p"]
    n = p * p
    h2 = FUNCS["h2"]
    u = onp.linspace(0.0, 0.3, n)
    a, b = onp.arange(n) % p, onp.arange(n) // p
    distance = onp.abs(a[:, None] - a[None, :]) + onp.abs(b[:, None] - b[None, :])
    expected = onp.where(distance == 1, 1.0 / h2, 0.0) + onp.diag(-4.0 / h2 + onp.exp(u))
    J = jacobian(FUNCS["bratu_2d"], u)
    assert onp.allclose(J, expected, rtol=1e-14, atol=0)
    colors = (a + 2 * b) % 5
    assert onp.allclose(
        sparse_jacobian(FUNCS["bratu_2d"], u, distance <= 1, colors=colors), J, rtol=1e-14, atol=0
    )
    assert color_columns(distance <= 1).max() + 1 >= 5
