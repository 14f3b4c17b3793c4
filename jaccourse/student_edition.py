r"""The student edition: every chapter as a Jupyter notebook, without the solutions.

The book shows each exercise with its solution in a dropdown; a student who wants to try an
exercise first is better served by a notebook where the solution is simply not there. This
module writes one: for every page of ``_toc.yml`` that is a MyST notebook (its front matter
declares a ``jupytext`` or ``kernelspec`` section), ``DIR/<page>.ipynb`` with

* every solution removed: the gated blocks ``solution-start`` ... ``solution-end`` and the
  one-piece ``{solution}`` directive alike, with all their text and code cells (including the
  ``remove-cell`` assert of a code exercise's verdict);
* in place of the solution of a **code exercise**, a *stub* of its answer cell (the one code
  cell of the solution block with the marker lines ``# BEGIN SOLUTION`` and
  ``# END SOLUTION``): the lines between the markers are replaced by

  - ``<indent>...  # your code here`` when the markers are indented (the answer is the body
    of a function, which now returns ``None``),
  - ``name = ...  # your answer here`` for each name the region assigns (or defines with
    ``def``/``class``) at column 0 otherwise;

  everything else in the cell, in particular the check call
  (``verdict = exercises.check_jacobian(label, my_function)``), is kept, so running the stub
  prints ``<label>: not answered yet.`` until the student writes an answer;
* every exercise kept, its directive fences turned into a bold line a notebook shows well:
  ``**Exercise (jd-ex-polar-code)**`` (``**Exercise (label): title**`` when the exercise
  has a title), followed by the task text and any code cells it holds;
* every other cell kept as it is, tags included: a ``remove-cell`` cell outside the solutions
  computes or checks something the rest of the chapter needs (MyST roles, such as the
  references to equations, show as plain text in a notebook);
* notebook metadata: the ``python3`` kernel; the jupytext metadata is dropped. Cell ids are
  ``cell-0``, ``cell-1``, ... so that writing the edition twice gives the same files.

It also writes ``DIR/README.md`` for the students. From the course repository::

    python -m jaccourse.student_edition --out student-notebooks

The markup is the course's exercise convention (see the instructors' page, ``instructors``):
nothing outside a solution block may use a name defined inside one, so the notebooks still
run from top to bottom; ``tests/test_student_edition.py`` executes every one of them.

**A Sphinx extension, too.** sphinx-exercise's ``hide_solutions`` switch drops one-piece
``{solution}`` directives, but a *gated* solution then stops the build (sphinx-exercise 1.2.1,
issue #89: ``unknown node type: solution_end_node``). Listing this module in ``_config.yml``
(``sphinx: extra_extensions: [..., jaccourse.student_edition]``) rewrites each page's source
before it is parsed, whenever ``hide_solutions`` is true: the solution blocks go, except
their code cells, which are kept with the tag ``remove-cell`` (so the build still runs them,
and each check still proves its solution, but the page shows neither code nor output). With
``hide_solutions`` false (the default) it changes nothing.

Not re-exported by ``import jaccourse``: run it as ``python -m jaccourse.student_edition`` or
import it as ``jaccourse.student_edition``. PyYAML and jupytext (installed with the book's
requirements) are imported only when a notebook is written.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

__all__ = ["student_text", "write_student_edition", "main"]

BEGIN_MARKER = "# BEGIN SOLUTION"
END_MARKER = "# END SOLUTION"

#: The kernel every student notebook declares.
#: Pages of the table of contents written for instructors, left out of the student edition.
INSTRUCTOR_PAGES = ("instructors",)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

# A fence opens with at least three backticks, tildes or colons (colon_fence), indented by at
# most three spaces (CommonMark); a backtick fence's info string holds no backtick.
_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE = re.compile(r"^\s*\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*?)\s*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_ASSIGNED = re.compile(r"^(?P<targets>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=)")


# --------------------------------------------------------------------------------------------
# reading a MyST text as a sequence of blocks: plain lines and fenced blocks
# --------------------------------------------------------------------------------------------

@dataclass
class _Block:
    """One line of plain text, or one fenced block (fences included) of a MyST text."""

    lines: list[str]
    start: int  # 1-based line number of the first line
    name: str = ""  # the directive name for ```{name} fences ("code-cell", "solution-start")
    argument: str = ""
    fenced: bool = False
    options: dict[str, str] = field(default_factory=dict)
    body: list[str] = field(default_factory=list)  # content lines after the options


def _parse_options(content: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split a directive's content into its options (``:key: value`` lines, or a ``---``
    YAML block of ``key: value`` lines) and the rest."""
    options: dict[str, str] = {}
    if content and content[0].strip() == "---":
        for k in range(1, len(content)):
            if content[k].strip() == "---":
                for line in content[1:k]:
                    key, sep, value = line.partition(":")
                    if sep:
                        options[key.strip()] = value.strip()
                return options, content[k + 1:]
        return options, content
    k = 0
    while k < len(content) and (match := _OPTION.match(content[k].strip())):
        options[match["key"]] = match["value"]
        k += 1
    return options, content[k:]


def _blocks(text: str) -> list[_Block]:
    """The MyST text as blocks: front matter and plain lines one by one, fenced blocks whole."""
    lines = text.splitlines()
    blocks: list[_Block] = []
    i = 0
    if lines and lines[0].strip() == "---":  # front matter: never scanned for fences
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), None)
        if end is not None:
            blocks.append(_Block(lines[:end + 1], 1))
            i = end + 1
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
            blocks.append(_Block([lines[i]], i + 1))
            i += 1
            continue
        fence = match["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = next((k for k in range(i + 1, len(lines)) if closing.match(lines[k])), None)
        stop = len(lines) if end is None else end + 1  # an unclosed fence runs to the end
        block = _Block(lines[i:stop], i + 1, fenced=True)
        directive = _DIRECTIVE.match(match["info"])
        if directive is not None:
            block.name, block.argument = directive["name"], directive["argument"]
            inner = lines[i + 1:end if end is not None else stop]
            block.options, block.body = _parse_options(inner)
        blocks.append(block)
        i = stop
    return blocks


# --------------------------------------------------------------------------------------------
# the transformation
# --------------------------------------------------------------------------------------------

def _error(func: str, arg: str, message: str) -> ValueError:
    return ValueError(f"{func}: {arg} {message}")


def _is_marker(line: str) -> bool:
    return line.strip() in (BEGIN_MARKER, END_MARKER)


def _assigned_names(region: list[str]) -> list[str]:
    """The names a column-0 region assigns (or defines with def/class) at column 0, in order."""
    names: list[str] = []

    def add(target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                add(element)
        elif isinstance(target, ast.Starred):
            add(target.value)

    try:
        module = ast.parse("\n".join(region))
    except SyntaxError:  # e.g. IPython syntax: fall back to the plain `name = ...` lines
        for line in region:
            if match := _ASSIGNED.match(line):
                names.extend(n.strip() for n in match["targets"].split(","))
    else:
        for statement in module.body:
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    add(target)
            elif isinstance(statement, ast.AnnAssign):
                add(statement.target)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(statement.name)
    return list(dict.fromkeys(names))


def _stub(cell: _Block, func: str, arg: str) -> list[str]:
    """The answer cell with each BEGIN/END region replaced by its stub."""
    out: list[str] = []
    begin: int | None = None
    for k, line in enumerate(cell.lines):
        stripped = line.strip()
        if stripped == BEGIN_MARKER:
            if begin is not None:
                raise _error(func, arg, f"has a second `{BEGIN_MARKER}` (line {cell.start + k}) "
                             f"before the `{END_MARKER}` of the one at line "
                             f"{cell.start + begin}; expected each region to be closed first")
            begin = k
        elif stripped == END_MARKER:
            if begin is None:
                raise _error(func, arg, f"has `{END_MARKER}` (line {cell.start + k}) with no "
                             f"`{BEGIN_MARKER}` before it; expected the answer between a "
                             f"`{BEGIN_MARKER}` line and an `{END_MARKER}` line")
            indent = cell.lines[begin][:len(cell.lines[begin]) - len(cell.lines[begin].lstrip())]
            region = cell.lines[begin + 1:k]
            if indent:
                out.append(f"{indent}...  # your code here")
            else:
                names = _assigned_names(region)
                if not names:
                    raise _error(func, arg, f"has an answer region at column 0 (lines "
                                 f"{cell.start + begin}-{cell.start + k}) that assigns no name; "
                                 "expected `name = ...` lines (or a def) for the stub to keep")
                out.extend(f"{name} = ...  # your answer here" for name in names)
            begin = None
        elif begin is None:
            out.append(line)
    if begin is not None:
        raise _error(func, arg, f"has `{BEGIN_MARKER}` (line {cell.start + begin}) with no "
                     f"`{END_MARKER}` after it in the same cell; expected every "
                     f"`{BEGIN_MARKER}` to be closed by `{END_MARKER}`")
    return out


def _exercise_heading(block: _Block) -> str:
    label = block.options.get("label", "")
    title = block.argument
    inside = f" ({label})" if label else ""
    return f"**Exercise{inside}: {title}**" if title else f"**Exercise{inside}**"


def _solution_end(blocks: list[_Block], i: int, func: str, arg: str) -> int:
    """The index of the ``solution-end`` that closes the ``solution-start`` at ``i``."""
    for j in range(i + 1, len(blocks)):
        if blocks[j].name == "solution-start":
            raise _error(func, arg, f"has a solution-start (line {blocks[j].start}) inside the "
                         f"solution block opened at line {blocks[i].start}; expected a "
                         "solution-end before the next solution-start")
        if blocks[j].name == "solution-end":
            return j
    raise _error(func, arg, f"has a solution-start (line {blocks[i].start}) with no "
                 "solution-end; expected every solution-start to be closed by a solution-end")


def _hidden_cell(cell: _Block, yaml: Any) -> list[str]:
    """The code cell with the tag ``remove-cell`` added: the build runs it, the page omits it."""
    head, inner = cell.lines[0], cell.lines[1:]
    closing = []
    if inner and re.match(r"^ {0,3}(`{3,}|~{3,}|:{3,})\s*$", inner[-1]):
        inner, closing = inner[:-1], [inner[-1]]
    options: dict[str, Any] = {}
    if inner and inner[0].strip() == "---":
        end = next((k for k in range(1, len(inner)) if inner[k].strip() == "---"), None)
        if end is not None:
            options = yaml.safe_load("\n".join(inner[1:end])) or {}
            inner = inner[end + 1:]
    else:
        k = 0
        while k < len(inner) and _OPTION.match(inner[k].strip()):
            k += 1
        if k:
            options = yaml.safe_load("\n".join(line.strip()[1:].replace(":", ": ", 1)
                                               for line in inner[:k])) or {}
            inner = inner[k:]
    tags = list(options.get("tags") or [])
    if "remove-cell" not in tags:
        tags.append("remove-cell")
    options["tags"] = tags
    header = yaml.safe_dump(options, sort_keys=False, default_flow_style=None).splitlines()
    return [head, "---", *header, "---", *inner, *closing]


def _transform(text: str, func: str, arg: str, *, stubs: bool, yaml: Any = None) -> str:
    """Remove the solutions. With ``stubs`` (the student edition), put the answer stubs in
    their place and turn the exercise fences into bold lines; without (the Sphinx hook), keep
    each solution's code cells, tagged ``remove-cell``, and the exercise fences as they are."""
    blocks = _blocks(text)
    out: list[tuple[str, bool]] = []  # (line, whether it belongs to a fenced block)
    open_exercise: _Block | None = None
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.name == "solution-start":
            j = _solution_end(blocks, i, func, arg)
            answers = [b for b in blocks[i + 1:j]
                       if b.name == "code-cell" and any(_is_marker(x) for x in b.lines)]
            if len(answers) > 1:
                lines = ", ".join(str(b.start) for b in answers)
                raise _error(func, arg, f"has {len(answers)} answer cells (code cells with "
                             f"`{BEGIN_MARKER}`, at lines {lines}) in the solution block at line "
                             f"{block.start}; expected at most one answer cell per solution")
            if answers:
                stub = _stub(answers[0], func, arg)  # checked in both uses, so they agree
                if stubs:
                    out.extend((line, True) for line in stub)
            if not stubs:
                for inner in blocks[i + 1:j]:
                    if inner.name == "code-cell":
                        out.extend((line, True) for line in ["", *_hidden_cell(inner, yaml), ""])
            i = j + 1
            continue
        if block.name == "solution-end":
            raise _error(func, arg, f"has a solution-end (line {block.start}) with no "
                         "solution-start before it; expected solution-start ... solution-end "
                         "pairs")
        if block.name == "solution":  # the one-piece form: nothing of it stays
            i += 1
            continue
        if block.name == "exercise-start":
            if open_exercise is not None:
                raise _error(func, arg, f"has an exercise-start (line {block.start}) inside "
                             f"the exercise opened at line {open_exercise.start}; expected an "
                             "exercise-end first")
            open_exercise = block
            if stubs:
                out.append((_exercise_heading(block), False))
            else:
                out.extend((line, True) for line in block.lines)
        elif block.name == "exercise-end":
            if open_exercise is None:
                raise _error(func, arg, f"has an exercise-end (line {block.start}) with no "
                             "exercise-start before it; expected exercise-start ... "
                             "exercise-end pairs")
            open_exercise = None
            if not stubs:
                out.extend((line, True) for line in block.lines)
        elif block.name == "exercise" and stubs:
            body = block.body
            while body and not body[0].strip():
                body = body[1:]
            out.extend([(_exercise_heading(block), False), ("", False)])
            out.extend((line, True) for line in body)
        else:
            out.extend((line, block.fenced) for line in block.lines)
        i += 1
    if open_exercise is not None:
        raise _error(func, arg, f"has an exercise-start (line {open_exercise.start}) with no "
                     "exercise-end; expected every exercise-start to be closed by an "
                     "exercise-end")
    # where a block was removed, one blank line between the neighbours is enough (blank lines
    # inside fenced blocks, code cells included, are left as they are)
    kept: list[str] = []
    for line, fenced in out:
        if not fenced and not line.strip() and (not kept or not kept[-1].strip()):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def student_text(myst_text: str) -> str:
    r"""The student version of one chapter's MyST source: solutions out, answer stubs in.

    The transformation is described in the module docstring: every solution block goes; the
    answer cell of a code exercise (the code cell with ``# BEGIN SOLUTION`` and
    ``# END SOLUTION`` in the solution block) comes back as a stub in its place; the exercise
    fences become a bold ``**Exercise (label)**`` line; everything else is unchanged.

    Parameters
    ----------
    myst_text : str
        A chapter in jupytext's MyST Markdown format (front matter, prose, ``code-cell``
        fences).

    Returns
    -------
    str
        The same format, ready for ``jupytext.reads(text, fmt="myst")``.

    Raises
    ------
    ValueError
        If a ``solution-start`` has no ``solution-end`` (or the other way round), solution or
        exercise blocks nest, a solution holds more than one answer cell, or a
        ``# BEGIN SOLUTION`` has no ``# END SOLUTION`` (or a column-0 answer assigns nothing).

    Examples
    --------
    >>> fence = "`" * 3
    >>> chapter = "\n".join([
    ...     fence + "{exercise-start}", ":label: demo-ex-square", fence, "",
    ...     "Write `square(x)`.", "",
    ...     fence + "{exercise-end}", fence, "",
    ...     fence + "{solution-start} demo-ex-square", ":class: dropdown", fence, "",
    ...     "Multiply x by itself.", "",
    ...     fence + "{code-cell} ipython3",
    ...     "def square(x):", "    # BEGIN SOLUTION", "    return x * x", "    # END SOLUTION",
    ...     "", 'verdict = exercises.check_value("demo-ex-square", square(3))', fence, "",
    ...     fence + "{solution-end}", fence])
    >>> print(student_text(chapter))
    **Exercise (demo-ex-square)**
    <BLANKLINE>
    Write `square(x)`.
    <BLANKLINE>
    ```{code-cell} ipython3
    def square(x):
        ...  # your code here
    <BLANKLINE>
    verdict = exercises.check_value("demo-ex-square", square(3))
    ```
    """
    if not isinstance(myst_text, str):
        raise TypeError(f"student_text: myst_text must be a str (a chapter's MyST source), got "
                        f"{type(myst_text).__name__}")
    return _transform(myst_text, "student_text", "myst_text", stubs=True)


# --------------------------------------------------------------------------------------------
# the edition: every notebook page of the table of contents
# --------------------------------------------------------------------------------------------

def _require(module: str, package: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:  # pragma: no cover - both come with the book's requirements
        raise ImportError(f"jaccourse.student_edition needs the package {package!r} "
                          f"(pip install {package}, or pip install -r requirements.txt)") from err


def _find_root(source: str | Path | None, func: str) -> Path:
    if source is not None:
        root = Path(source)
        if not (root / "_toc.yml").is_file():
            raise _error(func, "source", f"must be the course repository (a folder with "
                         f"_toc.yml), got {str(root)!r}, which has no _toc.yml")
        return root.resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent.parent):
        for folder in (start, *start.parents):
            if (folder / "_toc.yml").is_file():
                return folder.resolve()
    raise _error(func, "source", "was not given and no _toc.yml was found in the current "
                 "directory, its parents, or above the jaccourse package; expected the course "
                 "repository: pass source=<folder with _toc.yml> (--source on the command line)")


def _toc_pages(root: Path, yaml: Any, func: str) -> list[Path]:
    """Every file named in ``_toc.yml`` (root, parts, chapters, sections), in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    if not isinstance(toc, dict) or "root" not in toc:
        raise _error(func, "source", f"must hold a _toc.yml with a `root:` entry; "
                     f"{root / '_toc.yml'} has none")
    names: list[str] = [str(toc["root"])]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                names.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    pages = [root / (n if Path(n).suffix else n + ".md") for n in names]
    missing = [str(p.relative_to(root)) for p in pages if not p.is_file()]
    if missing:
        raise _error(func, "source", f"has a _toc.yml naming files that do not exist: {missing}")
    return pages


def _is_myst_notebook(path: Path, yaml: Any) -> bool:
    """A MyST page is a notebook when its front matter has a jupytext or kernelspec section."""
    if path.suffix != ".md":
        return False
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return False
    parts = text.split("\n---", 1)
    if len(parts) < 2:
        return False
    try:
        front = yaml.safe_load(parts[0].lstrip("-"))
    except yaml.YAMLError:
        return False
    return isinstance(front, dict) and ("kernelspec" in front or "jupytext" in front)


_README = """# The student edition of the course

These notebooks are the chapters of *{title}* without the solutions to the exercises: one
notebook per chapter, in the order of the book ({count} notebooks, listed below).

**You need the course's Python package, `jaccourse`.** From the course repository:

    pip install -r requirements.txt

(in a virtual environment; it installs `jaccourse`, NumPy, autograd, Matplotlib and
JupyterLab). Then open a notebook with `jupyter lab` and run its cells from the top: later
cells use what earlier cells computed.

**Exercises.** Each exercise is a bold line **Exercise (label)** followed by the task. A code
exercise is followed by a cell with a gap to fill:

- `...  # your code here` inside a function: replace it by the function's body;
- `name = ...  # your answer here`: replace `...` by your answer.

The last line of that cell checks your answer and prints one line: `label: correct.`,
`label: not answered yet.` (as long as the `...` is there), or `label: not right yet.` with a
hint about what is wrong (a wrong shape, a transposed matrix, a sign, a missing factor, ...).
The check never prints the expected answer. The exercises to do by hand have no cell: work them
out on paper. The solutions are in the book (each exercise's dropdown), for when you have tried.

Some cells compute numbers that the book's text quotes; MyST roles such as
`` {{eq}}`label` `` or `` {{glue:text}}`key` `` show as plain text in a notebook.

## Notebooks

{listing}
"""


def _readme(root: Path, pages: list[Path], yaml: Any) -> str:
    config = root / "_config.yml"
    title = "the course"
    if config.is_file():
        loaded = yaml.safe_load(config.read_text(encoding="utf-8"))
        if isinstance(loaded, dict) and loaded.get("title"):
            title = str(loaded["title"])
    listing = []
    for page in pages:
        heading = next((line[2:].strip() for line in page.read_text(encoding="utf-8")
                        .splitlines() if line.startswith("# ")), page.stem)
        listing.append(f"- `{page.stem}.ipynb`: {heading}")
    return _README.format(title=title, count=len(pages), listing="\n".join(listing))


def write_student_edition(out: str | Path, source: str | Path | None = None) -> list[Path]:
    r"""Write the student edition: one notebook per MyST notebook page of ``_toc.yml``.

    Each page of the table of contents whose front matter declares a ``jupytext`` or
    ``kernelspec`` section goes through :func:`student_text` and is written as
    ``out/<page>.ipynb`` (not executed: no outputs); ``out/README.md`` tells the students
    what the notebooks are and what they need. ``out`` is created if needed; files already in
    it with other names are left alone.

    Parameters
    ----------
    out : str or pathlib.Path
        The folder to write into.
    source : str or pathlib.Path, optional
        The course repository (the folder with ``_toc.yml``). By default, the first folder
        with a ``_toc.yml`` going up from the current directory, then from the folder above
        the ``jaccourse`` package.

    Returns
    -------
    list of pathlib.Path
        The notebooks written, in the order of the table of contents, then ``README.md``.

    Raises
    ------
    ValueError
        If ``out`` is an existing file, no ``_toc.yml`` is found, the table of contents names
        a missing file, two pages would give the same notebook name, or a page's exercise
        markup is malformed (the message names the page; see :func:`student_text`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> course = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (course / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    >>> _ = (course / "intro.md").write_text(
    ...     "---\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
    ...     "# Hello\n\n```{code-cell} ipython3\nx = 1\n```\n")
    >>> [p.name for p in write_student_edition(course / "student", source=course)]
    ['intro.ipynb', 'README.md']
    """
    func = "write_student_edition"
    if not isinstance(out, (str, Path)):
        raise TypeError(f"{func}: out must be a folder path (str or pathlib.Path), got "
                        f"{type(out).__name__}")
    if source is not None and not isinstance(source, (str, Path)):
        raise TypeError(f"{func}: source must be a folder path (str or pathlib.Path) or None, "
                        f"got {type(source).__name__}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise _error(func, "out", f"must be a folder to write the notebooks into, got "
                     f"{str(out)!r}, which is an existing file")
    yaml = _require("yaml", "PyYAML")
    jupytext = _require("jupytext", "jupytext")
    nbformat = _require("nbformat", "nbformat")
    root = _find_root(source, func)
    pages = [p for p in _toc_pages(root, yaml, func)
             if p.stem not in INSTRUCTOR_PAGES and _is_myst_notebook(p, yaml)]
    stems: dict[str, Path] = {}
    for page in pages:
        if page.stem in stems:
            raise _error(func, "source", f"has two notebook pages that would both be written "
                         f"as {page.stem}.ipynb: {stems[page.stem]} and {page}; expected "
                         "distinct file names")
        stems[page.stem] = page
    converted = []
    for page in pages:
        try:
            text = student_text(page.read_text(encoding="utf-8"))
        except ValueError as err:
            raise ValueError(f"{func}: source page {page.relative_to(root)}: {err}") from err
        notebook = jupytext.reads(text, fmt="myst")
        notebook.metadata = {"kernelspec": dict(KERNELSPEC),
                             "language_info": {"name": "python"}}
        for k, cell in enumerate(notebook.cells):
            cell["id"] = f"cell-{k}"
        nbformat.validate(notebook)
        converted.append((page, notebook))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page, notebook in converted:
        path = out / f"{page.stem}.ipynb"
        nbformat.write(notebook, path)
        written.append(path)
    readme = out / "README.md"
    readme.write_text(_readme(root, pages, yaml), encoding="utf-8")
    return [*written, readme]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m jaccourse.student_edition --out DIR [--source ROOT]``.

    Writes the student edition (:func:`write_student_edition`) and prints what it wrote.
    Bad input (``--out`` is a file, no ``_toc.yml``, malformed exercise markup) is reported on
    stderr with exit code 2, as for a wrong option.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 2 on bad input.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> a_file = pathlib.Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = a_file.write_text("not a folder")
    >>> main(["--out", str(a_file)])   # the message goes to stderr
    2
    """
    parser = argparse.ArgumentParser(
        prog="python -m jaccourse.student_edition",
        description="Write the course's chapters as Jupyter notebooks without the solutions "
                    "(the student edition).")
    parser.add_argument("--out", required=True, type=Path,
                        help="folder to write the notebooks and README.md into")
    parser.add_argument("--source", type=Path, default=None,
                        help="the course repository (folder with _toc.yml); default: found "
                             "from the current directory upwards")
    args = parser.parse_args(argv)
    try:
        written = write_student_edition(args.out, args.source)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    notebooks = [p for p in written if p.suffix == ".ipynb"]
    print(f"wrote {len(notebooks)} notebooks and README.md to {args.out}")
    return 0


# --------------------------------------------------------------------------------------------
# the Sphinx extension: hide_solutions for gated solutions
# --------------------------------------------------------------------------------------------

def _hide_gated_solutions(app: Any, docname: str, source: list[str]) -> None:
    """Sphinx ``source-read`` handler: with ``hide_solutions`` on, drop every solution block
    but its code cells, which are tagged ``remove-cell`` (run by the build, not shown)."""
    if not getattr(app.config, "hide_solutions", False):
        return
    if "solution-start" not in source[0] and "{solution}" not in source[0]:
        return
    import yaml

    source[0] = _transform(source[0], "jaccourse.student_edition", f"page {docname}",
                           stubs=False, yaml=yaml)


def setup(app: Any) -> dict[str, Any]:
    """Register the Sphinx extension (see the module docstring): with sphinx-exercise's
    ``hide_solutions`` on, each page's source loses its solution blocks before Sphinx reads
    it, all but their code cells, which still run but are tagged ``remove-cell``."""
    app.connect("source-read", _hide_gated_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":  # pragma: no cover - exercised through tests/test_student_edition.py
    raise SystemExit(main())
