"""Reference answers for the exercises of the chapter ``conclusions``.

- ``cc-ex-flow``: the flow matrix ``e^{tA}`` of ``A = [[1, 2], [0, -3]]`` at several times ``t``
  (computed by ``scipy.linalg.expm``, independently of the closed form);
- ``cc-ex-dot-test``: the vector-Jacobian product ``u^T J(x)`` of the layer
  ``a(x) = tanh(W x)``, with ``W`` the 4 x 4 standard normal matrix drawn first from
  ``numpy.random.default_rng(7)`` and ``u = (1, -2, 0.5, 3)``, as the gradient of
  ``x -> u . a(x)``.
"""

import autograd.numpy as np
from scipy.linalg import expm

from jaccourse.book.exercises import FunctionReference, GradientReference

_A = np.array([[1.0, 2.0], [0.0, -3.0]])
_W = np.random.default_rng(7).standard_normal((4, 4))
_U = np.array([1.0, -2.0, 0.5, 3.0])

REFERENCES = {
    "cc-ex-flow": FunctionReference(lambda t: expm(t * _A), [0.3, 0.7, 1.5, -0.4]),
    "cc-ex-dot-test": GradientReference(
        lambda x: np.dot(_U, np.tanh(np.dot(_W, x))),
        [[0.3, -1.2, 0.8, 0.1], [-0.5, 0.4, 1.1, -0.9], [1.5, 0.2, -0.3, 0.6]],
    ),
}
