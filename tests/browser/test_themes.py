"""The figures in every theme and colour scheme: contrast, palette and axe-core.

``tests/roots/test-themes`` (every kind of box, line and label, a highlighted component,
a folded pool, own components, external etcd, zones and a failure) is built once per theme
(alabaster, sphinx_rtd_theme, furo, pydata-sphinx-theme, sphinx-book-theme) and visited in
Chromium with the system in light and in dark mode, with JavaScript on and off. For every
text of every figure the test finds what is really painted behind it (the shapes under its
centre, over the page's own background) and its own colour, and asks:

* labels of components, machines, zones and the legend: at least 4.5:1 (WCAG AA text);
* labels of the lines (ports, also on a broken conversation): at least 3:1 against what is
  behind them, the page's background where they cross no box;
* the dark palette only where the page behind the figure really is dark: never on
  alabaster and sphinx_rtd_theme, which have no dark mode, always on the three themes that
  follow the system;
* axe-core finds no violation inside a figure or in the full-screen view.

The table of the lowest contrasts per theme and scheme is written at the end of the run
(and to ``contrast.md`` in pytest's temporary directory).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from helpers.browser import (
    DARK_THEMES,
    NO_AXE,
    SCHEMES,
    THEMES,
    ThemeSites,
    is_local,
    new_context,
)
from helpers.contrast import (
    RGB,
    composite,
    contrast_ratio,
    hex_colour,
    is_dark,
    layered,
    parse_css_colour,
    relative_luminance,
)
from playwright.sync_api import Browser, Page
import pytest

MIN_TEXT = 4.5  # WCAG AA, normal-size text
MIN_EDGE_LABEL = 3.0  # WCAG 1.4.11: labels of the lines, read with them
FIGURES = ("fig-parts", "fig-external", "fig-failures", "fig-down", "fig-k3d")

# Every non-empty text of every figure: its colour, and the colours painted under its
# centre (shapes before it in document order whose fill holds that point), bottom first.
MEASURE_JS = """
() => {
  const chain = (el) => {
    const out = [];
    for (let e = el; e; e = e.parentElement) out.push(getComputedStyle(e).backgroundColor);
    return out.reverse();
  };
  const opacity = (el, stop) => {
    let o = 1;
    for (let e = el; e && e !== stop; e = e.parentElement) {
      o *= parseFloat(getComputedStyle(e).opacity);
    }
    return o;
  };
  const paint = (el, stop) => {
    const s = getComputedStyle(el);
    return {fill: s.fill, alpha: parseFloat(s.fillOpacity) * opacity(el, stop)};
  };
  const SHAPES = 'path, polygon, ellipse, rect, polyline, circle';
  return {
    prefersDark: matchMedia('(prefers-color-scheme: dark)').matches,
    diagrams: Array.from(document.querySelectorAll('.k8sarch-diagram')).map((div) => {
      const svg = div.querySelector('svg.k8sarch-svg');
      const figure = div.closest('figure');
      const info = {
        id: div.id,
        figure: figure ? figure.id : '',
        scheme: div.getAttribute('data-k8sarch-scheme'),
        fg: getComputedStyle(div).getPropertyValue('--k8s-fg').trim(),
        page: chain(div.parentElement),
        hasSvg: svg !== null,
        toolbar: div.querySelectorAll('button').length,
        texts: [],
      };
      if (svg === null) return info;
      const shapes = Array.from(svg.querySelectorAll(SHAPES));
      for (const t of svg.querySelectorAll('text')) {
        const text = t.textContent.trim();
        if (!text) continue;
        const box = t.getBBox();
        const centre = new DOMPoint(box.x + box.width / 2, box.y + box.height / 2);
        const under = [];
        const over = [];
        for (const shape of shapes) {
          const s = getComputedStyle(shape);
          if (s.fill === 'none' || s.display === 'none' || s.visibility === 'hidden') continue;
          if (!shape.isPointInFill(centre)) continue;
          const after = t.compareDocumentPosition(shape) & Node.DOCUMENT_POSITION_FOLLOWING;
          (after ? over : under).push(paint(shape, svg));
        }
        const group = t.closest('g.edge, g.node, g.cluster');
        info.texts.push({
          text: text,
          kind: group === null ? 'other' : group.classList.contains('edge') ? 'edge'
            : group.classList.contains('node') ? 'node' : 'group',
          classes: group === null ? '' : group.getAttribute('class'),
          down: t.closest('.k8s-down') !== null,
          broken: t.closest('.k8s-edge--broken') !== null,
          colour: paint(t, svg),
          under: under,
          over: over.length,
        });
      }
      return info;
    }),
  };
}
"""

AXE_JS = """
async (selector) => {
  const result = await axe.run({include: [[selector]]}, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary),
  }));
}
"""


@dataclass
class Label:
    """One text of a figure and its contrast against what is behind it."""

    figure: str
    text: str
    kind: str  # node, group, edge or other
    classes: str
    down: bool
    broken: bool
    colour: RGB
    backdrop: RGB
    covered: bool

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.colour, self.backdrop)

    @property
    def minimum(self) -> float:
        return MIN_EDGE_LABEL if self.kind == "edge" else MIN_TEXT

    def __str__(self) -> str:
        return (f"{self.figure} {self.kind} {self.text!r} ({self.classes}): "
                f"{hex_colour(self.colour)} on {hex_colour(self.backdrop)} = {self.ratio:.2f}:1")


@dataclass
class Visit:
    theme: str
    scheme: str
    javascript: bool
    prefers_dark: bool = False
    page: RGB = (255.0, 255.0, 255.0)
    palette_dark: dict[str, bool] = field(default_factory=dict)
    scheme_attr: dict[str, str | None] = field(default_factory=dict)
    toolbar: dict[str, int] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    axe: list[dict[str, Any]] | None = None  # None: axe-core was not run
    viewer_axe: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.theme} [{self.scheme}, JavaScript {'on' if self.javascript else 'off'}]"

    @property
    def page_dark(self) -> bool:
        return is_dark(self.page)


def _paint(value: dict[str, Any]) -> tuple[float, float, float, float] | None:
    colour = parse_css_colour(value["fill"])
    if colour is None:
        return None
    return colour[0], colour[1], colour[2], colour[3] * value["alpha"]


def _labels(diagram: dict[str, Any], page: RGB) -> list[Label]:
    labels = []
    for t in diagram["texts"]:
        backdrop = page
        for shape in t["under"]:
            paint = _paint(shape)
            if paint is not None:
                backdrop = composite(paint, backdrop)
        colour = _paint(t["colour"])
        assert colour is not None, f"{diagram['figure']}: text {t['text']!r} fill {t['colour']}"
        labels.append(Label(diagram["figure"], t["text"], t["kind"], t["classes"], t["down"],
                            t["broken"], composite(colour, backdrop), backdrop,
                            t["over"] > 0))
    return labels


def _run_axe(page: Page, axe_source: str, selector: str) -> list[dict[str, Any]]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result: list[dict[str, Any]] = page.evaluate(AXE_JS, selector)
    return result


def _visit(browser: Browser, sites: ThemeSites, theme: str, scheme: str, javascript: bool,
           axe_source: str | None) -> Visit:
    visit = Visit(theme, scheme, javascript)
    context = new_context(browser, sites.url, scheme, javascript=javascript)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: visit.errors.append(f"pageerror: {error}"))
        page.on("console", lambda m: visit.errors.append(f"console: {m.text}")
                if m.type == "error" else None)
        page.on("request", lambda r: visit.requests.append(r.url))
        page.goto(sites.page(theme), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(100)  # themes that set their scheme after load (pydata)
        measured = page.evaluate(MEASURE_JS)
        visit.prefers_dark = measured["prefersDark"]
        for d in measured["diagrams"]:
            assert d["hasSvg"], f"{visit.name}: {d['figure']} has no svg"
            page_colour = layered(d["page"])
            visit.page = page_colour
            fg = parse_css_colour(d["fg"])
            assert fg is not None, f"{visit.name}: --k8s-fg is {d['fg']!r}"
            # The dark palette writes light text.
            visit.palette_dark[d["figure"]] = relative_luminance(fg[:3]) > 0.5
            visit.scheme_attr[d["figure"]] = d["scheme"]
            visit.toolbar[d["figure"]] = d["toolbar"]
            visit.labels.extend(_labels(d, page_colour))
        if axe_source is not None:
            visit.axe = _run_axe(page, axe_source, ".k8sarch-diagram")
            page.locator(".k8sarch-fullscreen").first.click()
            page.locator(".k8sarch-viewer").wait_for()
            visit.viewer_axe = _run_axe(page, axe_source, ".k8sarch-viewer")
            page.keyboard.press("Escape")
    finally:
        context.close()
    return visit


@pytest.fixture(scope="module")
def visit(chromium_browser: Browser, theme_sites: ThemeSites, axe_source: str | None
          ) -> Callable[[str, str, bool], Visit]:
    """Each theme × scheme × JavaScript visited once, on first use."""
    done: dict[tuple[str, str, bool], Visit] = {}

    def get(theme: str, scheme: str, javascript: bool = True) -> Visit:
        key = (theme, scheme, javascript)
        if key not in done:
            done[key] = _visit(chromium_browser, theme_sites, theme, scheme, javascript,
                               axe_source if javascript else None)
        return done[key]

    return get


MATRIX = [(theme, scheme) for theme in THEMES for scheme in SCHEMES]
IDS = [f"{theme}-{scheme}" for theme, scheme in MATRIX]
BOTH = pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])


@pytest.mark.parametrize(("theme", "scheme"), MATRIX, ids=IDS)
@BOTH
def test_dark_palette_only_on_a_dark_page(
    visit: Callable[[str, str, bool], Visit], theme: str, scheme: str, javascript: bool
) -> None:
    v = visit(theme, scheme, javascript)
    assert v.prefers_dark == (scheme == "dark"), v.name
    assert set(v.palette_dark) == set(FIGURES), v.name
    for figure, dark in v.palette_dark.items():
        assert dark == v.page_dark, (
            f"{v.name} {figure}: {'dark' if dark else 'light'} palette on a "
            f"{'dark' if v.page_dark else 'light'} page ({hex_colour(v.page)})")
    if javascript:
        # The theme decides: the three that follow the system are dark in a dark system,
        # the two without a dark mode stay light.
        expected = scheme == "dark" and theme in DARK_THEMES
        assert v.page_dark == expected, f"{v.name}: page {hex_colour(v.page)}"
        assert set(v.scheme_attr.values()) == {"dark" if expected else "light"}, v.scheme_attr


@pytest.mark.parametrize(("theme", "scheme"), MATRIX, ids=IDS)
@BOTH
def test_label_contrast(
    visit: Callable[[str, str, bool], Visit], theme: str, scheme: str, javascript: bool,
    contrast_rows: list[dict[str, Any]]
) -> None:
    v = visit(theme, scheme, javascript)
    problems = [f"{v.name}: no {what} measured" for what, found in (
        ("component label", any(label.kind == "node" for label in v.labels)),
        ("machine label", any(label.kind == "group" for label in v.labels)),
        ("edge label", any(label.kind == "edge" for label in v.labels)),
        ("label in a down box", any(label.down for label in v.labels)),
        ("broken-edge label", any(label.broken for label in v.labels))) if not found]
    problems += [f"{v.name} {label} < {label.minimum}:1" for label in v.labels
                 if label.ratio < label.minimum]
    problems += [f"{v.name} {label}: covered by a shape drawn after it" for label in v.labels
                 if label.covered]
    if javascript:
        contrast_rows.append(_row(v))
    assert not problems, "\n".join(problems)


def _lowest(labels: list[Label], keep: Callable[[Label], bool]) -> Label | None:
    chosen = [label for label in labels if keep(label)]
    return min(chosen, key=lambda label: label.ratio) if chosen else None


def _row(v: Visit) -> dict[str, Any]:
    return {
        "theme": v.theme, "scheme": v.scheme, "page": hex_colour(v.page),
        "palette": "dark" if all(v.palette_dark.values()) else "light",
        "labels": _lowest(v.labels, lambda label: label.kind != "edge"),
        "edges": _lowest(v.labels, lambda label: label.kind == "edge"),
        "down": _lowest(v.labels, lambda label: label.down and label.kind != "edge"),
        "broken": _lowest(v.labels, lambda label: label.broken),
        "count": len(v.labels),
    }


@pytest.mark.parametrize(("theme", "scheme"), MATRIX, ids=IDS)
def test_axe_finds_nothing_in_the_figures(
    visit: Callable[[str, str, bool], Visit], theme: str, scheme: str
) -> None:
    v = visit(theme, scheme, True)
    if v.axe is None:
        pytest.skip(NO_AXE)
    found = [f"{where}: {item['id']} ({item['impact']}): {item['help']}\n    "
             + "\n    ".join(item["nodes"])
             for where, items in (("figures", v.axe), ("full-screen view", v.viewer_axe))
             for item in items]
    assert not found, f"{v.name}:\n" + "\n".join(found)


@pytest.mark.parametrize(("theme", "scheme"), MATRIX, ids=IDS)
@BOTH
def test_no_errors_and_nothing_leaves_the_machine(
    visit: Callable[[str, str, bool], Visit], theme_sites: ThemeSites, theme: str,
    scheme: str, javascript: bool
) -> None:
    v = visit(theme, scheme, javascript)
    assert not v.errors, f"{v.name}:\n" + "\n".join(v.errors)
    outside = [url for url in v.requests if not is_local(url, theme_sites.url)]
    assert v.requests and not outside, f"{v.name}: requests to outside: {outside}"
    # The script adds the full-screen button; without it the figure has no toolbar.
    expected = 1 if javascript else 0
    assert set(v.toolbar.values()) == {expected}, f"{v.name}: buttons {v.toolbar}"
