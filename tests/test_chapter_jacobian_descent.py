"""The inline code of the chapter ``jacobian-descent`` against the package.

The chapter writes two short functions because seeing the computation is the point there:

* ``project_by_nnls(J, g)``: the projection of ``g`` onto the dual cone ``{d : J d >= 0}`` as
  ``g + J^T lam`` with ``lam`` the non-negative least-squares solution of
  ``min_{lam >= 0} |J^T lam + g|`` (the chapter's proposition ``jdc-prop-nnls``);
* ``upgrad_by_projections(J)``: UPGrad from its definition, the mean of the projected rows.

These tests take both functions from the chapter itself (so they test what the reader sees)
and check them against ``jaccourse.multiobjective`` (``project_onto_dual_cone``, ``upgrad``,
``dualproj``, ``pcgrad``) and against the optimality conditions of the projection.
"""

from __future__ import annotations

import autograd.numpy as np
import numpy as onp
import pytest
from chapter_code import chapter_functions
from scipy.optimize import nnls

from jaccourse.multiobjective import dualproj, pcgrad, project_onto_dual_cone, upgrad

FUNCTIONS = ("project_by_nnls", "upgrad_by_projections")


def _chapter_functions() -> dict:
    """The chapter's definitions of FUNCTIONS, executed in a fresh namespace."""
    namespace = chapter_functions("jacobian-descent", FUNCTIONS, {"np": np, "nnls": nnls})
    return {name: namespace[name] for name in FUNCTIONS}


FUNCS = _chapter_functions()
project_by_nnls = FUNCS["project_by_nnls"]
upgrad_by_projections = FUNCS["upgrad_by_projections"]


def _jacobian(rng: onp.random.Generator, m: int, n: int) -> onp.ndarray:
    """Gaussian rows with lengths spread over four orders of magnitude."""
    return rng.standard_normal((m, n)) * 10.0 ** rng.uniform(-2.0, 2.0, size=(m, 1))


CASES = [
    (m, n, seed)
    for m, n in [(2, 2), (2, 5), (3, 2), (4, 3), (5, 8), (6, 40), (8, 3)]
    for seed in range(4)
]


@pytest.mark.parametrize("m, n, seed", CASES)
def test_projection_matches_the_package_and_is_optimal(m, n, seed):
    rng = onp.random.default_rng(1000 * m + 10 * n + seed)
    J = _jacobian(rng, m, n)
    g = rng.standard_normal(n) * 10.0 ** rng.uniform(-1.0, 1.0)
    d, lam = project_by_nnls(J, g)
    d_pkg, lam_pkg = project_onto_dual_cone(J, g, return_multipliers=True)
    scale = onp.abs(g).max()
    assert onp.allclose(d, d_pkg, rtol=0, atol=1e-10 * scale)
    if m <= n:  # independent rows: the multipliers are unique
        assert onp.allclose(J.T @ lam, J.T @ lam_pkg, rtol=0, atol=1e-10 * scale)
    # optimality conditions of the chapter's proof: lam >= 0, J d >= 0, lam_i (J d)_i = 0
    Jd = J @ d
    row = onp.linalg.norm(J, axis=1)
    assert onp.all(lam >= 0)
    assert onp.all(Jd >= -1e-10 * row * scale)
    assert onp.all(onp.abs(lam * Jd) <= 1e-9 * scale**2)
    # and no feasible point of a random sample is closer to g
    for _ in range(50):
        v = rng.standard_normal(n) * scale
        p = project_onto_dual_cone(J, v)  # a feasible point
        assert onp.linalg.norm(d - g) <= onp.linalg.norm(p - g) + 1e-10 * scale


@pytest.mark.parametrize("m, n, seed", CASES)
def test_upgrad_by_projections_matches_upgrad_and_dualproj(m, n, seed):
    rng = onp.random.default_rng(2000 + 1000 * m + 10 * n + seed)
    J = _jacobian(rng, m, n)
    scale = onp.abs(J).max()
    assert onp.allclose(upgrad_by_projections(J), upgrad(J), rtol=0, atol=1e-10 * scale)
    d_mean, _ = project_by_nnls(J, J.mean(axis=0))
    assert onp.allclose(d_mean, dualproj(J), rtol=0, atol=1e-10 * scale)
    if m == 2:  # the chapter's exercise jdc-ex-pcgrad-two
        assert onp.allclose(
            pcgrad(J, rng=0), 2 * upgrad_by_projections(J), rtol=0, atol=1e-10 * scale
        )


def test_exact_small_cases():
    J = onp.array([[1.0, 0.0], [-1.0, 1.0]])
    d, lam = project_by_nnls(J, J[0])
    assert onp.allclose(d, [0.5, 0.5], atol=1e-15) and onp.allclose(lam, [0.0, 0.5], atol=1e-15)
    assert onp.allclose(upgrad_by_projections(J), [0.25, 0.75], atol=1e-15)
    # the chapter's running example at x = (0.2, 0.2)
    J = onp.array([[0.4, 0.4], [-3.6, 0.4]])
    assert onp.allclose(project_by_nnls(J, J.mean(axis=0))[0], [-1.0, 1.0], atol=1e-14)
    assert onp.allclose(upgrad_by_projections(J), upgrad(J), rtol=0, atol=1e-14)
    # three rows spanning the plane positively: the cone is {0}
    J = onp.array([[1.0, 0.0], [0.0, 1.0], [-0.5, -1.0]])
    assert onp.allclose(upgrad_by_projections(J), 0.0, atol=1e-15)


@pytest.mark.parametrize(
    "J",
    [
        onp.array([[1.0, 2.0], [0.0, 0.0]]),  # a zero row
        onp.array([[1.0, 2.0, 0.5], [-1.0, -2.0, -0.5]]),  # opposite rows
        onp.array([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0], [-1.0, 0.3, 0.0]]),  # repeated direction
        onp.array([[3.0, -1.0], [-6.0, 2.0], [0.0, 1.0], [1.0, 1.0]]),  # rank-deficient, m > n
    ],
)
def test_degenerate_jacobians(J):
    rng = onp.random.default_rng(5)
    for _ in range(10):
        g = rng.standard_normal(J.shape[1])
        assert onp.allclose(
            project_by_nnls(J, g)[0], project_onto_dual_cone(J, g), rtol=0, atol=1e-12
        )
    assert onp.allclose(upgrad_by_projections(J), upgrad(J), rtol=0, atol=1e-12)


def test_pcgrad_three_reference_is_what_the_package_gives():
    """The reference of the exercise jdc-ex-pcgrad-three is a pair of counts written into the
    package; it must be what pcgrad and upgrad give on the chapter's 300 random Jacobians, and
    the counts must not hinge on the tolerance (any tolerance from 1e-13 to 1e-6)."""
    from jaccourse.book._exercise_refs.jacobian_descent import PCGRAD_THREE_COUNTS
    from jaccourse.book.exercises import check_value

    rng = onp.random.default_rng(2026)
    jacobians_3 = [rng.standard_normal((3, 2)) for _ in range(300)]
    for tol in (1e-13, 1e-12, 1e-9, 1e-6):
        counts = [
            sum(bool(onp.any(J3 @ pcgrad(J3, rng=0) < -tol)) for J3 in jacobians_3),
            sum(bool(onp.any(J3 @ upgrad(J3) < -tol)) for J3 in jacobians_3),
        ]
        assert counts == PCGRAD_THREE_COUNTS, tol
    assert check_value("jdc-ex-pcgrad-three", counts).correct
