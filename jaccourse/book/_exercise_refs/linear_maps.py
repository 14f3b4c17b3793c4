"""Reference answers of the code exercises in the chapter ``linear-maps``.

- ``lm-ex-triangle``: ``triangle_area(v)``, the area of the triangle with vertices
  ``(v[0], v[1])``, ``(v[2], v[3])``, ``(v[4], v[5])`` (the absolute value of the shoelace
  formula); triangles of both orientations are checked, and the hint knows the factor
  ``2`` of a parallelogram;
- ``lm-ex-sphere-area``: ``sphere_area_element(q)``, the area element
  ``sqrt(det(J^T J)) = sin(phi)`` of the unit sphere
  ``S(phi, theta) = (sin phi cos theta, sin phi sin theta, cos phi)`` at ``q = (phi, theta)``,
  ``0 < phi < pi``; the hint knows the factor ``sin(phi)`` (a missing square root).
"""

import autograd.numpy as np

from jaccourse.book.exercises import FunctionReference
from jaccourse.geometry import signed_area


def _triangle_area(v):
    return abs(signed_area(np.reshape(v, (3, 2))))  # the shoelace area of the 3 vertices


REFERENCES = {
    "lm-ex-triangle": FunctionReference(
        _triangle_area,
        [
            [1.0, 0.5, 4.0, 1.0, 2.0, 3.5],  # counter-clockwise
            [0.0, 0.0, -1.0, 2.0, 3.0, 1.0],  # clockwise
            [-2.0, 1.0, 0.5, -1.5, 1.0, 2.5],  # counter-clockwise
            [2.0, 2.0, 2.5, 4.0, 5.0, 3.0],
        ],  # clockwise
        factors={"2": lambda v: 2.0},
    ),
    "lm-ex-sphere-area": FunctionReference(
        lambda q: np.sin(q[0]),
        [[0.4, 1.0], [1.2, -2.0], [2.5, 0.3], [1.9, 4.0]],
        factors={"sin(phi)": lambda q: np.sin(q[0])},
    ),
}
