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

from pathlib import Path

import types

import os

import jupytext
import pytest
import yaml
from hypothesis import settings
from nbval.plugin import IPyNbFile

from jaccourse._inline_values import encrypt_kernel_transport

ROOT = Path(__file__).resolve().parent

# Property tests: no wall-clock deadlines (a shared 2-core machine is noisy), and in CI the
# same examples on every run, so that a red run is reproducible and never a coin toss.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def toc_chapters() -> list[Path]:
    """Every document named in ``_toc.yml`` (root, parts, chapters, sections), in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found: list[str] = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [ROOT / (name if name.endswith(".md") else name + ".md") for name in found]


def _is_notebook(path: Path) -> bool:
    """A MyST file is a notebook when its front matter declares a kernel."""
    head = path.read_text(encoding="utf-8")[:2000]
    return head.startswith("---") and "kernelspec:" in head.split("---", 2)[1]


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
    if not _is_notebook(file_path):
        return None  # a plain page (e.g. the bibliography) has no code to run
    return MystNotebook.from_parent(parent, path=file_path)
