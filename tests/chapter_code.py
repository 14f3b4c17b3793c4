"""Take the functions a chapter shows inline, so that a test checks what the reader sees.

A chapter may show an algorithm inline when showing it is the point; a test then asserts it
matches the package. :func:`chapter_functions` reads the chapter (MyST, through jupytext),
finds the top-level ``def`` of each requested name in its code cells, and executes only those
definitions in a namespace the test provides (for the names the functions use).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jupytext

ROOT = Path(__file__).resolve().parents[1]


def chapter_sources(chapter: str, names: Iterable[str]) -> dict[str, str]:
    """The source of the top-level ``def`` of each of ``names`` in ``book/<chapter>.md``.

    The last definition of a name wins, as it would in the notebook (an exercise's solution
    replaces its template). Fails if the chapter no longer defines one of them.
    """
    wanted = tuple(names)
    sources: dict[str, str] = {}
    for cell in jupytext.read(chapter_path(chapter)).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef) and node.name in wanted:
                sources[node.name] = ast.get_source_segment(cell.source, node)
    missing = set(wanted) - set(sources)
    assert not missing, f"the chapter {chapter} no longer defines {sorted(missing)}"
    return {name: sources[name] for name in wanted}


def chapter_functions(chapter: str, names: Iterable[str], namespace: dict[str, Any]) -> dict:
    """Execute the definitions of ``names`` from ``book/<chapter>.md`` in ``namespace``.

    Returns ``namespace``, now holding the functions.
    """
    for source in chapter_sources(chapter, names).values():
        exec(compile(source, str(chapter_path(chapter)), "exec"), namespace)
    return namespace


def chapter_path(chapter: str):
    """``book/<chapter>.md``."""
    return ROOT / "book" / f"{chapter}.md"
