"""Several objectives at once: their Jacobian, their conflicts, scalarisation, Pareto sets.

A vector of objectives ``F = (f_1, ..., f_m): R^n -> R^m`` (all to be minimised) has the
``(m, n)`` Jacobian ``J`` whose row ``i`` is the gradient of ``f_i``. To first order a step
``t d`` (``t > 0`` small) changes the objectives by ``t J d``: the direction ``d`` decreases
``f_i`` when ``(J d)_i < 0``. Two objectives *conflict* at ``x`` when their gradients have a
negative inner product: then a gradient step on one increases the other.

* :func:`objective_jacobian`: the Jacobian ``J`` of ``F`` at ``x`` (rows = gradients);
* :func:`gradient_conflicts`: the Gram matrix ``J J^T``, the cosines between the gradients
  and the conflicting pairs, as a :class:`GradientConflicts`;
* :func:`weighted_sum`: the scalarisation ``x -> w . F(x)``;
* :func:`dominates`, :func:`pareto_mask`, :func:`non_dominated`: Pareto dominance for
  minimisation among finitely many points of objective space.

Jacobian Descent (JD, Quinton & Rey 2024) moves ``x <- x - lr * A(J(x))``, where an
*aggregator* ``A`` maps the ``(m, n)`` Jacobian to one update direction ``(n,)``:

* :func:`mean_aggregator`, :func:`sum_aggregator`: ``J^T 1 / m`` and ``J^T 1`` (gradient
  descent on the mean or the sum of the objectives); named so because ``mean`` and ``sum``
  would shadow numpy's and Python's;
* :func:`mgda`: the minimum-norm point of the convex hull of the rows (Desideri 2012);
* :func:`pcgrad`: each row projected off the rows it conflicts with, in a random order, then
  summed (Yu et al. 2020);
* :func:`dualproj`: the mean projected onto the dual cone ``{d : J d >= 0}``;
* :func:`upgrad`: every row projected onto the dual cone, then averaged (Quinton & Rey 2024);
* :data:`AGGREGATORS` maps the names ``"mean"``, ``"sum"``, ``"mgda"``, ``"pcgrad"``,
  ``"dualproj"``, ``"upgrad"`` to these functions and :func:`get_aggregator` resolves a name;
* :func:`project_onto_dual_cone`: the projection those aggregators are built from;
* :func:`jacobian_descent`: the JD loop, with the history of ``x`` and of ``F(x)``;
* :func:`aggregator_properties`: non-conflicting, linear under scaling and weighted, measured
  on random matrices.

Functions that take a Jacobian (``J`` of shape ``(m, n)``, ``m >= 1`` objectives, ``n >= 1``
parameters) check it with the same door (``_as_objective_jacobian``): NaN or inf, no rows, no
columns or a wrong rank raise a ``ValueError`` naming the function. Zero rows are allowed
everywhere (a zero gradient: the objective is stationary); each aggregator's docstring says
what it does with them.

See the chapters ``multi-objective`` and ``jacobian-descent``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import autograd.numpy as np
import numpy as onp
from autograd.tracer import getval

from jaccourse._autodiff import jacobian_core
from jaccourse._validation import (
    as_array,
    as_positive_int,
    as_real,
    as_rng,
    as_vector,
    check_callable,
    check_rng,
    describe,
    function_named,
    read_only,
)
from jaccourse.optim import History, OptimizeResult

__all__ = [
    "objective_jacobian",
    "GradientConflicts",
    "gradient_conflicts",
    "weighted_sum",
    "dominates",
    "pareto_mask",
    "non_dominated",
    "mean_aggregator",
    "sum_aggregator",
    "mgda",
    "pcgrad",
    "dualproj",
    "upgrad",
    "AGGREGATORS",
    "get_aggregator",
    "project_onto_dual_cone",
    "jacobian_descent",
    "aggregator_properties",
]


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------


def _as_objective_jacobian(func: str, J: Any, name: str = "J") -> onp.ndarray:
    """``J`` as a finite float array of shape ``(m, n)`` with ``m, n >= 1``, or raise."""
    if callable(J) and not isinstance(J, onp.ndarray):
        raise TypeError(
            f"{func}: {name} must be an (m, n) array of numbers (a Jacobian), got {describe(J)}; "
            "to differentiate a function F first, call objective_jacobian(F, x)"
        )

    def check_shape(shape: tuple) -> None:
        if len(shape) != 2:
            hint = (
                " (one gradient g: pass it as a 1 x n matrix, g[None, :])"
                if len(shape) == 1
                else ""
            )
            raise ValueError(
                f"{func}: {name} must be a 2-D array of shape (m, n), got shape {shape}{hint}"
            )
        if shape[0] == 0:
            raise ValueError(
                f"{func}: {name} must have at least one row (objective), got shape {shape}"
            )
        if shape[1] == 0:
            raise ValueError(
                f"{func}: {name} must have at least one column (parameter), got shape {shape}"
            )

    return as_array(func, name, J, what="an (m, n) array of numbers", check_shape=check_shape)


def _as_points(func: str, values: Any) -> onp.ndarray:
    """``values`` as a finite float array of shape ``(k, m)``, ``k >= 0``, ``m >= 1``."""
    arr = as_array(func, "values", values)
    if arr.ndim != 2:
        hint = " (k points of one objective: pass values[:, None])" if arr.ndim == 1 else ""
        raise ValueError(
            f"{func}: values must be a 2-D array of shape (k, m), one row of m objective values "
            f"per point, got shape {arr.shape}{hint}"
        )
    if arr.shape[1] == 0:
        raise ValueError(
            f"{func}: values must have at least one column (objective), got shape {arr.shape}"
        )
    return arr


# --------------------------------------------------------------------------------------------
# the Jacobian of a vector of objectives
# --------------------------------------------------------------------------------------------


def objective_jacobian(F: Callable, x: Any) -> onp.ndarray:
    """The ``(m, n)`` Jacobian of a vector of objectives ``F = (f_1, ..., f_m): R^n -> R^m``.

    ``J[i, j] = d f_i / d x_j (x)``: row ``i`` is the gradient ``grad f_i(x)`` (transposed),
    so ``J = [grad f_1(x)^T; ...; grad f_m(x)^T]``. Computed by automatic differentiation with
    the machinery of :func:`jaccourse.derivatives.jacobian` (``mode="auto"``).

    Parameters
    ----------
    F : callable
        ``F(x) -> (m,)``, written with ``import autograd.numpy as np`` (a list or tuple of
        ``m`` scalars is accepted too).
    x : array-like, shape (n,)
        The point, finite.

    Returns
    -------
    ndarray, shape (m, n)

    Raises
    ------
    TypeError
        If ``F`` is not callable or mixes plain numpy with autograd.
    ValueError
        If ``x`` is not a finite 1-D array, or ``F(x)`` is not a finite 1-D array.

    Notes
    -----
    See the chapter ``multi-objective``.

    Examples
    --------
    Two quadratics ``f_i(x) = |x - a_i|^2`` have the gradients ``2 (x - a_i)``:

    >>> import autograd.numpy as np
    >>> from jaccourse.multiobjective import objective_jacobian
    >>> a1, a2 = np.array([0.0, 0.0]), np.array([2.0, 0.0])
    >>> F = lambda x: np.array([np.sum((x - a1) ** 2), np.sum((x - a2) ** 2)])
    >>> objective_jacobian(F, [1.0, 1.0])
    array([[ 2.,  2.],
           [-2.,  2.]])
    """
    func = "objective_jacobian"
    check_callable(func, "F", F, nargs=1, call="F(x)")
    x = as_vector(func, "x", x)
    with function_named(func, "F"):
        return jacobian_core(func, F, x, "auto")[1]


# --------------------------------------------------------------------------------------------
# conflicts between gradients
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class GradientConflicts:
    """How the gradients of ``m`` objectives (the rows ``g_i`` of ``J``) relate to each other.

    Fields (read-only arrays):

    * ``inner_products`` (m, m): the Gram matrix ``G = J J^T``, ``G[i, j] = g_i . g_j``;
    * ``cosines`` (m, m): ``g_i . g_j / (|g_i| |g_j|)`` in ``[-1, 1]``, ``1`` on the diagonal;
      a zero gradient has cosine ``0`` with every row, itself included (it conflicts with
      nothing), so the matrix never holds NaN;
    * ``norms`` (m,): ``|g_i|``;
    * ``conflicting_pairs``: the pairs ``(i, j)``, ``i < j``, with ``g_i . g_j < 0``, in
      lexicographic order (a tuple of tuples);
    * ``zero_rows``: the indices ``i`` with ``g_i = 0`` (a tuple).

    ``has_conflict`` is ``True`` when some pair conflicts. Build it with
    :func:`gradient_conflicts`.

    See the chapter ``multi-objective``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.multiobjective import gradient_conflicts
    >>> c = gradient_conflicts(onp.array([[1.0, 0.0], [-1.0, 1.0], [0.0, 2.0]]))
    >>> c.conflicting_pairs, c.has_conflict
    (((0, 1),), True)
    """

    inner_products: onp.ndarray
    cosines: onp.ndarray
    norms: onp.ndarray
    conflicting_pairs: tuple[tuple[int, int], ...]
    zero_rows: tuple[int, ...]

    @property
    def has_conflict(self) -> bool:
        """``True`` if at least one pair of gradients has a negative inner product."""
        return len(self.conflicting_pairs) > 0


def gradient_conflicts(J: Any) -> GradientConflicts:
    """The Gram matrix, the cosines and the conflicting pairs of the rows of a Jacobian.

    For ``J`` of shape ``(m, n)`` with rows ``g_1, ..., g_m`` (the gradients of ``m``
    objectives): ``G = J J^T`` (``G[i, j] = g_i . g_j``), ``cos[i, j] = G[i, j] / (|g_i| |g_j|)``,
    and the pair ``(i, j)`` *conflicts* when ``G[i, j] < 0``: a small step along ``-g_i``
    (gradient descent on ``f_i``) then increases ``f_j`` to first order, since
    ``(J (-g_i))_j = -g_i . g_j > 0``.

    Each row is first scaled by a power of two (an exact operation in floating point) so that
    its largest entry lies in ``[0.5, 1)``; the products are taken on the scaled rows and scaled
    back exactly. So ``G`` equals ``J @ J.T`` bit for bit whenever that neither overflows nor
    underflows, the cosines are accurate whatever the size of the rows, and the sign of
    ``G[i, j]`` and of ``cos[i, j]`` always agree (a conflict is never lost to underflow). Both
    matrices are exactly symmetric; the diagonal of ``cos`` is exactly ``1`` (``0`` for a zero
    row, see :class:`GradientConflicts`).

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1`` rows and ``n >= 1`` columns (e.g. from :func:`objective_jacobian`).

    Returns
    -------
    GradientConflicts
        ``inner_products`` (m, m), ``cosines`` (m, m), ``norms`` (m,), ``conflicting_pairs``,
        ``zero_rows``.

    Raises
    ------
    TypeError
        If ``J`` is not an array of numbers.
    ValueError
        If ``J`` is not 2-D, has no rows or no columns, holds NaN or inf, or is so large that
        ``|g_i|`` or ``g_i . g_j`` overflows.

    Notes
    -----
    See the chapter ``multi-objective``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.multiobjective import gradient_conflicts
    >>> c = gradient_conflicts([[3.0, 4.0], [-4.0, 3.0], [-3.0, -4.0]])
    >>> c.inner_products
    array([[ 25.,   0., -25.],
           [  0.,  25.,   0.],
           [-25.,   0.,  25.]])
    >>> float(c.cosines[0, 2]), c.conflicting_pairs
    (-1.0, ((0, 2),))
    >>> gradient_conflicts([[0.0, 0.0], [1.0, 2.0]]).zero_rows   # a zero gradient: no NaN
    (0,)
    """
    func = "gradient_conflicts"
    J = _as_objective_jacobian(func, J)
    m = J.shape[0]
    # Scale row i by a power of two 2^e_i (exact in floating point) so its largest entry lies
    # in [0.5, 1): the products then neither overflow nor underflow, and scaling back by
    # 2^(e_i + e_j) gives bit for bit what J @ J.T would give whenever that does not overflow.
    _, e = onp.frexp(onp.max(onp.abs(J), axis=1))
    zero = ~onp.any(J != 0.0, axis=1)
    e = onp.where(zero, 0, e)
    U = onp.ldexp(J, -e[:, None])
    raw = U @ U.T
    upper = onp.triu(raw, 1)
    gram = upper + upper.T + onp.diag(onp.diag(raw))  # exactly symmetric
    lengths = onp.sqrt(onp.diag(gram))  # |row i| / 2^e_i, in [0.5, sqrt(n))
    safe = onp.where(zero, 1.0, lengths)
    cosines = onp.clip(gram / onp.outer(safe, safe), -1.0, 1.0)
    onp.fill_diagonal(cosines, onp.where(zero, 0.0, 1.0))
    with onp.errstate(over="ignore"):
        norms = onp.ldexp(lengths, e)
        inner = onp.ldexp(gram, e[:, None] + e[None, :])
    if not (onp.all(onp.isfinite(norms)) and onp.all(onp.isfinite(inner))):
        raise ValueError(
            f"{func}: J is too large: an inner product g_i . g_j overflows (entries up to "
            f"{onp.max(onp.abs(J)):.3g})"
        )
    pairs = tuple((int(i), int(j)) for i in range(m) for j in range(i + 1, m) if gram[i, j] < 0.0)
    return GradientConflicts(
        inner_products=read_only(inner, None),
        cosines=read_only(cosines, None),
        norms=read_only(norms, None),
        conflicting_pairs=pairs,
        zero_rows=tuple(int(i) for i in onp.flatnonzero(zero)),
    )


# --------------------------------------------------------------------------------------------
# scalarisation
# --------------------------------------------------------------------------------------------


def weighted_sum(F: Callable, weights: Any) -> Callable[[Any], Any]:
    """The weighted-sum scalarisation ``x -> w . F(x) = sum_i w_i f_i(x)`` of ``F: R^n -> R^m``.

    The weights are used **as given, not normalised**: multiplying ``w`` by ``c > 0`` multiplies
    the function by ``c`` and leaves its minimisers unchanged, so only the direction of ``w``
    matters for optimisation (``w`` and ``w / sum(w)`` give the same minimisers). Every weight
    must be ``>= 0`` and at least one ``> 0``. The returned function is written with
    ``autograd.numpy``, so it can be differentiated (its gradient is ``J(x)^T w``) and handed to
    the optimisers of :mod:`jaccourse.optim` when ``F`` itself is autograd-friendly.

    Parameters
    ----------
    F : callable
        ``F(x) -> (m,)`` (or a list/tuple of ``m`` scalars).
    weights : array-like, shape (m,)
        Finite, non-negative, not all zero.

    Returns
    -------
    callable
        ``g(x) -> scalar``; it raises ``ValueError`` if ``F(x)`` does not have shape ``(m,)``.
        The weights (a read-only copy) are its attribute ``g.weights``.

    Raises
    ------
    TypeError
        If ``F`` is not callable or ``weights`` are not numbers.
    ValueError
        If a weight is negative, NaN or inf, all weights are zero, or ``weights`` is not 1-D.

    Notes
    -----
    See the chapter ``multi-objective``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import gradient
    >>> from jaccourse.multiobjective import weighted_sum
    >>> F = lambda x: np.array([np.sum(x ** 2), np.sum((x - 2.0) ** 2)])
    >>> g = weighted_sum(F, [0.25, 0.75])
    >>> float(g(np.array([1.0]))), gradient(g, [1.0])     # 0.25*1 + 0.75*1; 0.25*2 - 0.75*2
    (1.0, array([-1.]))
    """
    func = "weighted_sum"
    check_callable(func, "F", F, nargs=1, call="F(x)")
    w = as_vector(func, "weights", weights)
    if onp.any(w < 0):
        raise ValueError(f"{func}: weights must be >= 0, got {w!r}")
    if not onp.any(w > 0):
        raise ValueError(f"{func}: weights must not all be zero, got {w!r}")
    w = read_only(w, None)
    m = w.size

    def scalarised(x: Any) -> Any:
        values = F(x)
        if isinstance(values, (list, tuple)):
            values = np.array(values)
        if np.shape(values) != (m,):
            raise ValueError(
                f"{func}: F(x) must have shape ({m},), one value per weight, got shape "
                f"{np.shape(values)}"
            )
        return np.dot(w, values)

    scalarised.weights = w  # type: ignore[attr-defined]
    scalarised.__doc__ = f"x -> w . F(x) with w = {onp.array2string(w)} (not normalised)."
    return scalarised


# --------------------------------------------------------------------------------------------
# Pareto dominance (minimisation)
# --------------------------------------------------------------------------------------------


def dominates(p: Any, q: Any) -> bool:
    """Whether the objective vector ``p`` Pareto-dominates ``q`` (minimisation).

    ``p`` dominates ``q`` when ``p_i <= q_i`` for every objective ``i`` and ``p_i < q_i`` for
    at least one. Equal vectors do not dominate each other; domination is irreflexive,
    antisymmetric and transitive (a strict partial order).

    Parameters
    ----------
    p, q : array-like, shape (m,)
        Finite objective values of two points.

    Returns
    -------
    bool

    Notes
    -----
    See the chapter ``multi-objective``.

    Examples
    --------
    >>> from jaccourse.multiobjective import dominates
    >>> dominates([1.0, 2.0], [1.0, 3.0]), dominates([1.0, 2.0], [1.0, 2.0])
    (True, False)
    >>> dominates([1.0, 2.0], [2.0, 1.0]), dominates([2.0, 1.0], [1.0, 2.0])   # incomparable
    (False, False)
    """
    func = "dominates"
    p = as_vector(func, "p", p)
    q = as_vector(func, "q", q)
    if p.shape != q.shape:
        raise ValueError(
            f"{func}: p and q must have the same shape (one value per objective), "
            f"got p of shape {p.shape} and q of shape {q.shape}"
        )
    return bool(onp.all(p <= q) and onp.any(p < q))


def pareto_mask(values: Any) -> onp.ndarray:
    """The boolean mask of the non-dominated rows of ``values`` (minimisation).

    Row ``i`` of ``values`` (shape ``(k, m)``: ``k`` points, ``m`` objective values each) is
    kept (``mask[i] = True``) when no other row dominates it (see :func:`dominates`): there is
    no ``j`` with ``values[j] <= values[i]`` everywhere and ``<`` somewhere. Every dropped row
    is dominated by some kept row. Duplicated rows do not dominate each other, so they are
    kept or dropped together. ``O(k^2 m)`` time, ``O(k m)`` memory.

    Parameters
    ----------
    values : array-like, shape (k, m)
        Finite; ``k >= 0`` points, ``m >= 1`` objectives.

    Returns
    -------
    ndarray of bool, shape (k,)

    Raises
    ------
    ValueError
        If ``values`` is not 2-D, has no columns, or holds NaN or inf.

    Notes
    -----
    See the chapter ``multi-objective``.

    Examples
    --------
    >>> from jaccourse.multiobjective import pareto_mask
    >>> pareto_mask([[1.0, 4.0], [2.0, 2.0], [3.0, 3.0], [4.0, 1.0], [2.0, 2.0]])
    array([ True,  True, False,  True,  True])
    """
    V = _as_points("pareto_mask", values)
    return _pareto_mask(V)


def _pareto_mask(V: onp.ndarray) -> onp.ndarray:
    k = V.shape[0]
    mask = onp.ones(k, dtype=bool)
    for i in range(k):
        weakly_better = onp.all(V <= V[i], axis=1)
        strictly_somewhere = onp.any(V < V[i], axis=1)
        if onp.any(weakly_better & strictly_somewhere):
            mask[i] = False
    return mask


def non_dominated(values: Any) -> onp.ndarray:
    """The non-dominated rows of ``values`` (minimisation), in their original order.

    ``values[pareto_mask(values)]``: the points of a finite sample that no other point of the
    sample dominates, an approximation of the Pareto front from the inside.

    Parameters
    ----------
    values : array-like, shape (k, m)
        Finite; ``k >= 0`` points, ``m >= 1`` objectives.

    Returns
    -------
    ndarray, shape (p, m)
        ``p >= 1`` rows if ``k >= 1``.

    Notes
    -----
    See the chapter ``multi-objective``.

    Examples
    --------
    >>> from jaccourse.multiobjective import non_dominated
    >>> non_dominated([[1.0, 4.0], [3.0, 3.0], [2.0, 2.0]])
    array([[1., 4.],
           [2., 2.]])
    """
    V = _as_points("non_dominated", values)
    return V[_pareto_mask(V)]


# --------------------------------------------------------------------------------------------
# Jacobian Descent: the Gram matrix of the unit rows, and small non-negative least squares
# --------------------------------------------------------------------------------------------
#
# Every aggregator below except mean and sum works with the Gram matrix of the *normalised*
# rows, C = Jn Jn^T with Jn = diag(1/|g_i|) J (zero rows left out), and returns a direction
# Jn^T beta = J^T w for a small vector beta (w_i = beta_i / |g_i|). Normalising first makes the
# m x m problems well scaled whatever the sizes of the rows (1e-8 next to 1e8 is fine): the
# dual cone {d : J d >= 0} only depends on the directions of the rows, and each projection
# problem is solved at unit scale and scaled back.

_TINY_GRAM = 1e-200  # a squared row norm below this may have lost digits to underflow
_KKT_RTOL = 1e-9  # a non-negative least-squares solution is re-solved beyond this
_TINY = float(onp.finfo(float).tiny)


class _TooLarge(ValueError):
    """A finite Jacobian whose row norms or aggregated direction overflow."""


class _UnitGram:
    """``C = Jn Jn^T`` (unit diagonal on the non-zero rows), the row norms, and the way back
    from weights on the unit rows to ``R^n``."""

    __slots__ = ("func", "C", "norms", "nonzero", "_B", "_scale")

    def __init__(self, func: str, J: onp.ndarray):
        self.func = func
        with onp.errstate(over="ignore", invalid="ignore"):
            G = J @ J.T
        diag = onp.diagonal(G)
        if onp.all(onp.isfinite(G)) and diag.min() > _TINY_GRAM:
            # the common case: no zero row, nothing under- or overflows
            s = onp.sqrt(diag)
            C = G / onp.outer(s, s)
            self.norms, self._B, self._scale = s, J, s
            self.nonzero = onp.ones(J.shape[0], dtype=bool)
        else:
            # rows scaled by powers of two (exact) so that their largest entry is in [0.5, 1)
            zero = ~onp.any(J != 0.0, axis=1)
            _, e = onp.frexp(onp.max(onp.abs(J), axis=1))
            e = onp.where(zero, 0, e)
            U = onp.ldexp(J, -e[:, None])
            Gu = U @ U.T
            su = onp.sqrt(onp.diagonal(Gu))  # in [0.5, sqrt(n)) on non-zero rows
            safe = onp.where(zero, 1.0, su)
            C = Gu / onp.outer(safe, safe)
            with onp.errstate(over="ignore", under="ignore"):
                s = onp.where(zero, 0.0, onp.ldexp(su, e))
            if not onp.all(onp.isfinite(s)):
                raise _TooLarge(
                    f"{func}: J is too large: the norm of a row overflows (entries "
                    f"up to {onp.max(onp.abs(J)):.3g})"
                )
            self.norms, self._B, self._scale = s, U, safe
            self.nonzero = ~zero
        C = onp.clip(0.5 * (C + C.T), -1.0, 1.0)
        onp.fill_diagonal(C, onp.where(self.nonzero, 1.0, 0.0))
        self.C = C

    def combine(self, beta: onp.ndarray) -> onp.ndarray:
        """``sum_i beta_i g_i / |g_i|`` (``beta_i`` ignored on zero rows), shape ``(n,)``."""
        with onp.errstate(over="ignore", invalid="ignore"):
            # (PCGrad's weights carry the row norms, which overflow once divided by a scale
            # below 1 when the entries are near 1e308: refused just below, without a warning)
            w = onp.where(self.nonzero, beta, 0.0) / self._scale
            # numpy's own loop, not BLAS: a multithreaded gemv on this shape is up to 50x
            # slower on a loaded machine
            d = onp.einsum("i,ij->j", w, self._B)
        if not onp.all(onp.isfinite(d)):
            raise _TooLarge(f"{self.func}: the direction overflows (J is too large)")
        return d

    def unit_dot(self, g: onp.ndarray) -> onp.ndarray:
        """``(g_i / |g_i|) . g`` for the non-zero rows ``i``, shape ``(k,)``."""
        idx = onp.flatnonzero(self.nonzero)
        return (self._B[idx] @ g) / self._scale[idx]


def _psd_factor(C: onp.ndarray) -> onp.ndarray:
    """``R`` of shape ``(r, m)`` with ``R^T R = C`` (``r`` the numerical rank), so that
    ``v^T C v = |R v|^2``: the Cholesky factorisation with complete pivoting (LAPACK ``dpstrf``,
    stopping when the remaining pivots fall below ``m * eps``).

    Pivoting keeps dependent rows *exactly* dependent in ``R`` (two opposite gradients give two
    opposite columns), so the least-squares solver below sees the dependence instead of a
    rounding-sized difference it would amplify."""
    from scipy.linalg.lapack import dpstrf  # scipy on first use: see _scipy_nnls

    m = C.shape[0]
    U, piv, rank, info = dpstrf(C, lower=0)
    if info < 0:  # pragma: no cover - LAPACK argument error
        raise RuntimeError(f"dpstrf failed with info = {info}")
    r = max(int(rank), 1)
    R = onp.zeros((r, m))
    R[:, piv - 1] = onp.triu(U)[:r]
    return R


class _NonNegLeastSquares:
    """``argmin_{x >= 0} |A x - b|^2`` for a small matrix ``A`` and several right-hand sides.

    Solved by Lawson-Hanson (``scipy.optimize.nnls``) and checked by the KKT conditions
    ``x >= 0``, ``grad = A^T (A x - b) >= 0``, ``x_i grad_i = 0`` (:meth:`violation`). If the
    check fails (it has not on any test case, but scipy's NNLS has had regressions), two more
    candidates are computed: Lawson-Hanson with a tiny ridge ``1e-12 |A|^2 |x|^2`` (strictly
    convex, so bounded even if ``A`` is rank-deficient) and the bounded-variable solver
    ``lsq_linear(method="bvls")``; the candidate with the smallest violation is returned."""

    def __init__(self, A: onp.ndarray):
        self.A = A
        self.col = float(onp.sqrt(onp.max(onp.einsum("ij,ij->j", A, A))))

    def violation(self, b: onp.ndarray, x: onp.ndarray) -> float:
        """The KKT violation of ``x``, relative to the scale of the problem (``|A| |b|`` for the
        gradient, ``|b|^2`` for the products), not of ``x``: a solution with huge entries
        along a null direction of ``A`` does not hide behind its own size."""
        A = self.A
        grad = A.T @ (A @ x - b)
        nb = max(float(onp.sqrt(b @ b)), _TINY)
        scale = max(self.col * nb, _TINY)
        return max(
            float(-grad.min()) / scale,
            float(-x.min()) * self.col / nb,
            float(onp.abs(x * grad).max()) / (nb * nb),
            0.0,
        )

    def solve(self, b: onp.ndarray) -> onp.ndarray:
        A = self.A
        x = _lawson_hanson(A, b)
        if x is not None and self.violation(b, x) <= _KKT_RTOL:
            return x
        k = A.shape[1]
        ridge = onp.sqrt(1e-12 * max(self.col**2, _TINY)) * onp.eye(k)
        y = _lawson_hanson(onp.vstack([A, ridge]), onp.concatenate([b, onp.zeros(k)]))
        from scipy.optimize import lsq_linear

        z = onp.maximum(lsq_linear(A, b, bounds=(0.0, onp.inf), method="bvls", tol=1e-14).x, 0.0)
        candidates = [c for c in (x, y, z) if c is not None]
        return min(candidates, key=lambda c: self.violation(b, c))


def _scipy_nnls(A: onp.ndarray, b: onp.ndarray) -> tuple[onp.ndarray, float]:
    """``scipy.optimize.nnls``, imported on first use, not with the module: ``import jaccourse``
    imports this module, and scipy.optimize adds about 0.6 s to every kernel that starts."""
    from scipy.optimize import nnls

    return nnls(A, b)


def _lawson_hanson(A: onp.ndarray, b: onp.ndarray) -> onp.ndarray | None:
    try:
        return _scipy_nnls(A, b)[0]
    except RuntimeError:  # iteration limit
        return None


def _cone_multipliers(C: onp.ndarray, solver: _NonNegLeastSquares, t: onp.ndarray) -> onp.ndarray:
    """``mu >= 0`` with ``Jn^T (t + mu)`` the projection of ``Jn^T t`` onto ``{d : Jn d >= 0}``.

    The dual of ``min |d - Jn^T t|^2 s.t. Jn d >= 0`` is
    ``min_{mu >= 0} (t + mu)^T C (t + mu) = |R mu + R t|^2`` (``R^T R = C``, ``solver`` holds
    ``R``): a non-negative least-squares problem of size m. ``C t >= 0`` (the point is
    already in the cone) gives ``mu = 0``."""
    if onp.all(C @ t >= 0.0):
        return onp.zeros_like(t)
    return solver.solve(-(solver.A @ t))


def _nonzero_block(ug: _UnitGram) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray]:
    idx = onp.flatnonzero(ug.nonzero)
    return idx, ug.C[onp.ix_(idx, idx)], ug.norms[idx]


# --------------------------------------------------------------------------------------------
# the aggregators
# --------------------------------------------------------------------------------------------


def mean_aggregator(J: Any) -> onp.ndarray:
    """The mean of the rows of ``J``: ``A(J) = J^T 1 / m = (g_1 + ... + g_m) / m``.

    Jacobian Descent with this aggregator is gradient descent on the mean objective
    ``(f_1 + ... + f_m) / m``. It is linear under scaling and weighted (``w = 1 / m``) but not
    non-conflicting: ``mean_aggregator([[-2.0], [4.0]]) = [1.0]`` conflicts with the first row.
    In :data:`AGGREGATORS` it is ``"mean"``.

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1`` (zero rows are fine: they count in the mean).

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError, ValueError
        If ``J`` is not a finite ``(m, n)`` array of numbers with ``m, n >= 1``.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    >>> from jaccourse.multiobjective import mean_aggregator
    >>> mean_aggregator([[-2.0], [4.0]])       # conflicts with the first row
    array([1.])
    """
    J = _as_objective_jacobian("mean_aggregator", J)
    return J.mean(axis=0)


def sum_aggregator(J: Any) -> onp.ndarray:
    """The sum of the rows of ``J``: ``A(J) = J^T 1 = g_1 + ... + g_m``.

    Jacobian Descent with this aggregator is gradient descent on ``f_1 + ... + f_m``; it is
    ``m`` times :func:`mean_aggregator` and has the same properties (linear under scaling,
    weighted, not non-conflicting). In :data:`AGGREGATORS` it is ``"sum"``.

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1``.

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    >>> from jaccourse.multiobjective import sum_aggregator
    >>> sum_aggregator([[1.0, 0.0], [-2.0, 3.0]])
    array([-1.,  3.])
    """
    J = _as_objective_jacobian("sum_aggregator", J)
    return J.sum(axis=0)


def mgda(J: Any) -> onp.ndarray:
    """MGDA: the point of minimum norm in the convex hull of the rows of ``J`` (Desideri 2012).

    ``A(J) = J^T alpha`` with ``alpha = argmin { |J^T alpha|^2 : alpha >= 0, sum(alpha) = 1 }``.
    Its dual (Fliege & Svaiter 2000) shows ``g_i . A(J) >= |A(J)|^2`` for every row: the
    direction is non-conflicting, and it is ``0`` exactly when ``0`` is a convex combination of
    the gradients (``x`` is Pareto-stationary). For two rows the minimiser is
    ``alpha_1 = clip((g_2 - g_1) . g_2 / |g_1 - g_2|^2, 0, 1)``.

    Computed exactly as a least-distance problem, ``min |y| s.t. Jn y >= h`` on the unit rows
    ``Jn`` with ``h_i = min_j |g_j| / |g_i|``, which Lawson & Hanson (1974, ch. 23) turn into one
    non-negative least-squares problem of size ``(m + 1) x m`` built from the Cholesky-like
    factor ``R^T R = Jn Jn^T``: cost ``O(m^2 n)`` for the Gram matrix plus an ``m``-sized solve.

    It is weighted and non-conflicting, but not linear under scaling: a small gradient
    dominates, and **a zero row gives the direction 0** (returned as such: the zero vector is
    the hull's minimum-norm point).

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1``.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError, ValueError
        If ``J`` is not a finite ``(m, n)`` array with ``m, n >= 1``, or a row norm overflows.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    The hull of ``(2, 0)``, ``(0, 2)`` and ``(a, a)`` (Quinton & Rey 2024, appendix C.2):

    >>> from jaccourse.multiobjective import mgda
    >>> mgda([[2.0, 0.0], [0.0, 2.0], [0.5, 0.5]])     # a <= 1: the third row itself
    array([0.5, 0.5])
    >>> mgda([[2.0, 0.0], [0.0, 2.0], [3.0, 3.0]])     # a >= 1: the middle of the first two
    array([1., 1.])
    """
    func = "mgda"
    J = _as_objective_jacobian(func, J)
    m, n = J.shape
    ug = _UnitGram(func, J)
    if not onp.all(ug.nonzero):
        return onp.zeros(n)
    if m == 1:
        return J[0].copy()
    s = ug.norms
    h = s.min() / s
    R = _psd_factor(ug.C)
    E = onp.vstack([R, h[None, :]])
    f = onp.zeros(R.shape[0] + 1)
    f[-1] = 1.0
    u = _NonNegLeastSquares(E).solve(f)
    return ug.combine(s.min() * u / float(h @ u))


def pcgrad(J: Any, rng: onp.random.Generator | int | None = None) -> onp.ndarray:
    """PCGrad (Yu et al. 2020): project each gradient off the gradients it conflicts with, in a
    random order, and **sum** the results.

    For each row ``i``, start from ``g = g_i`` and visit the other rows ``j`` in a random order
    (a fresh permutation for each ``i``, drawn from ``rng``); whenever ``g . g_j < 0``, replace
    ``g`` by ``g - (g . g_j / |g_j|^2) g_j`` (its projection onto the plane orthogonal to
    ``g_j``; the original ``g_j`` is used, not its projected version). The direction is the sum
    of the ``m`` final vectors, as in Algorithm 1 of Yu et al. (2020) and eq. (33) of Quinton &
    Rey (2024), so with no conflict at all ``pcgrad(J) = J^T 1`` (the sum, not the mean).

    Weighted and linear under scaling (for a fixed order), but not non-conflicting for
    ``m >= 3``; for ``m = 2`` it is deterministic and equals ``2 * upgrad(J)``. Computed on the
    Gram matrix of the unit rows: ``O(m^2 n + m^3)``. Zero rows are skipped (they conflict
    with nothing and add nothing).

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1``.
    rng : numpy.random.Generator, int or None
        The source of the random orders (``None``: fresh entropy). With an int the result is
        reproducible.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError, ValueError
        If ``J`` is not a finite ``(m, n)`` array with ``m, n >= 1``, or ``rng`` is not a
        generator, an int or None.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    Two conflicting rows: each is projected off the other, and the two are added.

    >>> from jaccourse.multiobjective import pcgrad
    >>> pcgrad([[1.0, 0.0], [-1.0, 1.0]])          # (0.5, 0.5) + (0, 1)
    array([0.5, 1.5])

    Three rows whose only non-conflicting direction is 0 (Quinton & Rey 2024, appendix C.4):
    PCGrad returns one of four directions, each conflicting with some row.

    >>> import numpy as onp
    >>> J = onp.array([[1.0, 0.0], [0.0, 1.0], [-0.5, -1.0]])
    >>> d = pcgrad(J, rng=0)
    >>> bool(onp.any(J @ d < 0))
    True
    """
    func = "pcgrad"
    J = _as_objective_jacobian(func, J)
    gen = as_rng(func, rng)
    m, n = J.shape
    ug = _UnitGram(func, J)
    C, s = ug.C, ug.norms
    total = onp.zeros(m)
    for i in range(m):
        order = gen.permutation(m)
        if s[i] == 0.0:
            continue
        beta = onp.zeros(m)
        beta[i] = 1.0  # g_i / |g_i|, scaled back by |g_i| at the end
        for j in order:
            if j == i:
                continue
            inner = float(beta @ C[j])  # (g . g_j) / (|g_i| |g_j|)
            if inner < 0.0:
                beta[j] -= inner  # g <- g - (g . g_j / |g_j|^2) g_j
        total += s[i] * beta
    return ug.combine(total)


def dualproj(J: Any) -> onp.ndarray:
    """DualProj: the mean of the rows projected onto the dual cone ``{d : J d >= 0}``.

    ``A(J) = pi_J(J^T 1 / m)`` with ``pi_J(x) = argmin { |d - x|^2 : J d >= 0 }`` (the idea of
    Lopez-Paz & Ranzato 2017, named by Quinton & Rey 2024). The projection is solved through its
    dual, ``A(J) = J^T w / m`` with ``w = argmin { v^T J J^T v : v >= 1 }``, a non-negative
    least-squares problem of size ``m`` (see :func:`project_onto_dual_cone`).

    Non-conflicting and weighted, but not linear under scaling. When the mean conflicts with no
    row it is returned unchanged. Zero rows count in the mean and constrain nothing.

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1``.

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    ``J = [[2, 0], [-2a, 2a]]`` (Quinton & Rey 2024, appendix C.3): the mean is
    ``(1 - a, a)``; for ``a > 1`` it conflicts with the first row and is projected to ``(0, a)``.

    >>> from jaccourse.multiobjective import dualproj
    >>> dualproj([[2.0, 0.0], [-1.5, 1.5]])      # a = 0.75: the mean (0.25, 0.75) is kept
    array([0.25, 0.75])
    >>> dualproj([[2.0, 0.0], [-4.0, 4.0]])      # a = 2: the mean (-1, 2) is projected
    array([0., 2.])
    """
    func = "dualproj"
    J = _as_objective_jacobian(func, J)
    m, n = J.shape
    ug = _UnitGram(func, J)
    idx, C, s = _nonzero_block(ug)
    if idx.size == 0:
        return onp.zeros(n)
    top = s.max()
    t = s / top  # the mean is Jn^T (s / m) = (top / m) Jn^T t
    mu = _cone_multipliers(C, _NonNegLeastSquares(_psd_factor(C)), t)
    beta = onp.zeros(m)
    beta[idx] = (t + mu) * (top / m)
    return ug.combine(beta)


def upgrad(J: Any) -> onp.ndarray:
    """UPGrad (Quinton & Rey 2024): project every row onto the dual cone and average.

    ``A(J) = (1/m) sum_i pi_J(g_i)`` with ``pi_J(x) = argmin { |d - x|^2 : J d >= 0 }``, the
    projection onto the dual cone of the rows. Each projection is solved through its dual
    (Quinton & Rey, Proposition 1): the Lagrangian of ``min 0.5 |d - g_i|^2 - lambda^T J d``
    gives ``d = g_i + J^T lambda`` and the dual ``min_{lambda >= 0} 0.5 |J^T (e_i + lambda)|^2``,
    i.e. ``pi_J(g_i) = J^T w_i`` with ``w_i = argmin { v^T G v : v >= e_i }``, ``G = J J^T``.
    With a factor ``R^T R = G`` (Cholesky with complete pivoting, which stops at the numerical
    rank, so a rank-deficient ``G`` is fine) this is the non-negative least-squares problem
    ``min_{lambda >= 0} |R lambda + R e_i|^2`` of size ``m``, solved by Lawson-Hanson
    (``scipy.optimize.nnls``) and checked by its KKT conditions. So
    ``A(J) = J^T (sum_i w_i) / m``:
    cost ``O(m^2 n)`` for ``G`` plus ``m`` tiny solves (rows that conflict with none are
    already in the cone and need no solve). The problems are posed on the unit rows (the cone
    only depends on directions) so rows of very different sizes are handled accurately.

    UPGrad is non-conflicting (``J A(J) >= 0``), linear under scaling (``A(diag(c) J)`` is
    linear in ``c > 0``) and weighted (``A(J) = J^T w``). With no conflicting pair it is the
    mean. A zero row projects to ``0`` (it still counts in the ``1/m``) and constrains nothing.

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1``.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    TypeError, ValueError
        If ``J`` is not a finite ``(m, n)`` array with ``m, n >= 1``, or a row norm overflows.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.multiobjective import upgrad
    >>> J = onp.array([[1.0, 0.0], [-1.0, 1.0]])    # conflicting: g_1 . g_2 = -1
    >>> d = upgrad(J)
    >>> d                                           # ((0.5, 0.5) + (0, 1)) / 2
    array([0.25, 0.75])
    >>> J @ d                                       # no objective increases
    array([0.25, 0.5 ])
    >>> upgrad([[1.0, 0.0], [1.0, 1.0]])            # no conflict: the mean
    array([1. , 0.5])
    """
    func = "upgrad"
    J = _as_objective_jacobian(func, J)
    m, n = J.shape
    ug = _UnitGram(func, J)
    idx, C, s = _nonzero_block(ug)
    if idx.size == 0:
        return onp.zeros(n)
    k = idx.size
    acc = s.copy()  # sum_i s_i (e_i + mu_i), on the unit rows
    conflicted = onp.flatnonzero(onp.any(C < 0.0, axis=1))
    if conflicted.size:
        solver = _NonNegLeastSquares(_psd_factor(C))
        for i in conflicted:
            e = onp.zeros(k)
            e[i] = 1.0
            acc += s[i] * _cone_multipliers(C, solver, e)
    beta = onp.zeros(m)
    beta[idx] = acc / m
    return ug.combine(beta)


def project_onto_dual_cone(
    J: Any, g: Any, *, return_multipliers: bool = False
) -> onp.ndarray | tuple[onp.ndarray, onp.ndarray]:
    """The projection of ``g`` onto the dual cone of the rows of ``J``: the closest direction
    that conflicts with no row.

    ``pi_J(g) = argmin { |d - g|^2 : J d >= 0 }``. The KKT conditions of this convex problem
    say ``d = g + J^T lambda`` with multipliers ``lambda >= 0``, ``J d >= 0`` and
    ``lambda_i (J d)_i = 0``; ``lambda`` solves the dual
    ``min_{lambda >= 0} 0.5 lambda^T G lambda + lambda^T J g`` (``G = J J^T``), a problem of
    size ``m`` whatever ``n``. Writing ``g = J^T t + g_perp`` (``g_perp`` orthogonal to the
    rows, left untouched) and ``R^T R = G``, the dual is the non-negative least-squares problem
    ``min_{lambda >= 0} |R lambda + R t|^2``: cost ``O(m^2 n)`` for ``G``, then a solve of size
    ``m``. It is posed on the unit rows (the cone only depends on their directions, so rows of
    sizes 1e-8 and 1e8 side by side are fine), with ``R`` from a Cholesky factorisation with
    complete pivoting that stops at the numerical rank: rank-deficient ``J`` (repeated or
    opposite gradients) is handled exactly; rows within an angle of about ``1e-8`` of the span
    of others count as dependent, the resolution of any method built on ``G``.

    Zero rows constrain nothing (their multiplier is ``0``); if every row is zero, the cone is
    ``R^n`` and ``g`` is returned.

    Parameters
    ----------
    J : array-like, shape (m, n)
        Finite, ``m >= 1``, ``n >= 1``.
    g : array-like, shape (n,)
        Finite.
    return_multipliers : bool
        Also return ``lambda``.

    Returns
    -------
    d : ndarray, shape (n,)
        The projection (``J d >= 0`` up to rounding).
    lambda : ndarray, shape (m,), only if ``return_multipliers``
        ``lambda >= 0`` with ``d = g + J^T lambda``.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.multiobjective import project_onto_dual_cone
    >>> J = onp.array([[1.0, 0.0], [-1.0, 1.0]])
    >>> d, lam = project_onto_dual_cone(J, [1.0, 0.0], return_multipliers=True)
    >>> d, lam                 # (1, 0) conflicts with row 2: pushed along it onto J d >= 0
    (array([0.5, 0.5]), array([0. , 0.5]))
    >>> project_onto_dual_cone(J, [0.0, 1.0])      # already in the cone: unchanged
    array([0., 1.])
    """
    func = "project_onto_dual_cone"
    J = _as_objective_jacobian(func, J)
    m, n = J.shape
    g = as_vector(func, "g", g, size=n)
    if not isinstance(return_multipliers, bool):
        raise TypeError(
            f"{func}: return_multipliers must be True or False, got {describe(return_multipliers)}"
        )
    ug = _UnitGram(func, J)
    idx, C, s = _nonzero_block(ug)
    lam = onp.zeros(m)
    d = g.copy()
    if idx.size:
        c_hat = ug.unit_dot(g)  # Jn g
        if onp.any(c_hat < 0.0):
            # the dual min_{mu >= 0} 0.5 mu^T C mu + mu^T c_hat = 0.5 |R mu - b|^2 + const,
            # with R^T b = -c_hat (consistent: c_hat lies in the range of C = R^T R)
            R = _psd_factor(C)
            b = -onp.linalg.lstsq(R.T, c_hat, rcond=None)[0]
            top = float(onp.abs(b).max())
            mu = _NonNegLeastSquares(R).solve(b / top) * top
            beta = onp.zeros(m)
            beta[idx] = mu
            d = g + ug.combine(beta)
            lam[idx] = mu / s
    return (d, lam) if return_multipliers else d


AGGREGATORS: Mapping[str, Callable[..., onp.ndarray]] = MappingProxyType(
    {
        "mean": mean_aggregator,
        "sum": sum_aggregator,
        "mgda": mgda,
        "pcgrad": pcgrad,
        "dualproj": dualproj,
        "upgrad": upgrad,
    }
)
"""The aggregators by name, in a read-only mapping with the keys ``"mean"``, ``"sum"``,
``"mgda"``, ``"pcgrad"``, ``"dualproj"``, ``"upgrad"``. Each maps ``J (m, n)`` to a direction
``(n,)``.

:meta hide-value:"""


def _resolve_aggregator(
    func: str, aggregator: Any, rng: Any
) -> tuple[str, Callable[[onp.ndarray], Any]]:
    if not isinstance(aggregator, str):
        check_rng(func, rng)
    if isinstance(aggregator, str):
        key = aggregator.strip().lower()
        if key not in AGGREGATORS:
            raise ValueError(
                f"{func}: unknown aggregator {aggregator!r}; choose one of "
                f"{sorted(AGGREGATORS)} or pass a callable J -> direction"
            )
        if key == "pcgrad":
            gen = as_rng(func, rng)
            return key, lambda J: pcgrad(J, rng=gen)
        check_rng(func, rng)  # unused by this aggregator, but a bad one is still refused
        return key, AGGREGATORS[key]
    if callable(aggregator):
        check_callable(func, "aggregator", aggregator, nargs=1, call="aggregator(J)")
        return getattr(aggregator, "__name__", "aggregator"), aggregator
    raise TypeError(
        f"{func}: aggregator must be a name in {sorted(AGGREGATORS)} or a callable "
        f"J -> direction, got {describe(aggregator)}"
    )


def get_aggregator(
    aggregator: str | Callable, *, rng: onp.random.Generator | int | None = None
) -> Callable[[Any], onp.ndarray]:
    """The aggregator called ``aggregator`` in :data:`AGGREGATORS` (or the callable itself).

    Names are case-insensitive: ``"mean"``, ``"sum"``, ``"mgda"``, ``"pcgrad"``,
    ``"dualproj"``, ``"upgrad"``. For ``"pcgrad"`` the returned function draws its random
    orders from one generator made from ``rng`` (so a run is reproducible with an int).

    Parameters
    ----------
    aggregator : str or callable
        A name, or a callable ``J (m, n) -> (n,)`` returned unchanged.
    rng : numpy.random.Generator, int or None
        Only used by ``"pcgrad"``.

    Returns
    -------
    callable
        ``A(J) -> (n,)``.

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        If ``aggregator`` is neither a string nor callable.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    >>> from jaccourse.multiobjective import get_aggregator
    >>> get_aggregator("UPGrad")([[1.0, 0.0], [-1.0, 1.0]])
    array([0.25, 0.75])
    """
    return _resolve_aggregator("get_aggregator", aggregator, rng)[1]


# --------------------------------------------------------------------------------------------
# Jacobian Descent
# --------------------------------------------------------------------------------------------


class _Diverged(Exception):
    """F(x) or J(x) stopped being finite during a run (the run stops; it does not raise)."""


def _checked_values(func: str, raw: Any, m: int | None) -> onp.ndarray:
    try:
        values = onp.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: F must return a 1-D array of numbers, got {describe(raw)}"
        ) from None
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"{func}: F must return a non-empty 1-D array of shape (m,), got shape {values.shape}"
        )
    if m is not None and values.shape != (m,):
        raise ValueError(f"{func}: F must keep returning shape ({m},), got {values.shape}")
    return values


def jacobian_descent(
    F: Callable,
    x0: Any,
    aggregator: str | Callable,
    *,
    lr: float,
    steps: int,
    jac: Callable | None = None,
    tol: float = 0.0,
    rng: onp.random.Generator | int | None = None,
) -> OptimizeResult:
    """Jacobian Descent: ``x_{k+1} = x_k - lr * A(J(x_k))`` for objectives ``F: R^n -> R^m``.

    The Jacobian ``J(x)`` (rows: the gradients of ``f_1, ..., f_m``) is reduced to one update
    direction by the aggregator ``A`` (Quinton & Rey 2024, Algorithm 1). With ``"mean"`` this
    is gradient descent on the mean objective; with a non-conflicting aggregator (``"upgrad"``,
    ``"dualproj"``, ``"mgda"``) a small enough step decreases no objective to first order,
    since ``F(x - lr d) ~ F(x) - lr J d`` and ``J d >= 0``. For smooth convex objectives and
    ``lr = 1 / (beta m)`` (``beta`` the Lipschitz constant of ``J``), JD with UPGrad converges to
    the Pareto front (their Theorem 1).

    Parameters
    ----------
    F : callable
        ``F(x) -> (m,)``, written with ``import autograd.numpy as np`` unless ``jac`` is given.
    x0 : array-like, shape (n,)
        Starting point, finite.
    aggregator : str or callable
        A name of :data:`AGGREGATORS` (``"mean"``, ``"sum"``, ``"mgda"``, ``"pcgrad"``,
        ``"dualproj"``, ``"upgrad"``) or a callable ``J (m, n) -> (n,)``.
    lr : float
        The step size, ``> 0``.
    steps : int
        The number of updates, ``>= 1``.
    jac : callable, optional
        ``jac(x) -> (m, n)``; by default the Jacobian of ``F`` by automatic differentiation.
    tol : float
        Stop early when ``|A(J(x))| <= tol`` (``0``: never; ``success`` then means that all
        steps were taken with finite values).
    rng : numpy.random.Generator, int or None
        The random orders of ``"pcgrad"`` (ignored by the other names).

    Returns
    -------
    OptimizeResult
        ``x`` (n,), ``fun = F(x)`` (m,), ``cost`` the mean of ``F(x)``, ``nit``,
        ``nfev = njev`` (one evaluation of ``F`` and ``J`` per iterate), ``success``,
        ``message``, and ``history`` with ``x`` (k + 1, n), ``fun`` (k + 1, m) (the objective
        vector at each iterate) and ``grad_norm`` (k + 1,) (the norm of the aggregated
        direction ``|A(J(x_k))|``).

    Raises
    ------
    TypeError, ValueError
        For a non-callable ``F``, a bad ``x0``, ``lr``, ``steps``, ``tol`` or ``aggregator``, a
        non-finite ``F(x0)`` or ``J(x0)``, or outputs of the wrong shape. A run whose iterate,
        objectives or Jacobian become NaN or inf later stops with ``success = False``.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    Two quadratics with minimisers ``(0, 0)`` and ``(2, 0)``: the Pareto set is the segment
    between them. Started away from it, UPGrad walks to it without ever increasing either
    objective, and then stops moving.

    >>> import autograd.numpy as np
    >>> import numpy as onp
    >>> from jaccourse.multiobjective import jacobian_descent
    >>> F = lambda x: np.array([np.sum(x ** 2), np.sum((x - np.array([2.0, 0.0])) ** 2)])
    >>> res = jacobian_descent(F, [-1.0, 1.0], "upgrad", lr=0.1, steps=100)
    >>> res.x.round(6)                      # on the Pareto set [0, 2] x {0}
    array([0.447561, 0.      ])
    >>> res.history.fun.shape               # F at x0 and after each of the 100 steps
    (101, 2)
    >>> bool(onp.all(onp.diff(res.history.fun, axis=0) <= 1e-12))   # no objective ever rose
    True
    """
    func = "jacobian_descent"
    check_callable(func, "F", F, nargs=1, call="F(x)")
    x = as_vector(func, "x0", x0)
    lr = as_real(func, "lr", lr, positive=True)
    steps = as_positive_int(func, "steps", steps)
    tol = as_real(func, "tol", tol, nonnegative=True)
    if jac is not None:
        check_callable(func, "jac", jac, nargs=1, call="jac(x)")
    _, agg = _resolve_aggregator(func, aggregator, rng)
    n = x.size
    m_box: list[int | None] = [None]

    def guarded(z: Any) -> Any:
        out = F(z)
        if isinstance(out, (list, tuple)):
            out = np.array(out)
        try:
            finite = bool(onp.all(onp.isfinite(onp.asarray(getval(out), dtype=float))))
        except (TypeError, ValueError):
            return out  # let the Jacobian machinery explain the problem
        if not finite:
            raise _Diverged("F(x) has NaN or inf entries")
        return out

    def evaluate(z: onp.ndarray) -> tuple[onp.ndarray, onp.ndarray]:
        if jac is None:
            with function_named(func, "F"), onp.errstate(all="ignore"):
                raw, J = jacobian_core(func, guarded, z, "auto")
            values = _checked_values(func, raw, m_box[0])
        else:
            with onp.errstate(all="ignore"):
                values = _checked_values(func, F(z.copy()), m_box[0])
                if not onp.all(onp.isfinite(values)):
                    raise _Diverged("F(x) has NaN or inf entries")
                try:
                    J = onp.asarray(jac(z.copy()), dtype=float)
                except (TypeError, ValueError):
                    raise TypeError(f"{func}: jac must return an (m, n) array of numbers") from None
            if J.shape != (values.size, n):
                raise ValueError(
                    f"{func}: jac must return shape ({values.size}, {n}), got {J.shape}"
                )
        m_box[0] = values.size
        if not onp.all(onp.isfinite(J)):
            raise _Diverged("the Jacobian has NaN or inf entries")
        return values, J

    def direction(J: onp.ndarray) -> onp.ndarray:
        try:
            d = onp.asarray(agg(J), dtype=float)
        except _TooLarge:
            raise _Diverged("the aggregated direction overflows") from None
        if d.shape != (n,):
            raise ValueError(
                f"{func}: aggregator must return an array of shape ({n},), got shape {d.shape}"
            )
        if not onp.all(onp.isfinite(d)):
            raise _Diverged("the aggregated direction has NaN or inf entries")
        return d

    try:
        values, J = evaluate(x)
        d = direction(J)
    except _Diverged as err:
        raise ValueError(
            f"{func}: F, its Jacobian and the direction must be finite at x0, but {err}"
        ) from None
    nev = 1
    xs, fs, ds = [x.copy()], [values], [float(onp.linalg.norm(d))]
    nit, success, message = 0, True, f"took all {steps} steps"
    if tol > 0 and ds[0] <= tol:
        message = f"the direction norm {ds[0]:.3g} is <= tol = {tol:g} at x0"
    else:
        for k in range(steps):
            with onp.errstate(all="ignore"):
                x_new = x - lr * d
            if not onp.all(onp.isfinite(x_new)):
                success, message = False, f"the iterate became NaN or inf at step {k + 1}"
                break
            try:
                nev += 1
                values, J = evaluate(x_new)
                d = direction(J)
            except _Diverged as err:
                success, message = False, f"{err} at step {k + 1}"
                break
            x, nit = x_new, k + 1
            xs.append(x.copy())
            fs.append(values)
            ds.append(float(onp.linalg.norm(d)))
            if tol > 0 and ds[-1] <= tol:
                message = f"the direction norm {ds[-1]:.3g} is <= tol = {tol:g} after {nit} steps"
                break
        else:
            if tol > 0:
                success = False
                message = (
                    f"the direction norm {ds[-1]:.3g} is still > tol = {tol:g} after {steps} steps"
                )
    fun = fs[-1]
    return OptimizeResult(
        x=x,
        fun=fun,
        cost=float(onp.mean(fun)),
        nit=nit,
        nfev=nev,
        njev=nev,
        success=success,
        message=message,
        history=History(onp.array(xs), onp.array(fs), onp.array(ds)),
    )


# --------------------------------------------------------------------------------------------
# the properties of an aggregator, measured
# --------------------------------------------------------------------------------------------

#: The largest ``trials`` of :func:`aggregator_properties` (each costs a few aggregations).
_MAX_TRIALS = 100_000


def aggregator_properties(
    aggregator: str | Callable, *, trials: int = 100, rng: onp.random.Generator | int | None = None
) -> dict[str, bool]:
    """Measure the three properties of Quinton & Rey (2024, section 2.2) on random matrices.

    * ``"non_conflicting"``: ``J A(J) >= 0`` (no objective increases to first order);
    * ``"linear_under_scaling"``: ``c -> A(diag(c) J)`` is linear on ``c > 0``, tested as
      ``A(diag(c + c') J) = A(diag(c) J) + A(diag(c') J)`` for random positive ``c, c'``;
    * ``"weighted"``: ``A(J) = J^T w`` for some ``w``, i.e. ``A(J)`` lies in the row space
      (tested by least squares on matrices with more columns than rows).

    A property is reported ``True`` when no trial violates it beyond a relative tolerance of
    ``1e-8``: a ``False`` is a proof (a counterexample was found), a ``True`` is evidence. The
    trial matrices have ``m`` in 2..5 rows with conflicting directions (Gaussian entries) and
    row sizes spread over two orders of magnitude; ``n`` is ``m + 1`` to ``m + 3``, or 2 for the
    non-conflict test (small ``n`` makes conflicts, and counterexamples, common). For
    ``"pcgrad"`` each trial fixes one seed for the random orders, as linearity under scaling is
    a property of a fixed order (Quinton & Rey, appendix C).

    Parameters
    ----------
    aggregator : str or callable
        A name of :data:`AGGREGATORS` or a callable ``J (m, n) -> (n,)``.
    trials : int
        Random matrices per property, ``>= 1``.
    rng : numpy.random.Generator, int or None
        The source of the random matrices.

    Returns
    -------
    dict
        ``{"non_conflicting": bool, "linear_under_scaling": bool, "weighted": bool}``.

    Notes
    -----
    See the chapter ``jacobian-descent``.

    Examples
    --------
    >>> from jaccourse.multiobjective import aggregator_properties
    >>> aggregator_properties("upgrad", trials=30, rng=0)
    {'non_conflicting': True, 'linear_under_scaling': True, 'weighted': True}
    >>> aggregator_properties("mean", trials=30, rng=0)
    {'non_conflicting': False, 'linear_under_scaling': True, 'weighted': True}
    """
    func = "aggregator_properties"
    key, agg = _resolve_aggregator(func, aggregator, 0)
    trials = as_positive_int(func, "trials", trials, maximum=_MAX_TRIALS)
    gen = as_rng(func, rng)

    def call(J: onp.ndarray, seed: int) -> onp.ndarray:
        d = pcgrad(J, rng=seed) if key == "pcgrad" else agg(J)
        d = onp.asarray(d, dtype=float)
        if d.shape != (J.shape[1],):
            raise ValueError(
                f"{func}: aggregator must return an array of shape "
                f"({J.shape[1]},), got shape {d.shape}"
            )
        return d

    def matrix(m: int, n: int) -> onp.ndarray:
        return gen.standard_normal((m, n)) * 10.0 ** gen.uniform(-1.0, 1.0, size=(m, 1))

    rtol = 1e-8
    found = {"non_conflicting": True, "linear_under_scaling": True, "weighted": True}
    for _ in range(trials):
        m = int(gen.integers(2, 6))
        seed = int(gen.integers(2**31))
        # non-conflicting
        J = matrix(m, 2)
        d = call(J, seed)
        norms = onp.linalg.norm(J, axis=1)
        if onp.any(J @ d < -rtol * norms * max(float(onp.linalg.norm(d)), norms.max())):
            found["non_conflicting"] = False
        # linear under scaling
        n = m + int(gen.integers(1, 4))
        J = matrix(m, n)
        c1, c2 = gen.uniform(0.1, 10.0, size=m), gen.uniform(0.1, 10.0, size=m)
        a1, a2 = call(c1[:, None] * J, seed), call(c2[:, None] * J, seed)
        a12 = call((c1 + c2)[:, None] * J, seed)
        size = float(onp.linalg.norm(a1) + onp.linalg.norm(a2) + onp.linalg.norm(a12))
        if onp.linalg.norm(a12 - a1 - a2) > rtol * max(size, float(onp.abs(J).max())):
            found["linear_under_scaling"] = False
        # weighted
        d = call(J, seed)
        w = onp.linalg.lstsq(J.T, d, rcond=None)[0]
        if onp.linalg.norm(J.T @ w - d) > rtol * max(
            float(onp.linalg.norm(d)), float(onp.abs(J).max())
        ):
            found["weighted"] = False
    return found
