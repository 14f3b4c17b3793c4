"""Areas of polygons and of the images of small rectangles under 2-D maps.

The change-of-variables formula says that a map ``T`` stretches the area of a small cell
``[u0, u0+du] x [v0, v0+dv]`` by ``|det J_T|``. To *measure* that stretch without using the
Jacobian, this module

* computes the signed area of a polygon by the shoelace formula (:func:`signed_area`);
* samples the boundary of a rectangle counter-clockwise (:func:`rectangle_boundary`);
* maps that boundary through ``T`` and measures the polygon it becomes (:func:`image_area`).

These are independent of every Jacobian in the package, which is why the chapters use them
as a check of ``area(T(cell)) ≈ |det J_T| du dv``.

Chapters: ``jacobian-determinant``, ``linear-maps``, ``gaussian-integral``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as onp

from jaccourse._validation import (
    as_positive_int,
    as_real,
    check_callable,
    describe,
    float_array,
    quiet,
)
from jaccourse.transforms import CoordinateTransform

__all__ = [
    "MAX_SAMPLES",
    "image_area",
    "rectangle_boundary",
    "signed_area",
]

MAX_SAMPLES = 1_000_000
"""Largest ``samples`` (points per edge) accepted by :func:`rectangle_boundary` and
:func:`image_area`."""


def _shoelace(points: onp.ndarray) -> float:
    """Shoelace sum of a checked ``(k, 2)`` float array (vertices shifted to their mean)."""
    centred = points - points.mean(axis=0)
    x, y = centred[:, 0], centred[:, 1]
    return float(0.5 * onp.sum(x * onp.roll(y, -1) - onp.roll(x, -1) * y))


def signed_area(polygon: Any) -> float:
    """Signed area of a closed polygon by the shoelace formula.

    Formula: for vertices ``(x_1, y_1), ..., (x_k, y_k)`` listed in order, with the closing
    edge from the last vertex back to the first implied (``(x_{k+1}, y_{k+1}) = (x_1, y_1)``),

        ``A = 1/2 sum_{i=1}^{k} (x_i y_{i+1} - x_{i+1} y_i)``.

    ``A > 0`` when the vertices go round counter-clockwise, ``A < 0`` when clockwise, and
    ``|A|`` is the area for a simple (non-self-intersecting) polygon. The formula is
    unchanged by a translation, so the vertices are first shifted by their mean: this keeps
    the rounding error small for a small polygon far from the origin.

    Shapes: ``polygon`` is ``(k, 2)`` with ``k >= 3`` finite vertices (do not repeat the
    first vertex at the end; doing so adds a zero-length edge and changes nothing). Returns
    a float.

    Chapters: ``jacobian-determinant``, ``linear-maps``, ``gaussian-integral``.

    Examples
    --------
    >>> from jaccourse.geometry import signed_area
    >>> signed_area([[0, 0], [1, 0], [1, 1], [0, 1]])      # unit square, counter-clockwise
    1.0
    >>> signed_area([[0, 0], [0, 1], [1, 1], [1, 0]])      # the same square, clockwise
    -1.0
    >>> signed_area([[0, 0], [4, 0], [0, 3]])              # right triangle with legs 4 and 3
    6.0
    """
    func = "signed_area"
    points = float_array(func, "polygon", polygon, what="an array of real vertices of shape (k, 2)")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(
            f"{func}: polygon must have shape (k, 2), one (x, y) row per vertex, got shape "
            f"{points.shape}"
        )
    if points.shape[0] < 3:
        raise ValueError(f"{func}: polygon must have at least 3 vertices, got {points.shape[0]}")
    if not onp.all(onp.isfinite(points)):
        raise ValueError(f"{func}: polygon must be finite, got NaN or inf among its vertices")
    return _shoelace(points)


def _check_samples(func: str, samples: Any) -> int:
    samples = as_positive_int(func, "samples", samples)
    if samples > MAX_SAMPLES:
        raise ValueError(f"{func}: samples must be an integer <= {MAX_SAMPLES}, got {samples}")
    return samples


def _boundary(u0: float, v0: float, du: float, dv: float, samples: int) -> onp.ndarray:
    """The counter-clockwise boundary of a checked rectangle, ``(4 samples, 2)``."""
    t = onp.linspace(0.0, 1.0, samples, endpoint=False)
    one = onp.ones_like(t)
    edges = [
        onp.stack([u0 + du * t, v0 * one], axis=-1),  # bottom, left to right
        onp.stack([(u0 + du) * one, v0 + dv * t], axis=-1),  # right, upwards
        onp.stack([u0 + du * (1 - t), (v0 + dv) * one], axis=-1),  # top, right to left
        onp.stack([u0 * one, v0 + dv * (1 - t)], axis=-1),  # left, downwards
    ]
    return onp.concatenate(edges, axis=0)


def _rectangle(func: str, u0: Any, v0: Any, du: Any, dv: Any) -> tuple[float, float, float, float]:
    return (
        as_real(func, "u0", u0),
        as_real(func, "v0", v0),
        as_real(func, "du", du, positive=True),
        as_real(func, "dv", dv, positive=True),
    )


def rectangle_boundary(
    u0: float, v0: float, du: float, dv: float, samples: int = 100
) -> onp.ndarray:
    """Points along the boundary of the rectangle ``[u0, u0+du] x [v0, v0+dv]``, counter-clockwise.

    Formula: with ``t_j = j / samples`` for ``j = 0, ..., samples - 1``, the four edges are
    sampled as ``(u0 + t_j du, v0)`` (bottom), ``(u0 + du, v0 + t_j dv)`` (right),
    ``(u0 + (1 - t_j) du, v0 + dv)`` (top) and ``(u0, v0 + (1 - t_j) dv)`` (left). Each
    edge starts at a corner and stops one step before the next, so every corner appears
    exactly once and the polygon closes implicitly (ready for :func:`signed_area`, which
    gives ``du dv``).

    Sampling the edges finely matters once the boundary is mapped by a curved map: the image
    of a straight edge is a curve, and the polygon through the mapped points follows it.

    Shapes: returns ``(4 samples, 2)``; the first point is the corner ``(u0, v0)``.
    ``du > 0``, ``dv > 0``, ``1 <= samples <= MAX_SAMPLES``.

    Chapters: ``jacobian-determinant``, ``gaussian-integral`` (through :func:`image_area`).

    Examples
    --------
    >>> from jaccourse.geometry import rectangle_boundary, signed_area
    >>> rectangle_boundary(0.0, 0.0, 2.0, 1.0, samples=2)
    array([[0. , 0. ],
           [1. , 0. ],
           [2. , 0. ],
           [2. , 0.5],
           [2. , 1. ],
           [1. , 1. ],
           [0. , 1. ],
           [0. , 0.5]])
    >>> signed_area(rectangle_boundary(1.0, -1.0, 0.5, 4.0))
    2.0
    """
    func = "rectangle_boundary"
    u0, v0, du, dv = _rectangle(func, u0, v0, du, dv)
    samples = _check_samples(func, samples)
    return _boundary(u0, v0, du, dv, samples)


def image_area(
    transform: CoordinateTransform | Callable[[Any], Any],
    u0: float,
    v0: float,
    du: float,
    dv: float,
    samples: int = 400,
) -> float:
    """Signed area of the image ``T(R)`` of the rectangle ``R = [u0, u0+du] x [v0, v0+dv]``.

    Formula: ``area(T(R)) ≈ signed_area(T(b_1), ..., T(b_K))`` where ``b_1, ..., b_K`` are
    the ``K = 4 samples`` points of :func:`rectangle_boundary`. The boundary of ``R`` runs
    counter-clockwise, so the result is positive for an orientation-preserving map
    (``det J_T > 0``) and negative for an orientation-reversing one. For a one-to-one map
    the only error is that of replacing each image curve by chords, ``O(1 / samples^2)``;
    for a linear map (straight images) the result is exact, ``det(A) du dv``, up to
    rounding. No Jacobian is used, so comparing with ``|det J_T(u0, v0)| du dv`` is an
    independent check of the change-of-variables formula.

    Shapes: ``transform`` maps ``(..., 2) -> (..., 2)``: a 2-D
    :class:`~jaccourse.transforms.CoordinateTransform` such as
    :data:`~jaccourse.transforms.POLAR` (then ``(u, v) = (r, θ)``), or any callable, e.g. an
    ``autograd.numpy`` function; it is called once on an array of shape ``(4 samples, 2)``.
    ``du > 0``, ``dv > 0``. Returns a float.

    Chapters: ``jacobian-determinant``, ``gaussian-integral``, ``linear-maps``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.geometry import image_area
    >>> from jaccourse.transforms import POLAR
    >>> r, theta, dr, dtheta = 1.0, 0.3, 0.1, 0.2
    >>> exact = ((r + dr) ** 2 - r**2) / 2 * dtheta        # a sector of an annulus
    >>> bool(np.isclose(image_area(POLAR, r, theta, dr, dtheta), exact, rtol=1e-6))
    True
    >>> A = np.array([[0.0, 1.0], [1.0, 0.0]])            # a reflection: det A = -1
    >>> image_area(lambda q: q @ A.T, 0.0, 0.0, 2.0, 3.0)
    -6.0
    """
    func = "image_area"
    check_callable(func, "transform", transform, nargs=1, call="transform(u)")
    if isinstance(transform, CoordinateTransform) and transform.dim != 2:
        raise ValueError(
            f"{func}: transform must be a 2-D map, got {transform.name!r} with {transform.dim} "
            "variables"
        )
    u0, v0, du, dv = _rectangle(func, u0, v0, du, dv)
    samples = _check_samples(func, samples)
    boundary = _boundary(u0, v0, du, dv, samples)
    image = apply_2d_map(func, transform, boundary, "on the boundary of the rectangle")
    return _shoelace(image)


def apply_2d_map(func: str, transform: Callable, points: onp.ndarray, where: str) -> onp.ndarray:
    """Apply a 2-D map to points of shape ``(..., 2)`` in one call; check shape and finiteness.

    Shared by :func:`image_area` and the figure helpers of :mod:`jaccourse.book.plotting`, hence a
    name without an underscore; it is not in ``__all__`` (not part of the course's API: its
    ``func`` argument names the public function an error is reported for). ``where`` completes
    the message for non-finite output ("on the plotted lines").

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.geometry import apply_2d_map
    >>> apply_2d_map("demo", lambda q: 2 * q, onp.array([[1.0, 2.0]]), "here")
    array([[2., 4.]])
    """
    flat = points.reshape(-1, 2)
    with quiet():
        out = transform(flat)
    try:
        image = onp.asarray(out, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: transform must return an array of real numbers, got {describe(out)}"
        ) from None
    if image.shape != flat.shape:
        raise ValueError(
            f"{func}: transform must map points of shape (N, 2) to shape (N, 2), got shape "
            f"{image.shape} for N = {flat.shape[0]}"
        )
    if not onp.all(onp.isfinite(image)):
        raise ValueError(f"{func}: transform returned NaN or inf {where}")
    return image.reshape(points.shape)
