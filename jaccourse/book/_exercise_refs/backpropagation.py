"""Reference answers for the exercises of the chapter ``backpropagation``.

- ``bp-ex-kronecker``: the Jacobian of the tanh layer ``a = tanh(W x + b)`` with respect to
  ``vec W`` (the rows of the 2 x 3 matrix ``W`` stacked), for the fixed ``x = (0.5, -1, 2)`` and
  ``b = (0.1, -0.3)``: the 2 x 6 matrix ``diag(tanh'(z)) (I_2 kron x^T)``;
- ``bp-ex-recursion``: the gradient of the cross-entropy of the 2-3-2 network (tanh hidden
  layer, linear output) at the input ``x = (0.8, -0.4)`` with label 1, with respect to its 17
  parameters in the order of ``MLP.params``: ``vec W_0`` (3 x 2), ``b_0``, ``vec W_1`` (2 x 3),
  ``b_1``.
"""

import autograd.numpy as np

from jaccourse.book.exercises import GradientReference, JacobianReference
from jaccourse.nn import cross_entropy

_X_LAYER = np.array([0.5, -1.0, 2.0])
_B_LAYER = np.array([0.1, -0.3])


def _layer_of_weights(w):
    """a = tanh(W x + b) as a function of vec W (rows stacked)."""
    return np.tanh(np.dot(np.reshape(w, (2, 3)), _X_LAYER) + _B_LAYER)


_X_NET, _LABEL_NET = np.array([0.8, -0.4]), 1


def _network_loss(params):
    """The cross-entropy of the 2-3-2 network at (x, label) as a function of its parameters."""
    W0, b0 = np.reshape(params[:6], (3, 2)), params[6:9]
    W1, b1 = np.reshape(params[9:15], (2, 3)), params[15:]
    logits = np.dot(W1, np.tanh(np.dot(W0, _X_NET) + b0)) + b1
    return cross_entropy(logits, _LABEL_NET)


_rng = np.random.default_rng(2026)

REFERENCES = {
    "bp-ex-kronecker": JacobianReference(
        _layer_of_weights,
        [
            [0.4, -0.2, 0.3, 0.1, 0.5, -0.6],
            [1.0, 0.5, -0.25, -0.8, 0.2, 0.3],
            list(_rng.normal(0.0, 0.7, 6)),
        ],
    ),
    "bp-ex-recursion": GradientReference(
        _network_loss,
        [
            list(_rng.normal(0.0, 0.8, 17)),
            list(_rng.normal(0.0, 0.8, 17)),
            list(_rng.normal(0.0, 1.5, 17)),
        ],
    ),
}
