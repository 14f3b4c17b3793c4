"""Robustness and stability through the Jacobian: sensitivity, adversarial examples, spectral norms.

* :func:`input_sensitivity`: how the output (or the loss) of a model moves with its input, the
  input Jacobian ``d y / d x`` or the input gradient ``grad_x Loss``: a saliency map.
* :func:`fgsm`: the fast gradient sign method (Goodfellow, Shlens and Szegedy 2015),
  ``x_adv = x + eps sign(grad_x Loss(x, y))``, the max-norm step of size ``eps`` that increases
  the linearised loss the most.
* :func:`spectral_norm`: the largest singular value ``||J||_2`` by power iteration, on a matrix
  or matrix-free on a pair of Jacobian-vector / vector-Jacobian products. It bounds how much a
  layer can stretch an input perturbation (forward) or a gradient (backward): products of such
  norms explain exploding and vanishing gradients.
* :func:`lipschitz_upper_bound`: ``prod_l ||W_l||_2`` (times the activations' Lipschitz
  constants), an upper bound of ``||d y / d x||_2`` at every input.

See the chapter ``analysis-stability``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import autograd.numpy as np
import numpy as onp

from jaccourse._validation import (
    as_positive_int,
    as_real,
    as_rng,
    check_callable,
    check_entries,
    describe,
    float_array,
    function_named,
    quiet,
    speaking_for,
)
from jaccourse.derivatives import gradient, jacobian
from jaccourse.nn import MLP

__all__ = [
    "input_sensitivity",
    "fgsm",
    "iterated_fgsm",
    "SpectralNorm",
    "spectral_norm",
    "lipschitz_upper_bound",
]


#: The losses an MLP model can be given (see :func:`jaccourse.nn.train`).
_LOSSES = ("cross_entropy", "mse")


def _finite_array(func: str, name: str, value: Any) -> onp.ndarray:
    arr = float_array(func, name, value)
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(
            f"{func}: {name} must be a non-empty array of shape (n,) or (N, n), "
            f"got shape {arr.shape}"
        )
    if not onp.all(onp.isfinite(arr)):
        raise ValueError(f"{func}: {name} must be finite, got NaN or inf")
    return arr


def _loss_gradient(
    func: str, model: Any, x: onp.ndarray, y: Any, loss: str, name: str = "model"
) -> onp.ndarray:
    """``grad_x`` of the loss of each example with respect to its own input, shape of ``x``."""
    if isinstance(model, MLP):
        with speaking_for("MLP.backprop", func):
            g = model.backprop(x, y, loss=loss)
        # backprop differentiates the batch mean; undo the 1 / N to get each example's own
        # gradient (example i's loss depends on x_i only)
        return g.x * (x.shape[0] if x.ndim == 2 else 1)
    check_callable(func, "model", model)
    shape = x.shape

    def flat(v: Any) -> Any:
        return model(np.reshape(v, shape), y)

    with function_named(func, name), speaking_for("gradient", func):
        return gradient(flat, x.ravel()).reshape(shape)


def input_sensitivity(
    model: Any, x: Any, y: Any = None, *, loss: str = "cross_entropy"
) -> onp.ndarray:
    """The sensitivity of a model to its input: ``d y / d x``, or ``grad_x Loss(x, y)``.

    Large entries mean that a small change of the input moves the output (or the loss) a lot.
    Plotted as an image beside the input, the loss gradient is a *saliency map*.

    Parameters
    ----------
    model : MLP or callable
        * an :class:`~jaccourse.nn.MLP`: without ``y``, its input Jacobian
          (:meth:`MLP.input_jacobian <jaccourse.nn.MLP.input_jacobian>`); with ``y``, the
          gradient of each example's ``loss`` (``"cross_entropy"`` or ``"mse"``) with respect
          to its own input, by backprop;
        * a callable ``f(x) -> (m,)`` or scalar, written with ``autograd.numpy`` (without
          ``y``): its Jacobian ``(m, n)`` or gradient ``(n,)`` at a single ``x`` of shape
          ``(n,)``;
        * a callable ``loss_fn(x, y) -> float`` (with ``y``): ``grad_x loss_fn(x, y)``, shape of
          ``x`` (any shape; for a batch whose loss is a sum or mean of per-example losses, row
          ``i`` is example ``i``'s gradient, scaled by ``1/N`` for a mean).
    x : array-like, shape (n,) or (N, n)
    y : optional
        Labels or targets.
    loss : {"cross_entropy", "mse"}
        For an MLP with ``y``.

    Returns
    -------
    ndarray
        MLP without ``y``: ``(n_L, n_0)`` or ``(N, n_L, n_0)``; with ``y``: the shape of ``x``.

    Notes
    -----
    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.nn import MLP
    >>> from jaccourse.robustness import input_sensitivity
    >>> net = MLP.from_weights([onp.array([[1.0, -2.0], [0.5, 0.0]])], activation="tanh")
    >>> input_sensitivity(net, [0.0, 0.0])                 # d y / d x = W for a linear net
    array([[ 1. , -2. ],
           [ 0.5,  0. ]])
    >>> input_sensitivity(net, [[0.0, 0.0]], [0]).shape     # grad_x of the loss, per example
    (1, 2)
    """
    func = "input_sensitivity"
    x = _finite_array(func, "x", x)
    if not isinstance(loss, str) or loss not in _LOSSES:
        raise ValueError(f"{func}: loss must be one of {list(_LOSSES)}, got {describe(loss)}")
    if isinstance(model, MLP):
        if y is None:
            with speaking_for("MLP.input_jacobian", func):
                return model.input_jacobian(x)
        return _loss_gradient(func, model, x, y, loss)
    if y is None:
        check_callable(func, "model", model, nargs=1, call="model(x)")
    else:
        check_callable(func, "model", model, nargs=2, call="model(x, y)")
    if y is not None:
        return _loss_gradient(func, model, x, y, loss)
    if x.ndim != 1:
        raise ValueError(
            f"{func}: for a callable f(x), x must be a single input of shape "
            f"(n,), got shape {x.shape}; loop over a batch"
        )
    with quiet():
        out = onp.asarray(model(x))
    with (
        function_named(func, "model"),
        speaking_for("gradient", func),
        speaking_for("jacobian", func),
    ):
        return gradient(model, x) if out.ndim == 0 else jacobian(model, x)


def fgsm(
    loss_fn: Any,
    x: Any,
    y: Any,
    eps: float,
    *,
    clip: tuple[float, float] | None = None,
    loss: str = "cross_entropy",
) -> onp.ndarray:
    """The fast gradient sign method (Goodfellow, Shlens and Szegedy 2015).

    ``x_adv = x + eps * sign(grad_x Loss(x, y))``, optionally clipped to a box ``[lo, hi]``.
    Among all perturbations with ``max_i |delta_i| <= eps`` it is the one that increases the
    *linearised* loss ``Loss(x) + grad^T delta`` the most, by ``eps ||grad||_1``: a single
    gradient (one backward pass, the ``(1, n)`` Jacobian of the loss) is enough to attack.

    Parameters
    ----------
    loss_fn : callable or MLP
        ``loss_fn(x, y) -> float`` written with ``autograd.numpy``, or an
        :class:`~jaccourse.nn.MLP` (its ``loss`` on its output, by backprop).
    x : array-like, shape (n,) or a batch (N, n)
        The clean inputs. A batch is attacked example by example: for a loss that is a sum
        or mean over examples, row ``i`` of the gradient has the sign of example ``i``'s own.
    y : labels or targets
    eps : float
        The max-norm budget, ``>= 0`` (``0`` returns ``x``).
    clip : (lo, hi), optional
        Keep the result in the box (e.g. ``(0.0, 1.0)`` for pixel intensities).
    loss : {"cross_entropy", "mse"}
        For an MLP.

    Returns
    -------
    ndarray, the shape of ``x``

    Notes
    -----
    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.robustness import fgsm
    >>> loss_fn = lambda x, y: np.sum((x - y) ** 2)
    >>> fgsm(loss_fn, [0.0, 1.0, 2.0], [1.0, 1.0, 1.0], eps=0.1)   # away from y
    array([-0.1,  1. ,  2.1])
    >>> fgsm(loss_fn, [0.0, 1.0, 2.0], [1.0, 1.0, 1.0], eps=0.5, clip=(0.0, 2.0))
    array([0., 1., 2.])
    """
    func = "fgsm"
    eps = as_real(func, "eps", eps, nonnegative=True)
    if not isinstance(loss_fn, MLP):
        check_callable(func, "loss_fn", loss_fn, nargs=2, call="loss_fn(x, y)")
    x = _finite_array(func, "x", x)
    lo, hi = _clip_pair(func, clip)
    if eps == 0.0:
        out = x.copy()
    else:
        g = _loss_gradient(func, loss_fn, x, y, loss, "loss_fn")
        out = x + eps * onp.sign(g)
    if clip is not None:
        out = onp.clip(out, lo, hi)
    return out


def _clip_pair(func: str, clip: Any) -> tuple[float | None, float | None]:
    """``clip`` checked: None, or a pair ``(lo, hi)`` of reals with ``lo <= hi``."""
    if clip is None:
        return None, None
    if not isinstance(clip, (tuple, list)) or len(clip) != 2:
        raise TypeError(f"{func}: clip must be a pair (lo, hi) or None, got {describe(clip)}")
    lo = as_real(func, "clip[0]", clip[0])
    hi = as_real(func, "clip[1]", clip[1])
    if lo > hi:
        raise ValueError(f"{func}: clip must have lo <= hi, got ({lo}, {hi})")
    return lo, hi


def iterated_fgsm(
    loss_fn: Any,
    x: Any,
    y: Any,
    eps: float,
    *,
    steps: int = 10,
    alpha: float | None = None,
    clip: tuple[float, float] | None = None,
    loss: str = "cross_entropy",
) -> onp.ndarray:
    """Iterated FGSM: ``steps`` sign steps of size ``alpha``, each projected back into the box.

    ``x_{k+1} = proj(x_k + alpha * sign(grad_x Loss(x_k, y)))``, where ``proj`` clips to
    ``clip`` (if given) and then to the max-norm ball ``|x_k - x|_inf <= eps`` around the clean
    input. One FGSM step trusts the linearisation over the whole budget ``eps``; iterating
    re-linearises where the attack has got to (Kurakin, Goodfellow and Bengio 2017, the basic
    iterative method; projected gradient descent without a random start).

    Parameters
    ----------
    loss_fn, x, y, loss
        As for :func:`fgsm`.
    eps : float
        The max-norm budget, ``>= 0`` (``0`` returns ``x``).
    steps : int
        The number of sign steps, ``>= 1``.
    alpha : float, optional
        The size of one step, ``> 0``; ``eps / 4`` by default.
    clip : (lo, hi), optional
        Keep every iterate in the box (e.g. ``(0.0, 1.0)`` for pixel intensities).

    Returns
    -------
    ndarray, the shape of ``x``

    Notes
    -----
    See the chapter ``analysis-stability`` (the exercise on iterated FGSM) and the open problem
    ``op-robustness``.

    Examples
    --------
    >>> import autograd.numpy as np
    >>> from jaccourse.robustness import iterated_fgsm
    >>> loss_fn = lambda x, y: np.sum((x - y) ** 2)
    >>> iterated_fgsm(loss_fn, [0.0, 1.0, 2.0], [1.0, 1.0, 1.0], eps=0.1)  # at most eps away
    array([-0.1,  1. ,  2.1])
    """
    func = "iterated_fgsm"
    eps = as_real(func, "eps", eps, nonnegative=True)
    steps = as_positive_int(func, "steps", steps)
    if alpha is None:
        alpha = eps / 4
    else:
        alpha = as_real(func, "alpha", alpha, positive=True)
    if not isinstance(loss_fn, MLP):
        check_callable(func, "loss_fn", loss_fn, nargs=2, call="loss_fn(x, y)")
    x = _finite_array(func, "x", x)
    lo, hi = _clip_pair(func, clip)
    if eps == 0.0:
        return x.copy()
    x_k = x.copy()
    for _ in range(steps):  # one fgsm step, then back into the box and the ball
        x_k = x_k + alpha * onp.sign(_loss_gradient(func, loss_fn, x_k, y, loss, "loss_fn"))
        if clip is not None:
            x_k = onp.clip(x_k, lo, hi)
        x_k = onp.clip(x_k, x - eps, x + eps)
    return x_k


@dataclass(frozen=True, eq=False)
class SpectralNorm:
    """What :func:`spectral_norm` returns; ``float(result)`` is ``sigma``.

    Attributes
    ----------
    sigma : float
        The estimate of the largest singular value ``||A||_2`` (from below: each iterate
        ``||A^T u||`` is at most ``||A||_2``).
    u : ndarray, shape (m,)
        The left singular vector estimate (``A v ~ sigma u``), unit length.
    v : ndarray, shape (n,)
        The right singular vector estimate (``A^T u ~ sigma v``), unit length.
    nit : int
        Power iterations taken (each one JVP and one VJP).
    converged : bool
        Whether the relative change of ``sigma`` fell below ``tol``.
    history : ndarray, shape (nit,)
        ``sigma`` after each iteration (a non-decreasing sequence up to rounding).

    Notes
    -----
    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.robustness import spectral_norm
    >>> res = spectral_norm(onp.diag([3.0, 1.0]), rng=0)
    >>> float(res), res.converged
    (3.0, True)
    """

    sigma: float
    u: onp.ndarray = field(repr=False)
    v: onp.ndarray = field(repr=False)
    nit: int
    converged: bool
    history: onp.ndarray = field(repr=False)

    def __float__(self) -> float:
        return float(self.sigma)


def _product(func: str, name: str, f: Callable, vec: onp.ndarray, size: int | None) -> onp.ndarray:
    try:
        with quiet():
            out = float_array(func, f"{name}(v)", f(vec))
    except (TypeError, ValueError) as err:
        if str(err).startswith(f"{func}:"):
            raise
        raise type(err)(f"{func}: {name} failed on a vector of shape {vec.shape}: {err}") from None
    if out.ndim != 1 or (size is not None and out.shape != (size,)):
        want = f"({size},)" if size is not None else "(m,)"
        raise ValueError(
            f"{func}: {name} must return a vector of shape {want}, got shape {out.shape}"
        )
    if not onp.all(onp.isfinite(out)):
        raise ValueError(f"{func}: {name} returned NaN or inf")
    return out


def spectral_norm(
    A: Any = None,
    *,
    jvp: Callable | None = None,
    vjp: Callable | None = None,
    n: int | None = None,
    iters: int = 1000,
    tol: float = 1e-12,
    rng: onp.random.Generator | int | None = None,
) -> SpectralNorm:
    """The spectral norm ``||A||_2 = sigma_max(A)`` by power iteration on ``A^T A``.

    From a random unit ``v``, repeat ``u = A v / ||A v||``, ``w = A^T u``, ``sigma = ||w||``,
    ``v = w / sigma``. Each step costs one product ``A v`` and one ``A^T u``, so a Jacobian
    never has to be formed: pass ``jvp(v) = J v`` and ``vjp(u) = J^T u`` (for instance
    :func:`jaccourse.derivatives.jvp` and :func:`~jaccourse.derivatives.vjp` of a layer at a
    point). The error in ``sigma`` shrinks like ``(sigma_2 / sigma_1)^(2k)``; a (nearly)
    repeated top singular value slows the vectors, not the norm.

    Parameters
    ----------
    A : array-like, shape (m, n), optional
        The matrix; or give ``jvp``, ``vjp`` and ``n`` instead.
    jvp : callable ``v (n,) -> A v (m,)``
    vjp : callable ``u (m,) -> A^T u (n,)``
    n : int
        The input dimension (columns of ``A``), needed with ``jvp``/``vjp``.
    iters : int
        Maximum number of iterations, ``>= 1``.
    tol : float
        Stop when ``|sigma_k - sigma_{k-1}| <= tol * sigma_k`` (``>= 0``).
    rng : numpy.random.Generator, int or None
        The source of the starting vector.

    Returns
    -------
    SpectralNorm
        ``sigma``, the singular vectors ``u`` and ``v``, ``nit``, ``converged``, ``history``.

    Notes
    -----
    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.robustness import spectral_norm
    >>> A = onp.random.default_rng(0).standard_normal((30, 20))
    >>> res = spectral_norm(A, rng=0)
    >>> bool(abs(res.sigma - onp.linalg.norm(A, 2)) < 1e-10 * res.sigma)
    True
    >>> free = spectral_norm(jvp=lambda v: A @ v, vjp=lambda u: A.T @ u, n=20, rng=0)
    >>> bool(abs(free.sigma - res.sigma) < 1e-12 * res.sigma)
    True
    """
    func = "spectral_norm"
    iters = as_positive_int(func, "iters", iters)
    tol = as_real(func, "tol", tol, nonnegative=True)
    gen = as_rng(func, rng)
    if A is not None:
        if jvp is not None or vjp is not None:
            raise TypeError(f"{func}: give either A or the pair jvp, vjp, not both")
        M = float_array(func, "A", A, what="a 2-D array of numbers")
        if M.ndim != 2 or M.size == 0:
            raise ValueError(f"{func}: A must be a non-empty 2-D array (m, n), got shape {M.shape}")
        if not onp.all(onp.isfinite(M)):
            raise ValueError(f"{func}: A must be finite, got NaN or inf")
        m, n = M.shape
        forward, backward = (lambda v: M @ v), (lambda u: M.T @ u)
    else:
        if jvp is None or vjp is None:
            raise TypeError(
                f"{func}: give a matrix A, or both jvp (v -> A v) and vjp (u -> A^T u) with n"
            )
        forward = check_callable(func, "jvp", jvp, nargs=1, call="jvp(v)")
        backward = check_callable(func, "vjp", vjp, nargs=1, call="vjp(u)")
        if n is None:
            raise TypeError(f"{func}: n (the input dimension of jvp) is required with jvp/vjp")
        n = as_positive_int(func, "n", n)
        check_entries(func, f"a vector of n = {n} entries", n)
        m = None
    v = gen.standard_normal(n)
    v /= onp.linalg.norm(v)
    u = onp.zeros(m if m is not None else 0)
    sigma, history, converged = 0.0, [], False
    for k in range(iters):
        Av = _product(func, "jvp", forward, v, m)
        m = Av.size
        norm_Av = float(onp.linalg.norm(Av))
        if norm_Av == 0.0:
            # a random start lies in the null space of A != 0 with probability zero, so this
            # means A = 0 (k = 0), or the iteration has already found sigma (rounding, k > 0)
            if k == 0:
                u = onp.zeros(m)
                history.append(0.0)
            converged = True
            break
        u = Av / norm_Av
        w = _product(func, "vjp", backward, u, n)
        new = float(onp.linalg.norm(w))
        history.append(new)
        if new == 0.0:
            sigma, converged = 0.0, True
            break
        v = w / new
        done = abs(new - sigma) <= tol * new
        sigma = new
        if done:
            converged = True
            break
    return SpectralNorm(
        sigma=sigma, u=u, v=v, nit=len(history), converged=converged, history=onp.array(history)
    )


def lipschitz_upper_bound(model: Any, *, activation_lipschitz: float = 1.0) -> float:
    """An upper bound of ``||d y / d x||_2`` over all inputs: ``prod_l ||W_l||_2`` times the
    activations' Lipschitz constants.

    By the chain rule ``d y / d x = J_{L-1} ... J_0`` with ``J_l = diag(sigma'(z_l)) W_l``, and
    ``||diag(sigma')||_2 = max |sigma'| <= Lip(sigma)``, so
    ``||d y / d x||_2 <= prod_l Lip(sigma_l) ||W_l||_2``. For 1-Lipschitz activations (tanh,
    ReLU, softplus) that is ``prod_l ||W_l||_2``. The bound is usually loose, but it holds
    everywhere, which a measured Jacobian at one ``x`` cannot say.

    Parameters
    ----------
    model : MLP or sequence of 2-D arrays
        An :class:`~jaccourse.nn.MLP` (its activations' own constants are used: ``1/4`` for
        sigmoid, ``1/2`` for a softmax output) or the weight matrices ``W_0, ..., W_{L-1}``.
    activation_lipschitz : float
        For a list of weights: the Lipschitz constant of the activation between layers
        (applied ``L - 1`` times; the last layer is taken to be linear).

    Returns
    -------
    float

    Notes
    -----
    See the chapter ``analysis-stability``.

    Examples
    --------
    >>> import numpy as onp
    >>> from jaccourse.robustness import lipschitz_upper_bound
    >>> lipschitz_upper_bound([onp.diag([2.0, 1.0]), onp.array([[3.0, 4.0]])])   # 2 * 5
    10.0
    """
    func = "lipschitz_upper_bound"
    if isinstance(model, MLP):
        if model.output.lipschitz is None:
            raise ValueError(
                f"{func}: the output activation {model.output.name} has no finite "
                f"Lipschitz constant"
            )
        weights = model.weights
        hidden = model.activation.lipschitz
        if hidden is None and len(weights) > 1:
            raise ValueError(
                f"{func}: the hidden activation {model.activation.name} has no finite "
                f"Lipschitz constant"
            )
        lips = [hidden or 0.0] * (len(weights) - 1) + [model.output.lipschitz]
    else:
        if isinstance(model, onp.ndarray) or not isinstance(model, Sequence) or not model:
            raise TypeError(
                f"{func}: model must be an MLP or a non-empty list of weight "
                f"matrices, got {describe(model)}"
            )
        lip = as_real(func, "activation_lipschitz", activation_lipschitz, nonnegative=True)
        checked: list[onp.ndarray] = []
        for l, W in enumerate(model):
            W = float_array(func, f"model[{l}]", W, what="a 2-D array of numbers")
            if W.ndim != 2:
                raise ValueError(f"{func}: model[{l}] must be a 2-D array, got shape {W.shape}")
            if checked and W.shape[1] != checked[-1].shape[0]:
                raise ValueError(
                    f"{func}: layer shapes do not chain: model[{l - 1}] has shape "
                    f"{checked[-1].shape} but model[{l}] has shape {W.shape}"
                )
            if not onp.all(onp.isfinite(W)):
                raise ValueError(f"{func}: model[{l}] must be finite, got NaN or inf")
            checked.append(W)
        weights = tuple(checked)
        lips = [lip] * (len(weights) - 1) + [1.0]
    return float(
        math.prod(c * float(onp.linalg.norm(W, 2)) for c, W in zip(lips, weights, strict=True))
    )
