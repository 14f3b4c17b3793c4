"""Reference answers of the code exercises in the chapter ``background``.

- ``bg-ex-inner``: ``inner(y)``, the inner integral ``∫_y^1 exp(x^2) dx`` of the order
  ``dx dy`` over the triangle ``0 <= y <= x <= 1``, for ``0 <= y <= 1`` (it has no elementary
  antiderivative, so the answer is a quadrature); a swapped pair of limits shows as a sign
  error, and too few quadrature nodes as close but not to the tolerance;
- ``bg-ex-stretch``: ``stretch(theta)``, the length ``||A u||_2`` of the image of the unit
  vector ``u = (cos theta, sin theta)`` under ``A = [[1, 2], [-3, 1]]``; the hint knows the
  squared norm (off by the factor ``||A u||``).
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference
from jaccourse.integrals import integrate_interval

_A = np.array([[1.0, 2.0], [-3.0, 1.0]])


def _inner(y):
    return integrate_interval(lambda x: np.exp(x**2), y, 1.0, 48)


def _stretch(theta):
    return np.linalg.norm(np.dot(_A, np.array([np.cos(theta), np.sin(theta)])))


REFERENCES = {
    "bg-ex-inner": FunctionReference(
        _inner,
        [0.0, 0.15, 0.3, 0.45],
        rtol=1e-10,
        close_hint="too few quadrature nodes? A Gauss-Legendre rule of about 30 nodes "
        "integrates exp(x^2) on [y, 1] to rounding error",
    ),
    "bg-ex-stretch": FunctionReference(
        _stretch, [0.0, 0.4, 1.3, 2.2, 3.0, 5.5], factors={"||A u|| (the norm squared?)": _stretch}
    ),
}
