"""jaccourse: the companion package of the course *From the Gaussian Integral to Deep
Learning: the Jacobian Matrix*.

One module per idea; the chapters import from them:

- :mod:`jaccourse.derivatives`: Jacobians (forward, reverse, automatic mode), finite
  differences, determinants, gradients, Hessians, JVPs and VJPs, linearisation, checks;
  Hessian-vector products, sparse Jacobians by column colouring, exact and Hutchinson traces.
- :mod:`jaccourse.transforms`: polar, cylindrical, spherical and linear coordinate maps with
  hand-derived Jacobians.
- :mod:`jaccourse.integrals`: Gauss-Legendre rules, oriented 1-D integrals, change of
  variables, the Gaussian integral several ways.
- :mod:`jaccourse.geometry`: signed areas (shoelace formula), rectangle boundaries, and the
  area of the image of a rectangle under a 2-D map.
- :mod:`jaccourse.convergence`: measured rates (the slope of a log-log line).
- :mod:`jaccourse.optim`: gradient descent, momentum, Adam, SGD, Newton, Gauss-Newton,
  Levenberg-Marquardt, and the classification of critical points.
- :mod:`jaccourse.datasets`: real data sets, loaded offline.
- :mod:`jaccourse.multiobjective`: the Jacobian of several objectives, conflicts between
  their gradients, weighted sums and Pareto fronts; Jacobian Descent and its aggregators
  (mean, sum, MGDA, PCGrad, DualProj, UPGrad).
- :mod:`jaccourse.nn`: activations with their Jacobians and VJPs, dense layers, MLPs with
  hand-written backpropagation, initialisers, losses, training.
- :mod:`jaccourse.robustness`: input sensitivity, FGSM adversarial examples, spectral norms.
- :mod:`jaccourse.jenn`: Jacobian-enhanced neural networks (fit values and partials), R^2,
  the sinusoid and Rastrigin test functions with exact partials.
- :mod:`jaccourse.problems`: classic test problems (Rosenbrock; the Moré-Garbow-Hillstrom
  least-squares set).

The book machinery lives apart, in the subpackage :mod:`jaccourse.book` (``glue``,
``timing``, ``plotting``, ``exercises``, ``student_edition``, ``toc`` and their private
helpers): the chapters import it by its modules' names (``from jaccourse.book import
exercises``), no computing module imports it, and ``import jaccourse`` does not import it
(nor, therefore, matplotlib).

``import jaccourse`` imports the computing modules, so ``jaccourse.derivatives.hessian`` or
``jaccourse.nn.relu`` work after it. A few central names are re-exported here, the Jacobian
and its relatives that the chapters use most, and the network class:
``from jaccourse import jacobian`` is ``jaccourse.derivatives.jacobian``. Everything else is
imported from its module, ``from jaccourse.optim import newton``, as the chapters do.
"""

# the computing modules, imported so that `import jaccourse` gives jaccourse.optim,
# jaccourse.nn, ... (attributes of the package, not names of __all__)
from jaccourse import (  # noqa: F401
    convergence,
    datasets,
    derivatives,
    geometry,
    integrals,
    jenn,
    multiobjective,
    nn,
    optim,
    problems,
    robustness,
    transforms,
)
from jaccourse.derivatives import (
    gradient,
    hessian,
    jacobian,
    jacobian_determinant,
    jacobian_fd,
    jvp,
    vjp,
)
from jaccourse.nn import MLP

__version__ = "0.1.0"

# the names a reader reaches for, by the number of the book's pages that import them:
# jacobian (14), gradient, hessian, MLP (7 each), jacobian_fd (6), jacobian_determinant (4),
# vjp (3), jvp (2, the other half of the pair); everything else comes from its module
__all__ = [
    "jacobian",
    "jacobian_fd",
    "jacobian_determinant",
    "gradient",
    "hessian",
    "jvp",
    "vjp",
    "MLP",
]
