"""The ``{api}`` role: a link to the API reference that reads as plain text in JupyterLab.

``{api}`load_nist_strd```, ``{api}`MLP.predict```, ``{api}`exercises.check_value``` or
``{api}`jaccourse.book.exercises``` links to the object's entry in the API reference and shows
the name as written, in code font. The name is looked up in the package: a bare name among the
public names (``__all__``) of every ``jaccourse`` module (the book machinery's, in
``jaccourse.book``, included), ``Class.member`` through the module that defines the class,
``module.name`` in that module, where ``module`` is a module of ``jaccourse`` or of
``jaccourse.book`` (``exercises.check_value``, as the chapters' code writes it after
``from jaccourse.book import exercises``). A name found in two modules (such as
``check_jacobian``, in ``derivatives`` and ``exercises``) must be written with its module; an
unknown or ambiguous name is an error, and so (under ``-n``) is a target the reference does not
document.

Why not ``{py:func}`~jaccourse.datasets.load_nist_strd```: JupyterLab's MyST renderer
(jupyterlab-myst) does not know Sphinx's Python roles and shows their text as it is, tilde and
module path included, whereas it shows an unknown role's text plainly: ``{api}`` reads as
``load_nist_strd`` in a notebook.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole


@lru_cache(maxsize=1)
def _public_names() -> dict[str, list[str]]:
    """Each public name of a jaccourse module -> the modules that export it."""
    import jaccourse

    found: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(jaccourse.__path__, "jaccourse."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue  # a private module, or a module of a private package (_exercise_refs)
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            found.setdefault(name, []).append(info.name)
    return found


def resolve(name: str) -> str:
    """The full dotted name of the object that ``{api}`name``` refers to."""
    if name == "jaccourse" or name.startswith("jaccourse."):
        return name
    head, _, rest = name.partition(".")
    names = _public_names()
    if head in names:
        modules = names[head]
        if len(modules) > 1:
            raise ValueError(
                f"{head!r} is public in {', '.join(modules)}: write it with its "
                f"module, e.g. {modules[0].split('.', 1)[1]}.{head}"
            )
        return f"{modules[0]}.{name}"
    for package in ("jaccourse", "jaccourse.book"):
        try:
            importlib.import_module(f"{package}.{head}")
        except ImportError:
            continue
        return f"{package}.{name}"
    raise ValueError(f"no public name or module {head!r} in jaccourse or jaccourse.book")


class ApiRole(SphinxRole):
    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        name = self.text.strip()
        try:
            if not name or any(ch in name for ch in " <>`~()"):
                raise ValueError(
                    "expected a dotted Python name such as 'load_nist_strd' or 'MLP.predict'"
                )
            target = resolve(name)
        except ValueError as exc:
            msg = self.inliner.reporter.error(f"api role {self.text!r}: {exc}", line=self.lineno)
            return [self.inliner.problematic(self.rawtext, self.rawtext, msg)], [msg]
        node = addnodes.pending_xref(
            self.rawtext,
            refdomain="py",
            reftype="obj",
            reftarget=target,
            refexplicit=True,
            refwarn=True,
            refdoc=self.env.docname,
        )
        node["py:module"] = None
        node["py:class"] = None
        node += nodes.literal(self.rawtext, name, classes=["xref", "py", "py-obj"])
        return [node], []


def setup(app: Sphinx) -> dict:
    app.add_role("api", ApiRole())
    return {"parallel_read_safe": True, "parallel_write_safe": True}
