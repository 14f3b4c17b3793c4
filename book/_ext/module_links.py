"""Links between the chapters and the API reference, made when the book is built.

Three things, so that neither the package's docstrings nor the chapters have to change:

1. **Docstrings link their chapters.** The docstrings name chapters as code,
   ``See the chapter ``linear-maps``.`` or ``Chapters: ``gaussian-integral``, ...``; in the
   API pages each such name becomes a link to the chapter (an ``autodoc-process-docstring``
   handler). Only a name in a sentence that says "chapter" is linked, and only a name that is
   a page of the book: ``newton`` the function stays code, ``newton`` the chapter in "See the
   chapter ``open-problems`` (and ``newton``)" becomes a link.
2. **Chapters link the reference pages of the modules they use.** A chapter whose code cells
   import ``jaccourse`` modules gets a line "Package modules used on this page: ...", each
   module a link to its page ``book/api/<module>`` (``book/api/book.glue`` for a module of the
   book machinery, ``jaccourse.book.glue``), placed just before the first code cell that
   imports one.
3. **Each module page lists the chapters that use it** ("Used in the chapters: ..."), from the
   same scan of the chapters' code cells.

The rules are plain functions (:func:`link_chapters`, :func:`modules_used`), tested without
Sphinx in ``tests/test_api_links.py``.
"""

from __future__ import annotations

import pkgutil
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes

API_DIR = "book/api"  # docname prefix of the module pages
PACKAGE = "jaccourse"

# a code name, a word "chapter"/"chapters", or the end of a sentence
_TOKEN = re.compile(
    r"(?P<code>``(?P<name>[^`\s]+)``)|(?P<chapter>\b[Cc]hapters?\b)|"
    r"(?P<end>[.!?](?=\s|$))"
)
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n(.*?)^\1[ \t]*$", re.S | re.M)
# ``from jaccourse import ...`` or ``from jaccourse.book import ...`` (a package, whose listed
# names may be modules); ``from jaccourse.<module> import ...`` is seen by _ATTRIBUTE
_FROM_PACKAGE = re.compile(
    rf"^\s*from {PACKAGE}(\.book)? import \(?([\w\s,]+?)\)?\s*(?:#.*)?$", re.M
)
_ATTRIBUTE = re.compile(rf"\b{PACKAGE}\.(\w+(?:\.\w+)*)")


def link_chapters(lines: list[str], chapters: dict[str, str]) -> list[str]:
    """Turn ````name```` into ``:doc:`name </docname>``` where a sentence speaks of a chapter.

    ``lines`` are the lines of one docstring (edited in place, and returned); ``chapters`` maps
    a chapter's short name (``"linear-maps"``) to its docname (``"book/linear-maps"``). A name
    is linked when it is a key of ``chapters`` and the word "chapter" or "chapters" came
    before it in the same sentence; a sentence ends at ``.``, ``!`` or ``?`` followed by a
    space, or at a blank line. The number of lines never changes (autodoc keeps line numbers).

    >>> link_chapters(["See the chapters ``sigmoid`` and ``newton``. Calls ``newton``."],
    ...               {"sigmoid": "book/sigmoid", "newton": "book/newton"})
    ... # doctest: +NORMALIZE_WHITESPACE
    ['See the chapters :doc:`sigmoid </book/sigmoid>` and :doc:`newton </book/newton>`.
      Calls ``newton``.']
    """
    in_sentence = False
    for i, line in enumerate(lines):
        if not line.strip():
            in_sentence = False
            continue
        out, pos = [], 0
        for match in _TOKEN.finditer(line):
            if match.group("chapter"):
                in_sentence = True
            elif match.group("end"):
                in_sentence = False
            elif in_sentence and match.group("name") in chapters:
                name = match.group("name")
                out.append(line[pos : match.start()])
                out.append(f":doc:`{name} </{chapters[name]}>`")
                pos = match.end()
        if pos:
            lines[i] = "".join(out) + line[pos:]
    return lines


def public_modules() -> list[str]:
    """The package's public modules (no ``_private`` ones, no packages), by short name, sorted:
    ``"derivatives"`` for ``jaccourse.derivatives``, ``"book.glue"`` for ``jaccourse.book.glue``
    (the name of its API page, ``book/api/book.glue``)."""
    import jaccourse

    return sorted(
        info.name.removeprefix(f"{PACKAGE}.")
        for info in pkgutil.walk_packages(jaccourse.__path__, f"{PACKAGE}.")
        if not info.ispkg and not any(part.startswith("_") for part in info.name.split("."))
    )


def modules_used(source: str, modules: Iterable[str] | None = None) -> list[str]:
    """The public ``jaccourse`` modules that the code cells of a MyST notebook use, sorted.

    A module counts when a code cell writes ``jaccourse.<module>`` (``import jaccourse.nn``,
    ``from jaccourse.optim import adam``, ``jaccourse.nn.relu``,
    ``from jaccourse.book.glue import glue``) or imports it, or a name it defines, with
    ``from jaccourse import ...`` or ``from jaccourse.book import ...`` (a re-exported
    function counts for the module that defines it). Prose and plain code blocks do not count.

    >>> modules_used("```{code-cell} ipython3\\nfrom jaccourse import jacobian\\n"
    ...              "from jaccourse.book import exercises\\n```\\n"
    ...              "``from jaccourse.book.plotting import use_style`` in prose")
    ['book.exercises', 'derivatives']
    """
    import importlib

    known = set(public_modules() if modules is None else modules)
    code = "\n".join(match.group(2) for match in _CODE_CELL.finditer(source))
    found: set[str] = set()
    for dotted in _ATTRIBUTE.findall(code):
        parts = dotted.split(".")
        # the longest leading part that is a module: nn.relu -> nn, book.glue.glue -> book.glue
        module = next(
            (m for k in range(len(parts), 0, -1) if (m := ".".join(parts[:k])) in known), None
        )
        if module is not None:
            found.add(module)
    for book, listed in _FROM_PACKAGE.findall(code):
        package = importlib.import_module(PACKAGE + book)
        prefix = "book." if book else ""
        for name in re.split(r"[\s,]+", listed.strip()):
            if prefix + name in known:
                found.add(prefix + name)
            elif name and hasattr(package, name):
                defining = getattr(getattr(package, name), "__module__", "") or ""
                short = defining.removeprefix(f"{PACKAGE}.")
                if defining.startswith(f"{PACKAGE}.") and short in known:
                    found.add(short)
    return sorted(found)


# --------------------------------------------------------------------------------------------
# Sphinx side
# --------------------------------------------------------------------------------------------


def _chapters(env) -> dict[str, str]:
    """``{short name: docname}`` of every page of the book outside the API pages."""
    return {
        docname.rsplit("/", 1)[-1]: docname
        for docname in sorted(env.found_docs)
        if not docname.startswith(API_DIR + "/")
    }


def _usage(app) -> dict[str, list[str]]:
    """``{chapter docname: [modules its code cells use]}``, read once per build."""
    cache = getattr(app, "_jaccourse_module_usage", None)
    if cache is None:
        env = app.env
        modules = [m for m in public_modules() if f"{API_DIR}/{m}" in env.found_docs]
        cache = {}
        for docname in sorted(env.found_docs):
            if docname.startswith(API_DIR + "/"):
                continue
            path = Path(env.doc2path(docname))
            if path.suffix == ".md" and path.exists():
                used = modules_used(path.read_text(encoding="utf-8"), modules)
                if used:
                    cache[docname] = used
        app._jaccourse_module_usage = cache
    return cache


def _process_docstring(app, what, name, obj, options, lines) -> None:
    link_chapters(lines, _chapters(app.env))


def _doc_link(docname: str, target: str, child: nodes.Node) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + target,
        refexplicit=True,
        refwarn=True,
        refdoc=docname,
    )
    ref += child
    return ref


def _link_list(
    docname: str, label: str, targets: list[tuple[str, nodes.Node]], cls: str
) -> nodes.paragraph:
    para = nodes.paragraph(classes=[cls])
    para += nodes.strong(text=label)
    para += nodes.Text(" ")
    for k, (target, child) in enumerate(targets):
        if k:
            para += nodes.Text(", ")
        para += _doc_link(docname, target, child)
    para += nodes.Text(".")
    return para


def _first_code_cell_using(doctree: nodes.document) -> nodes.Element | None:
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == "cell_code" and PACKAGE in cell.astext():
            return cell
    return None


def _add_links(app, doctree: nodes.document) -> None:
    docname = app.env.docname
    usage = _usage(app)
    if docname.startswith(API_DIR + "/"):
        module = docname.rsplit("/", 1)[-1]
        users = [doc for doc, used in usage.items() if module in used]
        section = next(iter(doctree.findall(nodes.section)), None)
        if not users or section is None:
            return
        para = _link_list(
            docname,
            "Used in the chapters:",
            [(doc, nodes.inline(text=doc.rsplit("/", 1)[-1])) for doc in users],
            "jaccourse-used-in",
        )
        title = next(iter(section.findall(nodes.title)), None)
        section.insert(section.index(title) + 1 if title is not None else 0, para)
        return
    used = usage.get(docname)
    if not used:
        return
    para = _link_list(
        docname,
        "Package modules used on this page:",
        [(f"{API_DIR}/{m}", nodes.literal(text=f"{PACKAGE}.{m}")) for m in used],
        "jaccourse-modules",
    )
    cell = _first_code_cell_using(doctree)
    if cell is not None:
        cell.parent.insert(cell.parent.index(cell), para)
    else:
        section = next(iter(doctree.findall(nodes.section)), None)
        (section if section is not None else doctree).append(para)


def _outdated(app, env, added, changed, removed) -> list[str]:
    """When a chapter changes, the module pages' "Used in" lines may change too."""
    app._jaccourse_module_usage = None
    if any(not doc.startswith(API_DIR + "/") for doc in (*added, *changed, *removed)):
        return [
            doc
            for doc in env.found_docs
            if doc.startswith(API_DIR + "/") and doc not in added and doc not in changed
        ]
    return []


def setup(app) -> dict[str, Any]:
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _add_links)
    # safe to read in parallel (book/_ext/parallel_read.py): each reading process works out
    # the usage from the source files itself, and nothing is kept in the environment
    return {"parallel_read_safe": True, "parallel_write_safe": True}
