"""Reference answers for the exercises of the chapter ``analysis-stability``.

- ``as-ex-iterated``: ten projected FGSM steps of size ``eps / 4`` with ``eps = 0.3``, label 2,
  on the small ReLU network ``MLP([4, 6, 3], activation="relu", init="kaiming_normal",
  rng=11)``, for one input at a time (a batch of one, shape ``(1, 4)``);
- ``as-ex-leaky``: the measured per-layer gain of the chapter's thirty-layer network (width
  64, ``rng=2026``) with a leaky ReLU of slope ``a`` and weights drawn from ``N(0, v)``: the
  root-mean-square norm of the back-propagated gradient over the chapter's 32 probe images
  (the first 32 test digits), at the input over at the last hidden layer, to the power 1/30;
  a function of the point ``(a, v)``.
"""

from functools import lru_cache

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference
from jaccourse.datasets import load_digits
from jaccourse.nn import MLP, Activation, cross_entropy_gradient
from jaccourse.robustness import iterated_fgsm

_TOY = MLP([4, 6, 3], activation="relu", init="kaiming_normal", rng=11)
_LABEL, _EPS, _STEPS = np.array([2]), 0.3, 10
_DEPTH, _WIDTH, _PROBE = 30, 64, 32


def _iterated_fgsm(x):
    X = np.reshape(x, (1, -1))
    return iterated_fgsm(_TOY, X, _LABEL, _EPS, steps=_STEPS, clip=(0.0, 1.0))


@lru_cache(maxsize=1)
def _probe():
    digits = load_digits()
    return digits.X_test[:_PROBE], digits.y_test[:_PROBE]


def _leaky_gain(p):
    a, v = float(p[0]), float(p[1])
    leaky = Activation(
        "leaky_relu",
        "max(z, a z)",
        fn=lambda z: np.where(z > 0, z, a * z),
        fn_derivative=lambda z: np.where(z > 0, 1.0, a) + 0.0 * z,
        lipschitz=1.0,
    )

    def init(fan_in, fan_out, rng):
        return rng.normal(0.0, np.sqrt(v), (fan_out, fan_in))

    net = MLP([64] + [_WIDTH] * _DEPTH + [10], activation=leaky, init=init, rng=2026)
    X, labels = _probe()
    delta = cross_entropy_gradient(net.forward(X), labels) * len(labels)
    norms = [np.linalg.norm(delta, axis=1)]
    for J in reversed(net.layer_jacobians(X)):
        delta = np.einsum("ni,nij->nj", delta, J)
        norms.append(np.linalg.norm(delta, axis=1))
    rms = np.sqrt(np.mean(np.array(norms[::-1]) ** 2, axis=1))
    return (rms[0] / rms[_DEPTH]) ** (1 / _DEPTH)


REFERENCES = {
    "as-ex-iterated": FunctionReference(
        _iterated_fgsm, [[0.0, 0.5, 1.0, 0.2], [0.9, 0.1, 0.4, 0.7], [0.3, 0.6, 0.95, 0.05]]
    ),
    "as-ex-leaky": FunctionReference(
        _leaky_gain,
        [[0.2, 2 / 64], [0.0, 2 / 64], [1.0, 1 / 64], [0.5, 1.6 / 64]],
        close_hint="close, but not the measurement: build the network exactly as the exercise says "
        "and return (norm at the input / norm at the last hidden layer) ** (1 / 30)",
    ),
}
