"""Reference answers for the code exercises of the chapter ``newton``.

- ``nt-ex-himmelblau-hessian``: the Hessian of Himmelblau's function
  ``(x^2 + y - 11)^2 + (x + y^2 - 7)^2``, the Jacobian of its gradient;
- ``nt-ex-singular``: the order of convergence ``a - 1`` that pure Newton's method shows on
  ``x^2 + |x|^a`` (``2 < a <= 3``, a Hessian invertible at 0 but not Lipschitz unless
  ``a = 3``), as a function of ``a``; the student measures it (the last order estimate of a
  run from ``x0 = 0.5``), so the check allows 1 %.
"""

from jaccourse.book.exercises import FunctionReference, JacobianReference
from jaccourse.derivatives import hessian


def _himmelblau(v):
    x, y = v[0], v[1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


REFERENCES = {
    "nt-ex-himmelblau-hessian": JacobianReference(
        jacobian=lambda v: hessian(_himmelblau, v),
        points=[[0.5, -0.5], [0.0, 1.0], [3.0, 2.0], [-1.3, 2.7]],
    ),
    "nt-ex-singular": FunctionReference(lambda a: a - 1, [2.25, 2.5, 2.75, 3.0], rtol=0.01),
}
