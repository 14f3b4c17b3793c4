"""The autodiff machinery that the public functions share: autograd's forward and reverse
passes, checked and protected.

This module is private to the package (its name starts with an underscore) but its names are
meant for use across modules: :mod:`jaccourse.derivatives` builds its public functions on them,
and :mod:`jaccourse.optim` and :mod:`jaccourse.multiobjective` call them where they need a
Jacobian or a gradient with the same checks and the same error messages. Every error names the
public function it was raised for (the ``func`` argument).

* :func:`autograd_call` (a context manager) silences autograd's "independent of input" warning
  and turns the errors that mixing plain numpy with autograd causes into a clear message;
  :func:`protected` runs a core routine inside it;
* :func:`forward_pass` (one JVP), :func:`reverse_trace` and :func:`reverse_pass` (one VJP
  through a recorded graph) are autograd's two primitive passes;
* :func:`plain`, :func:`checked_output` and :func:`tangent` check what comes back (a plain
  finite float array of the expected shape); :func:`untraced` probes an ``f`` autograd saw no
  path through;
* :func:`jacobian_core` and :func:`gradient_core` give ``(f(x), J(x))`` and
  ``(f(x), grad f(x), traced)`` with all of the above.

Examples
--------
>>> import autograd.numpy as np
>>> from jaccourse._autodiff import jacobian_core
>>> value, J = jacobian_core("demo", lambda p: np.array([p[0] * p[1], p[1]]),
...                         np.array([2.0, 3.0]), "auto")
>>> J
array([[3., 2.],
       [0., 1.]])
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import autograd.numpy as np
import numpy as onp
from autograd.core import JVPNode, VJPNode, backward_pass
from autograd.tracer import trace

from jaccourse._validation import quiet

__all__ = [
    "mixing_error",
    "autograd_call",
    "protected",
    "as_traceable",
    "plain",
    "checked_output",
    "forward_pass",
    "reverse_trace",
    "reverse_pass",
    "tangent",
    "untraced",
    "basis",
    "jacobian_core",
    "forward_columns",
    "gradient_core",
    "AUTO_FORWARD_MAX_N",
    "INDEPENDENT_WARNING",
    "EPS",
]

#: ``mode="auto"`` starts with a forward pass when ``n`` is at most this, else with the reverse
#: trace (measured with ``python benchmarks/jacobian_modes.py --sweep``). Starting in reverse
#: and switching to forward (a tall f) wastes one trace, which costs about one forward pass, out
#: of ``n + 1``: under 3 % once ``n > 32``, below the timing noise. Starting forward and
#: switching to reverse (``m < n - 2``) wastes one forward pass out of about ``m + 2``: that
#: is felt only when ``n`` and ``m`` are both small, where the whole Jacobian takes well under
#: a millisecond (for a scalar f, call :func:`gradient`: one reverse pass, nothing wasted).
AUTO_FORWARD_MAX_N = 32

INDEPENDENT_WARNING = "Output seems independent of input"

EPS = float(onp.finfo(float).eps)


def mixing_error(func: str, detail: str) -> TypeError:
    return TypeError(
        f"{func}: f mixes plain numpy with autograd: write `import autograd.numpy as np` inside "
        f"f and build arrays with np.array / np.stack / np.concatenate / np.dot of autograd.numpy "
        f"({detail})"
    )


@contextmanager
def autograd_call(func: str) -> Iterator[None]:
    """Silence autograd's "independent of input" warning (we handle that case ourselves) and
    translate the errors autograd's traced values cause inside ``f`` into a clear message."""
    # numpy's overflow warnings from inside f are silenced too (see _validation.quiet)
    with warnings.catch_warnings(), quiet():
        warnings.filterwarnings("ignore", message=INDEPENDENT_WARNING, category=UserWarning)
        try:
            yield
        except (TypeError, AttributeError, ValueError) as err:
            text = str(err)
            if text.startswith(f"{func}:"):  # already ours
                raise
            if "ArrayBox" in text or "dtype('O')" in text:
                raise mixing_error(
                    func,
                    f"calling f on autograd's traced input failed: {text}; also use "
                    "np.dot(A, x) rather than x.dot(A) and no float(x[i])",
                ) from err
            if "setting an array element with a sequence" in text:
                raise TypeError(
                    f"{func}: f stores autograd's traced values into a plain float array (an "
                    f"in-place assignment y[i] = ..., or a plain numpy function converting x to "
                    f"float), which autograd cannot differentiate; build arrays with "
                    f"np.array([...]) or np.stack and write `import autograd.numpy as np` "
                    f"inside f ({text})"
                ) from err
            raise
        except NotImplementedError as err:
            text = str(err)
            if text.startswith("JVP of") and not text.startswith(f"{func}:"):
                raise NotImplementedError(
                    f"{func}: autograd has no forward-mode rule for an operation inside f "
                    f"({text}); use the reverse mode (mode='reverse', or vjp)"
                ) from err
            raise


def protected(core: Callable) -> Callable:
    """Run a core routine ``core(func, ...)`` inside ``autograd_call(func)``."""

    @functools.wraps(core)
    def wrapper(func: str, *args: Any) -> Any:
        with autograd_call(func):
            return core(func, *args)

    return wrapper


def as_traceable(f: Callable) -> Callable:
    """``f`` with a list or tuple output turned into an autograd array (autograd itself would
    not trace ``return [y0, y1]``)."""

    def wrapped(x):
        out = f(x)
        if isinstance(out, (list, tuple)):
            out = np.array(out)
        return out

    return wrapped


def plain(func: str, raw: Any, what: str) -> onp.ndarray:
    """``raw`` (an output, a JVP or a VJP) as a plain float array; object dtype means mixing."""
    arr = onp.asarray(raw)
    if arr.dtype == object:
        raise mixing_error(
            func,
            f"{what} came back as a numpy array of dtype object holding autograd's "
            "traced values, so its derivative would be wrong",
        )
    # the function is named as in ``what``: "residual(x0)" is residual's value, "f(x)" f's
    head = what.split("(", 1)[0]
    name = head if "(" in what and head.isidentifier() else "f"
    if onp.iscomplexobj(arr):
        raise TypeError(f"{func}: {name} must return real numbers, got {what} of dtype {arr.dtype}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{func}: {name} must return numbers, got {what} of dtype {arr.dtype}")
    return onp.array(arr, dtype=float)


def checked_output(func: str, raw: Any, kind: str) -> onp.ndarray:
    """Check the value ``f(x)``: ``kind`` is ``"vector"`` (shape ``(m,)``) or ``"scalar"``."""
    value = plain(func, raw, "f(x)")
    if kind == "scalar":
        if value.ndim != 0:
            raise ValueError(
                f"{func}: f must return a scalar, got shape {value.shape}; "
                "for vector outputs use jacobian(f, x)"
            )
    else:
        if value.ndim == 0:
            raise ValueError(
                f"{func}: f must return a 1-D array of shape (m,), got a scalar; "
                "for a scalar function use gradient(f, x)"
            )
        if value.ndim != 1:
            raise ValueError(
                f"{func}: f must return a 1-D array of shape (m,), got shape {value.shape}; "
                "flatten it inside f, e.g. return np.ravel(y)"
            )
        if value.size == 0:
            raise ValueError(f"{func}: f must return a non-empty 1-D array, got shape (0,)")
    if not onp.all(onp.isfinite(value)):
        raise ValueError(f"{func}: f(x) must be finite, got NaN or inf: {value!r}")
    return value


def forward_pass(f: Callable, x: onp.ndarray, v: onp.ndarray):
    """One JVP: ``(f(x), J(x) v)``; the second item is ``None`` if autograd could not trace f.

    Call it inside ``autograd_call``."""
    end_value, end_node = trace(JVPNode.new_root(v), f, x)
    if end_node is None:
        return end_value, None
    return end_value, end_node.g


def reverse_trace(f: Callable, x: onp.ndarray):
    """Record ``f`` at ``x`` once: ``(f(x), node)``; ``node`` is ``None`` if f was not traced.

    Call it inside ``autograd_call``."""
    return trace(VJPNode.new_root(), f, x)


def reverse_pass(func: str, end_node: Any, u: Any, n: int) -> onp.ndarray:
    """One VJP ``u^T J`` through the recorded graph, checked to be a plain ``(n,)`` array.

    Call it inside ``autograd_call``; it is the inner loop of the reverse mode, so the
    common case (a float64 array of the right shape) is checked as cheaply as possible."""
    row = backward_pass(u, end_node)
    if type(row) is onp.ndarray and row.dtype == onp.float64 and row.shape == (n,):
        return row
    return onp.broadcast_to(plain(func, row, "a vector-Jacobian product"), (n,))


def tangent(func: str, raw: Any, m_shape: tuple) -> onp.ndarray:
    """A JVP, checked to be a plain array of the output's shape (fast path first)."""
    if type(raw) is onp.ndarray and raw.dtype == onp.float64 and raw.shape == m_shape:
        return raw
    return onp.broadcast_to(plain(func, raw, "a Jacobian-vector product"), m_shape)


def untraced(func: str, f: Callable, x: onp.ndarray, value: onp.ndarray) -> None:
    """autograd saw no path from ``x`` to ``f(x)``. That is right only if f is constant:
    probe it with a few cheap finite steps and raise if it varies."""
    rng = onp.random.default_rng(0)
    step = EPS ** (1 / 3) * onp.maximum(1.0, onp.abs(x))
    for _ in range(2):
        v = rng.standard_normal(x.size)
        for sign in (1.0, -1.0):
            other = onp.asarray(f(x + sign * step * v))
            if (
                other.dtype == object
                or other.shape != value.shape
                or not onp.array_equal(other.astype(float), value)
            ):
                raise mixing_error(
                    func,
                    "autograd found no dependence of f(x) on x, yet f changes when x "
                    "moves: plain numpy or float() cut the derivative's path",
                )


def basis(k: int, i: int) -> onp.ndarray:
    e = onp.zeros(k)
    e[i] = 1.0
    return e


@protected
def jacobian_core(func: str, f: Callable, x: onp.ndarray, mode: str):
    """``(f(x), J(x))`` with the checks and the protection every public function shares."""
    f = as_traceable(f)
    n = x.size
    first = mode if mode != "auto" else ("forward" if n <= AUTO_FORWARD_MAX_N else "reverse")

    if first == "forward":
        try:
            raw, t0 = forward_pass(f, x, basis(n, 0))
        except NotImplementedError:
            if mode == "forward":
                raise
            first = "reverse"  # auto: an operation of f has no JVP rule; reverse may work
    if first == "forward":
        value = checked_output(func, raw, "vector")
        m = value.size
        if t0 is None:
            untraced(func, f, x, value)
            return value, onp.zeros((m, n))
        if mode == "forward" or n - 1 <= m + 1:
            return value, forward_columns(func, f, x, value, first_column=t0)
        # auto: the first forward pass taught us m; from here the forward mode needs n - 1 more
        # passes, the reverse mode a trace and m passes, which is fewer.

    raw, node = reverse_trace(f, x)
    value = checked_output(func, raw, "vector")
    m = value.size
    if node is None:
        untraced(func, f, x, value)
        return value, onp.zeros((m, n))
    if mode == "auto" and first == "reverse" and m > n:
        # auto: the trace taught us m; from here the reverse mode needs m passes, the forward
        # mode n, which is fewer (unless an operation of f has no JVP rule: then stay reverse).
        try:
            return value, forward_columns(func, f, x, value, first_column=None)
        except NotImplementedError:
            pass
    J = onp.empty((m, n))
    for i in range(m):
        J[i] = reverse_pass(func, node, basis(m, i), n)
    return value, J


def forward_columns(
    func: str, f: Callable, x: onp.ndarray, value: onp.ndarray, first_column: Any
) -> onp.ndarray:
    m, n = value.size, x.size
    J = onp.empty((m, n))
    start = 0
    if first_column is not None:
        J[:, 0] = tangent(func, first_column, (m,))
        start = 1
    for j in range(start, n):
        _, t = forward_pass(f, x, basis(n, j))
        J[:, j] = 0.0 if t is None else tangent(func, t, (m,))
    return J


@protected
def gradient_core(func: str, f: Callable, x: onp.ndarray):
    """``(f(x), grad f(x), traced)`` for a scalar ``f`` with one reverse pass; ``traced`` is
    False for a (probed) constant ``f``."""
    raw, node = reverse_trace(f, x)
    value = checked_output(func, raw, "scalar")
    if node is None:
        untraced(func, f, x, value)
        return float(value), onp.zeros(x.size), False
    grad = reverse_pass(func, node, onp.ones(onp.shape(raw)), x.size).copy()
    return float(value), grad, True
