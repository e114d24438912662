"""Screenshots of the gallery's figures in light and dark mode (``make gallery``).

Builds the docs site into a temporary folder, opens ``guide/gallery.html`` in Debian's
headless Chromium (through Playwright, as the browser tests do) with the system in light
and in dark mode, and saves each figure named ``gallery-<slug>`` as
``docs/_static/gallery/<slug>-<scheme>.png`` (a 256-colour palette PNG: the figures have
few colours). The gallery page and README.md show these files; commit them after a change
to the figures, the stylesheet or the layout.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import io
from pathlib import Path
import subprocess
import sys
import tempfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers.browser import (
    CHROMIUM_ARGS,
    NO_CHROMIUM,
    chromium_executable,
    new_context,
    serve,
)
from PIL import Image
from playwright.sync_api import sync_playwright

DOCS = ROOT / "docs"
TARGET = DOCS / "_static" / "gallery"
PAGE = "guide/gallery.html"
PREFIX = "gallery-"
SCHEMES = ("light", "dark")
#: What the theme floats over the content once the page scrolls (furo's "Back to top").
HIDE = ".back-to-top, .mobile-header { display: none !important; }"


def build(out: Path) -> None:
    """The docs site, quietly: the screenshots may not exist yet on a first run."""
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-D",
           "suppress_warnings=image.not_readable", "-d", str(out / "doctrees"), str(DOCS),
           str(out / "html")]
    subprocess.run(cmd, check=True)


def compact(png: bytes) -> Image.Image:
    with Image.open(io.BytesIO(png)) as raw:
        return raw.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)


def shoot(site: Path, target: Path, scale: float) -> list[Path]:
    executable = chromium_executable()
    if executable is None:
        raise SystemExit(NO_CHROMIUM)
    written: list[Path] = []
    target.mkdir(parents=True, exist_ok=True)
    with serve(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            for scheme in SCHEMES:
                context = new_context(browser, url, scheme, scale=scale)
                page = context.new_page()
                page.goto(url + PAGE, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                page.add_style_tag(content=HIDE)
                names = page.locator(f'figure[id^="{PREFIX}"]').evaluate_all(
                    "figures => figures.map(f => f.id)")
                if not names:
                    raise SystemExit(f"no figure with an id starting {PREFIX!r} in {PAGE}")
                for name in names:
                    svg = page.locator(f'figure[id="{name}"] .k8sarch-diagram svg')
                    png = svg.screenshot(animations="disabled")
                    path = target / f"{name.removeprefix(PREFIX)}-{scheme}.png"
                    compact(png).save(path, optimize=True)
                    written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.5,
                        help="device pixels per CSS pixel (default: 1.5)")
    parser.add_argument("--site", type=Path,
                        help="an HTML build of docs/ to use instead of building one")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="k8sarch-gallery-") as tmp:
        site = args.site
        if site is None:
            build(Path(tmp))
            site = Path(tmp) / "html"
        written = shoot(site, TARGET, args.scale)
    for path in written:
        print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
