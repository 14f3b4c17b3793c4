"""The package's public surface: the computing modules and a few central names at the top, the
book machinery apart in ``jaccourse.book``, every public callable documented."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

import jaccourse

COMPUTING = [
    "derivatives",
    "transforms",
    "integrals",
    "geometry",
    "convergence",
    "optim",
    "datasets",
    "problems",
    "multiobjective",
    "nn",
    "robustness",
    "jenn",
]
MODULES = [
    *COMPUTING,
    "book.plotting",
    "book.glue",
    "book.timing",
    "book.exercises",
    "book.student_edition",
]


# the names `from jaccourse import ...` gives, each the object of its module
REEXPORTED = {
    "jacobian": "derivatives",
    "jacobian_fd": "derivatives",
    "jacobian_determinant": "derivatives",
    "gradient": "derivatives",
    "hessian": "derivatives",
    "jvp": "derivatives",
    "vjp": "derivatives",
    "MLP": "nn",
}


def test_the_package_reexports_a_few_central_names_and_gives_every_computing_module():
    assert jaccourse.__all__ == list(REEXPORTED)
    for public, name in REEXPORTED.items():
        module = importlib.import_module(f"jaccourse.{name}")
        assert public in module.__all__, public
        assert getattr(jaccourse, public) is getattr(module, public), public
    for name in COMPUTING:
        assert getattr(jaccourse, name) is importlib.import_module(f"jaccourse.{name}"), name
    star: dict = {}
    exec("from jaccourse import *", star)
    assert sorted(set(star) - {"__builtins__"}) == sorted(REEXPORTED)


def test_the_book_machinery_is_a_subpackage_that_imports_nothing_eagerly():
    import subprocess
    import sys

    code = (
        "import sys, jaccourse\n"
        "print('jaccourse.book' in sys.modules)\n"
        "import jaccourse.book\n"
        "print(sorted(m for m in sys.modules if m.startswith('jaccourse.book.')))\n"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["False", "[]", "False"], out.stdout


def test_importing_the_package_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, jaccourse; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_the_package_does_not_import_scipy_until_a_function_needs_it():
    """Every chapter's kernel imports jaccourse; scipy.linalg and scipy.optimize took 0.9 of
    its 1.2 s. They are imported by the functions that use them (Levenberg-Marquardt, the
    aggregators' non-negative least squares, sparse Jacobians, JENN's L-BFGS-B), which then
    work as before."""
    import subprocess
    import sys

    code = (
        "import sys, numpy, jaccourse\n"
        "print(sorted({m.split('.')[0] + '.' + m.split('.')[1] for m in sys.modules\n"
        "              if m.startswith('scipy.') and m.count('.') >= 1}))\n"
        "from jaccourse.multiobjective import upgrad\n"
        "print(repr(upgrad(numpy.array([[1.0, 0.0], [-1.0, 1.0]])).tolist()))\n"
        "from jaccourse.optim import levenberg_marquardt\n"
        "r = levenberg_marquardt(lambda x: x - 3.0, numpy.zeros(2))\n"
        "print(r.x.round(6).tolist(), 'scipy.optimize' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "[]", f"import jaccourse imported scipy modules: {lines[0]}"
    from jaccourse.multiobjective import upgrad  # here, with scipy imported long before

    assert lines[1] == repr(upgrad(np.array([[1.0, 0.0], [-1.0, 1.0]])).tolist()), out.stdout
    assert lines[2] == "[3.0, 3.0] True", out.stdout


@pytest.mark.parametrize("name", MODULES)
def test_every_public_callable_has_a_docstring_with_an_example_and_type_hints(name):
    module = importlib.import_module(f"jaccourse.{name}")
    for public in module.__all__:
        obj = getattr(module, public)
        if not callable(obj) or not getattr(obj, "__module__", "").startswith("jaccourse"):
            continue  # constants such as POLAR or STYLE
        doc = inspect.getdoc(obj) or ""
        assert doc, f"jaccourse.{name}.{public} has no docstring"
        if inspect.isfunction(obj):
            assert ">>>" in doc, f"jaccourse.{name}.{public}: docstring has no runnable example"
            hints = inspect.get_annotations(obj)
            assert "return" in hints, f"jaccourse.{name}.{public} has no return type hint"
