"""Tests of jaccourse.integrals.

Oracles not written by us: closed forms, scipy.special.roots_legendre, scipy.integrate
(quad, dblquad, nquad), and statistics of the Monte Carlo estimator.
"""

from __future__ import annotations

import math

import autograd.numpy as np
import numpy as onp
import pytest
from autograd.tracer import Box
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate as si
from scipy import special

from jaccourse import integrals as ig
from jaccourse.integrals import (
    MonteCarloEstimate,
    gauss_legendre,
    gaussian_integral_1d,
    gaussian_integral_monte_carlo,
    gaussian_integral_squared_cartesian,
    gaussian_integral_squared_polar,
    integrate_box,
    integrate_change_of_variables,
    integrate_interval,
)
from jaccourse.transforms import CYLINDRICAL, POLAR, SPHERICAL, linear_transform

SQRT_PI = math.sqrt(math.pi)


# ---------------------------------------------------------------------------------------------
# Gauss-Legendre
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 17, 64])
def test_gauss_legendre_matches_scipy(n):
    x, w = gauss_legendre(n, -1.5, 4.0)
    t, v = special.roots_legendre(n)
    onp.testing.assert_allclose(x, 1.25 + 2.75 * t, rtol=1e-13, atol=1e-13)
    onp.testing.assert_allclose(w, 2.75 * v, rtol=1e-11)
    assert onp.isclose(w.sum(), 5.5) and onp.all(onp.diff(x) > 0)
    assert x.shape == w.shape == (n,)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12), st.floats(-5, 5), st.floats(0.1, 5), st.integers(0, 2**32 - 1))
def test_gauss_legendre_exact_for_degree_2n_minus_1(n, a, width, seed):
    b = a + width
    coeffs = onp.random.default_rng(seed).normal(size=2 * n)  # degree 2n - 1
    x, w = gauss_legendre(n, a, b)
    exact = onp.polynomial.Polynomial(coeffs).integ()
    assert onp.isclose(
        w @ onp.polynomial.Polynomial(coeffs)(x), exact(b) - exact(a), rtol=1e-9, atol=1e-9
    )


# ---------------------------------------------------------------------------------------------
# integrate_box
# ---------------------------------------------------------------------------------------------


def test_integrate_box_against_quad_1d():
    f = lambda x: onp.sin(3 * x[:, 0]) * onp.exp(x[:, 0])  # noqa: E731
    ref, _ = si.quad(lambda t: onp.sin(3 * t) * onp.exp(t), -1.0, 2.0, epsabs=1e-13)
    assert onp.isclose(integrate_box(f, [(-1.0, 2.0)], 30), ref, rtol=1e-12)


def test_integrate_box_against_nquad_3d():
    def f(x):
        return onp.exp(x[:, 0] * x[:, 1]) * onp.cos(x[:, 2]) + x[:, 2] ** 2

    ref, _ = si.nquad(
        lambda x, y, z: onp.exp(x * y) * onp.cos(z) + z**2,
        [(0, 1), (0, 2), (-1, 1)],
        opts={"epsabs": 1e-12, "epsrel": 1e-12},
    )
    assert onp.isclose(integrate_box(f, [(0, 1), (0, 2), (-1, 1)], 20), ref, rtol=1e-10)
    # n per axis: the last axis needs fewer nodes than the first two
    assert onp.isclose(integrate_box(f, [(0, 1), (0, 2), (-1, 1)], [20, 20, 12]), ref, rtol=1e-10)


def test_integrate_box_against_dblquad_and_exact_polynomial():
    # exact: degree 3 in x, 1 in y with 2 nodes on each axis
    f = lambda x: x[:, 0] ** 3 * x[:, 1] + 1  # noqa: E731
    assert onp.isclose(integrate_box(f, [(0, 2), (1, 3)], 2), 4 * 4 + 4)
    g = lambda x: onp.cos(x[:, 0] + 2 * x[:, 1]) / (1 + x[:, 0] ** 2)  # noqa: E731
    ref, _ = si.dblquad(lambda y, x: onp.cos(x + 2 * y) / (1 + x**2), -1, 1, 0, 2, epsabs=1e-13)
    assert onp.isclose(integrate_box(g, [(-1, 1), (0, 2)], 40), ref, rtol=1e-11)


# ---------------------------------------------------------------------------------------------
# integrate_interval (oriented 1-D integrals)
# ---------------------------------------------------------------------------------------------

QUAD_CASES = [
    (lambda t: onp.sin(3 * t) * onp.exp(t), -1.0, 2.0),
    (lambda t: 1.0 / (1.0 + t**2), -3.0, 0.5),
    (lambda t: onp.exp(-(t**2)), -4.0, 4.0),
    (lambda t: onp.sqrt(t) * onp.cos(t), 1.0, 5.0),
    (lambda t: t**2, 0.25, 1.0),
]


@pytest.mark.parametrize("f, a, b", QUAD_CASES)
def test_integrate_interval_against_quad_in_both_orientations(f, a, b):
    forward_ref, _ = si.quad(f, a, b, epsabs=1e-13, epsrel=1e-13)
    backward_ref, _ = si.quad(f, b, a, epsabs=1e-13, epsrel=1e-13)  # quad's own convention
    forward = integrate_interval(f, a, b)
    backward = integrate_interval(f, b, a)
    assert isinstance(forward, float)
    assert math.isclose(forward, forward_ref, rel_tol=1e-12, abs_tol=1e-14)
    assert math.isclose(backward, backward_ref, rel_tol=1e-12, abs_tol=1e-14)
    assert backward == -forward  # swapping the limits flips the sign, exactly


def test_integrate_interval_equal_limits_give_zero_and_additivity_holds_in_any_order():
    f = lambda t: onp.exp(t) * onp.cos(t)  # noqa: E731
    assert integrate_interval(f, 1.5, 1.5) == 0.0
    assert integrate_interval(onp.cos, -2.0, -2.0, n=3) == 0.0
    # ∫_p^q + ∫_q^s = ∫_p^s for every order of p, q, s: the point of the convention
    for p, q, s in [(0.0, 1.0, 2.0), (2.0, 0.0, 1.0), (1.0, 2.0, 0.0), (0.5, -1.0, 0.5)]:
        total = integrate_interval(f, p, q) + integrate_interval(f, q, s)
        assert math.isclose(total, integrate_interval(f, p, s), rel_tol=1e-13, abs_tol=1e-14)


def test_integrate_interval_matches_gauss_legendre_and_integrate_box():
    f = lambda t: onp.log1p(t**2)  # noqa: E731
    x, w = gauss_legendre(17, -0.5, 1.5)
    assert integrate_interval(f, -0.5, 1.5, n=17) == float(w @ f(x))
    assert integrate_interval(f, -0.5, 1.5, n=17) == integrate_box(
        lambda p: f(p[:, 0]), [(-0.5, 1.5)], 17
    )


@pytest.mark.parametrize("n", [1, 2, 3, 8])
def test_integrate_interval_exact_for_degree_2n_minus_1_reversed(n):
    coeffs = onp.random.default_rng(n).normal(size=2 * n)
    poly = onp.polynomial.Polynomial(coeffs)
    anti = poly.integ()
    assert math.isclose(
        integrate_interval(poly, 2.0, -1.0, n=n),
        anti(-1.0) - anti(2.0),
        rel_tol=1e-12,
        abs_tol=1e-12,
    )


def test_integrate_interval_substitution_with_a_decreasing_map():
    # x = g(u) = e^{-u}: the oriented form ∫_{g^-1(a)}^{g^-1(b)} f(g(u)) g'(u) du is right,
    # the seed's mix with |g'| and oriented limits gives the negative
    f = lambda x: x**2  # noqa: E731
    a, b = 0.25, 1.0
    alpha, beta = -onp.log(a), -onp.log(b)
    truth = 21 / 64
    oriented = integrate_interval(lambda u: f(onp.exp(-u)) * -onp.exp(-u), alpha, beta)
    mixed = integrate_interval(lambda u: f(onp.exp(-u)) * onp.exp(-u), alpha, beta)
    assert math.isclose(oriented, truth, rel_tol=1e-14)
    assert math.isclose(mixed, -truth, rel_tol=1e-14)


# ---------------------------------------------------------------------------------------------
# the Gaussian integral, many ways
# ---------------------------------------------------------------------------------------------


def test_gaussian_integral_closed_forms_at_defaults():
    assert abs(gaussian_integral_1d() - SQRT_PI) < 1e-14
    assert abs(gaussian_integral_squared_cartesian() - math.pi) < 5e-14
    assert abs(gaussian_integral_squared_polar() - math.pi) < 1e-14
    # forgetting |det J| = r: pi^{3/2}, the course's wrong answer
    wrong = gaussian_integral_squared_polar(include_jacobian=False)
    assert abs(wrong - math.pi**1.5) < 1e-13
    assert abs(wrong - math.pi) > 2


def test_gaussian_integral_truncation_and_convergence():
    # on [-L, L] the exact value is sqrt(pi) erf(L): check the quadrature separately
    for L in (1.0, 2.0, 3.0):
        assert onp.isclose(gaussian_integral_1d(64, L), SQRT_PI * math.erf(L), rtol=1e-14)
        assert onp.isclose(
            gaussian_integral_squared_polar(64, L), math.pi * (1 - math.exp(-(L**2))), rtol=1e-13
        )
    errors = [abs(gaussian_integral_1d(n) - SQRT_PI) for n in (8, 16, 32, 48)]
    assert all(e1 > e2 for e1, e2 in zip(errors, errors[1:], strict=False))
    # cartesian I^2 is the square of the 1-D rule (the rule and the integrand factor)
    for n in (10, 30):
        assert onp.isclose(
            gaussian_integral_squared_cartesian(n, 5.0),
            gaussian_integral_1d(n, 5.0) ** 2,
            rtol=1e-13,
        )


def test_normalising_constant_of_a_2d_gaussian_through_a_cholesky_factor():
    S = onp.array([[2.0, 0.6], [0.6, 0.5]])
    S_inv = onp.linalg.inv(S)
    T = linear_transform(onp.linalg.cholesky(S))  # x = L u, |det J| = sqrt(det S)

    def density(x):
        return onp.exp(-0.5 * onp.einsum("ni,ij,nj->n", x, S_inv, x))

    value = integrate_change_of_variables(density, T, [(-10, 10), (-10, 10)], 64)
    assert onp.isclose(value, 2 * onp.pi * onp.sqrt(onp.linalg.det(S)), rtol=1e-13)
    # the same through an autograd-differentiated callable
    Lc = onp.linalg.cholesky(S)
    value2 = integrate_change_of_variables(
        density, lambda u: np.dot(u, Lc.T), [(-10, 10), (-10, 10)], 64
    )
    assert onp.isclose(value2, value, rtol=1e-13)


def test_orientation_reversing_map_uses_absolute_determinant():
    swap = linear_transform([[0.0, 1.0], [1.0, 0.0]])  # det = -1
    assert swap.jacobian_determinant([0.0, 0.0]) == -1.0
    value = integrate_change_of_variables(lambda x: x[:, 0] ** 2, swap, [(0, 1), (0, 2)], 4)
    assert onp.isclose(value, 8 / 3)  # ∫_0^2∫_0^1 x^2 with x = u2: ∫ u2^2 du2 over [0,2] times 1


# ---------------------------------------------------------------------------------------------
# change of variables against scipy and closed forms
# ---------------------------------------------------------------------------------------------


def test_ball_volume_through_spherical():
    one = lambda x: onp.ones(len(x))  # noqa: E731
    value = integrate_change_of_variables(
        one, SPHERICAL, [(0, 2), (0, onp.pi), (0, 2 * onp.pi)], 12
    )
    assert onp.isclose(value, 32 * onp.pi / 3, rtol=1e-13)
    ref, _ = si.tplquad(
        lambda z, y, x: 1.0,
        -2,
        2,
        lambda x: -onp.sqrt(4 - x**2),
        lambda x: onp.sqrt(4 - x**2),
        lambda x, y: -onp.sqrt(max(4 - x**2 - y**2, 0.0)),
        lambda x, y: onp.sqrt(max(4 - x**2 - y**2, 0.0)),
        epsabs=1e-8,
        epsrel=1e-8,
    )
    assert onp.isclose(value, ref, rtol=1e-6)


def test_polynomial_over_ball_through_spherical():
    # ∫_{unit ball} (1 + x^2 + z) = 4pi/3 + 4pi/15 + 0 = 8pi/5
    f = lambda x: 1 + x[:, 0] ** 2 + x[:, 2]  # noqa: E731
    value = integrate_change_of_variables(f, SPHERICAL, [(0, 1), (0, onp.pi), (0, 2 * onp.pi)], 16)
    assert onp.isclose(value, 8 * onp.pi / 5, rtol=1e-13)


def test_harmonic_function_over_disc_against_dblquad():
    # exp(x) cos(y) is harmonic: its mean over a disc is its value at the centre (1)
    f = lambda x: onp.exp(x[:, 0]) * onp.cos(x[:, 1])  # noqa: E731
    value = integrate_change_of_variables(f, POLAR, [(0, 1), (0, 2 * onp.pi)], 24)
    assert onp.isclose(value, onp.pi, rtol=1e-13)
    ref, _ = si.dblquad(
        lambda y, x: onp.exp(x) * onp.cos(y),
        -1,
        1,
        lambda x: -onp.sqrt(1 - x**2),
        lambda x: onp.sqrt(1 - x**2),
        epsabs=1e-11,
        epsrel=1e-11,
    )
    assert onp.isclose(value, ref, rtol=1e-9)


def test_cylinder_through_cylindrical():
    a, h = 1.5, 2.0
    bounds = [(0, a), (0, 2 * onp.pi), (0, h)]
    n = [8, 24, 8]  # cos^2(theta) is not a polynomial: more nodes in theta
    vol = integrate_change_of_variables(lambda x: onp.ones(len(x)), CYLINDRICAL, bounds, n)
    assert onp.isclose(vol, onp.pi * a**2 * h, rtol=1e-13)
    # ∫ z x^2 over the cylinder = (pi a^4 / 4) (h^2 / 2); compare with nquad in cylindrical
    # variables
    g = lambda x: x[:, 2] * x[:, 0] ** 2  # noqa: E731
    value = integrate_change_of_variables(g, CYLINDRICAL, bounds, n)
    assert onp.isclose(value, onp.pi * a**4 / 4 * h**2 / 2, rtol=1e-13)
    ref, _ = si.nquad(lambda r, t, z: z * (r * onp.cos(t)) ** 2 * r, bounds)
    assert onp.isclose(value, ref, rtol=1e-10)


@pytest.mark.parametrize(
    "transform,bounds",
    [
        (POLAR, [(0.1, 2.0), (-1.0, 2.5)]),
        (CYLINDRICAL, [(0.1, 2.0), (-1.0, 2.5), (0.0, 1.0)]),
        (SPHERICAL, [(0.1, 2.0), (0.2, 2.8), (-1.0, 2.5)]),
    ],
    ids=["polar", "cylindrical", "spherical"],
)
def test_callable_transform_autograd_det_matches_hand_det(transform, bounds):
    nodes, _ = ig._tensor_rule("test", bounds, 5)
    auto = ig._autograd_determinants("test", transform.forward, nodes)
    onp.testing.assert_allclose(auto, transform.jacobian_determinant(nodes), rtol=1e-12, atol=1e-13)

    def f(x):
        return onp.exp(-onp.sum(x**2, axis=1)) * (1 + x[:, 0])

    by_hand = integrate_change_of_variables(f, transform, bounds, 10)
    by_autograd = integrate_change_of_variables(f, transform.forward, bounds, 10)
    assert onp.isclose(by_hand, by_autograd, rtol=1e-12)
    plain = integrate_change_of_variables(f, transform.forward, bounds, 10, include_jacobian=False)
    assert onp.isclose(plain, integrate_box(lambda u: f(transform(u)), bounds, 10), rtol=1e-13)


def test_callable_transform_with_a_constant_component():
    # the second output does not depend on u: det J = 0, no warning escapes, the integral is 0
    def squash(u):
        return np.stack([u[..., 0] + u[..., 1], 0.0 * u[..., 0] + 1.0], axis=-1)

    def squash_constant(u):
        return np.stack([u[..., 0], np.ones(np.shape(u)[:-1])], axis=-1)

    assert (
        integrate_change_of_variables(lambda x: onp.ones(len(x)), squash, [(0, 1), (0, 1)], 3)
        == 0.0
    )
    assert (
        integrate_change_of_variables(
            lambda x: onp.ones(len(x)), squash_constant, [(0, 1), (0, 1)], 3
        )
        == 0.0
    )


# ---------------------------------------------------------------------------------------------
# Monte Carlo
# ---------------------------------------------------------------------------------------------


def test_monte_carlo_close_to_sqrt_pi_and_deterministic():
    est = gaussian_integral_monte_carlo(200_000, rng=12345)
    assert isinstance(est, MonteCarloEstimate) and est.n_samples == 200_000
    assert abs(est.value - SQRT_PI) < 4 * est.stderr
    assert gaussian_integral_monte_carlo(200_000, rng=12345) == est
    gen = onp.random.default_rng(12345)
    assert gaussian_integral_monte_carlo(200_000, rng=gen) == est
    assert gaussian_integral_monte_carlo(200_000, rng=1) != est
    # most seeds land within 2 stderr, all of these within 4
    hits = [
        abs(e.value - SQRT_PI) < 4 * e.stderr
        for e in (gaussian_integral_monte_carlo(20_000, rng=s) for s in range(20))
    ]
    assert all(hits)


def test_monte_carlo_stderr_shrinks_like_one_over_sqrt_n():
    small = gaussian_integral_monte_carlo(10_000, rng=0)
    large = gaussian_integral_monte_carlo(1_000_000, rng=0)
    assert 9.0 < small.stderr / large.stderr < 11.0
    # the standard error of the estimator: sigma * 2L / sqrt(N), sigma of e^{-X^2}, X ~ U(-L, L)
    L = 6.0
    mean = SQRT_PI * math.erf(L) / (2 * L)
    second = math.sqrt(math.pi / 2) * math.erf(math.sqrt(2) * L) / (2 * L)
    sigma = 2 * L * math.sqrt(second - mean**2)
    assert onp.isclose(large.stderr, sigma / 1000, rtol=0.02)


def test_monte_carlo_chunks_agree_with_one_pass(monkeypatch):
    monkeypatch.setattr(ig, "_MC_CHUNK", 7)
    est = gaussian_integral_monte_carlo(100, L=3.0, rng=5)
    y = 6.0 * onp.exp(-(onp.random.default_rng(5).uniform(-3.0, 3.0, 100) ** 2))
    assert onp.isclose(est.value, y.mean(), rtol=1e-14)
    assert onp.isclose(est.stderr, y.std(ddof=1) / 10, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


def one(x):
    return onp.ones(len(x))


def test_gauss_legendre_bad_input():
    with pytest.raises(ValueError, match=r"^gauss_legendre: n must be an integer >= 1, got 0"):
        gauss_legendre(0, 0, 1)
    with pytest.raises(TypeError, match=r"^gauss_legendre: n must be an integer"):
        gauss_legendre(2.5, 0, 1)
    with pytest.raises(TypeError, match=r"^gauss_legendre: n must be an integer"):
        gauss_legendre(True, 0, 1)
    with pytest.raises(ValueError, match=r"^gauss_legendre: n must be an integer <= 2000"):
        gauss_legendre(10**6, 0, 1)
    with pytest.raises(ValueError, match=r"^gauss_legendre: a must be < b"):
        gauss_legendre(3, 1, 1)
    with pytest.raises(ValueError, match=r"^gauss_legendre: a must be < b"):
        gauss_legendre(3, 2, 1)
    with pytest.raises(ValueError, match=r"^gauss_legendre: b must be finite"):
        gauss_legendre(3, 0, onp.inf)
    with pytest.raises(ValueError, match=r"^gauss_legendre: a must be finite"):
        gauss_legendre(3, onp.nan, 1)
    with pytest.raises(TypeError, match=r"^gauss_legendre: a must be a real number"):
        gauss_legendre(3, "0", 1)


def test_integrate_box_bad_input():
    with pytest.raises(TypeError, match=r"^integrate_box: f must be a callable"):
        integrate_box(3.0, [(0, 1)], 4)
    with pytest.raises(ValueError, match=r"^integrate_box: n must be an integer >= 1, got 0"):
        integrate_box(one, [(0, 1)], 0)
    with pytest.raises(
        ValueError, match=r"^integrate_box: n must be an int or a sequence of 2 ints"
    ):
        integrate_box(one, [(0, 1), (0, 1)], [3, 3, 3])
    with pytest.raises(TypeError, match=r"^integrate_box: n must be an int or a sequence"):
        integrate_box(one, [(0, 1)], 4.0)
    with pytest.raises(
        ValueError, match=r"^integrate_box: n gives .* nodes in total, more than MAX_NODES"
    ):
        integrate_box(one, [(0, 1)] * 3, 200)
    with pytest.raises(ValueError, match=r"^integrate_box: bounds must be finite.*truncate"):
        integrate_box(one, [(-onp.inf, onp.inf)], 4)
    with pytest.raises(ValueError, match=r"^integrate_box: bounds must be finite"):
        integrate_box(one, [(0, onp.nan)], 4)
    with pytest.raises(
        ValueError, match=r"^integrate_box: bounds must have a < b on every axis.*axis 1"
    ):
        integrate_box(one, [(0, 1), (2, 2)], 4)
    with pytest.raises(
        ValueError, match=r"^integrate_box: bounds must have shape \(d, 2\).*\[\(a, b\)\]"
    ):
        integrate_box(one, (0, 1), 4)
    with pytest.raises(ValueError, match=r"^integrate_box: bounds must have shape \(d, 2\)"):
        integrate_box(one, [], 4)
    with pytest.raises(TypeError, match=r"^integrate_box: bounds must be a sequence"):
        integrate_box(one, [("a", "b")], 4)
    with pytest.raises(ValueError, match=r"^integrate_box: f must be vectorised.*got shape \(\)"):
        integrate_box(lambda x: 1.0, [(0, 1)], 4)
    with pytest.raises(
        ValueError, match=r"^integrate_box: f must be vectorised.*got shape \(4, 1\)"
    ):
        integrate_box(lambda x: x, [(0, 1)], 4)
    with pytest.raises(ValueError, match=r"^integrate_box: f returned NaN or inf"):
        integrate_box(lambda x: onp.where(x[:, 0] > 0.5, onp.nan, 1.0), [(0, 1)], 4)
    with pytest.raises(TypeError, match=r"^integrate_box: f must return an array of real numbers"):
        integrate_box(lambda x: ["a"] * len(x), [(0, 1)], 4)


def test_integrate_change_of_variables_bad_input():
    box = [(0, 1), (0, 1)]
    with pytest.raises(TypeError, match=r"^integrate_change_of_variables: f must be a callable"):
        integrate_change_of_variables(None, POLAR, box, 4)
    with pytest.raises(
        TypeError, match=r"^integrate_change_of_variables: transform must be a callable"
    ):
        integrate_change_of_variables(one, "polar", box, 4)
    with pytest.raises(
        ValueError, match=r"^integrate_change_of_variables: transform 'spherical' has 3 variables"
    ):
        integrate_change_of_variables(one, SPHERICAL, box, 4)
    with pytest.raises(
        ValueError,
        match=r"^integrate_change_of_variables: transform must map points of shape"
        r" \(N, d\) = \(16, 2\) to the same shape",
    ):
        integrate_change_of_variables(one, lambda u: u[:, 0], box, 4)
    with pytest.raises(
        ValueError, match=r"^integrate_change_of_variables: transform returned NaN or inf"
    ):
        integrate_change_of_variables(one, lambda u: np.where(u > 0.5, np.inf, u), box, 4)
    # plain numpy.stack is invisible to autograd (zero derivatives): caught, not a silent 0
    with pytest.raises(
        ValueError,
        match=r"^integrate_change_of_variables: autograd's Jacobian of transform "
        r"disagrees with finite differences",
    ):
        integrate_change_of_variables(
            one, lambda u: onp.stack([np.sin(u[..., 0]), u[..., 1]], axis=-1), box, 4
        )
    # a map that is not pointwise (each point depends on all the others) is caught too
    with pytest.raises(
        ValueError,
        match=r"^integrate_change_of_variables: autograd's Jacobian of transform "
        r"disagrees",
    ):
        integrate_change_of_variables(one, lambda u: u + np.sum(u, axis=0), box, 4)

    def in_place(u):
        out = onp.empty_like(u)
        out[..., 0] = u[..., 1]
        out[..., 1] = u[..., 0]
        return out

    # in-place assignment into a numpy array also hides the derivatives from autograd
    with pytest.raises(
        ValueError,
        match=r"^integrate_change_of_variables: autograd's Jacobian of transform "
        r"disagrees",
    ):
        integrate_change_of_variables(one, in_place, box, 4)

    def untraceable(u):
        if isinstance(u, Box):
            raise NotImplementedError("this map cannot be traced")
        return u

    with pytest.raises(
        TypeError,
        match=r"^integrate_change_of_variables: transform could not be differentiated"
        r" by autograd \(NotImplementedError: this map cannot be traced\)",
    ):
        integrate_change_of_variables(one, untraceable, box, 4)
    with pytest.raises(ValueError, match=r"^integrate_change_of_variables: bounds must be finite"):
        integrate_change_of_variables(one, POLAR, [(0, onp.inf), (0, 2 * onp.pi)], 4)
    with pytest.raises(ValueError, match=r"^integrate_change_of_variables: f must be vectorised"):
        integrate_change_of_variables(lambda x: x, POLAR, box, 4)
    with pytest.raises(
        TypeError, match=r"^integrate_change_of_variables: include_jacobian must be True or False"
    ):
        integrate_change_of_variables(one, POLAR, box, 4, include_jacobian=1)
    with pytest.raises(
        ValueError, match=r"^integrate_change_of_variables: n must be an integer >= 1"
    ):
        integrate_change_of_variables(one, POLAR, box, -3)


def test_gaussian_helpers_bad_input():
    with pytest.raises(ValueError, match=r"^gaussian_integral_1d: L must be > 0"):
        gaussian_integral_1d(64, 0.0)
    with pytest.raises(ValueError, match=r"^gaussian_integral_1d: n must be an integer >= 1"):
        gaussian_integral_1d(0)
    with pytest.raises(ValueError, match=r"^gaussian_integral_squared_cartesian: L must be finite"):
        gaussian_integral_squared_cartesian(64, onp.inf)
    with pytest.raises(ValueError, match=r"^gaussian_integral_squared_polar: R must be > 0"):
        gaussian_integral_squared_polar(64, -1.0)
    with pytest.raises(TypeError, match=r"^gaussian_integral_squared_polar: include_jacobian"):
        gaussian_integral_squared_polar(include_jacobian="no")
    with pytest.raises(
        ValueError, match=r"^gaussian_integral_monte_carlo: n_samples must be an integer >= 2"
    ):
        gaussian_integral_monte_carlo(1)
    with pytest.raises(
        TypeError, match=r"^gaussian_integral_monte_carlo: n_samples must be an integer"
    ):
        gaussian_integral_monte_carlo(1e4)
    with pytest.raises(
        ValueError, match=r"^gaussian_integral_monte_carlo: n_samples must be an integer <= "
    ):
        gaussian_integral_monte_carlo(10**12)
    with pytest.raises(ValueError, match=r"^gaussian_integral_monte_carlo: L must be > 0"):
        gaussian_integral_monte_carlo(100, L=-1.0)
    with pytest.raises(TypeError, match=r"^gaussian_integral_monte_carlo: rng must be"):
        gaussian_integral_monte_carlo(100, rng="seed")


def test_integrate_interval_bad_input():
    with pytest.raises(TypeError, match=r"^integrate_interval: f must be a callable"):
        integrate_interval(3.0, 0.0, 1.0)
    with pytest.raises(
        ValueError,
        match=r"^integrate_interval: f must be vectorised: take x of shape \(n,\) = \(8,\)",
    ):
        integrate_interval(lambda x: 1.0, 0.0, 1.0, n=8)
    with pytest.raises(ValueError, match=r"^integrate_interval: f must be vectorised"):
        integrate_interval(lambda x: onp.stack([x, x]), 0.0, 1.0)
    with pytest.raises(
        TypeError, match=r"^integrate_interval: f must return an array of real numbers"
    ):
        integrate_interval(lambda x: "x", 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^integrate_interval: f returned NaN or inf"):
        integrate_interval(lambda x: onp.where(x > 0.5, onp.inf, x), 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^integrate_interval: a must be finite"):
        integrate_interval(onp.cos, onp.nan, 1.0)
    with pytest.raises(ValueError, match=r"^integrate_interval: b must be finite"):
        integrate_interval(onp.cos, 0.0, -onp.inf)
    with pytest.raises(TypeError, match=r"^integrate_interval: b must be a real number"):
        integrate_interval(onp.cos, 0.0, "1")
    with pytest.raises(TypeError, match=r"^integrate_interval: a must be a real number"):
        integrate_interval(onp.cos, [0.0], 1.0)
    with pytest.raises(ValueError, match=r"^integrate_interval: n must be an integer >= 1, got 0"):
        integrate_interval(onp.cos, 0.0, 1.0, n=0)
    with pytest.raises(TypeError, match=r"^integrate_interval: n must be an integer"):
        integrate_interval(onp.cos, 0.0, 1.0, n=4.0)
    with pytest.raises(ValueError, match=r"^integrate_interval: n must be an integer <= 2000"):
        integrate_interval(onp.cos, 0.0, 1.0, n=10**6)
