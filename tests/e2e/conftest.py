"""Fixtures of the browser suite: the built site, a local server, one headless Chromium.

The site is ``_build/html`` at the repository root, or the directory named by the environment
variable ``JACCOURSE_SITE``. When ``_build/html/index.html`` is absent, the suite first builds
the book with the README's command (``jupyter-book build --all -W -n --keep-going``) and fails
if that fails. The site is served by Python's ``http.server`` on 127.0.0.1 (a free port) and
read by Debian's Chromium (``/usr/bin/chromium``) through Playwright, headless, with every
request that leaves 127.0.0.1 aborted and recorded: a page that tries the network fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from jaccourse.book import toc

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SITE_ENV = "JACCOURSE_SITE"
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone screen, in CSS px
TIMEOUT_MS = 30_000


def site_dir() -> Path:
    return Path(os.environ.get(SITE_ENV) or ROOT / "_build" / "html").resolve()


def toc_pages(root: Path = ROOT) -> list[str]:
    """Every document of ``_toc.yml`` (root, then every part's chapters and sections), as a
    path without suffix relative to the repository root, e.g. ``book/intro``; ``root`` is the
    repository (a fresh clone in the JupyterLab suite)."""
    return [page.relative_to(root).with_suffix("").as_posix() for page in toc.toc_pages(root)]


def _jupyter_book() -> list[str]:
    script = Path(sys.executable).with_name("jupyter-book")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def _build_book() -> None:
    command = [*_jupyter_book(), "build", "--all", "-W", "-n", "--keep-going", str(ROOT)]
    log = ROOT / "_build" / "e2e-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=3600, check=False
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8").splitlines()[-30:])
        pytest.fail(
            f"the browser suite needs the built site; building it failed "
            f"(exit {done.returncode}, full log in {log}):\n{tail}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site's directory, built first when it does not exist."""
    path = site_dir()
    if not (path / "index.html").exists():
        if os.environ.get(SITE_ENV):
            pytest.fail(f"{SITE_ENV}={path} holds no index.html", pytrace=False)
        _build_book()
        if not (path / "index.html").exists():
            pytest.fail(
                f"the book build finished but {path / 'index.html'} is missing", pytrace=False
            )
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="session")
def base_url(site: Path):
    """``http://127.0.0.1:<port>/`` serving the site, for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Offline:
    """Requests that tried to leave 127.0.0.1 (all aborted), in order."""

    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def offline() -> Offline:
    return Offline()


def offline_context(browser: Browser, base_url: str, offline: Offline, **options) -> BrowserContext:
    """A new browsing context (``options`` as for ``browser.new_context``) whose requests
    that leave the local server are aborted and recorded in ``offline``. The caller closes it."""
    ctx = browser.new_context(**options)
    ctx.set_default_timeout(TIMEOUT_MS)
    block_other_hosts(ctx, base_url, offline.blocked)
    return ctx


def block_other_hosts(ctx: BrowserContext, base_url: str, blocked: list[str]) -> None:
    """Abort, and record in ``blocked``, every request of ``ctx`` that leaves ``base_url``'s
    host (``data:`` and ``blob:`` URLs stay in the page)."""
    local = urlsplit(base_url).netloc

    def only_local(route):
        url = route.request.url
        if urlsplit(url).scheme in {"data", "blob"} or urlsplit(url).netloc == local:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    ctx.route("**/*", only_local)


@pytest.fixture(scope="session")
def context(browser: Browser, base_url: str, offline: Offline) -> BrowserContext:
    """The one browsing context: a desktop window, light colour scheme, no network but
    the local server."""
    ctx = offline_context(browser, base_url, offline, viewport=VIEWPORT, color_scheme="light")
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def phone_context(browser: Browser, base_url: str, offline: Offline) -> BrowserContext:
    """A phone: 390 x 844 CSS px at 3 device pixels per px, touch, light colour scheme, no
    network but the local server."""
    ctx = offline_context(
        browser,
        base_url,
        offline,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        color_scheme="light",
    )
    try:
        yield ctx
    finally:
        ctx.close()


@dataclass
class Visit:
    """A page opened in the browser with what went wrong while it loaded."""

    page: Page
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    offline: Offline = field(default_factory=Offline)
    first_blocked: int = 0

    @property
    def blocked(self) -> list[str]:
        """External requests tried since this page was opened (pages are read one at a
        time, so these are this page's)."""
        return self.offline.blocked[self.first_blocked :]

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"HTTP error: {m}" for m in self.bad_responses]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"tried the network: {m}" for m in self.blocked]
        )


def wait_for_mathjax(page: Page) -> bool:
    """Wait until MathJax has typeset the page; False when the page does not load MathJax."""
    if not page.locator('script[src*="mathjax"]').count():
        return False
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise.then(() => true)")
    return True


def load_all_images(page: Page) -> None:
    """Make lazy images load now, and wait until every image has finished (or failed)."""
    page.evaluate("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")


def _opener(context: BrowserContext, base_url: str, offline: Offline):
    def _open(path: str, init_script: str | None = None) -> Visit:
        page = context.new_page()
        visit = Visit(
            page=page, url=base_url + path, offline=offline, first_blocked=len(offline.blocked)
        )
        if init_script:
            page.add_init_script(init_script)
        page.on(
            "console",
            lambda m: (
                visit.console_errors.append(f"{m.text} ({m.location.get('url', '')})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on(
            "response",
            lambda r: (
                visit.bad_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None
            ),
        )
        page.on(
            "requestfailed",
            lambda r: (
                visit.failed_requests.append(f"{r.url} ({r.failure})")
                if r.url not in offline.blocked
                else None
            ),
        )
        response = page.goto(visit.url, wait_until="load")
        assert response is not None and response.ok, (
            f"{visit.url}: HTTP {response and response.status}"
        )
        return visit

    return _open


@pytest.fixture(scope="session")
def open_page(context: BrowserContext, base_url: str, offline: Offline):
    """``open_page(path, init_script=None)``: a new tab on ``base_url + path`` after its
    ``load`` event, recording errors from the start. The caller closes ``visit.page``."""
    return _opener(context, base_url, offline)


@pytest.fixture(scope="session")
def open_phone_page(phone_context: BrowserContext, base_url: str, offline: Offline):
    """``open_phone_page(path, init_script=None)``: as ``open_page``, on the phone."""
    return _opener(phone_context, base_url, offline)
