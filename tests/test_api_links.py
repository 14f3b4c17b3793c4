"""Every page links each package function it imports to the API reference, on first mention.

For each notebook page of ``_toc.yml``: every public name a code cell imports with
``from jaccourse.<module> import ...`` (except the book's plumbing, ``glue`` and
``plotting``) must appear in the prose as a ``{py:...}`` role naming its defining module
(``jaccourse.optim.adam``), and no plain ```name``` mention may come before that link.
Whether each role resolves is checked by the book build (``-n -W``).
"""

from __future__ import annotations

import importlib
import re

import jupytext
import pytest

from conftest import toc_chapters, _is_notebook

PAGES = [p for p in toc_chapters() if _is_notebook(p)]
IMPORT = re.compile(r"^from jaccourse\.(\w+) import \(?([\w\s,]+)\)?", re.M)
PLUMBING = {"glue", "plotting"}


def imported_names(code: str) -> list[tuple[str, str]]:
    names = []
    for module_name, listed in IMPORT.findall(code):
        if module_name in PLUMBING:
            continue
        module = importlib.import_module(f"jaccourse.{module_name}")
        for name in re.split(r"[\s,]+", listed.strip()):
            if name and name in module.__all__:
                names.append((module_name, name))
    return names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_each_imported_function_is_linked_to_the_api_page_at_its_first_mention(page):
    nb = jupytext.read(page)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    problems = []
    for module_name, name in imported_names(code):
        obj = getattr(importlib.import_module(f"jaccourse.{module_name}"), name)
        defining = getattr(obj, "__module__", f"jaccourse.{module_name}")
        if not defining.startswith("jaccourse."):
            defining = f"jaccourse.{module_name}"           # constants: their module
        target = f"{defining}.{name}"
        role = re.search(r"\{py:\w+\}`[^`]*?" + re.escape(target) + r"[.>`]", prose)
        if role is None:
            problems.append(f"{name}: no {{py:...}} role naming {target}")
            continue
        plain = re.search(r"(?<![\w.~<])`" + re.escape(name) + r"(?:\(\))?`", prose)
        if plain and plain.start() < role.start():
            problems.append(f"{name}: mentioned as `{name}` before its link")
    assert not problems, f"{page.name}: " + "; ".join(problems)


def test_the_rule_sees_imports_in_parentheses_and_skips_plumbing():
    code = ("from jaccourse.optim import (adam,\n    newton)\n"
            "from jaccourse.glue import glue\nfrom jaccourse.plotting import use_style\n")
    assert imported_names(code) == [("optim", "adam"), ("optim", "newton")]
