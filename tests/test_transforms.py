"""Tests of jaccourse.transforms.

Oracles not written by us: autograd's reverse mode, central differences, numpy's ``det`` and
``inv``, and the inverse-function theorem.
"""

from __future__ import annotations

import dataclasses

import autograd
import autograd.numpy as np
import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse import transforms as tr
from jaccourse.transforms import (
    CYLINDRICAL,
    POLAR,
    SPHERICAL,
    CoordinateTransform,
    linear_transform,
)

TRANSFORMS = [POLAR, CYLINDRICAL, SPHERICAL]
IDS = [t.name for t in TRANSFORMS]


def random_points(
    transform: CoordinateTransform, size: int, rng: onp.random.Generator
) -> onp.ndarray:
    """Points inside the principal domain, away from the singular set (r = 0, poles, branch cut)."""
    r = rng.uniform(0.1, 4.0, size)
    if transform is POLAR:
        return onp.stack([r, rng.uniform(-3.0, 3.0, size)], axis=-1)
    if transform is CYLINDRICAL:
        return onp.stack([r, rng.uniform(-3.0, 3.0, size), rng.uniform(-5, 5, size)], axis=-1)
    return onp.stack(
        [r, rng.uniform(0.05, onp.pi - 0.05, size), rng.uniform(-3.0, 3.0, size)], axis=-1
    )


def central_difference_jacobian(f, q: onp.ndarray, h: float = 1e-6) -> onp.ndarray:
    """Batched central differences: q is (N, n), the result is (N, n, n), column j = d f / d q_j."""
    n = q.shape[-1]
    cols = []
    for j in range(n):
        e = onp.zeros(n)
        e[j] = h
        cols.append((f(q + e) - f(q - e)) / (2 * h))
    return onp.stack(cols, axis=-1)


# ---------------------------------------------------------------------------------------------
# hand Jacobians against independent oracles
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_hand_jacobian_matches_autograd(transform):
    rng = onp.random.default_rng(0)
    for q in random_points(transform, 20, rng):
        auto = autograd.jacobian(transform.forward)(q)
        assert auto.shape == (transform.dim, transform.dim)
        onp.testing.assert_allclose(transform.jacobian(q), auto, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_hand_jacobian_matches_central_differences(transform):
    rng = onp.random.default_rng(1)
    q = random_points(transform, 500, rng)
    fd = central_difference_jacobian(transform.forward, q)
    onp.testing.assert_allclose(transform.jacobian(q), fd, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_determinant_is_det_of_hand_jacobian(transform):
    rng = onp.random.default_rng(2)
    q = random_points(transform, 300, rng)
    onp.testing.assert_allclose(
        transform.jacobian_determinant(q),
        onp.linalg.det(transform.jacobian(q)),
        rtol=1e-12,
        atol=1e-12,
    )


def test_determinant_closed_forms():
    q = onp.array([1.7, 0.4, 2.2])
    assert onp.isclose(tr.polar_jacobian_determinant(q[:2]), 1.7)
    assert onp.isclose(tr.cylindrical_jacobian_determinant(q), 1.7)
    assert onp.isclose(tr.spherical_jacobian_determinant(q), 1.7**2 * onp.sin(0.4))
    # the sign with the order (r, phi, theta) is +
    assert tr.spherical_jacobian_determinant([1.0, 1.0, -2.0]) > 0


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_batched_shapes_agree_with_single_points(transform):
    rng = onp.random.default_rng(3)
    n = transform.dim
    q = random_points(transform, 12, rng).reshape(3, 4, n)
    x = transform(q)
    J = transform.jacobian(q)
    d = transform.jacobian_determinant(q)
    assert x.shape == (3, 4, n) and J.shape == (3, 4, n, n) and d.shape == (3, 4)
    assert transform.inverse(x).shape == (3, 4, n)
    onp.testing.assert_allclose(x[1, 2], transform(q[1, 2]))
    onp.testing.assert_allclose(J[2, 3], transform.jacobian(q[2, 3]))
    onp.testing.assert_allclose(d[0, 1], transform.jacobian_determinant(q[0, 1]))


def test_lists_are_accepted_and_give_float_arrays():
    out = tr.polar([1, 0])
    assert isinstance(out, onp.ndarray) and out.dtype == float
    onp.testing.assert_allclose(out, [1.0, 0.0])


# ---------------------------------------------------------------------------------------------
# inverses
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_inverse_of_forward_is_identity_on_principal_domain(transform):
    rng = onp.random.default_rng(4)
    q = random_points(transform, 1000, rng)
    onp.testing.assert_allclose(transform.inverse(transform(q)), q, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("transform", TRANSFORMS, ids=IDS)
def test_forward_of_inverse_is_identity_everywhere(transform):
    rng = onp.random.default_rng(5)
    x = rng.normal(size=(1000, transform.dim)) * 3
    onp.testing.assert_allclose(transform(transform.inverse(x)), x, rtol=1e-10, atol=1e-12)


def test_inverse_branches():
    # theta in (-pi, pi], r >= 0, phi in [0, pi]
    assert onp.isclose(tr.polar_inverse([-1.0, 0.0])[1], onp.pi)
    assert onp.isclose(tr.polar_inverse([-1.0, -1e-300])[1], -onp.pi)
    onp.testing.assert_allclose(tr.polar_inverse([0.0, 0.0]), [0.0, 0.0])
    onp.testing.assert_allclose(tr.spherical_inverse([0.0, 0.0, 3.0]), [3.0, 0.0, 0.0])
    onp.testing.assert_allclose(tr.spherical_inverse([0.0, 0.0, -3.0]), [3.0, onp.pi, 0.0])
    # a point given with theta outside the branch comes back on it
    q = tr.polar_inverse(tr.polar([2.0, 3 * onp.pi / 2]))
    onp.testing.assert_allclose(q, [2.0, -onp.pi / 2], atol=1e-12)
    # phi is accurate near the pole, where arccos(z / r) loses digits
    phi = tr.spherical_inverse(tr.spherical([1.0, 1e-9, 0.3]))[1]
    assert onp.isclose(phi, 1e-9, rtol=1e-12, atol=0)


radius = st.floats(0.05, 10.0)
angle = st.floats(-3.1, 3.1)
polar_angle = st.floats(0.05, onp.pi - 0.05)
height = st.floats(-10.0, 10.0)


def _check_inverse_function_rule(transform, q):
    q = onp.array(q, dtype=float)
    J_forward = transform.jacobian(q)
    J_inverse = autograd.jacobian(transform.inverse)(transform(q))
    onp.testing.assert_allclose(J_inverse @ J_forward, onp.eye(transform.dim), atol=1e-9)
    onp.testing.assert_allclose(J_inverse, onp.linalg.inv(J_forward), rtol=1e-8, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(radius, angle)
def test_inverse_function_rule_polar(r, theta):
    _check_inverse_function_rule(POLAR, [r, theta])


@settings(max_examples=40, deadline=None)
@given(radius, angle, height)
def test_inverse_function_rule_cylindrical(r, theta, z):
    _check_inverse_function_rule(CYLINDRICAL, [r, theta, z])


@settings(max_examples=40, deadline=None)
@given(radius, polar_angle, angle)
def test_inverse_function_rule_spherical(r, phi, theta):
    _check_inverse_function_rule(SPHERICAL, [r, phi, theta])


@settings(max_examples=30, deadline=None)
@given(radius, polar_angle, angle)
def test_det_of_inverse_is_reciprocal(r, phi, theta):
    q = onp.array([r, phi, theta])
    J_inverse = autograd.jacobian(SPHERICAL.inverse)(SPHERICAL(q))
    assert onp.isclose(
        onp.linalg.det(J_inverse) * SPHERICAL.jacobian_determinant(q), 1.0, rtol=1e-8
    )


# ---------------------------------------------------------------------------------------------
# autograd can see through the maps
# ---------------------------------------------------------------------------------------------


def test_autograd_through_composition_and_elementwise():
    # chain rule through the validated map: grad of |polar(q)|^2 = 2 r in r, 0 in theta
    g = autograd.grad(lambda q: np.sum(tr.polar(q) ** 2))(onp.array([1.5, 0.7]))
    onp.testing.assert_allclose(g, [3.0, 0.0], atol=1e-12)
    # a list holding a traced scalar is accepted too
    d = autograd.grad(lambda r: tr.polar([r, 0.5])[0])(1.0)
    assert onp.isclose(d, onp.cos(0.5))
    d = autograd.grad(lambda t: tr.spherical_jacobian_determinant((2.0, t, 0.1)))(0.3)
    assert onp.isclose(d, 4 * onp.cos(0.3))
    with pytest.raises(ValueError, match=r"^polar: q must have shape \(\.\.\., 2\)"):
        autograd.grad(lambda r: tr.polar([r, 0.5, 1.0])[0])(1.0)
    # batched derivative of one component over many points at once
    q = random_points(POLAR, 7, onp.random.default_rng(6))
    row0 = autograd.elementwise_grad(lambda Q: tr.polar(Q)[..., 0])(q)
    onp.testing.assert_allclose(row0, POLAR.jacobian(q)[:, 0, :], atol=1e-12)
    # the hand Jacobian functions are themselves differentiable (second derivatives)
    h = autograd.jacobian(tr.polar_jacobian_determinant)(onp.array([2.0, 1.0]))
    onp.testing.assert_allclose(h, [1.0, 0.0])


# ---------------------------------------------------------------------------------------------
# CoordinateTransform and linear_transform
# ---------------------------------------------------------------------------------------------


def test_coordinate_transform_object():
    assert POLAR.dim == 2 and CYLINDRICAL.dim == 3 and SPHERICAL.dim == 3
    assert SPHERICAL.variables == ("r", "phi", "theta")
    onp.testing.assert_allclose(POLAR([2.0, 0.5]), tr.polar([2.0, 0.5]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        POLAR.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError, match="CoordinateTransform: forward must be a callable"):
        CoordinateTransform("bad", ("a",), 3, tr.polar, tr.polar, tr.polar)
    with pytest.raises(TypeError, match="CoordinateTransform: variables"):
        CoordinateTransform("bad", (), tr.polar, tr.polar, tr.polar, tr.polar)
    t = CoordinateTransform(
        "p",
        ["r", "theta"],
        tr.polar,
        tr.polar_inverse,
        tr.polar_jacobian,
        tr.polar_jacobian_determinant,
    )
    assert t.variables == ("r", "theta")


def test_linear_transform():
    A = onp.array([[2.0, 1.0, 0.0], [0.5, 3.0, -1.0], [0.0, 1.0, 1.0]])
    T = linear_transform(A)
    u = onp.random.default_rng(7).normal(size=(5, 4, 3))
    onp.testing.assert_allclose(T(u), onp.einsum("ij,...j->...i", A, u))
    onp.testing.assert_allclose(T.inverse(T(u)), u, atol=1e-12)
    assert T.jacobian(u).shape == (5, 4, 3, 3)
    onp.testing.assert_allclose(T.jacobian(u)[2, 1], A)
    onp.testing.assert_allclose(T.jacobian_determinant(u), onp.full((5, 4), onp.linalg.det(A)))
    onp.testing.assert_allclose(autograd.jacobian(T.forward)(u[0, 0]), A)
    onp.testing.assert_allclose(
        autograd.jacobian(T.inverse)(u[0, 0]), onp.linalg.inv(A), atol=1e-12
    )
    assert T.variables == ("u1", "u2", "u3")
    # changing the caller's array afterwards does not change the transform
    A[0, 0] = 100.0
    assert onp.isclose(T.jacobian_determinant(u[0, 0]), onp.linalg.det(T.jacobian(u[0, 0])))
    assert not onp.isclose(T.jacobian(u[0, 0])[0, 0], 100.0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-3, 3, allow_subnormal=False), min_size=8, max_size=8))
def test_linear_transform_det_is_multiplicative(entries):
    A = onp.array(entries[:4]).reshape(2, 2)
    B = onp.array(entries[4:]).reshape(2, 2)
    TA, TB = linear_transform(A), linear_transform(B)
    J = autograd.jacobian(lambda u: TA(TB(u)))(onp.array([0.3, -0.2]))
    with onp.errstate(all="ignore"):  # singular products are allowed
        det_J = onp.linalg.det(J)
    assert onp.isclose(
        det_J, TA.jacobian_determinant([0.0, 0.0]) * TB.jacobian_determinant([0.0, 0.0]), atol=1e-9
    )


def test_linear_transform_bad_input():
    with pytest.raises(ValueError, match=r"linear_transform: A must be a square"):
        linear_transform(onp.ones((2, 3)))
    with pytest.raises(ValueError, match=r"linear_transform: A must be a 2-D array"):
        linear_transform([1.0, 2.0])
    with pytest.raises(ValueError, match=r"linear_transform: A must be finite"):
        linear_transform([[1.0, onp.nan], [0.0, 1.0]])
    with pytest.raises(TypeError, match=r"linear_transform: A must be"):
        linear_transform([["a", "b"], ["c", "d"]])
    with pytest.raises(TypeError, match=r"linear_transform: A must be a real"):
        linear_transform(onp.eye(2) * 1j)
    S = linear_transform([[1.0, 2.0], [2.0, 4.0]])
    onp.testing.assert_allclose(S([1.0, 1.0]), [3.0, 6.0])  # the forward map is fine
    assert S.jacobian_determinant([0.0, 0.0]) == 0.0
    with pytest.raises(ValueError, match=r"linear_transform\(A\)\.inverse: A is singular"):
        S.inverse([1.0, 2.0])
    with pytest.raises(
        ValueError, match=r"linear_transform\(A\)\.forward: u must have shape \(\.\.\., 2\)"
    ):
        S([1.0, 2.0, 3.0])


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------

FUNCS_2 = [
    (tr.polar, "q"),
    (tr.polar_inverse, "p"),
    (tr.polar_jacobian, "q"),
    (tr.polar_jacobian_determinant, "q"),
]
FUNCS_3 = [
    (tr.cylindrical, "q"),
    (tr.cylindrical_inverse, "p"),
    (tr.cylindrical_jacobian, "q"),
    (tr.cylindrical_jacobian_determinant, "q"),
    (tr.spherical, "q"),
    (tr.spherical_inverse, "p"),
    (tr.spherical_jacobian, "q"),
    (tr.spherical_jacobian_determinant, "q"),
]
ALL = [(f, a, 2) for f, a in FUNCS_2] + [(f, a, 3) for f, a in FUNCS_3]


@pytest.mark.parametrize("func,arg,n", ALL, ids=[f.__name__ for f, _, _ in ALL])
def test_bad_input_rejected(func, arg, n):
    name = func.__name__
    wrong = onp.ones(n + 1)
    with pytest.raises(
        ValueError, match=rf"^{name}: {arg} must have shape \(\.\.\., {n}\), got shape \({n + 1},\)"
    ):
        func(wrong)
    with pytest.raises(ValueError, match=rf"^{name}: {arg} must have shape \(\.\.\., {n}\)"):
        func(onp.ones((4, n - 1)))
    with pytest.raises(ValueError, match=rf"^{name}: {arg} must have shape"):
        func(1.0)
    bad = onp.ones((3, n))
    bad[1, 0] = onp.nan
    with pytest.raises(ValueError, match=rf"^{name}: {arg} must be finite"):
        func(bad)
    bad[1, 0] = onp.inf
    with pytest.raises(ValueError, match=rf"^{name}: {arg} must be finite"):
        func(bad)
    with pytest.raises(TypeError, match=rf"^{name}: {arg} must be an array of numbers"):
        func(["a"] * n)
    with pytest.raises(TypeError, match=rf"^{name}: {arg} must be an array of numbers"):
        func(tr.polar)
    with pytest.raises(TypeError, match=rf"^{name}: {arg} must be an array of real numbers"):
        func(onp.ones(n) * 1j)
    with pytest.raises(TypeError, match=rf"^{name}: {arg} must be an array of numbers"):
        func([[1.0, 2.0], [1.0]])
