"""``glue``: put a computed value into the book's prose, as myst-nb's ``glue`` does, but light.

The chapters state numbers that a cell computed: the cell calls ``glue("key", value)`` and
the prose says ``{glue:text}`key:.3f```. myst-nb's own :func:`myst_nb.glue` does this by
displaying the value with a special MIME prefix and a ``scrapbook`` metadata entry, which
the book build then reads back. Importing it, though, imports ``nbformat``, which imports
``jsonschema``, whose format checkers import a grammar library: about 2.5 s in every
chapter's kernel, longer than most chapters take to compute. This module sends exactly the
same display message without those imports (``tests/test_glue.py`` checks that the message
is identical to myst-nb's, so a change in myst-nb fails the tests, not the book).

Not re-exported by ``import jaccourse``: the chapters write ``from jaccourse.glue import glue``.
"""

from __future__ import annotations

from typing import Any

from IPython.core.formatters import format_display_data
from IPython.display import display as _display

from jaccourse._validation import describe

__all__ = ["glue", "GLUE_PREFIX"]

#: The MIME-type prefix of a value glued with ``display=False`` (myst-nb's ``GLUE_PREFIX``).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Store ``variable`` under ``name`` in the executed notebook, for ``{glue:text}`` roles.

    The same protocol as :func:`myst_nb.glue`: the value's rich representations (its
    MIME bundle, as IPython formats it) are displayed with the metadata
    ``{"scrapbook": {"name": name, "mime_prefix": ...}}``; with ``display=False`` each MIME
    type is prefixed by :data:`GLUE_PREFIX`, so notebooks do not show it but the book finds it.

    Parameters
    ----------
    name : str
        The key used in the prose (``{glue:text}`name```); unique within the book.
    variable : object
        The value; glue plain Python numbers (``float(x)``), so that format specifications
        such as ``:.3f`` apply.
    display : bool, optional
        Also show the value in the notebook.

    Examples
    --------
    >>> glue("answer", 42.0, display=False)   # in a notebook: a hidden record; here: nothing
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"glue: name must be a non-empty string, got {describe(name)}")
    if not isinstance(display, bool):
        raise TypeError(f"glue: display must be True or False, got {describe(display)}")
    mimebundle, metadata = format_display_data(variable)
    mime_prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = dict(name=name, mime_prefix=mime_prefix)
    _display({mime_prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
