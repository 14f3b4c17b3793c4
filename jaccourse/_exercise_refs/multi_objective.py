"""Reference answers for the code exercises of the chapter ``multi-objective``.

- ``mo-ex-schaffer``: the minimiser ``2 (1 - w)`` of the weighted sum
  ``w x^2 + (1 - w)(x - 2)^2`` of Schaffer's two objectives, as a function of ``w``;
- ``mo-ex-three``: the 3 x 2 Jacobian of the three objectives ``|x - a_i|^2`` with
  ``a_1 = (0, 0)``, ``a_2 = (2, 0)``, ``a_3 = (1, 2)``.
"""

import autograd.numpy as np

from jaccourse.exercises import FunctionReference, JacobianReference

_A = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 2.0]])


def _three_objectives(x):
    return np.sum((x - _A) ** 2, axis=1)


REFERENCES = {
    "mo-ex-schaffer": FunctionReference(lambda w: 2 * (1 - w), [0.2, 0.5, 0.9, 0.0, 1.0]),
    "mo-ex-three": JacobianReference(
        _three_objectives, [[1.0, 0.5], [1.0, 2 / 3], [-0.5, 2.0], [3.0, -1.0]]),
}
