"""The student edition (``jaccourse.book.student_edition``): solutions out, answer stubs in.

Two halves. The unit tests feed :func:`student_text` small synthetic chapters and check each
rule of the exercise convention: solution blocks (gated or one-piece) vanish, an indented
answer becomes ``...  # your code here``, a column-0 answer becomes one
``name = ...  # your answer here`` per assigned name, malformed markup is refused by name.

The book tests write the edition of the real book once and check it against the chapter
sources, read by an independent parser (markdown-it, CommonMark): one notebook per MyST
notebook page of ``_toc.yml``; no line of a solution survives; every exercise label does; no
MyST construct is left in any Markdown cell (markdown-it with MyST's own plugins finds none)
and every number of the prose is filled in; and every notebook runs from top to bottom in a
fresh kernel, each stub printing "not answered yet". Writing the edition runs every chapter
once (to fill the numbers in); the run is cached for the session, so the nbgrader test
(``tests/test_nbgrader.py``) reuses it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jupytext
import nbformat
import pytest
from markdown_it import MarkdownIt
from test_plain_markdown import raw_myst

from jaccourse.book import student_edition
from jaccourse.book.student_edition import main, student_text, write_student_edition
from jaccourse.book.toc import notebook_pages, toc_entries

ROOT = Path(__file__).resolve().parents[1]

FRONT = textwrap.dedent("""\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
    kernelspec:
      display_name: Python 3 (ipykernel)
      language: python
      name: python3
    ---
    """)

F = "```"  # a fence, kept out of the literal chapters below for readability


def chapter(body: str) -> str:
    """A MyST chapter: the usual front matter, then ``body`` (dedented; ``~~~`` -> fence)."""
    return FRONT + "\n" + textwrap.dedent(body).replace("~~~", F)


def cells(myst: str) -> list[nbformat.NotebookNode]:
    return jupytext.reads(myst, fmt="myst").cells


POLAR = chapter("""\
    # Polar

    ~~~{code-cell} ipython3
    import numpy as np
    from jaccourse.book import exercises
    ~~~

    ~~~{exercise-start}
    :label: jd-ex-polar-code
    ~~~

    Write `polar_jacobian(q)`; the check tells you whether it is right.

    ~~~{exercise-end}
    ~~~

    ~~~{solution-start} jd-ex-polar-code
    :class: dropdown
    ~~~

    The columns are the partial derivatives with respect to r and theta, SOLUTION-PROSE.

    ~~~{code-cell} ipython3
    def polar_jacobian(q):
        r, theta = q[0], q[1]
        # BEGIN SOLUTION
        return np.array([[np.cos(theta), -r * np.sin(theta)],
                         [np.sin(theta), r * np.cos(theta)]])
        # END SOLUTION


    verdict = exercises.check_jacobian("jd-ex-polar-code", polar_jacobian)
    ~~~

    ~~~{code-cell} ipython3
    :tags: [remove-cell]
    assert verdict.correct
    ~~~

    ~~~{solution-end}
    ~~~

    After the exercise, AFTER-TEXT.
    """)


# --------------------------------------------------------------------------------------------
# student_text on synthetic chapters
# --------------------------------------------------------------------------------------------


def test_solution_block_is_replaced_by_the_stub_of_its_answer_cell():
    out = student_text(POLAR)
    for gone in (
        "SOLUTION-PROSE",
        "np.cos(theta), -r",
        "BEGIN SOLUTION",
        "END SOLUTION",
        "assert verdict.correct",
        "solution-start",
        "solution-end",
        "dropdown",
    ):
        assert gone not in out, gone
    stub = [c for c in cells(out) if c.cell_type == "code" and "polar_jacobian" in c.source]
    assert len(stub) == 1
    assert stub[0].source.splitlines() == [
        "def polar_jacobian(q):",
        "    r, theta = q[0], q[1]",
        "    ...  # your code here",
        "",
        "",
        'verdict = exercises.check_jacobian("jd-ex-polar-code", polar_jacobian)',
    ]


def test_the_stub_sits_where_the_solution_was_and_the_rest_is_kept():
    out = cells(student_text(POLAR))
    kinds = [(c.cell_type, c.source.splitlines()[0]) for c in out]
    assert kinds == [
        ("markdown", "# Polar"),
        ("code", "import numpy as np"),
        ("markdown", "**Exercise (jd-ex-polar-code)**"),
        ("code", "def polar_jacobian(q):"),
        ("markdown", "After the exercise, AFTER-TEXT."),
    ]
    assert "Write `polar_jacobian(q)`; the check tells you" in out[2].source


def test_front_matter_is_kept():
    assert student_text(POLAR).startswith(FRONT)


def test_column_zero_answer_becomes_one_ellipsis_per_assigned_name():
    text = chapter("""\
        ~~~{exercise-start}
        :label: la-ex-value
        ~~~

        Compute the determinant.

        ~~~{exercise-end}
        ~~~

        ~~~{solution-start} la-ex-value
        :class: dropdown
        ~~~

        ~~~{code-cell} ipython3
        scale = 2.0
        # BEGIN SOLUTION
        J = np.array([[1.0, 0.0],
                      [0.0, scale]])
        det, (rows, cols) = np.linalg.det(J), J.shape
        J = J.T
        total: float = 0.0
        for k in range(3):
            total += k
        def helper(x):
            return x
        # END SOLUTION
        verdict = exercises.check_value("la-ex-value", det)
        ~~~

        ~~~{solution-end}
        ~~~
        """)
    (stub,) = [c for c in cells(student_text(text)) if c.cell_type == "code"]
    assert stub.source.splitlines() == [
        "scale = 2.0",
        "J = ...  # your answer here",
        "det = ...  # your answer here",
        "rows = ...  # your answer here",
        "cols = ...  # your answer here",
        "total = ...  # your answer here",
        "helper = ...  # your answer here",
        'verdict = exercises.check_value("la-ex-value", det)',
    ]


def test_markers_keep_their_own_indentation():
    text = chapter("""\
        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{code-cell} ipython3
        class Model:
            def forward(self, x):
                if x:
                    # BEGIN SOLUTION
                    return x
                    # END SOLUTION
                return 0
        ~~~

        ~~~{solution-end}
        ~~~
        """)
    (stub,) = [c for c in cells(student_text(text)) if c.cell_type == "code"]
    assert "            ...  # your code here" in stub.source.splitlines()
    assert "return x" not in stub.source


def test_by_hand_exercise_leaves_no_cell_and_exercise_code_cells_stay():
    text = chapter("""\
        ~~~{exercise-start} A title
        :label: x-ex-hand
        ~~~

        Prove it. Try the cell:

        ~~~{code-cell} ipython3
        print("exercise cell")
        ~~~

        ~~~{exercise-end}
        ~~~

        ~~~{solution-start} x-ex-hand
        :class: dropdown
        ~~~

        By induction on n, HAND-PROOF.

        ~~~{code-cell} ipython3
        check_of_the_proof = 42
        ~~~

        ~~~{solution-end}
        ~~~
        """)
    out = student_text(text)
    assert "HAND-PROOF" not in out and "check_of_the_proof" not in out
    assert [c.source for c in cells(out)] == [
        "**Exercise (x-ex-hand): A title**\n\nProve it. Try the cell:",
        'print("exercise cell")',
    ]


def test_remove_cell_outside_solutions_is_kept_with_its_tags():
    text = chapter("""\
        ~~~{code-cell} ipython3
        :tags: [remove-cell]
        glue_me = 3
        assert glue_me == 3
        ~~~

        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{code-cell} ipython3
        :tags: [remove-cell]
        secret = 1
        ~~~

        ~~~{solution-end}
        ~~~
        """)
    (cell,) = cells(student_text(text))
    assert cell.source == "glue_me = 3\nassert glue_me == 3"
    assert cell.metadata["tags"] == ["remove-cell"]


def test_one_piece_solution_directives_are_removed_and_exercises_become_bold_lines():
    text = chapter("""\
        ~~~{exercise}
        :label: x-ex-plain
        Show that ONE-PIECE-TASK holds.
        ~~~

        ~~~{solution} x-ex-plain
        :class: dropdown
        ONE-PIECE-SOLUTION.
        ~~~

        ````{solution} x-ex-plain
        With a nested block:
        ~~~python
        nested_secret = 1
        ~~~
        ````

        :::{solution} x-ex-plain
        COLON-FENCE-SOLUTION
        :::

        The end.
        """)
    out = student_text(text)
    for gone in (
        "ONE-PIECE-SOLUTION",
        "nested_secret",
        "COLON-FENCE-SOLUTION",
        "{solution}",
        "{exercise}",
    ):
        assert gone not in out, gone
    assert [c.source for c in cells(out)] == [
        "**Exercise (x-ex-plain)**\n\nShow that ONE-PIECE-TASK holds.\n\nThe end."
    ]


def test_markup_inside_a_fenced_example_is_left_alone():
    example = chapter("""\
        How to write a solution:

        ````markdown
        ~~~{solution-start} x-ex-a
        ~~~
        # BEGIN SOLUTION
        ````
        """)
    assert student_text(example) == example


def _error(text: str) -> str:
    with pytest.raises(ValueError) as info:
        student_text(chapter(text))
    message = str(info.value)
    assert message.startswith("student_text: myst_text "), message
    assert "expected" in message, message
    return message


def test_solution_start_without_end_is_refused():
    message = _error("""\
        ~~~{solution-start} x-ex-a
        ~~~

        Text.
        """)
    assert "no solution-end" in message and "line 12" in message


def test_solution_end_without_start_is_refused():
    assert "no solution-start" in _error("""\
        ~~~{solution-end}
        ~~~
        """)


def test_nested_solution_start_is_refused():
    assert "inside the solution block" in _error("""\
        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{solution-start} x-ex-b
        ~~~

        ~~~{solution-end}
        ~~~
        """)


def test_begin_without_end_is_refused():
    message = _error("""\
        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{code-cell} ipython3
        def f(x):
            # BEGIN SOLUTION
            return x
        ~~~

        ~~~{solution-end}
        ~~~
        """)
    assert "# BEGIN SOLUTION" in message and "no `# END SOLUTION`" in message


def test_end_without_begin_is_refused():
    assert "with no `# BEGIN SOLUTION`" in _error("""\
        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{code-cell} ipython3
        x = 1
        # END SOLUTION
        ~~~

        ~~~{solution-end}
        ~~~
        """)


def test_two_answer_cells_in_one_solution_are_refused():
    assert "2 answer cells" in _error("""\
        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{code-cell} ipython3
        # BEGIN SOLUTION
        a = 1
        # END SOLUTION
        ~~~

        ~~~{code-cell} ipython3
        # BEGIN SOLUTION
        b = 2
        # END SOLUTION
        ~~~

        ~~~{solution-end}
        ~~~
        """)


def test_column_zero_answer_that_assigns_nothing_is_refused():
    assert "assigns no name" in _error("""\
        ~~~{solution-start} x-ex-a
        ~~~

        ~~~{code-cell} ipython3
        # BEGIN SOLUTION
        print(1)
        # END SOLUTION
        ~~~

        ~~~{solution-end}
        ~~~
        """)


def test_unclosed_exercise_is_refused():
    assert "no exercise-end" in _error("""\
        ~~~{exercise-start}
        :label: x-ex-a
        ~~~

        Task.
        """)


def test_a_non_string_is_refused():
    with pytest.raises(TypeError, match=r"^student_text: myst_text must be a str"):
        student_text(b"bytes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# write_student_edition and main on a small synthetic course
# --------------------------------------------------------------------------------------------


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    (root / "book").mkdir(parents=True)
    (root / "_config.yml").write_text('title: "A small course"\n', encoding="utf-8")
    (root / "_toc.yml").write_text(
        textwrap.dedent("""\
        format: jb-book
        root: book/intro
        parts:
          - caption: One
            chapters:
              - file: book/polar
              - file: book/bibliography
        """),
        encoding="utf-8",
    )
    intro = chapter("# Intro\n\n~~~{code-cell} ipython3\nx = 1\n~~~\n")
    (root / "book" / "intro.md").write_text(intro, encoding="utf-8")
    (root / "book" / "polar.md").write_text(POLAR, encoding="utf-8")
    (root / "book" / "bibliography.md").write_text("# References\n", encoding="utf-8")
    return root


def test_write_student_edition_writes_one_notebook_per_notebook_page_and_a_readme(course, tmp_path):
    out = tmp_path / "student"
    written = write_student_edition(out, source=course)
    assert [p.name for p in written] == ["intro.ipynb", "polar.ipynb", "README.md"]
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "intro.ipynb", "polar.ipynb"]
    nb = nbformat.read(out / "polar.ipynb", as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in nb.metadata
    assert [c.id for c in nb.cells] == [f"cell-{k}" for k in range(len(nb.cells))]
    text = "\n".join(c.source for c in nb.cells)
    assert "SOLUTION-PROSE" not in text and "...  # your code here" in text
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "jaccourse" in readme and "pip install -r requirements.txt" in readme
    assert "A small course" in readme and "`polar.ipynb`: Polar" in readme
    again = write_student_edition(out, source=course)  # same files, byte for byte
    assert (out / "polar.ipynb").read_bytes() == again[1].read_bytes()


def test_write_student_edition_finds_the_course_from_the_current_directory(
    course, tmp_path, monkeypatch
):
    monkeypatch.chdir(course / "book")
    written = write_student_edition(tmp_path / "student")
    assert [p.name for p in written] == ["intro.ipynb", "polar.ipynb", "README.md"]


def test_write_student_edition_without_any_toc_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(student_edition, "__file__", str(tmp_path / "pkg" / "jaccourse" / "x.py"))
    with pytest.raises(
        ValueError,
        match=r"^write_student_edition: source was not given and no "
        r"_toc.yml was found",
    ):
        write_student_edition(tmp_path / "student")


def test_write_student_edition_refuses_an_out_that_is_a_file(course, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(
        ValueError,
        match=r"^write_student_edition: out must be a folder.*"
        r"existing file",
    ):
        write_student_edition(a_file, source=course)
    with pytest.raises(TypeError, match=r"^write_student_edition: out must be a folder path"):
        write_student_edition(3, source=course)  # type: ignore[arg-type]


def test_write_student_edition_refuses_a_source_without_toc_or_with_missing_pages(course, tmp_path):
    with pytest.raises(
        ValueError,
        match=r"^write_student_edition: source must be the course "
        r"repository",
    ):
        write_student_edition(tmp_path / "student", source=course / "book")
    (course / "book" / "polar.md").unlink()
    with pytest.raises(
        ValueError,
        match=r"^write_student_edition: source has a _toc.yml naming "
        r"files that do not exist: \['book/polar.md'\]",
    ):
        write_student_edition(tmp_path / "student", source=course)


def test_write_student_edition_names_the_page_with_malformed_markup(course, tmp_path):
    (course / "book" / "polar.md").write_text(
        POLAR.replace(F + "{solution-end}\n" + F, ""), encoding="utf-8"
    )
    with pytest.raises(
        ValueError,
        match=r"^write_student_edition: source page book/polar.md: "
        r"student_text: myst_text has a solution-start",
    ):
        write_student_edition(tmp_path / "student", source=course)
    assert not (tmp_path / "student").exists()  # nothing half-written


def test_main_writes_the_edition_and_reports_bad_input_with_exit_code_2(course, tmp_path, capsys):
    assert main(["--out", str(tmp_path / "student"), "--source", str(course)]) == 0
    assert "wrote 2 notebooks and README.md" in capsys.readouterr().out
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    assert main(["--out", str(a_file), "--source", str(course)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: write_student_edition: out must be a folder")


@pytest.mark.slow  # a fresh interpreter runs a whole (small) course
def test_the_module_runs_with_python_dash_m(course, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "jaccourse.book.student_edition",
            "--out",
            str(tmp_path / "student"),
            "--source",
            str(course),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "student" / "polar.ipynb").is_file()
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "jaccourse.book.student_edition",
            "--out",
            str(tmp_path / "student"),
            "--source",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "no _toc.yml" in bad.stderr


def test_sphinx_hook_hides_solutions_only_when_hide_solutions_is_on():
    """The extension for hide_solutions: solution prose goes, solution code cells stay (the
    build runs them, so the checks still prove the solutions) tagged remove-cell."""

    class App:
        class config:
            hide_solutions = False

    source = [POLAR.replace(":tags: [remove-cell]", "---\ntags: [hide-input]\n---")]
    original = source[0]
    student_edition._hide_gated_solutions(App, "book/polar", source)
    assert source == [original]
    App.config.hide_solutions = True
    student_edition._hide_gated_solutions(App, "book/polar", source)
    assert "SOLUTION-PROSE" not in source[0] and "solution-start" not in source[0]
    assert "{exercise-start}" in source[0] and "{exercise-end}" in source[0]  # kept for Sphinx
    nb = jupytext.reads(source[0], fmt="myst")
    code = [
        (c.source.splitlines()[0], c.metadata.get("tags"))
        for c in nb.cells
        if c.cell_type == "code"
    ]
    assert code == [
        ("import numpy as np", None),
        ("def polar_jacobian(q):", ["remove-cell"]),
        ("assert verdict.correct", ["hide-input", "remove-cell"]),
    ]
    assert "np.cos(theta), -r" in nb.cells[3].source  # the answer itself runs in the build
    assert nb.cells[-1].source == "After the exercise, AFTER-TEXT."


# --------------------------------------------------------------------------------------------
# the real book
# --------------------------------------------------------------------------------------------

NOTEBOOK_PAGES = notebook_pages(ROOT)
STUDENT_PAGES = [p for p in NOTEBOOK_PAGES if p.stem != "instructors"]


def _lines(path: Path) -> list[str]:
    """The page's lines, its front matter blanked (so that markdown-it does not read it)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        lines[: end + 1] = [""] * (end + 1)
    return lines


def _fences(lines: list[str]) -> list[tuple[str, int, int]]:
    """(info string, first line, end line exclusive) of every top-level fenced block."""
    tokens = MarkdownIt("commonmark").parse("\n".join(lines) + "\n")
    return [
        (tok.info.strip(), tok.map[0], tok.map[1])
        for tok in tokens
        if tok.type == "fence" and tok.level == 0
    ]


def _solutions(lines: list[str]) -> list[tuple[range, list[tuple[int, int]]]]:
    """Each solution block: the range of its lines, and its answer cells (start, end)."""
    fences = _fences(lines)
    found = []
    start = None
    for info, first, end in fences:
        name = info.split()[0] if info else ""
        if name == "{solution-start}":
            start = first
        elif name == "{solution-end}" and start is not None:
            found.append(range(start, end))
            start = None
        elif name == "{solution}":
            found.append(range(first, end))
    blocks = []
    for block in found:
        answers = [
            (first, end)
            for info, first, end in fences
            if info.startswith("{code-cell}")
            and first in block
            and any(line.strip() == "# BEGIN SOLUTION" for line in lines[first:end])
        ]
        blocks.append((block, answers))
    return blocks


def _stub_lines(lines: list[str], first: int, end: int) -> set[str]:
    """The lines of an answer cell that the spec keeps in the stub: those outside the
    ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` regions."""
    kept, inside = set(), False
    for line in lines[first:end]:
        if line.strip() == "# BEGIN SOLUTION":
            inside = True
        elif line.strip() == "# END SOLUTION":
            inside = False
        elif not inside:
            kept.add(line.strip())
    return kept


def _labels(lines: list[str]) -> list[str]:
    labels = []
    for info, first, end in _fences(lines):
        if info.split()[:1] in (["{exercise-start}"], ["{exercise}"]):
            labels += [
                line.split(":label:", 1)[1].strip()
                for line in lines[first + 1 : end]
                if line.strip().startswith(":label:")
            ]
    return labels


def _page_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(cell.source for cell in nb.cells)


PAGES_WITH_SOLUTIONS = [p for p in STUDENT_PAGES if _solutions(_lines(p))]
PAGES_WITH_EXERCISES = [p for p in STUDENT_PAGES if _labels(_lines(p))]
#: The pages of one open problem each (sections of a landing page) need one exercise, by hand
#: or in code (tests/test_exercises_chapters.py); a chapter needs a code exercise.
SECTION_PAGES = {s for entry in toc_entries(ROOT) for s in entry.sections}


@pytest.fixture(scope="session")
def edition(tmp_path_factory) -> Path:
    """The student edition of the real book, written once for the whole session."""
    out = tmp_path_factory.mktemp("student-edition")
    write_student_edition(out, source=ROOT)
    return out


def _notebook(edition: Path, page: Path) -> nbformat.NotebookNode:
    return nbformat.read(edition / f"{page.stem}.ipynb", as_version=4)


@pytest.mark.slow  # the real book's student edition: every chapter runs
def test_one_notebook_per_notebook_page_of_the_toc(edition):
    assert NOTEBOOK_PAGES, "no MyST notebook page in _toc.yml"
    written = sorted(p.name for p in edition.glob("*.ipynb"))
    assert written == sorted(
        f"{p.stem}.ipynb" for p in NOTEBOOK_PAGES if p.stem != "instructors"
    )  # instructors' page left out
    assert "instructors" in {p.stem for p in NOTEBOOK_PAGES}
    assert (edition / "README.md").is_file()


@pytest.mark.slow  # the real book's student edition: every chapter runs
@pytest.mark.parametrize("page", PAGES_WITH_SOLUTIONS, ids=lambda p: p.stem)
def test_no_solution_text_survives(edition, page):
    lines = _lines(page)
    solutions = _solutions(lines)
    inside = set().union(*(set(block) for block, _ in solutions))
    outside = {line.strip() for k, line in enumerate(lines) if k not in inside}
    allowed = outside.union(
        *(_stub_lines(lines, first, end) for _, answers in solutions for first, end in answers)
    )
    secret = {
        lines[k].strip()
        for block, _ in solutions
        for k in block
        if len(lines[k].strip()) >= 25 and lines[k].strip() not in allowed
    }
    assert secret, f"{page.name}: its solutions have no line of their own to look for"
    notebook_lines = {line.strip() for line in _page_text(_notebook(edition, page)).splitlines()}
    leaked = sorted(secret & notebook_lines)
    assert not leaked, f"{page.name}: solution lines in the student notebook: {leaked}"


@pytest.mark.slow  # the real book's student edition: every chapter runs
@pytest.mark.parametrize("page", PAGES_WITH_EXERCISES, ids=lambda p: p.stem)
def test_every_exercise_label_survives(edition, page):
    text = _page_text(_notebook(edition, page))
    missing = [label for label in _labels(_lines(page)) if label not in text]
    assert not missing, f"{page.name}: exercise labels missing from the student notebook: {missing}"


@pytest.mark.parametrize(
    "page", [p for p in PAGES_WITH_EXERCISES if p not in SECTION_PAGES], ids=lambda p: p.stem
)
def test_every_chapter_with_exercises_has_a_code_exercise(page):
    """The convention asks for at least one code exercise (an answer cell) per chapter."""
    answers = [a for _, answers in _solutions(_lines(page)) for a in answers]
    assert answers, (
        f"{page.name}: no solution holds an answer cell (`# BEGIN SOLUTION` ... "
        "`# END SOLUTION`): the chapter has no code exercise yet"
    )


STUB_LINE = re.compile(
    r"^(\s+\.\.\.  # your code here|\s*def .*: \.\.\.  # your code here"
    r"|[A-Za-z_]\w* = \.\.\.  # your answer here)$"
)


def _output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


@pytest.mark.slow  # the real book's student edition: every chapter runs
@pytest.mark.parametrize("page", STUDENT_PAGES, ids=lambda p: p.stem)
def test_every_student_notebook_runs_and_every_stub_says_not_answered_yet(edition, page, tmp_path):
    from nbclient import NotebookClient

    nb = _notebook(edition, page)
    # the chapters read no files relative to book/ (they load data through jaccourse), so
    # they run in an empty folder, as a student's notebook would
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    stubs = [
        cell
        for cell in nb.cells
        if cell.cell_type == "code"
        and any(STUB_LINE.match(line) for line in cell.source.splitlines())
    ]
    answers = [a for _, answers in _solutions(_lines(page)) for a in answers]
    assert len(stubs) == len(answers), (
        f"{page.name}: {len(answers)} answer cells in the source, {len(stubs)} stubs"
    )
    for cell in stubs:
        assert "not answered yet" in _output_text(cell), (
            f"{page.name}: a stub cell did not print 'not answered yet':\n{cell.source}\n"
            f"output: {_output_text(cell)!r}"
        )


@pytest.mark.slow  # the real book's student edition: every chapter runs
@pytest.mark.parametrize("page", STUDENT_PAGES, ids=lambda p: p.stem)
def test_no_myst_construct_is_left_in_any_markdown_cell(edition, page):
    """What plain JupyterLab, VS Code or Colab would show raw: roles, labels, comments,
    directives, equation labels, directive options. markdown-it with MyST's own plugins
    (mdit-py-plugins) reads every Markdown cell; it must find none of them."""
    nb = _notebook(edition, page)
    found = [
        (k, construct)
        for k, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown"
        for construct in raw_myst(cell.source)
    ]
    assert not found, f"{page.name}: MyST left in the student notebook: {found[:10]}"


NUMBER_ROLES = ("glue:text", "eval")


def _number_contexts(page: Path) -> list[str]:
    """For each number role in the page's prose outside the solutions, the three words right
    before it on its line (when there are three, and no other role or code between). The roles
    are found by markdown-it's MyST role plugin, not by the code under test."""
    from test_plain_markdown import MYST

    lines = _lines(page)
    inside = set().union(*(set(block) for block, _ in _solutions(lines)))
    code = {
        k
        for info, first, end in _fences(lines)
        if info.startswith("{code-cell}") or not info.startswith("{")
        for k in range(first, end)
    }
    contexts = []
    for k, line in enumerate(lines):
        if k in inside or k in code or "`" not in line:
            continue
        children = MYST.parseInline(line)[0].children or []
        for before, token in zip([None, *children], children, strict=False):
            if (
                token.type == "myst_role"
                and token.meta["name"] in NUMBER_ROLES
                and before is not None
                and before.type == "text"
                and len(before.content.split()) >= 3
            ):
                contexts.append(" ".join(before.content.split()[-3:]))
    return contexts


@pytest.mark.slow  # the real book's student edition: every chapter runs
@pytest.mark.parametrize("page", STUDENT_PAGES, ids=lambda p: p.stem)
def test_every_number_is_filled_in(edition, page):
    """Where the source has a number role, the notebook's Markdown has the words before it
    followed by a value, never by a role or nothing."""
    nb = _notebook(edition, page)
    text = " ".join(" ".join(c.source for c in nb.cells if c.cell_type == "markdown").split())
    assert "{glue" not in text and "{eval}" not in text, f"{page.name}: a number role is left"
    for context in _number_contexts(page):
        after = [m.group(1) for m in re.finditer(re.escape(context) + r" ?(\S*)", text)]
        assert after, f"{page.name}: the words {context!r} before a number are missing"
        assert any(value and not value.startswith(("{", "`")) for value in after), (
            f"{page.name}: after {context!r} comes {after}, not a number"
        )


def test_the_real_book_has_numbers_to_fill_in():
    """The test above checks something: the prose of the chapters quotes computed numbers."""
    assert sum(len(_number_contexts(p)) for p in STUDENT_PAGES) >= 100


@pytest.mark.slow  # the real book's student edition: every chapter runs
def test_references_carry_the_site_numbers(edition):
    """Chapter numbers run through the numbered parts: the first chapter of Part II is the
    one after the last of Part I; headings carry their section numbers."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    numbered = [
        Path(c["file"]).stem
        for part in toc["parts"]
        if part.get("numbered")
        for c in part["chapters"]
    ]
    for number, stem in enumerate(numbered, start=1):
        if not (edition / f"{stem}.ipynb").is_file():
            continue
        first = nbformat.read(edition / f"{stem}.ipynb", as_version=4).cells[0].source
        assert first.startswith(f"# {number}. "), (stem, first.splitlines()[0])
