"""Reference answers for the code exercises of the chapter ``multi-objective``.

- ``mo-ex-schaffer``: the largest distance, in the ``(f1, f2)`` plane, between the points of
  Schaffer's front ``(x^2, (x - 2)^2)`` given by consecutive weights ``w_j`` of the weighted
  sum, whose minimiser is ``x = 2 (1 - w)``, as a function of the array of weights;
- ``mo-ex-three``: the 3 x 2 Jacobian of the three objectives ``|x - a_i|^2`` with
  ``a_1 = (0, 0)``, ``a_2 = (2, 0)``, ``a_3 = (1, 2)``.
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference, JacobianReference

_A = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 2.0]])


def _schaffer_front_gap(w):
    x = 2 * (1 - np.asarray(w, dtype=float))
    front = np.stack([x**2, (x - 2) ** 2], axis=1)
    return np.max(np.linalg.norm(np.diff(front, axis=0), axis=1))


def _three_objectives(x):
    return np.sum((x - _A) ** 2, axis=1)


REFERENCES = {
    "mo-ex-schaffer": FunctionReference(
        _schaffer_front_gap,
        [
            np.linspace(0.0, 1.0, 3),
            np.linspace(0.0, 1.0, 11),
            [0.0, 0.1, 0.5, 0.9, 1.0],
            [0.2, 0.3, 0.35, 0.8],
        ],
        mixed_sizes=True,
    ),
    "mo-ex-three": JacobianReference(
        _three_objectives, [[1.0, 0.5], [1.0, 2 / 3], [-0.5, 2.0], [3.0, -1.0]]
    ),
}
