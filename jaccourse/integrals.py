"""The Gaussian integral many ways, and integration by a change of variables.

The course's opening question is ``I = ∫ e^{-x^2} dx = sqrt(pi)``. This module computes it

* directly, with Gauss-Legendre quadrature on a truncated line (:func:`gaussian_integral_1d`);
* squared, on a square (:func:`gaussian_integral_squared_cartesian`);
* squared, in polar coordinates, where the Jacobian determinant ``r`` makes the integral
  elementary (:func:`gaussian_integral_squared_polar`), and without it, to show the wrong
  answer ``pi^{3/2}`` one gets by forgetting ``|det J|``;
* by Monte Carlo (:func:`gaussian_integral_monte_carlo`).

In one variable, :func:`integrate_interval` computes the *oriented* integral ``∫_a^b``
(with ``∫_a^b = -∫_b^a``), the form in which the substitution rule carries ``g'(u)``
without an absolute value.

The workhorses are :func:`gauss_legendre`, :func:`integrate_box` (a tensor-product rule on a
box) and :func:`integrate_change_of_variables`, which evaluates
``∫_{T(box)} f(x) dx = ∫_box f(T(u)) |det J_T(u)| du``.

All domains are *finite boxes*: an infinite domain must be truncated by the caller (for the
Gaussian, the tail beyond ``L`` is ``sqrt(pi) erfc(L)``, about ``1e-29`` at ``L = 8``).

Chapters: ``gaussian-integral``, ``jacobian-determinant``, ``one-variable``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd
import numpy as onp

from jaccourse._validation import (
    as_positive_int,
    as_real,
    as_rng,
    check_callable,
    describe,
    float_array,
    quiet,
)
from jaccourse.transforms import POLAR, CoordinateTransform

__all__ = [
    "MAX_NODES",
    "MAX_NODES_PER_AXIS",
    "MonteCarloEstimate",
    "gauss_legendre",
    "gaussian_integral_1d",
    "gaussian_integral_monte_carlo",
    "gaussian_integral_squared_cartesian",
    "gaussian_integral_squared_polar",
    "integrate_box",
    "integrate_change_of_variables",
    "integrate_interval",
]

MAX_NODES_PER_AXIS = 2000
"""Largest ``n`` accepted by :func:`gauss_legendre` (computing the rule costs
``O(n^2)``-``O(n^3)``)."""

MAX_NODES = 4_000_000
"""Largest total number of nodes ``n_1 * ... * n_d`` of a tensor rule (memory and time guard)."""

_MC_CHUNK = 1_000_000
_MC_MAX_SAMPLES = 100_000_000


# --------------------------------------------------------------------------------------------
# quadrature rules
# --------------------------------------------------------------------------------------------


def gauss_legendre(n: int, a: float, b: float) -> tuple[onp.ndarray, onp.ndarray]:
    """Gauss-Legendre nodes and weights on the interval ``[a, b]``.

    Formula: with numpy's rule ``(t_k, w_k)`` on ``[-1, 1]``, the nodes are
    ``x_k = (a + b)/2 + (b - a)/2 t_k`` and the weights ``(b - a)/2 w_k``, so that
    ``∫_a^b g(x) dx ≈ sum_k weights_k g(x_k)``, exact for polynomials of degree ``<= 2n - 1``.
    For a function analytic near ``[a, b]`` the error decays geometrically in ``n``.

    Shapes: both arrays are ``(n,)``; nodes increase. ``1 <= n <= MAX_NODES_PER_AXIS``,
    ``a < b`` finite.

    Chapters: ``gaussian-integral``, ``one-variable``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import gauss_legendre
    >>> x, w = gauss_legendre(3, 0.0, 2.0)
    >>> float(w.sum()), bool(np.isclose(w @ x**5, 2.0**6 / 6))
    (2.0, True)
    """
    func = "gauss_legendre"
    n = as_positive_int(func, "n", n)
    if n > MAX_NODES_PER_AXIS:
        raise ValueError(f"{func}: n must be an integer <= {MAX_NODES_PER_AXIS}, got {n}")
    a = as_real(func, "a", a)
    b = as_real(func, "b", b)
    if not a < b:
        raise ValueError(f"{func}: a must be < b, got a = {a}, b = {b}")
    t, w = onp.polynomial.legendre.leggauss(n)
    half = 0.5 * (b - a)
    return 0.5 * (a + b) + half * t, half * w


def integrate_interval(f: Callable[[onp.ndarray], Any], a: float, b: float, n: int = 64) -> float:
    """The oriented integral ``∫_a^b f(x) dx`` by Gauss-Legendre quadrature.

    Formula: for ``a < b``, ``∫_a^b f(x) dx ≈ sum_k w_k f(x_k)`` with the ``n``-node rule
    of :func:`gauss_legendre` on ``[a, b]`` (exact for polynomials of degree ``<= 2n - 1``).
    The integral is *oriented*: for ``a > b`` it follows the convention
    ``∫_a^b f = -∫_b^a f`` (the rule is applied on ``[b, a]`` and the sign flipped), and
    ``∫_a^a f = 0``. This convention makes ``∫_p^q + ∫_q^s = ∫_p^s`` hold for every
    ``p, q, s``, and it is the one under which the substitution rule
    ``∫_{g(α)}^{g(β)} f(x) dx = ∫_α^β f(g(u)) g'(u) du`` needs no absolute value.

    Shapes: ``f`` must be vectorised: it receives all ``n`` nodes as one array of shape
    ``(n,)`` and returns shape ``(n,)``. ``a``, ``b`` finite reals (in either order);
    ``1 <= n <= MAX_NODES_PER_AXIS``. Returns a float.

    Chapters: ``one-variable``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import integrate_interval
    >>> integrate_interval(lambda x: 3 * x**2, 0.0, 2.0, n=2)
    8.0
    >>> integrate_interval(lambda x: 3 * x**2, 2.0, 0.0, n=2)   # limits swapped: the sign flips
    -8.0
    >>> integrate_interval(np.cos, 1.0, 1.0)
    0.0
    """
    func = "integrate_interval"
    check_callable(func, "f", f, nargs=1, call="f(x)")
    a = as_real(func, "a", a)
    b = as_real(func, "b", b)
    n = as_positive_int(func, "n", n)
    if n > MAX_NODES_PER_AXIS:
        raise ValueError(f"{func}: n must be an integer <= {MAX_NODES_PER_AXIS}, got {n}")
    if a == b:
        return 0.0
    sign, lo, hi = (1.0, a, b) if a < b else (-1.0, b, a)
    nodes, weights = gauss_legendre(n, lo, hi)
    return sign * float(weights @ _values(func, f, nodes))


def _as_bounds(func: str, bounds: Any) -> onp.ndarray:
    """Check ``bounds = [(a1, b1), ..., (ad, bd)]``: finite, ``a_i < b_i``; return ``(d, 2)``."""
    if callable(bounds):
        raise TypeError(
            f"{func}: bounds must be a sequence of (a, b) pairs, got {describe(bounds)}"
        )
    arr = float_array(func, "bounds", bounds, what="a sequence of (a, b) pairs of numbers")
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        hint = " (for one interval write [(a, b)])" if arr.shape == (2,) else ""
        raise ValueError(
            f"{func}: bounds must have shape (d, 2), one (a, b) pair per axis, got shape "
            f"{arr.shape}{hint}"
        )
    if onp.any(onp.isnan(arr)):
        raise ValueError(f"{func}: bounds must be finite, got NaN in {arr.tolist()}")
    if not onp.all(onp.isfinite(arr)):
        raise ValueError(
            f"{func}: bounds must be finite, got {arr.tolist()}; truncate an infinite domain "
            "to a finite box (for e^{-x^2}, [-8, 8] loses only sqrt(pi) erfc(8) ~ 1e-29)"
        )
    bad = onp.flatnonzero(arr[:, 0] >= arr[:, 1])
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{func}: bounds must have a < b on every axis, got (a, b) = {tuple(arr[i].tolist())} "
            f"on axis {i}"
        )
    return arr


def _as_counts(func: str, n: Any, d: int) -> list[int]:
    """``n`` as one count per axis (an int for all axes, or a sequence of ``d`` ints)."""
    if isinstance(n, numbers.Integral) and not isinstance(n, bool):
        counts = [n] * d
    elif isinstance(n, (list, tuple, onp.ndarray)):
        counts = list(n)
        if len(counts) != d:
            raise ValueError(
                f"{func}: n must be an int or a sequence of {d} ints (one per axis), got length "
                f"{len(counts)}"
            )
    else:
        raise TypeError(f"{func}: n must be an int or a sequence of ints, got {describe(n)}")
    out = []
    for count in counts:
        c = as_positive_int(func, "n", count)
        if c > MAX_NODES_PER_AXIS:
            raise ValueError(f"{func}: n must be <= {MAX_NODES_PER_AXIS} per axis, got {c}")
        out.append(c)
    if math.prod(out) > MAX_NODES:
        raise ValueError(
            f"{func}: n gives {math.prod(out)} nodes in total, more than MAX_NODES = {MAX_NODES}; "
            "use fewer nodes per axis"
        )
    return out


def _tensor_rule(func: str, bounds: Any, n: Any) -> tuple[onp.ndarray, onp.ndarray]:
    """Nodes ``(N, d)`` and weights ``(N,)`` of the tensor Gauss-Legendre rule on a box."""
    box = _as_bounds(func, bounds)
    d = box.shape[0]
    counts = _as_counts(func, n, d)
    rules = [gauss_legendre(c, a, b) for c, (a, b) in zip(counts, box, strict=True)]
    grids = onp.meshgrid(*[x for x, _ in rules], indexing="ij")
    wgrids = onp.meshgrid(*[w for _, w in rules], indexing="ij")
    nodes = onp.stack([g.ravel() for g in grids], axis=-1)
    weights = onp.prod(onp.stack([g.ravel() for g in wgrids], axis=-1), axis=-1)
    return nodes, weights


def _values(func: str, f: Callable, points: onp.ndarray) -> onp.ndarray:
    """Evaluate the vectorised integrand and check it returns ``(N,)`` finite reals.

    ``points`` is ``(N,)`` (nodes on a line) or ``(N, d)`` (nodes in a box).
    """
    N = points.shape[0]
    takes = (
        f"x of shape (n,) = ({N},)"
        if points.ndim == 1
        else f"points of shape (N, d) = ({N}, {points.shape[1]})"
    )
    with quiet():
        out = f(points)
    try:
        vals = onp.asarray(out, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: f must return an array of real numbers of shape ({N},), got {describe(out)}"
        ) from None
    if vals.shape != (N,):
        raise ValueError(
            f"{func}: f must be vectorised: take {takes} and return "
            f"shape ({N},), got shape {vals.shape}"
        )
    if not onp.all(onp.isfinite(vals)):
        raise ValueError(f"{func}: f returned NaN or inf at some quadrature nodes")
    return vals


# --------------------------------------------------------------------------------------------
# integration on a box and by change of variables
# --------------------------------------------------------------------------------------------


def integrate_box(
    f: Callable[[onp.ndarray], Any], bounds: Sequence[Sequence[float]], n: int | Sequence[int] = 32
) -> float:
    """Integrate ``f`` over a box with the tensor-product Gauss-Legendre rule.

    Formula: ``∫_{a1}^{b1} ... ∫_{ad}^{bd} f(x) dx ≈ sum_k W_k f(x_k)`` where the nodes
    ``x_k`` run over the grid of the 1-D rules of :func:`gauss_legendre` and ``W_k`` is the
    product of their weights. Exact for polynomials of degree ``<= 2 n_i - 1`` in each
    variable.

    Shapes: ``bounds`` is ``[(a1, b1), ..., (ad, bd)]`` (finite, ``a_i < b_i``; truncate an
    infinite domain yourself); ``n`` is an int (same on every axis) or ``d`` ints;
    ``f`` must be vectorised: it receives all ``N = n_1 ... n_d`` nodes as one array of shape
    ``(N, d)`` and returns shape ``(N,)``. Returns a float.

    Chapters: ``gaussian-integral``, ``one-variable``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import integrate_box
    >>> integrate_box(lambda x: x[:, 0] * x[:, 1] ** 2, [(0, 1), (0, 3)], n=4)
    4.5
    >>> value = integrate_box(lambda x: np.exp(-x[:, 0] ** 2), [(-8, 8)], n=64)
    >>> bool(np.isclose(value, np.sqrt(np.pi), rtol=1e-13))
    True
    """
    func = "integrate_box"
    check_callable(func, "f", f, nargs=1, call="f(points)")
    nodes, weights = _tensor_rule(func, bounds, n)
    return float(weights @ _values(func, f, nodes))


def _autograd_determinants(func: str, transform: Callable, nodes: onp.ndarray) -> onp.ndarray:
    """``det J_T`` at every node by autograd: ``d`` reverse passes, each over all nodes at once.

    For a *pointwise* map (output row ``k`` depends only on input row ``k``), the gradient of
    ``sum_k T(U)[k, i]`` with respect to ``U`` has in row ``k`` exactly row ``i`` of the
    Jacobian at node ``k``; ``autograd.elementwise_grad`` computes that gradient.

    Autograd cannot see plain-numpy functions such as ``numpy.stack`` and then returns zero
    derivatives with only a warning, and a map that is not pointwise gives a wrong Jacobian.
    Both would be silent wrong answers, so the result is checked against central differences
    at three nodes and a disagreement raises ``ValueError``.
    """
    d = nodes.shape[1]
    rows = []
    for i in range(d):

        def component(U, i=i):
            return transform(U)[..., i]

        try:
            with warnings.catch_warnings():
                # a component that autograd sees as independent of u has a zero gradient row; the
                # finite-difference check below tells a constant component from invisible numpy
                warnings.filterwarnings(
                    "ignore", message="Output seems independent of input", category=UserWarning
                )
                rows.append(onp.asarray(autograd.elementwise_grad(component)(nodes), dtype=float))
        except Exception as exc:  # report which argument is at fault, keep the cause
            raise TypeError(
                f"{func}: transform could not be differentiated by autograd ({type(exc).__name__}: "
                f"{exc}); write it with `import autograd.numpy as np`, without in-place assignment"
            ) from exc
    jac = onp.stack(rows, axis=1)  # (N, d, d): rows are outputs
    if jac.shape != (nodes.shape[0], d, d) or not onp.all(onp.isfinite(jac)):
        raise ValueError(
            f"{func}: the Jacobian of transform is NaN or inf at some quadrature nodes"
        )
    _check_against_finite_differences(func, transform, nodes, jac)
    with onp.errstate(all="ignore"):  # LU of a singular Jacobian divides by zero, harmlessly
        return onp.linalg.det(jac)


def _check_against_finite_differences(
    func: str, transform: Callable, nodes: onp.ndarray, jac: onp.ndarray
) -> None:
    """Compare autograd's Jacobians with central differences at the first, middle and last node."""
    N, d = nodes.shape
    idx = sorted({0, N // 2, N - 1})
    U = nodes[idx]
    scale = onp.maximum(1.0, onp.abs(U))
    h = 1e-6 * scale
    cols = []
    with onp.errstate(all="ignore"):
        for j in range(d):
            e = onp.zeros((len(idx), d))
            e[:, j] = h[:, j]
            try:
                plus = onp.asarray(transform(U + e), dtype=float)
                minus = onp.asarray(transform(U - e), dtype=float)
            except Exception as exc:
                raise ValueError(
                    f"{func}: transform must be pointwise and vectorised (any number of points of "
                    f"shape (k, {d})); it failed on {len(idx)} points: {type(exc).__name__}: {exc}"
                ) from exc
            if plus.shape != (len(idx), d) or minus.shape != (len(idx), d):
                raise ValueError(
                    f"{func}: transform must map points of shape (k, {d}) to shape (k, {d}), got "
                    f"shape {plus.shape} for k = {len(idx)}"
                )
            cols.append((plus - minus) / (2 * h[:, j : j + 1]))
        fd = onp.stack(cols, axis=-1)
        x = onp.asarray(transform(U), dtype=float)
    for k in range(len(idx)):
        if not (onp.all(onp.isfinite(fd[k])) and onp.all(onp.isfinite(x[k]))):
            continue  # too close to a singularity to check here
        tol = 1e-5 * (1.0 + onp.abs(fd[k]).max() + onp.abs(x[k]).max())
        if onp.abs(fd[k] - jac[idx[k]]).max() > tol:
            raise ValueError(
                f"{func}: autograd's Jacobian of transform disagrees with finite differences at "
                f"u = {U[k].tolist()}: write transform with `import autograd.numpy as np` (plain "
                "numpy functions such as numpy.stack are invisible to autograd) and make it "
                "pointwise (output row k may depend only on input row k)"
            )


def integrate_change_of_variables(
    f: Callable[[onp.ndarray], Any],
    transform: CoordinateTransform | Callable[[Any], Any],
    bounds: Sequence[Sequence[float]],
    n: int | Sequence[int] = 32,
    *,
    include_jacobian: bool = True,
) -> float:
    """Integrate ``f`` over the image ``T(box)`` of a box by changing variables.

    Formula (change of variables)::

        ∫_{T(box)} f(x) dx = ∫_box f(T(u)) |det J_T(u)| du,

    evaluated with the tensor Gauss-Legendre rule of :func:`integrate_box` in ``u``. ``T`` must
    be one-to-one on the box (up to a set of measure zero) for the left side to be meant.

    ``transform`` is a :class:`~jaccourse.transforms.CoordinateTransform` (its hand-derived
    ``jacobian_determinant`` is used) or any pointwise callable ``(..., d) -> (..., d)``
    written with ``autograd.numpy``; then ``det J_T`` is computed by autograd at all nodes at
    once (``d`` reverse passes of ``elementwise_grad``, one per output component, then
    ``det`` of the stacked ``(N, d, d)`` Jacobians). ``include_jacobian=False`` leaves
    ``|det J|`` out: this is the classic *mistake*, kept so the course can show its wrong
    answer (``π^{3/2}`` instead of ``π`` for the Gaussian in polar coordinates).

    Shapes: ``bounds`` is ``[(a1, b1), ..., (ad, bd)]`` in ``u`` (finite: truncate infinite
    ranges, e.g. ``r in [0, R]``); ``f`` takes ``(N, d)`` points ``x`` and returns ``(N,)``.
    Returns a float.

    Chapters: ``jacobian-determinant``, ``gaussian-integral``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import integrate_change_of_variables
    >>> from jaccourse.transforms import POLAR
    >>> area = integrate_change_of_variables(lambda x: np.ones(len(x)), POLAR,
    ...                                      [(0, 2), (0, 2 * np.pi)], n=8)
    >>> bool(np.isclose(area, 4 * np.pi))  # a disc of radius 2
    True
    >>> import autograd.numpy as np
    >>> def shear(u):  # a callable: its det J = 1 is found by autograd
    ...     return np.stack([u[..., 0] + 2 * u[..., 1], u[..., 1]], axis=-1)
    >>> round(integrate_change_of_variables(lambda x: x[:, 0], shear, [(0, 1), (0, 1)], n=4), 12)
    1.5
    """
    func = "integrate_change_of_variables"
    check_callable(func, "f", f, nargs=1, call="f(points)")
    check_callable(func, "transform", transform, nargs=1, call="transform(u)")
    if not isinstance(include_jacobian, bool):
        raise TypeError(
            f"{func}: include_jacobian must be True or False, got {describe(include_jacobian)}"
        )
    nodes, weights = _tensor_rule(func, bounds, n)
    N, d = nodes.shape
    if isinstance(transform, CoordinateTransform) and transform.dim != d:
        raise ValueError(
            f"{func}: transform {transform.name!r} has {transform.dim} variables "
            f"{transform.variables}, but bounds has {d} axes"
        )
    with quiet():
        out = transform(nodes)
    try:
        x = onp.asarray(out, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: transform must return an array of real numbers, got {describe(out)}"
        ) from None
    if x.shape != (N, d):
        raise ValueError(
            f"{func}: transform must map points of shape (N, d) = ({N}, {d}) to the same shape "
            f"(N, d), got shape {x.shape}"
        )
    if not onp.all(onp.isfinite(x)):
        raise ValueError(f"{func}: transform returned NaN or inf at some quadrature nodes")
    vals = _values(func, f, x)
    if include_jacobian:
        if isinstance(transform, CoordinateTransform):
            det = onp.asarray(transform.jacobian_determinant(nodes), dtype=float)
            if det.shape != (N,):
                raise ValueError(
                    f"{func}: transform.jacobian_determinant must return shape ({N},), got "
                    f"{det.shape}"
                )
            if not onp.all(onp.isfinite(det)):
                raise ValueError(
                    f"{func}: transform.jacobian_determinant returned NaN or inf at some nodes"
                )
        else:
            det = _autograd_determinants(func, transform, nodes)
        vals = vals * onp.abs(det)
    return float(weights @ vals)


# --------------------------------------------------------------------------------------------
# the Gaussian integral, several ways
# --------------------------------------------------------------------------------------------


def _gauss_1d(x: onp.ndarray) -> onp.ndarray:
    return onp.exp(-(x[:, 0] ** 2))


def _gauss_2d(x: onp.ndarray) -> onp.ndarray:
    return onp.exp(-(x[:, 0] ** 2 + x[:, 1] ** 2))


def gaussian_integral_1d(n: int = 64, L: float = 8.0) -> float:
    """The Gaussian integral ``I = ∫ e^{-x^2} dx = sqrt(pi)`` by Gauss-Legendre on ``[-L, L]``.

    Formula: ``I ≈ sum_k w_k e^{-x_k^2}`` with the ``n``-node rule on ``[-L, L]``.
    Error: the truncated tails weigh ``∫_{|x|>L} e^{-x^2} dx = sqrt(pi) erfc(L)``
    (``≈ 2e-29`` at ``L = 8``, ``≈ 4e-17`` at ``L = 6``); ``e^{-x^2}`` is entire, so the
    quadrature error falls faster than geometrically once ``n`` resolves the bump
    (``n ≳ 2L^2 / pi``, roughly). At the defaults the result agrees with ``sqrt(pi)`` to
    a few units of rounding (about ``1e-15``).

    Shapes: returns a float.

    Chapters: ``gaussian-integral``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import gaussian_integral_1d
    >>> bool(abs(gaussian_integral_1d() - np.sqrt(np.pi)) < 1e-14)
    True
    """
    func = "gaussian_integral_1d"
    L = as_real(func, "L", L, positive=True)
    n = as_positive_int(func, "n", n, maximum=MAX_NODES_PER_AXIS)
    return integrate_box(_gauss_1d, [(-L, L)], n)


def gaussian_integral_squared_cartesian(n: int = 64, L: float = 8.0) -> float:
    """``I^2 = ∫∫ e^{-(x^2 + y^2)} dx dy = pi`` by the tensor Gauss-Legendre rule on ``[-L, L]^2``.

    Formula: ``I^2 ≈ sum_{j,k} w_j w_k e^{-x_j^2} e^{-x_k^2}`` (which is exactly the square of
    :func:`gaussian_integral_1d` up to rounding: the integrand and the rule factor).
    Error: truncation ``pi - pi erf(L)^2 ≈ 2 sqrt(pi)·sqrt(pi) erfc(L)`` (negligible at
    ``L = 8``) plus the 1-D quadrature error doubled.

    Shapes: returns a float.

    Chapters: ``gaussian-integral``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import gaussian_integral_squared_cartesian
    >>> bool(abs(gaussian_integral_squared_cartesian() - np.pi) < 1e-13)
    True
    """
    func = "gaussian_integral_squared_cartesian"
    L = as_real(func, "L", L, positive=True)
    n = as_positive_int(func, "n", n, maximum=MAX_NODES_PER_AXIS)
    return integrate_box(_gauss_2d, [(-L, L), (-L, L)], n)


def gaussian_integral_squared_polar(
    n: int = 64, R: float = 8.0, *, include_jacobian: bool = True
) -> float:
    """``I^2 = ∫_0^{2pi} ∫_0^R e^{-r^2} r dr dθ = pi (1 - e^{-R^2})`` in polar coordinates.

    Formula: :func:`integrate_change_of_variables` of ``e^{-(x^2+y^2)}`` through
    :data:`~jaccourse.transforms.POLAR` over ``[0, R] × [0, 2pi]`` (the disc of radius ``R``).
    With the factor ``|det J| = r`` the exact value on the disc is ``pi (1 - e^{-R^2})``
    (truncation ``pi e^{-R^2} ≈ 5e-28`` at ``R = 8``); the ``θ`` integrand is constant, so the
    only quadrature error is the 1-D one in ``r``.

    With ``include_jacobian=False`` (the mistake ``dx dy = dr dθ``) the result is
    ``2pi ∫_0^R e^{-r^2} dr = pi^{3/2} erf(R) ≈ pi^{3/2} ≈ 5.568``: wrong.

    Shapes: returns a float.

    Chapters: ``gaussian-integral``, ``jacobian-determinant``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import gaussian_integral_squared_polar
    >>> bool(abs(gaussian_integral_squared_polar() - np.pi) < 1e-13)
    True
    >>> bool(np.isclose(gaussian_integral_squared_polar(include_jacobian=False), np.pi ** 1.5))
    True
    """
    func = "gaussian_integral_squared_polar"
    R = as_real(func, "R", R, positive=True)
    n = as_positive_int(func, "n", n, maximum=MAX_NODES_PER_AXIS)
    if not isinstance(include_jacobian, bool):
        raise TypeError(
            f"{func}: include_jacobian must be True or False, got {describe(include_jacobian)}"
        )
    return integrate_change_of_variables(
        _gauss_2d, POLAR, [(0.0, R), (0.0, 2 * math.pi)], n, include_jacobian=include_jacobian
    )


@dataclass(frozen=True)
class MonteCarloEstimate:
    """A Monte Carlo estimate: ``value``, its standard error ``stderr`` and ``n_samples``.

    ``stderr = std(samples, ddof=1) / sqrt(n_samples)``; about 95% of seeds give a
    ``value`` within ``2 stderr`` of the truth.

    Chapters: ``gaussian-integral``.

    Examples
    --------
    >>> from jaccourse.integrals import MonteCarloEstimate
    >>> est = MonteCarloEstimate(value=1.77, stderr=0.01, n_samples=10_000)
    >>> est.n_samples
    10000
    """

    value: float
    stderr: float
    n_samples: int


def gaussian_integral_monte_carlo(
    n_samples: int, *, L: float = 6.0, rng: onp.random.Generator | int | None = None
) -> MonteCarloEstimate:
    """Monte Carlo estimate of ``I = ∫ e^{-x^2} dx`` from uniform samples on ``[-L, L]``.

    Formula: with ``X_k ~ Uniform(-L, L)``, ``I ≈ 2L · mean_k e^{-X_k^2}``; the standard error
    is ``2L · std_k(e^{-X_k^2}) / sqrt(n_samples)`` (sample std, ``ddof=1``), so the error
    shrinks like ``1/sqrt(n_samples)``, far slower than quadrature. The truncation bias
    ``sqrt(pi) erfc(L)`` (``≈ 4e-17`` at ``L = 6``) is negligible. Samples are drawn in chunks
    of a million, so memory stays small; ``2 <= n_samples <= 1e8``.

    Shapes: returns a :class:`MonteCarloEstimate`. Randomness only from ``rng`` (a
    ``numpy.random.Generator``, an int seed, or ``None`` for fresh entropy).

    Chapters: ``gaussian-integral``.

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.integrals import gaussian_integral_monte_carlo
    >>> est = gaussian_integral_monte_carlo(100_000, rng=0)
    >>> bool(abs(est.value - np.sqrt(np.pi)) < 4 * est.stderr), est.n_samples
    (True, 100000)
    """
    func = "gaussian_integral_monte_carlo"
    n_samples = as_positive_int(func, "n_samples", n_samples, minimum=2)
    if n_samples > _MC_MAX_SAMPLES:
        raise ValueError(
            f"{func}: n_samples must be an integer <= {_MC_MAX_SAMPLES}, got {n_samples}"
        )
    L = as_real(func, "L", L, positive=True)
    gen = as_rng(func, rng)
    # Chan et al.'s pairwise update of (count, mean, sum of squared deviations), chunk by chunk
    count, mean, m2 = 0, 0.0, 0.0
    remaining = n_samples
    while remaining:
        size = min(remaining, _MC_CHUNK)
        y = 2 * L * onp.exp(-(gen.uniform(-L, L, size) ** 2))
        c_mean = float(y.mean())
        c_m2 = float(((y - c_mean) ** 2).sum())
        delta = c_mean - mean
        total = count + size
        mean += delta * size / total
        m2 += c_m2 + delta**2 * count * size / total
        count = total
        remaining -= size
    stderr = math.sqrt(m2 / (count - 1)) / math.sqrt(count)
    return MonteCarloEstimate(value=mean, stderr=stderr, n_samples=count)
