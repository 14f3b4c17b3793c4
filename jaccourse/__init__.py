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
- :mod:`jaccourse.book.plotting`: the course's figure style and figure helpers (not re-exported
  here, so importing the package does not import matplotlib).
- :mod:`jaccourse.book.glue`: the chapters' ``glue`` (myst-nb's protocol, light; not re-exported).

The public names of the computing modules are re-exported here, e.g.
``from jaccourse import jacobian``.
"""

from jaccourse import (
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
from jaccourse.convergence import *  # noqa: F401,F403
from jaccourse.datasets import *  # noqa: F401,F403
from jaccourse.derivatives import *  # noqa: F401,F403
from jaccourse.geometry import *  # noqa: F401,F403
from jaccourse.integrals import *  # noqa: F401,F403
from jaccourse.jenn import *  # noqa: F401,F403
from jaccourse.multiobjective import *  # noqa: F401,F403
from jaccourse.nn import *  # noqa: F401,F403
from jaccourse.optim import *  # noqa: F401,F403
from jaccourse.problems import *  # noqa: F401,F403
from jaccourse.robustness import *  # noqa: F401,F403
from jaccourse.transforms import *  # noqa: F401,F403

__version__ = "0.1.0"

__all__ = [
    *derivatives.__all__,
    *transforms.__all__,
    *integrals.__all__,
    *geometry.__all__,
    *convergence.__all__,
    *optim.__all__,
    *datasets.__all__,
    *problems.__all__,
    *multiobjective.__all__,
    *nn.__all__,
    *robustness.__all__,
    *jenn.__all__,
]
