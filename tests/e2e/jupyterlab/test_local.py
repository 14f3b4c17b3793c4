"""A chapter read in JupyterLab as a reader runs it on their own machine.

The full environment (the one running these tests: the README's ``.venv``) starts JupyterLab
with ``HOME`` an empty temporary directory, so that nothing in ``$HOME`` helps: the settings
that make ``.md`` files open as notebooks come from the environment itself
(``jupyter-settings``). Root directory: the fresh clone. One chapter is opened at its
Binder path: it must open as a notebook, hide exactly its hidden cells and render without
raw MyST; then it is run (Run All): no error, every ``{eval}`` evaluated and shown (see
``test_binder.py`` for what each check means; that suite reads every chapter, in the Binder
environment).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Reading, bib_keys, book_labels, read_chapter, skip_without_chromium

skip_without_chromium()

#: chapter -> whether it is run or only opened
LOCAL_CHAPTERS = {"book/linear-maps": True}
OPENED = ("opens", "offline", "hidden-before", "raw-myst")
RUN = ("run-all", "numbers")


@pytest.fixture(scope="module")
def local_readings(local_tab, lab_clone):
    labels, keys = book_labels(lab_clone), bib_keys(lab_clone)
    cache: dict[str, Reading] = {}

    def _read(chapter: str) -> Reading:
        if chapter not in cache:
            cache[chapter] = read_chapter(
                local_tab,
                lab_clone,
                chapter,
                labels,
                keys,
                run_all=LOCAL_CHAPTERS[chapter],
                save=False,
            )
            r = cache[chapter]
            print(f"\n{chapter} (local): {r.timings}" + "".join(f"\n  note: {n}" for n in r.notes))
        return cache[chapter]

    return _read


CASES = [
    (chapter, check)
    for chapter, run in LOCAL_CHAPTERS.items()
    for check in OPENED + (RUN if run else ())
]


@pytest.mark.parametrize(("chapter", "check"), CASES, ids=[f"{Path(c).name}-{k}" for c, k in CASES])
def test_chapter_in_local_jupyterlab(chapter, check, local_readings):
    reading = local_readings(chapter)
    if reading.problems.get(check):
        pytest.fail(reading.report(check), pytrace=False)
