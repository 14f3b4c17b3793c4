"""The package's public surface: every module's public names are re-exported and documented."""

from __future__ import annotations

import importlib
import inspect

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


def test_package_reexports_every_public_name_of_the_computing_modules():
    for name in COMPUTING:
        module = importlib.import_module(f"jaccourse.{name}")
        for public in module.__all__:
            assert getattr(jaccourse, public) is getattr(module, public), public
            assert public in jaccourse.__all__


def test_importing_the_package_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, jaccourse; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


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
