r"""The numbers in a chapter's prose, computed by running the chapter: glue and inline ``{eval}``.

The chapters quote numbers their code computed, in one of two forms:

* ``{glue:text}`key:fmt``` names a value a code cell stored with
  ``glue("key", value, display=False)`` (:mod:`jaccourse.book.glue`, myst-nb's protocol); the text
  is the value's ``text/plain`` formatted with ``fmt`` as myst-nb does it (``literal_eval``,
  then ``format(value, fmt)``, the type letter choosing int, float or str);
* ``{eval}`expression``` is a Python expression the kernel evaluates *at that place*, after
  the code cells above it have run (myst-nb's inline execution, and jupyterlab-myst, do the
  same); the text is the result's ``text/plain``, quotes stripped.

:func:`fill_numbers` runs the complete chapter (solutions included) once in a fresh kernel,
evaluates each ``{eval}`` expression through the kernel's ``user_expressions`` at its place,
collects every glued value, and returns the chapter's MyST text with each of these roles
replaced by its text. Roles inside code cells and literal fences are not roles and stay.

A private module of the book machinery (``jaccourse.book``): its names are for
``jaccourse.book.student_edition``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from jaccourse.book._myst_blocks import read_blocks

__all__ = [
    "fill_numbers",
    "format_glue_text",
    "encrypt_kernel_transport",
    "GLUE_ROLES",
    "EVAL_ROLE",
]

#: The glue roles filled in (all as plain text).
GLUE_ROLES = ("glue:text", "glue", "glue:any", "glue:md")
#: The inline-expression role.
EVAL_ROLE = "eval"
_QUOTED = re.compile(r"^([\"']).*\1$", re.S)
_GLUE_PREFIX = "application/papermill.record/"


def format_glue_text(plain: str, fmt_spec: str) -> str:
    """A glued value's ``text/plain`` formatted as ``{glue:text}`key:fmt_spec``` shows it.

    Parameters
    ----------
    plain : str
        The value's ``text/plain`` representation (``"0.123456"``, ``"'abc'"``).
    fmt_spec : str
        A format specification ending in its type letter (``".3f"``, ``"d"``, ``"s"``), or
        ``""``.

    Returns
    -------
    str

    Examples
    --------
    >>> format_glue_text("0.123456", ".3f"), format_glue_text("'abc'", "s")
    ('0.123', 'abc')
    >>> format_glue_text("12", ",d")
    '12'
    """
    if not isinstance(plain, str) or not isinstance(fmt_spec, str):
        raise TypeError(
            "format_glue_text: plain and fmt_spec must be str, got "
            f"{type(plain).__name__} and {type(fmt_spec).__name__}"
        )
    try:
        value: Any = ast.literal_eval(plain)
    except (SyntaxError, ValueError):
        value = plain
    if fmt_spec == "":
        return str(value)
    kind = fmt_spec[-1]
    try:
        if kind == "s":
            value = str(value)
        elif kind in "bcdoxX":
            value = int(value)
        elif kind in "eEfFgGn%":
            value = float(value)
        return format(value, fmt_spec)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"format_glue_text: fmt_spec {fmt_spec!r} does not apply to the value "
            f"{plain!r} ({err}); expected a format for its type"
        ) from err


def encrypt_kernel_transport() -> bool:
    """Start every later kernel of this process with CurveZMQ transport encryption.

    ipykernel warns, once per kernel, "Kernel is running over TCP without encryption" unless
    its connection is encrypted. Its kernelspec declares CurveZMQ support
    (``metadata.supported_encryption``), but jupyter_client's ``KernelManager`` provisions
    keys only when its ``transport_encryption`` is ``"auto"`` or ``"required"``, and defaults
    to ``"disabled"``; myst-nb (the book build) and nbval (the chapter tests) create their
    managers with no configuration. So this sets the trait's default to ``"auto"``: kernels
    whose spec declares support are encrypted (and the warning, rightly, goes), others start
    as before. Returns False, changing nothing, when jupyter_client has no such setting or
    pyzmq no CurveZMQ.

    Examples
    --------
    >>> encrypt_kernel_transport() in (True, False)
    True
    """
    try:
        import zmq
        from jupyter_client.manager import KernelManager
    except ImportError:  # pragma: no cover - both come with the book's requirements
        return False
    trait = KernelManager.class_traits().get("transport_encryption")
    if trait is None or not zmq.has("curve"):
        return False
    trait.default_value = "auto"
    return True


def _roles_in(text: str) -> list[tuple[int, int, str, str]]:
    from jaccourse.book._plain_markdown import iter_roles

    return [r for r in iter_roles(text) if r[2] in GLUE_ROLES or r[2] == EVAL_ROLE]


class _Kernel:
    """A fresh kernel in ``cwd``: run code, collect glue, evaluate expressions."""

    def __init__(self, cwd: Path, kernel_name: str, timeout: float, page: str) -> None:
        from jupyter_client.manager import start_new_kernel

        self.timeout, self.page = timeout, page
        encrypt_kernel_transport()
        self.manager, self.client = start_new_kernel(kernel_name=kernel_name, cwd=str(cwd))
        self.glued: dict[str, dict] = {}

    def _hook(self, msg: dict) -> None:
        if msg["msg_type"] in ("display_data", "execute_result", "update_display_data"):
            content = msg["content"]
            book = (content.get("metadata") or {}).get("scrapbook")
            if isinstance(book, dict) and "name" in book:
                prefix = book.get("mime_prefix", "")
                self.glued[book["name"]] = {
                    k[len(prefix) :]: v
                    for k, v in content.get("data", {}).items()
                    if k.startswith(prefix)
                }

    def run(self, code: str, where: str) -> None:
        reply = self.client.execute_interactive(
            code, timeout=self.timeout, output_hook=self._hook, allow_stdin=False
        )
        content = reply["content"]
        if content.get("status") != "ok":
            raise ValueError(
                f"fill_numbers: page {self.page}: the code cell {where} failed "
                f"({content.get('ename', '')}: {content.get('evalue', '')}); "
                "expected the chapter to run from top to bottom"
            )

    def evaluate(self, expressions: list[str]) -> list[str]:
        if not expressions:
            return []
        keys = {f"e{k}": expr for k, expr in enumerate(expressions)}
        reply = self.client.execute_interactive(
            "",
            silent=True,
            store_history=False,
            user_expressions=keys,
            timeout=self.timeout,
            output_hook=self._hook,
            allow_stdin=False,
        )
        results = reply["content"].get("user_expressions", {})
        values = []
        for key, expr in keys.items():
            result = results.get(key, {})
            if result.get("status") != "ok":
                raise ValueError(
                    f"fill_numbers: page {self.page}: {{eval}}`{expr}` failed "
                    f"({result.get('ename', '')}: {result.get('evalue', '')}); "
                    "expected an expression the cells above make computable"
                )
            text = result.get("data", {}).get("text/plain", "")
            values.append(text[1:-1] if _QUOTED.match(text) else text)
        return values

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def fill_numbers(
    myst_text: str,
    cwd: str | Path = ".",
    *,
    page: str = "the page",
    kernel_name: str = "python3",
    timeout: float = 300.0,
) -> str:
    r"""The chapter with each ``{glue:text}`` and ``{eval}`` role replaced by its text.

    Runs every code cell of the chapter, in order, in a fresh kernel started in ``cwd``;
    each ``{eval}`` expression is evaluated after the code cells above it, each glue role
    takes the value glued under its key anywhere in the chapter. A page without such roles
    is returned unchanged, without starting a kernel.

    Parameters
    ----------
    myst_text : str
        A chapter in jupytext's MyST format, solutions included (the numbers may depend on
        them).
    cwd : str or pathlib.Path, optional
        The folder the kernel runs in (the chapter's folder, as in the book build).
    page : str, optional
        The page's name, for error messages.
    kernel_name : str, optional
        The Jupyter kernel.
    timeout : float, optional
        Seconds allowed for each cell.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a code cell fails, an expression cannot be evaluated, a glue key was never glued,
        or a format does not fit its value (the message names the page and the role).

    Examples
    --------
    >>> fence = "`" * 3
    >>> chapter = "\n".join(["Start.", "", fence + "{code-cell} ipython3",
    ...     "from jaccourse.book.glue import glue", "x = 2 / 3", "glue('y', 0.25, display=False)",
    ...     fence, "", "Now x is {eval}`str(x)`, y is {glue:text}`y:.1%`."])
    >>> print(fill_numbers(chapter))  # doctest: +ELLIPSIS
    Start.
    ...
    Now x is 0.6666666666666666, y is 25.0%.
    """
    func = "fill_numbers"
    if not isinstance(myst_text, str):
        raise TypeError(f"{func}: myst_text must be a str, got {type(myst_text).__name__}")
    if not isinstance(cwd, (str, Path)) or not Path(cwd).is_dir():
        raise ValueError(f"{func}: cwd must be an existing folder, got {cwd!r}")
    if not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"{func}: timeout must be a positive number of seconds, got {timeout!r}")
    if not _has_roles(myst_text, True):
        return myst_text
    import jupytext

    code_sources = [
        c.source for c in jupytext.reads(myst_text, fmt="myst").cells if c.cell_type == "code"
    ]
    fences = sum(b.name == "code-cell" for b in read_blocks(myst_text))
    if len(code_sources) != fences:
        raise ValueError(
            f"{func}: page {page}: jupytext finds {len(code_sources)} code cells, "
            f"the fences {fences}; expected every code-cell fence at the top level"
        )
    kernel = _Kernel(Path(cwd), kernel_name, float(timeout), page)
    glue_roles: list[tuple[str, str]] = []
    cells = iter(code_sources)
    # with {eval} roles only, the cells after the last of them need not run
    names, last_line = _role_summary(myst_text, True)
    stop_after = last_line if names <= {EVAL_ROLE} else None

    def fill(text: str) -> str:
        roles = _roles_in(text)
        values = kernel.evaluate([c for _, _, name, c in roles if name == EVAL_ROLE])
        pieces, pos = [], 0
        for start, end, name, content in roles:
            pieces.append(text[pos:start])
            if name == EVAL_ROLE:
                pieces.append(values.pop(0))
            else:
                glue_roles.append((name, content))
                pieces.append(f"\x00glue{len(glue_roles) - 1}\x00")
            pos = end
        pieces.append(text[pos:])
        return "".join(pieces)

    def walk(text: str, top: bool) -> list[str]:
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                out.extend(fill("\n".join(paragraph)).split("\n"))
                paragraph.clear()

        for number, block in enumerate(read_blocks(text, front_matter=top)):
            if not block.fenced:
                if top and number == 0 and len(block.lines) > 1:
                    out.extend(block.lines)  # front matter
                else:
                    paragraph.append(block.lines[0])
                continue
            flush()
            last = block.lines[-1].strip()
            closed = len(block.lines) > 1 and bool(last) and not last.strip(last[0])
            head, inner = block.lines[:1], block.lines[1:-1] if closed else block.lines[1:]
            tail = block.lines[-1:] if closed else []
            if block.name == "code-cell":
                source = next(cells)
                if stop_after is None or not top or block.start < stop_after:
                    kernel.run(source, f"at line {block.start}")
                if block.yaml_options:  # a figure caption may hold roles
                    k = len(block.yaml_options)
                    options = fill("\n".join(inner[1 : k + 1])).split("\n")
                    inner = [inner[0], *options, *inner[k + 1 :]]
                out.extend([*head, *inner, *tail])
            elif not block.name or block.name == "eval-rst":
                out.extend(block.lines)
            else:
                out.extend([*head, *walk("\n".join(inner), False), *tail])
        flush()
        return out

    try:
        lines = walk(myst_text, True)
        values = _glue_values(kernel, glue_roles, page)
    finally:
        kernel.close()
    text = "\n".join(lines) + ("\n" if myst_text.endswith("\n") else "")
    for number, value in enumerate(values):
        text = text.replace(f"\x00glue{number}\x00", value, 1)
    return text


def _glue_values(kernel: _Kernel, roles: list[tuple[str, str]], page: str) -> list[str]:
    """The text of each glue role: from the value glued as a display message (myst-nb's
    protocol), or else, at the end of the chapter, from ``jaccourse.book.glue.glued(key, fmt)``
    (the package's glue keeps values in the kernel)."""
    values: list[str | None] = []
    missing: list[tuple[int, str, str, str]] = []
    for number, (name, content) in enumerate(roles):
        key, sep, fmt = content.rpartition(":")
        if not sep or name != "glue:text":
            key, fmt = content, ("s" if name == "glue:text" else "")
        data = kernel.glued.get(key)
        if data is None:
            values.append(None)
            missing.append((number, name, key, fmt))
            continue
        markdown = data.get("text/markdown") if name == "glue:md" else None
        values.append(
            markdown if markdown is not None else format_glue_text(data.get("text/plain", ""), fmt)
        )
    if missing:
        expressions = [
            f"__import__('jaccourse.book.glue', fromlist=['glued']).glued({key!r}, {fmt!r})"
            for _, _, key, fmt in missing
        ]
        try:
            found = kernel.evaluate(expressions)
        except ValueError:
            number, name, key, fmt = missing[0]
            raise ValueError(
                f"fill_numbers: page {page}: {{{name}}}`{roles[number][1]}` names "
                f"the key {key!r}, which no cell glued; expected glue({key!r}, "
                "value) in a code cell"
            ) from None
        for (number, *_), value in zip(missing, found, strict=False):
            values[number] = value
    return [v or "" for v in values]


def _role_summary(text: str, top: bool) -> tuple[set[str], int]:
    """The names of the number roles in ``text`` and the first line of the last top-level
    block (or paragraph) holding one (0 when there is none)."""
    names: set[str] = set()
    last = 0
    paragraph: list[str] = []
    start = 0

    def note(found: set[str], line: int) -> None:
        nonlocal names, last
        if found:
            names |= found
            last = line

    for block in read_blocks(text, front_matter=top):
        if not block.fenced and block.lines[0].strip():
            if not paragraph:
                start = block.start
            paragraph.append(block.lines[0])
            continue
        note({r[2] for r in _roles_in("\n".join(paragraph))}, start)
        paragraph = []
        if block.name == "code-cell":
            note({r[2] for r in _roles_in("\n".join(block.yaml_options))}, block.start)
        elif block.fenced and block.name and block.name != "eval-rst":
            note(_role_summary("\n".join(block.lines[1:-1]), False)[0], block.start)
    note({r[2] for r in _roles_in("\n".join(paragraph))}, start)
    return names, last


def _has_roles(text: str, top: bool) -> bool:
    return bool(_role_summary(text, top)[0])
