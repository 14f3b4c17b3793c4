"""Neural networks by hand: activations and their Jacobians, dense layers, MLPs, backpropagation.

A multilayer perceptron is a composite map ``x_0 -> x_1 -> ... -> x_L`` with one dense layer
per arrow,

    z_l = W_l x_l + b_l,        x_{l+1} = sigma(z_l),        W_l of shape (n_{l+1}, n_l),

so, by the chain rule, its input Jacobian is the product of the layer Jacobians

    J_l = d x_{l+1} / d x_l = diag(sigma'(z_l)) W_l,       d x_L / d x_0 = J_{L-1} ... J_1 J_0.

That product is what the seed's formula (46) writes; it is the **input-output** Jacobian, not
the weight gradient. Backpropagation never forms it: it pulls the row vector
``delta_L = dLoss / d x_L`` back through the layers, one vector-Jacobian product at a time,

    delta_l = J_l^T delta_{l+1} = W_l^T (sigma'(z_l) * delta_{l+1}),
    grad_{W_l} Loss = (sigma'(z_l) * delta_{l+1}) x_l^T,
    grad_{b_l} Loss = sigma'(z_l) * delta_{l+1},

which costs a matrix-vector product per layer instead of a matrix-matrix one, and uses the
element-wise product ``sigma'(z) * delta`` instead of ``diag(sigma'(z)) @ delta``.

What lives here:

* activations (:class:`Activation`; :data:`sigmoid`, :data:`tanh`, :data:`relu`,
  :data:`softplus`, :data:`softmax`, :data:`log_softmax`, :data:`identity`; the registry
  :data:`ACTIVATIONS`), each with its value, derivative (element-wise ones) or full Jacobian,
  and vector-Jacobian product, numerically stable at inputs of ``+-1e4``;
* :class:`Dense` (one layer, with its input and weight Jacobians) and :class:`MLP` (forward,
  layer Jacobians, input Jacobian, hand-written :meth:`MLP.backprop`, parameters as a vector);
* initialisers :func:`xavier_uniform`, :func:`xavier_normal`, :func:`kaiming_uniform`,
  :func:`kaiming_normal` (and the naive :func:`standard_normal`);
* losses :func:`mse`, :func:`cross_entropy` (from logits) and their gradients, :func:`one_hot`,
  :func:`accuracy`;
* :func:`train`: mini-batch SGD from :func:`jaccourse.optim.sgd`.

Shapes: a single input is ``(n,)``, a batch ``(N, n)`` (a leading sample axis). Everything
that is meant to be differentiated (activation values, :meth:`MLP.apply`, the losses) is
written with ``autograd.numpy``, so autograd can check the hand-written derivatives.

See the chapters ``backpropagation``, ``sigmoid`` and ``analysis-stability``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import autograd.numpy as np
import numpy as onp
from autograd.extend import defvjp, primitive
from autograd.tracer import Box

from jaccourse._validation import (
    as_array,
    as_positive_int,
    as_real,
    as_rng,
    check_callable,
    check_entries,
    describe,
    read_only,
    speaking_for,
)
from jaccourse.optim import OptimizeResult, sgd

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "softplus",
    "softmax",
    "log_softmax",
    "standard_normal",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "INITIALIZERS",
    "one_hot",
    "mse",
    "mse_gradient",
    "cross_entropy",
    "cross_entropy_gradient",
    "accuracy",
    "Dense",
    "Gradients",
    "MLP",
    "TrainingHistory",
    "train",
]


# --------------------------------------------------------------------------------------------
# the forward pass, written once (MLP, backpropagation and jaccourse.jenn use it)
# --------------------------------------------------------------------------------------------


def layer_pass(
    Ws: Sequence[Any],
    bs: Sequence[Any],
    hidden: Callable[[Any], Any],
    output: Callable[[Any], Any],
    x: Any,
    *,
    keep: bool = False,
) -> Any:
    """The forward pass of a dense network: ``z_l = W_l x_l + b_l``, ``x_{l+1} = sigma(z_l)``.

    ``hidden`` is ``sigma`` for every layer but the last, ``output`` for the last one (both
    functions of ``z``). ``x`` is one input ``(n_0,)`` or a batch ``(N, n_0)``. Returns the
    output ``x_L``, or with ``keep=True`` the lists ``([x_0, ..., x_L], [z_0, ..., z_{L-1}])``
    that backpropagation and the layer Jacobians need. Written with ``autograd.numpy``, no
    checks: autograd differentiates it (:meth:`MLP.apply`, JENN's training loss).

    Not in ``__all__``: it is the package's shared piece, not part of the course's API (the
    chapters call :meth:`MLP.forward` and :func:`jaccourse.jenn.forward_partials`).

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import layer_pass
    >>> Ws, bs = [onp.array([[1.0, -1.0]]), onp.array([[2.0]])], [onp.zeros(1), onp.ones(1)]
    >>> layer_pass(Ws, bs, lambda z: z ** 2, lambda z: z, onp.array([3.0, 1.0]))   # 2 (3-1)^2 + 1
    array([9.])
    """
    a = x
    xs, zs = [x], []
    last = len(Ws) - 1
    for l, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        z = np.dot(a, np.transpose(W)) + b
        a = (output if l == last else hidden)(z)
        if keep:
            zs.append(z)
            xs.append(a)
    return (xs, zs) if keep else a


# --------------------------------------------------------------------------------------------
# input checks (skipped for autograd's traced values, which must flow through untouched)
# --------------------------------------------------------------------------------------------


def _array(func: str, name: str, value: Any, *, min_ndim: int = 0) -> Any:
    """``value`` as a finite float array (autograd's traced values pass through unchecked)."""
    if isinstance(value, Box):
        return value
    return as_array(func, name, value, min_ndim=min_ndim)


# --------------------------------------------------------------------------------------------
# activations: the raw functions (autograd.numpy, no checks)
# --------------------------------------------------------------------------------------------


def _abs(z: Any) -> Any:
    """``|z|`` whose autograd derivative at 0 is +1, matching the branches ``z >= 0`` below
    (``np.abs`` has derivative 0 at 0, which would make autograd's sigmoid'(0) wrong)."""
    return np.where(z >= 0, z, -z)


def _identity(z: Any) -> Any:
    return z + 0.0


def _identity_derivative(z: Any) -> Any:
    return np.ones(np.shape(z))


def _sigmoid(z: Any) -> Any:
    # e = exp(-|z|) lies in (0, 1], so nothing overflows; each branch is the accurate one.
    e = np.exp(-_abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(z: Any) -> Any:
    # sigma(1 - sigma) = e / (1 + e)^2 with e = exp(-|z|): even in z, no cancellation in 1 - sigma.
    e = np.exp(-_abs(z))
    return e / (1.0 + e) ** 2


def _tanh(z: Any) -> Any:
    # tanh|z| = (1 - e) / (1 + e) with e = exp(-2|z|), written with expm1 (q = e - 1) so that
    # small |z| keeps full relative accuracy. Not np.tanh: autograd differentiates that as
    # 1 / cosh(z)^2, and cosh(1e4) overflows.
    q = np.expm1(-2.0 * _abs(z))
    t = -q / (2.0 + q)
    return np.where(z >= 0, t, -t)


def _tanh_derivative(z: Any) -> Any:
    # 1 - tanh^2 = sech^2 = 4 e / (1 + e)^2 with e = exp(-2|z|): no overflow, no cancellation.
    e = np.exp(-2.0 * _abs(z))
    return 4.0 * e / (1.0 + e) ** 2


def _relu(z: Any) -> Any:
    return np.where(z > 0, z, 0.0)


def _relu_derivative(z: Any) -> Any:
    return np.where(z > 0, 1.0, 0.0) + 0.0 * z


def _softplus(z: Any) -> Any:
    # log(1 + e^z) = max(z, 0) + log1p(exp(-|z|)); both pieces switch at z >= 0 so that
    # autograd's derivative at 0 is 1 - 1/2 = 1/2.
    return np.where(z >= 0, z, 0.0) + np.log1p(np.exp(-_abs(z)))


def _softmax(z: Any) -> Any:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))  # the largest entry becomes exp(0) = 1
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_jacobian(z: Any) -> Any:
    s = _softmax(z)
    eye = np.eye(np.shape(z)[-1])
    return s[..., :, None] * eye - s[..., :, None] * s[..., None, :]  # diag(s) - s s^T


def _softmax_vjp(z: Any, u: Any) -> Any:
    s = _softmax(z)
    return s * (u - np.sum(u * s, axis=-1, keepdims=True))  # u^T (diag(s) - s s^T)


def _log_softmax(z: Any) -> Any:
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _log_softmax_jacobian(z: Any) -> Any:
    s = _softmax(z)
    return np.eye(np.shape(z)[-1]) - s[..., None, :]  # I - 1 s^T


def _log_softmax_vjp(z: Any, u: Any) -> Any:
    return u - _softmax(z) * np.sum(u, axis=-1, keepdims=True)  # u^T (I - 1 s^T)


# --------------------------------------------------------------------------------------------
# the Activation type
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Activation:
    """An activation function with its derivative or Jacobian and its vector-Jacobian product.

    Call it like a function: ``act(z)`` is ``act.value(z)``. For ``z`` of shape ``(n,)``:

    * ``value(z)``: ``a = sigma(z)``, shape ``(n,)`` (a batch ``(N, n)`` gives ``(N, n)``);
    * ``derivative(z)``: ``sigma'(z)`` entry by entry, shape of ``z`` (element-wise
      activations only: their Jacobian is ``diag(sigma'(z))``);
    * ``jacobian(z)``: the full ``(n, n)`` Jacobian ``d a / d z`` (a batch gives
      ``(N, n, n)``);
    * ``vjp(z, u)``: the vector-Jacobian product ``u^T J(z)``, shape of ``z``; for an
      element-wise activation it is the element-wise product ``sigma'(z) * u``, ``O(n)``
      instead of the ``O(n^2)`` of ``diag(sigma'(z)) @ u``.

    Build your own from an element-wise ``fn`` and ``fn_derivative`` (the Jacobian and VJP
    follow), or from a vector ``fn`` with ``fn_jacobian`` and ``fn_vjp``. ``fn`` must act on the
    last axis and be written with ``autograd.numpy``.

    Attributes
    ----------
    name, formula : str
        E.g. ``"sigmoid"`` and ``"1 / (1 + exp(-z))"``.
    fn, fn_derivative, fn_jacobian, fn_vjp : callable
        The raw functions (no argument checks): ``fn(z)``, ``fn_derivative(z)`` (``None`` if
        not element-wise), ``fn_jacobian(z)``, ``fn_vjp(z, u)``.
    lipschitz : float or None
        ``sup |sigma'|`` (element-wise) or ``sup ||J||_2``; ``None`` if unbounded.
    doc : str
        The documentation shown by ``help`` for this activation.

    Notes
    -----
    See the chapters ``sigmoid`` and ``backpropagation``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.nn import Activation
    >>> swish = Activation("swish", "z sigmoid(z)", fn=lambda z: z / (1 + np.exp(-z)),
    ...                    fn_derivative=lambda z: (1 + np.exp(-z) + z * np.exp(-z))
    ...                    / (1 + np.exp(-z)) ** 2)
    >>> swish.elementwise, swish.jacobian([0.0, 1.0])
    (True, array([[0.5       , 0.        ],
           [0.        , 0.92767051]]))
    """

    name: str
    formula: str
    fn: Callable = field(repr=False)
    fn_derivative: Callable | None = field(default=None, repr=False)
    # None at construction means "derive from fn_derivative"; __post_init__ always fills them in
    fn_jacobian: Callable = field(default=None, repr=False)  # type: ignore[assignment]
    fn_vjp: Callable = field(default=None, repr=False)  # type: ignore[assignment]
    lipschitz: float | None = None
    doc: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        func = "Activation"
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"{func}: name must be a non-empty string, got {describe(self.name)}")
        check_callable(func, "fn", self.fn, nargs=1, call="fn(z)")
        if self.lipschitz is not None:
            # a bound, so finite and >= 0 (None means unbounded): lipschitz_upper_bound uses it
            object.__setattr__(
                self, "lipschitz", as_real(func, "lipschitz", self.lipschitz, nonnegative=True)
            )
        if self.fn_derivative is not None:
            check_callable(
                func, "fn_derivative", self.fn_derivative, nargs=1, call="fn_derivative(z)"
            )
            d = self.fn_derivative
            if self.fn_jacobian is None:
                object.__setattr__(self, "fn_jacobian", lambda z: _diagonal(d(z)))
            if self.fn_vjp is None:
                object.__setattr__(self, "fn_vjp", lambda z, u: d(z) * u)
        elif self.fn_jacobian is None or self.fn_vjp is None:
            raise TypeError(
                f"{func}: {self.name} needs fn_derivative (element-wise) or both "
                "fn_jacobian and fn_vjp (a vector activation)"
            )
        check_callable(func, "fn_jacobian", self.fn_jacobian, nargs=1, call="fn_jacobian(z)")
        check_callable(func, "fn_vjp", self.fn_vjp, nargs=2, call="fn_vjp(z, u)")
        if self.doc:
            object.__setattr__(self, "__doc__", self.doc)

    @property
    def elementwise(self) -> bool:
        """Whether ``a_i`` depends on ``z_i`` only (then the Jacobian is diagonal).

        Examples
        --------
        >>> from jaccourse.nn import sigmoid, softmax
        >>> sigmoid.elementwise, softmax.elementwise
        (True, False)
        """
        return self.fn_derivative is not None

    def __call__(self, z: Any) -> Any:
        """``sigma(z)``: see :meth:`value`.

        Examples
        --------
        >>> from jaccourse.nn import relu
        >>> relu([-2.0, 3.0])
        array([0., 3.])
        """
        return self.value(z)

    def value(self, z: Any) -> Any:
        """``a = sigma(z)``, the shape of ``z`` (differentiable by autograd).

        Examples
        --------
        >>> from jaccourse.nn import tanh
        >>> tanh.value([0.0, 1e4])
        array([0., 1.])
        """
        z = _array(self.name, "z", z, min_ndim=0 if self.elementwise else 1)
        return self.fn(z)

    def derivative(self, z: Any) -> Any:
        """``sigma'(z)`` entry by entry (element-wise activations only), the shape of ``z``.

        Examples
        --------
        >>> from jaccourse.nn import sigmoid
        >>> sigmoid.derivative([0.0, -1e4])
        array([0.25, 0.  ])
        """
        if not self.elementwise:
            raise TypeError(
                f"{self.name}.derivative: {self.name} is not element-wise (each "
                f"output depends on every input), so it has no scalar derivative; "
                f"use {self.name}.jacobian(z) or {self.name}.vjp(z, u)"
            )
        derivative = cast(Callable, self.fn_derivative)  # element-wise: it is set
        return derivative(_array(f"{self.name}.derivative", "z", z))

    def jacobian(self, z: Any) -> onp.ndarray:
        """The Jacobian ``d sigma(z) / d z``: ``(n, n)`` for ``z`` of shape ``(n,)``,
        ``(N, n, n)`` for a batch ``(N, n)``.

        Examples
        --------
        >>> from jaccourse.nn import relu, softmax
        >>> relu.jacobian([-1.0, 2.0])                 # diagonal
        array([[0., 0.],
               [0., 1.]])
        >>> softmax.jacobian([[0.0, 0.0]]).shape      # a batch of one
        (1, 2, 2)
        """
        z = _array(f"{self.name}.jacobian", "z", z, min_ndim=1)
        return self.fn_jacobian(z)

    def vjp(self, z: Any, u: Any) -> Any:
        """The vector-Jacobian product ``u^T J(z)`` (row by row for a batch), shape of ``z``.

        Examples
        --------
        >>> from jaccourse.nn import softmax
        >>> softmax.vjp([0.0, 0.0], [1.0, 0.0])       # u^T (diag(s) - s s^T), s = (1/2, 1/2)
        array([ 0.25, -0.25])
        """
        func = f"{self.name}.vjp"
        z = _array(func, "z", z, min_ndim=0 if self.elementwise else 1)
        u = _array(func, "u", u)
        if not isinstance(z, Box) and not isinstance(u, Box) and onp.shape(u) != onp.shape(z):
            raise ValueError(
                f"{func}: u must have the shape of z, {onp.shape(z)}, got shape {onp.shape(u)}"
            )
        return self.fn_vjp(z, u)


def _diagonal(d: Any) -> Any:
    """``diag(d)`` for ``d`` of shape (n,); a stack of diagonal matrices for (N, n)."""
    if np.ndim(d) == 0:
        raise ValueError("jacobian: z must have shape (n,) or (N, n), got a scalar")
    return d[..., :, None] * np.eye(np.shape(d)[-1])


_EXAMPLE = """
    Examples
    --------
    >>> from jaccourse.nn import {name}
    >>> z = [-1e4, -1.0, 0.0, 2.0, 1e4]
    >>> {name}(z)
    {value}
    >>> {name}.{second}
    {second_value}
    >>> {name}.vjp([0.0, 1.0], [1.0, 1.0])
    {vjp}
"""


def _doc(
    name: str,
    what: str,
    formula: str,
    jac: str,
    notes: str,
    value: str,
    second: str,
    second_value: str,
    vjp: str,
) -> str:
    """The docstring of a built-in activation, with its doctest examples."""
    elementwise = second.startswith("derivative")
    derivative = f", ``{name}.derivative(z)`` (shape of ``z``)" if elementwise else ""
    return f"""The {what}, ``{formula}``.

{
        textwrap.fill(
            f"Its Jacobian is {jac}. {notes}",
            width=92,
            initial_indent="    ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
    }

    Methods (see :class:`Activation`): ``{name}(z)`` or ``{name}.value(z)`` (shape of ``z``),
    ``{name}.jacobian(z)`` (``(n, n)``, or ``(N, n, n)`` for a batch), ``{name}.vjp(z, u)``
    (``u^T J(z)``, shape of ``z``){derivative}.

    See the chapters ``sigmoid`` and ``backpropagation``.
""" + _EXAMPLE.format(name=name, value=value, second=second, second_value=second_value, vjp=vjp)


identity = Activation(
    "identity",
    "z",
    fn=_identity,
    fn_derivative=_identity_derivative,
    lipschitz=1.0,
    doc=_doc(
        "identity",
        "identity (a linear output layer, ``output='linear'``)",
        "a = z",
        "the identity matrix ``I``",
        "It is the default output of :class:`MLP`.",
        "array([-1.e+04, -1.e+00,  0.e+00,  2.e+00,  1.e+04])",
        "derivative([3.0, -3.0])",
        "array([1., 1.])",
        "array([1., 1.])",
    ),
)

sigmoid = Activation(
    "sigmoid",
    "1 / (1 + exp(-z))",
    fn=_sigmoid,
    fn_derivative=_sigmoid_derivative,
    lipschitz=0.25,
    doc=_doc(
        "sigmoid",
        "logistic sigmoid",
        "sigma(z) = 1 / (1 + exp(-z))",
        "diagonal: ``diag(sigma(z) (1 - sigma(z)))`` (seed equation 54)",
        "Computed from ``e = exp(-|z|) <= 1`` (``1 / (1 + e)`` for ``z >= 0``, "
        "``e / (1 + e)`` otherwise), so ``z = +-1e4`` neither overflows nor loses "
        "accuracy; the derivative is ``e / (1 + e)^2``, at most ``1/4`` (at ``z = 0``).",
        "array([0.        , 0.26894142, 0.5       , 0.88079708, 1.        ])",
        "derivative([0.0, 1e4])",
        "array([0.25, 0.  ])",
        "array([0.25      , 0.19661193])",
    ),
)

tanh = Activation(
    "tanh",
    "tanh(z)",
    fn=_tanh,
    fn_derivative=_tanh_derivative,
    lipschitz=1.0,
    doc=_doc(
        "tanh",
        "hyperbolic tangent",
        "tanh(z) = (e^z - e^-z) / (e^z + e^-z)",
        "diagonal: ``diag(1 - tanh(z)^2)``",
        "With ``e = exp(-2|z|) <= 1``: the value is ``sign(z) (1 - e) / (1 + e)`` (the "
        "numerator via ``expm1``, accurate near 0) and the derivative ``4 e / (1 + e)^2`` "
        "(no overflow of ``cosh``, no cancellation in ``1 - tanh^2``); it is at most 1.",
        "array([-1.        , -0.76159416,  0.        ,  0.96402758,  1.        ])",
        "derivative([0.0, 1e4])",
        "array([1., 0.])",
        "array([1.        , 0.41997434])",
    ),
)

relu = Activation(
    "relu",
    "max(z, 0)",
    fn=_relu,
    fn_derivative=_relu_derivative,
    lipschitz=1.0,
    doc=_doc(
        "relu",
        "rectified linear unit",
        "relu(z) = max(z, 0)",
        "diagonal: ``diag(1[z > 0])``",
        "The derivative at ``z = 0`` is taken to be 0 (autograd agrees on this "
        "implementation, ``np.where(z > 0, z, 0)``).",
        "array([0.e+00, 0.e+00, 0.e+00, 2.e+00, 1.e+04])",
        "derivative([-1.0, 0.0, 2.0])",
        "array([0., 0., 1.])",
        "array([0., 1.])",
    ),
)

softplus = Activation(
    "softplus",
    "log(1 + exp(z))",
    fn=_softplus,
    fn_derivative=_sigmoid,
    lipschitz=1.0,
    doc=_doc(
        "softplus",
        "softplus (a smooth ReLU)",
        "softplus(z) = log(1 + exp(z))",
        "diagonal: ``diag(sigmoid(z))``",
        "Computed as ``max(z, 0) + log1p(exp(-|z|))``, exact to rounding at ``+-1e4``.",
        "array([0.00000000e+00, 3.13261688e-01, 6.93147181e-01, 2.12692801e+00, 1.00000000e+04])",
        "derivative([0.0])",
        "array([0.5])",
        "array([0.5       , 0.73105858])",
    ),
)

softmax = Activation(
    "softmax",
    "exp(z) / sum(exp(z))",
    fn=_softmax,
    fn_jacobian=_softmax_jacobian,
    fn_vjp=_softmax_vjp,
    lipschitz=0.5,
    doc=_doc(
        "softmax",
        "softmax (on the last axis)",
        "s_i = exp(z_i) / sum_j exp(z_j)",
        "full, not diagonal: ``diag(s) - s s^T``, symmetric, each row summing to zero "
        "(so it is singular: adding a constant to every ``z_i`` changes nothing); its "
        "eigenvalues lie in ``[0, 1/2]``",
        "Computed with ``z - max(z)``, so the largest exponential is ``exp(0) = 1``: "
        "``z`` with entries ``+-1e4`` neither overflows nor divides by zero. It has no "
        "element-wise derivative (``softmax.derivative`` raises).",
        "array([0.e+00, 0.e+00, 0.e+00, 0.e+00, 1.e+00])",
        "jacobian([0.0, 0.0])",
        "array([[ 0.25, -0.25],\n           [-0.25,  0.25]])",
        "array([0., 0.])",
    ),
)

log_softmax = Activation(
    "log_softmax",
    "z - logsumexp(z)",
    fn=_log_softmax,
    fn_jacobian=_log_softmax_jacobian,
    fn_vjp=_log_softmax_vjp,
    lipschitz=None,
    doc=_doc(
        "log_softmax",
        "logarithm of the softmax (on the last axis)",
        "log s_i = z_i - log sum_j exp(z_j)",
        "``I - 1 s^T`` (``1`` the vector of ones, ``s = softmax(z)``), each row summing "
        "to ``1 - 1 = 0`` as well",
        "Computed as ``z - max(z) - log(sum(exp(z - max(z))))`` (the log-sum-exp trick), "
        "finite at ``+-1e4`` where ``log(softmax(z))`` would give ``log(0) = -inf``.",
        "array([-20000.,  -10001.,  -10000.,  -9998.,      0.])",
        "jacobian([0.0, 0.0])",
        "array([[ 0.5, -0.5],\n           [-0.5,  0.5]])",
        "array([ 0.46211716, -0.46211716])",
    ),
)

#: Every activation by name (``"linear"`` is an alias of ``"identity"``).
#:
#: :meta hide-value:
ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (identity, sigmoid, tanh, relu, softplus, softmax, log_softmax)
}

# doctest collects examples from the docstrings of module-level functions and classes only;
# the activations are instances, so their examples are registered here.
__test__ = {a.name: a.doc for a in ACTIVATIONS.values()}


def get_activation(activation: str | Activation) -> Activation:
    """The :class:`Activation` called ``activation`` in :data:`ACTIVATIONS` (or ``activation``
    itself if it already is one). ``"linear"`` means ``identity``.

    Names: ``identity`` (``linear``), ``sigmoid``, ``tanh``, ``relu``, ``softplus``,
    ``softmax``, ``log_softmax``.

    See the chapter ``sigmoid``.

    Examples
    --------
    >>> from jaccourse.nn import get_activation
    >>> get_activation("tanh").derivative([0.0])
    array([1.])
    >>> get_activation("linear").name
    'identity'
    """
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(
            f"get_activation: activation must be a name or an Activation, "
            f"got {describe(activation)}"
        )
    key = "identity" if activation == "linear" else activation
    if key not in ACTIVATIONS:
        raise ValueError(
            f"get_activation: unknown activation {activation!r}; choose one of "
            f"{sorted(ACTIVATIONS) + ['linear']}"
        )
    return ACTIVATIONS[key]


# --------------------------------------------------------------------------------------------
# initialisers
# --------------------------------------------------------------------------------------------


def _fans(func: str, fan_in: Any, fan_out: Any) -> tuple[int, int]:
    fan_in = as_positive_int(func, "fan_in", fan_in)
    fan_out = as_positive_int(func, "fan_out", fan_out)
    check_entries(
        func, f"a weight matrix of fan_out x fan_in = {fan_out} x {fan_in}", fan_in * fan_out
    )
    return fan_in, fan_out


def standard_normal(
    fan_in: int, fan_out: int, rng: onp.random.Generator | int | None = None
) -> onp.ndarray:
    """Naive initialisation: every weight ``N(0, 1)``, whatever the layer's width.

    ``Var(W_ij) = 1``, so ``Var(z_i) = fan_in Var(x_j)``: activations (and gradients) grow
    or saturate with depth. The baseline the Xavier and Kaiming schemes improve on.

    Returns an array of shape ``(fan_out, fan_in)`` (the ``W`` of ``z = W x + b``).

    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> from jaccourse.nn import standard_normal
    >>> W = standard_normal(400, 300, rng=0)
    >>> W.shape, round(float(W.std()), 1)
    ((300, 400), 1.0)
    """
    fan_in, fan_out = _fans("standard_normal", fan_in, fan_out)
    return as_rng("standard_normal", rng).standard_normal((fan_out, fan_in))


def xavier_uniform(
    fan_in: int, fan_out: int, rng: onp.random.Generator | int | None = None
) -> onp.ndarray:
    """Xavier/Glorot uniform initialisation (Glorot and Bengio 2010).

    ``W_ij ~ U(-a, a)`` with ``a = sqrt(6 / (fan_in + fan_out))``, so
    ``Var(W_ij) = a^2 / 3 = 2 / (fan_in + fan_out)``: the compromise between keeping the
    variance of activations (``fan_in Var(W) = 1``) and of back-propagated gradients
    (``fan_out Var(W) = 1``) constant across layers, for activations with ``sigma'(0) = 1``
    such as ``tanh``.

    Returns an array of shape ``(fan_out, fan_in)``.

    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> from jaccourse.nn import xavier_uniform
    >>> W = xavier_uniform(300, 500, rng=0)
    >>> W.shape, bool(abs(W).max() <= (6 / 800) ** 0.5), round(float(W.var() * 800 / 2), 1)
    ((500, 300), True, 1.0)
    """
    fan_in, fan_out = _fans("xavier_uniform", fan_in, fan_out)
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return as_rng("xavier_uniform", rng).uniform(-a, a, (fan_out, fan_in))


def xavier_normal(
    fan_in: int, fan_out: int, rng: onp.random.Generator | int | None = None
) -> onp.ndarray:
    """Xavier/Glorot normal initialisation (Glorot and Bengio 2010).

    ``W_ij ~ N(0, 2 / (fan_in + fan_out))``: the same variance as :func:`xavier_uniform`.

    Returns an array of shape ``(fan_out, fan_in)``.

    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> from jaccourse.nn import xavier_normal
    >>> W = xavier_normal(300, 500, rng=0)
    >>> W.shape, round(float(W.var() * (300 + 500) / 2), 1)
    ((500, 300), 1.0)
    """
    fan_in, fan_out = _fans("xavier_normal", fan_in, fan_out)
    return as_rng("xavier_normal", rng).normal(
        0.0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_out, fan_in)
    )


def kaiming_uniform(
    fan_in: int, fan_out: int, rng: onp.random.Generator | int | None = None
) -> onp.ndarray:
    """Kaiming/He uniform initialisation (He et al. 2015), for ReLU networks.

    ``W_ij ~ U(-a, a)`` with ``a = sqrt(6 / fan_in)``, so ``Var(W_ij) = 2 / fan_in``: ReLU
    zeroes half of its inputs, halving the second moment, and the factor 2 restores
    ``E[x_{l+1}^2] = E[x_l^2]`` from layer to layer.

    Returns an array of shape ``(fan_out, fan_in)``.

    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> from jaccourse.nn import kaiming_uniform
    >>> W = kaiming_uniform(400, 300, rng=0)
    >>> W.shape, round(float(W.var() * 400 / 2), 1)
    ((300, 400), 1.0)
    """
    fan_in, fan_out = _fans("kaiming_uniform", fan_in, fan_out)
    a = math.sqrt(6.0 / fan_in)
    return as_rng("kaiming_uniform", rng).uniform(-a, a, (fan_out, fan_in))


def kaiming_normal(
    fan_in: int, fan_out: int, rng: onp.random.Generator | int | None = None
) -> onp.ndarray:
    """Kaiming/He normal initialisation (He et al. 2015): ``W_ij ~ N(0, 2 / fan_in)``.

    The variance of :func:`kaiming_uniform`; keeps the second moment of ReLU activations
    constant with depth.

    Returns an array of shape ``(fan_out, fan_in)``.

    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> from jaccourse.nn import kaiming_normal
    >>> W = kaiming_normal(400, 300, rng=0)
    >>> W.shape, round(float(W.var() * 400 / 2), 1)
    ((300, 400), 1.0)
    """
    fan_in, fan_out = _fans("kaiming_normal", fan_in, fan_out)
    return as_rng("kaiming_normal", rng).normal(0.0, math.sqrt(2.0 / fan_in), (fan_out, fan_in))


#: Every initialiser by name, each ``init(fan_in, fan_out, rng) -> W`` of shape
#: ``(fan_out, fan_in)``.
#:
#: :meta hide-value:
INITIALIZERS: dict[str, Callable[..., onp.ndarray]] = {
    "standard_normal": standard_normal,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "kaiming_uniform": kaiming_uniform,
    "kaiming_normal": kaiming_normal,
}


# --------------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------------


def _labels(func: str, labels: Any, n_classes: int, batch_shape: tuple) -> onp.ndarray:
    """Integer class labels of shape ``batch_shape``, each in ``[0, n_classes)``."""
    if isinstance(labels, Box):
        raise TypeError(f"{func}: labels are class indices and cannot be differentiated")
    try:
        arr = onp.asarray(labels)
        if arr.dtype.kind not in "biuf":
            raise TypeError
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{func}: labels must be integer class indices, got {describe(labels)}"
        ) from None
    if arr.shape != batch_shape:
        raise ValueError(
            f"{func}: labels must have shape {batch_shape} (one class index per "
            f"row of the scores), got shape {arr.shape}"
        )
    if not onp.all(onp.isfinite(arr)) or not onp.all(arr == onp.round(arr)):
        raise ValueError(f"{func}: labels must be integer class indices, got non-integers")
    bad = (arr < 0) | (arr >= n_classes)
    if onp.any(bad):
        raise ValueError(
            f"{func}: labels must lie in [0, {n_classes}) (one score per class), "
            f"got {int(arr[bad].flat[0])}"
        )
    return arr.astype(int)


def _scores(func: str, name: str, value: Any) -> Any:
    arr = _array(func, name, value, min_ndim=1)
    if onp.ndim(arr) > 2:
        raise ValueError(
            f"{func}: {name} must have shape (K,) or (N, K), got shape {onp.shape(arr)}"
        )
    return arr


def one_hot(labels: Any, n_classes: int) -> onp.ndarray:
    """One-hot rows: ``Y[i, k] = 1`` if ``labels[i] == k`` else 0.

    ``labels`` is an integer or an array of shape ``(N,)`` of integers in ``[0, n_classes)``;
    the result has shape ``(n_classes,)`` or ``(N, n_classes)``.

    See the chapter ``sigmoid``.

    Examples
    --------
    >>> from jaccourse.nn import one_hot
    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    n_classes = as_positive_int("one_hot", "n_classes", n_classes)
    shape = onp.shape(labels)
    if len(shape) > 1:
        raise ValueError(f"one_hot: labels must be an integer or of shape (N,), got shape {shape}")
    check_entries(
        "one_hot",
        f"a one-hot array of N x n_classes = {math.prod(shape)} x {n_classes}",
        math.prod(shape) * n_classes,
    )
    y = _labels("one_hot", labels, n_classes, shape)
    return (y[..., None] == onp.arange(n_classes)).astype(float)


def mse(pred: Any, target: Any) -> Any:
    """Mean squared error ``mean((pred - target)^2)`` over every entry.

    ``pred`` and ``target`` have the same shape (``(m,)`` or a batch ``(N, m)``). Written with
    autograd.numpy; its gradient is :func:`mse_gradient`.

    See the chapter ``backpropagation``.

    Examples
    --------
    >>> from jaccourse.nn import mse
    >>> float(mse([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 6.0]]))
    1.0
    """
    pred, target = _pair("mse", pred, target)
    return np.mean((pred - target) ** 2)


def mse_gradient(pred: Any, target: Any) -> onp.ndarray:
    """The gradient of :func:`mse` with respect to ``pred``: ``2 (pred - target) / pred.size``.

    Shape of ``pred``.

    See the chapter ``backpropagation``.

    Examples
    --------
    >>> from jaccourse.nn import mse_gradient
    >>> mse_gradient([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 6.0]])
    array([[ 0.,  0.],
           [ 0., -1.]])
    """
    pred, target = _pair("mse_gradient", pred, target)
    return 2.0 * (pred - target) / pred.size


def _pair(func: str, pred: Any, target: Any) -> tuple[Any, Any]:
    pred = _array(func, "pred", pred, min_ndim=1)
    target = _array(func, "target", target, min_ndim=1)
    if onp.shape(pred) != onp.shape(target):
        raise ValueError(
            f"{func}: target must have the shape of pred, {onp.shape(pred)}, "
            f"got shape {onp.shape(target)}"
        )
    return pred, target


def cross_entropy(logits: Any, labels: Any) -> Any:
    """Softmax cross-entropy from logits: ``mean_i (logsumexp(z_i) - z_i[y_i])``.

    ``-log softmax(z)[y]`` for one example, averaged over a batch. Computed with
    :data:`log_softmax` (the log-sum-exp trick): finite even for logits of ``+-1e4``.

    Parameters
    ----------
    logits : array-like, shape (K,) or (N, K)
        Unnormalised class scores ``z`` (the output of a linear last layer).
    labels : int or array-like of ints, shape () or (N,)
        The true classes, in ``[0, K)``.

    Returns
    -------
    float (an autograd value when ``logits`` is traced)

    Notes
    -----
    See the chapters ``sigmoid`` and ``backpropagation``; the gradient is
    :func:`cross_entropy_gradient`.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import cross_entropy
    >>> round(float(cross_entropy([0.0, 0.0, 0.0], 1)), 6) == round(float(onp.log(3)), 6)
    True
    >>> float(cross_entropy([[1e4, -1e4], [0.0, 0.0]], [0, 0])) == float(onp.log(2) / 2)
    True
    """
    logits = _scores("cross_entropy", "logits", logits)
    shape = onp.shape(logits)
    onehot = one_hot(_labels("cross_entropy", labels, shape[-1], shape[:-1]), shape[-1])
    n = shape[0] if len(shape) == 2 else 1
    return -np.sum(onehot * _log_softmax(logits)) / n


def cross_entropy_gradient(logits: Any, labels: Any) -> onp.ndarray:
    """The gradient of :func:`cross_entropy` with respect to the logits:
    ``(softmax(z) - onehot(y)) / N``.

    The softmax Jacobian ``diag(s) - s s^T`` and the gradient ``-onehot(y) / s`` of
    ``-log s_y`` multiply to the famous ``s - onehot(y)``: no full Jacobian is ever needed.
    Shape of ``logits``; ``N = 1`` for a single example of shape ``(K,)``.

    See the chapter ``sigmoid``.

    Examples
    --------
    >>> from jaccourse.nn import cross_entropy_gradient
    >>> cross_entropy_gradient([0.0, 0.0], 1)
    array([ 0.5, -0.5])
    """
    logits = _scores("cross_entropy_gradient", "logits", logits)
    shape = onp.shape(logits)
    y = _labels("cross_entropy_gradient", labels, shape[-1], shape[:-1])
    n = shape[0] if len(shape) == 2 else 1
    return (_softmax(logits) - one_hot(y, shape[-1])) / n


def accuracy(scores: Any, labels: Any) -> float:
    """The fraction of rows whose largest score is at the true class: ``mean(argmax z_i == y_i)``.

    ``scores`` has shape ``(N, K)`` (logits or probabilities), ``labels`` shape ``(N,)``.

    See the chapter ``backpropagation``.

    Examples
    --------
    >>> from jaccourse.nn import accuracy
    >>> accuracy([[2.0, 1.0], [0.0, 3.0], [5.0, 4.0]], [0, 1, 1])
    0.6666666666666666
    """
    scores = _array("accuracy", "scores", scores, min_ndim=2)
    if scores.ndim != 2:
        raise ValueError(f"accuracy: scores must have shape (N, K), got shape {scores.shape}")
    y = _labels("accuracy", labels, scores.shape[1], scores.shape[:1])
    return _accuracy(scores, y)


def _accuracy(scores: onp.ndarray, labels: onp.ndarray) -> float:
    return float(onp.mean(onp.argmax(scores, axis=1) == labels))


# The losses on prepared targets T, shape (N, n_L): one-hot rows for cross-entropy, the
# targets themselves for MSE. No checks (the public functions and MLP.backprop check once).


def _ce_value(out: Any, T: Any) -> Any:
    return -np.sum(T * _log_softmax(out)) / np.shape(out)[0]


def _ce_grad(out: onp.ndarray, T: onp.ndarray) -> onp.ndarray:
    return (_softmax(out) - T) / out.shape[0]


def _mse_value(out: Any, T: Any) -> Any:
    return np.mean((out - T) ** 2)


def _mse_grad(out: onp.ndarray, T: onp.ndarray) -> onp.ndarray:
    return 2.0 * (out - T) / out.size


# name -> (value(out, T), gradient with respect to the output(out, T)) on prepared targets
_LOSSES: dict[str, tuple[Callable, Callable]] = {
    "mse": (_mse_value, _mse_grad),
    "cross_entropy": (_ce_value, _ce_grad),
}


def _loss(func: str, loss: Any) -> tuple[Callable, Callable]:
    if not isinstance(loss, str) or loss not in _LOSSES:
        raise ValueError(f"{func}: loss must be one of {sorted(_LOSSES)}, got {describe(loss)}")
    return _LOSSES[loss]


# --------------------------------------------------------------------------------------------
# one dense layer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dense:
    """One dense layer ``x -> sigma(W x + b)``, with its Jacobians.

    Attributes
    ----------
    W : ndarray, shape (m, n)
    b : ndarray, shape (m,)
    activation : Activation or str
        Stored as an :class:`Activation`.

    Notes
    -----
    Methods: ``layer(x)`` (``(n,) -> (m,)``, or ``(N, n) -> (N, m)``); :meth:`jacobian` (with
    respect to the input, ``diag(sigma'(z)) W``); :meth:`weight_jacobian` (with respect to
    ``W``); :meth:`vjp` (all three gradients in one backward step).

    See the chapter ``backpropagation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import Dense
    >>> layer = Dense(onp.array([[1.0, 2.0], [0.0, -1.0]]), onp.zeros(2), "relu")
    >>> layer([1.0, 1.0])
    array([3., 0.])
    >>> layer.jacobian([1.0, 1.0])        # diag(relu'(z)) W: the second row is switched off
    array([[1., 2.],
           [0., 0.]])
    """

    W: onp.ndarray
    b: onp.ndarray
    activation: Activation | str = "identity"

    def __post_init__(self) -> None:
        func = "Dense"
        W = _array(func, "W", self.W, min_ndim=2)
        if W.ndim != 2:
            raise ValueError(f"{func}: W must have shape (m, n), got shape {W.shape}")
        b = _array(func, "b", self.b, min_ndim=1)
        if b.shape != W.shape[:1]:
            raise ValueError(
                f"{func}: b must have shape ({W.shape[0]},) to match W of shape "
                f"{W.shape}, got shape {b.shape}"
            )
        object.__setattr__(self, "W", read_only(W))
        object.__setattr__(self, "b", read_only(b))
        object.__setattr__(self, "activation", _activation_arg(func, "activation", self.activation))

    @property
    def _act(self) -> Activation:
        """``activation``, which ``__post_init__`` has turned into an :class:`Activation`."""
        return cast(Activation, self.activation)

    def _input(self, func: str, x: Any) -> Any:
        x = _array(func, "x", x, min_ndim=1)
        n = self.W.shape[1]
        if onp.ndim(x) > 2 or onp.shape(x)[-1] != n:
            raise ValueError(
                f"{func}: x must have shape ({n},) or (N, {n}), got shape {onp.shape(x)}"
            )
        return x

    def __call__(self, x: Any) -> Any:
        """``sigma(W x + b)``: ``(n,) -> (m,)`` or ``(N, n) -> (N, m)``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import Dense
        >>> Dense(onp.ones((1, 2)), onp.zeros(1))([[1.0, 2.0], [3.0, 4.0]])
        array([[3.],
               [7.]])
        """
        x = self._input("Dense", x)
        return self._act.fn(np.dot(x, self.W.T) + self.b)

    def jacobian(self, x: Any) -> onp.ndarray:
        """The input Jacobian ``d sigma(W x + b) / d x = diag(sigma'(z)) W`` (seed equation 48).

        ``(m, n)`` for ``x`` of shape ``(n,)``, ``(N, m, n)`` for a batch. An element-wise
        activation scales the rows of ``W`` by ``sigma'(z)``; softmax multiplies by its full
        Jacobian.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import Dense
        >>> Dense(onp.array([[1.0, 2.0]]), onp.zeros(1), "tanh").jacobian([0.0, 0.0])
        array([[1., 2.]])
        """
        x = self._input("Dense.jacobian", x)
        return _layer_jacobian(self._act, self.W, onp.dot(x, self.W.T) + self.b)

    def weight_jacobian(self, x: Any) -> onp.ndarray:
        """The Jacobian with respect to the weights: ``d a_i / d W_jk``, shape ``(m, m, n)``.

        For an element-wise activation ``d a_i / d W_jk = sigma'(z_i) delta_ij x_k``: block
        diagonal (output ``i`` sees row ``i`` of ``W`` only), so ``u^T (d a / d W)`` is the
        outer product ``(sigma'(z) * u) x^T``. Reshape to ``(m, m n)`` for the matrix view.
        ``x`` must be a single input of shape ``(n,)``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import Dense
        >>> Jw = Dense(onp.zeros((2, 3)), onp.zeros(2)).weight_jacobian([1.0, 2.0, 3.0])
        >>> Jw.shape, Jw[0, 0], Jw[0, 1]       # output 0 depends on row 0 of W only
        ((2, 2, 3), array([1., 2., 3.]), array([0., 0., 0.]))
        """
        x = self._input("Dense.weight_jacobian", x)
        if x.ndim != 1:
            raise ValueError(
                f"Dense.weight_jacobian: x must be a single input of shape "
                f"({self.W.shape[1]},), got shape {x.shape}"
            )
        dz = _activation_jacobian(self._act, onp.dot(self.W, x) + self.b)  # (m, m)
        # d z_j / d W_jk = x_k: dz[:, j] (m,) times x_k
        return dz[:, :, None] * x[None, None, :]

    def vjp(self, x: Any, u: Any) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray]:
        """One backward step: ``(u^T dA/dx, u^T dA/dW, u^T dA/db)`` for ``u`` shaped like the
        output.

        With ``g = J_sigma(z)^T u`` (``sigma'(z) * u`` for element-wise activations):
        ``grad_x = W^T g``, ``grad_W = g x^T`` and ``grad_b = g``; for a batch the weight and
        bias gradients are summed over the rows. Shapes: ``x``'s, ``(m, n)``, ``(m,)``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import Dense
        >>> gx, gW, gb = Dense(onp.array([[1.0, 2.0]]), onp.zeros(1)).vjp([3.0, 4.0], [1.0])
        >>> gx, gW, gb
        (array([1., 2.]), array([[3., 4.]]), array([1.]))
        """
        func = "Dense.vjp"
        x = self._input(func, x)
        u = _array(func, "u", u, min_ndim=1)
        out_shape = x.shape[:-1] + (self.W.shape[0],)
        if u.shape != out_shape:
            raise ValueError(
                f"{func}: u must have the output's shape {out_shape}, got shape {u.shape}"
            )
        g = self._act.fn_vjp(onp.dot(x, self.W.T) + self.b, u)
        if x.ndim == 1:
            return onp.dot(self.W.T, g), onp.outer(g, x), g
        return g @ self.W, g.T @ x, g.sum(axis=0)


def _activation_arg(func: str, name: str, value: Any) -> Activation:
    try:
        return get_activation(value)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{func}: {name}: {err}") from None


def _activation_jacobian(act: Activation, z: onp.ndarray) -> onp.ndarray:
    return act.fn_jacobian(z)


def _layer_jacobian(act: Activation, W: onp.ndarray, z: onp.ndarray) -> onp.ndarray:
    """``diag(sigma'(z)) W`` (rows scaled, never a diagonal matrix formed), or ``J_sigma(z) W``."""
    if act.elementwise:
        # (+ 0.0 turns the -0.0 of a switched-off row times a negative weight into 0.0)
        derivative = cast(Callable, act.fn_derivative)  # element-wise: it is set
        return onp.asarray(derivative(z))[..., :, None] * W + 0.0
    return onp.matmul(act.fn_jacobian(z), W)


# --------------------------------------------------------------------------------------------
# the multilayer perceptron
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Gradients:
    """What :meth:`MLP.backprop` returns: the loss and its gradients.

    Attributes
    ----------
    loss : float
        The loss at the given parameters (a mean over the batch).
    weights : tuple of ndarrays
        ``grad_{W_l} Loss``, shaped like ``W_l``: ``(n_{l+1}, n_l)``.
    biases : tuple of ndarrays
        ``grad_{b_l} Loss``, shaped like ``b_l``: ``(n_{l+1},)``.
    x : ndarray
        ``grad_x Loss`` (the last ``delta``, ``J_0^T delta_1``), shaped like the input.

    Notes
    -----
    See the chapter ``backpropagation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import Gradients
    >>> g = Gradients(1.0, (onp.ones((2, 3)),), (onp.zeros(2),), onp.zeros(3))
    >>> g.vector()          # W_0 row by row, then b_0: the order of MLP.params()
    array([1., 1., 1., 1., 1., 1., 0., 0.])
    """

    loss: float
    weights: tuple
    biases: tuple
    x: onp.ndarray

    def vector(self) -> onp.ndarray:
        """All gradients flattened in the order of :meth:`MLP.params` (``W_0, b_0, W_1, ...``).

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import Gradients
        >>> Gradients(0.0, (onp.eye(2),), (onp.ones(2),), onp.zeros(2)).vector()
        array([1., 0., 0., 1., 1., 1.])
        """
        return onp.concatenate(
            [a for W, b in zip(self.weights, self.biases, strict=True) for a in (onp.ravel(W), b)]
        )


def _check_sizes(func: str, sizes: Any) -> tuple[int, ...]:
    if (
        isinstance(sizes, (str, bytes))
        or not isinstance(sizes, Sequence)
        and not isinstance(sizes, onp.ndarray)
    ):
        raise TypeError(
            f"{func}: sizes must be a sequence of layer widths such as (64, 32, 10), "
            f"got {describe(sizes)}"
        )
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(
            f"{func}: sizes must list at least an input and an output width, got {sizes}"
        )
    return tuple(
        as_positive_int(func, f"sizes[{i}]", int(s) if isinstance(s, onp.integer) else s)
        for i, s in enumerate(sizes)
    )


class MLP:
    """A multilayer perceptron ``x_{l+1} = sigma(W_l x_l + b_l)``, with its Jacobians and backprop.

    ``sizes = (n_0, n_1, ..., n_L)`` gives ``L`` dense layers; layer ``l`` maps ``R^{n_l}`` to
    ``R^{n_{l+1}}`` with ``W_l`` of shape ``(n_{l+1}, n_l)`` (rows are outputs, as in a
    Jacobian). The hidden layers use ``activation`` (element-wise); the last one uses
    ``output`` (``"linear"``: logits for :func:`cross_entropy`, or targets for :func:`mse`).
    Biases start at zero; weights are drawn by ``init`` with ``rng``.

    An ``MLP`` is immutable: training returns a new one (:meth:`with_params`).

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, at least two.
    activation : str or Activation
        The hidden activation, element-wise (``"tanh"``, ``"relu"``, ``"sigmoid"``,
        ``"softplus"``, ``"identity"``).
    init : str or callable
        A name in :data:`INITIALIZERS` or ``init(fan_in, fan_out, rng) -> (fan_out, fan_in)``.
    rng : numpy.random.Generator, int or None
        The source of the initial weights.
    output : str or Activation
        The last layer's activation (``"linear"`` by default).

    Attributes
    ----------
    sizes, activation, output, weights, biases, n_params, layers

    Notes
    -----
    See the chapters ``backpropagation`` and ``analysis-stability``.

    Examples
    --------
    >>> from jaccourse.nn import MLP
    >>> net = MLP([4, 8, 3], activation="tanh", rng=0)
    >>> net
    MLP(sizes=(4, 8, 3), activation='tanh', output='identity', n_params=67)
    >>> [W.shape for W in net.weights], net.forward([0.1, 0.2, 0.3, 0.4]).shape
    ([(8, 4), (3, 8)], (3,))
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Activation = "tanh",
        init: str | Callable = "xavier_normal",
        rng: onp.random.Generator | int | None = None,
        output: str | Activation = "linear",
    ) -> None:
        func = "MLP"
        sizes = _check_sizes(func, sizes)
        if isinstance(init, str):
            if init not in INITIALIZERS:
                raise ValueError(
                    f"{func}: init must be one of {sorted(INITIALIZERS)} or a "
                    f"callable, got {init!r}"
                )
            initializer = INITIALIZERS[init]
        else:
            initializer = check_callable(
                func, "init", init, nargs=3, call="init(fan_in, fan_out, rng)"
            )
        gen = as_rng(func, rng)
        check_entries(
            func,
            f"the weights for sizes {sizes}",
            sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)),
        )
        weights = []
        for l in range(len(sizes) - 1):
            W = onp.asarray(initializer(sizes[l], sizes[l + 1], gen), dtype=float)
            if W.shape != (sizes[l + 1], sizes[l]):
                raise ValueError(
                    f"{func}: init must return an array of shape (fan_out, fan_in) "
                    f"= {(sizes[l + 1], sizes[l])}, got shape {W.shape}"
                )
            weights.append(W)
        biases = [onp.zeros(n) for n in sizes[1:]]
        self._setup(func, weights, biases, activation, output)

    def _setup(self, func: str, weights: list, biases: list, activation: Any, output: Any) -> None:
        act = _activation_arg(func, "activation", activation)
        if not act.elementwise:
            raise ValueError(
                f"{func}: the hidden activation must be element-wise, got "
                f"{act.name} (use it as output= instead)"
            )
        self._activation = act
        self._output = _activation_arg(func, "output", output)
        self._weights = tuple(read_only(W) for W in weights)
        self._biases = tuple(read_only(b) for b in biases)
        self._sizes = (self._weights[0].shape[1],) + tuple(W.shape[0] for W in self._weights)
        shapes = [(W.shape, b.shape) for W, b in zip(self._weights, self._biases, strict=True)]
        self._slices = []
        start = 0
        for Ws, bs in shapes:
            self._slices.append((start, start + Ws[0] * Ws[1], Ws))
            start += Ws[0] * Ws[1] + bs[0]
        self._n_params = start

    @classmethod
    def from_weights(
        cls,
        weights: Sequence[Any],
        biases: Sequence[Any] | None = None,
        activation: str | Activation = "tanh",
        output: str | Activation = "linear",
    ) -> MLP:
        """An MLP with the given weights ``W_l`` of shape ``(n_{l+1}, n_l)`` and biases
        ``(n_{l+1},)``.

        Consecutive shapes must chain: ``W_{l+1}.shape[1] == W_l.shape[0]``. ``biases=None``
        means zeros.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import MLP
        >>> net = MLP.from_weights([onp.eye(2), onp.ones((1, 2))], activation="relu")
        >>> net.forward([1.0, -1.0])
        array([1.])
        """
        func = "MLP.from_weights"
        if not isinstance(weights, (list, tuple)) or not weights:
            raise TypeError(
                f"{func}: weights must be a non-empty list of 2-D arrays, got {describe(weights)}"
            )
        Ws: list[onp.ndarray] = []
        for l, W in enumerate(weights):
            W = _array(func, f"weights[{l}]", W, min_ndim=2)
            if W.ndim != 2:
                raise ValueError(
                    f"{func}: weights[{l}] must be 2-D (n_out, n_in), got shape {W.shape}"
                )
            if l and W.shape[1] != Ws[-1].shape[0]:
                raise ValueError(
                    f"{func}: layer shapes do not chain: weights[{l - 1}] has shape "
                    f"{Ws[-1].shape} (output width {Ws[-1].shape[0]}) but weights[{l}] has shape "
                    f"{W.shape} (input width {W.shape[1]})"
                )
            Ws.append(W)
        if biases is None:
            bs = [onp.zeros(W.shape[0]) for W in Ws]
        else:
            if not isinstance(biases, (list, tuple)) or len(biases) != len(Ws):
                raise ValueError(
                    f"{func}: biases must be a list of {len(Ws)} vectors (one per "
                    f"layer), got {describe(biases)}"
                )
            bs = []
            for l, (b, W) in enumerate(zip(biases, Ws, strict=True)):
                b = _array(func, f"biases[{l}]", b, min_ndim=1)
                if b.shape != (W.shape[0],):
                    raise ValueError(
                        f"{func}: biases[{l}] must have shape ({W.shape[0]},) to "
                        f"match weights[{l}] of shape {W.shape}, got shape {b.shape}"
                    )
                bs.append(b)
        net = cls.__new__(cls)
        net._setup(func, Ws, bs, activation, output)
        return net

    # ---- read-only attributes ----------------------------------------------------------------

    @property
    def sizes(self) -> tuple[int, ...]:
        """The layer widths ``(n_0, ..., n_L)``."""
        return self._sizes

    @property
    def activation(self) -> Activation:
        """The hidden activation."""
        return self._activation

    @property
    def output(self) -> Activation:
        """The last layer's activation."""
        return self._output

    @property
    def weights(self) -> tuple[onp.ndarray, ...]:
        """``(W_0, ..., W_{L-1})``, read-only, ``W_l`` of shape ``(n_{l+1}, n_l)``."""
        return self._weights

    @property
    def biases(self) -> tuple[onp.ndarray, ...]:
        """``(b_0, ..., b_{L-1})``, read-only, ``b_l`` of shape ``(n_{l+1},)``."""
        return self._biases

    @property
    def n_params(self) -> int:
        """The number of parameters ``sum_l n_{l+1} (n_l + 1)``."""
        return self._n_params

    @property
    def layers(self) -> tuple[Dense, ...]:
        """The layers as :class:`Dense` objects."""
        acts = [self._activation] * (len(self._weights) - 1) + [self._output]
        return tuple(
            Dense(W, b, a) for W, b, a in zip(self._weights, self._biases, acts, strict=True)
        )

    def __repr__(self) -> str:
        return (
            f"MLP(sizes={self._sizes}, activation={self._activation.name!r}, "
            f"output={self._output.name!r}, n_params={self._n_params})"
        )

    # ---- parameters as one vector ------------------------------------------------------------

    def params(self) -> onp.ndarray:
        """Every parameter in one vector ``(W_0 row by row, b_0, W_1, b_1, ...)``, shape
        ``(n_params,)``.

        Examples
        --------
        >>> from jaccourse.nn import MLP
        >>> net = MLP([2, 3, 1], rng=0)
        >>> net.params().shape, bool((net.with_params(net.params()).params() == net.params()).all())
        ((13,), True)
        """
        return onp.concatenate(
            [a for W, b in zip(self._weights, self._biases, strict=True) for a in (W.ravel(), b)]
        )

    def unflatten(self, params: Any) -> tuple[list, list]:
        """Split a parameter vector into ``(weights, biases)`` lists (autograd-traceable).

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import MLP
        >>> Ws, bs = MLP([2, 3, 1], rng=0).unflatten(onp.arange(13.0))
        >>> Ws[1], bs[1]
        (array([[ 9., 10., 11.]]), array([12.]))
        """
        params = self._check_params("MLP.unflatten", params)
        return self._unflatten(params)

    def _unflatten(self, params: Any) -> tuple[list, list]:
        Ws, bs = [], []
        for start, stop, shape in self._slices:
            Ws.append(np.reshape(params[start:stop], shape))
            bs.append(params[stop : stop + shape[0]])
        return Ws, bs

    def _check_params(self, func: str, params: Any) -> Any:
        params = _array(func, "params", params, min_ndim=1)
        if onp.shape(params) != (self._n_params,):
            raise ValueError(
                f"{func}: params must have shape ({self._n_params},) for sizes "
                f"{self._sizes}, got shape {onp.shape(params)}"
            )
        return params

    def with_params(self, params: Any) -> MLP:
        """A new MLP of the same architecture with the parameters ``params`` (shape
        ``(n_params,)``).

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import MLP
        >>> MLP([2, 1], rng=0).with_params(onp.array([1.0, 2.0, 3.0])).forward([1.0, 1.0])
        array([6.])
        """
        params = onp.asarray(self._check_params("MLP.with_params", params))
        Ws, bs = self._unflatten(params)
        net = MLP.__new__(MLP)
        net._setup("MLP.with_params", Ws, bs, self._activation, self._output)
        return net

    # ---- forward pass ------------------------------------------------------------------------

    def _input(self, func: str, x: Any) -> Any:
        x = _array(func, "x", x, min_ndim=1)
        n = self._sizes[0]
        if onp.ndim(x) > 2 or onp.shape(x)[-1] != n:
            raise ValueError(
                f"{func}: x must have shape ({n},) or (N, {n}) for an MLP with "
                f"input width {n}, got shape {onp.shape(x)}"
            )
        return x

    def apply(self, params: Any, x: Any) -> Any:
        """The network's output with the parameters ``params`` (a vector): ``f(params, x)``.

        Written with autograd.numpy, so ``autograd.grad`` can differentiate it with respect to
        ``params`` (training) or ``x`` (sensitivity). ``x``: ``(n_0,)`` or ``(N, n_0)``; the
        result ``(n_L,)`` or ``(N, n_L)``.

        Examples
        --------
        >>> import autograd, autograd.numpy as np
        >>> from jaccourse.nn import MLP, mse
        >>> net = MLP([2, 4, 1], rng=0)
        >>> loss = lambda p: mse(net.apply(p, np.array([[1.0, 2.0]])), np.array([[0.5]]))
        >>> autograd.grad(loss)(net.params()).shape
        (17,)
        """
        params = self._check_params("MLP.apply", params)
        x = self._input("MLP.apply", x)
        Ws, bs = self._unflatten(params)
        return self._forward(Ws, bs, x)

    def _forward(self, Ws: Sequence[Any], bs: Sequence[Any], x: Any) -> Any:
        return layer_pass(Ws, bs, self._activation.fn, self._output.fn, x)

    def forward(self, x: Any) -> Any:
        """The output ``x_L`` for an input ``(n_0,)`` or a batch ``(N, n_0)``: ``(n_L,)`` or
        ``(N, n_L)``.

        Differentiable by autograd with respect to ``x``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import MLP
        >>> net = MLP([3, 5, 2], rng=1)
        >>> net.forward(onp.zeros((4, 3))).shape
        (4, 2)
        """
        return self._forward(self._weights, self._biases, self._input("MLP.forward", x))

    __call__ = forward

    def predict(self, x: Any) -> onp.ndarray:
        """The predicted class ``argmax_k x_L[k]`` of each input: an int, or shape ``(N,)``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import MLP
        >>> MLP.from_weights([onp.array([[1.0], [-1.0]])]).predict([[2.0], [-3.0]])
        array([0, 1])
        """
        x = self._input("MLP.predict", x)
        return onp.argmax(self._forward(self._weights, self._biases, x), axis=-1)

    # ---- Jacobians ---------------------------------------------------------------------------

    def layer_jacobians(self, x: Any) -> list[onp.ndarray]:
        """The Jacobian of each layer with respect to its input: ``J_l = diag(sigma'(z_l)) W_l``.

        ``J_l`` has shape ``(n_{l+1}, n_l)`` for ``x`` of shape ``(n_0,)``, and
        ``(N, n_{l+1}, n_l)`` for a batch ``(N, n_0)``. The last layer uses the output
        activation (for ``"linear"``, ``J_{L-1} = W_{L-1}``).

        See the chapter ``backpropagation``.

        Examples
        --------
        >>> from jaccourse.nn import MLP
        >>> net = MLP([4, 6, 5, 2], rng=0)
        >>> [J.shape for J in net.layer_jacobians([0.1, 0.2, 0.3, 0.4])]
        [(6, 4), (5, 6), (2, 5)]
        """
        return self._layer_jacobians("MLP.layer_jacobians", x)

    def _layer_jacobians(self, func: str, x: Any) -> list[onp.ndarray]:
        x = onp.asarray(self._input(func, x))
        _, zs = layer_pass(
            self._weights, self._biases, self._activation.fn, self._output.fn, x, keep=True
        )
        last = len(zs) - 1
        return [
            _layer_jacobian(self._output if l == last else self._activation, W, z)
            for l, (W, z) in enumerate(zip(self._weights, zs, strict=True))
        ]

    def input_jacobian(self, x: Any) -> onp.ndarray:
        """The input-output Jacobian ``d x_L / d x_0 = J_{L-1} ... J_1 J_0`` (seed formula 46).

        Shape ``(n_L, n_0)`` for ``x`` of shape ``(n_0,)``, ``(N, n_L, n_0)`` for a batch.
        The product is taken from the output side, ``((J_{L-1} J_{L-2}) ...) J_0``, whose
        intermediate results have only ``n_L`` rows.

        See the chapters ``backpropagation`` and ``analysis-stability``.

        Examples
        --------
        >>> import numpy as onp
        >>> from jaccourse.nn import MLP
        >>> net = MLP.from_weights([onp.array([[2.0, 0.0], [0.0, 3.0]]), onp.ones((1, 2))],
        ...                        activation="relu")
        >>> net.input_jacobian([1.0, -1.0])     # relu switches the second unit off
        array([[2., 0.]])
        """
        Js = self._layer_jacobians("MLP.input_jacobian", x)
        P = Js[-1]
        for J in reversed(Js[:-1]):
            P = onp.matmul(P, J)
        return P

    # ---- backpropagation ---------------------------------------------------------------------

    def backprop(self, x: Any, y: Any, loss: str = "cross_entropy") -> Gradients:
        """The loss and its gradients by the hand-written backward recursion (no autograd).

        Forward: ``z_l = W_l x_l + b_l``, ``x_{l+1} = sigma(z_l)``. Backward, from
        ``delta_L = grad_{x_L} Loss``::

            g_l      = sigma'(z_l) * delta_{l+1}      (the VJP of the activation; softmax
                                                       output: J_softmax(z)^T delta)
            grad W_l = g_l x_l^T                      (summed over a batch)
            grad b_l = g_l
            delta_l  = W_l^T g_l  =  J_l^T delta_{l+1}

        Vectorised over a batch: each step is a matrix product with the ``(N, n)`` block of
        rows, never a Jacobian matrix.

        Parameters
        ----------
        x : array-like, shape (n_0,) or (N, n_0)
        y : labels or targets
            ``loss="cross_entropy"``: class labels in ``[0, n_L)``, an int or shape ``(N,)``
            (the output must be the logits); ``loss="mse"``: targets shaped like the output.
        loss : {"cross_entropy", "mse"}
            A mean over the batch (:func:`cross_entropy`, :func:`mse`).

        Returns
        -------
        Gradients
            ``loss``, ``weights`` and ``biases`` (shaped like the parameters), ``x``.

        Notes
        -----
        See the chapter ``backpropagation``.

        Examples
        --------
        >>> import autograd, numpy as onp
        >>> from jaccourse.nn import MLP, cross_entropy
        >>> net = MLP([3, 4, 2], rng=0)
        >>> X, y = onp.random.default_rng(1).standard_normal((5, 3)), onp.array([0, 1, 1, 0, 1])
        >>> g = net.backprop(X, y)
        >>> auto = autograd.grad(lambda p: cross_entropy(net.apply(p, X), y))(net.params())
        >>> bool(onp.allclose(g.vector(), auto, atol=1e-14))
        True
        """
        func = "MLP.backprop"
        _loss(func, loss)
        x = onp.asarray(self._input(func, x))
        single = x.ndim == 1
        X = x[None, :] if single else x
        T = self._targets(func, y, loss, single, X.shape[0])
        value, gWs, gbs, delta = _backprop(
            self._weights, self._biases, self._activation, self._output, X, T, loss
        )
        return Gradients(
            loss=value, weights=tuple(gWs), biases=tuple(gbs), x=delta[0] if single else delta
        )

    def _targets(self, func: str, y: Any, loss: str, single: bool, n: int) -> onp.ndarray:
        """``y`` as prepared targets ``(N, n_L)``: one-hot rows of labels, or the targets."""
        out = self._sizes[-1]
        if loss == "cross_entropy":
            shape = () if single else (n,)
            try:
                labels = _labels(func, y, out, shape)
            except (TypeError, ValueError) as err:
                raise type(err)(
                    str(err).replace(f"{func}: labels", f"{func}: y (labels)")
                ) from None
            return (labels.reshape(n, 1) == onp.arange(out)).astype(float)
        target = _array(func, "y", y, min_ndim=1)
        want = (out,) if single else (n, out)
        if target.shape != want:
            raise ValueError(
                f"{func}: y (targets) must have shape {want}, got shape {target.shape}"
            )
        return target.reshape(n, out)


def _backprop(
    Ws: Sequence[onp.ndarray],
    bs: Sequence[onp.ndarray],
    hidden: Activation,
    output: Activation,
    X: onp.ndarray,
    T: onp.ndarray,
    loss: str,
) -> tuple[float, list, list, onp.ndarray]:
    """The backward recursion on a batch ``X`` (N, n_0) with prepared targets ``T`` (N, n_L).

    Returns ``(loss, weight gradients, bias gradients, grad_X)``; plain numpy, no checks."""
    value_fn, grad_fn = _LOSSES[loss]
    xs, zs = layer_pass(Ws, bs, hidden.fn, output.fn, X, keep=True)  # keeping x_l and z_l
    last = len(Ws) - 1
    value = float(value_fn(xs[-1], T))
    delta = grad_fn(xs[-1], T)  # delta_L = grad of the loss, (N, n_L)
    gWs: list[Any] = [None] * len(Ws)
    gbs: list[Any] = [None] * len(Ws)
    for l in range(last, -1, -1):
        g = (output if l == last else hidden).fn_vjp(zs[l], delta)  # sigma'(z_l) * delta_{l+1}
        gWs[l] = g.T @ xs[l]  # sum over the batch of g x_l^T
        gbs[l] = g.sum(axis=0)
        delta = g @ Ws[l]  # delta_l = W_l^T g, row by row
    return value, gWs, gbs, delta


# --------------------------------------------------------------------------------------------
# training
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TrainingHistory:
    """The learning curves of :func:`train`, one entry per epoch (entry 0: before training).

    Attributes
    ----------
    epoch : ndarray of int, shape (E + 1,)
        ``0, 1, ..., E``.
    loss : ndarray, shape (E + 1,)
        The loss on the whole training set.
    accuracy : ndarray or None, shape (E + 1,)
        Training accuracy (``loss="cross_entropy"`` only).
    val_loss, val_accuracy : ndarray or None, shape (E + 1,)
        The same on the validation set, if one was given.
    result : OptimizeResult
        What :func:`jaccourse.optim.sgd` returned (``nit``, ``success``, ``message``, ...).

    Notes
    -----
    See the chapter ``backpropagation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import MLP, train
    >>> X = onp.array([[0.0], [1.0], [2.0], [3.0]]); y = onp.array([0, 0, 1, 1])
    >>> net, hist = train(MLP([1, 2], rng=0), X, y, lr=0.5, batch_size=4, epochs=3, rng=0)
    >>> hist.epoch, hist.val_loss is None
    (array([0, 1, 2, 3]), True)
    """

    epoch: onp.ndarray
    loss: onp.ndarray
    accuracy: onp.ndarray | None
    val_loss: onp.ndarray | None
    val_accuracy: onp.ndarray | None
    result: OptimizeResult = field(repr=False)


def _data(
    func: str, net: MLP, X: Any, y: Any, loss: str, xname: str, yname: str
) -> tuple[onp.ndarray, onp.ndarray, onp.ndarray | None]:
    """``(X, T, labels)``: inputs, prepared targets (one-hot rows or targets), labels or None."""
    X = _array(func, xname, X, min_ndim=2)
    if X.ndim != 2 or X.shape[1] != net.sizes[0]:
        raise ValueError(
            f"{func}: {xname} must have shape (N, {net.sizes[0]}), got shape {X.shape}"
        )
    if loss == "cross_entropy":
        try:
            labels = _labels(func, y, net.sizes[-1], (X.shape[0],))
        except (TypeError, ValueError) as err:
            raise type(err)(
                str(err).replace(f"{func}: labels", f"{func}: {yname} (labels)")
            ) from None
        return X, one_hot(labels, net.sizes[-1]), labels
    T = _array(func, yname, y, min_ndim=2)
    if T.shape != (X.shape[0], net.sizes[-1]):
        raise ValueError(
            f"{func}: {yname} must have shape {(X.shape[0], net.sizes[-1])}, got shape {T.shape}"
        )
    return X, T, None


def _backprop_objective(mlp: MLP, loss: str) -> Callable:
    """``objective(params, (X_B, T_B))`` for :func:`jaccourse.optim.sgd`, registered with autograd
    as a single primitive whose VJP rule is the hand-written backward pass :func:`_backprop`.

    This is how a framework plugs a hand-derived derivative into automatic differentiation:
    autograd records one node and, on the way back, calls our rule instead of its own."""
    value_fn = _LOSSES[loss][0]

    @primitive
    def objective(params: onp.ndarray, batch: tuple) -> float:
        Ws, bs = mlp._unflatten(params)
        return float(value_fn(mlp._forward(Ws, bs, batch[0]), batch[1]))

    def objective_vjp(ans: Any, params: onp.ndarray, batch: tuple) -> Callable:
        def pull_back(g: Any) -> onp.ndarray:
            Ws, bs = mlp._unflatten(params)
            _, gWs, gbs, _ = _backprop(Ws, bs, mlp.activation, mlp.output, batch[0], batch[1], loss)
            return g * onp.concatenate(
                [a for gW, gb in zip(gWs, gbs, strict=True) for a in (gW.ravel(), gb)]
            )

        return pull_back

    defvjp(objective, objective_vjp)
    return objective


def train(
    mlp: MLP,
    X: Any,
    y: Any,
    *,
    lr: float,
    batch_size: int,
    epochs: int,
    rng: onp.random.Generator | int | None = None,
    momentum: float = 0.0,
    loss: str = "cross_entropy",
    X_val: Any = None,
    y_val: Any = None,
    gradient: str = "backprop",
) -> tuple[MLP, TrainingHistory]:
    """Train ``mlp`` by mini-batch SGD (:func:`jaccourse.optim.sgd`) and return the trained copy.

    Minimises ``loss(mlp.apply(params, X_B), y_B)`` over mini-batches ``B`` of
    ``batch_size`` samples, reshuffled every epoch by ``rng``, with the update
    ``v <- momentum v + grad``, ``params <- params - lr v``.

    The mini-batch gradient is the reverse-mode (vector-Jacobian) chain either way:
    ``gradient="backprop"`` (the default) hands :func:`~jaccourse.optim.sgd` a loss that
    autograd sees as one primitive whose VJP rule is :meth:`MLP.backprop`'s recursion;
    ``gradient="autograd"`` lets autograd trace :meth:`MLP.apply` operation by operation. The
    two give the same iterates up to rounding; the hand-written chain is a few times faster.

    Parameters
    ----------
    mlp : MLP
    X : array-like, shape (N, n_0)
    y : array-like
        Labels ``(N,)`` in ``[0, n_L)`` for ``loss="cross_entropy"``, targets ``(N, n_L)`` for
        ``loss="mse"``.
    lr, batch_size, epochs, rng, momentum
        As in :func:`jaccourse.optim.sgd`.
    loss : {"cross_entropy", "mse"}
    X_val, y_val : array-like, optional
        A held-out set, evaluated after every epoch (never trained on).
    gradient : {"backprop", "autograd"}

    Returns
    -------
    (MLP, TrainingHistory)
        The trained network and its learning curves. If SGD met a NaN or infinity it stops
        there; ``history.result.success`` is then False and its message says where.

    Notes
    -----
    See the chapter ``backpropagation``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import MLP, train
    >>> rng = onp.random.default_rng(0)
    >>> X = rng.standard_normal((200, 2)); y = (X[:, 0] * X[:, 1] > 0).astype(int)   # XOR-like
    >>> net, hist = train(MLP([2, 16, 2], rng=0), X, y, lr=0.3, batch_size=20, epochs=60,
    ...                   rng=0, momentum=0.9)
    >>> bool(hist.accuracy[-1] > 0.9), bool(hist.loss[-1] < hist.loss[0])
    (True, True)
    """
    func = "train"
    if not isinstance(mlp, MLP):
        raise TypeError(f"{func}: mlp must be an MLP, got {describe(mlp)}")
    value_fn = _loss(func, loss)[0]
    if gradient not in ("backprop", "autograd"):
        raise ValueError(
            f"{func}: gradient must be 'backprop' or 'autograd', got {describe(gradient)}"
        )
    X, T, labels = _data(func, mlp, X, y, loss, "X", "y")
    if (X_val is None) != (y_val is None):
        raise ValueError(f"{func}: give both X_val and y_val, or neither")
    val = None if X_val is None else _data(func, mlp, X_val, y_val, loss, "X_val", "y_val")
    as_real(func, "lr", lr, positive=True)

    if gradient == "backprop":
        objective = _backprop_objective(mlp, loss)
    else:

        def objective(params: Any, batch: tuple) -> Any:
            Ws, bs = mlp._unflatten(params)
            return value_fn(mlp._forward(Ws, bs, batch[0]), batch[1])

    with speaking_for("sgd", func):  # sgd checks the rest; its messages name train
        res = sgd(
            objective,
            mlp.params(),
            (X, T),
            lr=lr,
            batch_size=batch_size,
            epochs=epochs,
            rng=rng,
            momentum=momentum,
        )
    nets = [mlp.with_params(p) for p in res.history.x]
    classify = labels is not None
    val_loss = val_acc = None
    with onp.errstate(all="ignore"):  # a diverging run may overflow: its curves say so
        acc = (
            onp.array([_accuracy(n.forward(X), labels) for n in nets])
            if labels is not None
            else None
        )
        if val is not None:
            outs = [n.forward(val[0]) for n in nets]
            val_loss = onp.array([float(value_fn(o, val[1])) for o in outs])
            if classify and val[2] is not None:
                val_acc = onp.array([_accuracy(o, val[2]) for o in outs])
    history = TrainingHistory(
        epoch=onp.arange(len(nets)),
        loss=onp.asarray(res.history.fun),
        accuracy=acc,
        val_loss=val_loss,
        val_accuracy=val_acc,
        result=res,
    )
    return mlp.with_params(res.x), history
