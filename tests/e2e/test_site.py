"""The built site, read by a real browser, offline.

For every page of ``_toc.yml``: it loads without a JavaScript error and without touching the
network; every script and stylesheet comes from the site itself; its math is typeset by the
site's own MathJax (no raw TeX left in the text, no MathJax error); every image loads and has
alt text; a notebook chapter offers a Binder launch link to itself and downloads of its MyST
source and of its notebook, and a plain page offers its source. Then: the search page finds
"Jacobian", a solution dropdown opens on click, and a chapter is photographed in light and
dark mode (``_build/screenshots/``).

Needs Chromium at ``/usr/bin/chromium`` (Debian: ``apt-get install chromium``); skipped, with
that message, only when it is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from jaccourse.book.toc import is_notebook

from .conftest import CHROMIUM, ROOT, Visit, load_all_images, toc_pages, wait_for_mathjax

if not CHROMIUM.exists():
    pytest.skip(
        f"browser suite skipped: no Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
        allow_module_level=True,
    )

PAGES = toc_pages()
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
SCREENSHOT_PAGE = "book/jacobian-determinant"

# TeX that MathJax should have replaced; code (pre, code) is removed from the text first.
RAW_TEX = re.compile(
    r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac\{|(?<![\w$])\$[^\s$][^$\n]{0,80}\$"
)

READ_PAGE = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const text = (() => {
    const clone = article.cloneNode(true);
    clone.querySelectorAll('pre, code, script, style, textarea, mjx-container')
         .forEach(e => e.remove());
    return clone.textContent;
  })();
  const abs = (el, attr) => el[attr] || '';
  return {
    text,
    heading: (article.querySelector('h1') || {}).textContent || '',
    mathjax: document.querySelectorAll('mjx-container').length,
    mathjax_errors: Array.from(document.querySelectorAll('mjx-merror'))
                         .map(e => e.getAttribute('data-mjx-error') || e.textContent),
    images: Array.from(document.images).map(i => ({
      src: i.currentSrc || i.src, alt: (i.getAttribute('alt') || '').trim(),
      complete: i.complete, width: i.naturalWidth,
      in_article: article.contains(i)})),
    assets: [
      ...Array.from(document.querySelectorAll('script[src]')).map(e => abs(e, 'src')),
      ...Array.from(document.querySelectorAll('link[href]'))
            .filter(e => !['next', 'prev', 'index', 'search', 'canonical'].includes(e.rel))
            .map(e => abs(e, 'href')),
      ...Array.from(document.querySelectorAll('iframe[src], source[src], video[src], audio[src]'))
            .map(e => abs(e, 'src'))],
    links: Array.from(document.querySelectorAll('a[href]')).map(a => ({
      href: a.href, raw: a.getAttribute('href'), cls: a.className, title: a.title || ''})),
  };
}"""


def _source(page: str) -> Path:
    return ROOT / f"{page}.md"


def _is_notebook(page: str) -> bool:
    return is_notebook(_source(page))


def _has_math(page: str) -> bool:
    text = _source(page).read_text(encoding="utf-8")
    return "$" in text or "{math}" in text


def _first_heading(text: str) -> str:
    """The first level-1 heading of a MyST page, outside front matter and fenced blocks."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    fence = None
    for line in body.splitlines():
        marker = re.match(r"^(`{3,}|:{3,})", line.strip())
        if marker:
            if fence is None:
                fence = marker.group(1)
            elif line.strip() == fence:
                fence = None
        elif fence is None and line.startswith("# "):
            return line[2:].strip()
    return ""


def _figure_cells(page: str) -> int:
    import jupytext

    if not _is_notebook(page):
        return 0
    nb = jupytext.read(_source(page))
    return sum(
        1
        for c in nb.cells
        if c.cell_type == "code" and "figure" in (c.metadata.get("mystnb") or {})
    )


@pytest.fixture(scope="module")
def reading(open_page, site):
    """``reading(page)``: each TOC page opened once, MathJax done, images loaded, measured."""
    cache: dict[str, dict] = {}

    def _read(page: str) -> dict:
        if not (site / f"{page}.html").exists():
            pytest.fail(
                f"{page}.html is not in the built site {site}: _toc.yml names a page "
                "the site does not have (an old build? rebuild the book)",
                pytrace=False,
            )
        if page not in cache:
            visit: Visit = open_page(f"{page}.html")
            try:
                typeset = wait_for_mathjax(visit.page)
                load_all_images(visit.page)
                data = visit.page.evaluate(READ_PAGE)
                data.update(url=visit.url, typeset=typeset, problems=visit.problems())
            finally:
                visit.page.close()
            cache[page] = data
        return cache[page]

    return _read


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).name)
def test_page_reads_offline_without_errors(page, reading, base_url):
    data = reading(page)
    assert not data["problems"], f"{page}:\n" + "\n".join(data["problems"])
    foreign = [url for url in data["assets"] if not url.startswith(base_url)]
    assert not foreign, f"{page} loads scripts or stylesheets from elsewhere: {foreign}"
    assert data["heading"].strip(), f"{page}: no title heading"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).name)
def test_math_is_typeset_by_the_sites_own_mathjax(page, reading, base_url):
    data = reading(page)
    if _has_math(page):
        assert data["typeset"], f"{page} has math but loads no MathJax"
        assert data["mathjax"] > 0, f"{page} has math but MathJax rendered none"
        mathjax = [u for u in data["assets"] if "mathjax" in u.lower()]
        assert mathjax and all(u.startswith(base_url + "_static/mathjax/") for u in mathjax), (
            f"{page}: MathJax not served by the site: {mathjax}"
        )
    assert not data["mathjax_errors"], f"{page}: MathJax errors {data['mathjax_errors']}"
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(data["text"])})
    assert not raw, f"{page}: raw TeX left in the text: {raw[:10]}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).name)
def test_every_image_loads_and_has_alt_text(page, reading):
    data = reading(page)
    broken = [i["src"] for i in data["images"] if not (i["complete"] and i["width"] > 0)]
    assert not broken, f"{page}: images that did not load: {broken}"
    no_alt = [i["src"] for i in data["images"] if not i["alt"]]
    assert not no_alt, f"{page}: images without alt text: {no_alt}"
    figures = _figure_cells(page)
    shown = sum(1 for i in data["images"] if i["in_article"])
    assert shown >= figures, f"{page}: {figures} figure cells but {shown} images on the page"


def _binder_url(page: str) -> str:
    owner_repo = CONFIG["repository"]["url"].rstrip("/").split("github.com/")[1]
    hub = CONFIG["launch_buttons"]["binderhub_url"].rstrip("/")
    branch = CONFIG["repository"].get("branch", "main")
    path = "/".join(
        p for p in (CONFIG["repository"].get("path_to_book", "").strip("/"), f"{page}.md") if p
    )
    return f"{hub}/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{path}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).name)
def test_launch_and_download_links(page, reading, context):
    data = reading(page)
    binder = [a["href"] for a in data["links"] if "mybinder.org" in a["href"]]
    if _is_notebook(page):
        assert binder == [_binder_url(page)], (
            f"{page}: Binder launch link(s) {binder}, expected [{_binder_url(page)}]"
        )
    else:
        assert not binder, f"{page} is not a notebook, yet offers Binder: {binder}"

    downloads = {
        a["raw"].rsplit(".", 1)[-1]: a["href"]
        for a in data["links"]
        if "btn-download" in a["cls"] and "_sources/" in (a["raw"] or "")
    }
    assert "md" in downloads, f"{page}: no download link for the MyST source"
    source = _source(page).read_text(encoding="utf-8")
    response = context.request.get(downloads["md"])
    assert response.status == 200, f"{page}: {downloads['md']} -> HTTP {response.status}"
    served = response.text()
    assert _first_heading(served) == _first_heading(source) != "", (
        f"{page}: the downloaded source is not this page's ({downloads['md']})"
    )
    assert _is_notebook(page) == ("kernelspec:" in served.split("\n---\n", 1)[0])

    if _is_notebook(page):
        assert "ipynb" in downloads, f"{page}: no notebook download link"
        response = context.request.get(downloads["ipynb"])
        assert response.status == 200, f"{page}: {downloads['ipynb']} -> HTTP {response.status}"
        notebook = json.loads(response.text())
        assert notebook["nbformat"] == 4 and notebook["cells"], f"{page}: empty notebook"


def test_home_page_leads_to_the_introduction(open_page, base_url):
    visit = open_page("index.html")
    try:
        visit.page.wait_for_url(f"{base_url}{toc_pages()[0]}.html")
        assert not visit.problems(), "\n".join(visit.problems())
    finally:
        visit.page.close()


def test_search_finds_jacobian(open_page):
    visit = open_page("search.html?q=Jacobian")
    try:
        results = visit.page.locator("#search-results ul.search li")
        # Sphinx adds the results one by one; it says "Search finished, found N page(s)" when
        # the list is complete
        summary = visit.page.locator("#search-results p.search-summary")
        summary.filter(has_text="Search finished").wait_for(state="visible")
        found = int(re.search(r"found (\d+) page", summary.inner_text())[1])
        assert results.count() == found, (results.count(), found)
        titles = results.locator("a").all_text_contents()
        assert len(titles) >= 5, f"search for Jacobian found only {titles}"
        hrefs = results.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert any("/book/jacobian-determinant.html" in h for h in hrefs), hrefs
        assert not visit.problems(), "\n".join(visit.problems())
    finally:
        visit.page.close()


def test_solution_dropdown_opens_on_click(open_page):
    visit = open_page(f"{SCREENSHOT_PAGE}.html")
    try:
        page = visit.page
        solution = page.locator(".solution.dropdown").first
        body = solution.locator(":scope > :not(.admonition-title)").first
        solution.scroll_into_view_if_needed()
        assert solution.is_visible() and not body.is_visible(), "the solution is open at first"
        solution.locator(".admonition-title").click()
        body.wait_for(state="visible")
        assert body.inner_text().strip(), "the opened solution is empty"
        solution.locator(".admonition-title").click()
        body.wait_for(state="hidden")
        assert not visit.problems(), "\n".join(visit.problems())
    finally:
        visit.page.close()


def _luminance(css_color: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.parametrize("mode", ["dark", "light"])
def test_screenshots_in_light_and_dark_mode(mode, open_page, site):
    """Photograph a chapter's first screen and its first figure; the colours must follow the
    mode, math must contrast with the page, and the figure keeps its white background."""
    out = site.parent / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    name = Path(SCREENSHOT_PAGE).name
    visit = open_page(
        f"{SCREENSHOT_PAGE}.html",
        init_script=(
            f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
        ),
    )
    try:
        page = visit.page
        assert wait_for_mathjax(page)
        load_all_images(page)
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        background = _luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        math = _luminance(
            page.evaluate("getComputedStyle(document.querySelector('article mjx-container')).color")
        )
        if mode == "dark":
            assert background < 0.3 and math > 0.6, (background, math)
        else:
            assert background > 0.8 and math < 0.4, (background, math)
        first = out / f"{name}-{mode}.png"
        page.screenshot(path=str(first))
        figure = page.locator("article figure").first
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=str(out / f"{name}-figure-{mode}.png"))
        assert first.stat().st_size > 10_000
        assert not visit.problems(), "\n".join(visit.problems())
    finally:
        visit.page.evaluate(
            "localStorage.setItem('mode', 'auto'); localStorage.removeItem('theme')"
        )
        visit.page.close()
