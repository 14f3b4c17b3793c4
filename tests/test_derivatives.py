"""Tests of jaccourse.derivatives against oracles we did not write.

Oracles: closed-form Jacobians (polar, spherical, linear maps, Rosenbrock), autograd's own
``check_grads`` / ``jacobian`` / ``hessian``, ``scipy.differentiate.jacobian``, and the
algebraic laws of derivatives (chain rule, product of determinants, inverse-function rule)
checked with hypothesis.
"""

from __future__ import annotations

import dataclasses
import warnings

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
import scipy.differentiate
import scipy.sparse
from autograd.test_util import check_grads
from autograd.tracer import getval
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jaccourse.derivatives import (
    JacobianCheck,
    Linearization,
    check_jacobian,
    color_columns,
    gradient,
    hessian,
    hutchinson_trace,
    hvp,
    jacobian,
    jacobian_determinant,
    jacobian_fd,
    jacobian_trace,
    jvp,
    linearize,
    sparse_jacobian,
    vjp,
)

MODES = ("auto", "forward", "reverse")
FAST = settings(max_examples=30, deadline=None)


# ------------------------------------------------------------------------------------------
# test functions, written with autograd.numpy (they also accept a batch (n, k) for scipy)
# ------------------------------------------------------------------------------------------


def polar(p):
    return np.stack([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])


def polar_jacobian(p):
    r, t = p
    return onp.array([[onp.cos(t), -r * onp.sin(t)], [onp.sin(t), r * onp.cos(t)]])


def polar_inverse(y):
    return np.stack([np.sqrt(y[0] ** 2 + y[1] ** 2), np.arctan2(y[1], y[0])])


def spherical(q):
    """(r, phi, theta) -> (x, y, z), phi the polar angle: det J = r^2 sin(phi)."""
    r, ph, th = q[0], q[1], q[2]
    return np.stack([r * np.sin(ph) * np.cos(th), r * np.sin(ph) * np.sin(th), r * np.cos(ph)])


def rosenbrock(x):
    return (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] ** 2) ** 2


def rosenbrock_gradient(x):
    a, b = x
    return onp.array([-2 * (1 - a) - 400 * a * (b - a**2), 200 * (b - a**2)])


def rosenbrock_hessian(x):
    a, b = x
    return onp.array([[2 - 400 * (b - a**2) + 800 * a**2, -400 * a], [-400 * a, 200.0]])


def dense(m, n, seed=0):
    """A smooth R^n -> R^m: tanh(W x) + 0.1 sin(V x) * |x|^2 / n."""
    rng = onp.random.default_rng(seed)
    W = rng.standard_normal((m, n)) / onp.sqrt(n)
    V = rng.standard_normal((m, n)) / onp.sqrt(n)

    def f(x):
        Wx, Vx = np.tensordot(W, x, axes=1), np.tensordot(V, x, axes=1)  # batch-friendly
        return np.tanh(Wx) + 0.1 * np.sin(Vx) * np.sum(x**2, axis=0) / n

    return f


def assert_plain_float(a, shape):
    assert type(a) is onp.ndarray
    assert a.dtype == onp.float64
    assert a.shape == shape


# ------------------------------------------------------------------------------------------
# closed forms
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("p", [(1.0, 0.0), (2.0, 0.7), (0.5, -2.5), (3.0, 3.1)])
def test_polar_jacobian_matches_closed_form(mode, p):
    J = jacobian(polar, list(p), mode=mode)
    assert_plain_float(J, (2, 2))
    onp.testing.assert_allclose(J, polar_jacobian(p), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("p", [(1.0, 0.0), (2.0, 0.7), (0.25, -2.5)])
def test_polar_determinant_is_r(p):
    assert jacobian_determinant(polar, p) == pytest.approx(p[0], rel=1e-13)


@pytest.mark.parametrize("q", [(1.0, 0.5, 0.2), (2.0, 1.2, -2.0), (0.3, 2.9, 1.0)])
def test_spherical_determinant_is_r2_sin_phi(q):
    r, ph, _ = q
    for mode in MODES:
        assert jacobian_determinant(spherical, q, mode=mode) == pytest.approx(
            r**2 * onp.sin(ph), rel=1e-12
        )


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (1, 6), (6, 1), (40, 50), (50, 40)])
@pytest.mark.parametrize("mode", MODES)
def test_linear_map_has_jacobian_A_exactly(shape, mode):
    A = onp.random.default_rng(sum(shape)).standard_normal(shape)
    x = onp.random.default_rng(1).standard_normal(shape[1])
    J = jacobian(lambda x: np.dot(A, x), x, mode=mode)
    assert_plain_float(J, shape)
    onp.testing.assert_array_equal(J, A)


def test_rosenbrock_gradient_and_hessian_closed_form():
    for x in ([-1.2, 1.0], [1.0, 1.0], [0.3, -0.4]):
        g = gradient(rosenbrock, x)
        H = hessian(rosenbrock, x)
        assert_plain_float(g, (2,))
        assert_plain_float(H, (2, 2))
        onp.testing.assert_allclose(g, rosenbrock_gradient(x), rtol=1e-13, atol=1e-12)
        onp.testing.assert_allclose(H, rosenbrock_hessian(x), rtol=1e-13, atol=1e-12)


def test_gradient_accepts_float_and_0d_outputs():
    onp.testing.assert_allclose(gradient(lambda x: x[0] * x[1], [2.0, 3.0]), [3.0, 2.0])
    onp.testing.assert_allclose(gradient(lambda x: np.sum(x) * np.ones(()), [2.0, 3.0]), [1.0, 1.0])


def test_jvp_and_vjp_are_products_with_the_jacobian():
    f = dense(5, 3, seed=3)
    x = onp.array([0.2, -0.5, 1.0])
    v = onp.array([1.0, 2.0, -1.0])
    u = onp.array([0.5, -1.0, 0.0, 2.0, 1.0])
    J = jacobian(f, x)
    Jv, uJ = jvp(f, x, v), vjp(f, x, u)
    assert_plain_float(Jv, (5,))
    assert_plain_float(uJ, (3,))
    onp.testing.assert_allclose(Jv, J @ v, rtol=1e-13, atol=1e-14)
    onp.testing.assert_allclose(uJ, u @ J, rtol=1e-13, atol=1e-14)
    # polar: the tangent along t is the rotation of the position by 90 degrees, times 1
    onp.testing.assert_allclose(
        jvp(polar, [2.0, 0.3], [0.0, 1.0]), [-2.0 * onp.sin(0.3), 2.0 * onp.cos(0.3)], rtol=1e-14
    )


# ------------------------------------------------------------------------------------------
# autograd's check_grads and jacobian, scipy.differentiate, our central differences
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("m,n", [(7, 2), (2, 7), (4, 4)])
def test_against_autograd_check_grads_and_jacobian(m, n):
    f = dense(m, n, seed=m * n)
    x = onp.linspace(-0.8, 0.9, n)
    check_grads(f, modes=["fwd", "rev"], order=2)(x)  # autograd's JVPs/VJPs vs differences
    for mode in MODES:
        onp.testing.assert_allclose(
            jacobian(f, x, mode=mode), autograd.jacobian(f)(x), rtol=1e-13, atol=1e-14
        )


def test_hessian_against_autograd():
    def f(x):
        return np.sum(np.sin(x) * np.roll(x, 1)) + np.log(1.0 + np.sum(x**2)) ** 2

    x = onp.array([0.3, -1.2, 0.8, 2.0])
    check_grads(f, modes=["rev"], order=2)(x)
    H = hessian(f, x)
    onp.testing.assert_allclose(H, autograd.hessian(f)(x), rtol=1e-12, atol=1e-13)
    onp.testing.assert_allclose(H, H.T, rtol=1e-12, atol=1e-13)
    onp.testing.assert_allclose(gradient(f, x), autograd.grad(f)(x), rtol=1e-14)


@pytest.mark.parametrize(
    "f,x",
    [
        (polar, [1.5, 0.4]),
        (spherical, [1.2, 0.9, -0.3]),
        (dense(6, 3, seed=7), [0.1, -0.7, 0.4]),
        (dense(2, 5, seed=8), [0.3, 0.1, -0.2, 0.5, -1.0]),
    ],
)
def test_against_scipy_differentiate_and_central_differences(f, x):
    x = onp.asarray(x)
    J = jacobian(f, x)
    ref = scipy.differentiate.jacobian(f, x).df
    onp.testing.assert_allclose(J, ref, rtol=1e-7, atol=1e-8)
    onp.testing.assert_allclose(jacobian_fd(f, x), J, rtol=1e-7, atol=1e-9)


def test_jacobian_fd_works_with_plain_numpy():
    A = onp.arange(6.0).reshape(2, 3) - 2.5

    def f(x):  # plain numpy: autograd could not differentiate this
        return onp.array([onp.dot(A[0], x), onp.sin(x[0]) * x[2]])

    x = onp.array([0.4, -1.0, 2.0])
    expected = onp.array([A[0], [onp.cos(0.4) * 2.0, 0.0, onp.sin(0.4)]])
    J = jacobian_fd(f, x)
    assert_plain_float(J, (2, 3))
    onp.testing.assert_allclose(J, expected, rtol=1e-9, atol=1e-10)


def test_jacobian_fd_error_is_second_order_in_h():
    f = lambda x: np.array([np.exp(x[0]) * np.sin(x[1])])  # noqa: E731
    x = [0.3, 0.8]
    exact = onp.array([[onp.exp(0.3) * onp.sin(0.8), onp.exp(0.3) * onp.cos(0.8)]])
    e1 = onp.abs(jacobian_fd(f, x, h=1e-2) - exact).max()
    e2 = onp.abs(jacobian_fd(f, x, h=1e-3) - exact).max()
    assert 60 < e1 / e2 < 140  # O(h^2): ten times smaller h, a hundred times smaller error
    assert onp.abs(jacobian_fd(f, x) - exact).max() < 1e-9  # the default step eps^(1/3)


# ------------------------------------------------------------------------------------------
# the three modes agree, and auto never wastes more than one pass
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "m,n",
    [
        (1, 1),
        (1, 5),
        (5, 1),
        (3, 2),
        (2, 3),
        (30, 3),
        (3, 30),
        (10, 10),
        (80, 40),
        (40, 80),
        (50, 50),
        (2, 40),
    ],
)
def test_modes_agree(m, n):
    f = dense(m, n, seed=m + 100 * n)
    x = onp.random.default_rng(n).standard_normal(n)
    J = {mode: jacobian(f, x, mode=mode) for mode in MODES}
    for mode in MODES:
        assert_plain_float(J[mode], (m, n))
    onp.testing.assert_allclose(J["forward"], J["reverse"], rtol=1e-12, atol=1e-12)
    onp.testing.assert_allclose(J["auto"], J["reverse"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "m,n,calls",
    [
        (20, 4, 4),  # n small, tall: forward from the start, n passes
        (2, 4, 4),  # n small, m >= n - 2: going on forward is cheapest
        (1, 10, 2),  # n small, wide: one forward pass wasted, then one reverse trace
        (3, 40, 1),  # n large, wide: one reverse trace
        (40, 40, 1),  # square: one reverse trace
        (80, 40, 41),  # n large, tall: one reverse trace wasted, then n forward passes
    ],
)
def test_auto_wastes_at_most_one_pass(m, n, calls):
    f = dense(m, n, seed=1)
    count = []

    def counted(x):
        count.append(1)
        return f(x)

    jacobian(counted, onp.ones(n) / n, mode="auto")
    assert len(count) == calls
    count.clear()
    jacobian(counted, onp.ones(n) / n, mode="forward")
    assert len(count) == n  # the forward mode evaluates f once per column
    count.clear()
    jacobian(counted, onp.ones(n) / n, mode="reverse")
    assert len(count) == 1  # the reverse mode records f once


# ------------------------------------------------------------------------------------------
# laws of derivatives (hypothesis)
# ------------------------------------------------------------------------------------------


def small_vectors(n, lo=-2.0, hi=2.0):
    return arrays(onp.float64, (n,), elements=st.floats(lo, hi, allow_nan=False))


@FAST
@given(x=small_vectors(3), mode=st.sampled_from(MODES))
def test_chain_rule(x, mode):
    g = dense(4, 3, seed=11)  # R^3 -> R^4

    def f(y):  # R^4 -> R^2
        return np.stack([np.sin(y[0] * y[1]) + y[3], np.exp(0.3 * y[2]) * y[0]])

    Jfg = jacobian(lambda z: f(g(z)), x, mode=mode)
    onp.testing.assert_allclose(
        Jfg, jacobian(f, g(x), mode=mode) @ jacobian(g, x, mode=mode), rtol=1e-10, atol=1e-12
    )


@FAST
@given(
    a=arrays(onp.float64, (3, 3), elements=st.floats(-2, 2)),
    b=arrays(onp.float64, (3, 3), elements=st.floats(-2, 2)),
    x=small_vectors(3),
)
def test_determinant_of_composed_linear_maps_is_the_product(a, b, x):
    det_ab = jacobian_determinant(lambda z: np.dot(a, np.dot(b, z)), x)
    det_a = jacobian_determinant(lambda z: np.dot(a, z), x)
    det_b = jacobian_determinant(lambda z: np.dot(b, z), x)
    assert det_ab == pytest.approx(det_a * det_b, rel=1e-9, abs=1e-9)
    assert det_a == pytest.approx(onp.linalg.det(a), rel=1e-12, abs=1e-12)


@FAST
@given(r=st.floats(0.1, 3.0), t=st.floats(-3.0, 3.0))
def test_inverse_function_rule_polar(r, t):
    x = onp.array([r, t])
    J = jacobian(polar, x)
    J_inverse_map = jacobian(polar_inverse, polar(x))
    onp.testing.assert_allclose(J_inverse_map, onp.linalg.inv(J), rtol=1e-10, atol=1e-12)
    assert jacobian_determinant(polar_inverse, polar(x)) == pytest.approx(1.0 / r, rel=1e-10)


@FAST
@given(x=small_vectors(3))
def test_inverse_function_rule_invertible_matrix(x):
    M = onp.array([[2.0, 0.5, 0.0], [-0.3, 1.5, 0.2], [0.1, 0.0, 1.0]])
    b = onp.array([0.5, -1.0, 2.0])
    F = lambda z: np.dot(M, z + 0.3 * np.sin(z)) + b  # noqa: E731  (x + 0.3 sin x is monotone)
    # the inverse of y = M s(x) + b is x = s^-1(M^-1 (y - b)); Newton solves s(x) = c
    Minv = onp.linalg.inv(M)

    def F_inverse(y):
        c = np.dot(Minv, y - b)
        z = c
        for _ in range(30):
            z = z - (z + 0.3 * np.sin(z) - c) / (1.0 + 0.3 * np.cos(z))
        return z

    onp.testing.assert_allclose(F_inverse(F(x)), x, atol=1e-12)
    onp.testing.assert_allclose(
        jacobian(F_inverse, F(x)), onp.linalg.inv(jacobian(F, x)), rtol=1e-9, atol=1e-12
    )


# ------------------------------------------------------------------------------------------
# the plain-numpy trap: never a silent zero or wrong Jacobian
# ------------------------------------------------------------------------------------------

A3 = onp.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0], [3.0, 0.0, 1.0]])

PLAIN = lambda x: onp.dot(A3, x)  # noqa: E731
MIXED = lambda x: np.concatenate([np.sin(x), onp.dot(A3, x)])  # noqa: E731
MIXED_SUM = lambda x: np.sin(x) + onp.dot(A3, x)  # noqa: E731
STRIPPED = lambda x: np.sin(getval(x))  # noqa: E731
SCALAR_STRIPPED = lambda x: np.sum(getval(x) ** 2)  # noqa: E731

X3 = [0.3, -0.2, 1.1]


def test_autograd_alone_falls_into_the_trap():
    """The facts the protection exists for (if autograd fixes them, this test tells us)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not onp.any(onp.asarray(autograd.jacobian(PLAIN)(onp.array(X3)), dtype=float))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the mixed case: no warning at all ...
        J = autograd.jacobian(MIXED_SUM)(onp.array(X3))
    assert not onp.allclose(onp.asarray(J, dtype=float), onp.diag(onp.cos(X3)) + A3)  # ... wrong


CALLS = {  # id: (the function named in the message, the call)
    "auto": ("jacobian", lambda f: jacobian(f, X3, mode="auto")),
    "forward": ("jacobian", lambda f: jacobian(f, X3, mode="forward")),
    "reverse": ("jacobian", lambda f: jacobian(f, X3, mode="reverse")),
    "jvp": ("jvp", lambda f: jvp(f, X3, [1.0, 0.0, 0.0])),
    "vjp": ("vjp", lambda f: vjp(f, X3, onp.ones(len(jacobian_fd(f, X3))))),
    "linearize": ("linearize", lambda f: linearize(f, X3)),
    "check_jacobian": ("check_jacobian", lambda f: check_jacobian(f, X3)),
}


@pytest.mark.parametrize(
    "f", [PLAIN, MIXED, MIXED_SUM, STRIPPED], ids=["plain", "mixed", "mixed_sum", "stripped"]
)
@pytest.mark.parametrize("case", list(CALLS))
def test_plain_numpy_inside_f_raises(f, case):
    name, call = CALLS[case]
    with pytest.raises(
        TypeError,
        match=rf"^{name}: f mixes plain numpy with autograd: write "
        r"`import autograd.numpy as np` inside f",
    ):
        call(f)


@pytest.mark.parametrize("f", [PLAIN, MIXED_SUM, STRIPPED], ids=["plain", "mixed_sum", "stripped"])
def test_plain_numpy_trap_in_jacobian_determinant(f):
    with pytest.raises(TypeError, match=r"jacobian_determinant: f mixes plain numpy"):
        jacobian_determinant(f, X3)


@pytest.mark.parametrize("func", [gradient, hessian])
def test_plain_numpy_trap_in_scalar_functions(func):
    with pytest.raises(TypeError, match=func.__name__ + r": f mixes plain numpy"):
        func(SCALAR_STRIPPED, X3)
    with pytest.raises(TypeError, match=func.__name__ + r": f mixes plain numpy"):
        func(lambda x: np.sum(onp.dot(A3, x) * np.sin(x)), X3)


@pytest.mark.parametrize(
    "f,message",
    [
        (lambda x: np.array([float(x[0])]), "f mixes plain numpy"),
        (lambda x: x.dot(x) * np.ones(2), "f mixes plain numpy"),
        (lambda x: np.tanh(onp.dot(A3, x)), "f mixes plain numpy"),
        (lambda x: onp.linalg.solve(A3, x), "f mixes plain numpy"),
        (lambda x: onp.interp(x, [0.0, 1.0], [0.0, 2.0]), "f stores autograd's traced values"),
    ],
)
def test_autograd_errors_inside_f_are_explained(f, message):
    with pytest.raises(TypeError, match="jacobian: " + message):
        jacobian(f, X3)


def test_in_place_assignment_is_explained():
    def f(x):
        y = np.zeros(2)
        y[0] = x[0]
        return y

    with pytest.raises(TypeError, match=r"jacobian: f stores .* in-place assignment"):
        jacobian(f, X3)


def test_auto_falls_back_to_reverse_when_autograd_lacks_a_forward_rule():
    f = lambda x: np.sin(x) + x.astype(float)  # noqa: E731  (astype has a VJP but no JVP)
    x = onp.array([0.3, 0.5])
    onp.testing.assert_allclose(jacobian(f, x), onp.diag(onp.cos(x)) + onp.eye(2), rtol=1e-14)
    with pytest.raises(NotImplementedError, match=r"jacobian: autograd has no forward-mode rule"):
        jacobian(f, x, mode="forward")
    W = onp.random.default_rng(0).standard_normal((80, 40))
    g = lambda z: np.dot(W, z.astype(float))  # noqa: E731   tall with n > 32: auto tries forward
    onp.testing.assert_array_equal(jacobian(g, onp.ones(40)), W)
    with pytest.raises(NotImplementedError, match=r"jvp: autograd has no forward-mode rule"):
        jvp(f, x, [1.0, 0.0])


def test_constant_function_gives_zeros_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for mode in MODES:
            J = jacobian(lambda x: onp.array([1.0, 2.0]), X3, mode=mode)
            assert_plain_float(J, (2, 3))
            assert not onp.any(J)
        assert not onp.any(gradient(lambda x: 3.0, X3))
        assert not onp.any(hessian(lambda x: 3.0, X3))
        assert not onp.any(hessian(lambda x: np.sum(x), X3))  # linear: traced, Hessian zero
        assert not onp.any(jvp(lambda x: onp.ones(2), X3, [1.0, 1.0, 1.0]))
        assert not onp.any(vjp(lambda x: onp.ones(2), X3, [1.0, 1.0]))
        assert jacobian_determinant(lambda x: onp.ones(3), X3) == 0.0


def test_ufuncs_and_matmul_of_plain_numpy_happen_to_work():
    """Plain numpy ufuncs dispatch to autograd; they are not refused (their answer is right)."""
    J = jacobian(lambda x: onp.sin(x) + A3 @ x, X3)
    onp.testing.assert_allclose(J, onp.diag(onp.cos(X3)) + A3, rtol=1e-14)


def test_list_output_is_accepted():
    J = jacobian(lambda x: [x[0] * x[1], x[2]], X3)
    onp.testing.assert_allclose(J, [[X3[1], X3[0], 0.0], [0.0, 0.0, 1.0]])


# ------------------------------------------------------------------------------------------
# linearize
# ------------------------------------------------------------------------------------------


def test_linearize_fields_call_and_batch():
    x0 = onp.array([1.5, 0.4])
    L = linearize(polar, x0)
    assert isinstance(L, Linearization)
    onp.testing.assert_allclose(L.fx0, polar(x0))
    onp.testing.assert_allclose(L.J, polar_jacobian(x0), rtol=1e-14)
    onp.testing.assert_allclose(L(x0), polar(x0))
    batch = x0 + onp.array([[0.1, 0.0], [0.0, -0.2], [0.05, 0.05]])
    out = L(batch)
    assert_plain_float(out, (3, 2))
    for row, x in zip(out, batch, strict=True):
        onp.testing.assert_allclose(row, L(x), rtol=1e-15)


def test_linearization_error_is_second_order():
    x0 = onp.array([1.5, 0.4])
    L = linearize(polar, x0)
    d = onp.array([0.3, -0.2])
    e1 = onp.abs(polar(x0 + 1e-2 * d) - L(x0 + 1e-2 * d)).max()
    e2 = onp.abs(polar(x0 + 1e-3 * d) - L(x0 + 1e-3 * d)).max()
    assert 80 < e1 / e2 < 120


def test_linearization_is_frozen_and_read_only():
    L = linearize(polar, [1.0, 0.0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        L.J = onp.eye(2)
    with pytest.raises(ValueError):
        L.J[0, 0] = 5.0


@pytest.mark.parametrize(
    "x", [[1.0, 2.0, 3.0], [[1.0, 2.0, 3.0]], onp.ones((2, 2, 2)), 1.0, [onp.nan, 0.0]]
)
def test_linearization_call_rejects_bad_points(x):
    L = linearize(polar, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"Linearization.__call__: x must"):
        L(x)


def test_linearization_rejects_inconsistent_fields():
    with pytest.raises(ValueError, match=r"Linearization: J must have shape \(m, n\) = \(1, 2\)"):
        Linearization(x0=onp.zeros(2), fx0=onp.zeros(1), J=onp.zeros((2, 1)))


# ------------------------------------------------------------------------------------------
# check_jacobian
# ------------------------------------------------------------------------------------------


def test_check_jacobian_accepts_right_jacobians():
    x = [2.0, 0.5]
    for jac in (None, polar_jacobian, polar_jacobian(x)):
        check = check_jacobian(polar, x, jac)
        assert isinstance(check, JacobianCheck)
        assert check.ok and bool(check)
        assert check.max_abs_error < 1e-8 and check.max_rel_error < 1e-8
        assert check.message.startswith("check_jacobian: OK")
        assert str(check) == check.message
        assert_plain_float(check.jacobian, (2, 2))
        assert_plain_float(check.reference, (2, 2))


def test_check_jacobian_works_for_plain_numpy_with_a_hand_jacobian():
    f = lambda x: onp.array([onp.dot(A3[0], x), x[0] * x[1]])  # noqa: E731
    assert check_jacobian(f, X3, lambda x: onp.array([A3[0], [x[1], x[0], 0.0]]))


@pytest.mark.parametrize(
    "wrong,why",
    [
        (lambda p: polar_jacobian(p).T, "MISMATCH"),
        (lambda p: -polar_jacobian(p), "MISMATCH"),
        (lambda p: polar_jacobian(p) * onp.array([1.0, 1.001]), "MISMATCH"),
    ],
)
def test_check_jacobian_rejects_wrong_jacobians(wrong, why):
    check = check_jacobian(polar, [2.0, 0.5], wrong)
    assert not check.ok and not bool(check)
    assert check.max_abs_error > 1e-4
    assert why in check.message


def test_check_jacobian_reports_a_wrong_shape_without_raising():
    f = dense(3, 2, seed=5)
    x = [0.1, 0.2]
    check = check_jacobian(f, x, jacobian(f, x).T)
    assert not check.ok
    assert check.max_abs_error == onp.inf
    assert "(2, 3)" in check.message and "(3, 2)" in check.message and "transposed" in check.message
    assert not check_jacobian(f, x, onp.full((3, 2), onp.nan)).ok


def test_check_jacobian_rejects_malformed_arguments():
    with pytest.raises(TypeError, match=r"check_jacobian: jac must be"):
        check_jacobian(polar, [1.0, 0.0], "not a matrix")
    with pytest.raises(ValueError, match=r"check_jacobian: rtol must be >= 0"):
        check_jacobian(polar, [1.0, 0.0], rtol=-1.0)
    with pytest.raises(TypeError, match=r"check_jacobian: atol must be a real number"):
        check_jacobian(polar, [1.0, 0.0], atol="tight")


# ------------------------------------------------------------------------------------------
# bad input: the error names the function and the argument
# ------------------------------------------------------------------------------------------

VEC = lambda x: np.stack([x[0] * x[1], x[1], x[0]])  # noqa: E731   R^2 -> R^3
SCAL = lambda x: np.sum(x**2)  # noqa: E731

BAD = [
    # non-callable f
    (lambda: jacobian(3.0, [1.0]), TypeError, r"jacobian: f must be a callable"),
    (lambda: jacobian_fd("f", [1.0]), TypeError, r"jacobian_fd: f must be a callable"),
    (lambda: gradient(None, [1.0]), TypeError, r"gradient: f must be a callable"),
    (lambda: hessian([1.0], [1.0]), TypeError, r"hessian: f must be a callable"),
    (lambda: jvp(1, [1.0], [1.0]), TypeError, r"jvp: f must be a callable"),
    (lambda: vjp(1, [1.0], [1.0]), TypeError, r"vjp: f must be a callable"),
    (lambda: linearize(1, [1.0]), TypeError, r"linearize: f must be a callable"),
    (lambda: check_jacobian(1, [1.0]), TypeError, r"check_jacobian: f must be a callable"),
    (
        lambda: jacobian_determinant(1, [1.0]),
        TypeError,
        r"jacobian_determinant: f must be a callable",
    ),
    # x: NaN, inf, 2-D, 0-d, empty, not numbers
    (lambda: jacobian(VEC, [onp.nan, 1.0]), ValueError, r"jacobian: x must be finite"),
    (lambda: jacobian(VEC, [onp.inf, 1.0]), ValueError, r"jacobian: x must be finite"),
    (lambda: gradient(SCAL, [1.0, -onp.inf]), ValueError, r"gradient: x must be finite"),
    (lambda: jacobian_fd(VEC, [onp.nan, 1.0]), ValueError, r"jacobian_fd: x must be finite"),
    (lambda: jacobian(VEC, [[1.0, 2.0]]), ValueError, r"jacobian: x must be a 1-D array"),
    (lambda: hessian(SCAL, onp.eye(2)), ValueError, r"hessian: x must be a 1-D array"),
    (lambda: jacobian(VEC, 1.0), ValueError, r"jacobian: x must be a 1-D array .*scalar"),
    (lambda: linearize(VEC, onp.float64(2.0)), ValueError, r"linearize: x0 must be a 1-D array"),
    (lambda: jacobian(VEC, []), ValueError, r"jacobian: x must not be empty"),
    (lambda: jacobian(VEC, ["a", "b"]), TypeError, r"jacobian: x must be a 1-D array of numbers"),
    # f's output
    (
        lambda: jacobian(SCAL, [1.0, 2.0]),
        ValueError,
        r"jacobian: f must return a 1-D array of shape \(m,\), got a scalar; "
        r"for a scalar function use gradient\(f, x\)",
    ),
    (
        lambda: jacobian(lambda x: np.outer(x, x), [1.0, 2.0]),
        ValueError,
        r"jacobian: f must return a 1-D array of shape \(m,\), got shape \(2, 2\); flatten",
    ),
    (
        lambda: jacobian_fd(lambda x: onp.outer(x, x), [1.0, 2.0]),
        ValueError,
        r"jacobian_fd: f must return a 1-D array .* flatten",
    ),
    (
        lambda: jacobian_fd(SCAL, [1.0, 2.0]),
        ValueError,
        r"jacobian_fd: f must return a 1-D array .*got a scalar",
    ),
    (
        lambda: gradient(lambda x: x**2, [1.0, 2.0, 3.0]),
        ValueError,
        r"gradient: f must return a scalar, got shape \(3,\); "
        r"for vector outputs use jacobian\(f, x\)",
    ),
    (
        lambda: gradient(lambda x: x[:1], [1.0, 2.0]),
        ValueError,
        r"gradient: f must return a scalar, got shape \(1,\)",
    ),
    (lambda: hessian(lambda x: x, [1.0, 2.0]), ValueError, r"hessian: f must return a scalar"),
    (
        lambda: jacobian(lambda x: x * onp.nan, [-1.0, 1.0]),
        ValueError,
        r"jacobian: f\(x\) must be finite",
    ),
    (lambda: jacobian(lambda x: x * 1j, [1.0, 1.0]), TypeError, r"jacobian: f must return real"),
    (
        lambda: jacobian(lambda x: x[:0], [1.0, 1.0]),
        ValueError,
        r"jacobian: f must return a non-empty",
    ),
    (
        lambda: jacobian_fd(lambda x: x[: 1 + int(x[0] > 1.0)], [1.0, 1.0]),
        ValueError,
        r"jacobian_fd: f must return the same shape at every point",
    ),
    # square Jacobian
    (
        lambda: jacobian_determinant(VEC, [1.0, 2.0]),
        ValueError,
        r"jacobian_determinant: the Jacobian of f must be square, got shape \(3, 2\)",
    ),
    # mode
    (
        lambda: jacobian(VEC, [1.0, 2.0], mode="backward"),
        ValueError,
        r"jacobian: mode must be one of 'auto', 'forward', 'reverse', got str 'backward'",
    ),
    (lambda: jacobian(VEC, [1.0, 2.0], mode=None), ValueError, r"jacobian: mode must be one of"),
    (
        lambda: jacobian_determinant(polar, [1.0, 2.0], mode="fwd"),
        ValueError,
        r"jacobian_determinant: mode must be one of",
    ),
    # v and u
    (lambda: jvp(VEC, [1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, r"jvp: v must have shape \(2,\)"),
    (lambda: jvp(VEC, [1.0, 2.0], [onp.nan, 2.0]), ValueError, r"jvp: v must be finite"),
    (
        lambda: vjp(VEC, [1.0, 2.0], [1.0, 2.0]),
        ValueError,
        r"vjp: u must have the shape of f\(x\), \(3,\), got shape \(2,\)",
    ),
    (lambda: vjp(VEC, [1.0, 2.0], [[1.0, 2.0, 3.0]]), ValueError, r"vjp: u must be a 1-D array"),
    # h
    (lambda: jacobian_fd(VEC, [1.0, 2.0], h=0.0), ValueError, r"jacobian_fd: h must be > 0"),
    (lambda: jacobian_fd(VEC, [1.0, 2.0], h=-1e-3), ValueError, r"jacobian_fd: h must be > 0"),
    (lambda: jacobian_fd(VEC, [1.0, 2.0], h=onp.nan), ValueError, r"jacobian_fd: h must be finite"),
    (
        lambda: jacobian_fd(VEC, [1.0, 2.0], h="small"),
        TypeError,
        r"jacobian_fd: h must be a real number",
    ),
    (
        lambda: jacobian_fd(lambda x: onp.where(x[0] > 0, x, onp.nan), [1e-3, 1.0], h=0.1),
        ValueError,
        r"jacobian_fd: f returned NaN or inf at x - h e_0",
    ),
]


@pytest.mark.parametrize("call,error,match", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_is_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_results_are_plain_float_arrays():
    x = [0.5, 1.5]
    assert_plain_float(jacobian(VEC, x), (3, 2))
    assert_plain_float(jacobian_fd(VEC, x), (3, 2))
    assert_plain_float(gradient(SCAL, x), (2,))
    assert_plain_float(hessian(SCAL, x), (2, 2))
    assert_plain_float(jvp(VEC, x, [1.0, 0.0]), (3,))
    assert_plain_float(vjp(VEC, x, [1.0, 0.0, 0.0]), (2,))
    L = linearize(VEC, x)
    for a, shape in ((L.x0, (2,)), (L.fx0, (3,)), (L.J, (3, 2))):
        assert_plain_float(a, shape)
    assert type(jacobian_determinant(polar, x)) is float
    assert type(check_jacobian(VEC, x).max_abs_error) is float


# ------------------------------------------------------------------------------------------
# Hessian-vector products (chapter open-problems)
# ------------------------------------------------------------------------------------------


def wavy(x):
    """A scalar test function whose Hessian is dense and has no special structure."""
    return np.sum(np.sin(x) * np.roll(x, 1)) + np.log(1.0 + np.sum(x**2)) ** 2


def counting(f):
    """``f`` with a counter of its evaluations: ``(counted_f, calls)``."""
    calls = []

    def counted(x):
        calls.append(1)
        return f(x)

    return counted, calls


@FAST
@given(x=small_vectors(4), v=small_vectors(4, -3.0, 3.0))
def test_hvp_is_the_hessian_times_v_and_the_derivative_of_the_gradient(x, v):
    Hv = hvp(wavy, x, v)
    assert_plain_float(Hv, (4,))
    H = hessian(wavy, x)
    scale = onp.abs(H).max() * onp.abs(v).max() + 1.0
    onp.testing.assert_allclose(Hv, H @ v, rtol=1e-11, atol=1e-12 * scale)
    # an oracle that knows nothing of second-order AD: central differences of the gradient
    h = 1e-5
    fd = (gradient(wavy, x + h * v) - gradient(wavy, x - h * v)) / (2 * h)
    onp.testing.assert_allclose(Hv, fd, rtol=1e-6, atol=1e-6 * scale)


def test_hvp_closed_forms():
    x = onp.array([-1.2, 1.0])
    for v in ([1.0, 0.0], [0.0, 1.0], [0.3, -2.0]):
        onp.testing.assert_allclose(
            hvp(rosenbrock, x, v), rosenbrock_hessian(x) @ v, rtol=1e-14, atol=1e-12
        )
    A = onp.random.default_rng(3).standard_normal((5, 5))
    v = onp.arange(5.0) - 2.0  # f = x^T A x / 2 has H = (A + A^T) / 2 everywhere
    onp.testing.assert_allclose(
        hvp(lambda x: 0.5 * np.dot(x, np.dot(A, x)), onp.ones(5), v),
        0.5 * (A + A.T) @ v,
        rtol=1e-13,
        atol=1e-14,
    )


def test_hvp_never_forms_the_hessian():
    """One evaluation of f (the hessian needs n + 1), and n = 100,000 is no problem."""
    counted, calls = counting(wavy)
    hvp(counted, onp.linspace(-1.0, 1.0, 30), onp.ones(30))
    assert len(calls) == 1
    n = 100_000
    x = onp.linspace(-1.0, 1.0, n)
    v = onp.cos(onp.arange(n))
    onp.testing.assert_allclose(hvp(lambda z: np.sum(z**4), x, v), 12.0 * x**2 * v, rtol=1e-14)


def test_hvp_falls_back_to_reverse_over_reverse_without_a_forward_rule():
    f = lambda x: np.sum(np.sin(x) * x.astype(float) ** 2)  # noqa: E731  astype: no JVP rule
    x, v = onp.array([0.3, -1.2, 0.8]), onp.array([1.0, 2.0, -1.0])
    onp.testing.assert_allclose(hvp(f, x, v), hessian(f, x) @ v, rtol=1e-13, atol=1e-14)


def test_hvp_of_constant_and_linear_functions_is_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (lambda x: 3.0, lambda x: np.sum(x), lambda x: np.dot(onp.arange(3.0), x)):
            Hv = hvp(f, X3, [1.0, -1.0, 2.0])
            assert_plain_float(Hv, (3,))
            assert not onp.any(Hv)


# ------------------------------------------------------------------------------------------
# column colouring and sparse Jacobians (Curtis-Powell-Reid)
# ------------------------------------------------------------------------------------------


def banded(n, lower, upper, m=None):
    """The (m, n) boolean pattern with `lower` diagonals below the main one, `upper` above."""
    m = n if m is None else m
    d = onp.subtract.outer(onp.arange(m), onp.arange(n))  # row - column
    return (d <= lower) & (d >= -upper)


def assert_valid_colouring(S, colors):
    S = onp.asarray(S, dtype=bool)
    assert colors.shape == (S.shape[1],) and colors.dtype.kind == "i"
    for c in range(colors.max() + 1 if colors.size else 0):
        assert S[:, colors == c].sum(axis=1).max(initial=0) <= 1, f"colour {c} shares a row"


@pytest.mark.parametrize("n", [3, 4, 10, 1000])
def test_tridiagonal_patterns_need_three_colours(n):
    colors = color_columns(banded(n, 1, 1))
    assert colors.max() + 1 == 3
    onp.testing.assert_array_equal(colors, onp.arange(n) % 3)
    assert_valid_colouring(banded(n, 1, 1), colors)


@pytest.mark.parametrize("lower,upper", [(0, 0), (1, 0), (0, 1), (2, 2), (1, 3), (4, 0), (3, 5)])
@pytest.mark.parametrize("n", [12, 200])
def test_banded_patterns_need_bandwidth_plus_one_colours(lower, upper, n):
    S = banded(n, lower, upper)
    colors = color_columns(S)
    assert colors.max() + 1 == lower + upper + 1  # optimal: a full row has this many nonzeros
    assert_valid_colouring(S, colors)
    assert color_columns(banded(3, lower, upper)).max() + 1 == min(3, lower + upper + 1)


def test_arrow_block_and_empty_patterns():
    n = 7
    arrow = onp.eye(n, dtype=bool)
    arrow[-1, :] = arrow[:, -1] = True
    onp.testing.assert_array_equal(color_columns(arrow), onp.arange(n))  # no compression
    onp.testing.assert_array_equal(color_columns(arrow[:-1]), [0] * (n - 1) + [1])
    blocks = scipy.sparse.block_diag([onp.ones((3, 3))] * 4).toarray() > 0
    onp.testing.assert_array_equal(color_columns(blocks), onp.tile([0, 1, 2], 4))
    onp.testing.assert_array_equal(color_columns(onp.zeros((2, 4), dtype=bool)), [0, 0, 0, 0])
    onp.testing.assert_array_equal(color_columns(onp.ones((1, 4), dtype=bool)), [0, 1, 2, 3])


@FAST
@given(S=arrays(onp.bool_, st.tuples(st.integers(1, 12), st.integers(1, 12))))
def test_colouring_is_valid_and_within_the_greedy_bounds(S):
    colors = color_columns(S)
    assert_valid_colouring(S, colors)
    k = colors.max() + 1
    conflicts = (S.T.astype(int) @ S.astype(int)) > 0
    onp.fill_diagonal(conflicts, False)
    assert S.sum(axis=1).max() <= max(k, 1)  # a row's columns all conflict
    assert k <= conflicts.sum(axis=1).max() + 1  # greedy: at most max degree + 1
    onp.testing.assert_array_equal(color_columns(S), colors)  # deterministic
    onp.testing.assert_array_equal(color_columns(scipy.sparse.csr_array(S)), colors)


def test_colouring_accepts_scipy_sparse_and_zero_one_numbers():
    n = 9
    expected = onp.arange(n) % 3
    for S in (
        scipy.sparse.diags_array(
            [onp.ones(n - 1), onp.ones(n), onp.ones(n - 1)], offsets=[-1, 0, 1]
        ),
        scipy.sparse.coo_matrix(banded(n, 1, 1)),
        banded(n, 1, 1).astype(int),
        banded(n, 1, 1).astype(float).tolist(),
    ):
        onp.testing.assert_array_equal(color_columns(S), expected)
    # an explicitly stored zero is not part of the pattern
    S = scipy.sparse.csr_array(onp.eye(3))
    S.data[1] = 0.0
    onp.testing.assert_array_equal(
        color_columns(S + scipy.sparse.csr_array((onp.ones(1), ([0], [1])), shape=(3, 3))),
        [0, 1, 0],
    )


def bratu(n, a=0.5, b=-0.25):
    """r_i = (u_{i-1} - 2 u_i + u_{i+1}) / h^2 + u_i^3 - f_i, u_0 = a, u_{n+1} = b: R^n -> R^n.

    Returns the residual and its tridiagonal Jacobian in closed form."""
    h = 1.0 / (n + 1)
    source = onp.sin(onp.pi * onp.arange(1, n + 1) * h)

    def residual(u):
        padded = np.concatenate([np.array([a]), u, np.array([b])])
        return (padded[:-2] - 2.0 * u + padded[2:]) / h**2 + u**3 - source

    def jacobian_closed_form(u):
        return (
            onp.diag(-2.0 / h**2 + 3.0 * u**2)
            + onp.diag(onp.full(n - 1, 1 / h**2), 1)
            + onp.diag(onp.full(n - 1, 1 / h**2), -1)
        )

    return residual, jacobian_closed_form


def test_sparse_jacobian_of_a_discretised_pde_is_the_dense_one():
    n = 60
    residual, closed_form = bratu(n)
    u = onp.cos(onp.linspace(0.0, 3.0, n))
    counted, calls = counting(residual)
    J = sparse_jacobian(counted, u, banded(n, 1, 1))
    assert len(calls) == 3 + 1  # three colours, plus the random check
    assert_plain_float(J, (n, n))
    onp.testing.assert_allclose(J, jacobian(residual, u), rtol=1e-14, atol=1e-14 * (n + 1) ** 2)
    onp.testing.assert_allclose(J, closed_form(u), rtol=1e-13, atol=1e-9)
    calls.clear()
    C = sparse_jacobian(
        counted,
        u,
        scipy.sparse.diags_array(
            [onp.ones(n - 1), onp.ones(n), onp.ones(n - 1)], offsets=[-1, 0, 1]
        ),
        output="csr",
        check=False,
    )
    assert len(calls) == 3
    assert isinstance(C, scipy.sparse.csr_array) and C.shape == (n, n) and C.nnz == 3 * n - 2
    onp.testing.assert_array_equal(C.toarray(), J)


def test_sparse_jacobian_pentadiagonal_arrow_and_block_patterns():
    n = 20
    x = onp.linspace(-1.0, 1.0, n)

    def fourth_difference(u):  # a pentadiagonal Jacobian: 5 colours
        p = np.concatenate([np.zeros(2), u, np.zeros(2)])
        return p[:-4] - 4 * p[1:-3] + 6 * u - 4 * p[3:-1] + p[4:] + np.sin(u) * u

    def arrow(u):  # a dense last row and last column
        return np.concatenate([u[:-1] ** 2 * np.exp(u[-1]), np.sum(np.sin(u), keepdims=True)])

    W = onp.random.default_rng(0).standard_normal((n // 4, 4, 4))

    def blocks(u):  # four-by-four blocks: 4 colours
        z = np.reshape(u, (n // 4, 4))
        return np.ravel(np.tanh(np.einsum("bij,bj->bi", W, z)))

    arrow_pattern = onp.eye(n, dtype=bool)
    arrow_pattern[-1, :] = arrow_pattern[:, -1] = True
    block_pattern = scipy.sparse.block_diag([onp.ones((4, 4))] * (n // 4), format="csr")
    for f, S, k in (
        (fourth_difference, banded(n, 2, 2), 5),
        (arrow, arrow_pattern, n),
        (blocks, block_pattern, 4),
    ):
        assert color_columns(S).max() + 1 == k
        onp.testing.assert_allclose(
            sparse_jacobian(f, x, S), jacobian(f, x), rtol=1e-14, atol=1e-14
        )


@FAST
@given(
    A=arrays(onp.float64, (6, 8), elements=st.sampled_from([0.0, 0.0, 0.0, -1.5, 0.5, 2.0])),
    x=small_vectors(8),
)
def test_sparse_jacobian_equals_jacobian_on_random_patterns(A, x):
    def f(z):  # J = diag(1 + cos(A z)) A: the pattern of A (or smaller)
        y = np.dot(A, z)
        return y + np.sin(y)

    J = sparse_jacobian(f, x, A != 0)
    onp.testing.assert_allclose(J, jacobian(f, x), rtol=1e-14, atol=1e-14)
    assert not onp.any(J[A == 0])


def test_sparse_jacobian_reuses_a_colouring_and_accepts_a_superset_pattern():
    n = 30
    residual, _ = bratu(n)
    u = onp.linspace(0.0, 1.0, n)
    dense = jacobian(residual, u)
    colors = color_columns(banded(n, 1, 1))
    onp.testing.assert_allclose(
        sparse_jacobian(residual, u, banded(n, 1, 1), colors=colors), dense, rtol=1e-14
    )
    onp.testing.assert_allclose(
        sparse_jacobian(residual, u, banded(n, 1, 1), colors=onp.arange(n)), dense, rtol=1e-14
    )
    counted, calls = counting(residual)  # colours 10, 20, 30 are relabelled 0, 1, 2
    onp.testing.assert_allclose(
        sparse_jacobian(
            counted, u, banded(n, 1, 1), check=False, colors=10 * (onp.arange(n) % 3 + 1)
        ),
        dense,
        rtol=1e-14,
    )
    assert len(calls) == 3
    onp.testing.assert_allclose(sparse_jacobian(residual, u, banded(n, 3, 2)), dense, rtol=1e-14)
    # entries of the pattern that vanish at this x are stored zeros of the csr output
    C = sparse_jacobian(
        lambda z: z**2, onp.array([0.0, 1.0, 2.0]), onp.ones((3, 3), bool), output="csr"
    )
    assert C.nnz == 9
    onp.testing.assert_array_equal(C.toarray(), onp.diag([0.0, 2.0, 4.0]))


@pytest.mark.parametrize("wrong", ["lower", "diagonal", "empty", "transposed_arrow"])
def test_a_wrong_pattern_is_caught_not_silent(wrong):
    n = 12
    residual, _ = bratu(n)
    u = onp.linspace(0.0, 1.0, n)
    S = {
        "lower": banded(n, 1, 0),
        "diagonal": banded(n, 0, 0),
        "empty": onp.zeros((n, n), dtype=bool),
        "transposed_arrow": banded(n, 1, 1),
    }[wrong]
    f = residual
    if wrong == "transposed_arrow":  # f has a dense last row, the pattern does not
        f = lambda z: np.concatenate([residual(z)[:-1], np.sum(z, keepdims=True)])  # noqa: E731
    with pytest.raises(
        ValueError,
        match=r"^sparse_jacobian: f's Jacobian has nonzeros outside "
        r"the sparsity pattern: for a random v, output \d+",
    ):
        sparse_jacobian(f, u, S)
    # without the check the answer is silently wrong: that is what the check is for
    assert not onp.allclose(sparse_jacobian(f, u, S, check=False), jacobian(f, u))


def test_sparse_jacobian_plain_numpy_and_missing_forward_rules_are_refused():
    with pytest.raises(TypeError, match=r"^sparse_jacobian: f mixes plain numpy with autograd"):
        sparse_jacobian(MIXED_SUM, X3, onp.ones((3, 3), dtype=bool))
    with pytest.raises(TypeError, match=r"^sparse_jacobian: f mixes plain numpy with autograd"):
        sparse_jacobian(STRIPPED, X3, onp.eye(3, dtype=bool))
    with pytest.raises(
        NotImplementedError,
        match=r"^sparse_jacobian: autograd has no "
        r"forward-mode rule .* mode='reverse'",
    ):
        sparse_jacobian(lambda x: x.astype(float) ** 2, X3, onp.eye(3, dtype=bool))
    J = sparse_jacobian(lambda x: onp.ones(3), X3, onp.eye(3, dtype=bool))  # constant: zero
    assert_plain_float(J, (3, 3))
    assert not onp.any(J)


# ------------------------------------------------------------------------------------------
# traces of Jacobians: exact (n JVPs) and Hutchinson's estimator
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 40])
def test_jacobian_trace_is_exact(n):
    f = dense(n, n, seed=n)
    x = onp.random.default_rng(n).standard_normal(n)
    counted, calls = counting(f)
    t = jacobian_trace(counted, x)
    assert type(t) is float
    assert len(calls) == n
    assert t == pytest.approx(onp.trace(jacobian(f, x)), rel=1e-13, abs=1e-14)
    A = onp.random.default_rng(1).standard_normal((n, n))
    assert jacobian_trace(lambda z: np.dot(A, z), x) == pytest.approx(
        onp.trace(A), rel=1e-13, abs=1e-13
    )


def test_jacobian_trace_special_cases():
    assert jacobian_trace(lambda x: np.stack([-x[1], x[0]]), [1.0, 2.0]) == 0.0  # rotation
    assert jacobian_trace(lambda x: onp.ones(3), X3) == 0.0  # constant
    f = lambda x: np.sin(x) * x.astype(float)  # noqa: E731   no forward rule: reverse rows
    assert jacobian_trace(f, X3) == pytest.approx(
        float(onp.sum(onp.cos(X3) * X3 + onp.sin(X3))), rel=1e-14
    )


def hutchinson_variance(J, noise):
    """The variance of one probe u^T J u (Rademacher or Gaussian u), in closed form."""
    A = 0.5 * (J + J.T)
    off = onp.sum(A**2) - onp.sum(onp.diag(A) ** 2)
    return 2.0 * off + (2.0 * onp.sum(onp.diag(A) ** 2) if noise == "gaussian" else 0.0)


@pytest.mark.parametrize("noise", ["rademacher", "gaussian"])
def test_hutchinson_is_unbiased_with_the_predicted_variance(noise):
    n = 6
    A = onp.random.default_rng(5).standard_normal((n, n))
    f = lambda z: np.dot(A, z) + 0.5 * np.sin(z)  # noqa: E731   cheap: 800 calls below
    x = onp.linspace(-0.5, 0.5, n)
    J = jacobian(f, x)
    exact, var = onp.trace(J), hutchinson_variance(J, noise)
    rng = onp.random.default_rng(2024)
    singles = onp.array([hutchinson_trace(f, x, rng=rng, noise=noise) for _ in range(800)])
    assert abs(singles.mean() - exact) < 4.0 * onp.sqrt(var / singles.size)  # unbiased
    assert singles.var() == pytest.approx(var, rel=0.25)  # the formula
    many = hutchinson_trace(f, x, samples=2000, rng=7, noise=noise)
    assert abs(many - exact) < 4.0 * onp.sqrt(var / 2000)  # 1/sqrt(S)


def test_hutchinson_is_exact_for_a_diagonal_jacobian_and_reproducible():
    x = onp.linspace(-1.0, 2.0, 50)
    for seed in range(5):
        assert hutchinson_trace(np.tanh, x, rng=seed) == pytest.approx(
            float(onp.sum(1.0 - onp.tanh(x) ** 2)), rel=1e-14
        )
    f = dense(4, 4, seed=1)
    x = onp.ones(4)
    assert hutchinson_trace(f, x, samples=3, rng=11) == hutchinson_trace(f, x, samples=3, rng=11)
    g1, g2 = onp.random.default_rng(11), onp.random.default_rng(11)
    assert hutchinson_trace(f, x, rng=g1) == hutchinson_trace(f, x, rng=g2)
    counted, calls = counting(f)
    hutchinson_trace(counted, x, samples=25, rng=0)
    assert len(calls) == 1  # f is recorded once, then 25 reverse passes


# ------------------------------------------------------------------------------------------
# the new functions: plain-numpy trap and bad input
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("f", [PLAIN, MIXED_SUM, STRIPPED], ids=["plain", "mixed_sum", "stripped"])
@pytest.mark.parametrize(
    "name,call",
    [
        ("jacobian_trace", lambda f: jacobian_trace(f, X3)),
        ("hutchinson_trace", lambda f: hutchinson_trace(f, X3, rng=0)),
    ],
)
def test_plain_numpy_trap_in_the_open_problems_functions(f, name, call):
    with pytest.raises(TypeError, match=rf"^{name}: f mixes plain numpy with autograd"):
        call(f)


def test_plain_numpy_trap_in_hvp():
    for f in (SCALAR_STRIPPED, lambda x: np.sum(onp.dot(A3, x) * np.sin(x))):
        with pytest.raises(TypeError, match=r"^hvp: f mixes plain numpy with autograd"):
            hvp(f, X3, [1.0, 0.0, 0.0])


TRI4 = banded(4, 1, 1)
LIN4 = lambda x: np.dot(onp.diag([1.0, 2.0, 3.0, 4.0]), x)  # noqa: E731

BAD_OPEN = [
    (lambda: hvp(3.0, [1.0], [1.0]), TypeError, r"hvp: f must be a callable"),
    (lambda: hvp(SCAL, [1.0, 2.0], [1.0]), ValueError, r"hvp: v must have shape \(2,\)"),
    (lambda: hvp(SCAL, [1.0, 2.0], [onp.inf, 1.0]), ValueError, r"hvp: v must be finite"),
    (lambda: hvp(SCAL, [onp.nan, 2.0], [1.0, 1.0]), ValueError, r"hvp: x must be finite"),
    (
        lambda: hvp(lambda x: x**2, [1.0, 2.0], [1.0, 1.0]),
        ValueError,
        r"hvp: f must return a scalar, got shape \(2,\)",
    ),
    (
        lambda: hvp(lambda x: np.sum(x) * onp.nan, [1.0, 2.0], [1.0, 1.0]),
        ValueError,
        r"hvp: f\(x\) must be finite",
    ),
    # sparsity: shape, dimension, values, type
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), banded(4, 1, 1, m=5)),
        ValueError,
        r"sparse_jacobian: sparsity must have one row per output, shape \(4, 4\) for f\(x\) of "
        r"shape \(4,\), got shape \(5, 4\)",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), banded(5, 1, 1, m=4)),
        ValueError,
        r"sparse_jacobian: sparsity must have one column per input, shape \(m, 4\) for x of "
        r"shape \(4,\), got shape \(4, 5\)",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), onp.ones(4, dtype=bool)),
        ValueError,
        r"sparse_jacobian: sparsity must be 2-D of shape \(m, n\), got shape \(4,\)",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), onp.ones((4, 4, 1), dtype=bool)),
        ValueError,
        r"sparse_jacobian: sparsity must be 2-D",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), onp.diag([1.0, 2.0, 3.0, 4.0])),
        ValueError,
        r"sparse_jacobian: sparsity must be boolean \(True/False or 0/1\), got the value 2.0; "
        r"pass the pattern of nonzeros, e.g. J != 0",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), scipy.sparse.csr_array(0.5 * TRI4)),
        ValueError,
        r"sparse_jacobian: sparsity must be boolean",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), onp.where(TRI4, onp.nan, 0.0)),
        ValueError,
        r"sparse_jacobian: sparsity must be boolean",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), [["a"] * 4] * 4),
        TypeError,
        r"sparse_jacobian: sparsity must be boolean \(True where the Jacobian may be nonzero",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), LIN4),
        TypeError,
        r"sparse_jacobian: sparsity must be a pattern",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), None),
        TypeError,
        r"sparse_jacobian: sparsity must be boolean",
    ),
    (
        lambda: color_columns(onp.eye(3) * 3.0),
        ValueError,
        r"color_columns: sparsity must be "
        r"boolean",
    ),
    (
        lambda: color_columns(onp.ones(3, dtype=bool)),
        ValueError,
        r"color_columns: sparsity must be 2-D",
    ),
    (
        lambda: color_columns(onp.eye(2) * 1j),
        TypeError,
        r"color_columns: sparsity must be "
        r"boolean .*dtype complex128",
    ),
    # colors, output, check, f, x
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), TRI4, colors=[0, 1, 0, 1]),
        ValueError,
        r"sparse_jacobian: colors is not a valid colouring of the sparsity pattern: columns 0 and "
        r"2 "
        r"share the nonzero row 1 and a colour \(0\)",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), TRI4, colors=[0, 1, 2]),
        ValueError,
        r"sparse_jacobian: colors must be an integer array of shape \(4,\)",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), TRI4, colors=[0.0, 1.0, 2.0, 0.0]),
        TypeError,
        r"sparse_jacobian: colors must be an integer array",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), TRI4, colors=[0, 1, 2, -1]),
        ValueError,
        r"sparse_jacobian: colors must be >= 0, got -1",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), TRI4, output="coo"),
        ValueError,
        r"sparse_jacobian: output must be 'dense' or 'csr', got str 'coo'",
    ),
    (
        lambda: sparse_jacobian(LIN4, onp.ones(4), TRI4, check="yes"),
        TypeError,
        r"sparse_jacobian: check must be True or False",
    ),
    (
        lambda: sparse_jacobian(None, onp.ones(4), TRI4),
        TypeError,
        r"sparse_jacobian: f must be a callable",
    ),
    (
        lambda: sparse_jacobian(LIN4, [[1.0] * 4], TRI4),
        ValueError,
        r"sparse_jacobian: x must be a 1-D array",
    ),
    (
        lambda: sparse_jacobian(SCAL, onp.ones(4), TRI4[:1]),
        ValueError,
        r"sparse_jacobian: f must return a 1-D array of shape \(m,\), got a scalar",
    ),
    # traces: square Jacobians, samples, rng, noise
    (
        lambda: jacobian_trace(VEC, [1.0, 2.0]),
        ValueError,
        r"jacobian_trace: f must map R\^n to R\^n \(a square Jacobian\): x has shape \(2,\) but "
        r"f\(x\) has shape \(3,\)",
    ),
    (
        lambda: jacobian_trace(SCAL, [1.0, 2.0]),
        ValueError,
        r"jacobian_trace: f must return a 1-D array",
    ),
    (
        lambda: hutchinson_trace(VEC, [1.0, 2.0]),
        ValueError,
        r"hutchinson_trace: f must map R\^n to R\^n",
    ),
    (
        lambda: hutchinson_trace(LIN4, onp.ones(4), samples=0),
        ValueError,
        r"hutchinson_trace: samples must be an integer >= 1, got 0",
    ),
    (
        lambda: hutchinson_trace(LIN4, onp.ones(4), samples=2.5),
        TypeError,
        r"hutchinson_trace: samples must be an integer",
    ),
    (
        lambda: hutchinson_trace(LIN4, onp.ones(4), rng="seed"),
        TypeError,
        r"hutchinson_trace: rng must be a numpy.random.Generator",
    ),
    (
        lambda: hutchinson_trace(LIN4, onp.ones(4), noise="uniform"),
        ValueError,
        r"hutchinson_trace: noise must be 'rademacher' or 'gaussian', got str 'uniform'",
    ),
    (lambda: jacobian_trace(1, [1.0]), TypeError, r"jacobian_trace: f must be a callable"),
]


@pytest.mark.parametrize("call,error,match", BAD_OPEN, ids=[str(i) for i in range(len(BAD_OPEN))])
def test_bad_input_to_the_open_problems_functions_is_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()
