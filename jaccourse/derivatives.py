"""Jacobians, gradients, Hessians and their products, computed with autograd.

For ``f: R^n -> R^m`` the Jacobian ``J(x)`` is the ``(m, n)`` matrix of partial derivatives
``J[i, j] = d f_i / d x_j``: one row per output, one column per input. Everything in this
module is built on two primitive passes of automatic differentiation:

* a **forward** pass (JVP, Jacobian-vector product) pushes a tangent ``v`` through ``f`` and
  returns one column-combination ``J v``; ``n`` passes with ``v = e_1, ..., e_n`` give ``J``;
* a **reverse** pass (VJP, vector-Jacobian product) records ``f`` once, then pulls a cotangent
  ``u`` back and returns one row-combination ``u^T J``; ``m`` passes with ``u = e_1, ..., e_m``
  give ``J``.

So the forward mode costs about ``n`` evaluations of ``f`` and the reverse mode about ``m``:
tall Jacobians (few inputs, many outputs) want the forward mode, wide ones (many inputs, few
outputs: a loss) want the reverse mode. ``jacobian(f, x, mode="auto")`` picks for you.

**autograd's rules** (the functions you differentiate must follow them):

* write ``import autograd.numpy as np`` inside ``f``: plain numpy silently loses the derivative.
  ``numpy.dot``, ``numpy.array([...])``, ``numpy.stack``, ``numpy.concatenate``,
  ``numpy.where``, ``numpy.clip`` turn autograd's traced values into plain ``dtype=object``
  arrays; autograd then returns an all-zero or simply wrong Jacobian, sometimes with a mere
  warning "Output seems independent of input", sometimes with no warning at all. (Plain
  numpy *ufuncs* such as ``numpy.sin`` and the ``@`` operator happen to work, which makes the
  trap harder to see.) Every function here detects this and raises a ``TypeError`` instead;
* ``np.dot(A, x)``, not ``x.dot(A)`` (traced arrays have no ``.dot`` method);
* no in-place assignment ``y[i] = ...`` into arrays that carry the derivative, and no
  ``float(x[i])``: build arrays with ``np.array([...])``, ``np.stack`` or ``np.concatenate``;
* a few operations (``x.astype``) have a reverse-mode rule but no forward-mode one:
  ``mode="forward"`` and :func:`jvp` then raise ``NotImplementedError``, ``mode="auto"``
  falls back to the reverse mode.

autograd's own ``jacobian`` fails with a cryptic ``TypeError`` when ``f`` returns a Python list
(and its ``make_vjp`` sees no dependence on ``x``); the functions here accept a list or tuple
of scalars and turn it into an array.

Beyond the full Jacobian (the chapter ``open-problems``): :func:`hvp` multiplies by the
Hessian without forming it (the JVP of the gradient); :func:`sparse_jacobian` gets a Jacobian
with a known sparsity pattern in as many JVPs as :func:`color_columns` needs colours (3 for a
tridiagonal matrix, whatever ``n``); :func:`jacobian_trace` and :func:`hutchinson_trace`
compute the trace (the divergence, ``tr J``) exactly in ``n`` passes or estimate it in a few.

See the chapters ``jacobian-determinant``, ``linear-maps``, ``linear-approximation`` and
``open-problems``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import autograd
import autograd.numpy as np
import numpy as onp
from autograd.core import backward_pass
from autograd.tracer import getval

from jaccourse._autodiff import (
    EPS,
    as_traceable,
    basis,
    checked_output,
    forward_pass,
    gradient_core,
    jacobian_core,
    plain,
    protected,
    reverse_pass,
    reverse_trace,
    tangent,
    untraced,
)
from jaccourse._validation import (
    as_positive_int,
    as_real,
    as_rng,
    as_vector,
    check_callable,
    describe,
    float_array,
    quiet,
)

if TYPE_CHECKING:  # pragma: no cover - annotations only
    import scipy.sparse


def _sparse():
    """``scipy.sparse``, imported on first use (it adds a quarter of a second to every
    ``import jaccourse``, and only the sparse-Jacobian functions need it)."""
    import scipy.sparse

    return scipy.sparse


__all__ = [
    "jacobian",
    "jacobian_fd",
    "jacobian_determinant",
    "gradient",
    "hessian",
    "jvp",
    "vjp",
    "Linearization",
    "linearize",
    "JacobianCheck",
    "check_jacobian",
    "hvp",
    "color_columns",
    "sparse_jacobian",
    "jacobian_trace",
    "hutchinson_trace",
]

_MODES = ("auto", "forward", "reverse")


#: The largest ``samples`` of :func:`hutchinson_trace` (each costs one pass through ``f``).
_MAX_TRACE_SAMPLES = 1_000_000


def _check_mode(func: str, mode: Any) -> str:
    if not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(
            f"{func}: mode must be one of 'auto', 'forward', 'reverse', got {describe(mode)}"
        )
    return mode


def _start(func: str, f: Any, x: Any, xname: str = "x") -> onp.ndarray:
    check_callable(func, "f", f, nargs=1, call=f"f({xname})")
    return as_vector(func, xname, x)


# --------------------------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------------------------


def jacobian(f: Callable, x: Any, mode: str = "auto") -> onp.ndarray:
    """The Jacobian matrix ``J(x)`` of ``f: R^n -> R^m`` by automatic differentiation.

    ``J[i, j] = d f_i / d x_j (x)``: row ``i`` is the gradient of output ``i``, column ``j`` is
    the velocity of ``f(x)`` when ``x`` moves along the axis ``e_j``.

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``, written with ``import autograd.numpy as np``. It may also return a
        list or tuple of scalars.
    x : array-like, shape (n,)
        The point, finite.
    mode : {"auto", "forward", "reverse"}
        ``"forward"``: ``n`` Jacobian-vector products ``J e_j``, one column each.
        ``"reverse"``: one trace of ``f`` and ``m`` vector-Jacobian products ``e_i^T J``, one
        row each. ``"auto"`` picks the cheaper one without spending a pass just to learn ``m``,
        by comparing the passes still to do once ``m`` is known:

        * if ``n <= 32`` it starts with the first forward pass, which reveals ``m``. Forward
          still needs ``n - 1`` passes, reverse a trace and ``m`` passes: it goes on forward
          (nothing wasted) if ``n - 1 <= m + 1``, i.e. ``m >= n - 2``, else switches to
          reverse (one forward pass wasted, only when ``n`` is small);
        * if ``n > 32`` it starts with the reverse trace, which reveals ``m``. Reverse still
          needs ``m`` passes, forward ``n``: it goes on in reverse (nothing wasted) if
          ``m <= n``, else switches to forward (one trace wasted, under ``1/32`` of the work).

        The threshold 32 was measured with ``benchmarks/jacobian_modes.py``. If autograd has
        no forward-mode rule for an operation of ``f`` (e.g. ``x.astype``), ``"auto"`` uses the
        reverse mode.

    Returns
    -------
    ndarray, shape (m, n)
        A plain float array.

    Raises
    ------
    TypeError
        If ``f`` is not callable, or mixes plain numpy with autograd (which would otherwise
        give a silently zero or wrong Jacobian).
    ValueError
        If ``x`` is not a finite 1-D array, ``f`` does not return a finite 1-D array, or
        ``mode`` is unknown.

    Notes
    -----
    See the chapter ``linear-maps`` (and ``jacobian-determinant``).

    Examples
    --------
    The polar map ``(r, t) -> (r cos t, r sin t)``:

    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import jacobian
    >>> polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])
    >>> jacobian(polar, [2.0, 0.0])
    array([[1., 0.],
           [0., 2.]])

    A linear map ``x -> A x`` has the Jacobian ``A`` in every mode:

    >>> A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> all(np.allclose(jacobian(lambda x: np.dot(A, x), [1.0, 1.0, 1.0], mode=m), A)
    ...     for m in ("auto", "forward", "reverse"))
    True
    """
    func = "jacobian"
    x = _start(func, f, x)
    mode = _check_mode(func, mode)
    return jacobian_core(func, f, x, mode)[1]


def jacobian_fd(f: Callable, x: Any, h: float | None = None) -> onp.ndarray:
    """The Jacobian of ``f: R^n -> R^m`` by central finite differences (no autograd needed).

    Column ``j`` is ``(f(x + h_j e_j) - f(x - h_j e_j)) / (2 h_j)``. Its error is the sum of a
    truncation error ``O(h^2)`` (from the Taylor series: ``f''' h^2 / 6``) and a rounding error
    ``O(eps / h)`` (``f`` is only known to about ``eps |f|``, divided by ``2h``). The sum is
    smallest near ``h ~ eps^(1/3)``, about ``6e-6``, where both are about ``eps^(2/3) ~ 4e-11``
    (relative): so expect roughly 10 correct digits, not 16.

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``; plain numpy is fine here. ``2 n`` evaluations.
    x : array-like, shape (n,)
        The point, finite.
    h : float, optional
        A positive step used for every coordinate. By default
        ``h_j = eps**(1/3) * max(1, |x_j|)`` with ``eps`` the machine epsilon.

    Returns
    -------
    ndarray, shape (m, n)

    Notes
    -----
    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.derivatives import jacobian_fd
    >>> A = onp.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> J = jacobian_fd(lambda x: onp.dot(A, x), [0.5, -1.0])   # plain numpy works
    >>> J.shape, onp.allclose(J, A)
    ((3, 2), True)
    >>> onp.round(jacobian_fd(lambda x: onp.array([onp.sin(x[0])]), [0.0], h=1e-4), 6)
    array([[1.]])
    """
    func = "jacobian_fd"
    x = _start(func, f, x)
    if h is not None:
        h = as_real(func, "h", h, positive=True)
    return _jacobian_fd(func, f, x, h)


def _jacobian_fd(func: str, f: Callable, x: onp.ndarray, h: float | None) -> onp.ndarray:
    """The central differences of :func:`jacobian_fd` on checked arguments; errors name
    ``func`` (so that :func:`check_jacobian` speaks for itself)."""
    if h is None:
        steps = EPS ** (1 / 3) * onp.maximum(1.0, onp.abs(x))
    else:
        steps = onp.full(x.size, h)
    with quiet():
        f0 = checked_output(func, f(x.copy()), "vector")
    m, n = f0.size, x.size
    J = onp.empty((m, n))
    for j in range(n):
        xp, xm = x.copy(), x.copy()
        xp[j] += steps[j]
        xm[j] -= steps[j]
        cols = []
        for point, sign in ((xp, "+"), (xm, "-")):
            with quiet():
                y = plain(func, f(point), f"f(x {sign} h e_{j})")
            if y.shape != (m,):
                raise ValueError(
                    f"{func}: f must return the same shape at every point: f(x) has shape "
                    f"({m},) but f(x {sign} h e_{j}) has shape {y.shape}"
                )
            if not onp.all(onp.isfinite(y)):
                raise ValueError(
                    f"{func}: f returned NaN or inf at x {sign} h e_{j} (h = {steps[j]:.3g}); "
                    "is the step leaving the domain of f? pass a smaller h"
                )
            cols.append(y)
        J[:, j] = (cols[0] - cols[1]) / (xp[j] - xm[j])  # the step actually taken
    return J


def jacobian_determinant(f: Callable, x: Any, mode: str = "auto") -> float:
    """The Jacobian determinant ``det J(x)`` of a map ``f: R^n -> R^n``.

    ``|det J(x)|`` is the factor by which ``f`` scales volumes near ``x``
    (``dy_1 ... dy_n = |det J(x)| dx_1 ... dx_n``); its sign tells whether ``f`` keeps or flips
    orientation.

    Parameters
    ----------
    f : callable
        ``f(x) -> (n,)``, written with ``autograd.numpy``.
    x : array-like, shape (n,)
    mode : {"auto", "forward", "reverse"}
        As in :func:`jacobian`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the Jacobian is not square (the shape is named).

    Notes
    -----
    See the chapter ``jacobian-determinant``.

    Examples
    --------
    Polar coordinates scale areas by ``r``; spherical ones volumes by ``r^2 sin(phi)``:

    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import jacobian_determinant
    >>> polar = lambda p: np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])
    >>> round(jacobian_determinant(polar, [3.0, 0.7]), 12)
    3.0
    >>> def spherical(q):
    ...     r, th, ph = q[0], q[1], q[2]
    ...     return np.array([r * np.sin(ph) * np.cos(th), r * np.sin(ph) * np.sin(th),
    ...                      r * np.cos(ph)])
    >>> d = jacobian_determinant(spherical, [2.0, 0.3, 1.1])
    >>> bool(np.isclose(abs(d), 2.0**2 * np.sin(1.1)))
    True
    """
    func = "jacobian_determinant"
    x = _start(func, f, x)
    mode = _check_mode(func, mode)
    J = jacobian_core(func, f, x, mode)[1]
    if J.shape[0] != J.shape[1]:
        raise ValueError(f"{func}: the Jacobian of f must be square, got shape {J.shape}")
    return float(onp.linalg.det(J))


def gradient(f: Callable, x: Any) -> onp.ndarray:
    """The gradient ``grad f(x)`` of a scalar function ``f: R^n -> R`` (one reverse pass).

    ``grad f(x)[j] = d f / d x_j (x)``: the transpose of the ``(1, n)`` Jacobian, returned with
    shape ``(n,)``. It costs a small constant times one evaluation of ``f``, whatever ``n``.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar`` (a float or a 0-d array), written with ``autograd.numpy``.
    x : array-like, shape (n,)

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``f`` returns anything but a scalar (use :func:`jacobian` for vector outputs).

    Notes
    -----
    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import gradient
    >>> gradient(lambda x: np.sum(x ** 2), [1.0, -2.0, 3.0])
    array([ 2., -4.,  6.])
    """
    func = "gradient"
    x = _start(func, f, x)
    return gradient_core(func, f, x)[1]


def hessian(f: Callable, x: Any) -> onp.ndarray:
    """The Hessian matrix of a scalar function ``f: R^n -> R``: the Jacobian of its gradient.

    ``H[i, j] = d^2 f / (d x_i d x_j)(x)``, computed exactly (reverse over reverse); it is
    symmetric up to rounding (use ``(H + H.T) / 2`` if you need exact symmetry).

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar``, written with ``autograd.numpy``.
    x : array-like, shape (n,)

    Returns
    -------
    ndarray, shape (n, n)

    Notes
    -----
    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import hessian
    >>> hessian(lambda x: x[0] ** 2 * x[1] + np.sin(x[1]), [1.0, 0.0])
    array([[0., 2.],
           [2., 0.]])
    """
    func = "hessian"
    x = _start(func, f, x)
    traced = gradient_core(func, f, x)[2]  # checks f: a scalar, traced, not mixing numpy
    if not traced:  # a constant f (probed): the Hessian is zero
        return onp.zeros((x.size, x.size))
    return jacobian_core(func, autograd.grad(f), x, "reverse")[1]


def jvp(f: Callable, x: Any, v: Any) -> onp.ndarray:
    """The Jacobian-vector product ``J(x) v`` in one forward pass, without forming ``J``.

    ``J(x) v = d/dt f(x + t v) at t = 0``: the velocity of ``f(x)`` when ``x`` moves with
    velocity ``v``. Costs a small constant times one evaluation of ``f``.

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``, written with ``autograd.numpy``.
    x : array-like, shape (n,)
    v : array-like, shape (n,)
        The tangent (input direction), finite.

    Returns
    -------
    ndarray, shape (m,)

    Notes
    -----
    See the chapter ``linear-maps``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import jvp
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> jvp(lambda x: np.dot(A, x), [0.3, 0.4], [1.0, 1.0])
    array([ 3.,  7., 11.])
    """
    func = "jvp"
    x = _start(func, f, x)
    v = as_vector(func, "v", v, size=x.size)
    return _jvp_core(func, as_traceable(f), x, v)


@protected
def _jvp_core(func: str, f: Callable, x: onp.ndarray, v: onp.ndarray) -> onp.ndarray:
    raw, t = forward_pass(f, x, v)
    value = checked_output(func, raw, "vector")
    if t is None:
        untraced(func, f, x, value)
        return onp.zeros(value.size)
    return tangent(func, t, value.shape).copy()


def vjp(f: Callable, x: Any, u: Any) -> onp.ndarray:
    """The vector-Jacobian product ``u^T J(x)`` in one reverse pass, without forming ``J``.

    ``(u^T J(x))_j = sum_i u_i d f_i / d x_j``: the gradient of the scalar ``u . f(x)``. This is
    what backpropagation computes. Costs a small constant times one evaluation of ``f``.

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``, written with ``autograd.numpy``.
    x : array-like, shape (n,)
    u : array-like, shape (m,)
        The cotangent (output weights), finite; ``m`` is learned from ``f(x)``.

    Returns
    -------
    ndarray, shape (n,)

    Notes
    -----
    See the chapter ``linear-maps``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import vjp
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> vjp(lambda x: np.dot(A, x), [0.3, 0.4], [1.0, 0.0, -1.0])
    array([-4., -4.])
    """
    func = "vjp"
    x = _start(func, f, x)
    u = as_vector(func, "u", u)
    return _vjp_core(func, as_traceable(f), x, u)


@protected
def _vjp_core(func: str, f: Callable, x: onp.ndarray, u: onp.ndarray) -> onp.ndarray:
    raw, node = reverse_trace(f, x)
    value = checked_output(func, raw, "vector")
    if u.shape != value.shape:
        raise ValueError(
            f"{func}: u must have the shape of f(x), ({value.size},), got shape {u.shape}"
        )
    if node is None:
        untraced(func, f, x, value)
        return onp.zeros(x.size)
    return reverse_pass(func, node, u, x.size).copy()


@dataclass(frozen=True, eq=False)
class Linearization:
    """The first-order Taylor model ``L(x) = f(x0) + J (x - x0)`` of ``f`` at ``x0``.

    Fields: ``x0`` (n,), ``fx0 = f(x0)`` (m,), ``J`` (m, n), all read-only float arrays.
    Call it on one point ``x`` of shape (n,) -> (m,), or on a batch of shape (k, n) -> (k, m).
    The error ``f(x) - L(x)`` is ``O(|x - x0|^2)``. Build it with :func:`linearize`.

    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import Linearization
    >>> L = Linearization(x0=np.zeros(2), fx0=np.ones(1), J=np.array([[2.0, 3.0]]))
    >>> L([1.0, 1.0])
    array([6.])
    """

    x0: onp.ndarray
    fx0: onp.ndarray
    J: onp.ndarray

    def __post_init__(self) -> None:
        name = "Linearization"
        x0 = as_vector(name, "x0", self.x0)
        fx0 = as_vector(name, "fx0", self.fx0)
        J = float_array(name, "J", self.J)
        if J.shape != (fx0.size, x0.size):
            raise ValueError(
                f"{name}: J must have shape (m, n) = ({fx0.size}, {x0.size}), got shape {J.shape}"
            )
        if not onp.all(onp.isfinite(J)):
            raise ValueError(f"{name}: J must be finite, got NaN or inf")
        for field, arr in (("x0", x0.copy()), ("fx0", fx0.copy()), ("J", J)):
            arr.setflags(write=False)
            object.__setattr__(self, field, arr)

    def __call__(self, x: Any) -> onp.ndarray:
        """``fx0 + J (x - x0)`` for ``x`` of shape (n,) or a batch (k, n)."""
        name = "Linearization.__call__"
        n = self.x0.size
        arr = float_array(name, "x", x)
        if arr.ndim not in (1, 2) or arr.shape[-1] != n:
            raise ValueError(f"{name}: x must have shape ({n},) or (k, {n}), got shape {arr.shape}")
        if not onp.all(onp.isfinite(arr)):
            raise ValueError(f"{name}: x must be finite, got NaN or inf")
        return self.fx0 + (arr - self.x0) @ self.J.T


def linearize(f: Callable, x0: Any) -> Linearization:
    """The linear approximation of ``f: R^n -> R^m`` at ``x0``: ``f(x) ~ f(x0) + J(x0)(x - x0)``.

    Evaluates ``f(x0)`` and ``J(x0)`` (see :func:`jacobian`, ``mode="auto"``) and returns them
    as a callable :class:`Linearization`. The error is ``O(|x - x0|^2)``.

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``, written with ``autograd.numpy``.
    x0 : array-like, shape (n,)

    Returns
    -------
    Linearization
        Fields ``x0`` (n,), ``fx0`` (m,), ``J`` (m, n).

    Notes
    -----
    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import linearize
    >>> L = linearize(lambda x: np.array([np.exp(x[0]), x[0] * x[1]]), [0.0, 2.0])
    >>> L.J
    array([[1., 0.],
           [2., 0.]])
    >>> np.round(L([[0.1, 2.0], [0.0, 3.0]]), 6)     # a batch of two points
    array([[1.1, 0.2],
           [1. , 0. ]])
    """
    func = "linearize"
    x0 = _start(func, f, x0, "x0")
    fx0, J = jacobian_core(func, f, x0, "auto")
    return Linearization(x0=x0, fx0=fx0, J=J)


@dataclass(frozen=True, eq=False)
class JacobianCheck:
    """The verdict of :func:`check_jacobian`; ``bool(check)`` is ``check.ok``.

    Fields: ``ok``, ``max_abs_error = max |J - R|``, ``max_rel_error = max |J - R| / max |R|``
    (``inf`` if the shapes differ), ``jacobian`` (the candidate ``J``), ``reference`` (the
    central-difference ``R``), ``message`` (a one-line verdict, also what ``print`` shows).

    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.derivatives import JacobianCheck
    >>> c = JacobianCheck(ok=False, max_abs_error=1.0, max_rel_error=1.0,
    ...                   jacobian=onp.eye(1), reference=onp.zeros((1, 1)), message="no")
    >>> bool(c), str(c)
    (False, 'no')
    """

    ok: bool
    max_abs_error: float
    max_rel_error: float
    jacobian: onp.ndarray
    reference: onp.ndarray
    message: str

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __str__(self) -> str:
        """The one-line verdict, so that ``print(check)`` reads well."""
        return self.message


def check_jacobian(
    f: Callable, x: Any, jac: Any = None, *, rtol: float = 1e-5, atol: float = 1e-7
) -> JacobianCheck:
    """Compare a candidate Jacobian of ``f`` at ``x`` with central finite differences.

    The candidate ``J`` passes when ``|J - R| <= atol + rtol |R|`` entrywise, ``R`` being
    :func:`jacobian_fd` (accurate to about ``1e-10`` relative, hence the loose defaults).
    A candidate of the wrong shape (say transposed) fails with a message; it is not an error.

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``; plain numpy is fine when ``jac`` is given.
    x : array-like, shape (n,)
    jac : None, callable or array-like
        ``None``: the candidate is ``jacobian(f, x)`` (autograd, which checks autograd itself);
        a callable: ``jac(x)`` (say your hand-derived Jacobian); an array: that array.
    rtol, atol : float
        Non-negative tolerances.

    Returns
    -------
    JacobianCheck

    Notes
    -----
    See the chapter ``linear-approximation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.derivatives import check_jacobian
    >>> polar = lambda p: onp.array([p[0] * onp.cos(p[1]), p[0] * onp.sin(p[1])])
    >>> def polar_jac(p):
    ...     r, t = p
    ...     return onp.array([[onp.cos(t), -r * onp.sin(t)], [onp.sin(t), r * onp.cos(t)]])
    >>> bool(check_jacobian(polar, [2.0, 0.5], polar_jac))
    True
    >>> bad = check_jacobian(polar, [2.0, 0.5], lambda p: polar_jac(p).T)
    >>> bad.ok, bad.message.startswith("check_jacobian: MISMATCH")
    (False, True)
    """
    func = "check_jacobian"
    x = _start(func, f, x)
    rtol = as_real(func, "rtol", rtol, nonnegative=True)
    atol = as_real(func, "atol", atol, nonnegative=True)
    if jac is None:
        candidate_raw, source = jacobian_core(func, f, x, "auto")[1], "jacobian(f, x)"
    elif callable(jac):
        check_callable(func, "jac", jac, nargs=1, call="jac(x)")
        with quiet():
            candidate_raw, source = jac(x.copy()), "jac(x)"
    else:
        candidate_raw, source = jac, "jac"
    try:
        J = onp.array(candidate_raw, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: jac must be None, a callable returning an array, or an array of numbers; "
            f"{source} gave {describe(candidate_raw)}"
        ) from None
    R = _jacobian_fd(func, f, x, None)
    tol = f"(rtol={rtol:g}, atol={atol:g})"
    if J.shape != R.shape:
        hint = " (transposed?)" if J.shape == R.shape[::-1] else ""
        return JacobianCheck(
            False,
            onp.inf,
            onp.inf,
            J,
            R,
            f"{func}: MISMATCH, {source} has shape {J.shape} but f: R^{R.shape[1]} -> "
            f"R^{R.shape[0]} needs shape {R.shape}{hint}",
        )
    if not onp.all(onp.isfinite(J)):
        return JacobianCheck(
            False, onp.inf, onp.inf, J, R, f"{func}: MISMATCH, {source} contains NaN or inf"
        )
    err = onp.abs(J - R)
    max_abs = float(err.max())
    scale = float(onp.abs(R).max())
    max_rel = max_abs / scale if scale > 0 else (0.0 if max_abs == 0 else onp.inf)
    ok = bool(onp.all(err <= atol + rtol * onp.abs(R)))
    if ok:
        message = (
            f"{func}: OK, {source} matches central differences: max abs error "
            f"{max_abs:.2e}, max rel error {max_rel:.2e} {tol}"
        )
    else:
        i, j = onp.unravel_index(int(onp.argmax(err - rtol * onp.abs(R))), err.shape)
        message = (
            f"{func}: MISMATCH, {source}[{i}, {j}] = {J[i, j]:.6g} but central "
            f"differences give {R[i, j]:.6g}; max abs error {max_abs:.2e}, "
            f"max rel error {max_rel:.2e} {tol}"
        )
    return JacobianCheck(ok, max_abs, float(max_rel), J, R, message)


# --------------------------------------------------------------------------------------------
# beyond the full Jacobian (chapter open-problems): Hessian-vector products, sparse Jacobians
# by column colouring, and traces of Jacobians
# --------------------------------------------------------------------------------------------


@protected
def _hvp_core(func: str, f: Callable, x: onp.ndarray, v: onp.ndarray) -> onp.ndarray:
    """``H(x) v`` as the JVP of the gradient (forward over reverse), with the reverse-over-
    reverse gradient of ``grad f . v`` as the fallback when autograd lacks a JVP rule."""
    seen: dict[str, Any] = {}

    def grad_f(z):
        """``grad f(z)`` by one reverse pass; ``z`` may carry the outer pass's tangent."""
        raw, node = reverse_trace(f, z)
        value = checked_output(func, getval(raw), "scalar")
        seen["value"], seen["traced"] = value, node is not None
        if node is None:
            return onp.zeros(x.size)
        return backward_pass(onp.ones(onp.shape(value)), node)

    try:
        _, t = forward_pass(grad_f, x, v)
    except NotImplementedError as err:
        if not str(err).startswith("JVP of"):
            raise
        # an operation of f (or of its derivative) has no forward-mode rule: H v is also the
        # gradient of the scalar grad f(x) . v (H is symmetric), one reverse pass over another
        _, node = reverse_trace(lambda z: np.dot(grad_f(z), v), x)
        t = None if node is None else reverse_pass(func, node, 1.0, x.size)
    if not seen["traced"]:
        untraced(func, f, x, seen["value"])
        return onp.zeros(x.size)
    if t is None:  # the gradient does not depend on x: f is linear, H = 0
        return onp.zeros(x.size)
    return tangent(func, t, (x.size,)).copy()


def hvp(f: Callable, x: Any, v: Any) -> onp.ndarray:
    """The Hessian-vector product ``H(x) v`` of a scalar ``f: R^n -> R``, without forming ``H``.

    ``H(x) v = d/dt grad f(x + t v) at t = 0``: the Jacobian-vector product of the gradient
    (Pearlmutter 1994). One reverse pass computes ``grad f``; running it on inputs that carry
    the tangent ``v`` (forward over reverse) gives ``H v`` for a small constant times the cost
    of one gradient, whatever ``n``, with ``O(n)`` memory: ``n^2`` numbers are never stored.
    This is what Newton-CG and other Hessian-free methods need. If autograd has no forward-mode
    rule for an operation of ``f``, the reverse-over-reverse identity
    ``H v = grad_x (grad f(x) . v)`` (``H`` is symmetric) is used instead.

    Parameters
    ----------
    f : callable
        ``f(x) -> scalar``, written with ``autograd.numpy``.
    x : array-like, shape (n,)
        The point, finite.
    v : array-like, shape (n,)
        The direction, finite.

    Returns
    -------
    ndarray, shape (n,)
        Equal to ``hessian(f, x) @ v`` up to rounding.

    Raises
    ------
    ValueError
        If ``f`` does not return a finite scalar, or ``x`` / ``v`` are not finite vectors of
        the same length.
    TypeError
        If ``f`` is not callable or mixes plain numpy with autograd.

    Notes
    -----
    See the chapter ``open-problems`` (and ``newton``).

    Examples
    --------
    ``f(x) = x_0^2 x_1 + sin(x_1)`` has ``H = [[2 x_1, 2 x_0], [2 x_0, -sin(x_1)]]``:

    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import hessian, hvp
    >>> f = lambda x: x[0] ** 2 * x[1] + np.sin(x[1])
    >>> hvp(f, [1.0, 0.0], [1.0, 2.0])
    array([4., 2.])
    >>> bool(np.allclose(hvp(f, [0.3, 1.2], [1.0, -1.0]),
    ...                  np.dot(hessian(f, [0.3, 1.2]), [1.0, -1.0])))
    True
    """
    func = "hvp"
    x = _start(func, f, x)
    v = as_vector(func, "v", v, size=x.size)
    return _hvp_core(func, f, x, v)


def _pattern(func: str, sparsity: Any, n: int | None = None) -> scipy.sparse.csr_array:
    """``sparsity`` as a boolean CSR array with sorted indices and no stored zeros, checked."""
    name = "sparsity"
    hint = "True where the Jacobian may be nonzero, e.g. a boolean array (m, n) or A != 0"
    if _sparse().issparse(sparsity):
        shape = sparsity.shape
        if len(shape) == 2:
            sparsity = _sparse().csr_array(sparsity)
        values = onp.asarray(sparsity.data)  # the stored values
    else:
        if callable(sparsity):
            raise TypeError(f"{func}: {name} must be a pattern ({hint}), got {describe(sparsity)}")
        try:
            values = onp.asarray(sparsity)
        except (TypeError, ValueError):
            raise TypeError(
                f"{func}: {name} must be a pattern ({hint}), got {describe(sparsity)}"
            ) from None
        shape = values.shape
    if values.dtype.kind not in "biuf":
        raise TypeError(f"{func}: {name} must be boolean ({hint}), got {describe(sparsity)}")
    if len(shape) != 2:
        raise ValueError(f"{func}: {name} must be 2-D of shape (m, n), got shape {shape}")
    if values.dtype != bool and not onp.all((values == 0) | (values == 1)):
        bad = values[~((values == 0) | (values == 1))].flat[0].item()
        raise ValueError(
            f"{func}: {name} must be boolean (True/False or 0/1), got the value {bad!r}; "
            f"pass the pattern of nonzeros, e.g. J != 0, not a matrix of values"
        )
    if _sparse().issparse(sparsity):
        S = _sparse().csr_array((values != 0, sparsity.indices, sparsity.indptr), shape=shape)
        S.sum_duplicates()
    else:
        S = _sparse().csr_array(values != 0)
    S.eliminate_zeros()
    S.sort_indices()
    if n is not None and S.shape[1] != n:
        raise ValueError(
            f"{func}: {name} must have one column per input, shape (m, {n}) for x of shape "
            f"({n},), got shape {S.shape}"
        )
    return S


def _check_colors(func: str, colors: Any, S: scipy.sparse.csr_array) -> onp.ndarray:
    """``colors`` checked to be a valid column colouring of ``S``, relabelled ``0, ..., K - 1``
    in increasing order (so that no JVP is spent on an unused colour)."""
    n = S.shape[1]
    arr = onp.asarray(colors)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{func}: colors must be an integer array of shape ({n},), one colour per column "
            f"(see color_columns), got {describe(colors)}"
        )
    if arr.shape != (n,):
        raise ValueError(
            f"{func}: colors must be an integer array of shape ({n},), one colour per column "
            f"(see color_columns), got shape {arr.shape}"
        )
    if arr.min() < 0:
        raise ValueError(f"{func}: colors must be >= 0, got {int(arr.min())}")
    arr = onp.unique(arr, return_inverse=True)[1].astype(onp.intp)
    rows = onp.repeat(onp.arange(S.shape[0]), onp.diff(S.indptr))
    key = rows * n + arr[S.indices]  # one key per (row, colour) of a nonzero
    order = onp.argsort(key, kind="stable")
    clash = onp.flatnonzero(key[order][1:] == key[order][:-1])
    if clash.size:
        a, b = order[clash[0]], order[clash[0] + 1]
        raise ValueError(
            f"{func}: colors is not a valid colouring of the sparsity pattern: columns "
            f"{S.indices[a]} and {S.indices[b]} share the nonzero row {rows[a]} and a colour "
            f"({onp.asarray(colors)[S.indices[a]]}), so one JVP could not tell them apart"
        )
    return arr


def color_columns(sparsity: Any) -> onp.ndarray:
    """A colouring of the columns of a sparsity pattern: columns of one colour share no row.

    Two columns ``j`` and ``k`` of the ``(m, n)`` pattern ``S`` *conflict* when some row has a
    nonzero in both (``S[i, j]`` and ``S[i, k]``): they are the neighbours of the column
    intersection graph. A colouring ``c`` gives conflicting columns different colours, so that
    the columns ``J e_j`` of one colour can be added into one JVP ``J s`` with the seed
    ``s = sum_{c(j) = c} e_j`` and still be read back (Curtis, Powell and Reid 1974): see
    :func:`sparse_jacobian`. Each column in turn, in the natural order ``0, 1, ..., n - 1``,
    takes the smallest colour not yet used by a column it conflicts with (greedy first-fit;
    deterministic).

    The number of colours ``K`` is at least the largest number of nonzeros in a row (those
    columns all conflict). For a banded pattern with ``p`` diagonals below and ``q`` above the
    main one the greedy colouring uses exactly ``K = p + q + 1`` (3 for a tridiagonal matrix),
    whatever ``n``; a dense row (an arrow pattern) makes every pair conflict, so ``K = n``.

    Parameters
    ----------
    sparsity : array-like of bool, shape (m, n), or a scipy.sparse matrix or array
        True (or 1) where the Jacobian may be nonzero. For a scipy.sparse input the nonzero
        stored values count (explicit zeros do not).

    Returns
    -------
    ndarray of int, shape (n,)
        ``colors[j]`` in ``0, ..., K - 1``; ``K = colors.max() + 1`` JVPs give the Jacobian.

    Raises
    ------
    TypeError
        If ``sparsity`` is not an array of booleans or numbers.
    ValueError
        If it is not 2-D, or has values other than 0/1 (a matrix of values, not a pattern).

    Notes
    -----
    See the chapter ``open-problems``.

    Examples
    --------
    A tridiagonal pattern needs 3 colours, whatever its size:

    >>> import numpy as onp
    >>> from jaccourse.derivatives import color_columns
    >>> tridiagonal = onp.abs(onp.subtract.outer(onp.arange(6), onp.arange(6))) <= 1
    >>> color_columns(tridiagonal)
    array([0, 1, 2, 0, 1, 2])
    >>> arrow = onp.eye(4, dtype=bool)
    >>> arrow[-1, :] = arrow[:, -1] = True
    >>> color_columns(arrow)               # the dense last row: every pair of columns conflicts
    array([0, 1, 2, 3])
    """
    S = _pattern("color_columns", sparsity)
    m, n = S.shape
    by_column = S.tocsc()
    by_column.sort_indices()
    col_ptr, col_rows = by_column.indptr.tolist(), by_column.indices.tolist()
    # The colours already used in row i are the bits of the integer used[i]: the colours a
    # column may not take are the OR over its rows, and the smallest free colour is the lowest
    # zero bit of that integer.
    used = [0] * m
    colors = onp.empty(n, dtype=onp.intp)
    for j in range(n):
        rows = col_rows[col_ptr[j] : col_ptr[j + 1]]
        taken = 0
        for i in rows:
            taken |= used[i]
        c = (~taken & (taken + 1)).bit_length() - 1  # the lowest zero bit of `taken`
        colors[j] = c
        bit = 1 << c
        for i in rows:
            used[i] |= bit
    return colors


_OUTPUTS = ("dense", "csr")

# check=True: one random JVP must match the compressed Jacobian to this relative accuracy
_CHECK_RTOL = 1e-8


@protected
def _compressed_core(
    func: str, f: Callable, x: onp.ndarray, colors: onp.ndarray, m: int, check: bool
):
    """``(f(x), B, probe)``: the compressed Jacobian ``B = J [s_0 ... s_{K-1}]`` of shape
    ``(m, K)``, one JVP per colour, and, if ``check``, ``(v, J v)`` for a random ``v``."""
    n, k = x.size, int(colors.max()) + 1
    B = onp.empty((m, k))
    value = None
    try:
        for c in range(k):
            raw, t = forward_pass(f, x, (colors == c).astype(float))
            if value is None:
                value = checked_output(func, raw, "vector")
                if value.size != m:
                    raise ValueError(
                        f"{func}: sparsity must have one row per output, shape ({value.size}, "
                        f"{n}) for f(x) of shape ({value.size},), got shape ({m}, {n})"
                    )
                if t is None:
                    untraced(func, f, x, value)
                    B[:] = 0.0
                    break
            B[:, c] = 0.0 if t is None else tangent(func, t, (m,))
        probe = None
        if check:
            v = onp.random.default_rng(0).standard_normal(n)
            _, t = forward_pass(f, x, v)
            probe = (v, onp.zeros(m) if t is None else tangent(func, t, (m,)))
    except NotImplementedError as err:
        if not str(err).startswith("JVP of"):
            raise
        raise NotImplementedError(
            f"{func}: autograd has no forward-mode rule for an operation inside f ({err}); "
            f"column compression needs JVPs: use jacobian(f, x, mode='reverse')"
        ) from err
    return value, B, probe


def sparse_jacobian(
    f: Callable,
    x: Any,
    sparsity: Any,
    *,
    colors: Any = None,
    output: str = "dense",
    check: bool = True,
) -> onp.ndarray | scipy.sparse.csr_array:
    """The Jacobian of ``f: R^n -> R^m`` with a known sparsity pattern, in ``K`` JVPs, not ``n``.

    Columns of ``J`` that share no nonzero row (one colour of :func:`color_columns`) are added
    into one forward pass: with the seed ``s_c = sum_{c(j) = c} e_j`` the JVP ``J s_c`` holds,
    in each row ``i``, the single entry ``J[i, j]`` of the column ``j`` of colour ``c`` that the
    pattern allows in that row. So the compressed Jacobian ``B = J [s_0 ... s_{K-1}]`` of shape
    ``(m, K)`` is scattered back by ``J[i, j] = B[i, c(j)]`` for every ``(i, j)`` in the pattern
    (Curtis, Powell and Reid 1974). A tridiagonal Jacobian (a discretised 1-D PDE) takes
    ``K = 3`` JVPs whatever ``n``; the dense forward mode takes ``n``.

    The result is exact to rounding **if the pattern is right**: a nonzero of ``J`` outside
    ``sparsity`` is silently added to, or lost from, another entry. ``check=True`` (the
    default) spends one more JVP ``J v`` with a random ``v`` and compares it with the
    reconstruction: a wrong pattern then raises instead of returning a wrong Jacobian (missed
    entries smaller than about ``1e-8`` of their row's scale cannot be seen).

    Parameters
    ----------
    f : callable
        ``f(x) -> (m,)``, written with ``autograd.numpy``; it may return a list of scalars.
    x : array-like, shape (n,)
        The point, finite.
    sparsity : array-like of bool, shape (m, n), or a scipy.sparse matrix or array
        True (or 1) where ``J`` may be nonzero, at every ``x`` (entries that happen to vanish
        at this ``x`` are fine).
    colors : array-like of int, shape (n,), optional
        A colouring from :func:`color_columns`, to reuse across calls (a Newton loop), or your
        own; it is checked to be valid for ``sparsity`` (unused colours cost nothing: the
        colours are relabelled ``0, ..., K - 1``). By default ``color_columns(sparsity)``.
    output : {"dense", "csr"}
        ``"dense"``: an ``(m, n)`` ndarray. ``"csr"``: a ``scipy.sparse.csr_array`` whose
        stored entries are exactly the pattern's (some may be zero at this ``x``), for large
        ``n``, where the dense array would not fit (``n = 10^5`` needs 80 GB dense).
    check : bool
        Verify the pattern with one extra random JVP (see above).

    Returns
    -------
    ndarray, shape (m, n), or scipy.sparse.csr_array of shape (m, n)
        The Jacobian, from ``K = colors.max() + 1`` JVPs (plus one if ``check``).

    Raises
    ------
    ValueError
        If ``sparsity`` is not ``(m, n)`` for ``f(x)`` of shape ``(m,)`` and ``x`` of shape
        ``(n,)``, has values other than 0/1, if ``colors`` is not a valid colouring of it, if
        ``output`` is unknown, or (``check=True``) if ``J`` has nonzeros outside the pattern.
    TypeError
        If ``f`` is not callable or mixes plain numpy with autograd, or ``sparsity`` is not
        an array of booleans.
    NotImplementedError
        If autograd has no forward-mode rule for an operation of ``f``.

    Notes
    -----
    See the chapter ``open-problems``.

    Examples
    --------
    A Bratu-like residual ``r_i = (u_{i-1} - 2 u_i + u_{i+1}) / h^2 + exp(u_i)`` with zero
    boundary values has a tridiagonal Jacobian: 3 JVPs give all of it.

    >>> import autograd.numpy as np
    >>> import numpy as onp
    >>> from jaccourse.derivatives import color_columns, jacobian, sparse_jacobian
    >>> def residual(u, h=0.1):
    ...     padded = np.concatenate([np.zeros(1), u, np.zeros(1)])
    ...     return (padded[:-2] - 2.0 * u + padded[2:]) / h ** 2 + np.exp(u)
    >>> n = 9
    >>> pattern = onp.abs(onp.subtract.outer(onp.arange(n), onp.arange(n))) <= 1
    >>> u = onp.linspace(0.0, 1.0, n)
    >>> int(color_columns(pattern).max() + 1)                  # JVPs instead of n = 9
    3
    >>> J = sparse_jacobian(residual, u, pattern)
    >>> bool(np.allclose(J, jacobian(residual, u), rtol=1e-14, atol=1e-12))
    True
    >>> sparse_jacobian(residual, u, pattern, output="csr").nnz   # 3 n - 2 stored entries
    25

    A pattern that forgets the upper diagonal is caught:

    >>> lower = pattern.copy()
    >>> lower[onp.arange(n - 1), onp.arange(1, n)] = False
    >>> sparse_jacobian(residual, u, lower)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: sparse_jacobian: f's Jacobian has nonzeros outside the sparsity pattern: ...
    """
    func = "sparse_jacobian"
    x = _start(func, f, x)
    S = _pattern(func, sparsity, n=x.size)
    if not isinstance(output, str) or output not in _OUTPUTS:
        raise ValueError(f"{func}: output must be 'dense' or 'csr', got {describe(output)}")
    if not isinstance(check, (bool, onp.bool_)):
        raise TypeError(f"{func}: check must be True or False, got {describe(check)}")
    colors = color_columns(S) if colors is None else _check_colors(func, colors, S)
    m, n = S.shape
    _, B, probe = _compressed_core(func, as_traceable(f), x, colors, m, bool(check))
    rows = onp.repeat(onp.arange(m), onp.diff(S.indptr))
    values = B[rows, colors[S.indices]]
    J = _sparse().csr_array((values, S.indices.copy(), S.indptr.copy()), shape=(m, n))
    if probe is not None:
        v, Jv = probe
        rebuilt = J @ v
        error = onp.abs(Jv - rebuilt)
        scale = abs(J) @ onp.abs(v) + onp.abs(Jv)
        bad = error > _CHECK_RTOL * scale + EPS * scale.max()
        if onp.any(bad):
            i = int(onp.argmax(onp.where(bad, error / onp.maximum(scale, 1e-300), 0.0)))
            raise ValueError(
                f"{func}: f's Jacobian has nonzeros outside the sparsity pattern: for a random "
                f"v, output {i} of J v is {Jv[i]:.6g} by one JVP but {rebuilt[i]:.6g} from the "
                f"compressed Jacobian; mark every entry that can be nonzero in sparsity "
                f"(check=False skips this test)"
            )
    return J if output == "csr" else J.toarray()


@protected
def _trace_core(func: str, f: Callable, x: onp.ndarray) -> float:
    """``sum_j (J e_j)_j`` by ``n`` JVPs (trace + ``n`` VJPs if a JVP rule is missing)."""
    n = x.size

    def square(raw):
        value = checked_output(func, raw, "vector")
        if value.size != n:
            raise ValueError(
                f"{func}: f must map R^n to R^n (a square Jacobian): x has shape ({n},) but "
                f"f(x) has shape {value.shape}"
            )
        return value

    try:
        total = 0.0
        for j in range(n):
            raw, t = forward_pass(f, x, basis(n, j))
            if j == 0:
                value = square(raw)
                if t is None:
                    untraced(func, f, x, value)
                    return 0.0
            if t is not None:
                total += float(tangent(func, t, (n,))[j])
        return total
    except NotImplementedError as err:
        if not str(err).startswith("JVP of"):
            raise
    raw, node = reverse_trace(f, x)  # no forward rule: the rows e_i^T J instead
    value = square(raw)
    if node is None:
        untraced(func, f, x, value)
        return 0.0
    return float(sum(reverse_pass(func, node, basis(n, i), n)[i] for i in range(n)))


def jacobian_trace(f: Callable, x: Any) -> float:
    """The trace ``tr J(x) = sum_i d f_i / d x_i`` of a map ``f: R^n -> R^n``, exactly, in ``n``
    JVPs.

    ``tr J = sum_j e_j^T J e_j``: the ``j``-th entry of the ``j``-th column ``J e_j``. It is the
    divergence of the vector field ``f``, and the rate of change of log-volume along its flow:
    a continuous normalising flow (neural ODE) ``dz/dt = f(z)`` moves a density by
    ``d log p(z(t)) / dt = -tr J(z(t))``, the instantaneous change of variables, the
    infinitesimal form of ``p_Y(y) = p_X(x) / |det J|``. The cost is ``n`` forward passes
    (``O(n)`` memory: ``J`` is never stored); :func:`hutchinson_trace` estimates it with fewer.

    Parameters
    ----------
    f : callable
        ``f(x) -> (n,)``, written with ``autograd.numpy``.
    x : array-like, shape (n,)
        The point, finite.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``f(x)`` does not have the shape of ``x`` (the Jacobian must be square).

    Notes
    -----
    See the chapter ``open-problems`` (and ``jacobian-determinant``).

    Examples
    --------
    A linear field ``f(x) = A x`` has ``J = A``; the rotation field ``(-x_1, x_0)`` has zero
    divergence (it keeps areas):

    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import jacobian_trace
    >>> A = np.array([[1.0, 2.0], [3.0, -4.0]])
    >>> jacobian_trace(lambda x: np.dot(A, x), [0.5, 0.5])
    -3.0
    >>> jacobian_trace(lambda x: np.stack([-x[1], x[0]]), [1.0, 2.0])
    0.0
    """
    func = "jacobian_trace"
    x = _start(func, f, x)
    return _trace_core(func, as_traceable(f), x)


_NOISES = ("rademacher", "gaussian")


@protected
def _hutchinson_core(
    func: str, f: Callable, x: onp.ndarray, samples: int, rng: onp.random.Generator, noise: str
) -> float:
    """``mean_s u_s^T J u_s`` over random probes: one trace of ``f``, one VJP per sample."""
    n = x.size
    raw, node = reverse_trace(f, x)
    value = checked_output(func, raw, "vector")
    if value.size != n:
        raise ValueError(
            f"{func}: f must map R^n to R^n (a square Jacobian): x has shape ({n},) but f(x) "
            f"has shape {value.shape}"
        )
    if node is None:
        untraced(func, f, x, value)
        return 0.0
    total = 0.0
    for _ in range(samples):
        if noise == "rademacher":
            u = 2.0 * rng.integers(0, 2, size=n) - 1.0
        else:
            u = rng.standard_normal(n)
        total += float(onp.dot(reverse_pass(func, node, u, n), u))
    return total / samples


def hutchinson_trace(
    f: Callable, x: Any, *, samples: int = 1, rng: Any = None, noise: str = "rademacher"
) -> float:
    """An unbiased random estimate of ``tr J(x)`` for ``f: R^n -> R^n`` (Hutchinson 1990).

    For a random probe ``u`` with ``E[u u^T] = I``, ``E[u^T J u] = tr(J E[u u^T]) = tr J``, and
    ``u^T J u = (u^T J) u`` costs one VJP, whatever ``n``. The estimate is the mean over
    ``samples`` probes: ``T = (1/S) sum_s u_s^T J u_s`` (``f`` is recorded once, then one
    reverse pass per probe). With Rademacher probes (entries ``+-1``, equally likely; the
    default) the variance of one sample is ``2 sum_{i != j} A_ij^2`` with ``A = (J + J^T) / 2``:
    the diagonal contributes nothing, so a diagonal ``J`` is estimated exactly. Gaussian probes
    add ``2 sum_i J_ii^2`` (their variance is ``2 |A|_F^2``). The mean of ``S`` probes has the
    variance divided by ``S``: the error falls like ``1/sqrt(S)``. Continuous normalising flows
    (FFJORD) use ``S = 1`` per step to avoid the ``n`` passes of :func:`jacobian_trace`.

    Parameters
    ----------
    f : callable
        ``f(x) -> (n,)``, written with ``autograd.numpy``.
    x : array-like, shape (n,)
        The point, finite.
    samples : int
        The number ``S >= 1`` of probes (of reverse passes).
    rng : numpy.random.Generator, int or None
        The source of the probes (a seed makes the estimate reproducible).
    noise : {"rademacher", "gaussian"}
        The distribution of the probe entries.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``f(x)`` does not have the shape of ``x``, ``samples < 1`` or ``noise`` is unknown.
    TypeError
        If ``samples`` is not an integer or ``rng`` not a Generator, int or None.

    Notes
    -----
    See the chapter ``open-problems``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.derivatives import hutchinson_trace, jacobian_trace
    >>> A = np.array([[2.0, 1.0, 0.0], [-1.0, 3.0, 0.5], [0.0, 0.5, -1.0]])
    >>> f = lambda x: np.dot(A, x) + 0.1 * np.sin(x)
    >>> x = np.array([0.1, 0.2, 0.3])
    >>> exact = jacobian_trace(f, x)
    >>> estimate = hutchinson_trace(f, x, samples=1000, rng=0)   # error ~ 1/sqrt(1000)
    >>> bool(abs(estimate - exact) < 0.1), round(exact, 6)
    (True, 4.293041)

    A diagonal Jacobian is estimated exactly, by one probe:

    >>> float(abs(hutchinson_trace(np.sin, x, rng=0) - np.sum(np.cos(x)))) < 1e-15
    True
    """
    func = "hutchinson_trace"
    x = _start(func, f, x)
    samples = as_positive_int(func, "samples", samples, maximum=_MAX_TRACE_SAMPLES)
    rng = as_rng(func, rng)
    if not isinstance(noise, str) or noise not in _NOISES:
        raise ValueError(f"{func}: noise must be 'rademacher' or 'gaussian', got {describe(noise)}")
    return _hutchinson_core(func, as_traceable(f), x, samples, rng, noise)
