"""Chapters and the API reference link each other.

* Every page links each package function it imports to the API reference, on first mention:
  for each notebook page of ``_toc.yml``, every public name a code cell imports with
  ``from jaccourse.<module> import ...`` (except the book's plumbing, ``jaccourse.book.glue``
  and ``jaccourse.book.plotting``) must appear in the prose as a ``{py:...}`` role naming its
  defining module (``jaccourse.optim.adam``) or as an ``{api}`` role naming it
  (``{api}`adam```), and no plain ```name``` mention may come before that link. Whether each
  role resolves is checked by the book build (``-n -W``).
* The build's extension ``book/_ext/module_links.py`` turns the chapter names of the
  docstrings ("See the chapter ``linear-maps``") into links to the chapters, and gives each
  chapter a line linking the API pages of the modules its code uses: its rules are tested
  here on the real docstrings and chapters; ``tests/e2e/test_phone.py`` checks the built pages.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from pathlib import Path

import jupytext
import pytest

from jaccourse.book.toc import is_notebook, toc_pages

ROOT = Path(__file__).resolve().parents[1]

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import lean_pages  # noqa: E402  (book/_ext: the book's Sphinx extensions)
import module_links  # noqa: E402

PAGES = [p for p in toc_pages(ROOT) if is_notebook(p)]
# one line, or a parenthesised list over several (a one-line import must not run on into the
# next line's names: that hid the import after `from jaccourse.book.glue import glue, glued`);
# a module of the book machinery is named with its subpackage (book.timing)
IMPORT = re.compile(r"^from jaccourse\.([\w.]+) import (?:\(([\w\s,]+)\)|([\w ,]+))", re.M)
PLUMBING = {"book.glue", "book.plotting"}


def imported_names(code: str) -> list[tuple[str, str]]:
    names = []
    for module_name, in_parentheses, on_one_line in IMPORT.findall(code):
        listed = in_parentheses or on_one_line
        if module_name in PLUMBING or module_name == "book":
            continue  # plumbing; `from jaccourse.book import exercises` imports a module
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
            defining = f"jaccourse.{module_name}"  # constants: their module
        target = f"{defining}.{name}"
        full = re.search(r"\{py:\w+\}`[^`]*?" + re.escape(target) + r"[.>`]", prose)
        suffixes = "|".join(
            re.escape(".".join(target.split(".")[k:])) for k in range(1, target.count(".") + 1)
        )
        short = re.search(r"\{api\}`(?:" + suffixes + r")[`.]", prose)
        found = [m for m in (full, short) if m is not None]
        if not found:
            problems.append(f"{name}: no {{py:...}} role naming {target} and no {{api}} role")
            continue
        role = min(found, key=lambda m: m.start())
        plain = re.search(r"(?<![\w.~<}])`" + re.escape(name) + r"(?:\(\))?`", prose)
        if plain and plain.start() < role.start():
            problems.append(f"{name}: mentioned as `{name}` before its link")
    assert not problems, f"{page.name}: " + "; ".join(problems)


def test_the_rule_sees_imports_in_parentheses_and_skips_plumbing():
    code = (
        "from jaccourse.optim import (adam,\n    newton)\n"
        "from jaccourse.book.glue import glue\nfrom jaccourse.book.plotting import use_style\n"
        "from jaccourse.book.timing import best_times\nfrom jaccourse.book import exercises\n"
    )
    assert imported_names(code) == [
        ("optim", "adam"),
        ("optim", "newton"),
        ("book.timing", "best_times"),
    ]


def test_the_rule_accepts_an_api_role_and_sees_a_plain_mention_before_it():
    target, name = "jaccourse.optim.adam", "adam"
    suffixes = "|".join(
        re.escape(".".join(target.split(".")[k:])) for k in range(1, target.count(".") + 1)
    )
    role = re.compile(r"\{api\}`(?:" + suffixes + r")[`.]")
    plain = re.compile(r"(?<![\w.~<}])`" + re.escape(name) + r"(?:\(\))?`")
    assert role.search("we call {api}`adam` here") and role.search("{api}`optim.adam`")
    assert not role.search("{api}`adamax`")
    assert not plain.search("we call {api}`adam` here")
    assert plain.search("`adam` first, then {api}`adam`").start() == 0


# --------------------------------------------------------------------------------------------
# book/_ext/module_links.py: chapter names in docstrings become links
# --------------------------------------------------------------------------------------------

CHAPTERS = {
    p.stem: p.relative_to(ROOT).with_suffix("").as_posix()
    for p in toc_pages(ROOT)
    if p.parent == ROOT / "book"
}


def test_chapter_names_in_a_chapter_sentence_become_links_and_nothing_else_does():
    lines = [
        "Solve it with Newton's method (``newton``). See the chapter ``newton``.",
        "Chapters: ``gaussian-integral``, ``jacobian-determinant``.",
        "See the chapters ``sigmoid`` and",
        "``backpropagation``; the gradient is ``sigmoid`` again.",
        "",
        "``linear-maps`` alone, and ``no-such-chapter`` in a chapter sentence.",
    ]
    out = module_links.link_chapters(list(lines), CHAPTERS)
    assert len(out) == len(lines)
    assert out[0] == (
        "Solve it with Newton's method (``newton``). See the chapter :doc:`newton </book/newton>`."
    )
    assert out[1] == (
        "Chapters: :doc:`gaussian-integral </book/gaussian-integral>`, "
        ":doc:`jacobian-determinant </book/jacobian-determinant>`."
    )
    assert out[2] == "See the chapters :doc:`sigmoid </book/sigmoid>` and"
    # a sentence runs on over lines, up to its full stop
    assert out[3].startswith(":doc:`backpropagation </book/backpropagation>`;")
    assert out[5] == lines[5], "a blank line ends the sentence; unknown names stay code"


def _docstrings() -> dict[str, list[str]]:
    found = {}
    for name in module_links.public_modules():
        module = importlib.import_module(f"jaccourse.{name}")
        found[name] = (module.__doc__ or "").splitlines()
        for public in getattr(module, "__all__", []):
            obj = getattr(module, public)
            if (
                inspect.isfunction(obj) or inspect.isclass(obj)
            ) and obj.__module__ == module.__name__:
                found[f"{name}.{public}"] = (inspect.getdoc(obj) or "").splitlines()
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        if inspect.isfunction(member) and not attr.startswith("_"):
                            found[f"{name}.{public}.{attr}"] = (
                                inspect.getdoc(member) or ""
                            ).splitlines()
    return found


def test_every_chapter_a_docstring_names_becomes_a_link_to_an_existing_chapter():
    """The issue counted 99 lines "See the chapter `x`" shown as code: none may stay code."""
    leftover, links = [], 0
    for where, lines in _docstrings().items():
        out = module_links.link_chapters(list(lines), CHAPTERS)
        for line in out:
            for target in re.findall(r":doc:`[\w-]+ </(book/[\w-]+)>`", line):
                assert (ROOT / f"{target}.md").exists(), f"{where}: link to a missing {target}"
                links += 1
        text = " ".join(out)
        for sentence in re.split(r"[.!?](?=\s|$)", text):
            if re.search(r"\b[Cc]hapters?\b", sentence):
                leftover += [
                    f"{where}: ``{n}``"
                    for n in re.findall(r"``([\w-]+)``", sentence)
                    if n in CHAPTERS
                ]
    assert not leftover, f"chapter names left as code in a chapter sentence: {leftover}"
    assert links >= 99, f"only {links} chapter links made from the docstrings"


# --------------------------------------------------------------------------------------------
# book/_ext/module_links.py: each chapter links the API pages of the modules it uses
# --------------------------------------------------------------------------------------------


def test_modules_used_reads_code_cells_only_and_maps_reexports_to_their_module():
    source = """Prose: `from jaccourse.nn import MLP` does not count.

```{code-cell} ipython3
import jaccourse.robustness as rb
from jaccourse import jacobian, optim
from jaccourse.book import exercises
from jaccourse.book.glue import glue, glued
from jaccourse.nn import (MLP,
    relu)
x = jaccourse.book.timing.best_times
```

```python
from jaccourse.jenn import JENN
```
"""
    assert module_links.modules_used(source) == [
        "book.exercises",
        "book.glue",
        "book.timing",
        "derivatives",
        "nn",
        "optim",
        "robustness",
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_module_a_chapter_imports_from_gets_a_link_to_its_api_page(page):
    text = page.read_text(encoding="utf-8")
    used = module_links.modules_used(text)
    code = "\n".join(c.source for c in jupytext.read(page).cells if c.cell_type == "code")
    imported = set(re.findall(r"^\s*from jaccourse\.([\w.]+) import", code, re.M)) - {"book"}
    # from jaccourse.book import exercises: the module book.exercises
    for listed in re.findall(r"^\s*from jaccourse\.book import ([\w ,]+)", code, re.M):
        imported |= {f"book.{name}" for name in re.split(r"[\s,]+", listed.strip()) if name}
    assert imported <= set(used), f"{page.name}: imports {sorted(imported - set(used))} unseen"
    for module in used:
        assert (ROOT / "book" / "api" / f"{module}.md").exists(), (
            f"{page.name} uses jaccourse.{module}, which has no API page to link"
        )


def test_without_scripts_drops_only_the_named_scripts():
    html = (
        '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
        '<script src="../searchindex.js"></script>\n'
        '<script src="../_static/doctools.js?v=2"></script>'
    )
    out = str(lean_pages.without_scripts(html, "scripts/fontawesome.js", "searchindex.js"))
    assert "fontawesome" not in out and "searchindex" not in out
    assert '<script src="../_static/doctools.js?v=2"></script>' in out
