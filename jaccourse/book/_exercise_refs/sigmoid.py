"""Reference answers for the exercises of the chapter ``sigmoid``.

- ``sg-ex-log-softmax``: the Jacobian of the log-softmax, ``I - 1 s^T``, at logit vectors of
  three sizes, one of them with a logit of 1000 (where a naive softmax overflows);
- ``sg-ex-log-sigmoid``: ``log sigma(z) = min(z, 0) - log(1 + e^{-|z|})`` at numbers from
  ``-1e4`` to ``1e4``.
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference, JacobianReference
from jaccourse.nn import log_softmax


def _log_sigmoid(z):
    return -np.logaddexp(0.0, -z)


REFERENCES = {
    "sg-ex-log-softmax": JacobianReference(
        log_softmax.value,
        [[2.0, -1.0, 0.5, 0.0], [0.3, 1.7, -2.2], [1000.0, 0.0, -5.0, 998.5, 1.0]],
        mixed_sizes=True,
    ),
    "sg-ex-log-sigmoid": FunctionReference(
        _log_sigmoid, [-1e4, -800.0, -30.0, -1.0, 0.0, 2.5, 40.0, 1e4]
    ),
}
