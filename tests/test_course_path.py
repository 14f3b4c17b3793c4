"""The path a student walks (issue 11): order, goals boxes, reading times, length.

- **Order.** No page uses a numbered result (a label: definition, theorem, equation, figure,
  section) that a later page of ``_toc.yml`` establishes: ``{prf:ref}``, ``{eq}``, ``{ref}``
  and ``{numref}`` may only point back (``{doc}`` may point ahead).
- **Goals.** Every chapter (a notebook page outside the front and back matter) opens, right
  after its title, with a goals box: an admonition of class ``chapter-goals`` naming what to
  read before (linked), three to five things the reader will be able to do, and the reading
  time of the core path, and of the "Going further" sections when there are any.
- **Reading time** is computed, not guessed (``jaccourse.book.toc.reading_time``): words of prose
  (outside code, display maths, directive options and solutions) at 150 words a minute,
  rounded up to 5 minutes, for the core path (every section but those headed "Going
  further") and for the optional sections.
- **Length.** No page has more than 4,000 words of prose outside solutions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jaccourse.book.toc import (
    WORDS_PER_MINUTE,
    core_and_optional,
    is_notebook,
    prose_words,
    reading_time,
    toc_entries,
)

ROOT = Path(__file__).resolve().parents[1]
PAGES = [entry.page for entry in toc_entries(ROOT)]
#: Front and back matter: no goals box, and they may point anywhere.
MATTER = {"intro", "notation", "api", "instructors", "references"}
CHAPTERS = [p for p in PAGES if is_notebook(p) and p.stem not in MATTER and p.parent.name != "api"]
WORD_LIMIT = 4000

LABEL = re.compile(
    r"^\(([\w-]+)\)=|^:label: *([\w-]+)|\$\$ *\(([\w-]+)\) *$|^:name: *([\w-]+)", re.M
)
USE = re.compile(r"\{(prf:ref|eq|numref|ref)\}`(?:[^`<]*<)?([\w-]+)>?`")


def goals_box(text: str) -> str | None:
    match = re.search(
        r"^(`{3,}|:{3,})\{admonition\}[^\n]*\n:class: chapter-goals\n(.*?)^\1$", text, re.S | re.M
    )
    return match.group(2) if match else None


def test_the_chapters_are_the_notebook_pages_between_the_front_and_back_matter():
    names = [p.stem for p in CHAPTERS]
    assert names[0] == "background" and "conclusions" in names, names
    assert names.index("appendix-extrema") < names.index("newton") < names.index("least-squares")


def test_no_page_uses_a_result_a_later_page_establishes():
    texts = [p.read_text(encoding="utf-8") for p in PAGES]
    established: dict[str, int] = {}
    for i, text in enumerate(texts):
        for match in LABEL.finditer(text):
            established.setdefault(next(g for g in match.groups() if g), i)
    borrowed = [
        f"{PAGES[i].stem} uses {m.group(2)}, established later in "
        f"{PAGES[established[m.group(2)]].stem}"
        for i, text in enumerate(texts)
        if PAGES[i].stem not in MATTER
        for m in USE.finditer(text)
        if established.get(m.group(2), -1) > i
    ]
    assert not borrowed, "\n".join(borrowed)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_no_page_has_more_than_4000_words_of_prose(page):
    words = prose_words(page.read_text(encoding="utf-8"))
    assert words <= WORD_LIMIT, f"{page.stem}: {words} words of prose"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_a_goals_box_opens_the_chapter(page):
    text = page.read_text(encoding="utf-8")
    box = goals_box(text)
    assert box is not None, f"{page.stem}: no goals box (admonition of class chapter-goals)"
    body = text.split("\n---\n", 1)[1] if text.startswith("---") else text
    before = body[: body.index(":class: chapter-goals")]
    headings = re.findall(r"^# .*$", before, re.M)
    assert len(headings) == 1, f"{page.stem}: the goals box must follow the title directly"
    between = before[before.index(headings[0]) + len(headings[0]) :]
    between = re.sub(
        r"^\(.*\)=$|^\+\+\+.*$|^%.*$|^(`{3,}|:{3,})\{admonition\}.*$", "", between, flags=re.M
    )
    assert not between.strip(), f"{page.stem}: text between the title and the goals box"
    assert "**Before you start:**" in box and "**You will be able to:**" in box, page.stem
    if page != CHAPTERS[0]:  # the background page needs only school calculus and Python
        assert re.search(r"\{doc\}`[^`]+<[^`>]+>`", box), f"{page.stem}: no linked prerequisite"
    items = re.findall(r"^- ", box.split("**You will be able to:**", 1)[1], re.M)
    assert 3 <= len(items) <= 5, f"{page.stem}: {len(items)} goals (three to five)"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.stem)
def test_the_stated_reading_times_are_the_computed_ones(page):
    text = page.read_text(encoding="utf-8")
    box = goals_box(text) or ""
    stated = re.search(r"\*\*Reading time:\*\*(.*?)(?:\n\n|\Z)", box, re.S)
    assert stated, f"{page.stem}: the goals box states no reading time"
    numbers = [int(n) for n in re.findall(r"about (\d+) minutes", " ".join(stated[1].split()))]
    time = reading_time(page)
    expected = [time.core_minutes] + ([time.optional_minutes] if time.optional_words else [])
    assert numbers == expected, (
        f"{page.stem}: the goals box says {numbers} minutes; {time.core_words} words of core "
        f"prose and {time.optional_words} optional give {expected} at {WORDS_PER_MINUTE} words "
        "a minute, rounded up to 5"
    )


def test_no_core_path_uses_a_result_of_a_going_further_section():
    """The intro says the "Going further" sections are optional, nothing later depends on
    them: in the text of the chapters outside them (exercises aside), no equation or
    statement (``{eq}``, ``{prf:ref}``) they establish is used. A ``{ref}`` to such a section
    is a pointer, as a ``{doc}`` to a later page is."""
    optional_labels: dict[str, str] = {}
    cores = {}
    for page in CHAPTERS:
        core, optional = core_and_optional(page.read_text(encoding="utf-8"))
        # the text of the chapter: its exercises (which may say what they build on) left out
        cores[page.stem] = re.split(
            r"^\(\w+-sec-exercises\)=$|^## Exercises$", core, maxsplit=1, flags=re.M
        )[0]
        for match in LABEL.finditer(optional):
            optional_labels[next(g for g in match.groups() if g)] = page.stem
    used = [
        f"{stem} cites {m.group(2)} (Going further in {optional_labels[m.group(2)]})"
        for stem, core in cores.items()
        for m in USE.finditer(core)
        if m.group(2) in optional_labels and m.group(1) in ("eq", "prf:ref")
    ]
    assert optional_labels, "no Going-further section establishes a label: the test tests nothing"
    assert not used, "\n".join(used)
