"""A lighter first visit: what the site's pages load that a reader does not need.

Measured with headless Chromium on a chapter page (``tests/e2e/test_phone.py`` keeps the
numbers), the theme loaded 4.2 MB in 42 requests, most of it for nothing:

* **Font Awesome's JavaScript** (1.49 MB), which swaps icons for SVGs. The theme's stylesheet
  already draws every icon it uses from the Font Awesome web fonts, so the pages drop the
  script (``templates/layout.html``).
* **Sphinx's search index** (190 kB, with ``searchtools.js`` and ``language_data.js``) on every
  page, for a search-as-you-type the theme has switched off (``search_as_you_type = False``):
  the search box sends the reader to ``search.html``, which loads the index itself. Dropped
  from every other page.
* **MathJax's combined ``tex-chtml.js``** (1.16 MB), of which 426 kB is the right-click menu.
  The pages load MathJax's ``startup.js`` and the components they use: TeX input (its
  extensions load on demand, as before), CommonHTML output and the assistive MathML that
  screen readers read.

The GitHub icon's brand font (118 kB) is avoided in ``_static/custom.css``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

TEMPLATES = Path(__file__).with_name("templates")

#: MathJax components every page with math loads (the rest of MathJax is loaded on demand).
MATHJAX_COMPONENTS = ["input/tex", "output/chtml", "a11y/assistive-mml"]


def without_scripts(html: str, *names: str) -> Markup:
    """``html`` without the ``<script src=...>`` elements whose ``src`` contains one of
    ``names`` (a query string after the file name is allowed).

    >>> str(without_scripts('<script src="a/fontawesome.js?x=1"></script>\\n<p>kept</p>',
    ...                     "fontawesome.js"))
    '\\n<p>kept</p>'
    """
    for name in names:
        pattern = (
            r'<script\b[^>]*\bsrc="[^"]*' + re.escape(name) + r'(?:\?[^"]*)?"[^>]*>\s*</script>'
        )
        html = re.sub(pattern, "", str(html))
    return Markup(html)


def _config_inited(app, config) -> None:
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    # sphinx-mathjax-offline serves MathJax from _static/mathjax; load its parts, not the
    # combined file with the menu
    config.mathjax_path = "mathjax/startup.js"
    settings = dict(config.mathjax3_config or {})
    loader = dict(settings.get("loader", {}))
    loader["load"] = list(MATHJAX_COMPONENTS)
    settings["loader"] = loader
    config.mathjax3_config = settings


def _builder_inited(app) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.filters["without_scripts"] = without_scripts


def setup(app) -> dict[str, Any]:
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
