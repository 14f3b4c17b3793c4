"""Reference answers of the code exercises in the chapter ``linear-approximation``.

- ``la-ex-slope``: ``tangent_error(h)``, the error ``|g(x0 + h) - g(x0) - g'(x0) h|`` of the
  tangent line of ``g(x) = exp(x) cos(x)`` at ``x0 = 0.3``, for a step ``h``;
- ``la-ex-newton``: ``newton_step(p)``, the Newton step ``h`` that solves
  ``f(p) + J_f(p) h = 0`` for ``f(x, y) = (x^2 + y^2 - 4, x - y)`` at ``p = (x, y)``
  (the points avoid the line ``x = -y``, where ``J_f`` is singular).
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference
from jaccourse.derivatives import jacobian

X0 = 0.3


def _g(x):
    return np.exp(x) * np.cos(x)


def _tangent_error(h):
    slope = jacobian(lambda x: _g(x), np.array([X0]))[0, 0]
    return abs(_g(X0 + h) - _g(X0) - slope * h)


def _f(p):
    return np.stack([p[0] ** 2 + p[1] ** 2 - 4, p[0] - p[1]])


def _newton_step(p):
    return np.linalg.solve(jacobian(_f, p), -_f(p))


REFERENCES = {
    "la-ex-slope": FunctionReference(_tangent_error, [0.1, -0.05, 0.01, 0.2]),
    "la-ex-newton": FunctionReference(
        _newton_step, [[1.0, 1.0], [3.0, 0.5], [-2.0, 1.5], [0.5, 2.0]]
    ),
}
