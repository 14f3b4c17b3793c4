"""Reference answers of the code exercises in the chapter ``jacobian-determinant``.

- ``jd-ex-elliptical``: ``lattice_area(p)``, the area of the ellipse ``x^2/a^2 + y^2/b^2 < 1``
  measured without any Jacobian, at ``p = (a, b, h)``: ``h^2`` times the number of points
  ``(i h, j h)`` (``i``, ``j`` whole numbers) strictly inside it. The checked ellipses and
  spacings keep every such point at least ``1e-4`` away from the boundary (in the value of
  ``x^2/a^2 + y^2/b^2``), so ``<`` and ``<=`` and every way of writing the test agree; the
  hint knows the factor ``h^2``;
- ``jd-ex-squaring``: ``squaring_jacobian(q)``, the Jacobian of the squaring map
  ``T(u, v) = (u^2 - v^2, 2 u v)`` (``z -> z^2``) at ``q = (u, v)``.
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference, JacobianReference


def _lattice_area(p):
    a, b, h = p[0], p[1], p[2]
    i = np.arange(-np.floor(a / h), np.floor(a / h) + 1)
    j = np.arange(-np.floor(b / h), np.floor(b / h) + 1)
    x, y = np.meshgrid(i * h, j * h)
    return np.count_nonzero(x**2 / a**2 + y**2 / b**2 < 1) * h**2


def _squaring(q):
    u, v = q[0], q[1]
    return np.stack([u**2 - v**2, 2 * u * v])


REFERENCES = {
    "jd-ex-elliptical": FunctionReference(
        _lattice_area,
        [[3.0, 2.0, 0.07], [1.0, 1.0, 0.13], [2.5, 0.6, 0.045], [0.7, 1.9, 0.03]],
        factors={"h^2": lambda p: p[2] ** 2},
    ),
    "jd-ex-squaring": JacobianReference(_squaring, [[0.7, -1.3], [1.5, 0.4], [-0.6, 2.0]]),
}
