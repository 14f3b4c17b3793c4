"""Jacobian-enhanced neural networks (JENN): fit values **and** partial derivatives.

When a simulation returns its outputs ``y = f(x)`` together with their partials ``dy/dx`` (an
adjoint solver gives the gradient of an output for about the price of one more run), each
sample carries ``1 + n`` numbers per output instead of one. Berguin (2024) trains a
multilayer perceptron on all of them by adding the Jacobian error to the least-squares loss, ::

    L(W, b) = 1/(2N) [ beta  sum_i |y_hat(x_i) - y_i|^2
                     + gamma sum_i |dy_hat/dx(x_i) - dy/dx_i|_F^2
                     + lambda sum_l |W_l|_F^2 ],

so that the network must match the **slopes** of the data as well as its values. With
``gamma = 0`` it is ordinary least-squares regression.

The network's input Jacobian enters the loss, so it must be computed for a whole batch and be
differentiable. JENN propagates the partials forward through the layers, alongside the values
(one matrix product per layer, with ``A_0 = X`` and ``dA_0/dx = I``)::

    Z_l = W_l A_{l-1} + b_l,          dZ_l/dx = W_l dA_{l-1}/dx,
    A_l = sigma(Z_l),                 dA_l/dx = sigma'(Z_l) * dZ_l/dx      (hidden layers)
    Y_hat = Z_L,                      dY_hat/dx = dZ_L/dx                  (linear output)

(:func:`forward_partials`). This is forward-mode differentiation written out by hand, with the
``n`` seed directions ``e_1, ..., e_n`` travelling through the layers like ``n`` extra batches;
autograd then differentiates the whole recursion, ``sigma''`` included, with respect to the
weights for training.

Training is full batch on normalised data (as in the paper), by L-BFGS with the autograd
gradient (the default: on these small, smooth problems it needs a few hundred to a thousand
iterations; on the four-sample sinusoid Adam needs about 3,000 steps for the accuracy L-BFGS
reaches in about 200) or by :func:`jaccourse.optim.adam`. The weight decay is on by default
(``lambda_ = 0.03``): without it, L-BFGS drives the loss of sparse data to nearly zero through
one of many interpolating networks, and which one depends on the random initial weights (see
:class:`JENN` for how to choose ``lambda_``). Even with it, the loss of sparse data has
several local minima; :meth:`JENN.fit` trains from three initial weights by default
(``starts``) and keeps the run with the lowest loss.

What lives here:

* :func:`forward_partials`: values and input Jacobians of a network for a batch;
* :class:`JENN`: the model (``fit``, ``predict``, ``predict_jacobian``, ``loss``), trained by
  L-BFGS (default) or Adam on the normalised data;
* :class:`LossTerms`: the three pieces of the loss;
* :func:`r2_score`: the coefficient of determination, for values or for partials;
* data with exact partials: :func:`sinusoid` (``x sin x``), :func:`sinusoid_grid`,
  :func:`rastrigin`, :func:`rastrigin_grid`.

Shapes: inputs ``X (N, n)``, outputs ``Y (N, m)``, partials ``dYdX (N, m, n)`` with
``dYdX[i, j, k] = dy_j / dx_k`` at sample ``i``: a stack of the ``(m, n)`` Jacobians of the
course.

Reference: S. H. Berguin, *Jacobian-Enhanced Neural Networks*, arXiv:2406.09132 (2024).

See the chapter ``jenn``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import autograd
import autograd.numpy as np
import numpy as onp

from jaccourse._validation import as_array, as_positive_int, as_real, as_rng, describe
from jaccourse.nn import ACTIVATIONS, INITIALIZERS, Activation, get_activation, layer_pass
from jaccourse.optim import History, OptimizeResult, adam

__all__ = [
    "forward_partials",
    "LossTerms",
    "JENN",
    "r2_score",
    "sinusoid",
    "sinusoid_grid",
    "rastrigin",
    "rastrigin_grid",
    "RASTRIGIN_BOUNDS",
    "SINUSOID_BOUNDS",
]

#: The domain ``[-pi, pi]`` of the 1-D sinusoid ``x sin x`` (Berguin 2024).
SINUSOID_BOUNDS: tuple[float, float] = (-math.pi, math.pi)
#: The domain ``[-1, 1.5]^n`` of the Rastrigin experiments of Berguin (2024): two and a half
#: periods of the cosine per axis, with the global minimum at 0 off-centre.
RASTRIGIN_BOUNDS: tuple[float, float] = (-1.0, 1.5)


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------


def _matrix(func: str, name: str, value: Any, *, ndim: int, shape: tuple | None = None) -> Any:
    """``value`` as a finite float array of rank ``ndim`` (autograd boxes pass through)."""
    want = {1: "(n_l,)", 2: "(N, n)", 3: "(N, m, n)"}.get(ndim, f"{ndim}-D")
    if name.startswith("Y") and ndim == 2:
        want = "(N, m)"

    def check_shape(shp: tuple) -> None:
        if len(shp) != ndim:
            hint = ""
            if len(shp) == 1 and ndim == 2:
                hint = " (one feature per column: use X.reshape(-1, 1))"
            raise ValueError(
                f"{func}: {name} must be a {ndim}-D array of shape {want}, got shape {shp}{hint}"
            )
        if shape is not None:
            for got, expected in zip(shp, shape, strict=True):
                if expected is not None and got != expected:
                    symbols = want.strip("()").split(", ")
                    dims = ", ".join(
                        s if e is None else str(e) for s, e in zip(symbols, shape, strict=True)
                    )
                    dims = f"({dims},)" if len(shape) == 1 else f"({dims})"
                    raise ValueError(f"{func}: {name} must have shape {dims}, got shape {shp}")
        if 0 in shp:
            raise ValueError(f"{func}: {name} must not be empty, got shape {shp}")

    return as_array(func, name, value, traced=True, check_shape=check_shape)


def _nonneg(func: str, name: str, value: Any) -> float:
    return as_real(func, name, value, nonnegative=True)


def _hidden(func: str, hidden: Any) -> tuple[int, ...]:
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if not isinstance(hidden, (list, tuple)):
        raise TypeError(
            f"{func}: hidden must be a tuple of layer widths such as (12, 12), "
            f"got {describe(hidden)}"
        )
    return tuple(as_positive_int(func, f"hidden[{i}]", h) for i, h in enumerate(hidden))


# --------------------------------------------------------------------------------------------
# forward propagation of partials
# --------------------------------------------------------------------------------------------


def _fast_activation(act: Activation) -> tuple[Callable, Callable]:
    """``(sigma, sigma')`` for the training loop, ``sigma'`` as a function of ``(Z, A)``.

    autograd pays a fixed overhead for every operation it records, and the loss is evaluated
    thousands of times, so for ``tanh`` and ``sigmoid`` the derivative is taken from the value
    already computed: ``tanh' = 1 - A^2``, ``sigmoid' = A (1 - A)``; ``tanh`` itself is
    ``np.tanh`` (one operation; the course's overflow-proof :data:`jaccourse.nn.tanh` takes about
    nine). Its autograd derivative ``1 / cosh(z)^2`` overflows only for ``|z| > 355``, far from
    the pre-activations of a network on normalised data, and :meth:`JENN.fit` evaluates the
    gradient with floating-point warnings silenced. Any other element-wise activation uses
    its own ``fn`` and ``fn_derivative``."""
    if act is ACTIVATIONS["tanh"]:
        return np.tanh, lambda Z, A: 1.0 - A * A
    if act is ACTIVATIONS["sigmoid"]:
        return act.fn, lambda Z, A: A * (1.0 - A)
    derivative = cast(Callable, act.fn_derivative)  # element-wise: it is set
    return act.fn, lambda Z, A: derivative(Z)


def _propagate(
    Ws: Sequence[Any], bs: Sequence[Any], act: Activation, X: Any, partials: bool = True
) -> tuple[Any, Any]:
    """The raw recursion (autograd.numpy, no checks): ``(Y_hat (N, m), T)``.

    ``T`` holds the partials as ``n`` tangent batches, ``T[k, i, j] = dy_j/dx_k`` at ``X[i]``
    (shape ``(n, N, m)``): the ``k``-th seed direction ``e_k`` travels through the layers like
    a batch of inputs, multiplied by the same ``W^T`` and scaled by ``sigma'(Z)``, so one
    matrix product per layer serves all samples and all directions. With ``partials=False``
    ``T`` is ``None`` and only values are propagated."""
    fn, deriv = _fast_activation(act)
    if not partials:
        return layer_pass(Ws, bs, fn, _linear, X), None
    As, Zs = layer_pass(Ws, bs, fn, _linear, X, keep=True)  # A_0 = X, ..., A_L = Z_L = Y
    T = None
    last = len(Ws) - 1
    for l, W in enumerate(Ws):
        Wt = np.transpose(W)  # (n_{l-1}, n_l)
        # dZ/dx_k = W dA/dx_k; for the first layer dA_0/dx_k = e_k, so dZ_1/dx_k = W[:, k].
        dZ = Wt[:, None, :] if T is None else np.dot(T, Wt)  # (n, N or 1, n_l)
        if l == last:
            if T is None:  # no hidden layer: y = W x + b
                dZ = dZ + np.zeros((1, np.shape(X)[0], 1))
            return As[-1], dZ
        T = deriv(Zs[l], As[l + 1]) * dZ  # sigma'(Z) * dZ/dx_k
    raise AssertionError("unreachable")


def _linear(Z: Any) -> Any:
    """The output layer of a JENN network is linear: ``y = Z_L``."""
    return Z


def _to_jacobians(T: Any) -> Any:
    """Tangent batches ``(n, N, m)`` to stacked Jacobians ``(N, m, n)``."""
    return np.transpose(T, (1, 2, 0))


def forward_partials(
    weights: Sequence[Any], biases: Sequence[Any], X: Any, activation: str | Activation = "tanh"
) -> tuple[Any, Any]:
    """The outputs of a network **and** their input Jacobians for a whole batch, in one pass.

    The network is ``A_0 = x``, ``Z_l = W_l A_{l-1} + b_l``, ``A_l = sigma(Z_l)`` for the hidden
    layers and a linear output ``y = Z_L``. The chain rule, carried forward layer by layer::

        dZ_l/dx = W_l dA_{l-1}/dx,      dA_l/dx = sigma'(Z_l) * dZ_l/dx,      dA_0/dx = I,

    gives ``dy/dx = dZ_L/dx``: for each sample an ``(n_l, n)`` matrix per layer, each row scaled
    by ``sigma'`` of its unit (the element-wise product is ``diag(sigma'(Z_l)) W_l dA_{l-1}``
    without forming the diagonal matrix). This is forward-mode differentiation with ``n`` seed
    directions at once; it is written with ``autograd.numpy`` so that autograd can differentiate
    it again, with respect to the weights (JENN training) or to ``X``.

    Parameters
    ----------
    weights : sequence of arrays
        ``W_l`` of shape ``(n_l, n_{l-1})`` (rows are outputs, as in a Jacobian); the last is
        ``(m, n_{L-1})``.
    biases : sequence of arrays
        ``b_l`` of shape ``(n_l,)``.
    X : array, shape (N, n)
        The batch of inputs.
    activation : str or Activation
        The hidden activation, element-wise with a derivative (see
        :func:`jaccourse.nn.get_activation`).

    Returns
    -------
    Y : array, shape (N, m)
    dYdX : array, shape (N, m, n)
        ``dYdX[i]`` is the Jacobian ``dy/dx`` at ``X[i]``.

    Notes
    -----
    See the chapter ``jenn``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.jenn import forward_partials
    >>> W1, b1 = onp.array([[1.0, 2.0]]), onp.zeros(1)        # y = 3 tanh(x1 + 2 x2)
    >>> W2, b2 = onp.array([[3.0]]), onp.zeros(1)
    >>> Y, J = forward_partials([W1, W2], [b1, b2], onp.zeros((4, 2)))
    >>> Y.shape, J.shape, J[0]                                # 3 tanh'(0) (1, 2)
    ((4, 1), (4, 1, 2), array([[3., 6.]]))
    """
    func = "forward_partials"
    act = _activation(func, activation)
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(
            f"{func}: weights must be a non-empty list of 2-D arrays, got {describe(weights)}"
        )
    if not isinstance(biases, (list, tuple)) or len(biases) != len(weights):
        raise ValueError(
            f"{func}: biases must be a list of {len(weights)} vectors (one per "
            f"layer), got {describe(biases)}"
        )
    X = _matrix(func, "X", X, ndim=2)
    Ws: list[Any] = []
    bs: list[Any] = []
    for l, (W, b) in enumerate(zip(weights, biases, strict=True)):
        W = _matrix(func, f"weights[{l}]", W, ndim=2)
        n_in = onp.shape(X)[1] if l == 0 else onp.shape(Ws[-1])[0]
        if onp.shape(W)[1] != n_in:
            raise ValueError(
                f"{func}: weights[{l}] must have {n_in} columns to chain with "
                f"{'X' if l == 0 else f'weights[{l - 1}]'}, got shape "
                f"{onp.shape(W)}"
            )
        b = _matrix(func, f"biases[{l}]", b, ndim=1, shape=(onp.shape(W)[0],))
        Ws.append(W)
        bs.append(b)
    Y, T = _propagate(Ws, bs, act, X)
    return Y, _to_jacobians(T)


def _activation(func: str, activation: Any) -> Activation:
    try:
        act = get_activation(activation)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{func}: {err}") from None
    if not act.elementwise:
        raise ValueError(
            f"{func}: activation must be element-wise (with a derivative), got {act.name}"
        )
    return act


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------


class LossTerms(NamedTuple):
    """The pieces of the JENN loss (normalised units), each already divided by ``2N``.

    ``total = values + partials + regularization`` with
    ``values = beta/(2N) sum |y_hat - y|^2``,
    ``partials = gamma/(2N) sum |dy_hat/dx - dy/dx|_F^2`` and
    ``regularization = lambda/(2N) sum_l |W_l|_F^2``.

    See the chapter ``jenn``.

    Examples
    --------
    >>> LossTerms(1.0, 0.5, 0.25, 0.25).total
    1.0
    """

    total: float
    values: float
    partials: float
    regularization: float


@dataclass(frozen=True)
class _Scaling:
    """Affine normalisation ``x_n = (x - x_mean) / x_scale``, same for ``y``."""

    x_mean: onp.ndarray
    x_scale: onp.ndarray
    y_mean: onp.ndarray
    y_scale: onp.ndarray


def _scales(func: str, X: onp.ndarray, Y: onp.ndarray, normalize: bool) -> _Scaling:
    """The normalisation of ``X`` and ``Y``; refuses data whose mean or spread overflows."""
    n, m = X.shape[1], Y.shape[1]
    if not normalize:
        return _Scaling(onp.zeros(n), onp.ones(n), onp.zeros(m), onp.ones(m))
    stats = []
    for name, data in (("X", X), ("Y", Y)):
        with onp.errstate(over="ignore", invalid="ignore"):
            mean, std = data.mean(axis=0), data.std(axis=0)
        bad = ~(onp.isfinite(mean) & onp.isfinite(std))
        if bad.any():
            j = int(onp.flatnonzero(bad)[0])
            raise ValueError(
                f"{func}: {name} is too large to normalise: the mean or standard "
                f"deviation of its column {j} overflows to inf (|{name}| up to "
                f"{onp.abs(data).max():.3g}); rescale {name} before fitting"
            )
        stats.append((mean, onp.where(std > 0, std, 1.0)))  # a constant column: centred only
    (mx, sx), (my, sy) = stats
    return _Scaling(mx, sx, my, sy)


class JENN:
    """A Jacobian-enhanced neural network (Berguin 2024): an MLP fit to values and partials.

    The network ``y_hat(x)`` has the hidden layers ``hidden`` with ``activation`` and a linear
    output layer. :meth:`fit` minimises ::

        L = 1/(2N) [ beta sum_i |y_hat(x_i) - y_i|^2 + gamma sum_i |dy_hat/dx(x_i) - dy/dx_i|_F^2
                     + lambda sum_l |W_l|_F^2 ]

    over the weights and biases, on normalised data (``normalize=True``, as in the paper): with
    ``x_n = (x - mean x) / std x`` and ``y_n = (y - mean y) / std y`` per column, the partials
    become ``dy_n/dx_n = dy/dx * std x / std y`` (entry ``(j, k)`` scaled by
    ``std x_k / std y_j``), so that every term of ``L`` is dimensionless. ``y_hat`` and its
    Jacobian are computed for the whole batch by :func:`forward_partials`; the gradient of
    ``L`` comes from autograd. ``gamma = 0`` (or ``dYdX=None``) is ordinary least-squares
    regression.

    Parameters
    ----------
    hidden : tuple of int
        Widths of the hidden layers. The default, one layer of 64 units, is what
        ``benchmarks/jenn.py`` found robust on Rastrigin; the paper's ``(12,)`` suits ``x sin x``.
    activation : str or Activation
        Hidden activation, element-wise and smooth (``"tanh"``, ``"sigmoid"``, ``"softplus"``);
        the partials of a ``relu`` network are piecewise constant.
    beta, gamma, lambda_ : float
        Weights of the value error, the partials error and the ``L2`` penalty on the weights
        (not the biases), all ``>= 0``; ``beta + gamma > 0``. Defaults ``1, 1, 0.03``: see
        *Choosing lambda* below.
    rng : numpy.random.Generator, int or None
        Source of the initial weights. An int gives the same weights at every :meth:`fit`.
    init : str
        Initialiser of the weights, a name in :data:`jaccourse.nn.INITIALIZERS` (biases start
        at 0). The default, Kaiming normal (``Var W = 2 / fan_in``), gives the first layer of
        a network with one or two inputs weights of order 1, so its units start with varied
        slopes; Xavier's ``2 / (fan_in + fan_out)`` makes them ~6 times smaller, nearly linear,
        and training on Rastrigin took about twice as many iterations (measured).
    normalize : bool
        Fit on normalised data (recommended).
    starts : int
        How many training runs :meth:`fit` makes, each from its own initial weights (drawn one
        after the other from ``rng``); it keeps the run with the lowest final loss. Default 3,
        at most 100. On sparse data the run with the lowest loss is nearly always the one
        that generalises best (measured in *Choosing lambda* below). ``starts=1`` trains
        once, from the same weights as the first of several starts.

    Attributes
    ----------
    weights_, biases_ : tuple of arrays
        The trained parameters (every attribute ending in ``_`` is set by :meth:`fit`), in
        **normalised** units, ``W_l`` of shape
        ``(n_l, n_{l-1})``.
    x_mean_, x_scale_, y_mean_, y_scale_ : ndarray
        The normalisation, shapes ``(n,)`` and ``(m,)``.
    n_inputs_, n_outputs_ : int
        ``n`` and ``m``.
    result_ : jaccourse.optim.OptimizeResult
        The optimiser's result for the start kept (``x``: the parameters as one vector,
        ``fun``: the final loss).
    start_losses_ : ndarray, shape (starts,)
        The final loss of every start, in the order they ran.
    history_ : jaccourse.optim.History
        The loss ``history_.fun`` after each iteration (for a convergence plot).

    Notes
    -----
    **Choosing lambda.** The data terms and the penalty are all divided by ``2N`` and the data
    are normalised, so ``lambda_`` is a number on the scale of the squared errors of a
    normalised value or partial, the same for every data set of the same shape; its weight
    relative to the data falls like ``1 / N`` as samples are added (each sample adds
    ``m (1 + n)`` squared errors to the sum, the penalty stays one term).

    * ``lambda_ = 0`` lets the network interpolate. When the data hold fewer numbers than the
      network has parameters (a ``5 x 5`` Rastrigin grid with partials: 75 numbers, and 205
      parameters in ``hidden=(12, 12)``), L-BFGS reaches a training loss near ``1e-5`` through
      a network that swings between the samples, and the test ``R^2`` depends on the seed
      (median ``-36`` over five seeds there; ``benchmarks/jenn.py --before``).
    * The default ``lambda_ = 0.03`` picks, among the networks that nearly fit the data, one
      with small weights: a smooth one. It was chosen on that setup and the ``6 x 6`` grid
      (five seeds each, one start; median test ``R^2``, worst seed in brackets):
      ``lambda_ = 0.01, 0.03, 0.1`` give ``0.60 (-1.1), 0.81 (0.68), 0.86 (0.76)`` on
      ``5 x 5``, and ``0.94 (0.67), 0.95 (0.77), 0.50 (0.03)`` on ``6 x 6``, whose samples
      sit on the crests and troughs of the bumps, so that fitting them takes large weights
      (``lambda_ = 0`` gives ``0.74 (-0.19)`` there).
    * The penalty does not remove the local minima: on ``6 x 6`` a run ends near ``R^2 =
      0.77`` or near 1 depending on its initial weights, and over ten seeds no single
      ``lambda_`` (0.01 or 0.03, one start each) matched the reference ``jenn`` package on
      every setup. But the final training loss tells the good runs from the bad: over 30
      seeds its correlation with the test ``R^2`` was -0.72 to -0.97 on ``5 x 5`` and
      ``6 x 6`` with ``(12, 12)`` and ``6 x 6`` and ``8 x 8`` with ``(8,)`` (only the tiny
      ``5 x 5`` with ``(8,)``, which fits badly from every start, showed none: 0.12 and
      0.26, and there three starts do a little worse than one). Hence
      ``starts=3``: three runs, the lowest loss kept. ``benchmarks/jenn.py`` (ten seeds,
      median ``[min, max]`` of the test ``R^2``, with partials) against ``jenn``
      (normalised, its defaults):

      ============  ====================  ====================  ====================
      setup         defaults              one start             ``jenn``
      ============  ====================  ====================  ====================
      5x5 (12, 12)  0.86 [0.75, 0.89]     0.82 [-3.27, 0.89]    0.54 [-0.31, 0.62]
      6x6 (12, 12)  0.98 [0.95, 0.99]     0.93 [0.76, 0.99]     0.92 [0.60, 0.95]
      8x8 (12, 12)  0.99 [0.95, 1.00]     0.98 [0.94, 1.00]     0.98 [0.94, 0.98]
      5x5 (8,)      0.19 [-0.34, 0.57]    0.31 [-0.34, 0.44]    -0.14 [-1.35, 0.10]
      6x6 (8,)      0.75 [0.56, 0.82]     0.56 [0.56, 0.82]     0.66 [0.55, 0.74]
      8x8 (8,)      0.92 [0.72, 0.96]     0.60 [0.45, 0.96]     0.69 [0.54, 0.86]
      ============  ====================  ====================  ====================

      Without the partials the defaults lead on all six setups too. A fit costs three
      times as much.
    * To tune it for your data, hold some samples out (or use k-fold cross-validation): fit
      with ``lambda_`` in ``0.01, 0.03, 0.1, 0.3, 1``, keep the value with the best held-out
      ``R^2`` (:func:`r2_score`) and refit on all samples. Too large a ``lambda_`` shows as a
      poor fit of the training data itself (training ``R^2`` well below 1: the penalty
      dominates the loss); too small as a training ``R^2`` of 1 with a poor held-out one. With
      dense data (many numbers per parameter) the penalty hardly matters and ``0.01`` fits
      closer; with very few samples (four of ``x sin x``) a larger ``0.1`` is as good.

    See the chapter ``jenn``.

    Examples
    --------
    >>> from jaccourse.jenn import JENN, sinusoid, sinusoid_grid, r2_score
    >>> X, Y, dYdX = sinusoid_grid(4)                       # 4 samples of x sin x with slopes
    >>> model = JENN(hidden=(12,), lambda_=0.1, rng=0).fit(X, Y, dYdX)
    >>> Xt, Yt, _ = sinusoid_grid(50)
    >>> round(r2_score(Yt, model.predict(Xt)), 2)           # (values alone: R^2 < 0)
    0.99
    >>> model.predict_jacobian(Xt).shape                    # (N, m, n)
    (50, 1, 1)
    """

    def __init__(
        self,
        hidden: Sequence[int] | int = (64,),
        activation: str | Activation = "tanh",
        beta: float = 1.0,
        gamma: float = 1.0,
        lambda_: float = 0.03,
        rng: onp.random.Generator | int | None = None,
        *,
        init: str = "kaiming_normal",
        normalize: bool = True,
        starts: int = 3,
    ) -> None:
        func = "JENN"
        self.hidden = _hidden(func, hidden)
        self.activation = _activation(func, activation)
        self.beta = _nonneg(func, "beta", beta)
        self.gamma = _nonneg(func, "gamma", gamma)
        self.lambda_ = _nonneg(func, "lambda_", lambda_)
        if self.beta == 0 and self.gamma == 0:
            raise ValueError(
                f"{func}: beta and gamma are both 0, so the loss ignores the data; "
                "make at least one of them > 0"
            )
        if not isinstance(init, str) or init not in INITIALIZERS:
            raise ValueError(
                f"{func}: init must be one of {sorted(INITIALIZERS)}, got {describe(init)}"
            )
        self.init = init
        if not isinstance(normalize, bool):
            raise TypeError(f"{func}: normalize must be True or False, got {describe(normalize)}")
        self.normalize = normalize
        self.starts = as_positive_int(func, "starts", starts, maximum=100)
        as_rng(func, rng)  # refuse a bad rng now, not at fit time
        self.rng = rng
        self._fitted = False

    def __repr__(self) -> str:
        return (
            f"JENN(hidden={self.hidden}, activation={self.activation.name!r}, "
            f"beta={self.beta:g}, gamma={self.gamma:g}, lambda_={self.lambda_:g}, "
            f"starts={self.starts})"
        )

    # ---- parameters ----------------------------------------------------------------------

    def _sizes(self) -> tuple[int, ...]:
        return (self.n_inputs_,) + self.hidden + (self.n_outputs_,)

    def _shapes(self) -> list[tuple[int, ...]]:
        """Shapes of the parameter list ``[W_1, ..., W_L, b_1, ..., b_L]``."""
        sizes = self._sizes()
        return [(o, i) for i, o in zip(sizes[:-1], sizes[1:], strict=True)] + [
            (o,) for o in sizes[1:]
        ]

    def _unflatten(self, p: onp.ndarray) -> list[onp.ndarray]:
        """The flat vector ``p`` as the list ``[W_1, ..., W_L, b_1, ..., b_L]`` (views)."""
        out, start = [], 0
        for shape in self._shapes():
            size = math.prod(shape)
            out.append(p[start : start + size].reshape(shape))
            start += size
        return out

    def _initial_params(self, gen: onp.random.Generator) -> onp.ndarray:
        sizes = self._sizes()
        init = INITIALIZERS[self.init]
        Ws = [init(n_in, n_out, gen) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        return onp.concatenate([W.ravel() for W in Ws] + [onp.zeros(n) for n in sizes[1:]])

    @property
    def n_params(self) -> int:
        """The number of weights and biases (after :meth:`fit`).

        See the chapter ``jenn``.

        Examples
        --------
        >>> from jaccourse.jenn import JENN, sinusoid_grid
        >>> JENN(hidden=(12,), rng=0).fit(*sinusoid_grid(4), max_iter=1).n_params   # 12+12+12+1
        37
        """
        self._check_fitted("JENN.n_params")
        return int(self.result_.x.size)

    # ---- the loss --------------------------------------------------------------------------

    def _terms(self, params: Sequence[Any], Xn: Any, Yn: Any, Tn: Any) -> tuple[Any, Any, Any]:
        """``(values, partials, regularisation)`` for the parameter list ``params``;
        ``Tn`` is ``None`` or the normalised partials as tangent batches ``(n, N, m)``."""
        L = len(params) // 2
        Ws, bs = params[:L], params[L:]
        use_partials = self.gamma > 0 and Tn is not None
        Yhat, That = _propagate(Ws, bs, self.activation, Xn, partials=use_partials)
        two_n = 2.0 * np.shape(Xn)[0]
        values = self.beta * np.sum((Yhat - Yn) ** 2) / two_n if self.beta > 0 else 0.0
        partials = self.gamma * np.sum((That - Tn) ** 2) / two_n if use_partials else 0.0
        reg = self.lambda_ * sum(np.sum(W * W) for W in Ws) / two_n if self.lambda_ > 0 else 0.0
        return values, partials, reg

    def _normalised(
        self, X: onp.ndarray, Y: onp.ndarray, dYdX: onp.ndarray | None
    ) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray | None]:
        """``X_n``, ``Y_n`` and the partials ``dy_n/dx_n`` as tangent batches ``(n, N, m)``."""
        s = self._scaling
        Xn = (X - s.x_mean) / s.x_scale
        Yn = (Y - s.y_mean) / s.y_scale
        if dYdX is None:
            return Xn, Yn, None
        Jn = dYdX * s.x_scale[None, None, :] / s.y_scale[None, :, None]
        return Xn, Yn, onp.ascontiguousarray(onp.transpose(Jn, (2, 0, 1)))

    def loss(self, X: Any, Y: Any, dYdX: Any = None) -> LossTerms:
        """The JENN loss of the fitted network on ``(X, Y, dYdX)``, term by term.

        ``L = 1/(2N) [beta sum |y_hat - y|^2 + gamma sum |dy_hat/dx - dy/dx|_F^2
        + lambda sum |W|^2]``, evaluated in the normalised units of the fit (the scaling of
        :meth:`fit` is reused, so on the training data this is the minimised objective).
        ``dYdX=None`` drops the partials term. Shapes: ``X (N, n)``, ``Y (N, m)``,
        ``dYdX (N, m, n)``.

        See the chapter ``jenn``.

        Examples
        --------
        >>> from jaccourse.jenn import JENN, sinusoid_grid
        >>> X, Y, dYdX = sinusoid_grid(4)
        >>> model = JENN(hidden=(8,), rng=0).fit(X, Y, dYdX)
        >>> terms = model.loss(X, Y, dYdX)
        >>> bool(abs(terms.total - model.result_.fun) < 1e-12)
        True
        """
        func = "JENN.loss"
        self._check_fitted(func)
        X, Y, dYdX = self._data(func, X, Y, dYdX, n=self.n_inputs_, m=self.n_outputs_)
        Xn, Yn, Tn = self._normalised(X, Y, dYdX)
        v, d, r = (float(t) for t in self._terms(self._unflatten(self.result_.x), Xn, Yn, Tn))
        return LossTerms(v + d + r, v, d, r)

    # ---- fitting ---------------------------------------------------------------------------

    @staticmethod
    def _data(
        func: str, X: Any, Y: Any, dYdX: Any, n: int | None = None, m: int | None = None
    ) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray | None]:
        X = _matrix(func, "X", X, ndim=2, shape=(None, n))
        N, n = X.shape
        Y = _matrix(func, "Y", Y, ndim=2, shape=(N, m))
        m = Y.shape[1]
        if dYdX is not None:
            dYdX = _matrix(func, "dYdX", dYdX, ndim=3, shape=(N, m, n))
        return X, Y, dYdX

    def fit(
        self,
        X: Any,
        Y: Any,
        dYdX: Any = None,
        *,
        method: str = "lbfgs",
        max_iter: int = 1000,
        tol: float = 1e-10,
        lr: float = 0.01,
    ) -> JENN:
        """Train the network on values ``Y`` and (if given) partials ``dYdX``; returns ``self``.

        Minimises ``L = 1/(2N) [beta sum |y_hat - y|^2 + gamma sum |dy_hat/dx - dy/dx|_F^2
        + lambda sum |W|^2]`` on the normalised data, full batch, from weights drawn with
        ``rng``; the gradient of ``L`` with respect to the parameters is autograd's reverse pass
        through :func:`forward_partials`. Without ``dYdX`` (or with ``gamma = 0``) the partials
        are not propagated at all: plain regression.

        Parameters
        ----------
        X : array, shape (N, n)
        Y : array, shape (N, m)
        dYdX : array, shape (N, m, n), optional
            ``dYdX[i, j, k] = dy_j/dx_k`` at ``X[i]``.
        method : {"lbfgs", "adam"}
            ``"lbfgs"`` (default): scipy's L-BFGS-B (memory 50) with the autograd gradient,
            which fits these small smooth problems in a few hundred iterations.
            ``"adam"``: :func:`jaccourse.optim.adam` with step ``lr`` for ``max_iter`` steps,
            full batch (the paper's optimiser; it needs many times more steps).
        max_iter : int
            Iteration budget (L-BFGS iterations or Adam steps).
        tol : float
            L-BFGS: stop when the largest gradient entry is ``<= tol`` or the relative decrease
            of ``L`` is below ``tol``; Adam: stop when ``|grad L| <= tol``.
        lr : float
            Adam's step size (ignored by L-BFGS).

        Returns
        -------
        JENN
            ``self``, trained: see the attributes in the class docstring.

        Notes
        -----
        See the chapter ``jenn``.

        Examples
        --------
        >>> from jaccourse.jenn import JENN, sinusoid_grid
        >>> X, Y, dYdX = sinusoid_grid(4)
        >>> model = JENN(hidden=(8,), rng=0).fit(X, Y, dYdX, max_iter=50)
        >>> model.result_.nit <= 50, model.history_.fun.shape == (model.result_.nit + 1,)
        (True, True)
        """
        func = "JENN.fit"
        X, Y, dYdX = self._data(func, X, Y, dYdX)
        if method not in ("lbfgs", "adam"):
            raise ValueError(f"{func}: method must be 'lbfgs' or 'adam', got {describe(method)}")
        max_iter = as_positive_int(func, "max_iter", max_iter)
        tol = as_real(func, "tol", tol, nonnegative=True)
        lr = as_real(func, "lr", lr, positive=True)
        if self.gamma == 0 or dYdX is None:
            if self.beta == 0:
                raise ValueError(f"{func}: beta = 0 needs partials to fit, but dYdX is None")
        self._fitted = False  # a fit that fails below leaves no stale model
        self.n_inputs_, self.n_outputs_ = X.shape[1], Y.shape[1]
        self._scaling = _scales(func, X, Y, self.normalize)
        with onp.errstate(over="ignore", invalid="ignore"):
            Xn, Yn, Tn = self._normalised(X, Y, dYdX)
        for name, arr in (("X", Xn), ("Y", Yn), ("dYdX", Tn)):
            if arr is not None and not onp.all(onp.isfinite(arr)):
                raise ValueError(
                    f"{func}: {name} overflows to inf once normalised (dYdX is "
                    "scaled by x_scale / y_scale); rescale the data before fitting"
                )

        def objective(params: list) -> Any:  # params = [W_1, ..., W_L, b_1, ..., b_L]
            values, partials, reg = self._terms(params, Xn, Yn, Tn)
            return values + partials + reg

        grad_list = autograd.value_and_grad(objective)

        def value_and_grad(p: onp.ndarray) -> tuple[float, onp.ndarray]:
            with onp.errstate(all="ignore"):
                f, gs = grad_list(self._unflatten(p))
            return float(f), onp.concatenate([onp.ravel(g) for g in gs])

        def train(p0: onp.ndarray) -> Any:
            if method == "lbfgs":
                return _lbfgs(value_and_grad, p0, max_iter=max_iter, tol=tol)
            cache: dict[str, Any] = {}

            def cached(p: onp.ndarray) -> tuple[float, onp.ndarray]:
                key = p.tobytes()
                if cache.get("key") != key:
                    cache.update(key=key, out=value_and_grad(p))
                return cache["out"]

            return adam(
                lambda p: cached(p)[0],
                p0,
                lr=lr,
                steps=max_iter,
                tol=tol,
                grad=lambda p: cached(p)[1],
            )

        # the starts draw their weights one after the other from one generator: with an int
        # rng the first start is the single start of starts=1, whatever `starts` is
        gen = as_rng(func, self.rng)
        runs = [train(self._initial_params(gen)) for _ in range(self.starts)]
        finite = [r for r in runs if math.isfinite(r.fun)]
        res = min(finite, key=lambda r: r.fun) if finite else runs[0]
        if not math.isfinite(res.fun):
            raise ValueError(
                f"{func}: the loss is not finite after training (it overflows at "
                "every step); the data are too large for this network: rescale "
                "them or use normalize=True"
            )
        self.result_ = res
        self.history_ = res.history
        self.start_losses_ = onp.array([r.fun for r in runs])
        params = [onp.array(a) for a in self._unflatten(res.x)]
        L = len(params) // 2
        self.weights_, self.biases_ = tuple(params[:L]), tuple(params[L:])
        s = self._scaling
        self.x_mean_, self.x_scale_, self.y_mean_, self.y_scale_ = (
            s.x_mean,
            s.x_scale,
            s.y_mean,
            s.y_scale,
        )
        self._fitted = True
        return self

    # ---- prediction ------------------------------------------------------------------------

    def _check_fitted(self, func: str) -> None:
        # ValueError, like scikit-learn's NotFittedError (a ValueError too): the model is an
        # argument in the wrong state for this call, and the caller can fix it by calling fit.
        if not getattr(self, "_fitted", False):
            raise ValueError(
                f"{func}: this JENN is not fitted yet; call fit(X, Y, dYdX) before predicting"
            )

    def _inputs(self, func: str, X: Any) -> Any:
        self._check_fitted(func)
        return _matrix(func, "X", X, ndim=2, shape=(None, self.n_inputs_))

    def predict(self, X: Any) -> Any:
        """The predicted outputs ``y_hat(X)``, shape ``(N, m)`` for ``X`` of shape ``(N, n)``.

        ``y_hat(x) = y_mean + y_scale * net((x - x_mean) / x_scale)``. Written with
        ``autograd.numpy``: autograd can differentiate it with respect to ``X`` (the check of
        :meth:`predict_jacobian`).

        See the chapter ``jenn``.

        Examples
        --------
        >>> from jaccourse.jenn import JENN, sinusoid_grid
        >>> X, Y, dYdX = sinusoid_grid(4)
        >>> JENN(hidden=(8,), rng=0).fit(X, Y, dYdX).predict(X).shape
        (4, 1)
        """
        X = self._inputs("JENN.predict", X)
        s = self._scaling
        Y, _ = _propagate(
            self.weights_, self.biases_, self.activation, (X - s.x_mean) / s.x_scale, partials=False
        )
        return s.y_mean + s.y_scale * Y

    def predict_jacobian(self, X: Any) -> Any:
        """The predicted partials ``dy_hat/dx``, shape ``(N, m, n)`` for ``X`` of shape ``(N, n)``.

        Forward propagation of partials (:func:`forward_partials`) in normalised units, then
        the chain rule through the scaling: ``dy/dx[j, k] = y_scale_j / x_scale_k *
        dy_n/dx_n[j, k]``. Exact (to rounding): the same numbers as autograd's Jacobian of
        :meth:`predict`, sample by sample, for the cost of one batched pass.

        See the chapter ``jenn``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.jenn import JENN, rastrigin_grid
        >>> X, Y, dYdX = rastrigin_grid(3)
        >>> model = JENN(hidden=(6,), rng=0).fit(X, Y, dYdX, max_iter=20)
        >>> model.predict_jacobian(onp.zeros((5, 2))).shape
        (5, 1, 2)
        """
        X = self._inputs("JENN.predict_jacobian", X)
        s = self._scaling
        _, T = _propagate(
            self.weights_, self.biases_, self.activation, (X - s.x_mean) / s.x_scale, partials=True
        )
        return _to_jacobians(T) * s.y_scale[None, :, None] / s.x_scale[None, None, :]


_MAXCOR = 50


def _lbfgs(
    value_and_grad: Callable, p0: onp.ndarray, *, max_iter: int, tol: float
) -> OptimizeResult:
    """scipy's L-BFGS-B on ``value_and_grad(p) -> (L, grad L)``; a jaccourse OptimizeResult."""
    from scipy.optimize import minimize

    last: dict[str, Any] = {}
    counts = [0]

    def fun(p: onp.ndarray) -> tuple[float, onp.ndarray]:
        counts[0] += 1
        f, g = value_and_grad(p)
        if not (math.isfinite(f) and onp.all(onp.isfinite(g))):
            f, g = math.inf, onp.zeros_like(p)  # L-BFGS-B backtracks from a non-finite value
        last.update(p=p.copy(), f=f, g=g)
        return f, g

    f0, g0 = fun(p0)
    xs, fs, gs = [p0.copy()], [f0], [float(onp.linalg.norm(g0))]

    def callback(intermediate_result: Any) -> None:
        x = intermediate_result.x
        xs.append(onp.array(x))
        fs.append(float(intermediate_result.fun))
        same = "p" in last and onp.array_equal(last["p"], x)
        gs.append(float(onp.linalg.norm(last["g"])) if same else math.nan)

    res = minimize(
        fun,
        p0,
        jac=True,
        method="L-BFGS-B",
        callback=callback,
        options={"maxiter": max_iter, "gtol": tol, "ftol": tol, "maxcor": _MAXCOR},
    )
    return OptimizeResult(
        x=onp.asarray(res.x),
        fun=float(res.fun),
        cost=float(res.fun),
        nit=int(res.nit),
        nfev=counts[0],
        njev=counts[0],
        success=bool(res.success),
        message=str(res.message),
        history=History(onp.array(xs), onp.array(fs), onp.array(gs)),
    )


# --------------------------------------------------------------------------------------------
# scores
# --------------------------------------------------------------------------------------------


def r2_score(y_true: Any, y_pred: Any, *, per_output: bool = False) -> float | onp.ndarray:
    """The coefficient of determination ``R^2 = 1 - SS_res / SS_tot``, per output or averaged.

    For each output column ``j`` (every trailing index: ``Y (N, m)`` has ``m`` outputs,
    partials ``(N, m, n)`` have ``m n``)::

        R^2_j = 1 - sum_i (y_ij - y_hat_ij)^2 / sum_i (y_ij - mean_i y_ij)^2.

    ``R^2 = 1`` is a perfect prediction, ``0`` is no better than predicting the mean, and it is
    negative when worse. The default returns the plain average over outputs (scikit-learn's
    ``"uniform_average"``); ``per_output=True`` returns the array of ``R^2_j`` with the trailing
    shape. A constant column scores 1 if predicted exactly, else 0 (scikit-learn's convention).

    Parameters
    ----------
    y_true, y_pred : array, shape (N,) or (N, ...)
        Same shape, at least two samples.

    Notes
    -----
    See the chapter ``jenn``.

    Examples
    --------
    >>> from jaccourse.jenn import r2_score
    >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])          # 1 - 1/2
    0.5
    >>> r2_score([[1.0, 0.0], [3.0, 2.0]], [[1.0, 1.0], [3.0, 1.0]], per_output=True)
    array([1., 0.])
    """
    func = "r2_score"
    if not isinstance(per_output, (bool, onp.bool_)):
        raise TypeError(f"{func}: per_output must be True or False, got {describe(per_output)}")
    yt = onp.asarray(_arr(func, "y_true", y_true))
    yp = onp.asarray(_arr(func, "y_pred", y_pred))
    if yt.shape != yp.shape:
        raise ValueError(
            f"{func}: y_true and y_pred must have the same shape, got {yt.shape} and {yp.shape}"
        )
    if yt.ndim == 0 or yt.shape[0] < 2:
        raise ValueError(
            f"{func}: y_true needs at least two samples along axis 0, got shape {yt.shape}"
        )
    ss_res = ((yt - yp) ** 2).sum(axis=0)
    ss_tot = ((yt - yt.mean(axis=0)) ** 2).sum(axis=0)
    with onp.errstate(divide="ignore", invalid="ignore"):
        r2 = onp.where(
            ss_tot > 0,
            1.0 - ss_res / onp.where(ss_tot > 0, ss_tot, 1.0),
            onp.where(ss_res == 0, 1.0, 0.0),
        )
    if per_output:
        return r2
    return float(r2.mean())


def _arr(func: str, name: str, value: Any) -> onp.ndarray:
    try:
        arr = onp.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: {name} must be an array of numbers, got {describe(value)}"
        ) from None
    if not onp.all(onp.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite, got NaN or inf")
    return arr


# --------------------------------------------------------------------------------------------
# data with exact partials
# --------------------------------------------------------------------------------------------


def _bounds(func: str, bounds: Any) -> tuple[float, float]:
    if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
        raise TypeError(f"{func}: bounds must be a pair (lower, upper), got {describe(bounds)}")
    lo, hi = as_real(func, "bounds[0]", bounds[0]), as_real(func, "bounds[1]", bounds[1])
    if not lo < hi:
        raise ValueError(f"{func}: bounds must satisfy lower < upper, got {bounds}")
    return lo, hi


def sinusoid(x: Any) -> tuple[onp.ndarray, onp.ndarray]:
    """The 1-D test function ``y = x sin x`` and its exact derivative ``sin x + x cos x``.

    ``x`` of shape ``(N,)`` or ``(N, 1)`` gives ``Y`` of shape ``(N, 1)`` and ``dYdX`` of shape
    ``(N, 1, 1)`` (the JENN layout). On ``[-pi, pi]`` it is even, with a minimum at 0 and two
    maxima near ``+-2.03``: a bump that four samples of values alone cannot pin down.

    See the chapter ``jenn``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.jenn import sinusoid
    >>> Y, dYdX = sinusoid([0.0, onp.pi / 2])
    >>> Y[:, 0], dYdX[:, 0, 0]
    (array([0.        , 1.57079633]), array([0., 1.]))
    """
    func = "sinusoid"
    x = _arr(func, "x", x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != 1 or x.shape[0] == 0:
        raise ValueError(f"{func}: x must have shape (N,) or (N, 1), got shape {x.shape}")
    y = x * onp.sin(x)
    dy = onp.sin(x) + x * onp.cos(x)
    return y, dy[:, :, None]


def sinusoid_grid(
    k: int, bounds: tuple[float, float] = SINUSOID_BOUNDS
) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray]:
    """``k`` equally spaced samples of ``x sin x`` on ``bounds`` (ends included), with slopes.

    Returns ``X (k, 1)``, ``Y (k, 1)``, ``dYdX (k, 1, 1)``. ``sinusoid_grid(4)`` is the
    four-sample training set of Berguin (2024); a large ``k`` makes a dense test set.

    See the chapter ``jenn``.

    Examples
    --------
    >>> from jaccourse.jenn import sinusoid_grid
    >>> X, Y, dYdX = sinusoid_grid(4)
    >>> X[:, 0].round(4), X.shape, Y.shape, dYdX.shape
    (array([-3.1416, -1.0472,  1.0472,  3.1416]), (4, 1), (4, 1), (4, 1, 1))
    """
    func = "sinusoid_grid"
    k = as_positive_int(func, "k", k, minimum=2)
    lo, hi = _bounds(func, bounds)
    X = onp.linspace(lo, hi, k)[:, None]
    Y, dYdX = sinusoid(X)
    return X, Y, dYdX


def rastrigin(X: Any) -> tuple[onp.ndarray, onp.ndarray]:
    """The Rastrigin function ``f(x) = 10 n + sum_k (x_k^2 - 10 cos(2 pi x_k))`` and its partials.

    ``df/dx_k = 2 x_k + 20 pi sin(2 pi x_k)``. ``X`` of shape ``(N, n)`` gives ``Y (N, 1)`` and
    ``dYdX (N, 1, n)``. An egg-crate: a bowl covered with bumps, one per unit of each axis,
    whose slopes (up to ``~63``) are far larger than the bowl's.

    See the chapter ``jenn``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.jenn import rastrigin
    >>> Y, dYdX = rastrigin([[0.0, 0.0], [0.5, 0.25]])
    >>> Y[:, 0], dYdX[1, 0].round(6)                # f(0) = 0, the global minimum
    (array([ 0.    , 30.3125]), array([ 1.      , 63.331853]))
    """
    func = "rastrigin"
    X = _matrix(func, "X", X, ndim=2)
    n = X.shape[1]
    Y = 10.0 * n + onp.sum(X**2 - 10.0 * onp.cos(2 * onp.pi * X), axis=1, keepdims=True)
    dYdX = (2.0 * X + 20.0 * onp.pi * onp.sin(2 * onp.pi * X))[:, None, :]
    return Y, dYdX


def rastrigin_grid(
    k: int, bounds: tuple[float, float] = RASTRIGIN_BOUNDS
) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray]:
    """A ``k x k`` full-factorial grid over ``bounds^2`` with 2-D Rastrigin values and partials.

    Returns ``X (k^2, 2)``, ``Y (k^2, 1)``, ``dYdX (k^2, 1, 2)``. The default domain
    ``[-1, 1.5]^2`` is that of Berguin (2024) (the classic ``[-5.12, 5.12]^2`` holds about ten
    bumps per axis, far too many for a 10 x 10 grid to resolve).

    See the chapter ``jenn``.

    Examples
    --------
    >>> from jaccourse.jenn import rastrigin_grid
    >>> X, Y, dYdX = rastrigin_grid(4)
    >>> X.shape, Y.shape, dYdX.shape, float(X.min()), float(X.max())
    ((16, 2), (16, 1), (16, 1, 2), -1.0, 1.5)
    """
    func = "rastrigin_grid"
    k = as_positive_int(func, "k", k, minimum=2)
    lo, hi = _bounds(func, bounds)
    t = onp.linspace(lo, hi, k)
    X1, X2 = onp.meshgrid(t, t)
    X = onp.column_stack([X1.ravel(), X2.ravel()])
    Y, dYdX = rastrigin(X)
    return X, Y, dYdX
