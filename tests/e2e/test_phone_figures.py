"""Figures read on a phone: the smallest text of every figure is at least 7 CSS px high when
the page is 390 px wide.

A figure's PNG says how many pixels make an inch (matplotlib writes the dpi into it), and the
browser says how wide it shows the PNG. Text of ``p`` points is ``p / 72 * dpi`` pixels high
in the PNG and is shown ``shown_width / png_width`` times that, in CSS px. The size ``p`` is
the figure's own smallest text: :func:`jaccourse.book.plotting.use_style` writes it into each PNG a
chapter shows (text field ``jaccourse:smallest-text-pt``); a PNG without it is measured with
the style's smallest size, :data:`jaccourse.book.plotting.MIN_FONT_PT`, and the report says so.

Every failing figure is listed with its chapter, its name, its width in inches, its smallest
font and the size it is shown at; the whole list is written to ``_build/phone-figures.json``.
The cure is in the chapter's figure code: a width of at most about 6.5 inches with text of
about 10 points, and multi-panel figures stacked in rows (or split).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from jaccourse.book.plotting import MIN_FONT_PT, PNG_TEXT_KEY

from .conftest import CHROMIUM, PHONE, load_all_images, toc_pages, wait_for_mathjax

if not CHROMIUM.exists():
    pytest.skip(
        f"browser suite skipped: no Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
        allow_module_level=True,
    )

PAGES = toc_pages()
MIN_SHOWN_PX = 7.0

READ_FIGURES = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  return Array.from(article.querySelectorAll('img')).map(img => {
    const holder = img.closest('figure[id], div[id], section[id]');
    const figure = img.closest('figure');
    return {
      src: img.currentSrc || img.src,
      shown: img.getBoundingClientRect().width,
      natural: img.naturalWidth,
      name: (figure && figure.id) || (holder && holder.id) || '',
      caption: figure && figure.querySelector('figcaption')
               ? figure.querySelector('figcaption').textContent.trim().slice(0, 60) : '',
    };
  });
}"""

_REPORT: dict[str, list[dict]] = {}


def measure(site: Path, base_url: str, image: dict) -> dict | None:
    """The shown size of the figure's smallest text, from its PNG and its shown width."""
    url = image["src"]
    if not url.startswith(base_url) or not urlsplit(url).path.lower().endswith(".png"):
        return None
    path = site / unquote(urlsplit(url).path).lstrip("/")
    with Image.open(path) as png:
        width_px = png.width
        dpi = float(png.info.get("dpi", (72.0, 72.0))[0])
        stated = png.info.get(PNG_TEXT_KEY)
    smallest = float(stated) if stated else MIN_FONT_PT
    shown = smallest / 72 * dpi * image["shown"] / width_px
    return {
        "name": image["name"],
        "caption": image["caption"],
        "png": path.name,
        "width_in": round(width_px / dpi, 2),
        "dpi": round(dpi, 1),
        "smallest_pt": smallest,
        "smallest_pt_source": "figure" if stated else "style",
        "shown_width_px": round(image["shown"], 1),
        "shown_text_px": round(shown, 2),
    }


@pytest.fixture(scope="module")
def report(site):
    yield _REPORT
    out = site.parent / "phone-figures.json"
    out.write_text(json.dumps(_REPORT, indent=2), encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.removeprefix("book/"))
def test_every_figure_shows_its_smallest_text_at_7_css_px_or_more(
    page, open_phone_page, site, base_url, report
):
    if not (site / f"{page}.html").exists():
        pytest.fail(f"{page}.html is not in the built site {site}", pytrace=False)
    visit = open_phone_page(f"{page}.html")
    try:
        wait_for_mathjax(visit.page)
        load_all_images(visit.page)
        assert visit.page.evaluate("document.documentElement.clientWidth") == PHONE["width"]
        images = visit.page.evaluate(READ_FIGURES)
    finally:
        visit.page.close()
    figures = [m for m in (measure(site, base_url, i) for i in images) if m is not None]
    report[page] = figures
    small = [f for f in figures if f["shown_text_px"] < MIN_SHOWN_PX]
    assert not small, (
        f"{page}: {len(small)} of {len(figures)} figures show text under "
        f"{MIN_SHOWN_PX} px on a {PHONE['width']} px phone:\n"
        + "\n".join(
            f"  {f['name'] or f['png']}: {f['width_in']} in wide, smallest text "
            f"{f['smallest_pt']:g} pt ({f['smallest_pt_source']}), shown {f['shown_width_px']} px "
            f"wide -> {f['shown_text_px']} px"
            for f in small
        )
    )
