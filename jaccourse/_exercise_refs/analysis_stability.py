"""Reference answers for the exercises of the chapter ``analysis-stability``.

- ``as-ex-iterated``: ten projected FGSM steps of size ``eps / 4`` with ``eps = 0.3``, label 2,
  on the small ReLU network ``MLP([4, 6, 3], activation="relu", init="kaiming_normal",
  rng=11)``, for one input at a time (a batch of one, shape ``(1, 4)``);
- ``as-ex-leaky``: the weight variance ``v = 2 / ((1 + a^2) n)`` that keeps the per-layer gain
  of a square leaky-ReLU layer at 1, as a function of the point ``(a, n)``.
"""

import autograd.numpy as np

from jaccourse.exercises import FunctionReference
from jaccourse.nn import MLP
from jaccourse.robustness import fgsm

_TOY = MLP([4, 6, 3], activation="relu", init="kaiming_normal", rng=11)
_LABEL, _EPS, _STEPS = np.array([2]), 0.3, 10


def _iterated_fgsm(x):
    X = np.reshape(x, (1, -1))
    X_k = np.array(X)
    for _ in range(_STEPS):
        X_k = fgsm(_TOY, X_k, _LABEL, _EPS / 4, clip=(0.0, 1.0))
        X_k = np.clip(X_k, X - _EPS, X + _EPS)
    return X_k


REFERENCES = {
    "as-ex-iterated": FunctionReference(
        _iterated_fgsm,
        [[0.0, 0.5, 1.0, 0.2], [0.9, 0.1, 0.4, 0.7], [0.3, 0.6, 0.95, 0.05]]),
    "as-ex-leaky": FunctionReference(
        lambda p: 2.0 / ((1.0 + p[0] ** 2) * p[1]),
        [[0.2, 64.0], [0.0, 64.0], [0.5, 100.0], [1.0, 10.0], [0.1, 37.0]],
        factors={"1 + a^2": lambda p: 1.0 + p[0] ** 2}),
}
