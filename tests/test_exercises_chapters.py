"""Every chapter's exercises follow the course's conventions (issue: teaching and reading).

Per chapter (every page of the table of contents with a goals box, except the landing page of
a part whose problems have pages of their own): at least three exercises, each
one ``{exercise}`` directive (a box in JupyterLab too; its starter code in the code
cells right after it: for a code exercise, at least the *starter cell*, the stub of its
answer cell, visible, so that nobody has to open the solution to begin), followed by a
dropdown solution in sphinx-exercise's gated syntax (it holds code cells) naming it; at least one
by hand (a solution without an answer cell) and at least one in code (a solution whose one
answer cell marks the answer with ``# BEGIN SOLUTION``/``# END SOLUTION`` and ends with a
check of ``jaccourse.book.exercises`` for that very label, whose reference exists and is of the
check's kind). Every reference in the package belongs to exactly one checked exercise.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jaccourse.book import exercises
from jaccourse.book._myst_blocks import read_blocks
from jaccourse.book.student_edition import INSTRUCTOR_PAGES, starter_cells
from jaccourse.book.toc import toc_entries

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = toc_entries(ROOT)


def _is_chapter(entry) -> bool:
    """A chapter: a page with a goals box that is not the landing page of sections."""
    return (
        bool(re.search(r"^:class: chapter-goals$", entry.page.read_text(), re.M))
        and not entry.sections
    )


CHAPTERS = [e.page.stem for e in ENTRIES if _is_chapter(e)]
#: The pages of one problem each under a landing page (open problems): one exercise at least,
#: by hand or in code, instead of a chapter's three.
SECTION_PAGES = {s.stem for e in ENTRIES for s in e.sections}

EXERCISE = re.compile(
    r"^(?P<fence>`{3,})\{exercise\}\n:label: (?P<label>\S+)\n"
    r"(?P<body>(?:.*\n)*?)(?P=fence)\n",
    re.M,
)
SOLUTION = re.compile(
    r"^```\{solution-start\} (?P<label>\S+)\n(?P<options>(?::.*\n)*)```\n"
    r"(?P<body>(?:.*\n)*?)```\{solution-end\}\n```\n",
    re.M,
)
CODE_CELL = re.compile(r"^```\{code-cell\} ipython3\n(?P<source>(?:.*\n)*?)```\n", re.M)
CHECK = re.compile(r"exercises\.(?P<check>check_\w+)\(\s*\"(?P<label>[^\"]+)\"")


def blocks(chapter: str) -> tuple[str, list[re.Match], list[re.Match]]:
    text = (ROOT / "book" / f"{chapter}.md").read_text()
    return text, list(EXERCISE.finditer(text)), list(SOLUTION.finditer(text))


def answer_cells(solution_body: str) -> list[str]:
    return [
        m["source"] for m in CODE_CELL.finditer(solution_body) if "# BEGIN SOLUTION" in m["source"]
    ]


def test_every_page_with_exercises_is_a_chapter_and_the_chapters_run_from_start_to_end():
    with_exercises = [
        e.page.stem
        for e in ENTRIES
        if "{exercise}" in e.page.read_text() and e.page.stem not in INSTRUCTOR_PAGES
    ]  # it shows the markup
    assert with_exercises == CHAPTERS
    assert "gaussian-integral" in CHAPTERS and "conclusions" in CHAPTERS
    assert len(CHAPTERS) >= 17


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_code_exercise_shows_its_starter_cell_before_its_solution(chapter):
    text, _, sols = blocks(chapter)
    in_code = [s["label"] for s in sols if answer_cells(s["body"])]
    parsed = read_blocks(text)
    starters = starter_cells(parsed)
    have = sorted(parsed[i].argument.strip() for i in starters.values())
    assert have == sorted(in_code), (
        f"{chapter}: code exercises without their starter cell (the stub of the answer cell, "
        f"just before the solution): {sorted(set(in_code) - set(have))}; run "
        "`python -c 'from jaccourse.book.student_edition import write_starters; "
        f'write_starters("book/{chapter}.md")\'`'
    )
    for k in starters:
        assert "source_hidden" not in "\n".join(parsed[k].lines), (
            f"{chapter}: the starter cell at line {parsed[k].start} must be visible"
        )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_exercise_is_one_box_followed_by_its_dropdown_solution(chapter):
    text, exs, sols = blocks(chapter)
    assert "{exercise-start}" not in text, (
        f"{chapter}: an exercise is one {{exercise}} directive (gated exercises split in "
        f"JupyterLab)"
    )
    assert not re.search(r"^(`{3,}|:{3,})\{solution\}", text, re.M), (
        f"{chapter}: use the gated solution-start/solution-end syntax"
    )
    fewest = 1 if chapter in SECTION_PAGES else 3
    assert text.count("{exercise}") == len(exs) >= fewest, (
        f"{chapter}: fewer than {fewest} exercises"
    )
    assert text.count("{solution-start}") == len(sols) == len(exs)
    for ex, sol in zip(exs, sols, strict=False):
        assert sol["label"] == ex["label"], (
            f"{chapter}: solution after {ex['label']} names {sol['label']}"
        )
        between = CODE_CELL.sub("", text[ex.end() : sol.start()])  # the exercise's starter code
        between = re.sub(r"^(\+\+\+.*|%.*)$", "", between, flags=re.M)  # cell breaks, comments
        assert sol.start() > ex.end() and not between.strip(), (
            f"{chapter}: the solution of {ex['label']} must follow its exercise (and starter code)"
        )
        assert ":class: dropdown" in sol["options"], (
            f"{chapter}: {ex['label']}'s solution is not a dropdown"
        )
        assert ex["label"].split("-ex-")[0] and "-ex-" in ex["label"]
    labels = [ex["label"] for ex in exs]
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_at_least_one_exercise_by_hand_and_one_in_code_with_a_check(chapter):
    """(A page of one open problem needs one exercise, by hand or in code; a page with a code
    exercise imports the checks.)"""
    text, exs, sols = blocks(chapter)
    by_hand = [s["label"] for s in sols if not answer_cells(s["body"])]
    in_code = [s["label"] for s in sols if answer_cells(s["body"])]
    if chapter not in SECTION_PAGES:
        assert by_hand, f"{chapter}: no exercise by hand"
        assert in_code, f"{chapter}: no code exercise with an answer cell"
    if in_code:
        assert re.search(r"^from jaccourse\.book import exercises$", text, re.M), (
            f"{chapter}: the imports cell must have `from jaccourse.book import exercises`"
        )


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_answer_cell_marks_its_answer_and_checks_its_own_label(chapter):
    _, _, sols = blocks(chapter)
    for sol in sols:
        cells = answer_cells(sol["body"])
        if not cells:
            continue
        assert len(cells) == 1, f"{chapter}: {sol['label']} has {len(cells)} answer cells"
        source = cells[0]
        lines = [line.strip() for line in source.splitlines()]
        assert lines.count("# BEGIN SOLUTION") == lines.count("# END SOLUTION") == 1, sol["label"]
        begin, end = lines.index("# BEGIN SOLUTION"), lines.index("# END SOLUTION")
        assert begin + 1 < end, f"{sol['label']}: empty answer region"
        checks = CHECK.findall(source)
        assert [label for _, label in checks] == [sol["label"]], (
            f"{chapter}: {sol['label']}'s answer cell must end with one check of its own label"
        )
        check_name, label = checks[0]
        assert source.rindex(check_name) > source.index("# END SOLUTION")
        ref = exercises.reference(label)
        assert ref.check_name == check_name, f"{label}: reference wants {ref.check_name}"


def test_every_reference_belongs_to_exactly_one_checked_exercise():
    checked = []
    for chapter in CHAPTERS:
        _, _, sols = blocks(chapter)
        checked += [s["label"] for s in sols if answer_cells(s["body"])]
    registered = [label for label in exercises.exercise_labels() if not label.startswith("demo-")]
    assert sorted(checked) == sorted(registered)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_no_check_call_outside_a_solution_and_its_starter(chapter):
    text, _, sols = blocks(chapter)
    parsed = read_blocks(text)
    starters = starter_cells(parsed)
    text = "\n".join(line for k, b in enumerate(parsed) if k not in starters for line in b.lines)
    outside = SOLUTION.sub("", text + "\n")
    assert not CHECK.search(outside), f"{chapter}: a check outside a solution block"


def test_the_readme_states_the_number_of_exercises():
    total = sum(len(blocks(chapter)[1]) for chapter in CHAPTERS)
    stated = re.search(r"exercises \((\d+) in all", (ROOT / "README.md").read_text())
    assert stated and int(stated[1]) == total, (
        f"README says {stated and stated[1]}, the book has {total}"
    )
