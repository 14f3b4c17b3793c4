"""Collect every chapter of the book as an nbval test.

The chapters are MyST Markdown notebooks (``book/*.md``); nothing generated is committed.
At collection time each chapter listed in ``_toc.yml`` is converted with jupytext into
``_build/nbval/<name>.ipynb`` (git-ignored) and handed to nbval, which executes it cell by
cell in a kernel of the current environment (``--nbval-current-env``), so the chapter sees
the installed ``jaccourse``. With ``--nbval-lax`` a cell fails only if it raises, which is
what the chapters' ``assert`` cells are for.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
import yaml

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "_build" / "nbval"


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


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    if file_path.suffix != ".md" or file_path.resolve() not in set(toc_chapters()):
        return None
    if not _is_notebook(file_path):
        return None  # a plain page (e.g. the bibliography) has no code to run
    from nbval.plugin import IPyNbFile

    NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    target = NOTEBOOKS / (file_path.stem + ".ipynb")
    jupytext.write(jupytext.read(file_path), target)
    return IPyNbFile.from_parent(parent, path=target)
