"""Argument checks shared by every public function of :mod:`jaccourse`.

Each helper raises at the door with a message of the form
``"<function>: <argument> must be <what was expected>, got <what came>"``,
so a student who passes the wrong thing learns which function, which argument and why.
"""

from __future__ import annotations

import inspect
import numbers
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as onp
from autograd.tracer import Box

__all__: list[str] = []  # private module

#: The largest number of entries of an array a function may build from the sizes it is given
#: (``10**8`` floats, 800 MB): an absurd size is refused with a ``ValueError`` naming it,
#: before any memory is allocated, instead of numpy's ``MemoryError`` (or a swapping machine).
MAX_ENTRIES = 100_000_000


def describe(value: Any) -> str:
    """A short, readable description of ``value`` for error messages."""
    if isinstance(value, onp.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _accepts(value: Callable, nargs: int) -> bool | None:
    """Whether ``value(*nargs positional arguments)`` binds; ``None`` if it cannot be told
    (a builtin or ufunc without a signature)."""
    try:
        sig = inspect.signature(value)
    except (TypeError, ValueError):
        return None
    try:
        sig.bind(*range(nargs))
    except TypeError:
        return False
    return True


def check_callable(
    func: str, name: str, value: Any, *, nargs: int | None = None, call: str | None = None
) -> Callable:
    """Return ``value`` if it is callable, else raise ``TypeError``.

    With ``nargs``, the callable must also accept that many positional arguments (``call``,
    e.g. ``"f(x)"``, shows the expected call in the message): a function of the wrong arity
    is refused here, naming ``func`` and ``name``, not by Python's bare message later.
    """
    if not callable(value):
        raise TypeError(f"{func}: {name} must be a callable, got {describe(value)}")
    if nargs is not None and _accepts(value, nargs) is False:
        expected = call or f"{name}({', '.join(['x', 'y', 'z'][:nargs])})"
        try:
            sig = str(inspect.signature(value))
        except (TypeError, ValueError):  # pragma: no cover - _accepts said it has one
            sig = "(?)"
        raise TypeError(
            f"{func}: {name} must accept {nargs} positional argument"
            f"{'s' if nargs != 1 else ''}, as in {expected}, got a callable with "
            f"signature {sig}"
        )
    return value


@contextmanager
def function_named(func: str, name: str) -> Iterator[None]:
    """Inside, an error ``"<func>: ... f ..."`` raised by shared machinery that calls the
    user's function ``f`` is re-raised with ``f`` replaced by ``name``, the parameter's name
    in ``func`` (``fun``, ``residual``, ``F``, ``model``), so that the message names the
    argument the user passed."""
    try:
        yield
    except (TypeError, ValueError) as err:
        text = str(err)
        prefix = f"{func}:"
        if name == "f" or not text.startswith(prefix):
            raise
        body = re.sub(r"(?<![\w.'`\"])f(?![\w'`\"])", name, text[len(prefix) :])
        if body == text[len(prefix) :]:
            raise
        raise type(err)(prefix + body).with_traceback(err.__traceback__) from err.__cause__


@contextmanager
def speaking_for(inner: str, outer: str) -> Iterator[None]:
    """Inside, an error ``"<inner>: ..."`` from a public function that ``outer`` calls on the
    user's behalf (``train`` calling ``sgd``) is re-raised as ``"<outer>: ..."``: the user
    called ``outer`` and passed the argument the message names."""
    try:
        yield
    except (TypeError, ValueError) as err:
        text = str(err)
        if not text.startswith(f"{inner}:"):
            raise
        raise type(err)(f"{outer}:{text[len(inner) + 1 :]}").with_traceback(
            err.__traceback__
        ) from err.__cause__


def float_array(
    func: str, name: str, value: Any, *, what: str = "an array of numbers"
) -> onp.ndarray:
    """``value`` as a float array, refusing what numpy would silently turn into one: ``None``
    (numpy makes it NaN), callables, strings, and complex numbers (numpy drops the imaginary
    part with only a ``ComplexWarning``)."""
    if value is None:
        raise TypeError(f"{func}: {name} must be {what}, got None")
    if callable(value) and not isinstance(value, onp.ndarray):
        raise TypeError(f"{func}: {name} must be {what}, got {describe(value)}")
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{func}: {name} must be {what}, got {describe(value)}")
    try:
        raw = onp.asarray(value)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: {name} must be {what}, got {describe(value)}") from None
    if raw.dtype.kind == "c":
        real = what if "real" in what else what.replace("numbers", "real numbers")
        raise TypeError(
            f"{func}: {name} must be {real}, got complex values (dtype "
            f"{raw.dtype}); pass the real part, value.real, if that is what you mean"
        )
    if raw.dtype.kind not in "biuf":
        try:
            raw = raw.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{func}: {name} must be {what}, got {describe(value)}") from None
        if onp.iscomplexobj(raw):  # pragma: no cover - astype(float) never gives complex
            raise TypeError(f"{func}: {name} must be real")
    return onp.asarray(raw, dtype=float)


def quiet() -> Any:
    """``numpy.errstate`` silencing overflow, invalid and divide warnings: around a call of
    the user's function whose non-finite result is refused with a clear error just after
    (the warning would only come first, as noise)."""
    return onp.errstate(over="ignore", invalid="ignore", divide="ignore")


def check_entries(func: str, what: str, count: int, *, limit: int = MAX_ENTRIES) -> int:
    """Refuse, before allocating it, an array of ``count`` entries above ``limit``."""
    if count > limit:
        raise ValueError(
            f"{func}: {what} would need {count:.3g} entries, more than the "
            f"{limit:.0e} allowed (about {8 * limit / 2**30:.1f} GB)"
        )
    return count


def as_bool(func: str, name: str, value: Any) -> bool:
    """Return ``value`` as a bool (Python or numpy booleans only), or raise ``TypeError``."""
    if isinstance(value, (bool, onp.bool_)):
        return bool(value)
    raise TypeError(f"{func}: {name} must be True or False, got {describe(value)}")


def as_vector(
    func: str, name: str, value: Any, *, size: int | None = None, allow_empty: bool = False
) -> onp.ndarray:
    """Convert ``value`` to a finite 1-D float array, or raise a clear error.

    ``size`` (if given) is the required length.
    """
    arr = float_array(func, name, value, what="a 1-D array of numbers")
    if arr.ndim != 1:
        raise ValueError(
            f"{func}: {name} must be a 1-D array of shape (n,), got shape {arr.shape}"
            + (" (a scalar: wrap it as [value])" if arr.ndim == 0 else "")
        )
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{func}: {name} must not be empty")
    if size is not None and arr.shape != (size,):
        raise ValueError(f"{func}: {name} must have shape ({size},), got shape {arr.shape}")
    if not onp.all(onp.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite, got NaN or inf in {arr!r}")
    return arr


def as_array(
    func: str,
    name: str,
    value: Any,
    *,
    ndim: int | None = None,
    last_dim: int | None = None,
    min_ndim: int = 0,
    traced: bool = False,
    what: str = "an array of numbers",
    check_shape: Callable[[tuple], None] | None = None,
) -> Any:
    """Convert ``value`` to a finite float array with the given rank / trailing size.

    The one array validator of the package; the checks run in this order, each with its own
    message: conversion (:func:`float_array`, ``what`` completes its message), ``ndim``,
    ``min_ndim`` (at least that many axes, the last one not empty), ``last_dim``,
    ``check_shape(shape)`` (a module's own shape rule, raising with its own message), then
    finiteness. With ``traced=True`` autograd's traced values (a ``Box``) pass through with
    their shape checked but not converted nor checked for finiteness: the array a function
    of the course is differentiated through must flow on untouched.

    Examples
    --------
    >>> from jaccourse._validation import as_array
    >>> as_array("demo", "x", [[1, 2]], ndim=2)
    array([[1., 2.]])
    >>> as_array("demo", "x", [1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: demo: x must be finite, got NaN or inf
    """
    if traced and isinstance(value, Box):
        arr = value
    else:
        arr = float_array(func, name, value, what=what)
    shape = onp.shape(arr)
    if ndim is not None and len(shape) != ndim:
        raise ValueError(f"{func}: {name} must be a {ndim}-D array, got shape {shape}")
    if len(shape) < min_ndim:
        raise ValueError(
            f"{func}: {name} must have at least {min_ndim} dimension(s), got shape {shape}"
        )
    if min_ndim and shape[-1] == 0:
        raise ValueError(f"{func}: {name} must not be empty, got shape {shape}")
    if last_dim is not None and (len(shape) == 0 or shape[-1] != last_dim):
        raise ValueError(f"{func}: {name} must have shape (..., {last_dim}), got shape {shape}")
    if check_shape is not None:
        check_shape(shape)
    if not isinstance(arr, Box) and not onp.all(onp.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite, got NaN or inf")
    return arr


def as_point(
    func: str, name: str, value: Any, *, size: int | None = None, min_size: int = 1
) -> Any:
    """``value`` as a 1-D float array of real numbers (of length ``size``, at least
    ``min_size``) for a model or residual function: unlike :func:`as_vector`, NaN and inf pass
    (NaN in, NaN out: solvers probe such functions anywhere and judge the value), and
    autograd's traced values pass with their shape checked."""
    if not isinstance(value, Box):
        value = float_array(func, name, value, what="a 1-D array of real numbers")
    shape = onp.shape(value)
    if len(shape) != 1:
        raise ValueError(f"{func}: {name} must be a 1-D array, got shape {shape}")
    if size is not None and shape[0] != size:
        raise ValueError(f"{func}: {name} must have shape ({size},), got shape {shape}")
    if shape[0] < min_size:
        raise ValueError(f"{func}: {name} must have at least {min_size} entries, got {shape[0]}")
    return value


def as_positive_int(
    func: str, name: str, value: Any, *, minimum: int = 1, maximum: int | None = None
) -> int:
    """Return ``value`` as an int ``>= minimum`` (and ``<= maximum`` if given; bools refused),
    or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer >= {minimum}, got {describe(value)}")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum}, got {value}")
    if maximum is not None and number > maximum:
        raise ValueError(f"{func}: {name} must be an integer <= {maximum}, got {value}")
    return number


def as_real(
    func: str, name: str, value: Any, *, positive: bool = False, nonnegative: bool = False
) -> float:
    """Return ``value`` as a finite float (optionally > 0 or >= 0), or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: {name} must be a real number, got {describe(value)}")
    out = float(value)
    if not onp.isfinite(out):
        raise ValueError(f"{func}: {name} must be finite, got {out}")
    if positive and out <= 0:
        raise ValueError(f"{func}: {name} must be > 0, got {out}")
    if nonnegative and out < 0:
        raise ValueError(f"{func}: {name} must be >= 0, got {out}")
    return out


def as_rng(func: str, rng: Any) -> onp.random.Generator:
    """Turn ``rng`` (a Generator, an int seed or None) into a Generator."""
    if isinstance(rng, onp.random.Generator):
        return rng
    if rng is None:
        return onp.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(
                f"{func}: rng must be a numpy.random.Generator, a non-negative int "
                f"seed or None, got {rng}"
            )
        return onp.random.default_rng(int(rng))
    raise TypeError(
        f"{func}: rng must be a numpy.random.Generator, an int seed or None, got {describe(rng)}"
    )


def check_rng(func: str, rng: Any) -> Any:
    """Check ``rng`` as :func:`as_rng` does, and return it unchanged (for a function that
    hands it on, e.g. to an aggregator it builds, rather than drawing from it now)."""
    if not isinstance(rng, onp.random.Generator):
        as_rng(func, rng)
    return rng


def read_only(value: Any, dtype: Any = float) -> onp.ndarray:
    """A copy of ``value`` as an array of ``dtype`` that cannot be written to (for the
    arrays that frozen result objects hand out). ``dtype=None`` keeps the input's dtype."""
    arr = onp.array(value, dtype=dtype)
    arr.setflags(write=False)
    return arr
