"""Reference answers of the code exercises in the chapter ``gaussian-integral``.

- ``gi-ex-moment``: ``moment(k)``, the moment ``E[X^k]`` of the density
  ``p(x) = exp(-x^2) / sqrt(pi)``: ``0`` for odd ``k``, ``Gamma((k + 1) / 2) / sqrt(pi)`` for
  even ``k`` (``1/2``, ``3/4``, ``15/8`` for ``k = 2, 4, 6``);
- ``gi-ex-polar-integrand``: ``polar_integrand(q)``, the integrand of the polar change of
  variables for ``f(x, y) = x^2 exp(-(x^2 + y^2))`` at ``q = (r, theta)``, that is
  ``(r cos(theta))^2 exp(-r^2) r``; the hint knows the factor ``r``.
"""

import math

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference


def _moment(k):
    k = int(round(k))
    return 0.0 if k % 2 else math.gamma((k + 1) / 2) / math.sqrt(math.pi)


def _polar_integrand(q):
    r, theta = q[..., 0], q[..., 1]
    return (r * np.cos(theta)) ** 2 * np.exp(-(r**2)) * r


REFERENCES = {
    # the first point has a non-zero moment, so that a constant factor can be recognised
    "gi-ex-moment": FunctionReference(
        _moment,
        [2.0, 4.0, 1.0, 6.0, 3.0, 0.0],
        factors={"sqrt(pi)": lambda k: math.sqrt(math.pi)},
        rtol=1e-10,
        atol=1e-12,
    ),
    "gi-ex-polar-integrand": FunctionReference(
        _polar_integrand,
        [[1.0, 0.3], [0.5, 2.0], [2.0, -1.0], [1.5, 4.0]],
        factors={"r": lambda q: q[0]},
    ),
}
