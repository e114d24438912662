"""The built docs site in a real browser (Chromium through Playwright).

The site is built once per module into a temporary directory, served on 127.0.0.1 and
visited in light and dark colour scheme. Every page that holds a ``k8s-cluster`` figure is
checked: the diagrams fit the content column, their text is real SVG text with an accessible
name, they have enough contrast, the pages log no errors and load nothing from outside the
machine, and clicking a component leads to its description.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
from dataclasses import dataclass, field
import io
from pathlib import Path
import subprocess
import sys
import time
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from helpers.browser import SCHEMES, VIEWPORT, is_local, new_context, serve
from helpers.contrast import composite, contrast_ratio, parse_css_colour, relative_luminance
from helpers.paths import DOCS
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Request,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
import pytest

VIEWPORT_WIDTH = VIEWPORT["width"]
VIEWPORT_HEIGHT = VIEWPORT["height"]
COURSE_PAGE = "curso/diagrama-ha.html"
GLOSSARY_PAGE = "curso/glosario.html"
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal-size text
MIN_PIXEL_CONTRAST = 3.0  # anti-aliased glyphs never reach the nominal colour
MAX_CONTRAST_SAMPLES = 10  # component nodes per diagram
MAX_GROUP_SAMPLES = 3  # machine/group labels per diagram, one per kind
MIN_PNG_BYTES = 2000

# One round trip per page: geometry, accessibility and colours of every diagram.
MEASURE_JS = """
([maxSamples, maxGroups]) => {
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  };
  const article = document.querySelector('article[role=main]');
  const divs = Array.from(document.querySelectorAll('.k8sarch-diagram'));
  return {
    prefersDark: matchMedia('(prefers-color-scheme: dark)').matches,
    bodyBackground: getComputedStyle(document.body).backgroundColor,
    diagrams: divs.map((div, index) => {
      const svg = div.querySelector('svg');
      const figure = div.closest('figure');
      const info = {
        index: index,
        id: div.id || `#${index}`,
        figure: figure && figure.id ? figure.id : '',
        hasSvg: svg !== null,
      };
      if (svg === null) return info;
      const column = article || div.parentElement || div;
      info.column = rect(column);
      info.columnSelector = article ? 'article[role=main]' : '.k8sarch-diagram parent';
      info.svg = rect(svg);
      const texts = Array.from(svg.querySelectorAll('text'));
      info.textCount = texts.length;
      info.nonEmptyTextCount = texts.filter((t) => t.textContent.trim() !== '').length;
      info.role = svg.getAttribute('role');
      info.links = svg.querySelectorAll('a[href]').length;
      const labelledby = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/)
        .filter((s) => s !== '');
      info.labelledby = labelledby.map((ref) => {
        const el = document.getElementById(ref);
        return {
          id: ref,
          tag: el ? el.localName : null,
          inSvg: el ? svg.contains(el) : false,
          text: el ? el.textContent.trim() : '',
        };
      });
      // Component nodes with text; one of each kind of node first, then the others.
      const nodes = Array.from(svg.querySelectorAll('g.node'))
        .filter((g) => g.querySelector('text') !== null);
      const seen = new Set();
      const picked = [];
      for (const g of nodes) {
        const kind = g.getAttribute('class');
        if (!seen.has(kind)) { seen.add(kind); picked.push(g); }
      }
      for (const g of nodes) {
        if (!picked.includes(g)) picked.push(g);
      }
      // Group labels (cp-1, worker-1...) on their group background too: the only text of
      // a diagram whose machines have no components yet.
      const groups = Array.from(svg.querySelectorAll('g.cluster'))
        .filter((g) => g.querySelector('text') !== null);
      const groupKinds = new Set();
      const pickedGroups = groups.filter((g) => {
        const kind = g.getAttribute('class');
        if (groupKinds.has(kind)) return false;
        groupKinds.add(kind);
        return true;
      });
      const svgRect = svg.getBoundingClientRect();
      const sampled = picked.slice(0, maxSamples).concat(pickedGroups.slice(0, maxGroups));
      info.samples = sampled.map((g) => {
        const shape = g.querySelector('path, polygon');
        return {
          node: g.id,
          kind: g.classList.contains('cluster') ? 'group' : 'node',
          classes: g.getAttribute('class'),
          boxFill: shape ? getComputedStyle(shape).fill : null,
          texts: Array.from(g.querySelectorAll('text')).map((t) => {
            const r = t.getBoundingClientRect();
            return {
              text: t.textContent.trim(),
              fill: getComputedStyle(t).fill,
              // Relative to the svg, so it stays valid after scrolling for a screenshot.
              box: {x: r.x - svgRect.x, y: r.y - svgRect.y, width: r.width, height: r.height},
            };
          }),
        };
      });
      return info;
    }),
  };
}
"""


# --------------------------------------------------------------------------- colours


def test_contrast_helpers() -> None:
    black, white = (0.0, 0.0, 0.0), (255.0, 255.0, 255.0)
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    # #767676 on white is the classic "just passes AA" grey.
    assert contrast_ratio((118.0, 118.0, 118.0), white) == pytest.approx(4.54, abs=0.01)
    assert parse_css_colour("rgb(27, 31, 36)") == (27.0, 31.0, 36.0, 1.0)
    assert parse_css_colour("rgba(0, 0, 0, 0.5)") == (0.0, 0.0, 0.0, 0.5)
    assert parse_css_colour("#ffe08a") == (255.0, 224.0, 138.0, 1.0)
    assert parse_css_colour("none") is None
    assert parse_css_colour('url("#grad")') is None


# --------------------------------------------------------------------------- site + server


def _sphinx_build(out: Path, doctrees: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees), str(DOCS),
           str(out)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The docs site built into a temporary directory (retried once: the extension may be
    mid-edit by someone else)."""
    for attempt in (1, 2):
        root = tmp_path_factory.mktemp(f"site-{attempt}")
        out = root / "html"
        result = _sphinx_build(out, root / "doctrees")
        if result.returncode == 0 and (out / "index.html").is_file():
            return out
        if attempt == 1:
            time.sleep(60)
    pytest.fail(
        f"sphinx build of {DOCS} failed twice (exit {result.returncode}):\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    )


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    """``http://127.0.0.1:<random port>/`` serving the built site."""
    with serve(site) as url:
        yield url


# --------------------------------------------------------------------------- visits


@dataclass
class Visit:
    """What one page showed in one colour scheme."""

    page: str
    scheme: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    prefers_dark: bool = False
    body_background: str = ""
    diagrams: list[dict[str, Any]] = field(default_factory=list)
    # diagram id -> (screenshot path, PNG bytes, distinct colours, pixel contrast or None)
    shots: dict[str, tuple[Path, int, int, float | None]] = field(default_factory=dict)


def _label(visit: Visit, diagram: dict[str, Any]) -> str:
    figure = f" ({diagram['figure']})" if diagram.get("figure") else ""
    return f"{visit.page} [{visit.scheme}] diagram {diagram['id']}{figure}"


def _screenshot_stats(
    png: bytes, text_box: dict[str, float] | None
) -> tuple[int, float | None]:
    """Distinct colours of the whole image, and the contrast between the lightest and the
    darkest pixel inside ``text_box`` (CSS px relative to the image)."""
    with Image.open(io.BytesIO(png)) as raw:
        image = raw.convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    if text_box is None:
        return len(colours), None
    left = max(0, int(text_box["x"]))
    top = max(0, int(text_box["y"]))
    right = min(image.width, int(text_box["x"] + text_box["width"] + 0.999))
    bottom = min(image.height, int(text_box["y"] + text_box["height"] + 0.999))
    if right <= left or bottom <= top:
        return len(colours), None
    crop = image.crop((left, top, right, bottom))
    pixels: list[tuple[float, float, float]] = []
    for _, colour in crop.getcolors(maxcolors=crop.width * crop.height) or []:
        assert isinstance(colour, tuple)  # RGB image: one tuple per colour
        pixels.append((float(colour[0]), float(colour[1]), float(colour[2])))
    lightest = max(pixels, key=relative_luminance)
    darkest = min(pixels, key=relative_luminance)
    return len(colours), contrast_ratio(lightest, darkest)


def _visit(context: BrowserContext, site_url: str, path: str, scheme: str, shots: Path) -> Visit:
    visit = Visit(page=path, scheme=scheme)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            visit.console_errors.append(f"console: {message.text} ({where})")

    def on_request(request: Request) -> None:
        visit.requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.console_errors.append(f"pageerror: {error}"))
    page.on("request", on_request)
    try:
        page.goto(urljoin(site_url, path), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        measured = page.evaluate(MEASURE_JS, [MAX_CONTRAST_SAMPLES, MAX_GROUP_SAMPLES])
        visit.prefers_dark = measured["prefersDark"]
        visit.body_background = measured["bodyBackground"]
        visit.diagrams = measured["diagrams"]
        svgs = page.locator(".k8sarch-diagram svg")
        for diagram in visit.diagrams:
            if not diagram["hasSvg"]:
                continue
            locator = page.locator(".k8sarch-diagram").nth(diagram["index"]).locator("svg")
            diagram["visible"] = locator.first.is_visible()
            name = f"{scheme}-{path.replace('/', '_')}-{diagram['id']}.png"
            target = shots / name
            png = locator.first.screenshot(path=target, animations="disabled")
            samples = diagram.get("samples") or []
            text_box = samples[0]["texts"][0]["box"] if samples else None
            colours, pixel_contrast = _screenshot_stats(png, text_box)
            visit.shots[diagram["id"]] = (target, len(png), colours, pixel_contrast)
        assert svgs.count() == len(visit.diagrams)
        page.wait_for_timeout(100)  # let late console messages arrive
    finally:
        page.close()
    return visit


@pytest.fixture(scope="module")
def diagram_pages(site: Path) -> list[str]:
    """Site-relative paths of the built pages that contain at least one diagram."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if 'class="k8sarch-diagram"' in p.read_text(encoding="utf-8")
    )


@pytest.fixture(scope="module")
def visits(
    chromium_browser: Browser,
    site_url: str,
    diagram_pages: list[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, list[Visit]]:
    """Every diagram page visited once per colour scheme, keyed by scheme."""
    shots = tmp_path_factory.mktemp("screenshots")
    result: dict[str, list[Visit]] = {}
    for scheme in SCHEMES:
        context = new_context(chromium_browser, site_url, scheme)
        try:
            result[scheme] = [
                _visit(context, site_url, path, scheme, shots) for path in diagram_pages
            ]
        finally:
            context.close()
    return result


# --------------------------------------------------------------------------- tests


def test_diagram_pages_found(diagram_pages: list[str]) -> None:
    assert COURSE_PAGE in diagram_pages, diagram_pages
    assert any(p.startswith("guide/") for p in diagram_pages), diagram_pages


@pytest.mark.parametrize("scheme", SCHEMES)
def test_colour_scheme_applies(visits: dict[str, list[Visit]], scheme: str) -> None:
    for visit in visits[scheme]:
        assert visit.prefers_dark == (scheme == "dark"), visit.page
        background = parse_css_colour(visit.body_background)
        assert background is not None, visit.body_background
        dark_page = relative_luminance(composite(background, (255.0, 255.0, 255.0))) < 0.2
        assert dark_page == (scheme == "dark"), f"{visit.page}: body {visit.body_background}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_diagrams_visible_and_fit_column(visits: dict[str, list[Visit]], scheme: str) -> None:
    problems: list[str] = []
    for visit in visits[scheme]:
        assert visit.diagrams, f"{visit.page}: no .k8sarch-diagram found"
        for d in visit.diagrams:
            label = _label(visit, d)
            if not d["hasSvg"]:
                problems.append(f"{label}: no <svg> inside .k8sarch-diagram")
                continue
            box, column = d["svg"], d["column"]
            right = box["x"] + box["width"]
            column_right = column["x"] + column["width"]
            if not d["visible"]:
                problems.append(f"{label}: svg not visible")
            if box["width"] <= 150 or box["height"] <= 80:
                problems.append(f"{label}: svg too small {box['width']:.1f}x{box['height']:.1f}")
            if right > column_right + 1:
                problems.append(
                    f"{label}: svg right edge {right:.1f}px exceeds {d['columnSelector']} right "
                    f"edge {column_right:.1f}px by {right - column_right:.1f}px "
                    f"(svg width {box['width']:.1f}px, column width {column['width']:.1f}px)"
                )
            if box["width"] > VIEWPORT_WIDTH or right > VIEWPORT_WIDTH + 1:
                problems.append(
                    f"{label}: svg ({box['x']:.1f}+{box['width']:.1f}px) wider than the "
                    f"{VIEWPORT_WIDTH}px viewport"
                )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_diagram_text_and_accessible_name(visits: dict[str, list[Visit]], scheme: str) -> None:
    problems: list[str] = []
    for visit in visits[scheme]:
        for d in visit.diagrams:
            if not d["hasSvg"]:
                continue  # reported by test_diagrams_visible_and_fit_column
            label = _label(visit, d)
            if d["nonEmptyTextCount"] < 1:
                problems.append(f"{label}: no non-empty <text> ({d['textCount']} text elements)")
            # An image cannot hold links (axe-core's nested-interactive): with links, a group.
            expected = "group" if d.get("links") else "img"
            if d["role"] != expected:
                problems.append(f"{label}: role={d['role']!r}, expected {expected!r}")
            refs = d["labelledby"]
            if not refs:
                problems.append(f"{label}: no aria-labelledby")
            for ref in refs:
                if ref["tag"] is None:
                    problems.append(f"{label}: aria-labelledby -> missing id {ref['id']!r}")
                elif ref["tag"] not in ("title", "desc") or not ref["inSvg"]:
                    problems.append(
                        f"{label}: aria-labelledby -> {ref['id']!r} is <{ref['tag']}>"
                        f"{'' if ref['inSvg'] else ' outside the svg'}, expected title/desc"
                    )
                elif not ref["text"]:
                    problems.append(f"{label}: aria-labelledby -> <{ref['tag']}> is empty")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_console_errors(visits: dict[str, list[Visit]], scheme: str) -> None:
    problems = [f"{v.page} [{scheme}]: {e}" for v in visits[scheme] for e in v.console_errors]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_no_request_leaves_the_machine(
    visits: dict[str, list[Visit]], site_url: str, scheme: str
) -> None:
    problems = [
        f"{v.page} [{scheme}]: {url}"
        for v in visits[scheme]
        for url in v.requests
        if not is_local(url, site_url)
    ]
    assert all(v.requests for v in visits[scheme]), "request listener recorded nothing"
    assert not problems, "requests to outside 127.0.0.1:\n" + "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_text_contrast(visits: dict[str, list[Visit]], scheme: str) -> None:
    problems: list[str] = []
    checked = 0
    for visit in visits[scheme]:
        page_bg = parse_css_colour(visit.body_background) or (255.0, 255.0, 255.0, 1.0)
        backdrop = composite(page_bg, (255.0, 255.0, 255.0))
        for d in visit.diagrams:
            label = _label(visit, d)
            samples = d.get("samples") or []
            if d["hasSvg"] and d["nonEmptyTextCount"] and not samples:
                problems.append(f"{label}: no g.node/g.cluster with text to sample")
            for sample in samples:
                # A frame without fill (the legend, a zone) or text without a box (a legend
                # entry) stands on the page.
                fill = parse_css_colour(sample["boxFill"] or "none")
                if fill is None and sample["boxFill"] not in (None, "none"):
                    problems.append(
                        f"{label} {sample['kind']} {sample['node']}: box fill {sample['boxFill']!r} "
                        "is not a colour"
                    )
                    continue
                box = backdrop if fill is None else composite(fill, backdrop)
                for text in sample["texts"]:
                    colour = parse_css_colour(text["fill"])
                    if colour is None:
                        problems.append(
                            f"{label} {sample['kind']} {sample['node']} text {text['text']!r}: fill "
                            f"{text['fill']!r} is not a colour"
                        )
                        continue
                    ratio = contrast_ratio(composite(colour, box), box)
                    checked += 1
                    if ratio < MIN_TEXT_CONTRAST:
                        problems.append(
                            f"{label} {sample['kind']} {sample['node']} text {text['text']!r}: "
                            f"{text['fill']} on {sample['boxFill']} = {ratio:.2f}:1 "
                            f"< {MIN_TEXT_CONTRAST}:1"
                        )
    assert checked, "no text was sampled"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_screenshots_not_blank_and_readable(
    visits: dict[str, list[Visit]], scheme: str
) -> None:
    problems: list[str] = []
    for visit in visits[scheme]:
        for d in visit.diagrams:
            if not d["hasSvg"]:
                continue
            label = _label(visit, d)
            path, size, colours, pixel_contrast = visit.shots[d["id"]]
            if size <= MIN_PNG_BYTES or colours <= 2:
                problems.append(f"{label}: blank screenshot {path} ({size} B, {colours} colours)")
            if pixel_contrast is not None and pixel_contrast < MIN_PIXEL_CONTRAST:
                sample = d["samples"][0]
                problems.append(
                    f"{label}: rendered text {sample['texts'][0]['text']!r} of {sample['kind']} "
                    f"{sample['node']} has pixel contrast {pixel_contrast:.2f}:1 "
                    f"< {MIN_PIXEL_CONTRAST}:1 (screenshot {path})"
                )
            elif pixel_contrast is None and d.get("samples"):
                problems.append(f"{label}: sampled text lies outside the screenshot {path}")
    assert not problems, "\n".join(problems)


def test_clicking_a_component_opens_its_description(
    chromium_browser: Browser, site_url: str
) -> None:
    context = new_context(chromium_browser, site_url, "light")
    try:
        page = context.new_page()
        page.goto(urljoin(site_url, COURSE_PAGE), wait_until="load")
        hrefs: list[str] = page.locator(".k8sarch-diagram svg a[href]").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
        candidates = [
            i for i, h in enumerate(hrefs)
            if h.startswith("#") or urlsplit(h).path.endswith("glosario.html")
        ]
        assert candidates, f"no component link to '#...' or the glossary in {COURSE_PAGE}"
        index = candidates[0]
        href = hrefs[index]
        anchor = page.locator(".k8sarch-diagram svg a[href]").nth(index)
        target = urljoin(page.url, href)
        fragment = urlsplit(target).fragment
        assert fragment, f"component link {href!r} has no fragment"
        # An SVG <a> has no box of its own: click what it draws.
        anchor.locator("text, path, polygon").first.click()
        if href.startswith("#"):
            page.wait_for_function("h => location.hash === h", arg=f"#{fragment}")
        else:
            page.wait_for_url(target)
            page.wait_for_load_state("load")
        assert urlsplit(page.url).fragment == fragment, page.url
        element = page.locator(f'[id="{unquote(fragment)}"]')
        assert element.count() == 1, f"{page.url}: no element with id {unquote(fragment)!r}"
        # The browser scrolls to the fragment some time after load (later on a busy
        # machine: a fixed 200 ms wait failed once in CI): wait for it, then check.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(
                "([id, h]) => { const r = document.getElementById(id)"
                "?.getBoundingClientRect(); return r && r.top >= 0 && r.top < h; }",
                arg=[unquote(fragment), VIEWPORT_HEIGHT], timeout=5000)
        box = element.bounding_box()
        assert box is not None, f"{page.url}: #{fragment} is not rendered"
        assert 0 <= box["y"] < VIEWPORT_HEIGHT and box["y"] + box["height"] > 0, (
            f"{page.url}: #{fragment} is outside the viewport after the click (y={box['y']})"
        )
        if not href.startswith("#"):
            assert urlsplit(page.url).path.endswith(f"/{GLOSSARY_PAGE}"), page.url
            assert fragment.startswith("term-"), fragment
    finally:
        context.close()
