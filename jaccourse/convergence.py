"""Measuring rates: the slope of a log-log line.

Several claims of the course are rates: the error of a linearisation falls like ``|h|^2``,
a Monte Carlo standard error like ``N^{-1/2}``, the error of a finite difference like
``h^2``. On log-log axes a power law ``y = C x^p`` is a straight line of slope ``p``, and a
least-squares fit of that line measures ``p`` from data.

Chapters: ``linear-approximation``, ``gaussian-integral``.
"""

from __future__ import annotations

from typing import Any

import numpy as onp

from jaccourse._validation import as_vector

__all__ = ["loglog_slope"]


def loglog_slope(x: Any, y: Any) -> float:
    """Least-squares slope of ``log y`` against ``log x``: the exponent ``p`` in ``y ≈ C x^p``.

    Formula: with ``s = log x`` and ``t = log y``, the slope is
    ``p = sum (s - mean s)(t - mean t) / sum (s - mean s)^2``.

    Shapes: ``x`` and ``y`` are 1-D of the same length ``k >= 2``, all entries finite and
    ``> 0``, and ``x`` not all equal.

    See the chapters ``linear-approximation`` (error slope 2) and ``gaussian-integral``
    (Monte Carlo slope -1/2).

    Examples
    --------
    >>> import numpy as np
    >>> from jaccourse.convergence import loglog_slope
    >>> h = np.logspace(-4, -1, 7)
    >>> round(loglog_slope(h, 3.0 * h**2), 12)
    2.0
    """
    arrays = []
    for name, value in (("x", x), ("y", y)):
        arr = as_vector("loglog_slope", name, value)
        if not onp.all(arr > 0):
            raise ValueError(
                f"loglog_slope: {name} must be > 0 (logarithms are taken), got {arr!r}"
            )
        arrays.append(arr)
    xs, ys = arrays
    if xs.shape != ys.shape:
        raise ValueError(
            f"loglog_slope: x and y must have the same shape, got {xs.shape} and {ys.shape}"
        )
    if xs.size < 2:
        raise ValueError(f"loglog_slope: need at least 2 points, got {xs.size}")
    s, t = onp.log(xs), onp.log(ys)
    ds = s - s.mean()
    denom = float(onp.dot(ds, ds))
    if denom == 0.0:
        raise ValueError("loglog_slope: x must not be all equal (the slope is undefined)")
    return float(onp.dot(ds, t - t.mean()) / denom)
