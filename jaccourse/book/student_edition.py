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
    of a function, which now returns ``None``; ``def f(x): ...  # your code here`` on one
    line when the answer is the function's whole body, as ruff formats a stub),
  - ``name = ...  # your answer here`` for each name the region assigns (or defines with
    ``def``/``class``) at column 0 otherwise;

  everything else in the cell, in particular the check call
  (``verdict = exercises.check_jacobian(label, my_function)``), is kept, so running the stub
  prints ``<label>: not answered yet.`` until the student writes an answer;
* every exercise kept, its directive fences turned into a bold line a notebook shows well:
  ``**Exercise 2.3 (jd-ex-polar-code)**``, numbered as on the site (``**Exercise (label)**``
  from :func:`student_text` alone, which knows no numbers; ``: title`` after it when the
  exercise has a title), followed by the task text and any code cells it holds;
* every other code cell kept as it is, tags included: a ``remove-cell`` cell outside the
  solutions computes or checks something the rest of the chapter needs;
* the Markdown **read by any Jupyter front end**, MyST extension or not: the chapter is first
  run once, solutions included, and each number its prose quotes (``{glue:text}``,
  ``{eval}``) is written in (``jaccourse.book._inline_values``); then every MyST construct
  becomes plain Markdown, with the numbers the site shows for references ("Theorem 2.1",
  "(3.4)", "Fig. 5.2"), citations "(Author, year)", headed blocks for admonitions and
  theorems (``jaccourse.book._plain_markdown`` lists every construct and what it becomes);
* notebook metadata: the ``python3`` kernel; the jupytext metadata is dropped. Cell ids are
  ``cell-0``, ``cell-1``, ... so that writing the edition twice gives the same files.

It also writes ``DIR/README.md`` for the students. From the course repository::

    python -m jaccourse.book.student_edition --out student-notebooks

**For nbgrader**, ``--format nbgrader`` writes an nbgrader course folder instead:
``DIR/nbgrader_config.py`` and ``DIR/source/<chapter>/<chapter>.ipynb``, one assignment per
chapter with code exercises, the same notebooks but for the answer cells: each keeps its
reference answer between the markers (nbgrader's own ``generate_assignment`` clears it, as
it clears any ``BEGIN SOLUTION`` region) and is an nbgrader *autograded answer* cell, followed
by a locked *autograder test* cell worth points (1 by default, ``--points LABEL=N``), which
passes only when the exercise's check says correct and otherwise fails with the check's
hint. The instructors' page walks through a whole course with it::

    python -m jaccourse.book.student_edition --format nbgrader --out course

The markup is the course's exercise convention (see the instructors' page, ``instructors``):
nothing outside a solution block may use a name defined inside one, so the notebooks still
run from top to bottom; ``tests/test_student_edition.py`` executes every one of them.

**A Sphinx extension, too.** sphinx-exercise's ``hide_solutions`` switch drops one-piece
``{solution}`` directives, but a *gated* solution then stops the build (sphinx-exercise 1.2.1,
issue #89: ``unknown node type: solution_end_node``). Listing this module in ``_config.yml``
(``sphinx: extra_extensions: [..., jaccourse.book.student_edition]``) rewrites each page's
source before it is parsed, whenever ``hide_solutions`` is true: the solution blocks go, except
their code cells, which are kept with the tag ``remove-cell`` (so the build still runs them,
and each check still proves its solution, but the page shows neither code nor output). With
``hide_solutions`` false (the default) it changes nothing.

Part of the book machinery (``jaccourse.book``): run it as
``python -m jaccourse.book.student_edition`` or import it as
``jaccourse.book.student_edition``. PyYAML and jupytext (installed with the book's
requirements) are imported only when a notebook is written.
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jaccourse.book._myst_blocks import OPTION, Block, read_blocks
from jaccourse.book.toc import notebook_pages

__all__ = [
    "student_text",
    "write_student_edition",
    "main",
    "starter_lines",
    "starter_cells",
    "write_starters",
]

BEGIN_MARKER = "# BEGIN SOLUTION"
END_MARKER = "# END SOLUTION"

#: The kernel every student notebook declares.
#: Pages of the table of contents written for instructors, left out of the student edition.
INSTRUCTOR_PAGES = ("instructors",)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

_ASSIGNED = re.compile(r"^(?P<targets>[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?::[^=]*)?=(?!=)")


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


def _stub(cell: Block, func: str, arg: str) -> list[str]:
    """The answer cell with each BEGIN/END region replaced by its stub."""
    out: list[str] = []
    begin: int | None = None
    for k, line in enumerate(cell.lines):
        stripped = line.strip()
        if stripped == BEGIN_MARKER:
            if begin is not None:
                raise _error(
                    func,
                    arg,
                    f"has a second `{BEGIN_MARKER}` (line {cell.start + k}) "
                    f"before the `{END_MARKER}` of the one at line "
                    f"{cell.start + begin}; expected each region to be closed first",
                )
            begin = k
        elif stripped == END_MARKER:
            if begin is None:
                raise _error(
                    func,
                    arg,
                    f"has `{END_MARKER}` (line {cell.start + k}) with no "
                    f"`{BEGIN_MARKER}` before it; expected the answer between a "
                    f"`{BEGIN_MARKER}` line and an `{END_MARKER}` line",
                )
            indent = cell.lines[begin][: len(cell.lines[begin]) - len(cell.lines[begin].lstrip())]
            region = cell.lines[begin + 1 : k]
            if indent:
                rest = [x for x in cell.lines[k + 1 :] if x.strip()]
                body_ends = not rest or len(rest[0]) - len(rest[0].lstrip()) < len(indent)
                head = out[-1] if out else ""
                if (
                    body_ends
                    and head.lstrip().startswith("def ")
                    and head.rstrip().endswith(":")
                    and len(head) - len(head.lstrip()) == len(indent) - 4
                ):  # the whole body is the answer: one line, as ruff formats a stub
                    out[-1] = f"{head.rstrip()} ...  # your code here"
                else:
                    out.append(f"{indent}...  # your code here")
            else:
                names = _assigned_names(region)
                if not names:
                    raise _error(
                        func,
                        arg,
                        f"has an answer region at column 0 (lines "
                        f"{cell.start + begin}-{cell.start + k}) that assigns no name; "
                        "expected `name = ...` lines (or a def) for the stub to keep",
                    )
                out.extend(f"{name} = ...  # your answer here" for name in names)
            begin = None
        elif begin is None:
            out.append(line)
    if begin is not None:
        raise _error(
            func,
            arg,
            f"has `{BEGIN_MARKER}` (line {cell.start + begin}) with no "
            f"`{END_MARKER}` after it in the same cell; expected every "
            f"`{BEGIN_MARKER}` to be closed by `{END_MARKER}`",
        )
    return out


def _cell_body(cell: Block) -> list[str]:
    """A code cell's source lines: no fences, no options (``:key:`` lines or a ``---`` block)."""
    inner = cell.lines[1:-1] if len(cell.lines) > 1 else []
    if inner and inner[0].strip() == "---":
        end = next((k for k in range(1, len(inner)) if inner[k].strip() == "---"), 0)
        return inner[end + 1 :]
    while inner and OPTION.match(inner[0].strip()):
        inner = inner[1:]
    return inner


def starter_lines(
    answer_cell: Block, func: str = "starter_lines", arg: str = "answer_cell"
) -> list[str]:
    r"""The source of the *starter cell* of a code exercise: the stub of its answer cell.

    A code exercise shows, right after its box and before its solution, a visible code cell
    whose source is exactly this stub (each answer region replaced by ``...``, as in the
    student edition; running it prints ``<label>: not answered yet.``), so that a reader of
    the site or of the notebook can begin without opening the solution.
    ``tests/test_exercises_chapters.py`` checks that the two stay equal, and
    :func:`write_starters` puts them in place.

    Parameters
    ----------
    answer_cell : Block
        The answer cell (a ``code-cell`` block holding ``# BEGIN SOLUTION`` ...
        ``# END SOLUTION``), as ``jaccourse.book._myst_blocks.read_blocks`` reads it.

    Returns
    -------
    list of str
        The starter's source lines, without fences or options.

    Examples
    --------
    >>> from jaccourse.book._myst_blocks import read_blocks
    >>> fence = "`" * 3
    >>> cell = read_blocks("\n".join([fence + "{code-cell} ipython3", "---",
    ...     "jupyter:", "  source_hidden: true", "---", "def f(x):", "    # BEGIN SOLUTION",
    ...     "    return 2 * x", "    # END SOLUTION", "", 'verdict = check("ex", f)', fence]))[0]
    >>> starter_lines(cell)  # a body that is all answer: one line, as ruff formats it
    ['def f(x): ...  # your code here', '', 'verdict = check("ex", f)']
    """
    return _cell_body(Block(_stub(answer_cell, func, arg), answer_cell.start))


def _preceding_code_cell(blocks: list[Block], i: int) -> int | None:
    """The index of the code cell just before block ``i``, across blank lines, ``+++``
    cell breaks and ``%`` comments only; None if something else comes first."""
    j = i - 1
    while (
        j >= 0
        and not blocks[j].fenced
        and (not blocks[j].lines[0].strip() or blocks[j].lines[0].startswith(("%", "+++")))
    ):
        j -= 1
    return j if j >= 0 and blocks[j].name == "code-cell" else None


def starter_cells(
    blocks: list[Block], func: str = "starter_cells", arg: str = "blocks"
) -> dict[int, int]:
    r"""Where the starter cells are: for each solution block with an answer cell whose starter
    is in place (the code cell just before the ``solution-start``, across blank lines, ``+++``
    and ``%`` comments, equal to :func:`starter_lines` of the answer), the index of the
    starter cell in ``blocks``, mapped to the index of the ``solution-start``.

    Examples
    --------
    >>> from jaccourse.book._myst_blocks import read_blocks
    >>> fence = "`" * 3
    >>> text = "\n".join([fence + "{code-cell} ipython3", "x = ...  # your answer here", fence,
    ...     "", fence + "{solution-start} ex", fence, fence + "{code-cell} ipython3",
    ...     "# BEGIN SOLUTION", "x = 2", "# END SOLUTION", fence, fence + "{solution-end}", fence])
    >>> starter_cells(read_blocks(text))
    {0: 2}
    """
    found: dict[int, int] = {}
    for i, block in enumerate(blocks):
        if block.name != "solution-start":
            continue
        j = next(
            (k for k in range(i + 1, len(blocks)) if blocks[k].name == "solution-end"), len(blocks)
        )
        answers = [
            b
            for b in blocks[i + 1 : j]
            if b.name == "code-cell" and any(_is_marker(x) for x in b.lines)
        ]
        if len(answers) != 1:
            continue
        k = _preceding_code_cell(blocks, i)
        if k is not None and _cell_body(blocks[k]) == starter_lines(answers[0], func, arg):
            found[k] = i
    return found


def _exercise_heading(block: Block, numbers: dict[str, str] | None = None) -> str:
    label = block.options.get("label", "")
    title = block.argument
    number = (numbers or {}).get(label, "")
    inside = f" ({label})" if label else ""
    head = f"Exercise {number}" if number else "Exercise"
    return f"**{head}{inside}: {title}**" if title else f"**{head}{inside}**"


_STUB_MARK = re.compile(r"\.\.\.  # your (code|answer) here$", re.M)
_CHECK_CALL = re.compile(r"^verdict\s*=\s*exercises\.check_\w+\(")


def _nbgrader_cells(
    cell: Block, label: str, points: float, number: str, func: str, arg: str
) -> list[str]:
    """The answer cell as an nbgrader autograded answer (solution kept between the markers,
    which nbgrader clears), then a locked autograder test cell worth ``points``."""
    inner = _cell_body(cell)
    if not any(_CHECK_CALL.match(line) for line in inner):
        raise _error(
            func,
            arg,
            f"has an answer cell (line {cell.start}) for {label} with no "
            "`verdict = exercises.check_...(...)` line at column 0; expected the "
            "check's call, which the nbgrader test cell reads",
        )
    fence = cell.lines[0][: len(cell.lines[0]) - len(cell.lines[0].lstrip("`~"))]
    answer_meta = (
        f"nbgrader: {{grade: false, grade_id: answer-{label}, locked: false, "
        "schema_version: 3, solution: true, task: false}"
    )
    shown = f"Exercise {number} ({label})" if number else f"Exercise {label}"
    pts = f"{points:g} point" + ("" if points == 1 else "s")
    test_meta = (
        f"nbgrader: {{grade: true, grade_id: check-{label}, locked: true, "
        f"points: {points:g}, schema_version: 3, solution: false, task: false}}"
    )
    test = [
        f"# {shown}, {pts}: passes when the check above says correct.",
        f'assert verdict.label == "{label}", ("{label}: the answer cell above stopped '
        'before its check; run it to the end")',
        "assert verdict.correct, verdict.message",
    ]
    return [
        f"{fence}{{code-cell}} ipython3",
        "---",
        answer_meta,
        "---",
        *inner,
        fence,
        "",
        f"{fence}{{code-cell}} ipython3",
        "---",
        test_meta,
        "---",
        *test,
        fence,
    ]


def _solution_end(blocks: list[Block], i: int, func: str, arg: str) -> int:
    """The index of the ``solution-end`` that closes the ``solution-start`` at ``i``."""
    for j in range(i + 1, len(blocks)):
        if blocks[j].name == "solution-start":
            raise _error(
                func,
                arg,
                f"has a solution-start (line {blocks[j].start}) inside the "
                f"solution block opened at line {blocks[i].start}; expected a "
                "solution-end before the next solution-start",
            )
        if blocks[j].name == "solution-end":
            return j
    raise _error(
        func,
        arg,
        f"has a solution-start (line {blocks[i].start}) with no "
        "solution-end; expected every solution-start to be closed by a solution-end",
    )


def _hidden_cell(cell: Block, yaml: Any) -> list[str]:
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
            inner = inner[end + 1 :]
    else:
        k = 0
        while k < len(inner) and OPTION.match(inner[k].strip()):
            k += 1
        if k:
            options = (
                yaml.safe_load(
                    "\n".join(line.strip()[1:].replace(":", ": ", 1) for line in inner[:k])
                )
                or {}
            )
            inner = inner[k:]
    tags = list(options.get("tags") or [])
    if "remove-cell" not in tags:
        tags.append("remove-cell")
    options["tags"] = tags
    header = yaml.safe_dump(options, sort_keys=False, default_flow_style=None).splitlines()
    return [head, "---", *header, "---", *inner, *closing]


def _transform(
    text: str,
    func: str,
    arg: str,
    *,
    stubs: bool,
    yaml: Any = None,
    numbers: dict[str, str] | None = None,
    nbgrader_points: dict[str, float] | None = None,
) -> str:
    """Remove the solutions. With ``stubs`` (the student edition), put the answer stubs in
    their place and turn the exercise fences into bold lines; without (the Sphinx hook), keep
    each solution's code cells, tagged ``remove-cell``, and the exercise fences as they are.
    With ``nbgrader_points`` (a dict, label to points; a missing label is worth 1), the answer
    cell is kept whole as an nbgrader answer cell, followed by its test cell."""
    blocks = read_blocks(text)
    # a code exercise's visible starter cell is the stub of its answer: where the student
    # edition puts that stub (or the nbgrader answer cell) in place of the solution, the
    # starter goes, so that it is not there twice
    starters = starter_cells(blocks, func, arg) if stubs else {}
    out: list[tuple[str, bool]] = []  # (line, whether it belongs to a fenced block)
    open_exercise: Block | None = None
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if i in starters:
            i += 1
            continue
        if block.name == "solution-start":
            j = _solution_end(blocks, i, func, arg)
            answers = [
                b
                for b in blocks[i + 1 : j]
                if b.name == "code-cell" and any(_is_marker(x) for x in b.lines)
            ]
            if len(answers) > 1:
                lines = ", ".join(str(b.start) for b in answers)
                raise _error(
                    func,
                    arg,
                    f"has {len(answers)} answer cells (code cells with "
                    f"`{BEGIN_MARKER}`, at lines {lines}) in the solution block at line "
                    f"{block.start}; expected at most one answer cell per solution",
                )
            if answers:
                stub = _stub(answers[0], func, arg)  # checked in both uses, so they agree
                if stubs and nbgrader_points is not None:
                    label = block.argument.strip()
                    cells = _nbgrader_cells(
                        answers[0],
                        label,
                        nbgrader_points.get(label, 1),
                        (numbers or {}).get(label, ""),
                        func,
                        arg,
                    )
                    out.extend((line, True) for line in cells)
                elif stubs:
                    out.extend((line, True) for line in stub)
            if not stubs:
                for inner in blocks[i + 1 : j]:
                    if inner.name == "code-cell":
                        out.extend((line, True) for line in ["", *_hidden_cell(inner, yaml), ""])
            i = j + 1
            continue
        if block.name == "solution-end":
            raise _error(
                func,
                arg,
                f"has a solution-end (line {block.start}) with no "
                "solution-start before it; expected solution-start ... solution-end "
                "pairs",
            )
        if block.name == "solution":  # the one-piece form: nothing of it stays
            i += 1
            continue
        if block.name == "exercise-start":
            if open_exercise is not None:
                raise _error(
                    func,
                    arg,
                    f"has an exercise-start (line {block.start}) inside "
                    f"the exercise opened at line {open_exercise.start}; expected an "
                    "exercise-end first",
                )
            open_exercise = block
            if stubs:
                out.append((_exercise_heading(block, numbers), False))
            else:
                out.extend((line, True) for line in block.lines)
        elif block.name == "exercise-end":
            if open_exercise is None:
                raise _error(
                    func,
                    arg,
                    f"has an exercise-end (line {block.start}) with no "
                    "exercise-start before it; expected exercise-start ... "
                    "exercise-end pairs",
                )
            open_exercise = None
            if not stubs:
                out.extend((line, True) for line in block.lines)
        elif block.name == "exercise" and stubs:
            body = block.body
            while body and not body[0].strip():
                body = body[1:]
            out.extend([(_exercise_heading(block, numbers), False), ("", False)])
            out.extend((line, True) for line in body)
        else:
            out.extend((line, block.fenced) for line in block.lines)
        i += 1
    if open_exercise is not None:
        raise _error(
            func,
            arg,
            f"has an exercise-start (line {open_exercise.start}) with no "
            "exercise-end; expected every exercise-start to be closed by an "
            "exercise-end",
        )
    # where a block was removed, one blank line between the neighbours is enough (blank lines
    # inside fenced blocks, code cells included, are left as they are)
    kept: list[str] = []
    for line, fenced in out:
        if not fenced and not line.strip() and (not kept or not kept[-1].strip()):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def write_starters(page: str | Path) -> int:
    r"""Put each code exercise's starter cell in place in one chapter (a MyST file), in place.

    For every solution block with an answer cell, the code cell just before the
    ``solution-start`` becomes the starter (:func:`starter_lines` of the answer, a visible
    code cell): it is inserted when missing, and rewritten when it is a stale starter (a code
    cell with a ``...  # your code here`` or ``name = ...  # your answer here`` line). The
    file is then stored as jupytext writes it. Returns the number of starters inserted or
    rewritten (0 when all were in place).

    Raises
    ------
    ValueError
        If the page is not a readable file or its solution blocks are malformed (the
        messages of :func:`student_text`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> fence = "`" * 3
    >>> page = pathlib.Path(tempfile.mkdtemp()) / "x.md"
    >>> _ = page.write_text("\n".join(["---", "jupytext:", "  text_representation:",
    ...     "    extension: .md", "    format_name: myst", "kernelspec:", "  name: python3",
    ...     "  display_name: Python 3", "---", "", fence + "{exercise}", ":label: ex", "",
    ...     "Double it.", fence, "", "+++", "", fence + "{solution-start} ex", fence, "",
    ...     fence + "{code-cell} ipython3", "# BEGIN SOLUTION", "y = 2", "# END SOLUTION",
    ...     fence, "", fence + "{solution-end}", fence, ""]))
    >>> write_starters(page), write_starters(page)
    (1, 0)
    >>> "y = ...  # your answer here" in page.read_text()
    True
    """
    func = "write_starters"
    path = Path(page) if isinstance(page, (str, Path)) else None
    if path is None:
        raise TypeError(f"{func}: page must be a path (str or Path), got {type(page).__name__}")
    if not path.is_file():
        raise ValueError(f"{func}: page must be an existing MyST file, got {str(path)!r}")
    jupytext = _require("jupytext", "jupytext")
    text = path.read_text(encoding="utf-8")
    changed = 0
    while True:
        blocks = read_blocks(text)
        in_place = set(starter_cells(blocks, func, "page").values())
        todo = None
        for i, block in enumerate(blocks):
            if block.name != "solution-start" or i in in_place:
                continue
            j = _solution_end(blocks, i, func, "page")
            answers = [
                b
                for b in blocks[i + 1 : j]
                if b.name == "code-cell" and any(_is_marker(x) for x in b.lines)
            ]
            if len(answers) == 1:
                todo = (i, answers[0])
                break
        if todo is None:
            break
        i, answer = todo
        fence = "`" * 3
        cell = [fence + "{code-cell} ipython3", *starter_lines(answer, func, "page"), fence, ""]
        lines = text.splitlines()
        k = _preceding_code_cell(blocks, i)
        if k is not None and _STUB_MARK.search("\n".join(blocks[k].lines)):
            first, last = blocks[k].start - 1, blocks[k].start - 1 + len(blocks[k].lines)
            lines[first:last] = cell[:-1]
        else:  # before the "% The solution of ..." comment (and blank lines) above the block
            at = blocks[i].start - 1
            while at > 0 and (not lines[at - 1].strip() or lines[at - 1].startswith("%")):
                at -= 1
            lines[at:at] = ["", *cell]
        text = "\n".join(lines) + "\n"
        changed += 1
        if changed > 1000:  # each round puts one starter in place: never reached
            raise ValueError(f"{func}: page {str(path)!r} did not settle")
    if changed:
        notebook = jupytext.reads(text, fmt="md:myst")
        path.write_text(jupytext.writes(notebook, fmt="md:myst"), encoding="utf-8")
    return changed


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
        raise TypeError(
            f"student_text: myst_text must be a str (a chapter's MyST source), got "
            f"{type(myst_text).__name__}"
        )
    return _transform(myst_text, "student_text", "myst_text", stubs=True)


# --------------------------------------------------------------------------------------------
# the edition: every notebook page of the table of contents
# --------------------------------------------------------------------------------------------


def _require(module: str, package: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:  # pragma: no cover - both come with the book's requirements
        raise ImportError(
            f"jaccourse.book.student_edition needs the package {package!r} "
            f"(pip install {package}, or pip install -r requirements.txt)"
        ) from err


def _find_root(source: str | Path | None, func: str) -> Path:
    if source is not None:
        root = Path(source)
        if not (root / "_toc.yml").is_file():
            raise _error(
                func,
                "source",
                f"must be the course repository (a folder with "
                f"_toc.yml), got {str(root)!r}, which has no _toc.yml",
            )
        return root.resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent.parent):
        for folder in (start, *start.parents):
            if (folder / "_toc.yml").is_file():
                return folder.resolve()
    raise _error(
        func,
        "source",
        "was not given and no _toc.yml was found in the current "
        "directory, its parents, or above the jaccourse package; expected the course "
        "repository: pass source=<folder with _toc.yml> (--source on the command line)",
    )


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

The notebooks are plain Jupyter notebooks: they read the same in JupyterLab, VS Code or
Colab. The numbers the text quotes are filled in (computed when these notebooks were
written, by running each chapter); references read as on the book's site ("Theorem 2.1",
"equation (3.4)", "Fig. 5.2", "Section 7.3"), and a chapter's title links to its notebook.

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
        heading = next(
            (
                line[2:].strip()
                for line in page.read_text(encoding="utf-8").splitlines()
                if line.startswith("# ")
            ),
            page.stem,
        )
        listing.append(f"- `{page.stem}.ipynb`: {heading}")
    return _README.format(title=title, count=len(pages), listing="\n".join(listing))


#: Chapter texts with their numbers filled in, by (path, source text): one run per chapter
#: and process, shared by the plain and the nbgrader editions.
_FILLED: dict[tuple[str, str], str] = {}

#: The formats :func:`write_student_edition` writes.
FORMATS = ("plain", "nbgrader")

_NBGRADER_CONFIG = """\
# nbgrader's configuration for the course (written by
# python -m jaccourse.book.student_edition --format nbgrader; see the book's page for instructors).
# Run every nbgrader command from this folder: nbgrader reads this file and keeps its
# gradebook in gradebook.db here.
c = get_config()  # noqa: F821 (nbgrader defines it)

c.CourseDirectory.course_id = {course_id!r}
# one notebook per assignment, named like its chapter: source/<chapter>/<chapter>.ipynb
c.CourseDirectory.source_directory = "source"
# a chapter's cells may run for a while (the book allows 120 s per cell)
c.Execute.timeout = 300
# the answer regions are marked "# BEGIN SOLUTION" / "# END SOLUTION" (nbgrader's defaults)
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
"""


def _filled_text(page: Path, root: Path, func: str) -> str:
    """The page's source with its numbers filled in (``jaccourse.book._inline_values``), cached."""
    from jaccourse.book._inline_values import fill_numbers

    text = page.read_text(encoding="utf-8")
    key = (str(page.resolve()), text)
    if key not in _FILLED:
        try:
            _FILLED[key] = fill_numbers(text, page.parent, page=str(page.relative_to(root)))
        except ValueError as err:
            raise ValueError(f"{func}: source page {page.relative_to(root)}: {err}") from err
    return _FILLED[key]


def _notebook(text: str, jupytext: Any, nbformat: Any) -> Any:
    notebook = jupytext.reads(text, fmt="myst")
    notebook.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for k, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{k}"
        if cell.cell_type == "markdown":
            cell.metadata.pop("tags", None)
        view = cell.metadata.get("jupyter")
        if isinstance(view, dict) and (
            "nbgrader" in cell.metadata or _STUB_MARK.search(cell.source)
        ):
            view.pop("source_hidden", None)  # the cell a student writes in stays open
            if not view:
                del cell.metadata["jupyter"]
    nbformat.validate(notebook)
    return notebook


def write_student_edition(
    out: str | Path,
    source: str | Path | None = None,
    *,
    format: str = "plain",
    numbers: bool = True,
    site_url: str = "",
    points: dict[str, float] | None = None,
    course_id: str = "jaccourse",
    jobs: int = 2,
    chapters: Sequence[str] | None = None,
) -> list[Path]:
    r"""Write the student edition: one notebook per MyST notebook page of ``_toc.yml``.

    Each page of the table of contents whose front matter declares a ``jupytext`` or
    ``kernelspec`` section (but the instructors' page) is run once, solutions included, to
    fill in the numbers its prose quotes (``{glue:text}``, ``{eval}``; see
    ``jaccourse.book._inline_values``), goes through :func:`student_text` (solutions out, stubs in,
    exercises numbered as on the site) and through ``jaccourse.book._plain_markdown.plain_markdown``
    (every MyST construct as plain Markdown, references with the site's numbers), and is
    written as a notebook without outputs.

    ``format="plain"`` writes ``out/<page>.ipynb`` for every such page, and ``out/README.md``
    for the students (what the notebooks are, what they need); a ``{doc}`` reference to
    another page links to its notebook. ``format="nbgrader"`` writes an nbgrader course
    folder: ``out/nbgrader_config.py`` and ``out/source/<page>/<page>.ipynb`` for every page
    with a code exercise, where each answer cell is an nbgrader *autograded answer* (the
    reference answer between ``# BEGIN SOLUTION`` and ``# END SOLUTION``, which
    ``nbgrader generate_assignment`` clears) followed by a locked *autograder test* cell worth
    ``points[label]`` (default 1) that passes only when the exercise's check says correct and
    otherwise fails with the check's hint. ``out`` is created if needed; files already in it
    with other names are left alone.

    Parameters
    ----------
    out : str or pathlib.Path
        The folder to write into.
    source : str or pathlib.Path, optional
        The course repository (the folder with ``_toc.yml``). By default, the first folder
        with a ``_toc.yml`` going up from the current directory, then from the folder above
        the ``jaccourse`` package.
    format : {"plain", "nbgrader"}, optional
        What to write.
    numbers : bool, optional
        Run each chapter to fill its numbers in. Only False for a page without glue or
        ``{eval}`` roles (else the conversion refuses the page).
    site_url : str, optional
        The published site's address: API names and references to pages without a notebook
        link there. By default ``html.baseurl`` of ``_config.yml``; none if unset.
    points : dict, optional
        Points per code exercise, by label, for the nbgrader format (default 1 each).
    course_id : str, optional
        The nbgrader course id.
    jobs : int, optional
        How many chapters run at the same time to fill their numbers in.
    chapters : sequence of str, optional
        Only these pages (by name, ``"linear-maps"``); by default every notebook page. The
        numbers of references are those of the whole book either way.

    Returns
    -------
    list of pathlib.Path
        The notebooks written, in the order of the table of contents, then ``README.md`` (plain)
        or ``nbgrader_config.py`` (nbgrader).

    Raises
    ------
    ValueError
        If ``out`` is an existing file, the format is unknown, no ``_toc.yml`` is found, the
        table of contents names a missing file, two pages would give the same notebook name,
        a page's exercise markup is malformed, a chapter fails to run, or a page holds a MyST
        construct with no plain form (the message names the page).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> course = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (course / "_toc.yml").write_text("format: jb-book\nroot: intro\n")
    >>> _ = (course / "intro.md").write_text(
    ...     "---\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n"
    ...     "(intro)=\n# Hello\n\n```{code-cell} ipython3\nx = 1\n```\n")
    >>> [p.name for p in write_student_edition(course / "student", source=course)]
    ['intro.ipynb', 'README.md']
    """
    func = "write_student_edition"
    if not isinstance(out, (str, Path)):
        raise TypeError(
            f"{func}: out must be a folder path (str or pathlib.Path), got {type(out).__name__}"
        )
    if source is not None and not isinstance(source, (str, Path)):
        raise TypeError(
            f"{func}: source must be a folder path (str or pathlib.Path) or None, "
            f"got {type(source).__name__}"
        )
    if format not in FORMATS:
        raise _error(func, "format", f"must be one of {FORMATS}, got {format!r}")
    if points is not None and (
        not isinstance(points, dict)
        or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
            for v in points.values()
        )
    ):
        raise _error(
            func, "points", f"must be a dict of exercise labels to positive numbers, got {points!r}"
        )
    if not isinstance(course_id, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", course_id):
        raise _error(
            func,
            "course_id",
            f"must be a non-empty name of letters, digits, '_', '.' or '-', got {course_id!r}",
        )
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise _error(func, "jobs", f"must be a positive int, got {jobs!r}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise _error(
            func,
            "out",
            f"must be a folder to write the notebooks into, got "
            f"{str(out)!r}, which is an existing file",
        )
    yaml = _require("yaml", "PyYAML")
    jupytext = _require("jupytext", "jupytext")
    nbformat = _require("nbformat", "nbformat")
    from jaccourse.book._plain_markdown import book_index, plain_markdown

    root = _find_root(source, func)
    try:
        pages = [p for p in notebook_pages(root) if p.stem not in INSTRUCTOR_PAGES]
    except ValueError as err:  # no _toc.yml root, or a page missing: say it as ours
        raise ValueError(str(err).replace("toc_entries: root", f"{func}: source", 1)) from None
    if chapters is not None:
        if isinstance(chapters, str) or not all(isinstance(c, str) for c in chapters):
            raise TypeError(
                f"{func}: chapters must be a sequence of page names (str), got {chapters!r}"
            )
        unknown = sorted(set(chapters) - {p.stem for p in pages})
        if unknown:
            raise _error(
                func,
                "chapters",
                f"names pages that are not notebook pages of the "
                f"student edition: {unknown}; expected some of "
                f"{[p.stem for p in pages]}",
            )
        pages = [p for p in pages if p.stem in set(chapters)]
    stems: dict[str, Path] = {}
    for page in pages:
        if page.stem in stems:
            raise _error(
                func,
                "source",
                f"has two notebook pages that would both be written "
                f"as {page.stem}.ipynb: {stems[page.stem]} and {page}; expected "
                "distinct file names",
            )
        stems[page.stem] = page
    index = book_index(root, yaml, site_url=site_url)
    exercise_numbers = {
        label: t.number for label, t in index.targets.items() if t.kind == "exercise" and t.number
    }
    grading = format == "nbgrader"
    if grading:
        unknown = sorted(set(points or {}) - set(exercise_numbers))
        if unknown:
            raise _error(func, "points", f"names exercises the book does not have: {unknown}")

    if numbers:  # run the chapters, two at a time (each in its own kernel)
        from concurrent.futures import ThreadPoolExecutor

        wanted = [
            page
            for page in pages
            if not grading or "BEGIN SOLUTION" in page.read_text(encoding="utf-8")
        ]
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(wanted) or 1))) as pool:
            list(pool.map(lambda page: _filled_text(page, root, func), wanted))

    def doc_link(stem: str) -> str:
        return f"{stem}.ipynb" if stem in stems and not grading else ""

    converted = []
    for page in pages:
        original = page.read_text(encoding="utf-8")
        try:
            student = _transform(
                original,
                "student_text",
                "myst_text",
                stubs=True,
                numbers=exercise_numbers,
                nbgrader_points=dict(points or {}) if grading else None,
            )
        except ValueError as err:
            raise ValueError(f"{func}: source page {page.relative_to(root)}: {err}") from err
        if grading and "nbgrader:" not in student:
            continue  # no code exercise: no assignment
        text = _filled_text(page, root, func) if numbers else original
        text = _transform(
            text,
            "student_text",
            "myst_text",
            stubs=True,
            numbers=exercise_numbers,
            nbgrader_points=dict(points or {}) if grading else None,
        )
        assets: list[str] = []
        try:
            text = plain_markdown(
                text, index, page.stem, doc_link=doc_link, yaml=yaml, assets=assets
            )
        except ValueError as err:
            raise ValueError(f"{func}: source page {page.relative_to(root)}: {err}") from err
        converted.append((page, _notebook(text, jupytext, nbformat), assets))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page, notebook, assets in converted:
        folder = out / "source" / page.stem if grading else out
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{page.stem}.ipynb"
        nbformat.write(notebook, path)
        written.append(path)
        for asset in assets:  # images beside the notebook, at the same relative path
            target = (folder / asset).resolve()
            if (page.parent / asset).is_file() and folder.resolve() in target.parents:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page.parent / asset, target)
    if grading:
        config = out / "nbgrader_config.py"
        config.write_text(_NBGRADER_CONFIG.format(course_id=course_id), encoding="utf-8")
        return [*written, config]
    readme = out / "README.md"
    readme.write_text(_readme(root, pages, yaml), encoding="utf-8")
    return [*written, readme]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: ``python -m jaccourse.book.student_edition --out DIR [--source ROOT]
    [--format plain|nbgrader] [--points LABEL=N ...] [--site-url URL]``.

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
        prog="python -m jaccourse.book.student_edition",
        description="Write the course's chapters as Jupyter notebooks without the solutions "
        "(the student edition).",
    )
    parser.add_argument(
        "--out", required=True, type=Path, help="folder to write the notebooks and README.md into"
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="the course repository (folder with _toc.yml); default: found "
        "from the current directory upwards",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="plain",
        help="plain: one notebook per chapter and a README (default); "
        "nbgrader: an nbgrader course folder, one assignment per chapter "
        "with code exercises",
    )
    parser.add_argument(
        "--points",
        action="append",
        default=[],
        metavar="LABEL=N",
        help="points of one code exercise in the nbgrader format (default 1); repeat for several",
    )
    parser.add_argument(
        "--chapters",
        nargs="+",
        default=None,
        metavar="PAGE",
        help="only these pages (e.g. linear-maps newton); default: all",
    )
    parser.add_argument(
        "--site-url",
        default="",
        help="the published site's address, for links to the API and to "
        "pages without a notebook (default: html.baseurl of _config.yml)",
    )
    args = parser.parse_args(argv)
    points: dict[str, float] = {}
    for item in args.points:
        label, sep, value = item.partition("=")
        try:
            points[label.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not label.strip():
            print(f"error: --points must be LABEL=N with N a number, got {item!r}", file=sys.stderr)
            return 2
    try:
        written = write_student_edition(
            args.out,
            args.source,
            format=args.format,
            site_url=args.site_url,
            points=points or None,
            chapters=args.chapters,
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    notebooks = [p for p in written if p.suffix == ".ipynb"]
    if args.format == "nbgrader":
        print(
            f"wrote an nbgrader course to {args.out}: nbgrader_config.py and "
            f"{len(notebooks)} assignments in source/ ({', '.join(p.stem for p in notebooks)})"
        )
    else:
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

    source[0] = _transform(
        source[0], "jaccourse.book.student_edition", f"page {docname}", stubs=False, yaml=yaml
    )


def setup(app: Any) -> dict[str, Any]:
    """Register the Sphinx extension (see the module docstring): with sphinx-exercise's
    ``hide_solutions`` on, each page's source loses its solution blocks before Sphinx reads
    it, all but their code cells, which still run but are tagged ``remove-cell``."""
    app.connect("source-read", _hide_gated_solutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":  # pragma: no cover - exercised through tests/test_student_edition.py
    raise SystemExit(main())
