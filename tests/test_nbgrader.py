"""The nbgrader course (``python -m jaccourse.book.student_edition --format nbgrader``), end to end.

One cycle on three chapters of the real book with nbgrader's own command-line tools, a
temporary course folder, a temporary exchange and a sqlite gradebook (no network, no
JupyterHub), as an instructor runs it (``book/instructors.md``):

    nbgrader generate_assignment "*"           the release: nbgrader clears the solutions
    nbgrader release_assignment <chapter>      into the exchange
    nbgrader fetch_assignment / submit         what each student does (three students)
    nbgrader collect <chapter>                 the submissions, into submitted/
    nbgrader autograde "*"                     runs them, scores the test cells
    nbgrader generate_feedback "*"             one HTML page per student and chapter
    nbgrader release_feedback / fetch_feedback  the feedback, back to the students
    nbgrader export                            grades.csv

The three students: alice submits the reference answers (full marks), bob the untouched
release (zero), carol the reference answers but one wrong answer (that exercise's points
lost, and her feedback shows the check's hint). The whole cycle runs once, in a module
fixture; the tests read its results.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from jaccourse.book.student_edition import write_student_edition

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # a whole nbgrader course: chapters run, nbgrader's tools

#: Three short chapters with code exercises.
CHAPTERS = ("linear-maps", "one-variable", "conclusions")
STUDENTS = ("alice", "bob", "carol")
#: carol's one wrong answer: the triangle's area without the factor 1/2.
WRONG_LABEL = "lm-ex-triangle"
WRONG_FROM, WRONG_TO = "return abs(np.linalg.det(A)) / 2", "return abs(np.linalg.det(A))"
BIN = Path(sys.executable).parent
NBGRADER = str(BIN / "nbgrader")


def _run(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NBGRADER, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _check(run: subprocess.CompletedProcess) -> None:
    assert run.returncode == 0, f"{' '.join(run.args[1:])} failed:\n{run.stderr[-3000:]}"


def _parallel(commands: list[tuple[list[str], Path]], env: dict) -> None:
    """Run nbgrader commands that touch no gradebook at the same time."""
    procs = [
        subprocess.Popen(
            [NBGRADER, *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args, cwd in commands
    ]
    for proc, (args, _) in zip(procs, commands, strict=False):
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{err[-3000:]}"


def _answers(nb: nbformat.NotebookNode) -> dict[str, str]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("nbgrader")
    course, exchange, cache = base / "course", base / "exchange", base / "cache"
    exchange.mkdir()
    exchange.chmod(0o777)
    # nbgrader runs `alembic` (its gradebook's migrations) from PATH: the environment's bin
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    x = [f"--Exchange.root={exchange}"]

    def as_student(name: str) -> list[str]:  # each student has a cache of their own, as at home
        return [*x, f"--Exchange.cache={cache / name}"]

    written = write_student_edition(course, source=ROOT, format="nbgrader", chapters=CHAPTERS)
    _check(_run(["generate_assignment", "*"], course, env))  # every chapter, one process
    for chapter in CHAPTERS:
        _check(_run(["release_assignment", chapter, *x], course, env))
    home = {s: base / "students" / s for s in STUDENTS}
    for folder in home.values():
        folder.mkdir(parents=True)
    _parallel(
        [
            (["fetch_assignment", ch, "--course", "jaccourse", *as_student("alice")], home["alice"])
            for ch in CHAPTERS
        ],
        env,
    )
    for chapter in CHAPTERS:
        source = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
        reference = _answers(source)
        fetched = home["alice"] / chapter / f"{chapter}.ipynb"
        for student in ("bob", "carol"):
            shutil.copytree(home["alice"] / chapter, home[student] / chapter)
        for student in ("alice", "carol"):  # bob hands in the release untouched
            path = home[student] / chapter / f"{chapter}.ipynb"
            nb = nbformat.read(fetched, as_version=4)
            for cell in nb.cells:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                if grade_id in reference:
                    cell.source = reference[grade_id]
                    if student == "carol" and grade_id == f"answer-{WRONG_LABEL}":
                        assert WRONG_FROM in cell.source
                        cell.source = cell.source.replace(WRONG_FROM, WRONG_TO)
            nbformat.write(nb, path)
    _parallel(
        [
            (["submit", ch, "--course", "jaccourse", "--student", s, *as_student(s)], home[s])
            for s in STUDENTS
            for ch in CHAPTERS
        ],
        env,
    )
    for chapter in CHAPTERS:
        _check(_run(["collect", chapter, *x], course, env))
    _check(_run(["autograde", "*"], course, env))
    _check(_run(["generate_feedback", "*"], course, env))
    _parallel([(["release_feedback", ch, *x], course) for ch in CHAPTERS], env)
    _check(
        _run(
            [
                "fetch_feedback",
                "linear-maps",
                "--course",
                "jaccourse",
                "--student",
                "carol",
                *as_student("carol"),
            ],
            home["carol"],
            env,
        )
    )
    _check(_run(["export", "--to", str(base / "grades.csv")], course, env))
    with open(base / "grades.csv", newline="", encoding="utf-8") as handle:
        grades = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    fetched = sorted((home["carol"] / "linear-maps" / "feedback").glob("*/linear-maps.html"))
    return {
        "course": course,
        "written": written,
        "grades": grades,
        "csv": base / "grades.csv",
        "fetched_feedback": fetched,
    }


def _source(cycle, chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(cycle["course"] / "source" / chapter / f"{chapter}.ipynb", as_version=4)


def test_the_course_folder_has_a_config_and_one_assignment_per_chapter(cycle):
    course = cycle["course"]
    written = [p.relative_to(course).as_posix() for p in cycle["written"]]
    assert written[-1] == "nbgrader_config.py"
    assert sorted(written[:-1]) == sorted(f"source/{ch}/{ch}.ipynb" for ch in CHAPTERS)
    config = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.CourseDirectory.course_id = 'jaccourse'" in config


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_answer_cell_is_followed_by_a_locked_test_cell_worth_points(cycle, chapter):
    cells = _source(cycle, chapter).cells
    answers = [k for k, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers, f"{chapter}: no answer cell"
    for k in answers:
        answer, test = cells[k], cells[k + 1]
        label = answer.metadata["nbgrader"]["grade_id"].removeprefix("answer-")
        assert "# BEGIN SOLUTION" in answer.source and "# END SOLUTION" in answer.source
        assert "verdict = exercises.check_" in answer.source and label in answer.source
        assert "source_hidden" not in answer.metadata.get("jupyter", {})
        meta = test.metadata["nbgrader"]
        assert meta["grade"] and meta["locked"] and not meta["solution"]
        assert meta["points"] == 1 and meta["grade_id"] == f"check-{label}"
        assert "assert verdict.correct, verdict.message" in test.source


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_release_has_no_solution(cycle, chapter):
    source = _source(cycle, chapter)
    release = nbformat.read(
        cycle["course"] / "release" / chapter / f"{chapter}.ipynb", as_version=4
    )
    for grade_id, answer in _answers(source).items():
        region = re.search(r"# BEGIN SOLUTION\n(.*?)\n\s*# END SOLUTION", answer, re.S)
        released = _answers(release)[grade_id]
        assert "raise NotImplementedError()" in released
        for line in region.group(1).splitlines():
            if line.strip():
                assert line not in released, f"{chapter}: solution line released: {line!r}"


def test_grades_full_marks_zero_and_one_exercise_lost(cycle):
    grades = cycle["grades"]
    assert len(grades) == len(CHAPTERS) * len(STUDENTS)
    for chapter in CHAPTERS:
        max_score = float(grades[(chapter, "alice")]["max_score"])
        expected = sum(
            1 for c in _source(cycle, chapter).cells if c.metadata.get("nbgrader", {}).get("grade")
        )
        assert max_score == expected >= 2
        assert float(grades[(chapter, "alice")]["score"]) == max_score
        assert float(grades[(chapter, "bob")]["score"]) == 0
        lost = 1 if chapter == "linear-maps" else 0
        assert float(grades[(chapter, "carol")]["score"]) == max_score - lost


def test_feedback_shows_the_hint_of_the_wrong_answer(cycle):
    feedback = cycle["course"] / "feedback"
    carol = (feedback / "carol" / "linear-maps" / "linear-maps.html").read_text(encoding="utf-8")
    assert f"{WRONG_LABEL}: not right yet. Hint:" in carol
    alice = (feedback / "alice" / "linear-maps" / "linear-maps.html").read_text(encoding="utf-8")
    assert "not right yet" not in alice and "AssertionError" not in alice
    bob = (feedback / "bob" / "linear-maps" / "linear-maps.html").read_text(encoding="utf-8")
    assert "NotImplementedError" in bob
    (fetched,) = cycle["fetched_feedback"]  # what carol fetched is what was generated
    assert fetched.read_text(encoding="utf-8") == carol
