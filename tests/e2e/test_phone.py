"""The built site on a phone: every page of ``_toc.yml`` at 390 x 844 CSS px in headless Chromium.

For every page: nothing scrolls the page sideways (wide tables, display maths, code and printed
output scroll inside their own box, long inline code wraps); no inline formula is clipped; a
table wider than its column sits in a scroll box with its first column kept in view, and no
table cell, header included, cuts its own text. Every HTML page of the site weighs at most
400 kB. The API reference is one page per module, whose docstrings' chapter names are links
to the chapters, and each chapter links the reference pages of the modules its code uses.
A chapter's first visit weighs at most 2.5 MB (uncompressed; the gzip figure is reported).
Two pages are photographed at phone width into ``_build/screenshots/``.

Figures read on a phone: the smallest text of every figure is at least 7 CSS px high when the
page is 390 px wide. A figure's PNG says how many pixels make an inch (matplotlib writes the
dpi into it), and the browser says how wide it shows the PNG. Text of ``p`` points is
``p / 72 * dpi`` pixels high in the PNG and is shown ``shown_width / png_width`` times that, in
CSS px. The size ``p`` is the figure's own smallest text:
:func:`jaccourse.book.plotting.use_style` writes it into each PNG a chapter shows (text field
``jaccourse:smallest-text-pt``); a PNG without it is measured with the style's smallest size,
:data:`jaccourse.book.plotting.MIN_FONT_PT`, and the report says so. Every failing figure is
listed with its chapter, its name, its width in inches, its smallest font and the size it is
shown at; the whole list is written to ``_build/phone-figures.json``. The cure is in the
chapter's figure code: a width of at most about 6.5 inches with text of about 10 points, and
multi-panel figures stacked in rows (or split).

Each page is opened on the phone once (MathJax typeset, images loaded, fonts ready) and
measured once for every check above: its layout, its links and its figures.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from jaccourse.book.plotting import MIN_FONT_PT, PNG_TEXT_KEY

from .conftest import (
    CHROMIUM,
    PHONE,
    ROOT,
    Visit,
    load_all_images,
    offline_context,
    toc_pages,
    wait_for_mathjax,
)

if not CHROMIUM.exists():
    pytest.skip(
        f"browser suite skipped: no Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
        allow_module_level=True,
    )

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import module_links  # noqa: E402  (book/_ext: the extension that makes the links)

PAGES = toc_pages()
MAX_HTML_BYTES = 400_000
MAX_FIRST_VISIT_BYTES = 2_500_000
WEIGHED_PAGES = ["book/linear-maps", "book/backpropagation"]
SCREENSHOT_PAGES = {"book/least-squares": "div.cell_output table", "book/api/derivatives": "dl.py"}

# Measured in the page: the layout at phone width.
READ_LAYOUT = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const view = document.documentElement.clientWidth;
  const describe = e => {
    const text = (e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    const classes = String(e.className || '').trim().replace(/\\s+/g, '.');
    return `${e.tagName.toLowerCase()}.${classes} "${text}"`;
  };
  const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const clips = e => ['hidden', 'clip'].includes(getComputedStyle(e).overflowX);
  // the nearest ancestor that scrolls or clips sideways, or null
  const box = el => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (scrolls(e) || clips(e)) return e;
    }
    return null;
  };
  const sticking_out = [];
  for (const el of article.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > view + 1 && !box(el)) sticking_out.push(describe(el));
  }
  const tables = Array.from(article.querySelectorAll('table')).map(t => {
    const holder = box(t);
    const first = t.querySelector('tr > :first-child');
    const width = t.getBoundingClientRect().width;
    return {
      what: describe(t), width: Math.round(width), column: article.clientWidth,
      holder: holder ? {scrolls: scrolls(holder), width: holder.clientWidth} : null,
      sticky_first_column: !!first && getComputedStyle(first).position === 'sticky',
      cut_cells: Array.from(t.querySelectorAll('th, td'))
        .filter(c => c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
        .map(describe).slice(0, 5),
    };
  });
  const inline_math_cut = Array.from(article.querySelectorAll('span.math')).filter(m =>
      m.scrollHeight > m.clientHeight + 1
      || (m.scrollWidth > m.clientWidth + 1 && !scrolls(m))).map(describe).slice(0, 5);
  const unscrolled = Array.from(article.querySelectorAll('div.math, pre, div.highlight'))
      .filter(e => e.scrollWidth > e.clientWidth + 1 && !scrolls(e)).map(describe).slice(0, 5);
  return {view, page_width: document.documentElement.scrollWidth,
          body_width: document.body.scrollWidth, sticking_out: sticking_out.slice(0, 10),
          tables, inline_math_cut, unscrolled};
}"""


def _read(visit: Visit) -> dict:
    wait_for_mathjax(visit.page)
    load_all_images(visit.page)
    visit.page.evaluate("() => document.fonts.ready.then(() => true)")
    data = visit.page.evaluate(READ_LAYOUT)
    data["links"] = visit.page.evaluate(READ_LINKS, CHAPTER_NAMES)
    data["images"] = visit.page.evaluate(READ_FIGURES)
    return data


@pytest.fixture(scope="module")
def layout(open_phone_page, site):
    """``layout(page)``: each TOC page opened once on the phone and measured: its layout,
    its links (``["links"]``) and its images (``["images"]``)."""
    cache: dict[str, dict] = {}

    def _layout(page: str) -> dict:
        if not (site / f"{page}.html").exists():
            pytest.fail(
                f"{page}.html is not in the built site {site} (an old build? rebuild the book)",
                pytrace=False,
            )
        if page not in cache:
            visit = open_phone_page(f"{page}.html")
            try:
                data = _read(visit)
                data["problems"] = visit.problems()
            finally:
                visit.page.close()
            cache[page] = data
        return cache[page]

    return _layout


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.removeprefix("book/"))
def test_nothing_scrolls_the_page_sideways(page, layout):
    data = layout(page)
    assert data["view"] == PHONE["width"], data["view"]
    assert data["page_width"] <= data["view"] and data["body_width"] <= data["view"], (
        f"{page} is {data['page_width']} px wide on a {data['view']} px screen; "
        f"sticking out: {data['sticking_out']}"
    )
    assert not data["sticking_out"], f"{page}: elements beyond the screen: {data['sticking_out']}"
    assert not data["unscrolled"], (
        f"{page}: maths, code or output wider than its box that does not scroll: "
        f"{data['unscrolled']}"
    )
    assert not data["problems"], f"{page}:\n" + "\n".join(data["problems"])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.removeprefix("book/"))
def test_no_inline_formula_is_clipped(page, layout):
    cut = layout(page)["inline_math_cut"]
    assert not cut, f"{page}: inline maths clipped (not scrollable or cut in height): {cut}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.removeprefix("book/"))
def test_tables_fit_or_scroll_in_their_box_with_the_first_column_in_view(page, layout):
    problems = []
    for table in layout(page)["tables"]:
        if table["cut_cells"]:
            problems.append(f"{table['what']}: cells cut their own text {table['cut_cells']}")
        holder = table["holder"]
        room = holder["width"] if holder else table["column"]
        if table["width"] > room + 1:
            if not (holder and holder["scrolls"]):
                problems.append(
                    f"{table['what']}: {table['width']} px wide in {room} px, not in a scroll box"
                )
            elif not table["sticky_first_column"]:
                problems.append(f"{table['what']}: scrolls without its first column in view")
    assert not problems, f"{page}: " + "; ".join(problems)


def test_no_html_page_of_the_site_is_over_400_kb(site):
    pages = sorted(site.rglob("*.html"))
    assert any(p.name == "api.html" for p in pages), "the site has no API page"
    heavy = {
        str(p.relative_to(site)): p.stat().st_size
        for p in pages
        if p.stat().st_size > MAX_HTML_BYTES
    }
    assert not heavy, f"HTML pages over {MAX_HTML_BYTES // 1000} kB: {heavy}"


# --------------------------------------------------------------------------------------------
# the API reference and the chapters' links to it
# --------------------------------------------------------------------------------------------

API_PAGES = [p for p in PAGES if p.startswith("book/api/")]
CHAPTER_NAMES = sorted({Path(p).name for p in PAGES if not p.startswith("book/api/")})

READ_LINKS = """(chapters) => {
  const article = document.querySelector('article.bd-article');
  const left_as_code = [];
  // chapter names still shown as code in a sentence about a chapter
  for (const block of article.querySelectorAll('p, dd, li')) {
    const sentences = block.innerHTML.split(/[.!?](?:\\s|<)/);
    for (const s of sentences) {
      if (!/\\bchapters?\\b/i.test(s.replace(/<[^>]+>/g, ''))) continue;
      const code = /<code[^>]*>\\s*<span class="pre">([\\w-]+)<\\/span>\\s*<\\/code>/g;
      for (const m of s.matchAll(code)) {
        const linked = /<a [^>]*>\\s*$/.test(s.slice(0, m.index));
        if (chapters.includes(m[1]) && !linked) left_as_code.push(m[1]);
      }
    }
  }
  const rel = a => a.href.split('#')[0];
  return {
    left_as_code,
    chapter_links: Array.from(article.querySelectorAll('a.reference.internal')).map(rel)
        .filter(h => chapters.some(c => h.endsWith(`/${c}.html`))),
    module_links: Array.from(article.querySelectorAll('p.jaccourse-modules a')).map(a => a.href),
    used_in: Array.from(article.querySelectorAll('p.jaccourse-used-in a')).map(a => a.href),
  };
}"""


@pytest.fixture(scope="module")
def links(layout):
    """``links(page)``: the links of the page, read in the same visit as its layout."""
    return lambda page: layout(page)["links"]


def test_the_reference_is_one_page_per_module(site):
    """Each module page documents its own module and no other (tests/test_api_page.py checks
    from the sources that every public module has its page)."""
    assert len(API_PAGES) >= 10, API_PAGES
    for page in API_PAGES:
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        modules = set(re.findall(r'id="module-(jaccourse\.[\w.]+)"', html))
        assert modules == {f"jaccourse.{Path(page).name}"}, f"{page} documents {modules}"


@pytest.mark.parametrize("page", API_PAGES, ids=lambda p: Path(p).name)
def test_module_pages_link_the_chapters_they_name(page, links, site, base_url):
    data = links(page)
    assert not data["left_as_code"], (
        f"{page}: chapter names shown as code, not links: {sorted(set(data['left_as_code']))}"
    )
    for href in data["chapter_links"] + data["used_in"]:
        assert href.startswith(base_url) and (site / href.removeprefix(base_url)).exists(), (
            f"{page}: a broken chapter link {href}"
        )


@pytest.mark.parametrize(
    "page", [p for p in PAGES if not p.startswith("book/api")], ids=lambda p: Path(p).name
)
def test_each_chapter_links_the_reference_pages_of_the_modules_it_uses(page, links, base_url, site):
    # the source the site was built from (the site serves it for download)
    source = site / "_sources" / f"{page}.md"
    used = module_links.modules_used(source.read_text(encoding="utf-8"))
    linked = links(page)["module_links"]
    expected = [f"{base_url}book/api/{m}.html" for m in used]
    assert linked == expected, f"{page}: module links {linked}, expected {expected}"


def test_module_pages_list_the_chapters_that_use_them(links, base_url):
    derivatives = links("book/api/derivatives")
    assert f"{base_url}book/linear-maps.html" in derivatives["used_in"], derivatives
    # "See the chapter ``linear-approximation``" in the docstrings became links
    assert len(derivatives["chapter_links"]) > len(derivatives["used_in"]), derivatives


# --------------------------------------------------------------------------------------------
# figures: their smallest text on a phone
# --------------------------------------------------------------------------------------------

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
    page, layout, site, base_url, report
):
    data = layout(page)
    assert data["view"] == PHONE["width"], data["view"]
    figures = [m for m in (measure(site, base_url, i) for i in data["images"]) if m is not None]
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


# --------------------------------------------------------------------------------------------
# page weight and screenshots
# --------------------------------------------------------------------------------------------


def _first_visit(browser, base_url, offline, page: str) -> dict:
    """Every response of a first visit (empty cache) on the phone, until the network is idle."""
    ctx = offline_context(
        browser,
        base_url,
        offline,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    try:
        tab = ctx.new_page()
        finished = []
        tab.on("requestfinished", lambda request: finished.append(request))
        tab.goto(base_url + f"{page}.html", wait_until="load")
        wait_for_mathjax(tab)
        tab.wait_for_load_state("networkidle")
        rows = []
        for request in finished:
            response = request.response()
            body = response.body() if response is not None else b""
            rows.append(
                {
                    "url": request.url.removeprefix(base_url),
                    "bytes": len(body),
                    "gzip": len(gzip.compress(body, 6)),
                }
            )
    finally:
        ctx.close()
    rows.sort(key=lambda r: -r["bytes"])
    return {
        "page": page,
        "requests": len(rows),
        "bytes": sum(r["bytes"] for r in rows),
        "gzip": sum(r["gzip"] for r in rows),
        "largest": rows[:8],
    }


def test_a_chapters_first_visit_weighs_at_most_2_5_mb(browser, base_url, offline, site):
    weights = [_first_visit(browser, base_url, offline, page) for page in WEIGHED_PAGES]
    out = site.parent / "page-weight.json"
    out.write_text(json.dumps(weights, indent=2), encoding="utf-8")
    for w in weights:
        print(
            f"{w['page']}: {w['requests']} requests, {w['bytes'] / 1e6:.2f} MB, "
            f"{w['gzip'] / 1e6:.2f} MB gzip"
        )
        assert w["bytes"] <= MAX_FIRST_VISIT_BYTES, (
            f"{w['page']}: the first visit loads {w['bytes'] / 1e6:.2f} MB in {w['requests']} "
            f"requests ({w['gzip'] / 1e6:.2f} MB gzip); largest: {w['largest']}"
        )
        loaded = " ".join(r["url"] for r in w["largest"])
        assert "fontawesome.js" not in loaded and "searchindex.js" not in loaded, loaded


@pytest.mark.parametrize("page", sorted(SCREENSHOT_PAGES), ids=lambda p: Path(p).name)
def test_screenshots_at_phone_width(page, open_phone_page, site):
    out = site.parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    visit = open_phone_page(f"{page}.html")
    try:
        tab = visit.page
        wait_for_mathjax(tab)
        load_all_images(tab)
        top = out / f"phone-{Path(page).name}.png"
        tab.screenshot(path=str(top))
        target = tab.locator(SCREENSHOT_PAGES[page]).first
        # its top just under the theme's header bar
        target.evaluate("e => { e.scrollIntoView({block: 'start'}); window.scrollBy(0, -72); }")
        tab.wait_for_timeout(200)
        detail = out / f"phone-{Path(page).name}-detail.png"
        tab.screenshot(path=str(detail))
        for shot in (top, detail):
            assert shot.stat().st_size > 10_000, f"{shot} is nearly empty"
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert not visit.problems(), "\n".join(visit.problems())
    finally:
        visit.page.close()
