"""The API reference covers every public module and object, once, one page per module; the
notation page's glossary links every term to the chapter that teaches it.

The reference is ``book/api.md`` (conventions and the list of modules) with one page per
module, ``book/api/<module>.md`` (``book/api/book.<module>.md`` for a module of the book
machinery, ``jaccourse.book.<module>``), listed under it in ``_toc.yml`` (a page of a few hundred kB
at most, where one page for the whole package weighed 1 MB). These tests read the Markdown
sources and the package, not a built book: the build itself (``jupyter-book build -W -n``)
checks that every cross-reference resolves, and ``tests/e2e/test_phone.py`` weighs the pages.
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
API_DIR = ROOT / "book" / "api"
NOTATION = ROOT / "book" / "notation.md"

EVAL_RST = re.compile(r"^```\{eval-rst\}\n(.*?)^```", re.S | re.M)
AUTOMODULE = re.compile(r"^\.\. automodule:: (\S+)\n((?:[ \t]+:[\w-]+:.*\n?)*)", re.M)
AUTODATA = re.compile(r"^\.\. autodata:: (\S+)", re.M)


def _api_pages() -> list[Path]:
    return sorted(API_DIR.glob("*.md"))


def _rst_blocks(pages: list[Path] | None = None) -> list[str]:
    pages = [API, *_api_pages()] if pages is None else pages
    return [block for page in pages for block in EVAL_RST.findall(page.read_text(encoding="utf-8"))]


def _automodules() -> dict[str, list[str]]:
    """``{module name: [its option lines]}`` for every automodule directive of the API pages."""
    found: dict[str, list[str]] = {}
    for page in [API, *_api_pages()]:
        for block in _rst_blocks([page]):
            for name, options in AUTOMODULE.findall(block):
                assert name not in found, f"the API pages document {name} twice"
                assert page.parent == API_DIR and name == f"jaccourse.{page.stem}", (
                    f"{page.relative_to(ROOT)} documents {name}: each module has its own page "
                    f"book/api/<module>.md"
                )
                found[name] = [line.strip() for line in options.splitlines() if line.strip()]
    return found


def _toc_api_sections() -> list[str]:
    """The files listed under the ``book/api`` entry of ``_toc.yml``, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            if chapter.get("file", "").removesuffix(".md") == "book/api":
                return [s["file"].removesuffix(".md") for s in chapter.get("sections", [])]
    raise AssertionError("_toc.yml has no book/api entry")


def _autodata() -> list[str]:
    return [name for block in _rst_blocks() for name in AUTODATA.findall(block)]


def _package_modules() -> list[str]:
    """Every module of the package and of its subpackage ``jaccourse.book``, except the
    packages themselves (``api.md`` introduces them) and the private ``_*`` modules."""
    return sorted(
        info.name
        for info in pkgutil.walk_packages(jaccourse.__path__, "jaccourse.")
        if not info.ispkg and not any(part.startswith("_") for part in info.name.split("."))
    )


def _attribute_docs(module) -> dict[str, str]:
    """The docs autodoc finds for module-level names: ``#:`` comments or a string after the
    assignment (what ``automodule`` needs to list a constant at all)."""
    analyzer = ModuleAnalyzer.for_module(module.__name__)
    analyzer.analyze()
    return {
        name: "\n".join(lines) for (scope, name), lines in analyzer.attr_docs.items() if scope == ""
    }


def test_every_module_of_the_package_has_an_automodule_entry_with_members():
    documented = _automodules()
    assert documented, "the API pages have no automodule directive inside an eval-rst block"
    missing = sorted(set(_package_modules()) - set(documented))
    assert not missing, f"modules without an API page book/api/<module>.md: {missing}"
    for name, options in documented.items():
        assert ":members:" in options, (
            f"{name}: automodule needs a bare :members: (it follows __all__)"
        )
        # :undoc-members: or :imported-members: would document names outside __all__
        assert options == [":members:"], f"{name}: unexpected options {options}"


def test_every_module_page_is_in_the_toc_under_the_reference_and_listed_by_it():
    pages = [f"book/api/{p.stem}" for p in _api_pages()]
    sections = _toc_api_sections()
    assert sorted(sections) == sorted(pages), (
        f"_toc.yml's book/api sections {sections} differ from the pages {pages}"
    )
    listed = re.findall(r"\{doc\}`api/([\w.]+)`", API.read_text(encoding="utf-8"))
    assert [f"book/api/{m}" for m in listed] == sections, (
        f"api.md lists the module pages in another order than _toc.yml, or misses one: {listed}"
    )
    assert not re.search(r"^```\{eval-rst\}", API.read_text(encoding="utf-8"), re.M), (
        "api.md is the overview: the autodoc directives belong on the module pages"
    )


@pytest.mark.parametrize("name", _package_modules())
def test_every_listed_module_exists_and_declares_all(name):
    assert name in _automodules(), f"{name} has no API page"
    module = importlib.import_module(name)
    assert isinstance(getattr(module, "__all__", None), list | tuple), f"{name} has no __all__"
    assert module.__all__, f"{name}.__all__ is empty"
    assert len(set(module.__all__)) == len(module.__all__), f"{name}.__all__ repeats a name"
    assert (module.__doc__ or "").strip(), f"{name} has no module docstring (the section intro)"


def test_no_module_listed_that_does_not_exist():
    unknown = sorted(set(_automodules()) - set(_package_modules()))
    assert not unknown, (
        f"the API pages list modules that are not public jaccourse modules: {unknown}"
    )


def test_every_module_page_is_titled_by_its_module_and_no_math_in_headings():
    for name in _automodules():
        page = API_DIR / f"{name.split('.', 1)[1]}.md"
        headings = re.findall(r"^# (.*)$", page.read_text(encoding="utf-8"), re.M)
        assert headings == [f"`{name}`"], f"{page.name}: title {headings}, expected `{name}`"
    for page in (API, NOTATION, *_api_pages()):
        for heading in re.findall(r"^#{1,6} (.*)$", page.read_text(encoding="utf-8"), re.M):
            assert "$" not in heading, f"{page.name}: math in the heading {heading!r}"


@pytest.mark.parametrize("name", _package_modules())
def test_every_public_object_has_a_docstring_and_is_documented_exactly_once(name):
    module = importlib.import_module(name)
    attr_docs = _attribute_docs(module)
    explicit = {entry.rsplit(".", 1)[1] for entry in _autodata() if entry.rsplit(".", 1)[0] == name}
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
            assert public not in explicit, f"{where} is documented twice in the API pages"
        else:
            # automodule skips a constant without a doc comment: it needs its own __doc__
            # and an explicit autodata entry (the built-in activations of nn)
            own = vars(obj).get("__doc__") if hasattr(obj, "__dict__") else None
            assert own and own.strip(), (
                f"{where} has no documentation: add a `#:` comment or a docstring after it"
            )
            assert public in explicit, f"{where} needs `.. autodata:: {where}` on its API page"
    stray = explicit - set(module.__all__)
    assert not stray, (
        f"the API pages have autodata entries for names outside {name}.__all__: {stray}"
    )


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
            continue  # a second name of the same entry
        terms_done = True
        lines.append(line.strip())
    if term is not None:
        entries[term] = " ".join(lines)
    return entries


def _labels() -> set[str]:
    return {
        label
        for page in (ROOT / "book").glob("*.md")
        for label in re.findall(r"^\(([\w-]+)\)=$", page.read_text(encoding="utf-8"), re.M)
    }


def test_every_glossary_entry_is_short_and_ends_with_a_link_to_a_chapter():
    entries = _glossary()
    for required in (
        "Jacobian matrix",
        "Jacobian determinant",
        "gradient",
        "Hessian",
        "JVP",
        "VJP",
        "forward mode",
        "reverse mode",
        "backpropagation",
        "Gauss-Newton matrix",
        "UPGrad",
        "Hutchinson estimator",
    ):
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
