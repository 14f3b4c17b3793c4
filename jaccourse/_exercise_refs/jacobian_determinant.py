"""Reference answers of the code exercises in the chapter ``jacobian-determinant``.

- ``jd-ex-elliptical``: ``elliptical_area_factor(q)``, the area factor ``|det J_T| = a b r``
  of elliptical polar coordinates ``T(r, theta) = (a r cos(theta), b r sin(theta))`` with
  ``a = 3``, ``b = 2``, at ``q = (r, theta)``; the hint knows the factors ``r`` and ``ab``;
- ``jd-ex-squaring``: ``squaring_jacobian(q)``, the Jacobian of the squaring map
  ``T(u, v) = (u^2 - v^2, 2 u v)`` (``z -> z^2``) at ``q = (u, v)``.
"""

import autograd.numpy as np

from jaccourse.exercises import FunctionReference, JacobianReference

A, B = 3.0, 2.0


def _elliptical_area_factor(q):
    return A * B * q[..., 0]


def _squaring(q):
    u, v = q[0], q[1]
    return np.stack([u**2 - v**2, 2 * u * v])


REFERENCES = {
    "jd-ex-elliptical": FunctionReference(
        _elliptical_area_factor, [[0.8, 0.3], [0.25, 2.0], [1.0, -1.2], [0.5, 4.0]],
        factors={"r": lambda q: q[0], "ab": lambda q: A * B}),
    "jd-ex-squaring": JacobianReference(_squaring, [[0.7, -1.3], [1.5, 0.4], [-0.6, 2.0]]),
}
