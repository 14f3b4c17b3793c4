"""Collect every chapter of the book as an nbval test.

The chapters are MyST Markdown notebooks (``book/*.md``); nothing generated is committed.
Each chapter listed in ``_toc.yml`` is read with jupytext at collection time and handed to
nbval, which executes it cell by cell in a kernel of the current environment
(``--nbval-current-env``, so the chapter sees the installed ``jaccourse``), with the chapter's
folder as working directory, as in the book build. With ``--nbval-lax`` a cell fails only if
it raises, which is what the chapters' ``assert`` cells are for. ``pytest book/x.md`` runs one
chapter.
"""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

# One BLAS thread per process while testing. The tests keep every core busy (the xdist
# workers, their kernels, JupyterLab, Chromium), and OpenBLAS's own threads spin while they
# wait, so they fight the other processes for the cores: one JENN fit took 27 s instead of
# 11 s beside one other busy process (13.6 s alone either way). Set before numpy is
# imported, so that this process and everything it starts (nbval's kernels, nbclient,
# nbgrader, JupyterLab, a book build) inherit it; a value already set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if "numpy" in sys.modules:  # imported by a plugin before this file: limit it in place
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")

import jupytext  # noqa: E402 (after the BLAS settings above)
import pytest  # noqa: E402 (after the BLAS settings above)
from hypothesis import settings  # noqa: E402 (after the BLAS settings above)
from nbval.plugin import IPyNbFile  # noqa: E402 (after the BLAS settings above)

from jaccourse.book._inline_values import encrypt_kernel_transport  # noqa: E402 (after the BLAS settings above)
from jaccourse.book.toc import is_notebook, toc_pages  # noqa: E402 (after the BLAS settings above)

ROOT = Path(__file__).resolve().parent

# Property tests: no wall-clock deadlines (a shared 2-core machine is noisy), and in CI the
# same examples on every run, so that a red run is reproducible and never a coin toss.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def toc_chapters() -> list[Path]:
    """Every document named in ``_toc.yml`` (root, parts, chapters, sections), in order."""
    return toc_pages(ROOT)


class MystNotebook(IPyNbFile):
    """nbval's notebook collector, reading a MyST Markdown notebook through jupytext."""

    def collect(self):
        import nbval.plugin

        reader = types.SimpleNamespace(
            read=lambda path, as_version=4: jupytext.read(path, as_version=as_version),
            from_dict=nbval.plugin.nbformat.from_dict,
        )
        original, nbval.plugin.nbformat = nbval.plugin.nbformat, reader
        try:
            return list(super().collect())
        finally:
            nbval.plugin.nbformat = original


def pytest_configure(config):
    # nbval's kernels use CurveZMQ transport encryption, as the book build's do (ipykernel
    # declares support; without it each kernel warns that it runs over TCP unencrypted)
    encrypt_kernel_transport()


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix != ".md" or file_path.resolve() not in set(toc_chapters()):
        return None
    if not is_notebook(file_path):
        return None  # a plain page (e.g. the bibliography) has no code to run
    notebook = MystNotebook.from_parent(parent, path=file_path)
    notebook.add_marker(pytest.mark.chapters)  # every cell of it: `-m "not chapters"` skips it
    return notebook


def pytest_collection_modifyitems(config, items):
    # the browser suites read the built site and run JupyterLab: `-m "not e2e"` leaves them out
    e2e = ROOT / "tests" / "e2e"
    for item in items:
        if e2e in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
    items[:] = _long_runs_first(items)


#: The order in which the long groups of tests start, before every other test (kept in its
#: collected order). With pytest-xdist (``--dist loadscope --no-loadscope-reorder``) each
#: group is one unit of work, handed to the next free worker in this order: one worker reads
#: the first half of the chapters in JupyterLab (and builds the Binder environment, about a
#: minute of pip); the other runs the nbgrader course meanwhile, rather than wait for that
#: environment, then reads the second half. Then the other long modules, longest first (CI,
#: worker-seconds: the student edition 264, the site 177, the phone 166, JENN 156), so that
#: no long one starts last and leaves a worker idle at the end; the rest fill in behind.
LONG_RUNS_FIRST = (
    "tests/e2e/jupyterlab/test_binder.py::TestFirstHalf::",
    "tests/test_nbgrader.py::",
    "tests/e2e/jupyterlab/test_binder.py::TestSecondHalf::",
    "tests/test_student_edition.py::",
    "tests/e2e/test_site.py::",
    "tests/e2e/test_phone.py::",
    "tests/test_jenn.py::",
)


def _long_runs_first(items: list[pytest.Item]) -> list[pytest.Item]:
    def rank(item: pytest.Item) -> int:
        return next(
            (k for k, prefix in enumerate(LONG_RUNS_FIRST) if item.nodeid.startswith(prefix)),
            len(LONG_RUNS_FIRST),
        )

    return sorted(items, key=rank)  # stable: the collected order within each rank
