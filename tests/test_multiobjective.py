"""Tests of jaccourse.multiobjective.

Oracles not written by us: closed-form gradients of quadratics, ``jacobian_fd`` (central
differences), ``numpy`` matrix products and ``numpy.linalg.norm`` for the Gram matrix and the
cosines, an independent sort-and-sweep algorithm for the 2-D Pareto front, and the order
axioms of Pareto dominance checked with hypothesis.
"""

from __future__ import annotations

import itertools
import math

import autograd.numpy as np
import numpy as onp
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jaccourse.derivatives import gradient, jacobian_fd
from jaccourse.multiobjective import (
    GradientConflicts,
    dominates,
    gradient_conflicts,
    non_dominated,
    objective_jacobian,
    pareto_mask,
    weighted_sum,
)

FAST = settings(max_examples=60, deadline=None)

A1, A2, A3 = onp.array([0.0, 0.0]), onp.array([2.0, 0.0]), onp.array([0.5, 1.5])


def quadratics(x):
    """f_i(x) = |x - a_i|^2 for three centres: gradients 2 (x - a_i)."""
    return np.array([np.sum((x - A1) ** 2), np.sum((x - A2) ** 2), np.sum((x - A3) ** 2)])


def mixed(x):
    """Three objectives of three variables, not quadratic."""
    return np.array([np.sin(x[0]) * x[1], np.exp(x[2] - x[0]), x[0] ** 2 + np.log1p(x[1] ** 2)])


# ------------------------------------------------------------------------------------------
# objective_jacobian
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("x", [(0.0, 0.0), (1.0, 1.0), (-2.5, 0.7), (2.0, 0.0)])
def test_objective_jacobian_of_quadratics_is_stacked_gradients(x):
    x = onp.array(x)
    J = objective_jacobian(quadratics, x)
    expected = onp.stack([2 * (x - A1), 2 * (x - A2), 2 * (x - A3)])
    assert J.shape == (3, 2)
    assert onp.allclose(J, expected, rtol=0, atol=1e-14)
    for i in range(3):        # row i is the gradient of f_i
        assert onp.allclose(J[i], gradient(lambda z, i=i: quadratics(z)[i], x), atol=1e-14)


@pytest.mark.parametrize("x", [(0.3, -1.2, 0.5), (1.0, 2.0, -1.0)])
def test_objective_jacobian_matches_central_differences(x):
    J = objective_jacobian(mixed, x)
    assert J.shape == (3, 3)
    assert onp.allclose(J, jacobian_fd(mixed, x), rtol=1e-8, atol=1e-9)


def test_objective_jacobian_accepts_a_list_and_returns_plain_float_array():
    J = objective_jacobian(lambda x: [x[0] * x[1], x[0] + 2 * x[1]], [1.0, 3.0])
    assert type(J) is onp.ndarray and J.dtype == onp.float64
    assert onp.array_equal(J, [[3.0, 1.0], [1.0, 2.0]])


@pytest.mark.parametrize("F,x,exc,pattern", [
    ("not callable", [1.0], TypeError, r"^objective_jacobian: F must be a callable"),
    (quadratics, [[1.0, 2.0]], ValueError, r"^objective_jacobian: x must be a 1-D array"),
    (quadratics, [1.0, onp.nan], ValueError, r"^objective_jacobian: x must be finite"),
    (lambda x: np.sum(x ** 2), [1.0, 2.0], ValueError,
     r"^objective_jacobian: f must return a 1-D array of shape \(m,\), got a scalar"),
    (lambda x: onp.array([onp.sum(x ** 2), x[0]]), [1.0, 2.0], TypeError,
     r"^objective_jacobian: f mixes plain numpy with autograd"),
])
def test_objective_jacobian_errors_name_the_function_and_argument(F, x, exc, pattern):
    with pytest.raises(exc, match=pattern):
        objective_jacobian(F, x)


# ------------------------------------------------------------------------------------------
# gradient_conflicts
# ------------------------------------------------------------------------------------------

def test_conflicts_hand_case():
    J = onp.array([[1.0, 0.0], [-1.0, 1.0], [0.0, 2.0], [1.0, 1.0]])
    c = gradient_conflicts(J)
    assert isinstance(c, GradientConflicts)
    assert onp.array_equal(c.inner_products, J @ J.T)
    assert c.conflicting_pairs == ((0, 1),)
    assert c.has_conflict and c.zero_rows == ()
    assert onp.allclose(c.norms, [1.0, math.sqrt(2), 2.0, math.sqrt(2)], rtol=1e-15)
    assert c.cosines[0, 1] == pytest.approx(-1 / math.sqrt(2), rel=1e-15)
    assert c.cosines[1, 3] == 0.0                    # orthogonal exactly: no conflict
    assert onp.array_equal(onp.diag(c.cosines), onp.ones(4))


def test_opposite_and_parallel_gradients_have_cosine_minus_one_and_one():
    c = gradient_conflicts([[3.0, -4.0], [-6.0, 8.0], [0.3, -0.4]])
    assert c.cosines[0, 1] == -1.0 and c.cosines[1, 2] == -1.0 and c.cosines[0, 2] == 1.0
    assert c.conflicting_pairs == ((0, 1), (1, 2))


def test_a_zero_gradient_gives_cosine_zero_and_no_nan():
    J = onp.array([[0.0, 0.0, 0.0], [1.0, -2.0, 2.0], [-1.0, 0.0, 0.0]])
    c = gradient_conflicts(J)
    assert c.zero_rows == (0,)
    assert not onp.any(onp.isnan(c.cosines))
    assert onp.array_equal(c.cosines[0], [0.0, 0.0, 0.0])
    assert onp.array_equal(c.cosines[:, 0], [0.0, 0.0, 0.0])
    assert c.cosines[1, 1] == 1.0 and c.norms[0] == 0.0 and c.norms[1] == 3.0
    assert c.conflicting_pairs == ((1, 2),)
    all_zero = gradient_conflicts(onp.zeros((2, 3)))
    assert all_zero.zero_rows == (0, 1) and not all_zero.has_conflict
    assert onp.array_equal(all_zero.cosines, onp.zeros((2, 2)))


def test_one_objective_has_no_conflict():
    c = gradient_conflicts([[1.0, 2.0]])
    assert c.inner_products.shape == (1, 1) and c.cosines[0, 0] == 1.0
    assert c.conflicting_pairs == () and not c.has_conflict


def test_results_are_read_only():
    c = gradient_conflicts(onp.eye(2))
    for arr in (c.inner_products, c.cosines, c.norms):
        with pytest.raises(ValueError):
            arr[0] = 5.0
    with pytest.raises(AttributeError):
        c.norms = onp.zeros(2)  # type: ignore[misc]


@pytest.mark.parametrize("scale", [1e-200, 1e-150, 1e150])
def test_extreme_scales_keep_cosines_and_conflicts(scale):
    J = onp.array([[1.0, 2.0], [-2.0, 0.5], [3.0, -1.0]])
    ref = gradient_conflicts(J)
    c = gradient_conflicts(J * scale)
    assert onp.allclose(c.cosines, ref.cosines, rtol=1e-14, atol=1e-15)
    assert c.conflicting_pairs == ref.conflicting_pairs
    assert onp.allclose(c.norms, ref.norms * scale, rtol=1e-14)
    # rows of wildly different sizes: the cosine does not care
    mixed_rows = gradient_conflicts(J * onp.array([[1e-160], [1.0], [1e140]]))
    assert onp.allclose(mixed_rows.cosines, ref.cosines, rtol=1e-14, atol=1e-15)
    assert mixed_rows.conflicting_pairs == ref.conflicting_pairs


def test_overflow_is_refused():
    with pytest.raises(ValueError, match=r"^gradient_conflicts: J is too large"):
        gradient_conflicts([[1e300, 1e300], [1e300, -2e300]])


@pytest.mark.parametrize("J,exc,pattern", [
    ([1.0, 2.0], ValueError, r"must be a 2-D array of shape \(m, n\), got shape \(2,\) \(one"),
    (onp.zeros((0, 3)), ValueError, r"at least one row"),
    (onp.zeros((2, 0)), ValueError, r"at least one column"),
    ([[1.0, onp.nan]], ValueError, r"must be finite"),
    ([[1.0, onp.inf]], ValueError, r"must be finite"),
    ([["a", "b"]], TypeError, r"must be an \(m, n\) array of numbers"),
    (lambda x: x, TypeError, r"objective_jacobian\(F, x\)"),
])
def test_conflicts_errors(J, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        gradient_conflicts(J)
    assert str(info.value).startswith("gradient_conflicts: J ")


def matrices(max_m=5, max_n=4):
    # zeros (zero rows, orthogonal rows) and moderate sizes; extreme sizes have their own test,
    # where the oracle numpy.linalg.norm (which squares the entries) would underflow
    entries = st.one_of(st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3),
                        st.integers(-3, 3).map(float))
    return st.tuples(st.integers(1, max_m), st.integers(1, max_n)).flatmap(
        lambda s: arrays(onp.float64, s, elements=entries))


@FAST
@given(J=matrices())
def test_conflicts_agree_with_numpy(J):
    c = gradient_conflicts(J)
    G = J @ J.T
    norms = onp.linalg.norm(J, axis=1)
    scale = onp.outer(norms, norms)
    assert onp.allclose(c.inner_products, G, rtol=1e-12, atol=1e-12 * scale.max() + 1e-300)
    assert onp.allclose(c.norms, norms, rtol=1e-13)
    assert onp.array_equal(c.inner_products, c.inner_products.T)
    assert onp.array_equal(c.cosines, c.cosines.T)
    assert onp.all(onp.abs(c.cosines) <= 1.0)
    nonzero = norms > 0
    units = J / onp.where(nonzero, norms, 1.0)[:, None]        # unit rows (zero rows stay 0)
    expected_cos = units @ units.T
    onp.fill_diagonal(expected_cos, nonzero.astype(float))
    assert onp.allclose(c.cosines, expected_cos, atol=1e-12)
    # conflicts: exactly the pairs whose inner product is negative (away from rounding level)
    for i, j in itertools.combinations(range(J.shape[0]), 2):
        if abs(G[i, j]) > 1e-10 * scale[i, j]:
            assert ((i, j) in c.conflicting_pairs) == (G[i, j] < 0)
    assert all(c.inner_products[i, j] <= 0 and c.cosines[i, j] < 0
               for i, j in c.conflicting_pairs)
    assert c.zero_rows == tuple(onp.flatnonzero(~nonzero))


@FAST
@given(J=matrices(), data=st.data())
def test_positive_row_scaling_keeps_cosines_and_negative_flips_them(J, data):
    m = J.shape[0]
    factors = onp.array(data.draw(st.lists(st.floats(0.01, 100.0), min_size=m, max_size=m)))
    c, scaled = gradient_conflicts(J), gradient_conflicts(J * factors[:, None])
    assert onp.allclose(scaled.cosines, c.cosines, atol=1e-12)
    flipped = gradient_conflicts(-J)
    assert onp.allclose(flipped.cosines, c.cosines, atol=0)      # (-g_i).(-g_j) = g_i.g_j
    k = data.draw(st.integers(0, m - 1))
    one_flipped = J.copy()
    one_flipped[k] *= -1
    d = gradient_conflicts(one_flipped)
    sign = onp.ones(m)
    sign[k] = -1
    expected = c.cosines * onp.outer(sign, sign)
    assert onp.allclose(d.cosines, expected, atol=1e-15)


# ------------------------------------------------------------------------------------------
# weighted_sum
# ------------------------------------------------------------------------------------------

def test_weighted_sum_value_and_gradient_hand_case():
    g = weighted_sum(quadratics, [1.0, 2.0, 0.0])
    x = onp.array([1.0, 1.0])
    assert float(g(x)) == 1.0 * 2.0 + 2.0 * 2.0          # |x - a1|^2 = 2, |x - a2|^2 = 2
    assert onp.allclose(gradient(g, x), 2 * (x - A1) + 2 * 2 * (x - A2), atol=1e-14)
    assert onp.array_equal(g.weights, [1.0, 2.0, 0.0])
    with pytest.raises(ValueError):
        g.weights[0] = 3.0                               # read-only copy


def test_weights_are_not_normalised_but_minimisers_ignore_the_scale():
    g1 = weighted_sum(quadratics, [0.2, 0.3, 0.5])
    g10 = weighted_sum(quadratics, [2.0, 3.0, 5.0])
    x = onp.array([0.4, -0.3])
    assert float(g10(x)) == pytest.approx(10 * float(g1(x)), rel=1e-15)
    # the minimiser of sum w_i |x - a_i|^2 is the weighted mean of the centres, for both
    centre = (0.2 * A1 + 0.3 * A2 + 0.5 * A3)
    assert onp.allclose(gradient(g1, centre), 0, atol=1e-14)
    assert onp.allclose(gradient(g10, centre), 0, atol=1e-13)


def test_weighted_sum_accepts_list_output():
    g = weighted_sum(lambda x: [x[0] ** 2, x[1]], [1.0, 3.0])
    assert float(g(onp.array([2.0, 1.0]))) == 7.0
    assert onp.allclose(gradient(g, [2.0, 1.0]), [4.0, 3.0])


@FAST
@given(x=arrays(onp.float64, (3,), elements=st.floats(-3, 3)),
       w=arrays(onp.float64, (3,), elements=st.floats(0, 10)))
def test_weighted_sum_gradient_is_J_transpose_w(x, w):
    assume(onp.any(w > 0))
    g = weighted_sum(mixed, w)
    J = objective_jacobian(mixed, x)
    assert float(g(x)) == pytest.approx(float(w @ mixed(x)), rel=1e-12, abs=1e-12)
    assert onp.allclose(gradient(g, x), J.T @ w, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("F,w,exc,pattern", [
    (3.0, [1.0], TypeError, r"^weighted_sum: F must be a callable"),
    (quadratics, [1.0, -0.5, 1.0], ValueError, r"^weighted_sum: weights must be >= 0"),
    (quadratics, [0.0, 0.0, 0.0], ValueError, r"^weighted_sum: weights must not all be zero"),
    (quadratics, [1.0, onp.nan, 1.0], ValueError, r"^weighted_sum: weights must be finite"),
    (quadratics, [[1.0, 1.0, 1.0]], ValueError, r"^weighted_sum: weights must be a 1-D array"),
    (quadratics, "abc", TypeError, r"^weighted_sum: weights must be a 1-D array of numbers"),
])
def test_weighted_sum_errors(F, w, exc, pattern):
    with pytest.raises(exc, match=pattern):
        weighted_sum(F, w)


def test_weighted_sum_wrong_number_of_weights_fails_at_the_call():
    g = weighted_sum(quadratics, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"^weighted_sum: F\(x\) must have shape \(2,\)"):
        g(onp.zeros(2))


# ------------------------------------------------------------------------------------------
# Pareto dominance
# ------------------------------------------------------------------------------------------

def test_dominates_hand_cases():
    assert dominates([1, 2], [1, 3]) and dominates([0, 0, 0], [1, 1, 1])
    assert not dominates([1, 2], [1, 2])
    assert not dominates([1, 3], [2, 2]) and not dominates([2, 2], [1, 3])
    assert not dominates([1, 3], [1, 2])
    with pytest.raises(ValueError, match=r"^dominates: q must have shape \(2,\)"):
        dominates([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"^dominates: p must be finite"):
        dominates([onp.nan, 2], [1, 2])


def test_pareto_mask_hand_cases():
    pts = onp.array([[1.0, 5.0], [2.0, 3.0], [3.0, 4.0], [4.0, 1.0], [2.0, 3.0], [5.0, 1.0],
                     [0.5, 6.0]])
    assert pareto_mask(pts).tolist() == [True, True, False, True, True, False, True]
    assert onp.array_equal(non_dominated(pts), pts[[0, 1, 3, 4, 6]])
    # one objective: the minima (ties kept)
    assert pareto_mask([[3.0], [1.0], [2.0], [1.0]]).tolist() == [False, True, False, True]
    # three objectives
    three = [[1, 2, 3], [3, 2, 1], [2, 2, 2], [2, 3, 3], [1, 2, 3]]
    assert pareto_mask(three).tolist() == [True, True, True, False, True]
    # a single point and no point
    assert pareto_mask([[7.0, 7.0]]).tolist() == [True]
    empty = pareto_mask(onp.zeros((0, 2)))
    assert empty.shape == (0,) and empty.dtype == bool
    assert non_dominated(onp.zeros((0, 2))).shape == (0, 2)


def test_points_on_a_line_of_slope_minus_one_are_all_non_dominated():
    t = onp.linspace(0, 1, 11)
    assert pareto_mask(onp.column_stack([t, 1 - t])).all()
    assert pareto_mask(onp.column_stack([t, t])).tolist() == [True] + [False] * 10


@pytest.mark.parametrize("values,exc,pattern", [
    ([1.0, 2.0], ValueError, r"^pareto_mask: values must be a 2-D array of shape \(k, m\)"),
    (onp.zeros((3, 0)), ValueError, r"^pareto_mask: values must have at least one column"),
    ([[1.0, onp.nan]], ValueError, r"^pareto_mask: values must be finite"),
    ([["a", "b"]], TypeError, r"^pareto_mask: values must be an array of numbers"),
])
def test_pareto_mask_errors(values, exc, pattern):
    with pytest.raises(exc, match=pattern):
        pareto_mask(values)
    with pytest.raises(exc, match=pattern.replace("pareto_mask", "non_dominated")):
        non_dominated(values)


def point_sets(max_k=25, max_m=3):
    # small integers make ties and duplicates frequent, which is where bugs hide
    return st.tuples(st.integers(0, max_k), st.integers(1, max_m)).flatmap(
        lambda s: arrays(onp.float64, s, elements=st.integers(0, 6).map(float)))


@FAST
@given(V=point_sets())
def test_pareto_mask_properties(V):
    mask = pareto_mask(V)
    kept, dropped = V[mask], V[~mask]
    # no kept point is dominated by any point of the set
    for p in kept:
        assert not any(dominates(q, p) for q in V)
    # every dropped point is dominated, and by a kept one (dominance is transitive)
    for p in dropped:
        assert any(dominates(q, p) for q in kept)
    if len(V):
        assert mask.any()
    assert onp.array_equal(non_dominated(V), kept)


@FAST
@given(V=point_sets(), data=st.data())
def test_pareto_mask_is_invariant_under_permutation_and_monotone_maps(V, data):
    mask = pareto_mask(V)
    perm = onp.array(data.draw(st.permutations(range(len(V))))) if len(V) else onp.arange(0)
    assert onp.array_equal(pareto_mask(V[perm]), mask[perm])
    m = V.shape[1]
    shift = onp.array(data.draw(st.lists(st.floats(-5, 5), min_size=m, max_size=m)))
    scale = onp.array(data.draw(st.lists(st.floats(0.5, 4), min_size=m, max_size=m)))
    assert onp.array_equal(pareto_mask(V * scale + shift), mask)
    assert onp.array_equal(pareto_mask(onp.exp(V / 3)), mask)   # strictly increasing map


def staircase_2d(V):
    """An independent oracle for two objectives: sort by (f1, f2) and sweep, keeping the
    points whose f2 beats every f2 seen at a strictly smaller f1 or equals the best."""
    k = len(V)
    order = onp.lexsort((V[:, 1], V[:, 0]))
    mask = onp.zeros(k, dtype=bool)
    best_f2 = onp.inf                 # best f2 among points with strictly smaller f1
    i = 0
    while i < k:
        j = i
        while j < k and V[order[j], 0] == V[order[i], 0]:
            j += 1
        group = order[i:j]            # equal f1, sorted by f2
        low = V[group[0], 1]
        for idx in group:
            mask[idx] = V[idx, 1] == low and low < best_f2
        best_f2 = min(best_f2, low)
        i = j
    return mask


@FAST
@given(V=point_sets(max_k=40, max_m=2).filter(lambda a: a.shape[1] == 2))
def test_pareto_mask_against_a_staircase_sweep(V):
    assert onp.array_equal(pareto_mask(V), staircase_2d(V))


def test_pareto_mask_on_samples_of_a_known_front():
    """Points on the circle quarter x^2 + y^2 = 1 (x, y >= 0) form a front; points pushed
    outward by a random amount are dominated by their radial projection."""
    rng = onp.random.default_rng(3)
    theta = onp.sort(rng.uniform(0, onp.pi / 2, 40))
    front = onp.column_stack([onp.cos(theta), onp.sin(theta)])
    outside = front * rng.uniform(1.05, 2.0, (40, 1))
    mask = pareto_mask(onp.vstack([front, outside]))
    assert mask[:40].all() and not mask[40:].any()
