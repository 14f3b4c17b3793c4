"""What the site does so that one MyST source reads the same on the site and in JupyterLab.

1. **Numbers.** The chapters quote computed numbers with ``{eval}`glued("key", ".3f")```,
   which myst-nb evaluates in the chapter's kernel while it reads the page
   (``execute_notebooks: inline``), as jupyterlab-myst does for a reader who runs the
   notebook. myst-nb runs code cells lazily, when it renders one; a cell tagged
   ``remove-cell`` is never rendered, so the hidden cells that glue the numbers would run only
   when the next visible code cell comes, after the paragraph that quotes them. JupyterLab's
   Run All runs every cell in order. So here, before a markdown cell is rendered, every cell
   above it is executed. (With any other execution mode the call only reads stored outputs.)

2. **Solutions that go on after a code cell.** A solution is a gated
   ``solution-start``/``solution-end`` pair around markdown and code cells; its cells are
   hidden in JupyterLab (``jupyter.source_hidden``), but Run All shows every markdown cell
   again. So a solution's markdown after its first code cell is wrapped, for JupyterLab, in a
   closed ``{admonition}`` of class ``dropdown solution-continued``. On the site the whole
   solution is already one closed dropdown: the wrapper is removed and its content put back.

3. **Encrypted kernels.** The chapters' kernels are started with CurveZMQ transport
   encryption, which ipykernel's kernelspec declares it supports (else each kernel logs
   "Kernel is running over TCP without encryption" into the build log):
   ``jaccourse.book._inline_values.encrypt_kernel_transport``.
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.core.render import MditRenderMixin
from sphinx.application import Sphinx

from jaccourse.book._inline_values import encrypt_kernel_transport

CONTINUED = "solution-continued"

_render_markdown = MditRenderMixin.render_nb_cell_markdown


def _render_markdown_after_the_cells_above(self, token) -> None:
    index = token.meta.get("index", 0)
    if index > 0:
        self.nb_client.code_cell_outputs(index - 1)
    _render_markdown(self, token)


def _unwrap_continued_solutions(app: Sphinx, doctree: nodes.document) -> None:
    for node in list(doctree.findall(nodes.admonition)):
        if CONTINUED in node.get("classes", []):
            content = [child for child in node.children if not isinstance(child, nodes.title)]
            for child in content:  # the admonition's classes may have been passed down
                child["classes"] = [
                    c for c in child.get("classes", []) if c not in ("dropdown", CONTINUED)
                ]
            node.replace_self(content)


def setup(app: Sphinx) -> dict:
    MditRenderMixin.render_nb_cell_markdown = _render_markdown_after_the_cells_above
    app.connect("doctree-read", _unwrap_continued_solutions)
    encrypt_kernel_transport()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
