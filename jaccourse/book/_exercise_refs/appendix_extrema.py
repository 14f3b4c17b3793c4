"""Reference answers for the code exercises of the chapter ``appendix-extrema``.

- ``ax-ex-quartic``: the Hessian of ``x^4 + y^4 - 4xy + 1``, the Jacobian of its gradient;
- ``ax-ex-exact-minimum``: the minimum value ``-42/5`` of
  ``3x^2 + 2xy + 2y^2 - 4x + 6y + 1``, attained at ``(7/5, -11/5)``.
"""

from fractions import Fraction

from jaccourse.book.exercises import JacobianReference, ValueReference
from jaccourse.derivatives import hessian


def _quartic(p):
    return p[0] ** 4 + p[1] ** 4 - 4 * p[0] * p[1] + 1


REFERENCES = {
    "ax-ex-quartic": JacobianReference(
        jacobian=lambda p: hessian(_quartic, p),
        points=[[1.0, 1.0], [0.5, -0.3], [-1.2, 2.0], [0.0, 0.0]],
    ),
    "ax-ex-exact-minimum": ValueReference(Fraction(-42, 5)),
}
