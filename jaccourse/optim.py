"""Optimisation with the Jacobian: first-order methods, Newton, least squares, critical points.

A scalar objective ``f: R^n -> R`` has a ``(1, n)`` Jacobian; its transpose is the gradient,
and every first-order method here moves against it:

* :func:`gradient_descent`: ``x <- x - lr grad f(x)`` (Cauchy 1847);
* :func:`momentum`: the heavy ball of Polyak (1964), optionally Nesterov's look-ahead;
* :func:`adam`: Kingma and Ba (2015), per-coordinate steps from running moments;
* :func:`sgd`: stochastic gradient descent on mini-batches of a data set (Robbins-Monro).

Second-order and least-squares methods use the Jacobian of the gradient (the Hessian) or the
Jacobian of a residual vector ``r: R^n -> R^m``:

* :func:`newton`: ``H p = -g`` with the exact Hessian, safeguarded by a Hessian shift and an
  Armijo line search so that it never goes uphill;
* :func:`gauss_newton`: ``J p ~= -r`` in the least-squares sense (``J^T J`` stands in for the
  Hessian of ``0.5 |r|^2``, exact only when the residuals vanish);
* :func:`levenberg_marquardt`: the trust-region Levenberg-Marquardt method of MINPACK's
  ``lmder`` (Moré 1978), with scale-invariant damping;
* :func:`classify_critical_point`: minimum, maximum, saddle or inconclusive from the signs of
  the Hessian's eigenvalues.

Every method returns an :class:`OptimizeResult` (scipy's field names) with a :class:`History`
of iterates and objective values for plots. Derivatives come from autograd unless you pass
them: objectives must then be written with ``import autograd.numpy as np``.

A run never loops forever (``steps``, ``max_iter`` or ``max_nfev`` bound it), and a NaN or
infinity met during a run stops it with ``success=False`` and a message saying where (the
Levenberg-Marquardt method instead rejects a trial point whose residual is not finite and
shrinks its trust region, as a careful user of MINPACK would).

See the chapters ``gradient-descent``, ``least-squares``, ``newton`` and ``appendix-extrema``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import autograd
import numpy as onp

from jaccourse._autodiff import (
    autograd_call,
    jacobian_core,
    plain,
    reverse_pass,
    reverse_trace,
    untraced,
)
from jaccourse._levmar import lm_solve
from jaccourse._validation import (
    as_bool,
    as_positive_int,
    as_real,
    as_rng,
    as_vector,
    check_callable,
    describe,
    float_array,
    function_named,
)

__all__ = [
    "History",
    "OptimizeResult",
    "gradient_descent",
    "momentum",
    "adam",
    "sgd",
    "newton",
    "gauss_newton",
    "levenberg_marquardt",
    "classify_critical_point",
]

_EPS = float(onp.finfo(float).eps)


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """The path of a run, for plots: one row per recorded iterate.

    Attributes
    ----------
    x : ndarray, shape (k + 1, n)
        ``x0`` and every recorded iterate (for :func:`sgd`: ``x0`` and the iterate after each
        epoch).
    fun : ndarray, shape (k + 1,) or (k + 1, m)
        The objective at each row of ``x`` (least squares: the cost ``0.5 |r|^2``; :func:`sgd`:
        the loss on the whole data set; Jacobian Descent: the ``m`` objectives, one row each).
    grad_norm : ndarray, shape (k + 1,)
        The Euclidean norm of the gradient at each row of ``x`` (NaN where not computed).

    Examples
    --------
    >>> import autograd.numpy as np
    >>> res = gradient_descent(lambda x: np.sum(x ** 2), [1.0], lr=0.25, steps=2)
    >>> res.history.x[:, 0], res.history.fun
    (array([1.  , 0.5 , 0.25]), array([1.    , 0.25  , 0.0625]))
    """

    x: onp.ndarray
    fun: onp.ndarray
    grad_norm: onp.ndarray

    def __len__(self) -> int:
        return len(self.fun)


@dataclass(frozen=True)
class OptimizeResult:
    """What an optimiser returns (the field names are scipy's where scipy has them).

    Attributes
    ----------
    x : ndarray, shape (n,)
        The final point.
    fun : float or ndarray
        The objective at ``x`` (a float), or for least squares the residual vector ``r(x)``.
    cost : float
        Least squares: ``0.5 |r(x)|^2``; otherwise the objective at ``x`` (equal to ``fun``).
    nit : int
        Iterations taken (:func:`sgd`: parameter updates).
    nfev : int
        Every evaluation of the function, including those spent on finite differences, line
        searches and the history of :func:`sgd`.
    njev : int
        Evaluations of the gradient or Jacobian (by autograd, by finite differences, or by the
        callable you passed).
    nhev : int
        Evaluations of the Hessian (:func:`newton`; 0 for the others).
    success : bool
        Whether the method's stopping test was met (for fixed-step methods with ``tol=0``:
        whether all steps were taken with finite values).
    message : str
        Why the run stopped, in words.
    history : History
        Iterates and objective values, for plots.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> res = newton(lambda x: np.sum((x - 3.0) ** 2), [0.0, 0.0])
    >>> res.x, res.nit, res.success
    (array([3., 3.]), 1, True)
    """

    x: onp.ndarray
    fun: Any
    cost: float
    nit: int
    nfev: int
    njev: int
    success: bool
    message: str
    history: History = field(repr=False)
    nhev: int = 0

    def __repr__(self) -> str:
        fun = (
            f"array of shape {onp.shape(self.fun)}"
            if onp.ndim(self.fun)
            else f"{float(self.fun):.6g}"
        )
        return (
            f"OptimizeResult(success={self.success}, message={self.message!r}, "
            f"x={onp.array2string(onp.asarray(self.x), precision=6)}, fun={fun}, "
            f"cost={self.cost:.6g}, nit={self.nit}, nfev={self.nfev}, njev={self.njev}, "
            f"nhev={self.nhev})"
        )


class _NonFinite(Exception):
    """A value met during a run was NaN or infinite (the run stops, it does not raise)."""


def _finite(a: Any) -> bool:
    return bool(onp.all(onp.isfinite(a)))


def _norm(v: onp.ndarray) -> float:
    """The Euclidean norm as a float, ``inf`` (not a warning) if it overflows."""
    with onp.errstate(all="ignore"):
        return float(onp.linalg.norm(v))


# --------------------------------------------------------------------------------------------
# evaluating objectives and their derivatives, with counts
# --------------------------------------------------------------------------------------------


def _ad_value_and_grad(
    func: str, f: Callable, x: onp.ndarray, fname: str = "fun"
) -> tuple[float, onp.ndarray]:
    """``(f(x), grad f(x))`` by one reverse pass of autograd, with the package's checks;
    ``fname`` is the name of ``f``'s parameter in ``func``, for the messages.

    Raises ``ValueError`` for a non-scalar output and ``_NonFinite`` for a NaN or infinity."""
    with function_named(func, fname), autograd_call(func), onp.errstate(all="ignore"):
        raw, node = reverse_trace(f, x)
        value = plain(func, raw, "f(x)")
        if value.ndim != 0:
            raise ValueError(
                f"{func}: the objective {fname} must return a scalar, got shape {value.shape}"
            )
        if not _finite(value):
            raise _NonFinite(f"the objective is {float(value)}")
        if node is None:
            untraced(func, f, x, value)
            return float(value), onp.zeros(x.size)
        g = reverse_pass(func, node, onp.ones(onp.shape(raw)), x.size).copy()
    if not _finite(g):
        raise _NonFinite("the gradient has NaN or inf entries")
    return float(value), g


class _Scalar:
    """A scalar objective with optional user gradient; counts evaluations."""

    def __init__(self, func: str, fun: Callable, grad: Callable | None):
        self.func, self.fun, self.grad = func, fun, grad
        self.nfev = self.njev = 0

    def value(self, x: onp.ndarray) -> float:
        self.nfev += 1
        with onp.errstate(all="ignore"):
            raw = plain(self.func, self.fun(x.copy()), "fun(x)")
        if raw.ndim != 0:
            raise ValueError(f"{self.func}: fun must return a scalar, got shape {raw.shape}")
        if not _finite(raw):
            raise _NonFinite(f"the objective is {float(raw)}")
        return float(raw)

    def value_and_grad(self, x: onp.ndarray) -> tuple[float, onp.ndarray]:
        if self.grad is None:
            self.nfev += 1
            self.njev += 1
            return _ad_value_and_grad(self.func, self.fun, x)
        value = self.value(x)
        self.njev += 1
        with onp.errstate(all="ignore"):
            g = plain(self.func, self.grad(x.copy()), "grad(x)")
        if g.shape != x.shape:
            raise ValueError(
                f"{self.func}: grad must return an array of shape {x.shape}, got shape {g.shape}"
            )
        if not _finite(g):
            raise _NonFinite("the gradient has NaN or inf entries")
        return value, g


def _first_evaluation(func: str, obj: _Scalar, x0: onp.ndarray) -> tuple[float, onp.ndarray]:
    try:
        return obj.value_and_grad(x0)
    except _NonFinite as err:
        raise ValueError(f"{func}: the objective fun must be finite at x0, but {err}") from None


def _check_common(func: str, fun: Any, x0: Any, grad: Any) -> onp.ndarray:
    check_callable(func, "fun", fun, nargs=1, call="fun(x)")
    if grad is not None:
        check_callable(func, "grad", grad, nargs=1, call="grad(x)")
    return as_vector(func, "x0", x0)


def _beta(func: str, name: str, value: Any) -> float:
    b = as_real(func, name, value)
    if not 0.0 <= b < 1.0:
        raise ValueError(f"{func}: {name} must be in [0, 1), got {b}")
    return b


def _first_order(
    func: str,
    fun: Callable,
    x0: onp.ndarray,
    grad: Callable | None,
    steps: int,
    tol: float,
    rule: Callable[[onp.ndarray, onp.ndarray, int], onp.ndarray],
) -> OptimizeResult:
    """The loop shared by gradient descent, momentum and Adam: ``x <- rule(x, g, k)``."""
    obj = _Scalar(func, fun, grad)
    x = x0.copy()
    f, g = _first_evaluation(func, obj, x)
    xs, fs, gs = [x.copy()], [f], [_norm(g)]
    nit, success = 0, True
    message = f"took all {steps} steps"
    if tol > 0 and gs[0] <= tol:
        message = f"the gradient norm {gs[0]:.3g} is <= tol = {tol:g} at x0"
    else:
        for k in range(steps):
            with onp.errstate(all="ignore"):
                x_new = rule(x, g, k)
            if not _finite(x_new):
                success, message = False, f"the iterate became NaN or inf at step {k + 1}"
                break
            try:
                f_new, g_new = obj.value_and_grad(x_new)
            except _NonFinite as err:
                success, message = False, f"{err} at step {k + 1}"
                break
            x, f, g, nit = x_new, f_new, g_new, k + 1
            xs.append(x.copy())
            fs.append(f)
            gs.append(_norm(g))
            if tol > 0 and gs[-1] <= tol:
                message = f"the gradient norm {gs[-1]:.3g} is <= tol = {tol:g} after {nit} steps"
                break
        else:
            if tol > 0:
                success = False
                message = (
                    f"the gradient norm {gs[-1]:.3g} is still > tol = {tol:g} after {steps} steps"
                )
    return OptimizeResult(
        x=x,
        fun=f,
        cost=f,
        nit=nit,
        nfev=obj.nfev,
        njev=obj.njev,
        success=success,
        message=message,
        history=History(onp.array(xs), onp.array(fs), onp.array(gs)),
    )


# --------------------------------------------------------------------------------------------
# first-order methods
# --------------------------------------------------------------------------------------------


def gradient_descent(
    fun: Callable, x0: Any, *, lr: float, steps: int, grad: Callable | None = None, tol: float = 0.0
) -> OptimizeResult:
    """Gradient descent with a fixed step: ``x_{k+1} = x_k - lr * grad f(x_k)``.

    The gradient is the transposed ``(1, n)`` Jacobian of ``f``. On a quadratic with Hessian
    eigenvalues ``0 < lambda_1 <= ... <= lambda_n`` the error along eigenvector ``i`` is
    multiplied by ``1 - lr lambda_i`` at every step, so the method converges exactly when
    ``0 < lr < 2 / lambda_n``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``, written with ``autograd.numpy`` unless ``grad`` is given.
    x0 : array-like, shape (n,)
        The start, finite.
    lr : float
        The step size (learning rate), ``> 0``.
    steps : int
        The largest number of steps, ``>= 1``.
    grad : callable, optional
        ``grad(x) -> (n,)``; autograd by default.
    tol : float, optional
        Stop once ``|grad f(x)| <= tol`` (``tol = 0``: always take all ``steps``).

    Returns
    -------
    OptimizeResult
        ``history`` holds every iterate. A NaN or infinity stops the run with
        ``success=False`` and the step where it happened in ``message``.

    Notes
    -----
    See the chapter ``gradient-descent``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> res = gradient_descent(lambda x: np.sum((x - 1.0) ** 2), [0.0, 3.0], lr=0.5, steps=1)
    >>> res.x, res.nit, res.nfev
    (array([1., 1.]), 1, 2)
    """
    func = "gradient_descent"
    x0 = _check_common(func, fun, x0, grad)
    lr = as_real(func, "lr", lr, positive=True)
    steps = as_positive_int(func, "steps", steps)
    tol = as_real(func, "tol", tol, nonnegative=True)
    return _first_order(func, fun, x0, grad, steps, tol, lambda x, g, k: x - lr * g)


def momentum(
    fun: Callable,
    x0: Any,
    *,
    lr: float,
    steps: int,
    beta: float = 0.9,
    nesterov: bool = False,
    grad: Callable | None = None,
    tol: float = 0.0,
) -> OptimizeResult:
    """Gradient descent with momentum (Polyak's heavy ball, or Nesterov's look-ahead).

    ``v_{k+1} = beta v_k + grad f(y_k)``, ``x_{k+1} = x_k - lr v_{k+1}`` with ``v_0 = 0`` and
    ``y_k = x_k`` (heavy ball) or ``y_k = x_k - lr beta v_k`` (``nesterov=True``). The velocity
    ``v`` is a running sum of past gradients: directions where the gradients agree build up
    speed, directions where they alternate cancel out.

    Parameters
    ----------
    fun, x0, lr, steps, grad, tol
        As in :func:`gradient_descent`.
    beta : float, optional
        The momentum coefficient in ``[0, 1)``; ``beta = 0`` is gradient descent.
    nesterov : bool, optional
        Evaluate the gradient at the look-ahead point ``x - lr beta v``.

    Returns
    -------
    OptimizeResult
        ``history`` records the iterates ``x_k`` (not the look-ahead points). With
        ``nesterov=True`` each step costs one evaluation at the look-ahead point and one at
        the new iterate (for its history value and the stopping test).

    Notes
    -----
    See the chapter ``gradient-descent``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> res = momentum(lambda x: 0.5 * np.sum(x ** 2), [1.0], lr=0.5, beta=0.5, steps=2)
    >>> res.history.x[:, 0]
    array([1. , 0.5, 0. ])
    """
    func = "momentum"
    x0 = _check_common(func, fun, x0, grad)
    lr = as_real(func, "lr", lr, positive=True)
    steps = as_positive_int(func, "steps", steps)
    beta = _beta(func, "beta", beta)
    tol = as_real(func, "tol", tol, nonnegative=True)
    if not isinstance(nesterov, bool):
        raise TypeError(f"{func}: nesterov must be True or False, got {describe(nesterov)}")
    v = onp.zeros_like(x0)
    lookahead = _Scalar(func, fun, grad)

    def rule(x: onp.ndarray, g: onp.ndarray, k: int) -> onp.ndarray:
        nonlocal v
        if nesterov:
            _, g = lookahead.value_and_grad(x - lr * beta * v)
        v = beta * v + g
        return x - lr * v

    res = _first_order(func, fun, x0, grad, steps, tol, rule)
    if not nesterov:
        return res
    return OptimizeResult(
        x=res.x,
        fun=res.fun,
        cost=res.cost,
        nit=res.nit,
        nfev=res.nfev + lookahead.nfev,
        njev=res.njev + lookahead.njev,
        success=res.success,
        message=res.message,
        history=res.history,
    )


def adam(
    fun: Callable,
    x0: Any,
    *,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    steps: int,
    grad: Callable | None = None,
    tol: float = 0.0,
) -> OptimizeResult:
    """Adam (Kingma and Ba 2015): steps scaled per coordinate by running gradient moments.

    With ``g_k = grad f(x_k)``, ``m_0 = v_0 = 0`` and ``t = k + 1``::

        m_t = beta1 m_{t-1} + (1 - beta1) g_k          (first moment: a running mean)
        v_t = beta2 v_{t-1} + (1 - beta2) g_k ** 2     (second moment, element-wise)
        x_{k+1} = x_k - lr * (m_t / (1 - beta1**t)) / (sqrt(v_t / (1 - beta2**t)) + eps)

    The divisions by ``1 - beta**t`` correct the bias of starting the averages at zero. Each
    coordinate moves by about ``lr`` at most, whatever the gradient's scale.

    Parameters
    ----------
    fun, x0, steps, grad, tol
        As in :func:`gradient_descent`.
    lr : float, optional
        The step size, ``> 0`` (default ``1e-3``, the paper's).
    beta1, beta2 : float, optional
        Decay rates of the moment estimates, in ``[0, 1)``.
    eps : float, optional
        Added to the denominator, ``> 0``.

    Returns
    -------
    OptimizeResult

    Notes
    -----
    See the chapter ``gradient-descent``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> res = adam(lambda x: np.sum(x ** 2), [1.0, -100.0], lr=0.1, steps=1)
    >>> onp.round(res.x, 6)      # the first step moves each coordinate by lr, whatever |g|
    array([  0.9, -99.9])
    """
    func = "adam"
    x0 = _check_common(func, fun, x0, grad)
    lr = as_real(func, "lr", lr, positive=True)
    steps = as_positive_int(func, "steps", steps)
    beta1 = _beta(func, "beta1", beta1)
    beta2 = _beta(func, "beta2", beta2)
    eps = as_real(func, "eps", eps, positive=True)
    tol = as_real(func, "tol", tol, nonnegative=True)
    m = onp.zeros_like(x0)
    v = onp.zeros_like(x0)

    def rule(x: onp.ndarray, g: onp.ndarray, k: int) -> onp.ndarray:
        nonlocal m, v
        t = k + 1
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        return x - lr * m_hat / (onp.sqrt(v_hat) + eps)

    return _first_order(func, fun, x0, grad, steps, tol, rule)


def _as_data(func: str, data: Any) -> tuple[tuple[onp.ndarray, ...], bool, int]:
    """``data`` as a tuple of arrays with a common leading length ``N``."""
    single = not isinstance(data, (tuple, list))
    arrays = (data,) if single else tuple(data)
    if not arrays:
        raise ValueError(f"{func}: data must be an array or a non-empty tuple of arrays")
    out = []
    for i, a in enumerate(arrays):
        name = "data" if single else f"data[{i}]"
        arr = float_array(func, name, a)
        if arr.ndim == 0:
            raise ValueError(f"{func}: {name} must have a leading sample axis, got a scalar")
        if not _finite(arr):
            raise ValueError(f"{func}: {name} must be finite, got NaN or inf")
        out.append(arr)
    n = len(out[0])
    if n == 0:
        raise ValueError(f"{func}: data must hold at least one sample, got 0")
    for i, arr in enumerate(out):
        if len(arr) != n:
            raise ValueError(
                f"{func}: every array of data must have the same number of samples "
                f"(leading axis): data[0] has {n}, data[{i}] has {len(arr)}"
            )
    return tuple(out), single, n


def sgd(
    loss: Callable,
    x0: Any,
    data: Any,
    *,
    lr: float,
    batch_size: int,
    epochs: int,
    rng: onp.random.Generator | int | None = None,
    momentum: float = 0.0,
) -> OptimizeResult:
    """Stochastic gradient descent on mini-batches (Robbins and Monro 1951).

    Each epoch shuffles the samples with ``rng`` and walks through them in mini-batches ``B``
    of ``batch_size`` (the last one may be smaller), taking ``x <- x - lr v`` with
    ``v <- momentum v + grad_x loss(x, B)`` (plain SGD when ``momentum = 0``). The
    mini-batch gradient is an unbiased estimate of the full gradient when ``loss`` is a mean
    over samples; its noise is why a constant ``lr`` leaves SGD hovering near, not at, the
    minimiser.

    Parameters
    ----------
    loss : callable
        ``loss(params, batch) -> float`` (written with ``autograd.numpy``), where ``batch``
        has the structure of ``data`` restricted to some samples.
    x0 : array-like, shape (n,)
        The initial parameters.
    data : array or tuple of arrays
        Arrays with a common leading sample axis of length ``N``, e.g. ``(X, y)``.
    lr : float
        The step size, ``> 0``.
    batch_size : int
        Samples per mini-batch, ``1 <= batch_size``; ``batch_size >= N`` is full-batch gradient
        descent.
    epochs : int
        Passes over the data, ``>= 1``; each takes ``ceil(N / batch_size)`` steps.
    rng : numpy.random.Generator, int or None
        The source of the shuffles (seed it for reproducible runs).
    momentum : float, optional
        Heavy-ball coefficient in ``[0, 1)``.

    Returns
    -------
    OptimizeResult
        ``history`` holds ``x0`` and the parameters after each epoch with the loss on the
        whole data set (``fun``); ``nit`` counts parameter updates and ``nfev`` counts every
        call of ``loss`` (mini-batch and whole-data ones alike).

    Notes
    -----
    See the chapter ``gradient-descent``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> X = np.array([[1.0], [2.0], [3.0], [4.0]]); y = 2.0 * X[:, 0]
    >>> mse = lambda w, batch: np.mean((np.dot(batch[0], w) - batch[1]) ** 2)
    >>> res = sgd(mse, [0.0], (X, y), lr=0.05, batch_size=2, epochs=30, rng=0)
    >>> res.nit, bool(abs(res.x[0] - 2.0) < 1e-6)
    (60, True)
    """
    func = "sgd"
    check_callable(func, "loss", loss, nargs=2, call="loss(params, batch)")
    x = as_vector(func, "x0", x0)
    arrays, single, n_samples = _as_data(func, data)
    lr = as_real(func, "lr", lr, positive=True)
    batch_size = as_positive_int(func, "batch_size", batch_size)
    epochs = as_positive_int(func, "epochs", epochs)
    rng = as_rng(func, rng)
    beta = _beta(func, "momentum", momentum)

    def batch_of(idx: onp.ndarray | None) -> Any:
        parts = arrays if idx is None else tuple(a[idx] for a in arrays)
        return parts[0] if single else parts

    full = batch_of(None)
    counts = {"nfev": 0, "njev": 0}

    def whole(params: onp.ndarray) -> float:
        counts["nfev"] += 1
        with onp.errstate(all="ignore"):
            value = plain(func, loss(params, full), "loss(params, data)")
        if value.ndim != 0:
            raise ValueError(f"{func}: loss must return a scalar, got shape {value.shape}")
        if not _finite(value):
            raise _NonFinite(f"the loss on the whole data set is {float(value)}")
        return float(value)

    try:
        f0 = whole(x)
    except _NonFinite as err:
        raise ValueError(f"{func}: the loss must be finite at x0, but {err}") from None
    xs, fs = [x.copy()], [f0]
    v = onp.zeros_like(x)
    nit, success, message = 0, True, f"took all {epochs} epochs"
    try:
        for epoch in range(epochs):
            order = rng.permutation(n_samples)
            for start in range(0, n_samples, batch_size):
                batch = batch_of(order[start : start + batch_size])
                counts["nfev"] += 1
                counts["njev"] += 1
                try:
                    _, g = _ad_value_and_grad(func, lambda p: loss(p, batch), x, "loss")  # noqa: B023 (called here)
                except _NonFinite as err:
                    raise _NonFinite(
                        f"{err} (mini-batch loss) at update {nit + 1}, epoch {epoch + 1}"
                    ) from None
                v = beta * v + g
                with onp.errstate(all="ignore"):
                    x_new = x - lr * v
                if not _finite(x_new):
                    raise _NonFinite(
                        f"the parameters became NaN or inf at update {nit + 1}, epoch {epoch + 1}"
                    )
                x, nit = x_new, nit + 1
            try:
                fs.append(whole(x))
            except _NonFinite as err:
                raise _NonFinite(f"{err} after epoch {epoch + 1}") from None
            xs.append(x.copy())
    except _NonFinite as err:
        success, message = False, str(err)
    return OptimizeResult(
        x=x,
        fun=fs[-1],
        cost=fs[-1],
        nit=nit,
        nfev=counts["nfev"],
        njev=counts["njev"],
        success=success,
        message=message,
        history=History(onp.array(xs), onp.array(fs), onp.full(len(fs), onp.nan)),
    )


# --------------------------------------------------------------------------------------------
# Newton's method
# --------------------------------------------------------------------------------------------


def _shifted_cholesky(H: onp.ndarray) -> tuple[onp.ndarray, float]:
    """Cholesky factor of ``H + tau I`` with the smallest ``tau`` of the sequence of Nocedal and
    Wright's Algorithm 3.3 (``tau = 0`` if ``H`` is positive definite)."""
    n = H.shape[0]
    diag_min = float(onp.min(onp.diag(H)))
    scale = max(1.0, float(onp.max(onp.abs(H))))
    tau = 0.0 if diag_min > 0 else -diag_min + 1e-3 * scale
    for _ in range(200):
        try:
            return onp.linalg.cholesky(H + tau * onp.eye(n)), tau
        except onp.linalg.LinAlgError:
            tau = max(2.0 * tau, 1e-3 * scale)
    raise onp.linalg.LinAlgError("no shift made the Hessian positive definite")


def newton(
    fun: Callable,
    x0: Any,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
    line_search: bool = True,
    grad: Callable | None = None,
    hess: Callable | None = None,
) -> OptimizeResult:
    """Newton's method: solve ``H(x) p = -grad f(x)`` with the exact Hessian and step.

    The Hessian is the Jacobian of the gradient, so a Newton step is the root of the
    gradient's linearisation. Near a minimiser with a positive definite Hessian the error is
    squared at every step (quadratic convergence).

    With ``line_search=True`` (the default) the step is safeguarded so that ``f`` never goes
    up: if ``H`` is not positive definite it is shifted to ``H + tau I`` (``tau`` grown until a
    Cholesky factorisation succeeds), which makes ``p`` a descent direction, and the step
    length ``t`` is halved from 1 until Armijo's sufficient decrease
    ``f(x + t p) <= f(x) + 1e-4 t grad f(x)^T p`` holds. With ``line_search=False`` it takes the
    pure Newton step, which heads for any critical point: a maximum or a saddle as happily as
    a minimum.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> float``, written with ``autograd.numpy`` unless ``grad`` and ``hess`` are
        given.
    x0 : array-like, shape (n,)
    tol : float, optional
        Stop once ``|grad f(x)| <= tol``.
    max_iter : int, optional
        The largest number of Newton steps.
    line_search : bool, optional
        Safeguard the step (Hessian shift and Armijo backtracking).
    grad, hess : callable, optional
        ``grad(x) -> (n,)`` and ``hess(x) -> (n, n)``; autograd by default.

    Returns
    -------
    OptimizeResult
        ``nhev`` counts Hessian evaluations; ``history.grad_norm`` shows the convergence.

    Notes
    -----
    See the chapter ``newton``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> f = lambda x: np.exp(x[0]) - 2.0 * x[0] + x[1] ** 2
    >>> res = newton(f, [0.0, 1.0])
    >>> bool(abs(res.x[0] - np.log(2.0)) < 1e-12), res.success
    (True, True)
    """
    func = "newton"
    x = _check_common(func, fun, x0, grad)
    if hess is not None:
        check_callable(func, "hess", hess, nargs=1, call="hess(x)")
    tol = as_real(func, "tol", tol, nonnegative=True)
    max_iter = as_positive_int(func, "max_iter", max_iter)
    line_search = as_bool(func, "line_search", line_search)
    obj = _Scalar(func, fun, grad)
    nhev = 0
    hess_fn = hess if hess is not None else autograd.grad(fun)
    n = x.size

    def hessian_at(point: onp.ndarray) -> onp.ndarray:
        nonlocal nhev
        nhev += 1
        if hess is not None:
            with onp.errstate(all="ignore"):
                H = plain(func, hess(point.copy()), "hess(x)")
            if H.shape != (n, n):
                raise ValueError(
                    f"{func}: hess must return an array of shape {(n, n)}, got shape {H.shape}"
                )
        else:
            with function_named(func, "fun"), onp.errstate(all="ignore"):
                H = jacobian_core(func, hess_fn, point, "reverse")[1]
        if not _finite(H):
            raise _NonFinite("the Hessian has NaN or inf entries")
        return 0.5 * (H + H.T)

    f, g = _first_evaluation(func, obj, x)
    xs, fs, gs = [x.copy()], [f], [_norm(g)]
    nit, success, message = 0, False, ""
    try:
        while True:
            if gs[-1] <= tol:
                success = True
                message = f"the gradient norm {gs[-1]:.3g} is <= tol = {tol:g}"
                break
            if nit >= max_iter:
                message = (
                    f"reached max_iter = {max_iter} with gradient norm {gs[-1]:.3g} > tol = {tol:g}"
                )
                break
            try:
                H = hessian_at(x)
            except _NonFinite as err:
                raise _NonFinite(f"{err} at iteration {nit + 1}") from None
            if line_search:
                L, _ = _shifted_cholesky(H)
                p = onp.linalg.solve(L.T, onp.linalg.solve(L, -g))
                slope = float(g @ p)
                t = 1.0
                while True:
                    trial = x + t * p
                    try:
                        f_trial = obj.value(trial)
                        if f_trial <= f + 1e-4 * t * slope:
                            break
                    except _NonFinite:
                        pass  # a step into NaN territory: shorten it
                    t *= 0.5
                    if t * _norm(p) <= _EPS * (1.0 + _norm(x)):
                        raise _NonFinite(
                            f"the line search could not decrease f at iteration {nit + 1} "
                            f"(gradient norm {gs[-1]:.3g}: rounding level reached?)"
                        )
            else:
                try:
                    p = onp.linalg.solve(H, -g)
                except onp.linalg.LinAlgError:
                    raise _NonFinite(f"the Hessian is singular at iteration {nit + 1}") from None
                trial = x + p
            try:
                f, g = obj.value_and_grad(trial)
            except _NonFinite as err:
                raise _NonFinite(f"{err} at iteration {nit + 1}") from None
            x, nit = trial, nit + 1
            xs.append(x.copy())
            fs.append(f)
            gs.append(_norm(g))
    except _NonFinite as err:
        success, message = False, str(err)
    return OptimizeResult(
        x=x,
        fun=f,
        cost=f,
        nit=nit,
        nfev=obj.nfev,
        njev=obj.njev,
        nhev=nhev,
        success=success,
        message=message,
        history=History(onp.array(xs), onp.array(fs), onp.array(gs)),
    )


# --------------------------------------------------------------------------------------------
# least squares
# --------------------------------------------------------------------------------------------


class _Residual:
    """A residual ``r: R^n -> R^m`` with its Jacobian (autograd, central differences or a
    callable), counting evaluations; remembers the last point so ``r(x0)`` is paid once."""

    def __init__(self, func: str, residual: Callable, jac: Any, x0: onp.ndarray):
        self.func = func
        self.residual = check_callable(func, "residual", residual, nargs=1, call="residual(x)")
        if not (jac is None or callable(jac) or (isinstance(jac, str) and jac == "fd")):
            raise ValueError(
                f"{func}: jac must be None (autograd), 'fd' (central differences) "
                f"or a callable x -> (m, n), got {describe(jac)}"
            )
        if callable(jac):
            check_callable(func, "jac", jac, nargs=1, call="jac(x)")
        self.jac = jac
        self.nfev = self.njev = 0
        self._last: tuple[bytes, onp.ndarray] | None = None
        self.n = x0.size
        with onp.errstate(all="ignore"):
            raw = plain(func, residual(x0.copy()), "residual(x0)")
        self.nfev += 1
        if raw.ndim != 1:
            raise ValueError(
                f"{func}: residual must return a 1-D array of shape (m,), got shape {raw.shape}"
            )
        if raw.size < self.n:
            raise ValueError(
                f"{func}: residual must have at least as many components as x0 "
                f"has (m >= n), got m = {raw.size} < n = {self.n}"
            )
        if not _finite(raw):
            raise ValueError(f"{func}: residual(x0) must be finite, got NaN or inf: {raw!r}")
        self.m = raw.size
        self._last = (x0.tobytes(), raw)

    def __call__(self, x: onp.ndarray) -> onp.ndarray:
        if self._last is not None and self._last[0] == x.tobytes():
            return self._last[1].copy()
        self.nfev += 1
        with onp.errstate(all="ignore"):
            raw = plain(self.func, self.residual(x.copy()), "residual(x)")
        if raw.shape != (self.m,):
            raise ValueError(
                f"{self.func}: residual must return shape ({self.m},) at every "
                f"point, got shape {raw.shape}"
            )
        self._last = (x.tobytes(), raw)
        return raw.copy()

    def jacobian(self, x: onp.ndarray) -> onp.ndarray:
        self.njev += 1
        if self.jac is None:
            with function_named(self.func, "residual"), onp.errstate(all="ignore"):
                J = jacobian_core(self.func, self.residual, x, "auto")[1]
        elif callable(self.jac):
            with onp.errstate(all="ignore"):
                J = plain(self.func, self.jac(x.copy()), "jac(x)")
            if J.shape != (self.m, self.n):
                raise ValueError(
                    f"{self.func}: jac must return shape ({self.m}, {self.n}), got shape {J.shape}"
                )
        else:
            J = onp.empty((self.m, self.n))
            steps = _EPS ** (1 / 3) * onp.maximum(1.0, onp.abs(x))
            for j in range(self.n):
                xp, xm = x.copy(), x.copy()
                xp[j] += steps[j]
                xm[j] -= steps[j]
                J[:, j] = (self(xp) - self(xm)) / (xp[j] - xm[j])
        return J


def _lsq_result(
    res: _Residual,
    x: onp.ndarray,
    r: onp.ndarray,
    nit: int,
    success: bool,
    message: str,
    xs: list,
    costs: list,
) -> OptimizeResult:
    cost = 0.5 * float(r @ r)
    return OptimizeResult(
        x=x,
        fun=r,
        cost=cost,
        nit=nit,
        nfev=res.nfev,
        njev=res.njev,
        success=success,
        message=message,
        history=History(onp.array(xs), onp.array(costs), onp.full(len(costs), onp.nan)),
    )


def gauss_newton(
    residual: Callable, x0: Any, *, jac: Any = None, tol: float = 1e-10, max_iter: int = 100
) -> OptimizeResult:
    """The Gauss-Newton method for ``min 0.5 |r(x)|^2``: ``x <- x + p`` with ``J p ~= -r``.

    The step solves the linearised problem ``min |r + J p|`` (in the least-squares sense, by
    ``numpy.linalg.lstsq``), which is Newton's method with the Hessian of ``0.5 |r|^2``,
    ``J^T J + sum_i r_i Hess r_i``, replaced by ``J^T J``. It converges quadratically on
    zero-residual problems, linearly (or not at all) when the residuals at the solution are
    large; there is no damping (see :func:`levenberg_marquardt` for that).

    Parameters
    ----------
    residual : callable
        ``r(x) -> (m,)`` with ``m >= n``; ``autograd.numpy`` when ``jac=None``.
    x0 : array-like, shape (n,)
    jac : None, "fd" or callable, optional
        ``None``: autograd; ``"fd"``: central differences (``2 n`` evaluations, counted in
        ``nfev``); a callable ``jac(x) -> (m, n)``.
    tol : float, optional
        Stop when ``|J^T r| <= tol`` or the step ``|p| <= tol (tol + |x|)``.
    max_iter : int, optional
        The largest number of steps.

    Returns
    -------
    OptimizeResult
        ``fun`` is the residual vector at ``x``, ``cost = 0.5 |r|^2``.

    Notes
    -----
    See the chapter ``least-squares``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> t = np.array([0.0, 1.0, 2.0]); y = 3.0 * np.exp(0.5 * t)
    >>> res = gauss_newton(lambda b: b[0] * np.exp(b[1] * t) - y, [2.0, 0.3])
    >>> onp.round(res.x, 10), res.success
    (array([3. , 0.5]), True)
    """
    func = "gauss_newton"
    x = as_vector(func, "x0", x0)
    res = _Residual(func, residual, jac, x)
    tol = as_real(func, "tol", tol, nonnegative=True)
    max_iter = as_positive_int(func, "max_iter", max_iter)
    r = res(x)
    xs, costs = [x.copy()], [0.5 * float(r @ r)]
    nit, success, message = 0, False, ""
    while True:
        J = res.jacobian(x)
        if not _finite(J):
            message = f"the Jacobian has NaN or inf entries at iteration {nit + 1}"
            break
        g = J.T @ r
        if _norm(g) <= tol:
            success, message = True, f"the gradient norm |J^T r| is <= tol = {tol:g}"
            break
        if nit >= max_iter:
            message = f"reached max_iter = {max_iter}"
            break
        p = onp.linalg.lstsq(J, -r, rcond=None)[0]
        x_new = x + p
        r_new = res(x_new)
        if not _finite(r_new) or not _finite(x_new):
            message = f"the residual became NaN or inf at iteration {nit + 1}"
            break
        x, r, nit = x_new, r_new, nit + 1
        xs.append(x.copy())
        costs.append(0.5 * float(r @ r))
        if _norm(p) <= tol * (tol + _norm(x)):
            success, message = True, f"the step is <= tol = {tol:g} relative to |x|"
            break
    return _lsq_result(res, x, r, nit, success, message, xs, costs)


def levenberg_marquardt(
    residual: Callable,
    x0: Any,
    *,
    jac: Any = None,
    ftol: float = 1e-10,
    xtol: float = 1e-10,
    gtol: float = 1e-10,
    max_nfev: int | None = None,
) -> OptimizeResult:
    """The Levenberg-Marquardt method for ``min 0.5 |r(x)|^2``, as MINPACK's ``lmder``.

    Each step solves the damped system ``(J^T J + lambda D^T D) p = -J^T r``: ``lambda = 0`` is a
    Gauss-Newton step, a large ``lambda`` a short step along the scaled steepest descent
    direction. Following Moré (1978), ``lambda`` is not tuned directly: it is the Lagrange
    multiplier that keeps the scaled step ``|D p|`` within a trust radius ``Delta``, which
    grows or shrinks with the ratio of the actual to the predicted reduction of the cost. The
    scaling ``D = diag(|column j of J|)`` (never decreasing) makes the method invariant under
    a rescaling of the variables, so badly scaled problems work.

    Parameters
    ----------
    residual : callable
        ``r(x) -> (m,)`` with ``m >= n``; ``autograd.numpy`` when ``jac=None``.
    x0 : array-like, shape (n,)
    jac : None, "fd" or callable, optional
        ``None``: autograd; ``"fd"``: central differences (``2 n`` evaluations per Jacobian,
        counted in ``nfev``); a callable ``jac(x) -> (m, n)``.
    ftol : float, optional
        Stop when the actual and predicted relative reductions of the cost are both at most
        ``ftol``.
    xtol : float, optional
        Stop when the trust radius is at most ``xtol |D x|``.
    gtol : float, optional
        Stop when the cosine between ``r`` and every column of ``J`` is at most ``gtol``.
    max_nfev : int, optional
        The largest number of function evaluations, those of the finite differences included
        (default ``100 (n + 1)``, times ``2 n + 1`` with ``jac="fd"``).

    Returns
    -------
    OptimizeResult
        ``fun`` is the residual vector at ``x`` and ``cost = 0.5 |r|^2``; ``history`` holds
        the accepted iterates and their costs. A trial point whose residual is NaN or infinite
        is rejected (the trust region shrinks); a non-finite Jacobian stops the run.

    Notes
    -----
    See the chapter ``least-squares``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> t = np.linspace(0.0, 1.0, 5); y = 2.0 * np.exp(-3.0 * t)
    >>> res = levenberg_marquardt(lambda b: b[0] * np.exp(b[1] * t) - y, [1.0, 0.0])
    >>> onp.round(res.x, 8), res.success, res.cost < 1e-20
    (array([ 2., -3.]), True, True)
    """
    func = "levenberg_marquardt"
    x = as_vector(func, "x0", x0)
    res = _Residual(func, residual, jac, x)
    ftol = as_real(func, "ftol", ftol, nonnegative=True)
    xtol = as_real(func, "xtol", xtol, nonnegative=True)
    gtol = as_real(func, "gtol", gtol, nonnegative=True)
    n = x.size
    if max_nfev is None:
        max_nfev = 100 * (n + 1) * (2 * n + 1 if isinstance(jac, str) else 1)
    else:
        max_nfev = as_positive_int(func, "max_nfev", max_nfev)
    out = lm_solve(
        res,
        res.jacobian,
        x,
        ftol=ftol,
        xtol=xtol,
        gtol=gtol,
        max_nfev=max_nfev,
        nfev=lambda: res.nfev,
    )
    return _lsq_result(
        res,
        onp.asarray(out.x, dtype=float),
        onp.asarray(out.fvec, dtype=float),
        out.nit,
        bool(out.success),
        out.message,
        list(out.xs),
        list(out.costs),
    )


# --------------------------------------------------------------------------------------------
# critical points
# --------------------------------------------------------------------------------------------


def classify_critical_point(f: Callable, x: Any, *, tol: float = 1e-8, gtol: float = 1e-6) -> str:
    """Classify a critical point of ``f: R^n -> R`` by the eigenvalues of its Hessian.

    With the eigenvalues ``lambda_i`` of the (autograd) Hessian at ``x``: all ``> tol`` gives
    ``"minimum"``, all ``< -tol`` gives ``"maximum"``, some ``> tol`` and some ``< -tol`` gives
    ``"saddle"``; otherwise some eigenvalue is zero (within ``tol``) without opposite signs
    elsewhere, and the second-derivative test says nothing: ``"inconclusive"``.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` written with ``autograd.numpy``.
    x : array-like, shape (n,)
        The point; it must be critical: ``|grad f(x)| <= gtol``, else ``ValueError``.
    tol : float, optional
        Eigenvalues with ``|lambda| <= tol`` count as zero.
    gtol : float, optional
        How small the gradient must be for ``x`` to count as critical.

    Returns
    -------
    str
        ``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"inconclusive"``.

    Notes
    -----
    See the chapter ``appendix-extrema``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> classify_critical_point(lambda v: v[0] ** 2 - v[1] ** 2, [0.0, 0.0])
    'saddle'
    >>> classify_critical_point(lambda v: v[0] ** 4 + v[1] ** 2, [0.0, 0.0])
    'inconclusive'
    """
    func = "classify_critical_point"
    check_callable(func, "f", f, nargs=1, call="f(x)")
    x = as_vector(func, "x", x)
    tol = as_real(func, "tol", tol, nonnegative=True)
    gtol = as_real(func, "gtol", gtol, nonnegative=True)
    try:
        _, g = _ad_value_and_grad(func, f, x, "f")
    except _NonFinite as err:
        raise ValueError(
            f"{func}: f must be finite with a finite gradient at x, but {err}"
        ) from None
    if _norm(g) > gtol:
        raise ValueError(
            f"{func}: x is not a critical point: |grad f(x)| = {_norm(g):.3g} > gtol = {gtol:g}"
        )
    H = jacobian_core(func, autograd.grad(f), x, "reverse")[1]
    if not _finite(H):
        raise ValueError(f"{func}: the Hessian of f at x has NaN or inf entries")
    eig = onp.linalg.eigvalsh(0.5 * (H + H.T))
    positive, negative = bool(onp.any(eig > tol)), bool(onp.any(eig < -tol))
    if positive and negative:
        return "saddle"
    if positive and bool(onp.all(eig > tol)):
        return "minimum"
    if negative and bool(onp.all(eig < -tol)):
        return "maximum"
    return "inconclusive"
