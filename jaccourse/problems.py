"""Classic test problems for optimisation, written with autograd.

* :func:`rosenbrock`: the chained Rosenbrock function of ``n >= 2`` variables (a scalar);
* :func:`rosenbrock_residual`: the 2-variable Rosenbrock problem as a residual vector, the
  form used by Moré, Garbow & Hillstrom (1981);
* :data:`MGH_PROBLEMS`: nineteen nonlinear least-squares problems of Moré, Garbow &
  Hillstrom, "Testing unconstrained optimization software", ACM TOMS 7 (1981) 17-41 (problems
  1-10 and 12-20 of their list, with the same definitions, data and standard starting points),
  each a :class:`LeastSquaresProblem`.

Every residual is written with ``autograd.numpy`` and builds its output without in-place
assignment, so ``jaccourse.derivatives.jacobian(problem.residual, x)`` gives its exact
Jacobian.

The minimum values ``f_star`` are those reported by Moré, Garbow & Hillstrom (sum of squares
``|r|^2``, not ``0.5 |r|^2``), given here to 13-16 significant digits (the paper prints six).
The extra digits are the high-precision values of the GSL test suite, confirmed by Newton's
method started from MINPACK's solution; for Brown-Dennis and Osborne 2 (not in GSL) they
come from that Newton polish (a 15-digit Osborne 2 value found in the wild is 8e-10 too high).
``tests/test_problems.py`` checks each value against the paper's printed digits, and that
MINPACK (``scipy.optimize.least_squares(method="lm")``) reproduces it from ``x0`` to 1e-8.

Chapters: ``least-squares`` (and the benchmark ``benchmarks/least_squares.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autograd.numpy as np
import numpy as onp

from jaccourse._validation import (
    as_bool,
    as_point,
    as_positive_int,
    as_real,
    as_vector,
    check_callable,
    describe,
    float_array,
    quiet,
)

__all__ = ["rosenbrock", "rosenbrock_residual", "LeastSquaresProblem", "MGH_PROBLEMS"]


def rosenbrock(x: Any) -> Any:
    """The chained Rosenbrock function ``sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2``.

    The sum runs over ``i = 1, ..., n - 1`` (``n >= 2``). Its global minimiser is
    ``x = (1, ..., 1)`` with value 0 (the only minimum for ``n = 2, 3``; for ``4 <= n <= 7``
    there is also a local minimum with ``x_1 < 0``, e.g. ``f = 3.70`` near
    ``(-0.78, 0.61, 0.38, 0.15)`` for ``n = 4``). For ``n = 2`` it is the classic
    "banana" function of Rosenbrock (1960), whose curved narrow valley defeats steepest
    descent.

    Parameters
    ----------
    x : array-like, shape (n,), n >= 2

    Returns
    -------
    float (or an autograd box when differentiated)

    Notes
    -----
    See the chapters on optimisation.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.problems import rosenbrock
    >>> float(rosenbrock(onp.array([-1.2, 1.0])))
    24.2
    >>> float(rosenbrock(onp.ones(5)))
    0.0
    >>> from jaccourse.derivatives import gradient
    >>> gradient(rosenbrock, [1.0, 1.0, 1.0])
    array([0., 0., 0.])
    """
    x = as_point("rosenbrock", "x", x, min_size=2)
    head, tail = x[:-1], x[1:]
    return np.sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)


def rosenbrock_residual(x: Any) -> Any:
    """The Rosenbrock problem as a residual: ``r(x) = (10 (x_2 - x_1^2), 1 - x_1)``.

    Problem 1 of Moré, Garbow & Hillstrom (1981): ``|r(x)|^2`` is :func:`rosenbrock` with
    ``n = 2`` (so the least-squares cost ``0.5 |r|^2`` is half of it). Standard start
    ``(-1.2, 1)``, minimum 0 at ``(1, 1)``.

    Parameters
    ----------
    x : array-like, shape (2,)

    Returns
    -------
    ndarray, shape (2,) (or an autograd box when differentiated)

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.problems import rosenbrock, rosenbrock_residual
    >>> r = rosenbrock_residual(onp.array([-1.2, 1.0]))
    >>> r
    array([-4.4,  2.2])
    >>> bool(onp.isclose(r @ r, rosenbrock(onp.array([-1.2, 1.0]))))
    True
    >>> from jaccourse.derivatives import jacobian
    >>> jacobian(rosenbrock_residual, [1.0, 1.0])
    array([[-20.,  10.],
           [ -1.,   0.]])
    """
    x = as_point("rosenbrock_residual", "x", x, size=2)
    return np.array([10.0 * (x[1] - x[0] ** 2), 1.0 - x[0]])


@dataclass(frozen=True, eq=False)
class LeastSquaresProblem:
    """A nonlinear least-squares test problem: minimise ``|r(x)|^2`` over ``x`` in ``R^n``.

    Attributes
    ----------
    name : str
        The name used by Moré, Garbow & Hillstrom (1981).
    residual : callable
        ``r: R^n -> R^m``, written with ``autograd.numpy`` (differentiable by
        :func:`jaccourse.derivatives.jacobian`).
    x0 : ndarray, shape (n,)
        The standard starting point (read-only).
    m, n : int
        Number of residuals and of variables.
    f_star : float or None
        The known minimum of the SUM OF SQUARES ``|r|^2`` as reported by MGH (the value a
        local method reaches from ``x0``; see ``note`` when there are several), or ``None``
        if unknown.
    zero_residual : bool
        ``True`` when ``f_star == 0``: the model fits exactly at the solution.
    note : str
        Remarks (other minima, digits reported in the paper).

    Notes
    -----
    The cost used by ``scipy.optimize.least_squares`` and :mod:`jaccourse.optim` is
    ``0.5 |r|^2``: compare it with :attr:`cost_star`.

    Examples
    --------
    >>> from jaccourse.problems import MGH_PROBLEMS
    >>> p = MGH_PROBLEMS["Meyer"]
    >>> p.m, p.n, p.x0
    (16, 3, array([2.e-02, 4.e+03, 2.5e+02]))
    >>> p.residual(p.x0).shape
    (16,)
    >>> round(p.f_star, 4), round(p.cost_star, 4), p.zero_residual
    (87.9459, 43.9729, False)
    """

    name: str
    residual: Callable[[Any], Any]
    x0: onp.ndarray
    m: int
    n: int
    f_star: float | None
    zero_residual: bool
    note: str = ""

    def __post_init__(self) -> None:
        func = "LeastSquaresProblem"
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"{func}: name must be a non-empty string, got {describe(self.name)}")
        func = f"{func} {self.name!r}"
        check_callable(func, "residual", self.residual, nargs=1, call="residual(x)")
        m = as_positive_int(func, "m", self.m)
        n = as_positive_int(func, "n", self.n)
        x0 = as_vector(func, "x0", self.x0).copy()
        x0.setflags(write=False)
        object.__setattr__(self, "x0", x0)
        if self.f_star is not None:
            as_real(func, "f_star", self.f_star, nonnegative=True)
        as_bool(func, "zero_residual", self.zero_residual)
        if x0.shape != (n,):
            raise ValueError(f"{func}: x0 must have shape (n,) = ({n},), got {x0.shape}")
        if m < n:
            raise ValueError(
                f"{func}: m must be >= n (at least as many residuals as "
                f"variables), got m = {m} < n = {n}"
            )
        try:
            with quiet():
                raw = self.residual(x0)
        except IndexError as err:
            raise ValueError(
                f"{func}: residual(x0) failed for x0 of shape (n,) = ({n},): {err}; is n right?"
            ) from err
        r0 = float_array(func, "residual(x0)", raw)
        if not onp.all(onp.isfinite(r0)):
            raise ValueError(f"{func}: residual(x0) must be finite, got NaN or inf")
        if r0.shape != (self.m,):
            raise ValueError(f"{func}: residual(x0) must have shape (m,) = ({m},), got {r0.shape}")
        if self.zero_residual != (self.f_star == 0.0):
            raise ValueError(f"{func}: zero_residual must be True exactly when f_star == 0")

    @property
    def cost_star(self) -> float | None:
        """``0.5 * f_star``: the known minimum of the cost ``0.5 |r|^2`` (``None`` if unknown).

        Examples
        --------
        >>> from jaccourse.problems import MGH_PROBLEMS
        >>> MGH_PROBLEMS["Rosenbrock"].cost_star
        0.0
        """
        return None if self.f_star is None else 0.5 * self.f_star


# ---------------------------------------------------------------------------------------
# The problems, in the order and numbering of Moré, Garbow & Hillstrom (1981).
# ---------------------------------------------------------------------------------------


def _freudenstein_roth(x):
    return np.array(
        [
            -13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1],
            -29.0 + x[0] + ((x[1] + 1.0) * x[1] - 14.0) * x[1],
        ]
    )


def _powell_badly_scaled(x):
    return np.array([1e4 * x[0] * x[1] - 1.0, np.exp(-x[0]) + np.exp(-x[1]) - 1.0001])


def _brown_badly_scaled(x):
    return np.array([x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2.0])


_BEALE_Y = onp.array([1.5, 2.25, 2.625])
_BEALE_I = onp.arange(1.0, 4.0)


def _beale(x):
    return _BEALE_Y - x[0] * (1.0 - x[1] ** _BEALE_I)


_JS_I = onp.arange(1.0, 11.0)  # m = 10


def _jennrich_sampson(x):
    return 2.0 + 2.0 * _JS_I - (np.exp(_JS_I * x[0]) + np.exp(_JS_I * x[1]))


def _helical_theta(x1, x2):
    # MGH: theta = arctan(x2/x1) / (2 pi) for x1 > 0, + 0.5 for x1 < 0 (MINPACK's test code
    # uses theta = sign(x2) / 4 at x1 = 0). The branch is chosen on the value.
    if x1 > 0:
        return np.arctan(x2 / x1) / (2.0 * math.pi)
    if x1 < 0:
        return np.arctan(x2 / x1) / (2.0 * math.pi) + 0.5
    return 0.25 if x2 >= 0 else -0.25


def _helical_valley(x):
    theta = _helical_theta(x[0], x[1])
    return np.array(
        [10.0 * (x[2] - 10.0 * theta), 10.0 * (np.sqrt(x[0] ** 2 + x[1] ** 2) - 1.0), x[2]]
    )


_BARD_Y = onp.array(
    [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39]
)
_BARD_U = onp.arange(1.0, 16.0)
_BARD_V = 16.0 - _BARD_U
_BARD_W = onp.minimum(_BARD_U, _BARD_V)


def _bard(x):
    return _BARD_Y - (x[0] + _BARD_U / (_BARD_V * x[1] + _BARD_W * x[2]))


_GAUSS_Y = onp.array(
    [
        0.0009,
        0.0044,
        0.0175,
        0.0540,
        0.1295,
        0.2420,
        0.3521,
        0.3989,
        0.3521,
        0.2420,
        0.1295,
        0.0540,
        0.0175,
        0.0044,
        0.0009,
    ]
)
_GAUSS_T = (8.0 - onp.arange(1.0, 16.0)) / 2.0


def _gaussian(x):
    return x[0] * np.exp(-x[1] * (_GAUSS_T - x[2]) ** 2 / 2.0) - _GAUSS_Y


_MEYER_Y = onp.array(
    [
        34780.0,
        28610.0,
        23650.0,
        19630.0,
        16370.0,
        13720.0,
        11540.0,
        9744.0,
        8261.0,
        7030.0,
        6005.0,
        5147.0,
        4427.0,
        3820.0,
        3307.0,
        2872.0,
    ]
)
_MEYER_T = 45.0 + 5.0 * onp.arange(1.0, 17.0)


def _meyer(x):
    return x[0] * np.exp(x[1] / (_MEYER_T + x[2])) - _MEYER_Y


_BOX_T = 0.1 * onp.arange(1.0, 11.0)  # m = 10


def _box_3d(x):
    return (
        np.exp(-_BOX_T * x[0])
        - np.exp(-_BOX_T * x[1])
        - x[2] * (onp.exp(-_BOX_T) - onp.exp(-10.0 * _BOX_T))
    )


def _powell_singular(x):
    return np.array(
        [
            x[0] + 10.0 * x[1],
            math.sqrt(5.0) * (x[2] - x[3]),
            (x[1] - 2.0 * x[2]) ** 2,
            math.sqrt(10.0) * (x[0] - x[3]) ** 2,
        ]
    )


def _wood(x):
    return np.array(
        [
            10.0 * (x[1] - x[0] ** 2),
            1.0 - x[0],
            math.sqrt(90.0) * (x[3] - x[2] ** 2),
            1.0 - x[2],
            math.sqrt(10.0) * (x[1] + x[3] - 2.0),
            (x[1] - x[3]) / math.sqrt(10.0),
        ]
    )


_KO_Y = onp.array(
    [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246]
)
_KO_U = onp.array([4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625])


def _kowalik_osborne(x):
    return _KO_Y - x[0] * (_KO_U**2 + _KO_U * x[1]) / (_KO_U**2 + _KO_U * x[2] + x[3])


_BD_T = onp.arange(1.0, 21.0) / 5.0  # m = 20


def _brown_dennis(x):
    return (x[0] + _BD_T * x[1] - onp.exp(_BD_T)) ** 2 + (
        x[2] + x[3] * onp.sin(_BD_T) - onp.cos(_BD_T)
    ) ** 2


_OS1_Y = onp.array(
    [
        0.844,
        0.908,
        0.932,
        0.936,
        0.925,
        0.908,
        0.881,
        0.850,
        0.818,
        0.784,
        0.751,
        0.718,
        0.685,
        0.658,
        0.628,
        0.603,
        0.580,
        0.558,
        0.538,
        0.522,
        0.506,
        0.490,
        0.478,
        0.467,
        0.457,
        0.448,
        0.438,
        0.431,
        0.424,
        0.420,
        0.414,
        0.411,
        0.406,
    ]
)
_OS1_T = 10.0 * onp.arange(33.0)


def _osborne_1(x):
    return _OS1_Y - (x[0] + x[1] * np.exp(-_OS1_T * x[3]) + x[2] * np.exp(-_OS1_T * x[4]))


_BIGGS_T = 0.1 * onp.arange(1.0, 14.0)  # m = 13
_BIGGS_Y = onp.exp(-_BIGGS_T) - 5.0 * onp.exp(-10.0 * _BIGGS_T) + 3.0 * onp.exp(-4.0 * _BIGGS_T)


def _biggs_exp6(x):
    return (
        x[2] * np.exp(-_BIGGS_T * x[0])
        - x[3] * np.exp(-_BIGGS_T * x[1])
        + x[5] * np.exp(-_BIGGS_T * x[4])
        - _BIGGS_Y
    )


_OS2_Y = onp.array(
    [
        1.366,
        1.191,
        1.112,
        1.013,
        0.991,
        0.885,
        0.831,
        0.847,
        0.786,
        0.725,
        0.746,
        0.679,
        0.608,
        0.655,
        0.616,
        0.606,
        0.602,
        0.626,
        0.651,
        0.724,
        0.649,
        0.649,
        0.694,
        0.644,
        0.624,
        0.661,
        0.612,
        0.558,
        0.533,
        0.495,
        0.500,
        0.423,
        0.395,
        0.375,
        0.372,
        0.391,
        0.396,
        0.405,
        0.428,
        0.429,
        0.523,
        0.562,
        0.607,
        0.653,
        0.672,
        0.708,
        0.633,
        0.668,
        0.645,
        0.632,
        0.591,
        0.559,
        0.597,
        0.625,
        0.739,
        0.710,
        0.729,
        0.720,
        0.636,
        0.581,
        0.428,
        0.292,
        0.162,
        0.098,
        0.054,
    ]
)
_OS2_T = onp.arange(65.0) / 10.0


def _osborne_2(x):
    return _OS2_Y - (
        x[0] * np.exp(-_OS2_T * x[4])
        + x[1] * np.exp(-((_OS2_T - x[8]) ** 2) * x[5])
        + x[2] * np.exp(-((_OS2_T - x[9]) ** 2) * x[6])
        + x[3] * np.exp(-((_OS2_T - x[10]) ** 2) * x[7])
    )


_WATSON_N = 6
_WATSON_T = onp.arange(1.0, 30.0) / 29.0
_WATSON_POW = _WATSON_T[:, None] ** onp.arange(_WATSON_N)  # t^(j-1), j = 1..n
# (j - 1) t^(j - 2) for j = 2..n, and 0 for j = 1
_WATSON_DPOW = onp.hstack(
    [
        onp.zeros((29, 1)),
        onp.arange(1.0, _WATSON_N) * _WATSON_T[:, None] ** onp.arange(_WATSON_N - 1),
    ]
)


def _watson(x):
    s = np.dot(_WATSON_POW, x)
    main = np.dot(_WATSON_DPOW, x) - s**2 - 1.0
    return np.concatenate([main, np.array([x[0], x[1] - x[0] ** 2 - 1.0])])


def _checked(name: str, residual: Callable, n: int) -> Callable:
    """``residual`` refusing, at the door, an ``x`` that is not a 1-D array of ``n`` real
    numbers (an MGH formula would otherwise ignore extra entries or raise IndexError)."""
    func = f"MGH_PROBLEMS[{name!r}].residual"

    def checked(x: Any) -> Any:
        return residual(as_point(func, "x", x, size=n))

    checked.__name__ = checked.__qualname__ = residual.__name__
    checked.__doc__ = f"The residual of the MGH problem {name!r}: x of shape ({n},) -> (m,)."
    return checked


def _problem(name, residual, x0, m, f_star, note=""):
    if residual is not rosenbrock_residual:  # public, and checks its input itself
        residual = _checked(name, residual, len(x0))
    return LeastSquaresProblem(
        name=name,
        residual=residual,
        x0=onp.array(x0, dtype=float),
        m=m,
        n=len(x0),
        f_star=f_star,
        zero_residual=f_star == 0.0,
        note=note,
    )


MGH_PROBLEMS: dict[str, LeastSquaresProblem] = {
    p.name: p
    for p in [
        _problem("Rosenbrock", rosenbrock_residual, [-1.2, 1.0], 2, 0.0, "MGH 1. f = 0 at (1, 1)."),
        _problem(
            "Freudenstein-Roth",
            _freudenstein_roth,
            [0.5, -2.0],
            2,
            48.98425367924,
            "MGH 2. f = 0 at (5, 4) (global) and f = 48.9842... at (11.41..., -0.8968...), "
            "a local minimum that Levenberg-Marquardt reaches from x0: f_star is that local "
            "value.",
        ),
        _problem(
            "Powell badly scaled",
            _powell_badly_scaled,
            [0.0, 1.0],
            2,
            0.0,
            "MGH 3. f = 0 at (1.098...e-5, 9.106...).",
        ),
        _problem(
            "Brown badly scaled",
            _brown_badly_scaled,
            [1.0, 1.0],
            3,
            0.0,
            "MGH 4. f = 0 at (1e6, 2e-6).",
        ),
        _problem("Beale", _beale, [1.0, 1.0], 3, 0.0, "MGH 5. f = 0 at (3, 0.5)."),
        _problem(
            "Jennrich-Sampson",
            _jennrich_sampson,
            [0.3, 0.4],
            10,
            124.3621823556148,
            "MGH 6 with m = 10: f = 124.362 at x1 = x2 = 0.2578.",
        ),
        _problem(
            "Helical valley",
            _helical_valley,
            [-1.0, 0.0, 0.0],
            3,
            0.0,
            "MGH 7. f = 0 at (1, 0, 0).",
        ),
        _problem(
            "Bard",
            _bard,
            [1.0, 1.0, 1.0],
            15,
            8.214877306578963e-3,
            "MGH 8. f = 8.21487e-3; also f = 17.4286... at (0.8406..., -inf, -inf).",
        ),
        _problem(
            "Gaussian",
            _gaussian,
            [0.4, 1.0, 0.0],
            15,
            1.12793276961871985e-8,
            "MGH 9. f = 1.12793e-8.",
        ),
        _problem(
            "Meyer", _meyer, [0.02, 4000.0, 250.0], 16, 87.94585517053883, "MGH 10. f = 87.9458..."
        ),
        _problem(
            "Box 3-D",
            _box_3d,
            [0.0, 10.0, 20.0],
            10,
            0.0,
            "MGH 12 with m = 10. f = 0 at (1, 10, 1), (10, 1, -1) and wherever x1 = x2, x3 = 0.",
        ),
        _problem(
            "Powell singular",
            _powell_singular,
            [3.0, -1.0, 0.0, 1.0],
            4,
            0.0,
            "MGH 13. f = 0 at the origin, where the Jacobian is singular (convergence is "
            "only linear).",
        ),
        _problem("Wood", _wood, [-3.0, -1.0, -3.0, -1.0], 6, 0.0, "MGH 14. f = 0 at (1, 1, 1, 1)."),
        _problem(
            "Kowalik-Osborne",
            _kowalik_osborne,
            [0.25, 0.39, 0.415, 0.39],
            11,
            3.075056038492370e-4,
            "MGH 15. f = 3.07505e-4; also f = 1.02734...e-3 at (+inf, -14.07..., -inf, -inf).",
        ),
        _problem(
            "Brown-Dennis",
            _brown_dennis,
            [25.0, 5.0, -5.0, -1.0],
            20,
            85822.2016263563,
            "MGH 16 with m = 20. f = 85822.2...",
        ),
        _problem(
            "Osborne 1",
            _osborne_1,
            [0.5, 1.5, -1.0, 0.01, 0.02],
            33,
            5.464894697482687e-5,
            "MGH 17. f = 5.46489e-5.",
        ),
        _problem(
            "Biggs EXP6",
            _biggs_exp6,
            [1.0, 2.0, 1.0, 1.0, 1.0, 1.0],
            13,
            0.0,
            "MGH 18 with m = 13. f = 0 at (1, 10, 1, 5, 4, 3); MGH also report "
            "f = 5.65565e-3, a local minimum.",
        ),
        _problem(
            "Osborne 2",
            _osborne_2,
            [1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5],
            65,
            4.013773629354778e-2,
            "MGH 19. f = 4.01377e-2.",
        ),
        _problem(
            "Watson",
            _watson,
            [0.0] * 6,
            31,
            2.287670053552372e-3,
            "MGH 20 with n = 6 (m = 31). f = 2.28767e-3.",
        ),
    ]
}
"""The nineteen Moré-Garbow-Hillstrom problems by name, each a :class:`LeastSquaresProblem`
with its standard starting point ``x0`` and the minimum ``f_star`` reported in the paper.

:meta hide-value:"""
