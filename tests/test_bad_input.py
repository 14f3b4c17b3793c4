"""A systematic audit of bad input: one bad argument at a time, from a call that works.

For every public callable of the mathematical modules (derivatives, transforms, integrals,
geometry, convergence, optim, multiobjective, nn, robustness, datasets, problems; ``jenn`` is
audited elsewhere) and the public methods of the classes a user builds, :data:`SPECS` gives a
call that works and, argument by argument, the bad values to feed it: ``None``, a string,
NaN/inf, a wrong shape, a complex array, a callable of the wrong arity, a negative or zero
hyperparameter, an absurd size (``10**12``), a bad ``rng`` (``-1``, ``"x"``), ...

Each bad call must raise ``ValueError`` or ``TypeError`` whose message names the function as
the user calls it (``"MLP.predict: ..."``) and the argument, with no warning leaking first (a
``ComplexWarning`` means a silent cast, a ``RuntimeWarning`` is noise before the clear error).
Absurd sizes must be refused before memory is allocated (a traced peak under 64 MB).

``python tests/test_bad_input.py`` prints the share of cases that pass and lists the failures
(the measurement of the issue); under pytest every case is asserted.
"""

from __future__ import annotations

import math
import re
import signal
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import autograd.numpy as np
import numpy as onp
import pytest

from jaccourse import (
    convergence,
    datasets,
    derivatives,
    geometry,
    integrals,
    multiobjective,
    nn,
    optim,
    problems,
    robustness,
    transforms,
)

ABSURD = 10**12
NAN, INF = float("nan"), float("inf")
_MEMORY_LIMIT = 64 * 2**20  # bytes traced while refusing an absurd size
_TIME_LIMIT = 10.0  # seconds before a bad call counts as a hang


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


# --------------------------------------------------------------------------------------------
# the bad values, by kind of argument
# --------------------------------------------------------------------------------------------


def _zero_args() -> float:
    return 0.0


def _three_args(a: Any, b: Any, c: Any) -> float:
    return 0.0


def bad_array(good: Any, *, wrong_shape: list | None = None, finite: bool = True) -> list:
    """None, a string, a callable, NaN, inf, complex, and the wrong shapes given."""
    arr = onp.array(good, dtype=float)
    out: list = [("None", None), ("a string", "abc"), ("a callable", _zero_args)]
    if finite:
        for label, v in (("NaN", NAN), ("inf", INF)):
            a = arr.copy()
            a.flat[0] = v
            out.append((label, a))
    out.append(("complex", arr + 1j))
    for _i, shape in enumerate(wrong_shape or []):
        out.append((f"shape {onp.shape(shape)}", shape))
    return out


def _returns_text(*args: Any) -> str:
    return "not a number"


def _overflows(x: Any, *rest: Any) -> Any:
    """Finite input, infinite output: numpy warns of the overflow inside."""
    return np.exp(1000.0 * x + 1000.0)


def _overflows_scalar(x: Any, *rest: Any) -> Any:
    return np.sum(np.exp(1000.0 * x + 1000.0))


def bad_callable(*, arity: int = 1, output: bool = True, scalar: bool = False) -> list:
    """None, a number, a string, the wrong arity, and (``output``: the function is called
    at once) a function returning text or overflowing (to a scalar if ``scalar``)."""
    out = [("None", None), ("a number", 3.0), ("a string", "not callable")]
    out.append(("arity 0", _zero_args))
    if arity < 3:
        out.append(("arity 3", _three_args))
    if output:
        out += [
            ("returns text", _returns_text),
            ("overflows", _overflows_scalar if scalar else _overflows),
        ]
    return out


def bad_int(*, minimum: int = 1, absurd: bool = False) -> list:
    out = [
        ("None", None),
        ("a string", "3"),
        ("a float", 2.5),
        ("NaN", NAN),
        (f"{minimum - 1}", minimum - 1),
        ("-1", -1) if minimum - 1 != -1 else ("-5", -5),
    ]
    if absurd:
        out.append(("absurd", ABSURD))
    return out


def bad_real(*, positive: bool = True, nonnegative: bool = False, none: bool = True) -> list:
    out = [("a string", "x"), ("NaN", NAN), ("inf", INF), ("complex", 1 + 1j)]
    if none:
        out.insert(0, ("None", None))
    if positive:
        out += [("0", 0.0), ("-1", -1.0)]
    elif nonnegative:
        out += [("-1", -1.0)]
    return out


def bad_rng() -> list:
    return [("-1", -1), ("a string", "x"), ("a float", 1.5)]


def bad_choice() -> list:
    return [("unknown", "no-such-option"), ("a number", 3), ("None", None)]


def bad_bool() -> list:
    return [("a string", "no"), ("None", None), ("a float", 0.5)]


# --------------------------------------------------------------------------------------------
# the specification of every callable: a call that works and the bad values per argument
# --------------------------------------------------------------------------------------------


@dataclass
class Spec:
    name: str  # as the user calls it, e.g. "MLP.predict"
    call: Callable  # call(**kwargs)
    good: dict  # a call that works
    bad: dict  # argument -> list of (label, value)
    names: tuple = ()  # other acceptable names of the function in messages


SPECS: list[Spec] = []


def spec(name: str, call: Callable, good: dict, bad: dict, names: tuple = ()) -> None:
    SPECS.append(Spec(name, call, good, bad, names))


# a few working inputs --------------------------------------------------------------------------


def f2(x):  # R^2 -> R^2, square
    return np.array([x[0] * x[1], x[0] + np.sin(x[1])])


def fs(x):  # R^2 -> R
    return np.sum(x**2) + x[0] * x[1]


def f32(x):  # R^2 -> R^3
    return np.array([x[0], x[1], x[0] * x[1]])


X2 = onp.array([1.0, 2.0])
# (a longer x is no error for a user function, which alone knows what it reads)
BAD_X2 = bad_array(X2, wrong_shape=[[[1.0, 2.0]], 3.0, []])

# derivatives -----------------------------------------------------------------------------------

D = derivatives
spec(
    "jacobian",
    D.jacobian,
    dict(f=f2, x=X2, mode="auto"),
    dict(f=bad_callable(), x=BAD_X2, mode=bad_choice()),
)
spec(
    "jacobian_fd",
    D.jacobian_fd,
    dict(f=f2, x=X2, h=1e-6),
    dict(f=bad_callable(), x=BAD_X2, h=bad_real(none=False)),
)
spec(
    "jacobian_determinant",
    D.jacobian_determinant,
    dict(f=f2, x=X2, mode="auto"),
    dict(f=bad_callable(), x=BAD_X2, mode=bad_choice()),
)
spec("gradient", D.gradient, dict(f=fs, x=X2), dict(f=bad_callable(scalar=True), x=BAD_X2))
spec("hessian", D.hessian, dict(f=fs, x=X2), dict(f=bad_callable(scalar=True), x=BAD_X2))
spec(
    "jvp",
    D.jvp,
    dict(f=f32, x=X2, v=[1.0, 0.0]),
    dict(f=bad_callable(), x=BAD_X2, v=bad_array([1.0, 0.0], wrong_shape=[[1.0, 0.0, 0.0]])),
)
spec(
    "vjp",
    D.vjp,
    dict(f=f32, x=X2, u=[1.0, 0.0, 0.0]),
    dict(f=bad_callable(), x=BAD_X2, u=bad_array([1.0, 0.0, 0.0], wrong_shape=[[1.0, 0.0]])),
)
spec(
    "Linearization",
    D.Linearization,
    dict(x0=X2, fx0=[1.0], J=[[1.0, 2.0]]),
    dict(
        x0=bad_array(X2, wrong_shape=[[[1.0, 2.0]]]),
        fx0=bad_array([1.0]),
        J=bad_array([[1.0, 2.0]], wrong_shape=[[[1.0, 2.0, 3.0]]]),
    ),
)
_LIN = D.Linearization(x0=X2, fx0=[1.0], J=[[1.0, 2.0]])
spec(
    "Linearization.__call__",
    lambda x: _LIN(x),
    dict(x=X2),
    dict(x=bad_array(X2, wrong_shape=[[1.0, 2.0, 3.0], [[[1.0, 2.0]]], 3.0])),
    names=("Linearization",),
)
spec("linearize", D.linearize, dict(f=f2, x0=X2), dict(f=bad_callable(), x0=BAD_X2))
spec(
    "check_jacobian",
    D.check_jacobian,
    dict(f=f2, x=X2, jac=lambda x: D.jacobian(f2, x), rtol=1e-5, atol=1e-7),
    dict(
        f=bad_callable(),
        x=BAD_X2,
        jac=[("a string", "J"), ("arity 0", _zero_args)],
        rtol=bad_real(positive=False, nonnegative=True),
        atol=bad_real(positive=False, nonnegative=True),
    ),
)
spec(
    "hvp",
    D.hvp,
    dict(f=fs, x=X2, v=[1.0, 0.0]),
    dict(f=bad_callable(scalar=True), x=BAD_X2, v=bad_array([1.0, 0.0], wrong_shape=[[1.0]])),
)
_SP = onp.eye(2, dtype=bool)
spec(
    "color_columns",
    D.color_columns,
    dict(sparsity=_SP),
    dict(sparsity=bad_array(_SP, wrong_shape=[[True, False]])),
)
spec(
    "sparse_jacobian",
    D.sparse_jacobian,
    dict(f=lambda x: x**2, x=X2, sparsity=_SP, colors=None, output="dense", check=True),
    dict(
        f=bad_callable(),
        x=BAD_X2,
        sparsity=bad_array(_SP, wrong_shape=[onp.eye(3)]),
        colors=[("a string", "ab"), ("wrong length", [0, 0, 0]), ("negative", [-1, 0])],
        output=bad_choice(),
        check=bad_bool(),
    ),
)
spec("jacobian_trace", D.jacobian_trace, dict(f=f2, x=X2), dict(f=bad_callable(), x=BAD_X2))
spec(
    "hutchinson_trace",
    D.hutchinson_trace,
    dict(f=f2, x=X2, samples=2, rng=0, noise="rademacher"),
    dict(
        f=bad_callable(), x=BAD_X2, samples=bad_int(absurd=True), rng=bad_rng(), noise=bad_choice()
    ),
)

# transforms ------------------------------------------------------------------------------------

T = transforms
for _n, _fns in (
    (2, ("polar", "polar_inverse", "polar_jacobian", "polar_jacobian_determinant")),
    (
        3,
        (
            "cylindrical",
            "cylindrical_inverse",
            "cylindrical_jacobian",
            "cylindrical_jacobian_determinant",
            "spherical",
            "spherical_inverse",
            "spherical_jacobian",
            "spherical_jacobian_determinant",
        ),
    ),
):
    for _fn in _fns:
        _arg = "p" if _fn.endswith("inverse") else "q"
        _good = [1.0, 0.5] if _n == 2 else [1.0, 0.5, 0.25]
        spec(
            _fn,
            getattr(T, _fn),
            {_arg: _good},
            {_arg: bad_array(_good, wrong_shape=[[1.0] * (_n + 1), 1.0])},
        )
for _obj, _n in ((T.POLAR, 2), (T.CYLINDRICAL, 3), (T.SPHERICAL, 3)):
    _good = [1.0, 0.5, 0.25][:_n]
    spec(
        _obj.name.upper(),
        lambda q, _o=_obj: _o(q),
        dict(q=_good),
        dict(q=bad_array(_good, wrong_shape=[[1.0] * (_n + 1)])),
        names=(_obj.name,),
    )
spec(
    "CoordinateTransform",
    T.CoordinateTransform,
    dict(
        name="p",
        variables=("r", "t"),
        forward=T.polar,
        inverse=T.polar_inverse,
        jacobian=T.polar_jacobian,
        jacobian_determinant=T.polar_jacobian_determinant,
    ),
    dict(
        name=[("None", None), ("a number", 3)],
        variables=[("None", None), ("empty", ()), ("numbers", (1, 2))],
        forward=bad_callable(output=False),
        inverse=bad_callable(output=False),
        jacobian=bad_callable(output=False),
        jacobian_determinant=bad_callable(output=False),
    ),
)
spec(
    "linear_transform",
    T.linear_transform,
    dict(A=[[2.0, 1.0], [0.0, 1.0]]),
    dict(A=bad_array([[2.0, 1.0], [0.0, 1.0]], wrong_shape=[[[1.0, 2.0]], [1.0, 2.0]])),
)

# integrals -------------------------------------------------------------------------------------

I = integrals
spec(
    "gauss_legendre",
    I.gauss_legendre,
    dict(n=8, a=0.0, b=1.0),
    dict(n=bad_int(absurd=True), a=bad_real(positive=False), b=bad_real(positive=False)),
)
spec(
    "gaussian_integral_1d",
    I.gaussian_integral_1d,
    dict(n=16, L=6.0),
    dict(n=bad_int(absurd=True), L=bad_real()),
)
spec(
    "gaussian_integral_monte_carlo",
    I.gaussian_integral_monte_carlo,
    dict(n_samples=100, L=6.0, rng=0),
    dict(n_samples=bad_int(absurd=True), L=bad_real(), rng=bad_rng()),
)
spec(
    "gaussian_integral_squared_cartesian",
    I.gaussian_integral_squared_cartesian,
    dict(n=16, L=6.0),
    dict(n=bad_int(absurd=True), L=bad_real()),
)
spec(
    "gaussian_integral_squared_polar",
    I.gaussian_integral_squared_polar,
    dict(n=16, R=6.0, include_jacobian=True),
    dict(n=bad_int(absurd=True), R=bad_real(), include_jacobian=bad_bool()),
)
_BOUNDS = [[0.0, 1.0], [0.0, 2.0]]
_BAD_BOUNDS = [
    ("None", None),
    ("a string", "ab"),
    ("NaN", [[0.0, NAN], [0.0, 1.0]]),
    ("inf", [[0.0, INF], [0.0, 1.0]]),
    ("complex", [[0.0, 1j], [0.0, 1.0]]),
    ("shape (2, 3)", [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]),
    ("shape (2,)", [0.0, 1.0]),
]
_bad_n = bad_int(absurd=True) + [("absurd per axis", [10**6, 10**6])]
spec(
    "integrate_box",
    I.integrate_box,
    dict(f=lambda p: np.sum(p, axis=-1), bounds=_BOUNDS, n=4),
    dict(f=bad_callable(), bounds=_BAD_BOUNDS, n=_bad_n),
)
spec(
    "integrate_change_of_variables",
    I.integrate_change_of_variables,
    dict(
        f=lambda p: np.sum(p**2, axis=-1),
        transform=T.POLAR,
        bounds=[[0.0, 1.0], [0.0, math.pi]],
        n=4,
        include_jacobian=True,
    ),
    dict(
        f=bad_callable(),
        transform=bad_callable(),
        bounds=_BAD_BOUNDS,
        n=_bad_n,
        include_jacobian=bad_bool(),
    ),
)
spec(
    "integrate_interval",
    I.integrate_interval,
    dict(f=np.exp, a=0.0, b=1.0, n=8),
    dict(
        f=bad_callable(),
        a=bad_real(positive=False),
        b=bad_real(positive=False),
        n=bad_int(absurd=True),
    ),
)

# geometry, convergence -------------------------------------------------------------------------

G = geometry
spec(
    "rectangle_boundary",
    G.rectangle_boundary,
    dict(u0=0.0, v0=0.0, du=1.0, dv=1.0, samples=4),
    dict(
        u0=bad_real(positive=False),
        v0=bad_real(positive=False),
        du=bad_real(),
        dv=bad_real(),
        samples=bad_int(absurd=True),
    ),
)
spec(
    "image_area",
    G.image_area,
    dict(transform=T.POLAR, u0=1.0, v0=0.0, du=1.0, dv=1.0, samples=8),
    dict(
        transform=bad_callable(),
        u0=bad_real(positive=False),
        v0=bad_real(positive=False),
        du=bad_real(),
        dv=bad_real(),
        samples=bad_int(absurd=True),
    ),
)
_POLY = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
spec(
    "signed_area",
    G.signed_area,
    dict(polygon=_POLY),
    dict(polygon=bad_array(_POLY, wrong_shape=[[[0.0, 0.0, 0.0]], [0.0, 1.0]])),
)
spec(
    "loglog_slope",
    convergence.loglog_slope,
    dict(x=[1.0, 2.0, 4.0], y=[1.0, 4.0, 16.0]),
    dict(
        x=bad_array([1.0, 2.0, 4.0], wrong_shape=[[1.0, 2.0], [-1.0, 2.0, 4.0]]),
        y=bad_array([1.0, 4.0, 16.0], wrong_shape=[[1.0, 2.0], [0.0, 2.0, 4.0]]),
    ),
)

# optim -----------------------------------------------------------------------------------------

O = optim
_grad_bad = [("a string", "g"), ("arity 0", _zero_args), ("arity 3", _three_args)]
for _name, _extra in (
    ("gradient_descent", dict(lr=0.1, steps=3)),
    ("momentum", dict(lr=0.1, steps=3, beta=0.9)),
    ("adam", dict(lr=0.1, steps=3, beta1=0.9, beta2=0.999, eps=1e-8)),
):
    _bad = dict(
        fun=bad_callable(scalar=True),
        x0=BAD_X2,
        lr=bad_real(),
        steps=bad_int(),
        grad=_grad_bad,
        tol=bad_real(positive=False, nonnegative=True),
    )
    for _k in ("beta", "beta1", "beta2"):
        if _k in _extra:
            _bad[_k] = bad_real(positive=False) + [("1.5", 1.5), ("-0.5", -0.5)]
    if "eps" in _extra:
        _bad["eps"] = bad_real()
    spec(_name, getattr(O, _name), dict(fun=fs, x0=X2, **_extra), _bad)
_DATA = (onp.arange(12.0).reshape(6, 2), onp.arange(6.0))


def _sgd_loss(w, batch):
    Xb, yb = batch
    return np.mean((np.dot(Xb, w) - yb) ** 2)


spec(
    "sgd",
    O.sgd,
    dict(
        loss=_sgd_loss,
        x0=[0.0, 0.0],
        data=_DATA,
        lr=0.001,
        batch_size=2,
        epochs=1,
        rng=0,
        momentum=0.0,
    ),
    dict(
        loss=bad_callable(arity=2, scalar=True),
        x0=bad_array([0.0, 0.0]),
        data=[
            ("None", None),
            ("a string", "data"),
            ("NaN", (onp.full((6, 2), NAN), _DATA[1])),
            ("mismatched", (onp.ones((6, 2)), onp.ones(5))),
        ],
        lr=bad_real(),
        batch_size=bad_int(),
        epochs=bad_int(),
        rng=bad_rng(),
        momentum=bad_real(positive=False, nonnegative=True) + [("1.5", 1.5)],
    ),
)
spec(
    "newton",
    O.newton,
    dict(fun=fs, x0=X2, tol=1e-10, max_iter=5, line_search=True),
    dict(
        fun=bad_callable(scalar=True),
        x0=BAD_X2,
        tol=bad_real(positive=False, nonnegative=True),
        max_iter=bad_int(),
        line_search=bad_bool(),
        grad=_grad_bad,
        hess=_grad_bad,
    ),
)
for _name in ("gauss_newton", "levenberg_marquardt"):
    _bad = dict(
        residual=bad_callable(), x0=BAD_X2, jac=[("a string", "J"), ("arity 0", _zero_args)]
    )
    if _name == "gauss_newton":
        _good = dict(residual=f32, x0=X2, tol=1e-10, max_iter=5)
        _bad.update(tol=bad_real(positive=False, nonnegative=True), max_iter=bad_int())
    else:
        _good = dict(residual=f32, x0=X2, ftol=1e-10, xtol=1e-10, gtol=1e-10, max_nfev=20)
        _bad.update(
            ftol=bad_real(positive=False, nonnegative=True),
            xtol=bad_real(positive=False, nonnegative=True),
            gtol=bad_real(positive=False, nonnegative=True),
            max_nfev=bad_int()[1:],
        )
    spec(_name, getattr(O, _name), _good, _bad)
spec(
    "classify_critical_point",
    O.classify_critical_point,
    dict(f=fs, x=[0.0, 0.0], tol=1e-8, gtol=1e-6),
    dict(
        f=bad_callable(scalar=True),
        x=bad_array([0.0, 0.0], wrong_shape=[[[0.0, 0.0]], 0.0]),
        tol=bad_real(positive=False, nonnegative=True),
        gtol=bad_real(positive=False, nonnegative=True),
    ),
)

# multiobjective --------------------------------------------------------------------------------

M = multiobjective
_J = onp.array([[1.0, 0.0], [0.5, 1.0]])
_BAD_J = bad_array(_J, wrong_shape=[[1.0, 0.0], onp.zeros((0, 2)), onp.zeros((2, 0))])
spec("objective_jacobian", M.objective_jacobian, dict(F=f2, x=X2), dict(F=bad_callable(), x=BAD_X2))
spec("gradient_conflicts", M.gradient_conflicts, dict(J=_J), dict(J=_BAD_J))
spec(
    "weighted_sum",
    M.weighted_sum,
    dict(F=f2, weights=[0.5, 0.5]),
    dict(
        F=bad_callable(output=False),
        weights=bad_array([0.5, 0.5], wrong_shape=[[[0.5, 0.5]]]) + [("negative", [-1.0, 2.0])],
    ),
)
spec(
    "dominates",
    M.dominates,
    dict(p=[1.0, 2.0], q=[2.0, 3.0]),
    dict(
        p=bad_array([1.0, 2.0], wrong_shape=[[1.0, 2.0, 3.0]]),
        q=bad_array([2.0, 3.0], wrong_shape=[[1.0]]),
    ),
)
_V = [[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]]
for _name in ("pareto_mask", "non_dominated"):
    spec(
        _name,
        getattr(M, _name),
        dict(values=_V),
        dict(values=bad_array(_V, wrong_shape=[[1.0, 2.0], [[[1.0]]]])),
    )
for _name in ("mean_aggregator", "sum_aggregator", "mgda", "dualproj", "upgrad"):
    spec(_name, getattr(M, _name), dict(J=_J), dict(J=_BAD_J))
spec(
    "pcgrad",
    M.pcgrad,
    dict(J=_J, rng=0),
    dict(J=_BAD_J + [("near 1e308", onp.array([[1e308, 1e308], [-1e308, 1e308]]))], rng=bad_rng()),
)
spec(
    "get_aggregator",
    M.get_aggregator,
    dict(aggregator="upgrad", rng=None),
    dict(aggregator=bad_choice() + [("arity 0", _zero_args)], rng=bad_rng()),
)
spec(
    "project_onto_dual_cone",
    M.project_onto_dual_cone,
    dict(J=_J, g=[1.0, -1.0], return_multipliers=False),
    dict(
        J=_BAD_J,
        g=bad_array([1.0, -1.0], wrong_shape=[[1.0, 2.0, 3.0]]),
        return_multipliers=bad_bool(),
    ),
)
spec(
    "jacobian_descent",
    M.jacobian_descent,
    dict(F=f2, x0=X2, aggregator="upgrad", lr=0.01, steps=2, tol=0.0, rng=0),
    dict(
        F=bad_callable(),
        x0=BAD_X2,
        aggregator=bad_choice(),
        lr=bad_real(),
        steps=bad_int(),
        jac=[("a string", "J"), ("arity 0", _zero_args)],
        tol=bad_real(positive=False, nonnegative=True),
        rng=bad_rng(),
    ),
)
spec(
    "aggregator_properties",
    M.aggregator_properties,
    dict(aggregator="mean", trials=2, rng=0),
    dict(aggregator=bad_choice(), trials=bad_int(absurd=True), rng=bad_rng()),
)

# nn --------------------------------------------------------------------------------------------

_Z = [0.5, -1.0]
for _act in nn.ACTIVATIONS.values():
    _a = _act.name
    _badz = bad_array(_Z, wrong_shape=[] if _act.elementwise else [1.0])
    spec(_a, lambda z, _f=_act: _f(z), dict(z=_Z), dict(z=_badz))
    spec(f"{_a}.value", lambda z, _f=_act: _f.value(z), dict(z=_Z), dict(z=_badz), names=(_a,))
    if _act.elementwise:
        spec(f"{_a}.derivative", lambda z, _f=_act: _f.derivative(z), dict(z=_Z), dict(z=_badz))
    spec(
        f"{_a}.jacobian",
        lambda z, _f=_act: _f.jacobian(z),
        dict(z=_Z),
        dict(z=bad_array(_Z, wrong_shape=[1.0])),
    )
    spec(
        f"{_a}.vjp",
        lambda z, u, _f=_act: _f.vjp(z, u),
        dict(z=_Z, u=[1.0, 1.0]),
        dict(z=_badz, u=bad_array([1.0, 1.0], wrong_shape=[[1.0, 1.0, 1.0]])),
    )
spec(
    "Activation",
    nn.Activation,
    dict(
        name="cube",
        formula="z^3",
        fn=lambda z: z**3,
        fn_derivative=lambda z: 3 * z**2,
        lipschitz=None,
    ),
    dict(
        name=[("None", None), ("empty", ""), ("a number", 3)],
        fn=bad_callable(output=False),
        fn_derivative=[("a string", "d"), ("arity 0", _zero_args)],
        lipschitz=bad_real(positive=False, nonnegative=True, none=False),
    ),
)
spec("get_activation", nn.get_activation, dict(activation="tanh"), dict(activation=bad_choice()))
for _name in (
    "standard_normal",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
):
    spec(
        _name,
        getattr(nn, _name),
        dict(fan_in=3, fan_out=2, rng=0),
        dict(fan_in=bad_int(absurd=True), fan_out=bad_int(absurd=True), rng=bad_rng()),
    )
spec(
    "one_hot",
    nn.one_hot,
    dict(labels=[0, 2, 1], n_classes=3),
    dict(
        labels=[
            ("None", None),
            ("a string", "abc"),
            ("floats", [0.5, 1.0]),
            ("negative", [-1, 0]),
            ("too large", [0, 3]),
            ("2-D", [[0, 1]]),
            ("complex", [0j, 1j]),
        ],
        n_classes=bad_int(absurd=True),
    ),
)
_P, _TGT = [[0.5, 1.0], [2.0, 0.0]], [[0.0, 1.0], [2.0, 1.0]]
for _name in ("mse", "mse_gradient"):
    spec(
        _name,
        getattr(nn, _name),
        dict(pred=_P, target=_TGT),
        dict(
            pred=bad_array(_P, wrong_shape=[[1.0, 2.0, 3.0]]),
            target=bad_array(_TGT, wrong_shape=[[[1.0]]]),
        ),
    )
_LOGITS, _LABELS = [[0.5, 1.0, -1.0], [2.0, 0.0, 0.0]], [1, 0]
_bad_labels = [
    ("None", None),
    ("a string", "ab"),
    ("floats", [0.5, 1.0]),
    ("negative", [-1, 0]),
    ("too large", [3, 0]),
    ("wrong length", [0, 1, 2]),
    ("complex", [0j, 1j]),
]
for _name in ("cross_entropy", "cross_entropy_gradient", "accuracy"):
    _arg = "scores" if _name == "accuracy" else "logits"
    spec(
        _name,
        getattr(nn, _name),
        {_arg: _LOGITS, "labels": _LABELS},
        {_arg: bad_array(_LOGITS, wrong_shape=[[[[1.0]]]]), "labels": _bad_labels},
    )
_W, _b = [[1.0, 2.0], [0.0, -1.0]], [0.0, 0.5]
spec(
    "Dense",
    nn.Dense,
    dict(W=_W, b=_b, activation="tanh"),
    dict(
        W=bad_array(_W, wrong_shape=[[1.0, 2.0]]),
        b=bad_array(_b, wrong_shape=[[0.0]]),
        activation=bad_choice(),
    ),
)
_LAYER = nn.Dense(onp.array(_W), onp.array(_b), "tanh")
_BAD_X_LAYER = bad_array([1.0, 1.0], wrong_shape=[[1.0, 2.0, 3.0], [[[1.0, 1.0]]]])
spec(
    "Dense.__call__",
    lambda x: _LAYER(x),
    dict(x=[1.0, 1.0]),
    dict(x=_BAD_X_LAYER),
    names=("Dense",),
)
for _m in ("jacobian", "weight_jacobian"):
    spec(
        f"Dense.{_m}",
        lambda x, _m=_m: getattr(_LAYER, _m)(x),
        dict(x=[1.0, 1.0]),
        dict(x=_BAD_X_LAYER),
    )
spec(
    "Dense.vjp",
    lambda x, u: _LAYER.vjp(x, u),
    dict(x=[1.0, 1.0], u=[1.0, 0.0]),
    dict(x=_BAD_X_LAYER, u=bad_array([1.0, 0.0], wrong_shape=[[1.0]])),
)
spec(
    "MLP",
    nn.MLP,
    dict(sizes=[2, 3, 2], activation="tanh", init="xavier_normal", rng=0, output="linear"),
    dict(
        sizes=[
            ("None", None),
            ("a string", "23"),
            ("one width", [2]),
            ("zero", [2, 0]),
            ("float", [2, 2.5]),
            ("absurd", [2, ABSURD, 2]),
            ("absurd total", [10**6] * 3),
        ],
        activation=bad_choice() + [("not element-wise", "softmax")],
        init=bad_choice() + [("arity 0", _zero_args)],
        rng=bad_rng(),
        output=bad_choice(),
    ),
)
spec(
    "MLP.from_weights",
    nn.MLP.from_weights,
    dict(weights=[onp.ones((3, 2)), onp.ones((1, 3))], biases=None, activation="tanh"),
    dict(
        weights=[
            ("None", None),
            ("a string", "W"),
            ("empty", []),
            ("NaN", [onp.full((3, 2), NAN)]),
            ("complex", [onp.ones((3, 2)) * 1j]),
            ("not chained", [onp.ones((3, 2)), onp.ones((1, 2))]),
        ],
        biases=[
            ("a string", "b"),
            ("wrong count", [onp.zeros(3)]),
            ("NaN", [onp.full(3, NAN), onp.zeros(1)]),
        ],
        activation=bad_choice(),
    ),
)
_NET = nn.MLP([2, 3, 2], rng=0)
_BAD_X_NET = bad_array([[1.0, 1.0]], wrong_shape=[[1.0, 2.0, 3.0], [[[1.0, 1.0]]]])
_BAD_PARAMS = bad_array(onp.zeros(_NET.n_params), wrong_shape=[onp.zeros(3)])
for _m in ("unflatten", "with_params"):
    spec(
        f"MLP.{_m}",
        lambda params, _m=_m: getattr(_NET, _m)(params),
        dict(params=_NET.params()),
        dict(params=_BAD_PARAMS),
    )
spec(
    "MLP.apply",
    lambda params, x: _NET.apply(params, x),
    dict(params=_NET.params(), x=[1.0, 1.0]),
    dict(params=_BAD_PARAMS, x=_BAD_X_NET),
)
for _m in ("forward", "predict", "layer_jacobians", "input_jacobian"):
    spec(
        f"MLP.{_m}", lambda x, _m=_m: getattr(_NET, _m)(x), dict(x=[[1.0, 1.0]]), dict(x=_BAD_X_NET)
    )
spec(
    "MLP.__call__",
    lambda x: _NET(x),
    dict(x=[[1.0, 1.0]]),
    dict(x=_BAD_X_NET),
    names=("MLP", "MLP.forward"),
)
spec(
    "MLP.backprop",
    lambda x, y, loss: _NET.backprop(x, y, loss),
    dict(x=[[1.0, 1.0], [0.0, 1.0]], y=[0, 1], loss="cross_entropy"),
    dict(
        x=bad_array([[1.0, 1.0], [0.0, 1.0]], wrong_shape=[[[1.0, 2.0, 3.0]] * 2]),
        y=_bad_labels,
        loss=bad_choice(),
    ),
)
_XT = onp.random.default_rng(0).standard_normal((8, 2))
_YT = onp.array([0, 1] * 4)
spec(
    "train",
    nn.train,
    dict(
        mlp=_NET,
        X=_XT,
        y=_YT,
        lr=0.1,
        batch_size=4,
        epochs=1,
        rng=0,
        momentum=0.0,
        loss="cross_entropy",
    ),
    dict(
        mlp=[("None", None), ("a string", "net"), ("a list", [2, 2])],
        X=bad_array(_XT, wrong_shape=[onp.ones((8, 3)), onp.ones(8)]),
        y=[
            ("None", None),
            ("a string", "y"),
            ("wrong length", [0, 1]),
            ("floats", onp.full(8, 0.5)),
            ("too large", onp.full(8, 5)),
        ],
        lr=bad_real(),
        batch_size=bad_int(),
        epochs=bad_int(),
        rng=bad_rng(),
        momentum=bad_real(positive=False, nonnegative=True) + [("1.5", 1.5)],
        loss=bad_choice(),
    ),
)

# robustness ------------------------------------------------------------------------------------

R = robustness
spec(
    "input_sensitivity",
    R.input_sensitivity,
    dict(model=_NET, x=[1.0, 1.0], y=None, loss="cross_entropy"),
    dict(
        model=[("None", None), ("a string", "net"), ("arity 0", _zero_args)],
        x=bad_array([1.0, 1.0], wrong_shape=[[1.0, 2.0, 3.0]]),
        loss=bad_choice(),
    ),
)
spec(
    "fgsm",
    R.fgsm,
    dict(
        loss_fn=lambda x, y: np.sum((x - y) ** 2),
        x=[0.0, 1.0],
        y=[1.0, 1.0],
        eps=0.1,
        clip=None,
        loss="cross_entropy",
    ),
    dict(
        loss_fn=[
            ("None", None),
            ("a string", "loss"),
            ("arity 0", _zero_args),
            ("arity 3", _three_args),
            ("returns text", _returns_text),
            ("overflows", _overflows_scalar),
        ],
        x=bad_array([0.0, 1.0]),
        eps=bad_real(positive=False, nonnegative=True),
        clip=[
            ("a string", "ab"),
            ("reversed", (1.0, 0.0)),
            ("NaN", (NAN, 1.0)),
            ("three", (0.0, 1.0, 2.0)),
        ],
    ),
)
spec(
    "iterated_fgsm",
    R.iterated_fgsm,
    dict(
        loss_fn=lambda x, y: np.sum((x - y) ** 2),
        x=[0.0, 1.0],
        y=[1.0, 1.0],
        eps=0.1,
        steps=3,
        alpha=None,
        clip=(0.0, 1.0),
        loss="cross_entropy",
    ),
    dict(
        loss_fn=[
            ("None", None),
            ("a string", "loss"),
            ("arity 0", _zero_args),
            ("arity 3", _three_args),
            ("returns text", _returns_text),
            ("overflows", _overflows_scalar),
        ],
        x=bad_array([0.0, 1.0]),
        eps=bad_real(positive=False, nonnegative=True),
        steps=bad_int(),
        alpha=bad_real(none=False),
        clip=[
            ("a string", "ab"),
            ("reversed", (1.0, 0.0)),
            ("NaN", (NAN, 1.0)),
            ("three", (0.0, 1.0, 2.0)),
        ],
    ),
)
spec(
    "spectral_norm",
    R.spectral_norm,
    dict(A=onp.diag([3.0, 1.0]), iters=50, tol=1e-12, rng=0),
    dict(
        A=bad_array(onp.diag([3.0, 1.0]), wrong_shape=[[1.0, 2.0], onp.zeros((0, 2))]),
        iters=bad_int(),
        tol=bad_real(positive=False, nonnegative=True),
        rng=bad_rng(),
    ),
)
spec(
    "spectral_norm",
    R.spectral_norm,
    dict(jvp=lambda v: 2.0 * v, vjp=lambda u: 2.0 * u, n=2, iters=50, rng=0),
    dict(jvp=bad_callable(), vjp=bad_callable(), n=bad_int(absurd=True)),
)
spec(
    "lipschitz_upper_bound",
    R.lipschitz_upper_bound,
    dict(model=[onp.eye(2), onp.ones((1, 2))], activation_lipschitz=1.0),
    dict(
        model=[
            ("None", None),
            ("a string", "net"),
            ("NaN", [onp.full((2, 2), NAN)]),
            ("complex", [onp.eye(2) * 1j]),
            ("not chained", [onp.eye(2), onp.ones((1, 3))]),
        ],
        activation_lipschitz=bad_real(positive=False, nonnegative=True),
    ),
)

# datasets, problems ----------------------------------------------------------------------------

spec("load_diabetes", datasets.load_diabetes, dict(standardize=True), dict(standardize=bad_bool()))
spec(
    "load_digits",
    datasets.load_digits,
    dict(test_size=0.2, rng=0, scale=True),
    dict(test_size=bad_real() + [("1", 1.0), ("1.5", 1.5)], rng=bad_rng(), scale=bad_bool()),
)
spec("load_nist_strd", datasets.load_nist_strd, dict(name="Misra1a"), dict(name=bad_choice()))
spec(
    "agreeing_digits",
    datasets.agreeing_digits,
    dict(estimate=[1.0, 2.0], certified=[1.0, 2.0], max_digits=11.0),
    dict(
        estimate=[
            ("None", None),
            ("a string", "1"),
            ("complex", [1j, 2.0]),
            ("wrong shape", [1.0, 2.0, 3.0]),
        ],
        certified=[
            ("None", None),
            ("a string", "1"),
            ("NaN", [NAN, 2.0]),
            ("complex", [1j, 2.0]),
            ("wrong shape", [1.0]),
        ],
        max_digits=bad_real(),
    ),
)
# The test problems evaluate anywhere, NaN and inf included (NaN in, NaN out: the solvers
# probe them with whatever step they try and judge the value); the rest is refused.
spec(
    "rosenbrock",
    problems.rosenbrock,
    dict(x=[1.0, 2.0]),
    dict(x=bad_array([1.0, 2.0], wrong_shape=[[1.0], [[1.0, 2.0]]], finite=False)),
)
spec(
    "rosenbrock_residual",
    problems.rosenbrock_residual,
    dict(x=[1.0, 2.0]),
    dict(x=bad_array([1.0, 2.0], wrong_shape=[[1.0, 2.0, 3.0], [1.0]], finite=False)),
)
for _p in (problems.MGH_PROBLEMS["Meyer"], problems.MGH_PROBLEMS["Watson"]):
    spec(
        f"{_p.name}.residual",
        lambda x, _p=_p: _p.residual(x),
        dict(x=_p.x0),
        dict(
            x=bad_array(_p.x0, wrong_shape=[onp.ones(_p.n + 1), onp.ones(_p.n - 1)], finite=False)
        ),
        names=(f"MGH_PROBLEMS[{_p.name!r}].residual", f"{_p.name} residual"),
    )
for _name in ("Misra1a", "Hahn1"):
    _prob = datasets.load_nist_strd(_name)
    _b0 = _prob.starts[0]
    _bad_beta = bad_array(
        _b0, wrong_shape=[onp.ones(_b0.size + 1), onp.ones(_b0.size - 1), [list(_b0)]], finite=False
    )
    spec(
        f"{_name} residual",
        lambda beta, _p=_prob: _p.residual(beta),
        dict(beta=_b0),
        dict(beta=_bad_beta),
    )
    spec(
        f"{_name} model",
        lambda beta, x, _p=_prob: _p.model(beta, x),
        dict(beta=_b0, x=_prob.x),
        dict(beta=_bad_beta, x=[("None", None), ("a string", "x"), ("complex", _prob.x * 1j)]),
    )
spec(
    "LeastSquaresProblem",
    problems.LeastSquaresProblem,
    dict(
        name="demo",
        residual=problems.rosenbrock_residual,
        x0=onp.array([-1.2, 1.0]),
        m=2,
        n=2,
        f_star=0.0,
        zero_residual=True,
    ),
    dict(
        name=[("None", None), ("a number", 3)],
        residual=bad_callable(),
        x0=bad_array([-1.2, 1.0], wrong_shape=[[1.0]]),
        m=bad_int(),
        n=bad_int(),
        f_star=[("a string", "0"), ("NaN", NAN), ("-1", -1.0)],
        zero_residual=bad_bool(),
    ),
)


# --------------------------------------------------------------------------------------------
# the audit
# --------------------------------------------------------------------------------------------


@dataclass
class Case:
    spec: Spec
    arg: str
    label: str
    value: Any

    @property
    def id(self) -> str:
        return f"{self.spec.name}-{self.arg}-{self.label}"


CASES = [
    Case(s, arg, label, value)
    for s in SPECS
    for arg, values in s.bad.items()
    for label, value in values
]


def _names_function(message: str, spec_: Spec) -> bool:
    names = (spec_.name,) + tuple(spec_.names)
    return any(
        re.search(rf"(?<![\w.]){re.escape(n)}( {re.escape(repr(n))})?:", message)
        or message.startswith(f"{n} ")
        for n in names
    )


def _names_argument(message: str, arg: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(arg)}(?![\w])", message) is not None


def run_case(case: Case) -> str | None:
    """``None`` if the case passes, else what went wrong."""
    kwargs = dict(case.spec.good)
    kwargs[case.arg] = case.value
    absurd = case.label.startswith("absurd")
    if absurd:
        tracemalloc.start()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, _TIME_LIMIT)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                case.spec.call(**kwargs)
            except (ValueError, TypeError) as err:
                message = str(err)
                if not _names_function(message, case.spec):
                    return f"{type(err).__name__} does not name {case.spec.name}: {message!r}"
                if not _names_argument(message, case.arg):
                    return f"{type(err).__name__} does not name {case.arg}: {message!r}"
                if case.value is None and ("NaN" in message or "shape ()" in message):
                    return f"None reported as a number: {message!r}"
                if "f" not in case.spec.good and _names_argument(message, "f"):
                    return f"names f, not {case.arg}: {message!r}"
            except _Hang:
                return f"hang: no answer within {_TIME_LIMIT:.0f} s"
            except Exception as err:  # noqa: BLE001 - any other type is the finding
                return f"foreign {type(err).__name__}: {str(err)[:120]!r}"
            else:
                return "silently accepted"
        if caught:
            w = caught[0]
            return f"leaked {w.category.__name__}: {str(w.message)[:100]!r}"
        if absurd:
            peak = tracemalloc.get_traced_memory()[1]
            if peak > _MEMORY_LIMIT:
                return f"allocated {peak / 2**20:.0f} MB before refusing"
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if absurd:
            tracemalloc.stop()


def test_every_good_call_works():
    """The starting calls are valid (else the bad cases would prove nothing)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for s in SPECS:
            s.call(**s.good)


def test_the_audit_is_broad():
    callables = {s.name for s in SPECS}
    assert len(callables) >= 120, len(callables)
    assert len(CASES) >= 1500, len(CASES)


_IDS = [f"{i}-{s.name}" for i, s in enumerate(SPECS)]


@pytest.mark.parametrize("index", range(len(SPECS)), ids=_IDS)
def test_bad_arguments_are_refused_clearly(index):
    """Every bad case of one callable (one test per callable keeps the run to seconds)."""
    cases = [c for c in CASES if c.spec is SPECS[index]]
    assert cases
    problems_ = [f"{c.id}: {p}" for c in cases if (p := run_case(c)) is not None]
    assert not problems_, "\n".join(problems_)


if __name__ == "__main__":  # the measurement: python tests/test_bad_input.py
    import collections

    failures = [(c, p) for c in CASES if (p := run_case(c)) is not None]
    print(
        f"{len(CASES)} calls over {len({s.name for s in SPECS})} callables: "
        f"{len(CASES) - len(failures)} refused clearly "
        f"({100 * (len(CASES) - len(failures)) / len(CASES):.1f} %)"
    )
    kinds = collections.Counter(p.split(":")[0].split(" does not")[0] for _, p in failures)
    print("failures by kind:", dict(kinds))
    for c, p in failures:
        print(f"  {c.id}: {p}", flush=True)


# --------------------------------------------------------------------------------------------
# the items named in issue 12, one targeted test each
# --------------------------------------------------------------------------------------------


def _raises(error: type, match: str, call: Callable) -> str:
    """Call with every warning an error (nothing may leak before the clear error)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error, match=match) as info:
            call()
    return str(info.value)


def test_train_errors_name_train_not_sgd():
    for kwargs, arg in (
        (dict(batch_size=0), "batch_size"),
        (dict(epochs=2.5), "epochs"),
        (dict(rng=-1), "rng"),
        (dict(momentum=1.5), "momentum"),
    ):
        good = dict(lr=0.1, batch_size=4, epochs=1, rng=0)
        good.update(kwargs)
        message = _raises(
            (ValueError, TypeError), rf"^train: {arg} ", lambda: nn.train(_NET, _XT, _YT, **good)
        )
        assert "sgd" not in message


def test_mlp_predict_and_input_jacobian_name_themselves():
    for method in ("predict", "input_jacobian"):
        for bad in (None, [1.0, 2.0, 3.0], [NAN, 1.0]):
            message = _raises(
                (ValueError, TypeError), rf"^MLP\.{method}: x ", lambda: getattr(_NET, method)(bad)
            )
            assert "forward" not in message and "layer_jacobians" not in message


def test_linearize_names_x0():
    for bad in ([NAN, 1.0], [[1.0, 2.0]], None, "x"):
        _raises((ValueError, TypeError), r"^linearize: x0 ", lambda: D.linearize(f2, bad))


def test_messages_name_the_users_function_by_its_parameter():
    vector = lambda x: x  # noqa: E731
    text = lambda x: "text"  # noqa: E731
    plain = lambda x: onp.array([onp.sum(onp.asarray(x))]) * np.sin(x[0])  # noqa: E731
    cases = [
        (lambda: O.gradient_descent(vector, X2, lr=0.1, steps=2), r"^gradient_descent: .*\bfun\b"),
        (lambda: O.newton(text, X2), r"^newton: fun must return numbers"),
        (lambda: O.levenberg_marquardt(text, X2), r"^levenberg_marquardt: residual must return"),
        (lambda: O.gauss_newton(text, X2), r"^gauss_newton: residual must return"),
        (lambda: M.objective_jacobian(text, X2), r"^objective_jacobian: F must return"),
        (
            lambda: M.jacobian_descent(plain, X2, "mean", lr=0.1, steps=1),
            r"^jacobian_descent: F mixes plain numpy",
        ),
        (lambda: R.input_sensitivity(text, X2), r"^input_sensitivity: model must return"),
        (lambda: R.fgsm(lambda x, y: "t", X2, X2, 0.1), r"^fgsm: loss_fn must return"),
    ]
    for call, match in cases:
        message = _raises((ValueError, TypeError), match, call)
        assert not _names_argument(message.split(":", 1)[1], "f"), message


def test_none_is_refused_as_none_not_as_nan():
    for call, match in (
        (lambda: D.jacobian(f2, None), r"^jacobian: x must be .*got None"),
        (lambda: O.adam(fs, None, steps=2), r"^adam: x0 must be .*got None"),
        (lambda: nn.sigmoid(None), r"^sigmoid: z must be .*got None"),
        (lambda: M.upgrad(None), r"^upgrad: J must be .*got None"),
        (lambda: T.polar(None), r"^polar: q must be .*got None"),
    ):
        assert "NaN" not in _raises(TypeError, match, call)


def test_a_negative_or_bad_seed_is_refused_by_name():
    calls = {
        "hutchinson_trace": lambda rng: D.hutchinson_trace(f2, X2, rng=rng),
        "gaussian_integral_monte_carlo": lambda rng: I.gaussian_integral_monte_carlo(100, rng=rng),
        "sgd": lambda rng: O.sgd(
            _sgd_loss, [0.0, 0.0], _DATA, lr=0.01, batch_size=2, epochs=1, rng=rng
        ),
        "pcgrad": lambda rng: M.pcgrad(_J, rng=rng),
        "xavier_normal": lambda rng: nn.xavier_normal(2, 3, rng=rng),
        "MLP": lambda rng: nn.MLP([2, 2], rng=rng),
        "spectral_norm": lambda rng: R.spectral_norm(onp.eye(2), rng=rng),
        "load_digits": lambda rng: datasets.load_digits(rng=rng),
    }
    for name, call in calls.items():
        message = _raises(
            ValueError, rf"^{name}: rng must be .*non-negative int seed", lambda: call(-1)
        )
        assert "expected non-negative integer" not in message
        _raises(TypeError, rf"^{name}: rng must be", lambda: call("x"))


def test_a_function_of_the_wrong_arity_is_refused_before_it_is_called():
    calls = []

    def two(x, y):
        calls.append(1)
        return x

    for call, match in (
        (lambda: D.jacobian(two, X2), r"^jacobian: f must accept 1 positional"),
        (lambda: O.momentum(two, X2, lr=0.1, steps=1), r"^momentum: fun must accept 1"),
        (lambda: O.levenberg_marquardt(two, X2), r"^levenberg_marquardt: residual "),
        (lambda: I.integrate_interval(two, 0.0, 1.0), r"^integrate_interval: f "),
        (lambda: M.get_aggregator(two), r"^get_aggregator: aggregator must accept"),
        (lambda: R.fgsm(lambda x: x, X2, X2, 0.1), r"^fgsm: loss_fn must accept 2"),
        (lambda: nn.MLP([2, 2], init=two), r"^MLP: init must accept 3"),
    ):
        _raises(TypeError, match, call)
    assert calls == []
    # builtins and ufuncs, whose signature cannot always be read, are still accepted
    assert onp.isclose(I.integrate_interval(np.exp, 0.0, 1.0), math.e - 1.0)


def test_least_squares_problem_refuses_a_missing_residual_by_name():
    good = dict(
        name="demo",
        residual=problems.rosenbrock_residual,
        x0=[-1.2, 1.0],
        m=2,
        n=2,
        f_star=0.0,
        zero_residual=True,
    )
    message = _raises(
        TypeError,
        r"^LeastSquaresProblem 'demo': residual must be a callable",
        lambda: problems.LeastSquaresProblem(**{**good, "residual": None}),
    )
    assert "object is not callable" not in message
    _raises(
        ValueError,
        r"^LeastSquaresProblem 'demo': m must be an integer >= 1",
        lambda: problems.LeastSquaresProblem(**{**good, "m": 0}),
    )


def test_activation_lipschitz_must_be_a_finite_non_negative_number():
    base = dict(name="cube", formula="z^3", fn=lambda z: z**3, fn_derivative=lambda z: 3 * z**2)
    for bad, error in ((-1.0, ValueError), (NAN, ValueError), (INF, ValueError), ("1", TypeError)):
        _raises(
            error, r"^Activation: lipschitz must be", lambda: nn.Activation(**base, lipschitz=bad)
        )
    act = nn.Activation(**base, lipschitz=2)
    assert act.lipschitz == 2.0 and isinstance(act.lipschitz, float)
    assert nn.Activation(**base).lipschitz is None
    # so an upper bound is never negative
    net = nn.MLP.from_weights([onp.eye(2), onp.ones((1, 2))], activation=act)
    assert R.lipschitz_upper_bound(net) == pytest.approx(2.0 * math.sqrt(2.0))


def test_rng_is_checked_whatever_the_aggregator():
    for agg in ("mean", "upgrad", "pcgrad", M.mean_aggregator):
        _raises(ValueError, r"^get_aggregator: rng must be", lambda: M.get_aggregator(agg, rng=-1))
        _raises(TypeError, r"^get_aggregator: rng must be", lambda: M.get_aggregator(agg, rng="x"))
        _raises(
            ValueError,
            r"^jacobian_descent: rng must be",
            lambda: M.jacobian_descent(f2, X2, agg, lr=0.1, steps=1, rng=-1),
        )


def test_complex_arrays_are_refused_not_cast():
    z = onp.array([0.5 + 1j, -1.0])
    layer, lin = _LAYER, _LIN
    cases = [
        (lambda: nn.tanh(z), r"^tanh: z must be"),
        (lambda: nn.softmax.jacobian(z), r"^softmax\.jacobian: z must be"),
        (lambda: nn.relu.vjp([1.0, 2.0], z), r"^relu\.vjp: u must be"),
        (lambda: nn.Dense(onp.eye(2) * (1 + 1j), onp.zeros(2)), r"^Dense: W must be"),
        (lambda: layer(z), r"^Dense: x must be"),
        (lambda: _NET.forward(z), r"^MLP\.forward: x must be"),
        (lambda: _NET.predict(z), r"^MLP\.predict: x must be"),
        (lambda: _NET.input_jacobian(z), r"^MLP\.input_jacobian: x must be"),
        (lambda: _NET.apply(_NET.params() + 0j, [1.0, 1.0]), r"^MLP\.apply: params must be"),
        (lambda: R.input_sensitivity(_NET, z), r"^input_sensitivity: x must be"),
        (lambda: lin(z), r"^Linearization.__call__: x must be"),
        (lambda: D.Linearization(z, [1.0], [[1.0, 2.0]]), r"^Linearization: x0 must be"),
    ]
    for call, match in cases:
        assert "real" in _raises(TypeError, match, call)


def test_mgh_residuals_refuse_the_wrong_number_of_parameters():
    for _name, p in problems.MGH_PROBLEMS.items():
        assert p.residual(p.x0).shape == (p.m,)
        for wrong in (onp.ones(p.n + 1), onp.ones(p.n - 1)):
            _raises(
                ValueError,
                rf"(\.|^rosenbrock_)residual: x must have shape \({p.n},\)",
                lambda: p.residual(wrong),
            )
    # still differentiable by autograd, and NaN in gives NaN out (solvers probe anywhere)
    meyer = problems.MGH_PROBLEMS["Meyer"]
    assert D.jacobian(meyer.residual, meyer.x0).shape == (meyer.m, meyer.n)
    assert onp.isnan(meyer.residual([NAN, 1.0, 1.0])).all()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: nn.standard_normal(10**6, 10**6), r"^standard_normal: a weight matrix"),
        (lambda: nn.kaiming_uniform(ABSURD, 3), r"^kaiming_uniform: a weight matrix"),
        (lambda: nn.one_hot([0, 1], ABSURD), r"^one_hot: a one-hot array of N x n_classes"),
        (lambda: nn.MLP([2, 10**6, 10**6, 2]), r"^MLP: the weights for sizes"),
        (lambda: R.spectral_norm(jvp=lambda v: v, vjp=lambda u: u, n=ABSURD), r"^spectral_norm: "),
        (
            lambda: I.integrate_box(lambda p: p[:, 0], [[0, 1]] * 3, n=2000),
            r"^integrate_box: n gives",
        ),
        (lambda: I.gauss_legendre(ABSURD, 0.0, 1.0), r"^gauss_legendre: n must be"),
        (lambda: I.gaussian_integral_1d(ABSURD), r"^gaussian_integral_1d: n must be"),
        (
            lambda: G.rectangle_boundary(0.0, 0.0, 1.0, 1.0, samples=ABSURD),
            r"^rectangle_boundary: samples",
        ),
        (lambda: D.hutchinson_trace(f2, X2, samples=ABSURD), r"^hutchinson_trace: samples"),
        (lambda: M.aggregator_properties("mean", trials=ABSURD), r"^aggregator_properties: trials"),
    ],
    ids=[
        "standard_normal",
        "kaiming_uniform",
        "one_hot",
        "MLP",
        "spectral_norm",
        "integrate_box",
        "gauss_legendre",
        "gaussian_integral_1d",
        "rectangle_boundary",
        "hutchinson_trace",
        "aggregator_properties",
    ],
)
def test_absurd_sizes_are_refused_before_any_allocation(call, match):
    tracemalloc.start()
    try:
        _raises(ValueError, match, call)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < _MEMORY_LIMIT, peak


def test_inverse_transforms_do_not_overflow():
    r, theta = T.polar_inverse([1e300, 1e-300])
    assert r == 1e300 and theta == 0.0
    assert T.polar_inverse([1e-300, 1e-300])[0] == pytest.approx(math.sqrt(2) * 1e-300, rel=1e-15)
    r, theta, z = T.cylindrical_inverse([3e300, 4e300, 1.0])
    assert r == pytest.approx(5e300, rel=1e-15) and z == 1.0
    r, phi, theta = T.spherical_inverse([1e300, 1e300, 1e300])
    assert r == pytest.approx(math.sqrt(3) * 1e300, rel=1e-15)
    assert phi == pytest.approx(math.atan2(math.sqrt(2), 1.0), rel=1e-15)
    q = T.spherical_inverse([2e-300, 0.0, 0.0])
    assert q[0] == 2e-300 and q[1] == pytest.approx(math.pi / 2)
    # and still differentiable in both modes, the inverse of the hand-derived Jacobian
    p = onp.array([1.0, -2.0, 0.5])
    for mode in ("forward", "reverse"):
        J = D.jacobian(T.spherical_inverse, p, mode=mode)
        assert onp.allclose(J @ T.spherical_jacobian(T.spherical_inverse(p)), onp.eye(3))
        J = D.jacobian(T.polar_inverse, p[:2], mode=mode)
        assert onp.allclose(J @ T.polar_jacobian(T.polar_inverse(p[:2])), onp.eye(2))


@pytest.mark.parametrize(
    "call",
    [
        lambda f: D.jacobian(f, X2),
        lambda f: D.jacobian_fd(f, X2),
        lambda f: D.jvp(f, X2, X2),
        lambda f: D.vjp(f, X2, X2),
        lambda f: D.linearize(f, X2),
        lambda f: D.jacobian_trace(f, X2),
        lambda f: D.check_jacobian(f, X2),
        lambda f: D.jacobian_determinant(f, X2),
    ],
    ids=[
        "jacobian",
        "jacobian_fd",
        "jvp",
        "vjp",
        "linearize",
        "jacobian_trace",
        "check_jacobian",
        "jacobian_determinant",
    ],
)
def test_derivatives_refuse_an_overflowing_f_without_a_warning_first(call):
    _raises(ValueError, r"must be finite|NaN or inf", lambda: call(_overflows))


def test_pcgrad_near_the_largest_float_raises_without_a_warning_first():
    J = onp.array([[1e308, 1e308], [-1e308, 1e308]])
    _raises(ValueError, r"^pcgrad: .*J is too large", lambda: M.pcgrad(J, rng=0))
