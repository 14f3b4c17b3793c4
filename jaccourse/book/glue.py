"""``glue`` and ``glued``: put a number a cell computed into the prose, on the site and in Jupyter.

A chapter's cell computes a value and stores it under a key, ``glue("key", value,
display=False)``; the prose then writes ``{eval}`glued("key", ".3f")```. The ``{eval}``
role is MyST's inline expression: the book build (myst-nb, executing each chapter inline)
and JupyterLab (the ``jupyterlab-myst`` extension) both evaluate the expression in the
chapter's kernel, after the cells above the paragraph have run, and show its text. So the
same source shows the same number to a reader of the site and to a reader running the
notebook.

The text is what myst-nb's former ``{glue:text}`key:spec``` role showed: the value formatted
with the format specification when one is given (``".3f"`` converts the value to a float
first, ``"d"`` to an int, ``"s"`` to a string, as myst-nb did), else its plain text
representation with the quotes of a string removed.

Part of the book machinery (``jaccourse.book``): the chapters write
``from jaccourse.book.glue import glue, glued``.
"""

from __future__ import annotations

import ast
from typing import Any

from IPython.core.formatters import format_display_data
from IPython.display import display as _display

from jaccourse._validation import describe

__all__ = ["glue", "glued", "GluedText"]

#: The values glued in this kernel, by key. A chapter runs in a kernel of its own.
_VALUES: dict[str, Any] = {}


class GluedText:
    """The text of a glued value, shown without quotes by every Jupyter front end.

    Its plain-text representation (``repr``) is the text itself, so that an ``{eval}`` role
    shows ``0.741`` rather than the quoted ``'0.741'`` of a Python string.

    Examples
    --------
    >>> GluedText("0.741")
    0.741
    >>> str(GluedText("0.741"))
    '0.741'
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"GluedText: text must be a string, got {describe(text)}")
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GluedText):
            return self.text == other.text
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Store ``variable`` under ``name``, for ``{eval}`glued("name")``` in the prose.

    Parameters
    ----------
    name : str
        The key used in the prose; unique within the chapter.
    variable : object
        The value; glue plain Python numbers (``float(x)``), so that format specifications
        such as ``".3f"`` apply.
    display : bool, optional
        Also show the value in the notebook, as a cell output.

    Examples
    --------
    >>> glue("answer", 42.0, display=False)
    >>> glued("answer", ".1f")
    42.0
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"glue: name must be a non-empty string, got {describe(name)}")
    if not isinstance(display, bool):
        raise TypeError(f"glue: display must be True or False, got {describe(display)}")
    _VALUES[name] = variable
    if display:
        _display(variable)


def _plain_text(value: Any) -> str:
    """The value's text/plain representation, as a notebook would show it."""
    bundle, _ = format_display_data(value)
    return bundle.get("text/plain", repr(value))


def glued(name: str, spec: str = "") -> GluedText:
    """The text of the value glued under ``name``, formatted by ``spec``.

    Parameters
    ----------
    name : str
        A key stored by :func:`glue` in a cell above the paragraph.
    spec : str, optional
        A format specification such as ``".3f"``, ``".1e"``, ``",d"`` or ``".0%"``; the last
        character decides the conversion (``e f g %`` to float, ``b c d o x`` to int, ``s`` to
        string). Empty: the plain text of the value, without a string's quotes.

    Returns
    -------
    GluedText
        Shown as the bare text by an ``{eval}`` role and in a notebook.

    Examples
    --------
    >>> glue("ratio", 2 / 3, display=False)
    >>> glued("ratio", ".3f")
    0.667
    >>> glue("method", "Gauss-Newton", display=False)
    >>> glued("method")
    Gauss-Newton
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"glued: name must be a non-empty string, got {describe(name)}")
    if not isinstance(spec, str):
        raise TypeError(f"glued: spec must be a format specification string, got {describe(spec)}")
    if name not in _VALUES:
        raise KeyError(
            f"glued: nothing is glued under {name!r} yet: a cell above this "
            f"paragraph must run glue({name!r}, value)"
        )
    value = _VALUES[name]
    text = _plain_text(value)
    try:
        plain: Any = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        plain = text
    if not spec:
        return GluedText(str(plain))
    kind = spec[-1]
    convert = {**dict.fromkeys("bcdoxX", int), **dict.fromkeys("eEfFgGn%", float), "s": str}
    try:
        if kind in convert:
            try:
                plain = convert[kind](plain)
            except (TypeError, ValueError):  # e.g. numpy's "np.float64(0.1)": the value itself
                plain = convert[kind](value)
        return GluedText(format(plain, spec))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"glued: cannot format the value glued under {name!r} "
            f"({describe(value)}) with spec {spec!r}: {exc}"
        ) from None
