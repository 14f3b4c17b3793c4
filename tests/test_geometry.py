"""Tests of jaccourse.geometry.

Oracles not written by us: closed-form areas (squares, triangles, regular polygons, sectors
of annuli, pi r^2), ``numpy.linalg.det`` for linear maps, and matplotlib's own polygon path
for the plotting helper that now uses :func:`rectangle_boundary`.
"""

from __future__ import annotations

import math

import autograd.numpy as np
import numpy as onp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jaccourse.geometry import MAX_SAMPLES, image_area, rectangle_boundary, signed_area
from jaccourse.transforms import POLAR, SPHERICAL, linear_transform


def regular_polygon(k: int, radius: float = 1.0, center=(0.0, 0.0)) -> onp.ndarray:
    angles = 2 * onp.pi * onp.arange(k) / k
    return onp.column_stack(
        [center[0] + radius * onp.cos(angles), center[1] + radius * onp.sin(angles)]
    )


# ---------------------------------------------------------------------------------------------
# signed_area
# ---------------------------------------------------------------------------------------------


def test_unit_square_counter_clockwise_is_one_and_clockwise_is_minus_one():
    square = onp.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    assert signed_area(square) == 1.0
    assert signed_area(square[::-1]) == -1.0
    assert isinstance(signed_area(square), float)
    # a list works, and repeating the first vertex at the end changes nothing
    assert signed_area(square.tolist() + [[0.0, 0.0]]) == 1.0
    # every cyclic relabelling is the same polygon
    for shift in range(4):
        assert signed_area(onp.roll(square, shift, axis=0)) == 1.0


def test_triangles_against_half_base_times_height_and_the_cross_product():
    assert signed_area([[0, 0], [4, 0], [0, 3]]) == 6.0
    assert signed_area([[0, 0], [0, 3], [4, 0]]) == -6.0
    rng = onp.random.default_rng(7)
    for _ in range(20):
        p, q, r = rng.normal(size=(3, 2))
        cross = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        assert math.isclose(signed_area([p, q, r]), 0.5 * cross, rel_tol=1e-12, abs_tol=1e-14)


@pytest.mark.parametrize("radius", [0.5, 1.0, 3.0])
def test_regular_polygon_area_and_its_limit_pi_r_squared(radius):
    errors = []
    for k in (6, 24, 96, 384, 1536):
        polygon = regular_polygon(k, radius, center=(2.0, -1.0))
        exact = k / 2 * radius**2 * math.sin(2 * math.pi / k)  # k isosceles triangles
        assert math.isclose(signed_area(polygon), exact, rel_tol=1e-13)
        assert math.isclose(signed_area(polygon[::-1]), -exact, rel_tol=1e-13)
        errors.append(math.pi * radius**2 - signed_area(polygon))
    assert all(e > 0 for e in errors)  # inscribed polygons are smaller than the disc
    # the gap is ~ (2 pi^3 / 3) r^2 / k^2: quadrupling k divides it by 16
    ratios = onp.array(errors[:-1]) / onp.array(errors[1:])
    assert onp.allclose(ratios[1:], 16.0, rtol=5e-3)
    onp.testing.assert_allclose(
        onp.array(errors[2:]) * onp.array([96, 384, 1536]) ** 2,
        2 * math.pi**3 / 3 * radius**2,
        rtol=1e-3,
    )
    assert errors[-1] / (math.pi * radius**2) < 1e-5


def test_signed_area_is_translation_invariant_and_accurate_far_from_the_origin():
    # side 2^-10 and offsets up to 2^20: every vertex is exact in floating point, so any
    # error would be the formula's own (the uncentred sum gives 0.0 at offset 2^20)
    side = 2.0**-10
    small = side * onp.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    for offset in (0.0, 1.0, 2.0**10, 2.0**20):
        assert signed_area(small + offset) == side**2
        assert signed_area(small[::-1] - offset) == -(side**2)


@settings(max_examples=50, deadline=None)
@given(st.integers(3, 40), st.floats(0.1, 10), st.floats(-100, 100), st.floats(-100, 100))
def test_any_regular_polygon(k, radius, cx, cy):
    exact = k / 2 * radius**2 * math.sin(2 * math.pi / k)
    assert math.isclose(signed_area(regular_polygon(k, radius, (cx, cy))), exact, rel_tol=1e-9)


def test_a_non_convex_polygon():
    # an L shape: the 2 x 2 square minus its upper-right unit square
    ell = [[0, 0], [2, 0], [2, 1], [1, 1], [1, 2], [0, 2]]
    assert signed_area(ell) == 3.0


def test_signed_area_bad_input():
    with pytest.raises(
        ValueError, match=r"^signed_area: polygon must have shape \(k, 2\).*got shape \(3,\)"
    ):
        signed_area([1.0, 2.0, 3.0])
    with pytest.raises(
        ValueError, match=r"^signed_area: polygon must have shape \(k, 2\).*got shape \(4, 3\)"
    ):
        signed_area(onp.zeros((4, 3)))
    with pytest.raises(
        ValueError, match=r"^signed_area: polygon must have shape \(k, 2\).*got shape \(\)"
    ):
        signed_area(1.0)
    with pytest.raises(
        ValueError, match=r"^signed_area: polygon must have at least 3 vertices, got 2"
    ):
        signed_area([[0.0, 0.0], [1.0, 1.0]])
    with pytest.raises(
        ValueError, match=r"^signed_area: polygon must have at least 3 vertices, got 0"
    ):
        signed_area(onp.zeros((0, 2)))
    with pytest.raises(ValueError, match=r"^signed_area: polygon must be finite, got NaN or inf"):
        signed_area([[0.0, 0.0], [1.0, onp.nan], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^signed_area: polygon must be finite"):
        signed_area([[0.0, 0.0], [onp.inf, 0.0], [0.0, 1.0]])
    with pytest.raises(TypeError, match=r"^signed_area: polygon must be an array of real vertices"):
        signed_area([["a", "b"], ["c", "d"], ["e", "f"]])
    with pytest.raises(TypeError, match=r"^signed_area: polygon must be an array of real vertices"):
        signed_area(onp.array([[0, 0], [1, 0], [0, 1j]]))
    with pytest.raises(TypeError, match=r"^signed_area: polygon must be an array of real vertices"):
        signed_area(onp.sin)


# ---------------------------------------------------------------------------------------------
# rectangle_boundary
# ---------------------------------------------------------------------------------------------


def test_rectangle_boundary_shape_corners_and_orientation():
    u0, v0, du, dv, samples = -1.0, 2.0, 3.0, 0.5, 7
    b = rectangle_boundary(u0, v0, du, dv, samples)
    assert b.shape == (4 * samples, 2)
    corners = onp.array([[u0, v0], [u0 + du, v0], [u0 + du, v0 + dv], [u0, v0 + dv]])
    onp.testing.assert_array_equal(b[::samples], corners)  # each edge starts at a corner
    # no point is repeated (in particular not the first corner at the end)
    assert len({tuple(p) for p in b}) == 4 * samples
    # every point is on the boundary of the rectangle
    on_u = onp.isclose(b[:, 0], u0) | onp.isclose(b[:, 0], u0 + du)
    on_v = onp.isclose(b[:, 1], v0) | onp.isclose(b[:, 1], v0 + dv)
    assert onp.all(on_u | on_v)
    assert onp.all((b[:, 0] >= u0) & (b[:, 0] <= u0 + du) & (b[:, 1] >= v0) & (b[:, 1] <= v0 + dv))
    # evenly spaced on each edge, and counter-clockwise: area +du dv
    steps = onp.linalg.norm(onp.diff(onp.vstack([b, b[:1]]), axis=0), axis=1)
    onp.testing.assert_allclose(steps[:samples], du / samples)
    onp.testing.assert_allclose(steps[samples : 2 * samples], dv / samples)
    assert math.isclose(signed_area(b), du * dv, rel_tol=1e-14)


def test_rectangle_boundary_default_and_one_sample_per_edge():
    assert rectangle_boundary(0, 0, 1, 1).shape == (400, 2)
    onp.testing.assert_array_equal(
        rectangle_boundary(0, 0, 2, 1, samples=1), [[0, 0], [2, 0], [2, 1], [0, 1]]
    )


def test_rectangle_boundary_accepts_numpy_scalars():
    b = rectangle_boundary(
        onp.float64(0.5), onp.int64(1), onp.float32(0.25), 2, samples=onp.int64(3)
    )
    assert b.shape == (12, 2) and math.isclose(signed_area(b), 0.5, rel_tol=1e-7)


def test_rectangle_boundary_bad_input():
    with pytest.raises(ValueError, match=r"^rectangle_boundary: du must be > 0, got 0.0"):
        rectangle_boundary(0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"^rectangle_boundary: dv must be > 0, got -1.0"):
        rectangle_boundary(0.0, 0.0, 1.0, -1.0)
    with pytest.raises(ValueError, match=r"^rectangle_boundary: u0 must be finite"):
        rectangle_boundary(onp.nan, 0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"^rectangle_boundary: v0 must be finite"):
        rectangle_boundary(0.0, onp.inf, 1.0, 1.0)
    with pytest.raises(TypeError, match=r"^rectangle_boundary: u0 must be a real number"):
        rectangle_boundary("0", 0.0, 1.0, 1.0)
    with pytest.raises(
        ValueError, match=r"^rectangle_boundary: samples must be an integer >= 1, got 0"
    ):
        rectangle_boundary(0.0, 0.0, 1.0, 1.0, samples=0)
    with pytest.raises(TypeError, match=r"^rectangle_boundary: samples must be an integer >= 1"):
        rectangle_boundary(0.0, 0.0, 1.0, 1.0, samples=2.5)
    with pytest.raises(
        ValueError, match=rf"^rectangle_boundary: samples must be an integer <= {MAX_SAMPLES}"
    ):
        rectangle_boundary(0.0, 0.0, 1.0, 1.0, samples=10**9)


# ---------------------------------------------------------------------------------------------
# image_area
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "r, theta, dr, dtheta",
    [
        (1.0, 0.3, 0.1, 0.1),
        (1.0, 0.3, 1e-3, 1e-3),
        (2.5, -1.0, 0.5, 0.4),
        (0.0, 0.0, 1.0, 2 * math.pi),  # the whole disc of radius 1
        (1.2, 0.6, 0.0125, 0.0125),
    ],
)
def test_image_of_a_polar_cell_is_a_sector_of_an_annulus(r, theta, dr, dtheta):
    exact = ((r + dr) ** 2 - r**2) / 2 * dtheta
    samples = 400
    area = image_area(POLAR, r, theta, dr, dtheta, samples)
    # the polygon replaces each arc by `samples` chords: its area is exactly
    # ((r + dr)^2 - r^2)/2 * samples sin(dtheta / samples) (the radial edges are straight)
    chords = ((r + dr) ** 2 - r**2) / 2 * samples * math.sin(dtheta / samples)
    assert math.isclose(area, chords, rel_tol=1e-11)
    # and that is the exact area to O(dtheta^2 / samples^2)
    assert math.isclose(area, exact, rel_tol=dtheta**2 / (6 * samples**2) * 1.01 + 1e-11)


def test_polar_image_area_over_cell_area_tends_to_r():
    r0, theta0 = 1.2, 0.6
    sides = [0.4, 0.2, 0.1, 0.05, 0.025, 0.0125]
    ratios = onp.array([image_area(POLAR, r0, theta0, h, h) / h**2 for h in sides])
    gaps = ratios - r0
    assert onp.all(gaps > 0) and onp.all(onp.diff(gaps) < 0)
    # exactly r0 + h/2 for the annular sector (up to the chord error)
    onp.testing.assert_allclose(gaps / onp.array(sides), 0.5, rtol=1e-5)
    assert abs(ratios[-1] - r0) < 0.01


def test_polar_with_a_plain_autograd_function_agrees_with_POLAR():
    def polar_by_hand(q):
        return np.stack([q[..., 0] * np.cos(q[..., 1]), q[..., 0] * np.sin(q[..., 1])], axis=-1)

    assert image_area(polar_by_hand, 0.7, 1.0, 0.2, 0.3) == image_area(POLAR, 0.7, 1.0, 0.2, 0.3)


@pytest.mark.parametrize(
    "A",
    [
        [[2.0, 1.0], [-0.5, 1.5]],
        [[1.5, -0.6], [0.5, 1.0]],
        [[0.8, 1.0], [1.0, 0.0]],  # reflection and shear: det < 0
        [[0.0, 1.0], [1.0, 0.0]],  # reflection in y = x: det = -1
        [[-3.0, 0.0], [0.0, 0.5]],
        [[1.0, 2.0], [2.0, 4.0]],  # singular: the image is a segment
    ],
)
def test_image_area_under_a_linear_map_is_det_A_du_dv(A):
    A = onp.array(A)
    det = onp.linalg.det(A)
    u0, v0, du, dv = 0.3, -0.7, 0.4, 1.1
    for transform in (lambda q: q @ A.T, linear_transform(A)):
        for samples in (1, 3, 400):
            area = image_area(transform, u0, v0, du, dv, samples)
            assert math.isclose(area, det * du * dv, rel_tol=1e-12, abs_tol=1e-14)
            assert onp.sign(area) == onp.sign(onp.round(det, 12))


def test_orientation_reversing_nonlinear_map_gives_a_negative_area():
    # (u, v) -> (v, u^2 + u) on u > -1/2: det J = -(2u + 1) < 0
    def flip(q):
        return np.stack([q[..., 1], q[..., 0] ** 2 + q[..., 0]], axis=-1)

    u0, v0, du, dv = 0.5, 0.0, 0.5, 2.0
    exact = -(((u0 + du) ** 2 + (u0 + du)) - (u0**2 + u0)) * dv  # -∫∫ (2u + 1) du dv
    assert math.isclose(image_area(flip, u0, v0, du, dv, samples=2000), exact, rel_tol=1e-6)


def test_image_area_matches_the_plotting_highlight():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from jaccourse.book.plotting import plot_grid_and_image

    cell = (1.2, 0.6, 0.25, 0.2)
    fig, (_, ax_x) = plot_grid_and_image(POLAR, (0.5, 2.0), (0.0, 1.5), highlight=cell, samples=50)
    (patch,) = [p for p in ax_x.patches if p.get_gid() == "highlight-image"]
    xy = patch.get_xy()
    onp.testing.assert_allclose(xy[: 4 * 50], POLAR(rectangle_boundary(*cell, samples=50)))
    assert math.isclose(
        signed_area(xy[: 4 * 50]), image_area(POLAR, *cell, samples=50), rel_tol=1e-12
    )
    plt.close(fig)


def test_image_area_bad_input():
    good = (0.0, 0.0, 1.0, 1.0)
    with pytest.raises(TypeError, match=r"^image_area: transform must be a callable"):
        image_area("polar", *good)
    with pytest.raises(
        ValueError, match=r"^image_area: transform must be a 2-D map, got 'spherical'"
    ):
        image_area(SPHERICAL, *good)
    with pytest.raises(
        ValueError,
        match=r"^image_area: transform must map points of shape \(N, 2\) to shape \(N, 2\)",
    ):
        image_area(lambda q: q[..., 0], *good)
    with pytest.raises(ValueError, match=r"^image_area: transform returned NaN or inf"):
        image_area(lambda q: onp.where(q > 0.5, onp.nan, q), *good)
    with pytest.raises(
        TypeError, match=r"^image_area: transform must return an array of real numbers"
    ):
        image_area(lambda q: "x", *good)
    with pytest.raises(ValueError, match=r"^image_area: du must be > 0"):
        image_area(POLAR, 0.0, 0.0, -1.0, 1.0)
    with pytest.raises(ValueError, match=r"^image_area: v0 must be finite"):
        image_area(POLAR, 0.0, onp.nan, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"^image_area: samples must be an integer >= 1"):
        image_area(POLAR, *good, samples=0)
