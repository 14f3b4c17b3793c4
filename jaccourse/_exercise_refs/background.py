"""Reference answers of the code exercises in the chapter ``background``.

- ``bg-ex-inner``: ``inner(y)``, the inner integral ``∫_y^1 exp(x^2) dx`` of the order
  ``dx dy`` over the triangle ``0 <= y <= x <= 1``, for ``0 <= y <= 1`` (it has no elementary
  antiderivative, so the answer is a quadrature); the hint knows the sign of the limits
  swapped (``∫_1^y``);
- ``bg-ex-stretch``: ``stretch(theta)``, the length ``||A u||_2`` of the image of the unit
  vector ``u = (cos theta, sin theta)`` under ``A = [[1, 2], [-3, 1]]``.
"""

import autograd.numpy as np

from jaccourse.exercises import FunctionReference
from jaccourse.integrals import integrate_interval

_A = np.array([[1.0, 2.0],
               [-3.0, 1.0]])


def _inner(y):
    return integrate_interval(lambda x: np.exp(x**2), y, 1.0, 48)


def _stretch(theta):
    return np.linalg.norm(np.dot(_A, np.array([np.cos(theta), np.sin(theta)])))


REFERENCES = {
    "bg-ex-inner": FunctionReference(_inner, [0.0, 0.2, 0.45, 0.7, 0.95], rtol=1e-10),
    "bg-ex-stretch": FunctionReference(_stretch, [0.0, 0.4, 1.3, 2.2, 3.0, 5.5]),
}
