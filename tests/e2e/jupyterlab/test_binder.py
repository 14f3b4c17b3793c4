"""Every notebook chapter read in JupyterLab as Binder serves it, and run.

For each notebook chapter of ``_toc.yml``, JupyterLab (the Binder environment, ``HOME`` a
fresh clone of the repository; see ``conftest.py``) opens
``lab/tree/book/<chapter>.md?reset``, the path the page's Binder button opens, in headless
Chromium with the network cut off. Then, in this order:

* **opens**: it opens as a notebook (``.jp-NotebookPanel``), not as a text file, with as many
  cells, of the same types, as jupytext reads from the file, markdown rendered by
  jupyterlab-myst;
* **offline**: no request leaves the server;
* **hidden-before**: before running, exactly the cells with ``jupyter.source_hidden`` show
  collapsed (``.jp-InputPlaceholder``); no code cell of a solution (from a
  ``{solution-start}`` to its ``{solution-end}``) and no check or figure cell (tags
  ``remove-cell``, ``hide-input``, ``remove-input``) shows its source; a markdown cell of a
  solution is collapsed or shows nothing but the title of a closed dropdown;
* **run-all**: Run > Run All Cells (the menu), until the kernel is idle and no cell is
  queued: every code cell has an execution count, and no cell has an error or stderr output;
* **hidden-after**: the same after Run All (a reader who runs the chapter has not asked for
  the solutions; JupyterLab's Run All un-collapses hidden *markdown* cells, so a solution's
  prose must sit in a closed dropdown rather than rely on ``source_hidden``);
* **raw-myst**: the rendered text of every markdown cell (math, code and citations taken out)
  holds no MyST markup: no ``{role}`` or ``{directive}`` name, no option line (``:label:``),
  no ``(label)=``, no code fence, no gated "Start of"/"End of" marker outside hidden cells,
  no ``~module.name`` role text, no ``<target>``, no "Unknown Directive", no unresolved
  cross-reference, and none of the book's labels or glue keys as a word (unless the prose
  itself has that word). Citations: jupyterlab-myst has no bibliography, so a ``{cite}``
  shows its key, in a citation element; that is allowed when the key is in
  ``references.bib``;
* **numbers**: every ``{eval}`` of a rendered markdown cell was evaluated by
  jupyterlab-myst (as many results as roles, status ok, not empty) and its value appears in
  the rendered text; no expression is left unevaluated;
* **saved-clean**: Ctrl+S, and ``git status --porcelain`` of the clone stays empty (the diff
  is printed otherwise).

Each chapter is read once (one server, one browser page, each notebook closed and its kernel
shut down before the next); the tests report the checks one by one. Screenshots of
``one-variable`` before and after Run All go to ``_build/screenshots/``.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from .conftest import (
    CHECKS,
    ROOT,
    SCREENSHOT_CHAPTER,
    VIEWPORT,
    Reading,
    bib_keys,
    book_labels,
    notebook_chapters,
    read_chapter,
    skip_without_chromium,
)

skip_without_chromium()

CHAPTERS = notebook_chapters()
SCREENSHOT_PREFIX = "jupyterlab-one-variable"


@pytest.fixture(scope="module")
def readings(binder_tab, lab_clone):
    """``readings(chapter)``: the chapter read once in the Binder JupyterLab, cached."""
    labels, keys = book_labels(lab_clone), bib_keys(lab_clone)
    cache: dict[str, Reading] = {}

    def _read(chapter: str) -> Reading:
        if chapter not in cache:
            cache[chapter] = read_chapter(
                binder_tab,
                lab_clone,
                chapter,
                labels,
                keys,
                screenshots=SCREENSHOT_PREFIX if chapter == SCREENSHOT_CHAPTER else None,
            )
            r = cache[chapter]
            print(
                f"\n{chapter}: {r.timings}"
                + "".join(f"\n  note: {n}" for n in r.notes)
                + "".join("\n" + r.report(check)[:3000] for check in r.problems)
            )
        return cache[chapter]

    return _read


def test_the_book_has_notebook_chapters():
    assert len(CHAPTERS) >= 10, f"only {len(CHAPTERS)} notebook chapters in _toc.yml"
    assert SCREENSHOT_CHAPTER in CHAPTERS


#: The chapters in two halves, one test class each: with pytest-xdist (``--dist loadscope``,
#: as pyproject.toml sets) the two classes go to two workers, each with its own clone, Binder
#: environment, JupyterLab and browser, and the chapters are read two at a time; without
#: xdist, one half after the other. The screenshot chapter opens the first half.
_REST = [c for c in CHAPTERS if c != SCREENSHOT_CHAPTER]
HALVES = ([SCREENSHOT_CHAPTER, *_REST[1::2]], _REST[0::2])


def _check_chapter(chapter: str, check: str, readings) -> None:
    reading = readings(chapter)
    if reading.problems.get(check):
        pytest.fail(reading.report(check), pytrace=False)


def test_the_halves_hold_every_chapter_once():
    assert sorted(HALVES[0] + HALVES[1]) == sorted(CHAPTERS)
    assert abs(len(HALVES[0]) - len(HALVES[1])) <= 1


class TestFirstHalf:
    @pytest.mark.parametrize("check", CHECKS)
    @pytest.mark.parametrize("chapter", HALVES[0], ids=lambda c: Path(c).name)
    def test_chapter_in_binder_jupyterlab(self, chapter, check, readings):
        _check_chapter(chapter, check, readings)

    def test_screenshots_before_and_after_run_all(self, readings):
        _check_screenshots(readings)


class TestSecondHalf:
    @pytest.mark.parametrize("check", CHECKS)
    @pytest.mark.parametrize("chapter", HALVES[1], ids=lambda c: Path(c).name)
    def test_chapter_in_binder_jupyterlab(self, chapter, check, readings):
        _check_chapter(chapter, check, readings)


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def _check_screenshots(readings) -> None:
    reading = readings(SCREENSHOT_CHAPTER)
    names = [p.name for p in reading.screenshots]
    assert names == [
        f"{SCREENSHOT_PREFIX}-before-run-all.png",
        f"{SCREENSHOT_PREFIX}-after-run-all.png",
    ], f"screenshots taken: {names}; the reading: {reading.problems}"
    before, after = reading.screenshots
    for shot in reading.screenshots:
        assert shot.parent == ROOT / "_build" / "screenshots"
        assert _png_size(shot) == (VIEWPORT["width"], VIEWPORT["height"]), shot
    assert before.read_bytes() != after.read_bytes(), "Run All changed nothing on screen"
