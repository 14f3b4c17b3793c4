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

Functions that take a Jacobian (``J`` of shape ``(m, n)``, ``m >= 1`` objectives, ``n >= 1``
parameters) check it with the same door (``_as_objective_jacobian``); the *aggregators* of
Jacobian Descent (maps ``J (m, n) -> update direction (n,)``) are meant to join this module
and use it too.

See the chapter ``multi-objective``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import autograd.numpy as np
import numpy as onp

from jaccourse._validation import as_array, as_vector, check_callable, describe
from jaccourse.derivatives import _jacobian_core

__all__ = [
    "objective_jacobian",
    "GradientConflicts",
    "gradient_conflicts",
    "weighted_sum",
    "dominates",
    "pareto_mask",
    "non_dominated",
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
    try:
        arr = onp.asarray(J, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: {name} must be an (m, n) array of numbers, got {describe(J)}"
        ) from None
    if arr.ndim != 2:
        hint = " (one gradient g: pass it as a 1 x n matrix, g[None, :])" if arr.ndim == 1 else ""
        raise ValueError(
            f"{func}: {name} must be a 2-D array of shape (m, n), got shape {arr.shape}{hint}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{func}: {name} must have at least one row (objective), got shape "
                         f"{arr.shape}")
    if arr.shape[1] == 0:
        raise ValueError(f"{func}: {name} must have at least one column (parameter), got shape "
                         f"{arr.shape}")
    if not onp.all(onp.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite, got NaN or inf")
    return arr


def _as_points(func: str, values: Any) -> onp.ndarray:
    """``values`` as a finite float array of shape ``(k, m)``, ``k >= 0``, ``m >= 1``."""
    arr = as_array(func, "values", values)
    if arr.ndim != 2:
        hint = (" (k points of one objective: pass values[:, None])" if arr.ndim == 1 else "")
        raise ValueError(
            f"{func}: values must be a 2-D array of shape (k, m), one row of m objective values "
            f"per point, got shape {arr.shape}{hint}"
        )
    if arr.shape[1] == 0:
        raise ValueError(f"{func}: values must have at least one column (objective), got shape "
                         f"{arr.shape}")
    return arr


def _read_only(arr: onp.ndarray) -> onp.ndarray:
    arr = onp.array(arr, dtype=arr.dtype)
    arr.setflags(write=False)
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
    check_callable(func, "F", F)
    x = as_vector(func, "x", x)
    return _jacobian_core(func, F, x, "auto")[1]


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
    gram = upper + upper.T + onp.diag(onp.diag(raw))      # exactly symmetric
    lengths = onp.sqrt(onp.diag(gram))                    # |row i| / 2^e_i, in [0.5, sqrt(n))
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
    pairs = tuple((int(i), int(j)) for i in range(m) for j in range(i + 1, m)
                  if gram[i, j] < 0.0)
    return GradientConflicts(
        inner_products=_read_only(inner),
        cosines=_read_only(cosines),
        norms=_read_only(norms),
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
    check_callable(func, "F", F)
    w = as_vector(func, "weights", weights)
    if onp.any(w < 0):
        raise ValueError(f"{func}: weights must be >= 0, got {w!r}")
    if not onp.any(w > 0):
        raise ValueError(f"{func}: weights must not all be zero, got {w!r}")
    w = _read_only(w)
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
    q = as_vector(func, "q", q, size=p.size)
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
