"""Argument checks shared by every public function of :mod:`jaccourse`.

Each helper raises at the door with a message of the form
``"<function>: <argument> must be <what was expected>, got <what came>"``,
so a student who passes the wrong thing learns which function, which argument and why.
"""

from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as onp

__all__: list[str] = []  # private module


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


def check_callable(func: str, name: str, value: Any) -> Callable:
    """Return ``value`` if it is callable, else raise ``TypeError``."""
    if not callable(value):
        raise TypeError(f"{func}: {name} must be a callable, got {describe(value)}")
    return value


def as_vector(func: str, name: str, value: Any, *, size: int | None = None,
              allow_empty: bool = False) -> onp.ndarray:
    """Convert ``value`` to a finite 1-D float array, or raise a clear error.

    ``size`` (if given) is the required length.
    """
    if callable(value) and not isinstance(value, onp.ndarray):
        raise TypeError(f"{func}: {name} must be a 1-D array of numbers, got {describe(value)}")
    try:
        arr = onp.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: {name} must be a 1-D array of numbers, got {describe(value)}"
        ) from None
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


def as_array(func: str, name: str, value: Any, *, ndim: int | None = None,
             last_dim: int | None = None) -> onp.ndarray:
    """Convert ``value`` to a finite float array with the given rank / trailing size."""
    try:
        arr = onp.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: {name} must be an array of numbers, got {describe(value)}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{func}: {name} must be a {ndim}-D array, got shape {arr.shape}")
    if last_dim is not None and (arr.ndim == 0 or arr.shape[-1] != last_dim):
        raise ValueError(
            f"{func}: {name} must have shape (..., {last_dim}), got shape {arr.shape}"
        )
    if not onp.all(onp.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite, got NaN or inf")
    return arr


def as_positive_int(func: str, name: str, value: Any, *, minimum: int = 1) -> int:
    """Return ``value`` as an int ``>= minimum`` (bools refused), or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{func}: {name} must be an integer >= {minimum}, got {describe(value)}")
    if value < minimum:
        raise ValueError(f"{func}: {name} must be an integer >= {minimum}, got {value}")
    return int(value)


def as_real(func: str, name: str, value: Any, *, positive: bool = False,
            nonnegative: bool = False) -> float:
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
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return onp.random.default_rng(rng)
    raise TypeError(
        f"{func}: rng must be a numpy.random.Generator, an int seed or None, got {describe(rng)}"
    )


def read_only(value: Any, dtype: Any = float) -> onp.ndarray:
    """A copy of ``value`` as an array of ``dtype`` that cannot be written to (for the
    arrays that frozen result objects hand out). ``dtype=None`` keeps the input's dtype."""
    arr = onp.array(value, dtype=dtype)
    arr.setflags(write=False)
    return arr
