"""Reference answers for the code exercises of the chapter ``newton``.

- ``nt-ex-himmelblau-hessian``: the Hessian of Himmelblau's function
  ``(x^2 + y - 11)^2 + (x + y^2 - 7)^2``, the Jacobian of its gradient;
- ``nt-ex-singular``: the factor ``(m - 2) / (m - 1)`` by which one Newton step multiplies
  ``x`` when minimising ``x^m`` (``m`` even), as a function of ``m``.
"""

from jaccourse.derivatives import hessian
from jaccourse.exercises import FunctionReference, JacobianReference


def _himmelblau(v):
    x, y = v[0], v[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


REFERENCES = {
    "nt-ex-himmelblau-hessian": JacobianReference(
        jacobian=lambda v: hessian(_himmelblau, v),
        points=[[0.5, -0.5], [0.0, 1.0], [3.0, 2.0], [-1.3, 2.7]]),
    "nt-ex-singular": FunctionReference(lambda m: (m - 2) / (m - 1), [4.0, 6.0, 2.0, 10.0]),
}
