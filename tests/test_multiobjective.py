"""Tests of jaccourse.multiobjective.

Oracles not written by us: closed-form gradients of quadratics, ``jacobian_fd`` (central
differences), ``numpy`` matrix products and ``numpy.linalg.norm`` for the Gram matrix and the
cosines, an independent sort-and-sweep algorithm for the 2-D Pareto front, and the order
axioms of Pareto dominance checked with hypothesis.

For the aggregators of Jacobian Descent: the KKT conditions of each projection onto the dual
cone, ``scipy.optimize.minimize(method="SLSQP")`` on the primal projection problem, a
brute-force oracle that tries every face of the cone (SVD projections, no Gram matrix, no
NNLS), the closed form of MGDA for two rows, the worked examples of Quinton & Rey (2024,
appendix C), and the three properties of their Table 1 on random and degenerate matrices
(rank-deficient, duplicated and opposite rows, zero rows, rows scaled by 1e-8 to 1e8).
"""

from __future__ import annotations

import itertools
import math

import autograd.numpy as np
import numpy as onp
import pytest
import scipy.optimize
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jaccourse.derivatives import gradient, jacobian_fd
from jaccourse.multiobjective import (
    AGGREGATORS,
    GradientConflicts,
    aggregator_properties,
    dominates,
    dualproj,
    get_aggregator,
    gradient_conflicts,
    jacobian_descent,
    mean_aggregator,
    mgda,
    non_dominated,
    objective_jacobian,
    pareto_mask,
    pcgrad,
    project_onto_dual_cone,
    sum_aggregator,
    upgrad,
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
    for i in range(3):  # row i is the gradient of f_i
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


@pytest.mark.parametrize(
    "F,x,exc,pattern",
    [
        ("not callable", [1.0], TypeError, r"^objective_jacobian: F must be a callable"),
        (quadratics, [[1.0, 2.0]], ValueError, r"^objective_jacobian: x must be a 1-D array"),
        (quadratics, [1.0, onp.nan], ValueError, r"^objective_jacobian: x must be finite"),
        (
            lambda x: np.sum(x**2),
            [1.0, 2.0],
            ValueError,
            r"^objective_jacobian: F must return a 1-D array of shape \(m,\), got a scalar",
        ),
        (
            lambda x: onp.array([onp.sum(x**2), x[0]]),
            [1.0, 2.0],
            TypeError,
            r"^objective_jacobian: F mixes plain numpy with autograd",
        ),
    ],
)
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
    assert c.cosines[1, 3] == 0.0  # orthogonal exactly: no conflict
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


@pytest.mark.parametrize(
    "J,exc,pattern",
    [
        ([1.0, 2.0], ValueError, r"must be a 2-D array of shape \(m, n\), got shape \(2,\) \(one"),
        (onp.zeros((0, 3)), ValueError, r"at least one row"),
        (onp.zeros((2, 0)), ValueError, r"at least one column"),
        ([[1.0, onp.nan]], ValueError, r"must be finite"),
        ([[1.0, onp.inf]], ValueError, r"must be finite"),
        ([["a", "b"]], TypeError, r"must be an \(m, n\) array of numbers"),
        (lambda x: x, TypeError, r"objective_jacobian\(F, x\)"),
    ],
)
def test_conflicts_errors(J, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        gradient_conflicts(J)
    assert str(info.value).startswith("gradient_conflicts: J ")


def matrices(max_m=5, max_n=4):
    # zeros (zero rows, orthogonal rows) and moderate sizes; extreme sizes have their own test,
    # where the oracle numpy.linalg.norm (which squares the entries) would underflow
    entries = st.one_of(
        st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3), st.integers(-3, 3).map(float)
    )
    return st.tuples(st.integers(1, max_m), st.integers(1, max_n)).flatmap(
        lambda s: arrays(onp.float64, s, elements=entries)
    )


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
    units = J / onp.where(nonzero, norms, 1.0)[:, None]  # unit rows (zero rows stay 0)
    expected_cos = units @ units.T
    onp.fill_diagonal(expected_cos, nonzero.astype(float))
    assert onp.allclose(c.cosines, expected_cos, atol=1e-12)
    # conflicts: exactly the pairs whose inner product is negative (away from rounding level)
    for i, j in itertools.combinations(range(J.shape[0]), 2):
        if abs(G[i, j]) > 1e-10 * scale[i, j]:
            assert ((i, j) in c.conflicting_pairs) == (G[i, j] < 0)
    assert all(c.inner_products[i, j] <= 0 and c.cosines[i, j] < 0 for i, j in c.conflicting_pairs)
    assert c.zero_rows == tuple(onp.flatnonzero(~nonzero))


@FAST
@given(J=matrices(), data=st.data())
def test_positive_row_scaling_keeps_cosines_and_negative_flips_them(J, data):
    m = J.shape[0]
    factors = onp.array(data.draw(st.lists(st.floats(0.01, 100.0), min_size=m, max_size=m)))
    c, scaled = gradient_conflicts(J), gradient_conflicts(J * factors[:, None])
    assert onp.allclose(scaled.cosines, c.cosines, atol=1e-12)
    flipped = gradient_conflicts(-J)
    assert onp.allclose(flipped.cosines, c.cosines, atol=0)  # (-g_i).(-g_j) = g_i.g_j
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
    assert float(g(x)) == 1.0 * 2.0 + 2.0 * 2.0  # |x - a1|^2 = 2, |x - a2|^2 = 2
    assert onp.allclose(gradient(g, x), 2 * (x - A1) + 2 * 2 * (x - A2), atol=1e-14)
    assert onp.array_equal(g.weights, [1.0, 2.0, 0.0])
    with pytest.raises(ValueError):
        g.weights[0] = 3.0  # read-only copy


def test_weights_are_not_normalised_but_minimisers_ignore_the_scale():
    g1 = weighted_sum(quadratics, [0.2, 0.3, 0.5])
    g10 = weighted_sum(quadratics, [2.0, 3.0, 5.0])
    x = onp.array([0.4, -0.3])
    assert float(g10(x)) == pytest.approx(10 * float(g1(x)), rel=1e-15)
    # the minimiser of sum w_i |x - a_i|^2 is the weighted mean of the centres, for both
    centre = 0.2 * A1 + 0.3 * A2 + 0.5 * A3
    assert onp.allclose(gradient(g1, centre), 0, atol=1e-14)
    assert onp.allclose(gradient(g10, centre), 0, atol=1e-13)


def test_weighted_sum_accepts_list_output():
    g = weighted_sum(lambda x: [x[0] ** 2, x[1]], [1.0, 3.0])
    assert float(g(onp.array([2.0, 1.0]))) == 7.0
    assert onp.allclose(gradient(g, [2.0, 1.0]), [4.0, 3.0])


@FAST
@given(
    x=arrays(onp.float64, (3,), elements=st.floats(-3, 3)),
    w=arrays(onp.float64, (3,), elements=st.floats(0, 10)),
)
def test_weighted_sum_gradient_is_J_transpose_w(x, w):
    assume(onp.any(w > 0))
    g = weighted_sum(mixed, w)
    J = objective_jacobian(mixed, x)
    assert float(g(x)) == pytest.approx(float(w @ mixed(x)), rel=1e-12, abs=1e-12)
    assert onp.allclose(gradient(g, x), J.T @ w, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "F,w,exc,pattern",
    [
        (3.0, [1.0], TypeError, r"^weighted_sum: F must be a callable"),
        (quadratics, [1.0, -0.5, 1.0], ValueError, r"^weighted_sum: weights must be >= 0"),
        (quadratics, [0.0, 0.0, 0.0], ValueError, r"^weighted_sum: weights must not all be zero"),
        (quadratics, [1.0, onp.nan, 1.0], ValueError, r"^weighted_sum: weights must be finite"),
        (quadratics, [[1.0, 1.0, 1.0]], ValueError, r"^weighted_sum: weights must be a 1-D array"),
        (quadratics, "abc", TypeError, r"^weighted_sum: weights must be a 1-D array of numbers"),
    ],
)
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
    with pytest.raises(
        ValueError,
        match=r"^dominates: p and q must have the same shape .* "
        r"got p of shape \(2,\) and q of shape \(3,\)",
    ):
        dominates([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match=r"^dominates: p must be finite"):
        dominates([onp.nan, 2], [1, 2])


def test_pareto_mask_hand_cases():
    pts = onp.array(
        [[1.0, 5.0], [2.0, 3.0], [3.0, 4.0], [4.0, 1.0], [2.0, 3.0], [5.0, 1.0], [0.5, 6.0]]
    )
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


@pytest.mark.parametrize(
    "values,exc,pattern",
    [
        ([1.0, 2.0], ValueError, r"^pareto_mask: values must be a 2-D array of shape \(k, m\)"),
        (onp.zeros((3, 0)), ValueError, r"^pareto_mask: values must have at least one column"),
        ([[1.0, onp.nan]], ValueError, r"^pareto_mask: values must be finite"),
        ([["a", "b"]], TypeError, r"^pareto_mask: values must be an array of numbers"),
    ],
)
def test_pareto_mask_errors(values, exc, pattern):
    with pytest.raises(exc, match=pattern):
        pareto_mask(values)
    with pytest.raises(exc, match=pattern.replace("pareto_mask", "non_dominated")):
        non_dominated(values)


def point_sets(max_k=25, max_m=3):
    # small integers make ties and duplicates frequent, which is where bugs hide
    return st.tuples(st.integers(0, max_k), st.integers(1, max_m)).flatmap(
        lambda s: arrays(onp.float64, s, elements=st.integers(0, 6).map(float))
    )


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
    assert onp.array_equal(pareto_mask(onp.exp(V / 3)), mask)  # strictly increasing map


def staircase_2d(V):
    """An independent oracle for two objectives: sort by (f1, f2) and sweep, keeping the
    points whose f2 beats every f2 seen at a strictly smaller f1 or equals the best."""
    k = len(V)
    order = onp.lexsort((V[:, 1], V[:, 0]))
    mask = onp.zeros(k, dtype=bool)
    best_f2 = onp.inf  # best f2 among points with strictly smaller f1
    i = 0
    while i < k:
        j = i
        while j < k and V[order[j], 0] == V[order[i], 0]:
            j += 1
        group = order[i:j]  # equal f1, sorted by f2
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


# ------------------------------------------------------------------------------------------
# Jacobian Descent: aggregators
# ------------------------------------------------------------------------------------------

NAMES = ("mean", "sum", "mgda", "pcgrad", "dualproj", "upgrad")
NON_CONFLICTING = ("mgda", "dualproj", "upgrad")
LINEAR_UNDER_SCALING = ("mean", "sum", "pcgrad", "upgrad")


def aggregate(name, J, seed=0):
    """Every aggregator by name; PCGrad with a fixed seed (a fixed random order)."""
    return pcgrad(J, rng=seed) if name == "pcgrad" else AGGREGATORS[name](J)


@st.composite
def jacobians(
    draw, max_m=5, max_n=6, kinds=("plain", "rank", "duplicate", "opposite", "zero_row", "scaled")
):
    """Random (m, n) Jacobians and degenerate ones: rank-deficient products, a row repeated
    at another length or reversed, a zero row, rows scaled by 10^k for k in -8..8."""
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    entries = st.floats(-1.0, 1.0).map(lambda v: 0.0 if abs(v) < 1e-6 else v)
    J = draw(arrays(onp.float64, (m, n), elements=entries))
    kind = draw(st.sampled_from(kinds))
    if kind == "rank" and min(m, n) >= 2:
        r = draw(st.integers(1, min(m, n) - 1))
        A = draw(arrays(onp.float64, (m, r), elements=entries))
        B = draw(arrays(onp.float64, (r, n), elements=entries))
        J = A @ B
    elif kind in ("duplicate", "opposite") and m >= 2:
        i, j = draw(st.permutations(range(m)))[:2]
        c = draw(st.floats(0.1, 10.0))
        J[j] = (c if kind == "duplicate" else -c) * J[i]
    elif kind == "zero_row":
        J[draw(st.integers(0, m - 1))] = 0.0
    elif kind == "scaled":
        k = onp.array(draw(st.lists(st.integers(-8, 8), min_size=m, max_size=m)), dtype=float)
        J = J * 10.0 ** k[:, None]
    return J


def no_conflict_tol(J, d):
    """Rounding allowance for (J d)_i >= 0: 1e-9 |g_i| times the natural size of d."""
    norms = onp.linalg.norm(J, axis=1)
    return 1e-9 * norms * max(norms.max(), onp.linalg.norm(d)) + 1e-300


def in_row_space(J, d, rtol=1e-8):
    """d = J^T w for some w: the part of d orthogonal to the rows is at rounding level. The
    row space is that of the unit rows (an SVD of J itself would lose rows 1e16 times smaller
    than the others)."""
    norms = onp.linalg.norm(J, axis=1)
    if not onp.any(norms > 0):
        return not onp.any(d)
    U = J[norms > 0] / norms[norms > 0, None]
    _, S, Vt = onp.linalg.svd(U, full_matrices=False)
    V = Vt[S > 1e-10 * S.max()]
    return onp.linalg.norm(d - V.T @ (V @ d)) <= rtol * (onp.linalg.norm(d) + norms.sum())


def cone_projection_brute_force(J, g):
    """Project g onto {d : J d >= 0} by trying every face: for each set A of rows, the
    projection of g onto {d : J_A d = 0} (SVD); the closest feasible one is the answer."""
    norms = onp.linalg.norm(J, axis=1)
    U = J[norms > 0] / norms[norms > 0, None]
    best, best_dist = None, onp.inf
    for k in range(len(U) + 1):
        for face in itertools.combinations(range(len(U)), k):
            d = g.copy()
            if face:
                _, S, Vt = onp.linalg.svd(U[list(face)], full_matrices=False)
                V = Vt[S > 1e-10 * S.max()]
                d = g - V.T @ (V @ g)
            if onp.all(U @ d >= -1e-10 * onp.linalg.norm(g)):
                dist = onp.linalg.norm(d - g)
                if dist < best_dist:
                    best, best_dist = d, dist
    return best


def min_norm_in_hull_brute_force(J):
    """The minimum-norm point of the convex hull of the rows: for each set of rows, the
    minimum-norm point of their affine hull (a KKT system); the smallest one whose weights
    are >= 0 is the answer."""
    best = None
    for k in range(1, J.shape[0] + 1):
        for face in itertools.combinations(range(J.shape[0]), k):
            P = J[list(face)]
            K = onp.zeros((k + 1, k + 1))
            K[:k, :k], K[:k, k], K[k, :k] = P @ P.T, 1.0, 1.0
            rhs = onp.zeros(k + 1)
            rhs[k] = 1.0
            a = onp.linalg.lstsq(K, rhs, rcond=1e-13)[0][:k]
            if onp.all(a >= -1e-12) and abs(a.sum() - 1.0) < 1e-9:
                z = P.T @ a
                if best is None or onp.linalg.norm(z) < onp.linalg.norm(best):
                    best = z
    return best


@FAST
@given(J=jacobians())
def test_every_aggregator_returns_a_finite_direction_in_the_row_space(J):
    """'Weighted' (Quinton & Rey, Definition 3): A(J) = J^T w for some w."""
    for name in NAMES:
        d = aggregate(name, J)
        assert d.shape == (J.shape[1],) and onp.all(onp.isfinite(d)), name
        assert in_row_space(J, d), name


@FAST
@given(J=jacobians())
def test_non_conflicting_aggregators_conflict_with_no_row(J):
    """'Non-conflicting' (Definition 1): J A(J) >= 0, on degenerate matrices too."""
    for name in NON_CONFLICTING:
        d = aggregate(name, J)
        assert onp.all(J @ d >= -no_conflict_tol(J, d)), name


@FAST
@given(J=jacobians(), data=st.data())
def test_linear_under_scaling(J, data):
    """'Linear under scaling' (Definition 2): c -> A(diag(c) J) is linear for c > 0."""
    m = J.shape[0]
    c1 = onp.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=m, max_size=m)))
    c2 = onp.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=m, max_size=m)))
    for name in LINEAR_UNDER_SCALING:
        a1 = aggregate(name, c1[:, None] * J)
        a2 = aggregate(name, c2[:, None] * J)
        a12 = aggregate(name, (c1 + c2)[:, None] * J)
        size = 11.0 * onp.linalg.norm(J, axis=1).sum()  # bounds each |a| (|c| <= 10, m rows)
        assert onp.linalg.norm(a12 - a1 - a2) <= 1e-9 * size + 1e-300, name


@FAST
@given(J=jacobians(), a=st.floats(1e-3, 1e3), data=st.data())
def test_positive_homogeneity_and_row_order(J, a, data):
    perm = onp.array(data.draw(st.permutations(range(J.shape[0]))))
    scale = onp.linalg.norm(J, axis=1).sum() + 1e-300
    for name in ("mean", "sum", "mgda", "dualproj", "upgrad"):
        d = aggregate(name, J)
        assert onp.linalg.norm(aggregate(name, a * J) - a * d) <= 1e-9 * a * scale, name
        assert onp.linalg.norm(aggregate(name, J[perm]) - d) <= 1e-9 * scale, name


@FAST
@given(J=jacobians())
def test_upgrad_kkt_conditions_of_every_projection(J):
    """Each pi_J(g_i) with its multipliers lambda: primal feasibility J d >= 0, dual
    feasibility lambda >= 0, complementary slackness lambda_k (J d)_k = 0, stationarity
    d = g_i + J^T lambda; and upgrad(J) is the mean of the projections."""
    m = J.shape[0]
    norms = onp.linalg.norm(J, axis=1)
    projections = []
    for i in range(m):
        g = J[i]
        d, lam = project_onto_dual_cone(J, g, return_multipliers=True)
        projections.append(d)
        weight = lam * norms  # multipliers on the unit rows
        size = onp.linalg.norm(g) + weight.sum() + 1e-300
        assert onp.all(lam >= 0.0)
        assert onp.all(J @ d >= -no_conflict_tol(J, d))
        slack = onp.where(norms > 0, (J @ d) / onp.where(norms > 0, norms, 1.0), 0.0)
        assert onp.all(onp.abs(weight * slack) <= 1e-9 * size**2)
        assert onp.linalg.norm(d - g - J.T @ lam) <= 1e-9 * size
    scale = norms.sum() + 1e-300
    assert onp.linalg.norm(upgrad(J) - onp.mean(projections, axis=0)) <= 1e-9 * scale


@FAST
@given(J=jacobians(max_m=4, max_n=4), data=st.data())
def test_dual_cone_projection_against_a_brute_force_oracle(J, data):
    g = onp.array(
        data.draw(st.lists(st.floats(-1.0, 1.0), min_size=J.shape[1], max_size=J.shape[1]))
    )
    assume(onp.linalg.norm(g) > 1e-3)
    expected = cone_projection_brute_force(J, g)
    assert onp.linalg.norm(project_onto_dual_cone(J, g) - expected) <= 1e-8 * onp.linalg.norm(g)


@pytest.mark.parametrize("seed", range(12))
def test_dual_cone_projection_against_slsqp(seed):
    rng = onp.random.default_rng(seed)
    m, n = int(rng.integers(2, 6)), int(rng.integers(2, 7))
    J = rng.standard_normal((m, n)) * 10.0 ** rng.uniform(-2, 2, size=(m, 1))
    g = rng.standard_normal(n)
    res = scipy.optimize.minimize(
        lambda d: 0.5 * onp.sum((d - g) ** 2),
        g,
        jac=lambda d: d - g,
        method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda d: J @ d, "jac": lambda d: J}],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    assert res.success
    assert onp.linalg.norm(project_onto_dual_cone(J, g) - res.x) <= 1e-6 * onp.linalg.norm(g)


@FAST
@given(J=jacobians(max_m=4, max_n=5, kinds=("plain", "rank", "duplicate", "opposite", "zero_row")))
def test_mgda_is_the_minimum_norm_point_of_the_hull(J):
    z = mgda(J)
    expected = min_norm_in_hull_brute_force(J)
    assert onp.linalg.norm(z - expected) <= 1e-9 * onp.linalg.norm(J, axis=1).max() + 1e-300
    # the dual certificate: g_i . z >= |z|^2 for every row
    assert onp.all(J @ z >= z @ z - 1e-9 * onp.linalg.norm(J, axis=1).max() ** 2)


def mgda_two_rows(g1, g2):
    """Closed form: the minimum over gamma in [0, 1] of |g_s + gamma (g_b - g_s)|, anchored
    at the shorter row g_s so that no large number is subtracted from another."""
    small, big = (g1, g2) if onp.linalg.norm(g1) <= onp.linalg.norm(g2) else (g2, g1)
    diff = big - small
    if not onp.any(diff):
        return small.copy()
    gamma = onp.clip(-(small @ diff) / (diff @ diff), 0.0, 1.0)
    return small + gamma * diff


@FAST
@given(
    J=jacobians(max_m=2, kinds=("plain", "duplicate", "opposite", "zero_row", "scaled")).filter(
        lambda J: J.shape[0] == 2
    )
)
def test_mgda_two_rows_closed_form(J):
    expected = mgda_two_rows(J[0], J[1])
    size = onp.linalg.norm(J, axis=1).min()
    assert onp.linalg.norm(mgda(J) - expected) <= 1e-9 * size + 1e-300


@pytest.mark.parametrize("a", [0.0, 0.25, 0.5, 1.0, 1.5, 4.0])
def test_mgda_paper_example(a):
    """Quinton & Rey, appendix C.2: rows (2, 0), (0, 2), (a, a)."""
    expected = [a, a] if a <= 1.0 else [1.0, 1.0]
    assert onp.allclose(mgda([[2.0, 0.0], [0.0, 2.0], [a, a]]), expected, rtol=0, atol=1e-14)


@pytest.mark.parametrize("a", [0.5, 0.75, 1.0, 1.5, 3.0])
def test_dualproj_paper_example(a):
    """Appendix C.3: rows (2, 0), (-2a, 2a); the mean (1 - a, a) is kept for 0.5 <= a <= 1
    and projected to (0, a) for a > 1."""
    expected = [1.0 - a, a] if a <= 1.0 else [0.0, a]
    assert onp.allclose(dualproj([[2.0, 0.0], [-2.0 * a, 2.0 * a]]), expected, rtol=0, atol=1e-14)


def test_mean_paper_example_conflicts():
    """Appendix C.1: the mean of -2 and 4 is 1, which conflicts with -2."""
    assert onp.array_equal(mean_aggregator([[-2.0], [4.0]]), [1.0])
    assert onp.array_equal(sum_aggregator([[-2.0], [4.0]]), [2.0])


def test_pcgrad_paper_example_takes_four_values_all_conflicting():
    """Appendix C.4: for these rows the only non-conflicting direction is 0, yet PCGrad is
    uniform over four directions, each conflicting with some row; UPGrad, DualProj and MGDA
    return 0."""
    J = onp.array([[1.0, 0.0], [0.0, 1.0], [-0.5, -1.0]])
    values = {tuple(onp.round(pcgrad(J, rng=seed), 12)) for seed in range(40)}
    assert values == {(0.4, 0.2), (0.8, 0.2), (0.4, -0.2), (0.8, -0.2)}
    for v in values:
        assert onp.any(J @ onp.array(v) < 0)
    for name in NON_CONFLICTING:
        assert onp.allclose(aggregate(name, J), 0.0, atol=1e-14), name


def test_pcgrad_hand_case_and_the_sum_without_conflict():
    assert onp.allclose(pcgrad([[1.0, 0.0], [-1.0, 1.0]]), [0.5, 1.5], atol=1e-15)
    J = onp.array([[1.0, 2.0], [3.0, 0.5], [0.0, 1.0]])  # no conflicting pair
    assert onp.allclose(pcgrad(J, rng=1), J.sum(axis=0), rtol=1e-14)


@FAST
@given(J=jacobians(max_m=2).filter(lambda J: J.shape[0] == 2))
def test_pcgrad_is_twice_upgrad_for_two_rows(J):
    """Appendix C.4: for m = 2 PCGrad is deterministic and equals 2 UPGrad."""
    scale = onp.linalg.norm(J, axis=1).sum() + 1e-300
    assert onp.linalg.norm(pcgrad(J) - 2.0 * upgrad(J)) <= 1e-9 * scale


def test_pcgrad_is_reproducible_with_a_seed():
    rng = onp.random.default_rng(0)
    J = rng.standard_normal((6, 4))
    assert onp.array_equal(pcgrad(J, rng=7), pcgrad(J, rng=7))
    assert onp.array_equal(pcgrad(J, rng=onp.random.default_rng(7)), pcgrad(J, rng=7))
    draws = {tuple(pcgrad(J, rng=s)) for s in range(10)}
    assert len(draws) > 1  # the order matters for m >= 3


@FAST
@given(J=jacobians(kinds=("plain", "scaled")).map(onp.abs))
def test_without_conflict_upgrad_and_dualproj_are_the_mean(J):
    mean = J.mean(axis=0)
    tol = 1e-12 * onp.linalg.norm(J, axis=1).sum() + 1e-300
    assert onp.linalg.norm(upgrad(J) - mean) <= tol
    assert onp.linalg.norm(dualproj(J) - mean) <= tol


def test_upgrad_hand_case():
    # g1 = (1, 0), g2 = (-1, 1): pi(g1) = (0.5, 0.5), pi(g2) = g2 (it is in the cone)
    assert onp.allclose(upgrad([[1.0, 0.0], [-1.0, 1.0]]), [0.25, 0.75], atol=1e-15)
    # opposite rows: the cone is the plane orthogonal to them, upgrad projects the third row
    J = onp.array([[1.0, 0.0, 0.0], [-3.0, 0.0, 0.0], [1.0, 2.0, 0.0]])
    assert onp.allclose(upgrad(J), [0.0, 2.0 / 3.0, 0.0], atol=1e-15)


def test_zero_rows():
    """A zero gradient constrains nothing and projects to 0: UPGrad and DualProj average it
    in; MGDA returns 0 (0 is in the hull); PCGrad skips it; all-zero J gives 0."""
    J = onp.array([[1.0, 0.0], [-1.0, 1.0]])
    Jz = onp.vstack([J, onp.zeros((1, 2))])
    assert onp.allclose(upgrad(Jz), upgrad(J) * 2 / 3, atol=1e-15)
    assert onp.allclose(dualproj(Jz), dualproj(J) * 2 / 3, atol=1e-15)
    assert onp.allclose(pcgrad(Jz, rng=0), pcgrad(J), atol=1e-15)
    assert onp.array_equal(mgda(Jz), [0.0, 0.0])
    assert onp.allclose(mean_aggregator(Jz), J.sum(axis=0) / 3)
    for name in NAMES:
        assert onp.array_equal(aggregate(name, onp.zeros((3, 4))), onp.zeros(4)), name
    assert onp.array_equal(project_onto_dual_cone(onp.zeros((2, 2)), [1.0, -1.0]), [1.0, -1.0])


def test_one_row():
    g = onp.array([[3.0, -4.0]])
    for name in NAMES:
        assert onp.allclose(aggregate(name, g), g[0], rtol=1e-15), name


def test_extreme_row_sizes_underflow_and_overflow_of_the_gram_matrix():
    """Rows of sizes 1e-170 and 1e170 (their squares under- and overflow): the directions are
    those of the unit rows scaled back (linearity under scaling), without NaN."""
    J0 = onp.array([[1.0, 0.0, 0.5], [-1.0, 1.0, 0.0], [0.2, -1.0, 1.0]])
    c = onp.array([1e-170, 1e170, 1.0])
    J = c[:, None] * J0
    d = upgrad(J)
    expected = sum(c[i] * project_onto_dual_cone(J0, J0[i]) for i in range(3)) / 3
    assert onp.allclose(d, expected, rtol=1e-12, atol=0)
    units = J0 / onp.linalg.norm(J0, axis=1)[:, None]

    def norm(v):  # |v| without squaring 1e170
        top = onp.abs(v).max()
        return top * onp.linalg.norm(v / top) if top > 0 else 0.0

    assert onp.all(units @ d >= -1e-12 * norm(d))  # the tiny row too
    for name in NAMES:
        assert onp.all(onp.isfinite(aggregate(name, J))), name
    # MGDA is dominated by the tiny row: the hull's minimum-norm point is at most that size
    z = mgda(J)
    assert 0 < norm(z) <= norm(J[0]) * (1 + 1e-12)
    assert onp.all(units @ z >= -1e-12 * norm(z))


def test_a_row_norm_that_overflows_is_refused():
    J = onp.array([[1.5e308, 1.5e308], [1.0, 0.0]])  # |g_1| = 2.1e308 > max float
    for name in ("mgda", "pcgrad", "dualproj", "upgrad"):
        with pytest.raises(ValueError, match=rf"^{name}: J is too large"):
            aggregate(name, J)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "J,exc,pattern",
    [
        ([[1.0, onp.nan], [0.0, 1.0]], ValueError, r"J must be finite"),
        ([[1.0, onp.inf]], ValueError, r"J must be finite"),
        (onp.zeros((0, 3)), ValueError, r"J must have at least one row"),
        (onp.zeros((2, 0)), ValueError, r"J must have at least one column"),
        ([1.0, 2.0], ValueError, r"J must be a 2-D array of shape \(m, n\), got shape \(2,\)"),
        (onp.zeros((2, 2, 2)), ValueError, r"J must be a 2-D array"),
        ([["a", "b"]], TypeError, r"J must be an \(m, n\) array of numbers"),
        (lambda x: x, TypeError, r"objective_jacobian\(F, x\)"),
    ],
)
def test_aggregator_errors_name_the_function_and_argument(name, J, exc, pattern):
    func = AGGREGATORS[name].__name__
    with pytest.raises(exc, match=pattern) as info:
        aggregate(name, J)
    assert str(info.value).startswith(f"{func}: J ")


def test_other_argument_errors():
    with pytest.raises(TypeError, match=r"^pcgrad: rng must be a numpy.random.Generator"):
        pcgrad([[1.0, 0.0]], rng="seed")
    with pytest.raises(ValueError, match=r"^project_onto_dual_cone: g must have shape \(2,\)"):
        project_onto_dual_cone([[1.0, 0.0]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^project_onto_dual_cone: g must be finite"):
        project_onto_dual_cone([[1.0, 0.0]], [1.0, onp.nan])
    with pytest.raises(TypeError, match=r"^project_onto_dual_cone: return_multipliers must"):
        project_onto_dual_cone([[1.0, 0.0]], [1.0, 2.0], return_multipliers=1)
    with pytest.raises(ValueError, match=r"^get_aggregator: unknown aggregator 'avg'"):
        get_aggregator("avg")
    with pytest.raises(TypeError, match=r"^get_aggregator: aggregator must be a name"):
        get_aggregator(3)
    with pytest.raises(ValueError, match=r"^aggregator_properties: trials must be an integer"):
        aggregator_properties("mean", trials=0)


def test_registry_is_read_only_and_names_resolve():
    assert tuple(AGGREGATORS) == NAMES
    with pytest.raises(TypeError):
        AGGREGATORS["mine"] = mean_aggregator  # type: ignore[index]
    assert get_aggregator("UPGrad") is upgrad and get_aggregator(" mean ") is mean_aggregator
    custom = lambda J: onp.asarray(J)[0]  # noqa: E731
    assert get_aggregator(custom) is custom
    J = onp.random.default_rng(1).standard_normal((5, 3))
    assert onp.array_equal(get_aggregator("pcgrad", rng=3)(J), pcgrad(J, rng=3))


def test_a_failing_nnls_is_caught_by_the_kkt_check(monkeypatch):
    """If scipy's NNLS returned a wrong answer or gave up, the KKT check notices and the
    fallback solvers give the right projection."""
    import jaccourse.multiobjective as mo

    rng = onp.random.default_rng(2)
    J = rng.standard_normal((4, 6))
    expected = upgrad(J), mgda(J), dualproj(J)
    monkeypatch.setattr(mo, "_scipy_nnls", lambda A, b: (onp.zeros(A.shape[1]), 0.0))
    got = upgrad(J), mgda(J), dualproj(J)
    for e, g in zip(expected, got, strict=True):
        assert onp.allclose(g, e, rtol=1e-8, atol=1e-10)

    def give_up(A, b):
        raise RuntimeError("Maximum number of iterations reached.")

    monkeypatch.setattr(mo, "_scipy_nnls", give_up)
    assert onp.allclose(upgrad(J), expected[0], rtol=1e-8, atol=1e-10)


def test_aggregator_properties_reproduce_table_1_of_quinton_and_rey():
    table = {name: aggregator_properties(name, trials=25, rng=0) for name in NAMES}
    expected = {  # (non-conflicting, linear under scaling, weighted)
        "mean": (False, True, True),
        "sum": (False, True, True),
        "mgda": (True, False, True),
        "pcgrad": (False, True, True),
        "dualproj": (True, False, True),
        "upgrad": (True, True, True),
    }
    for name, (nc, lus, w) in expected.items():
        assert table[name] == {"non_conflicting": nc, "linear_under_scaling": lus, "weighted": w}, (
            name
        )
    # a callable that is not weighted: the sign of the mean, coordinate-wise
    props = aggregator_properties(lambda J: onp.sign(J.mean(axis=0)), trials=10, rng=0)
    assert props["weighted"] is False and props["linear_under_scaling"] is False


# ------------------------------------------------------------------------------------------
# Jacobian Descent: the loop
# ------------------------------------------------------------------------------------------

CA, CB = onp.array([0.0, 0.0, 1.0]), onp.array([2.0, 1.0, 0.0])


def two_quadratics(x):
    """f_1 = |x - a|^2, f_2 = |x - b|^2: the Pareto set is the segment [a, b]."""
    return np.array([np.sum((x - CA) ** 2), np.sum((x - CB) ** 2)])


def distance_to_segment(x):
    t = onp.clip((x - CA) @ (CB - CA) / ((CB - CA) @ (CB - CA)), 0.0, 1.0)
    return onp.linalg.norm(x - (CA + t * (CB - CA)))


@pytest.mark.parametrize("name", NAMES)
def test_jacobian_descent_reaches_the_pareto_set(name):
    x0 = onp.array([3.0, -2.0, 2.5])
    res = jacobian_descent(
        two_quadratics, x0, name, lr=0.1 if name != "sum" else 0.05, steps=200, rng=0
    )
    assert res.success and res.nit == 200 and res.nfev == res.njev == 201
    assert distance_to_segment(res.x) < 1e-8
    assert res.history.x.shape == (201, 3) and res.history.fun.shape == (201, 2)
    assert onp.array_equal(res.history.x[0], x0) and onp.array_equal(res.history.x[-1], res.x)
    assert onp.allclose(res.fun, two_quadratics(res.x)) and res.cost == pytest.approx(
        res.fun.mean()
    )
    if name in NON_CONFLICTING:
        # F(x_final) is not dominated by F(x0): no objective got worse overall
        assert onp.all(res.fun <= res.history.fun[0] + 1e-12)


def test_jacobian_descent_with_upgrad_never_increases_an_objective_here():
    x0 = CA + onp.array([-0.3, 0.4, 0.2])  # near a: f_1 small, f_2 large
    res = jacobian_descent(two_quadratics, x0, "upgrad", lr=0.05, steps=100)
    assert onp.all(onp.diff(res.history.fun, axis=0) <= 1e-12)
    mean_run = jacobian_descent(two_quadratics, x0, "mean", lr=0.05, steps=100)
    assert onp.diff(mean_run.history.fun, axis=0).max() > 0.05  # the mean trades f_1 away


def test_jacobian_descent_first_step_by_hand_and_with_jac():
    x0 = onp.array([1.0, 1.0, 1.0])
    res = jacobian_descent(two_quadratics, x0, "upgrad", lr=0.1, steps=1)
    J = onp.stack([2 * (x0 - CA), 2 * (x0 - CB)])
    assert onp.allclose(res.x, x0 - 0.1 * upgrad(J), rtol=1e-14)
    assert res.history.grad_norm[0] == pytest.approx(onp.linalg.norm(upgrad(J)), rel=1e-14)
    jac = lambda x: onp.stack([2 * (x - CA), 2 * (x - CB)])  # noqa: E731
    res2 = jacobian_descent(two_quadratics, x0, "upgrad", lr=0.1, steps=30, jac=jac)
    res3 = jacobian_descent(two_quadratics, x0, "upgrad", lr=0.1, steps=30)
    assert onp.allclose(res2.history.x, res3.history.x, rtol=1e-13, atol=1e-15)
    custom = jacobian_descent(two_quadratics, x0, lambda J: J[0], lr=0.5, steps=1)
    assert onp.allclose(custom.x, CA)  # a step on f_1 alone, to its minimiser


def test_jacobian_descent_tol_and_pcgrad_seed():
    res = jacobian_descent(two_quadratics, [3.0, -2.0, 2.5], "upgrad", lr=0.1, steps=500, tol=1e-6)
    assert res.success and res.nit < 500 and res.history.grad_norm[-1] <= 1e-6
    assert "<= tol" in res.message
    short = jacobian_descent(two_quadratics, [3.0, -2.0, 2.5], "upgrad", lr=0.1, steps=3, tol=1e-6)
    assert not short.success and "still > tol" in short.message
    F3 = lambda x: np.array([np.sum(x**2), np.sum((x - 1.0) ** 2), x[0] - x[1]])  # noqa
    a = jacobian_descent(F3, [2.0, -1.0], "pcgrad", lr=0.05, steps=20, rng=4)
    b = jacobian_descent(F3, [2.0, -1.0], "pcgrad", lr=0.05, steps=20, rng=4)
    assert onp.array_equal(a.history.x, b.history.x)


def test_jacobian_descent_divergence_stops_without_raising():
    res = jacobian_descent(two_quadratics, [3.0, -2.0, 2.5], "mean", lr=5.0, steps=2000)
    assert not res.success and res.nit < 2000
    assert "NaN or inf" in res.message and onp.all(onp.isfinite(res.x))


@pytest.mark.parametrize(
    "kwargs,exc,pattern",
    [
        (dict(F="F"), TypeError, r"^jacobian_descent: F must be a callable"),
        (dict(x0=[1.0, onp.nan, 0.0]), ValueError, r"^jacobian_descent: x0 must be finite"),
        (dict(lr=0.0), ValueError, r"^jacobian_descent: lr must be > 0"),
        (dict(lr=-1.0), ValueError, r"^jacobian_descent: lr must be > 0"),
        (dict(steps=0), ValueError, r"^jacobian_descent: steps must be an integer >= 1"),
        (dict(steps=2.5), TypeError, r"^jacobian_descent: steps must be an integer"),
        (dict(tol=-1.0), ValueError, r"^jacobian_descent: tol must be >= 0"),
        (dict(aggregator="average"), ValueError, r"^jacobian_descent: unknown aggregator"),
        (dict(aggregator=None), TypeError, r"^jacobian_descent: aggregator must be a name"),
        (
            dict(aggregator=lambda J: J[:, 0]),
            ValueError,
            r"^jacobian_descent: aggregator must return an array of shape \(3,\), got shape \(2,\)",
        ),
        (
            dict(jac=lambda x: onp.ones((3, 3))),
            ValueError,
            r"^jacobian_descent: jac must return shape \(2, 3\), got \(3, 3\)",
        ),
        (
            dict(F=lambda x: np.array([np.log(x[0] - 5.0), x[1]])),
            ValueError,
            r"^jacobian_descent: F, its Jacobian and the direction must be finite at x0",
        ),
    ],
)
def test_jacobian_descent_errors(kwargs, exc, pattern):
    args = dict(F=two_quadratics, x0=[1.0, 0.0, 0.0], aggregator="upgrad", lr=0.1, steps=5)
    args.update(kwargs)
    F, x0, agg = args.pop("F"), args.pop("x0"), args.pop("aggregator")
    with onp.errstate(invalid="ignore"):
        with pytest.raises(exc, match=pattern):
            jacobian_descent(F, x0, agg, **args)
