"""Headless Chromium (Debian's, through Playwright), a local HTTP server for built sites
and axe-core (installed from the npm registry by ``make test``): what every browser test
and ``make gallery`` share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from dataclasses import dataclass
import functools
import http.server
import os
from pathlib import Path
import shutil
import threading
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Route

from helpers.paths import REPO

VIEWPORT = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NO_CHROMIUM = "Chromium not found: install Debian's chromium (make test does it when run as root)"
#: axe-core as ``npm ci`` installs it from package-lock.json (``make test`` runs it).
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
NO_AXE = "axe-core not installed: run make test (it runs npm ci) or npm ci"
#: Sphinx themes the figures are checked in: two without a dark mode, three with one.
THEMES = ("alabaster", "sphinx_rtd_theme", "furo", "pydata_sphinx_theme", "sphinx_book_theme")
#: The themes whose page turns dark when the system is in dark mode.
DARK_THEMES = frozenset({"furo", "pydata_sphinx_theme", "sphinx_book_theme"})
SCHEMES = ("light", "dark")


@dataclass(frozen=True)
class ThemeSites:
    """``tests/roots/test-themes`` built per theme, ``<root>/<theme>/index.html``, served
    at ``url``."""

    root: Path
    url: str

    def page(self, theme: str, path: str = "index.html") -> str:
        return f"{self.url}{theme}/{path}"


def chromium_executable() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """``http://127.0.0.1:<random port>/`` serving ``directory`` while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def is_local(url: str, site_url: str) -> bool:
    return url.startswith((site_url, "data:", "about:", "blob:"))


def new_context(browser: Browser, site_url: str, scheme: str, *, javascript: bool = True,
                scale: float = 1, touch: bool = False) -> BrowserContext:
    """A context in ``scheme`` (``prefers-color-scheme`` emulation) that lets nothing leave
    the machine: every request outside ``site_url`` is aborted."""
    context = browser.new_context(
        color_scheme=scheme,  # type: ignore[arg-type]
        viewport=VIEWPORT,  # type: ignore[arg-type]
        device_scale_factor=scale,
        java_script_enabled=javascript,
        has_touch=touch,
    )
    context.set_default_timeout(15_000)

    def block(route: Route) -> None:
        route.abort()

    local: Callable[[str], bool] = functools.partial(is_local, site_url=site_url)
    context.route(lambda url: not local(url), block)
    return context
