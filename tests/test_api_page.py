"""The API reference (book/api.md) covers every public module and object, once; the notation
page's glossary links every term to the chapter that teaches it.

These tests read the Markdown sources and the package, not a built book: the build itself
(``jupyter-book build -W -n``) checks that every cross-reference resolves.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
import yaml
from sphinx.pycode import ModuleAnalyzer

import jaccourse

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "book" / "api.md"
NOTATION = ROOT / "book" / "notation.md"

EVAL_RST = re.compile(r"^```\{eval-rst\}\n(.*?)^```", re.S | re.M)
AUTOMODULE = re.compile(r"^\.\. automodule:: (\S+)\n((?:[ \t]+:[\w-]+:.*\n?)*)", re.M)
AUTODATA = re.compile(r"^\.\. autodata:: (\S+)", re.M)


def _rst_blocks() -> list[str]:
    return EVAL_RST.findall(API.read_text(encoding="utf-8"))


def _automodules() -> dict[str, list[str]]:
    """``{module name: [its option lines]}`` for every automodule directive of api.md."""
    found: dict[str, list[str]] = {}
    for block in _rst_blocks():
        for name, options in AUTOMODULE.findall(block):
            assert name not in found, f"api.md documents {name} twice"
            found[name] = [line.strip() for line in options.splitlines() if line.strip()]
    return found


def _autodata() -> list[str]:
    return [name for block in _rst_blocks() for name in AUTODATA.findall(block)]


def _package_modules() -> list[str]:
    """Every module of the package except ``__init__`` and the private ``_*`` ones."""
    return sorted(f"jaccourse.{info.name}" for info in pkgutil.iter_modules(jaccourse.__path__)
                  if not info.name.startswith("_"))


def _attribute_docs(module) -> dict[str, str]:
    """The docs autodoc finds for module-level names: ``#:`` comments or a string after the
    assignment (what ``automodule`` needs to list a constant at all)."""
    analyzer = ModuleAnalyzer.for_module(module.__name__)
    analyzer.analyze()
    return {name: "\n".join(lines) for (scope, name), lines in analyzer.attr_docs.items()
            if scope == ""}


def test_every_module_of_the_package_has_an_automodule_entry_with_members():
    documented = _automodules()
    assert documented, "api.md has no automodule directive inside an eval-rst block"
    missing = sorted(set(_package_modules()) - set(documented))
    assert not missing, f"modules missing from book/api.md: {missing}"
    for name, options in documented.items():
        assert ":members:" in options, f"{name}: automodule needs a bare :members: (it follows __all__)"
        # :undoc-members: or :imported-members: would document names outside __all__
        assert options == [":members:"], f"{name}: unexpected options {options}"


@pytest.mark.parametrize("name", _package_modules())
def test_every_listed_module_exists_and_declares_all(name):
    assert name in _automodules(), f"{name} is not in book/api.md"
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list | tuple), f"{name} has no __all__"
    assert module.__all__, f"{name}.__all__ is empty"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ repeats a name"
    assert (module.__doc__ or "").strip(), f"{name} has no module docstring (the section intro)"


def test_no_module_listed_that_does_not_exist():
    unknown = sorted(set(_automodules()) - set(_package_modules()))
    assert not unknown, f"book/api.md lists modules that are not public jaccourse modules: {unknown}"


def test_every_module_section_has_a_heading_naming_it_and_no_math_in_headings():
    text = API.read_text(encoding="utf-8")
    headings = re.findall(r"^#{1,6} (.*)$", text, re.M)
    for name in _automodules():
        assert f"`{name}`" in headings, f"api.md: no heading `{name}`"
    for page in (API, NOTATION):
        for heading in re.findall(r"^#{1,6} (.*)$", page.read_text(encoding="utf-8"), re.M):
            assert "$" not in heading, f"{page.name}: math in the heading {heading!r}"


@pytest.mark.parametrize("name", _package_modules())
def test_every_public_object_has_a_docstring_and_is_documented_exactly_once(name):
    module = importlib.import_module(name)
    attr_docs = _attribute_docs(module)
    explicit = {entry.rsplit(".", 1)[1] for entry in _autodata()
                if entry.rsplit(".", 1)[0] == name}
    for public in module.__all__:
        obj = getattr(module, public)
        where = f"{name}.{public}"
        if inspect.isfunction(obj) or inspect.isclass(obj):
            # automodule documents it here, so it must be defined here (not re-exported)
            assert obj.__module__ == name, f"{where} is defined in {obj.__module__}"
            assert (inspect.getdoc(obj) or "").strip(), f"{where} has no docstring"
        elif public in attr_docs:
            # a documented constant: automodule lists it, so no autodata entry may repeat it
            assert attr_docs[public].strip(), f"{where}: empty doc comment"
            assert public not in explicit, f"{where} is documented twice in api.md"
        else:
            # automodule skips a constant without a doc comment: it needs its own __doc__
            # and an explicit autodata entry (the built-in activations of nn)
            own = vars(obj).get("__doc__") if hasattr(obj, "__dict__") else None
            assert own and own.strip(), (
                f"{where} has no documentation: add a `#:` comment or a docstring after it")
            assert public in explicit, f"{where} needs `.. autodata:: {where}` in api.md"
    stray = explicit - set(module.__all__)
    assert not stray, f"api.md has autodata entries for names outside {name}.__all__: {stray}"


def test_autodoc_and_napoleon_are_enabled():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    extensions = config["sphinx"]["extra_extensions"]
    assert "sphinx.ext.autodoc" in extensions and "sphinx.ext.napoleon" in extensions


# --------------------------------------------------------------------------------------------
# the notation page
# --------------------------------------------------------------------------------------------

def _glossary() -> dict[str, str]:
    """``{first term of an entry: its definition}`` from the glossary directive."""
    text = NOTATION.read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}\n(.*?)^```", text, re.S | re.M)
    assert block, "notation.md has no glossary directive"
    entries: dict[str, str] = {}
    term, terms_done, lines = None, False, []
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            continue
        if not line.startswith(" "):
            if terms_done or term is None:
                if term is not None:
                    entries[term] = " ".join(lines)
                term, terms_done, lines = line.strip(), False, []
            continue   # a second name of the same entry
        terms_done = True
        lines.append(line.strip())
    if term is not None:
        entries[term] = " ".join(lines)
    return entries


def _labels() -> set[str]:
    return {label for page in (ROOT / "book").glob("*.md")
            for label in re.findall(r"^\(([\w-]+)\)=$", page.read_text(encoding="utf-8"), re.M)}


def test_every_glossary_entry_is_short_and_ends_with_a_link_to_a_chapter():
    entries = _glossary()
    for required in ("Jacobian matrix", "Jacobian determinant", "gradient", "Hessian", "JVP",
                     "VJP", "forward mode", "reverse mode", "backpropagation",
                     "Gauss-Newton matrix", "UPGrad", "Hutchinson estimator"):
        assert required in entries, f"glossary: no entry {required!r}"
    labels = _labels()
    chapters = {page.stem for page in (ROOT / "book").glob("*.md")}
    for term, definition in entries.items():
        assert definition, f"glossary: {term!r} has no definition"
        sentences = re.findall(r"[.!?](?:\s|$)", re.sub(r"\$[^$]*\$", "", definition))
        assert 1 <= len(sentences) <= 3, f"glossary: {term!r} has {len(sentences)} sentences"
        tail = re.search(r"\(([^()]*)\)\.$", definition)
        assert tail, f"glossary: {term!r} does not end with a (link)."
        links = re.findall(r"\{(ref|doc)\}`([^`]+)`", tail.group(1))
        assert links, f"glossary: {term!r} ends without a {{ref}} or {{doc}} link"
        for role, target in links:
            target = re.sub(r".*<(.+)>$", r"\1", target)
            known = labels if role == "ref" else chapters
            assert target in known, f"glossary: {term!r} links to unknown {role} {target!r}"


def test_the_notation_page_states_the_jacobian_shape_convention():
    text = NOTATION.read_text(encoding="utf-8")
    assert "one row per output and one column per" in text
    assert "$m$ rows and $n$ columns" in text
    assert "```{code-cell}" not in text, "notation.md is a plain page: no code cells"
