"""Lint as tests: ruff (lint and format), the import contract and mypy, configured in
``pyproject.toml``, so that the README's one test command checks them too.

Each test runs the tool of the environment (``.venv/bin/...``, next to this Python) on the
repository and fails with the tool's own report. Marked ``lint``: ``-m lint`` runs them
alone, ``-m "not lint"`` leaves them out. See CONTRIBUTING.md, "Lint".

The chapters' code cells are linted by ruff once jupytext has converted them to notebooks
(``make lint-chapters``); these tests lint the Python files of the repository.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.lint


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = BIN / tool
    assert exe.exists(), f"{tool} is not installed in {BIN}: pip install -r requirements.txt"
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def report(done: subprocess.CompletedProcess) -> str:
    return f"exit {done.returncode}\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"


def test_ruff_finds_nothing():
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, report(done)


def test_ruff_format_leaves_every_file_as_it_is():
    done = run("ruff", "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, report(done)


def test_the_import_contract_holds():
    """The layers and "the mathematics never imports the book machinery" (pyproject.toml)."""
    done = run("lint-imports", "--no-cache")
    assert done.returncode == 0, report(done)
    assert "0 broken" in done.stdout, report(done)


def test_mypy_finds_nothing():
    done = run("mypy")
    assert done.returncode == 0, report(done)
    assert "Success" in done.stdout, report(done)


@pytest.fixture(scope="module")
def chapter_notebooks(tmp_path_factory) -> Path:
    """Every notebook page of the book, converted by jupytext into a folder of its own: ruff
    reads notebooks, not MyST Markdown."""
    import jupytext

    from jaccourse.book.toc import notebook_pages

    out = tmp_path_factory.mktemp("chapters")
    for page in notebook_pages(ROOT):
        jupytext.write(jupytext.read(page), out / f"{page.stem}.ipynb")
    return out


def test_ruff_finds_nothing_in_the_chapters_code(chapter_notebooks):
    done = run(
        "ruff",
        "check",
        "--no-cache",
        "--config",
        str(ROOT / "pyproject.toml"),
        str(chapter_notebooks),
    )
    assert done.returncode == 0, report(done)


def test_the_chapters_code_is_formatted(chapter_notebooks):
    done = run(
        "ruff",
        "format",
        "--check",
        "--no-cache",
        "--config",
        str(ROOT / "pyproject.toml"),
        str(chapter_notebooks),
    )
    assert done.returncode == 0, report(done)
