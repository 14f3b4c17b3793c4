"""A fix to the built site, found by the browser suite (``tests/e2e``).

Sphinx 7.4 writes an inline script twice when an extension registers it after the builder
started (``prepare_writing`` re-adds it from the registry with filename ``''`` instead of
``None``, so it is not recognised as the same script). sphinx-thebe registers one such script,
``const THEBE_JS_URL = ...``, and the second copy throws "Identifier 'THEBE_JS_URL' has
already been declared" on every page. We drop repeated scripts from each page's list.
"""

from __future__ import annotations

from typing import Any


def _script_key(script: Any) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    return (
        str(getattr(script, "filename", script) or ""),
        getattr(script, "priority", None),
        tuple(sorted((k, str(v)) for k, v in attributes.items())),
    )


def drop_repeated_scripts(app, pagename, templatename, context, doctree) -> None:
    """Keep the first of identical ``<script>`` entries; edit the list in place, since it is
    the builder's own list, to which later handlers may still add."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    unique = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app) -> dict[str, Any]:
    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
