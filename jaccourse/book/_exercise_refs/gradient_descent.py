"""Reference answers for the code exercises of the chapter ``gradient-descent``.

- ``gd-ex-ridge``: the gradient of the ridge loss ``L(w) + alpha |w|^2`` on the diabetes data,
  ``L`` the mean squared error of the chapter and ``alpha = 0.1``;
- ``gd-ex-optimal-step``: the gap ``L(w) - L(w*)`` split by the eigendirections of the Hessian,
  ``0.5 * lambda_i * z_i**2`` with ``z = Q^T (w - w*)``, eigenvalues in ascending order.

The diabetes data are loaded the first time a reference needs them.
"""

from functools import cache

import autograd.numpy as np
import numpy as onp

from jaccourse.book.exercises import FunctionReference, GradientReference
from jaccourse.datasets import load_diabetes

RIDGE_ALPHA = 0.1


@cache
def _data():
    """X, y, the least-squares weights w* and the eigen-decomposition of the Hessian 2 X^T X / N."""
    data = load_diabetes()
    X, y = onp.array(data.X), onp.array(data.y)
    w_best = onp.linalg.lstsq(X, y, rcond=None)[0]
    lam, Q = onp.linalg.eigh(2 / X.shape[0] * X.T @ X)
    return X, y, w_best, lam, Q


def _ridge_loss(w):
    X, y = _data()[:2]
    return np.mean((np.dot(X, w) - y) ** 2) + RIDGE_ALPHA * np.sum(w**2)


def _gap_parts(w):
    _, _, w_best, lam, Q = _data()
    z = Q.T @ (onp.asarray(w, dtype=float) - w_best)
    return 0.5 * lam * z**2


_RNG = onp.random.default_rng(7)
_W_RANDOM = _RNG.uniform(-1.0, 1.0, size=10)

REFERENCES = {
    # w = 0 first: there the penalty's gradient vanishes, so forgetting it is "right at some
    # points only", the hint for a term that vanishes at some points
    "gd-ex-ridge": GradientReference(
        _ridge_loss, [onp.zeros(10), onp.linspace(-0.5, 0.5, 10), _W_RANDOM]
    ),
    "gd-ex-optimal-step": FunctionReference(
        _gap_parts, [onp.zeros(10), onp.linspace(-0.5, 0.5, 10), _W_RANDOM], rtol=1e-7, atol=1e-12
    ),
}
