"""k8sarch.js in Chromium, and the figure without it.

On the furo build of ``tests/roots/test-themes``: hovering or focusing a component
highlights its conversations and dims the rest; the full-screen view opens as a modal
dialog, zooms and moves with the keyboard and the mouse, keeps the focus inside and gives
it back to its button on Escape. With JavaScript off the figure is whole: visible, its
links lead to the descriptions, no toolbar. The download links under each figure lead to
the rendered SVG and PNG.
"""

from __future__ import annotations

from collections.abc import Iterator
import contextlib
import io
import re
from typing import Any
from urllib.parse import urljoin
import xml.etree.ElementTree as ET

from helpers.browser import ThemeSites, new_context
from PIL import Image
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
import pytest

THEME = "furo"
FIGURE = "#fig-external"
APISERVER = f"{FIGURE} g.node.k8s-c-kube-apiserver"
SVG_NS = "{http://www.w3.org/2000/svg}"

# Which nodes and edges of a figure are lit, and the opacity of each kind.
STATE_JS = """
(svg) => {
  const lit = (sel) => Array.from(svg.querySelectorAll(sel))
    .filter((el) => el.classList.contains('k8sarch-lit')).map((el) => el.id);
  const opacity = (sel) => Array.from(svg.querySelectorAll(sel))
    .map((el) => parseFloat(getComputedStyle(el).opacity));
  return {
    dimmed: svg.classList.contains('k8sarch-dimmed'),
    litNodes: lit('g.node'), litEdges: lit('g.edge'),
    edges: Array.from(svg.querySelectorAll('g.edge')).map((e) => ({
      id: e.id, classes: e.getAttribute('class'), lit: e.classList.contains('k8sarch-lit'),
      opacity: parseFloat(getComputedStyle(e).opacity)})),
    nodeOpacities: opacity('g.node:not(.k8sarch-lit)'),
  };
}
"""


@pytest.fixture
def page(chromium_browser: Browser, theme_sites: ThemeSites) -> Iterator[Page]:
    context = new_context(chromium_browser, theme_sites.url, "light")
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(theme_sites.page(THEME), wait_until="load")
        yield page
    finally:
        context.close()
    assert not errors, errors


def _state(page: Page, figure: str = FIGURE) -> dict[str, Any]:
    state: dict[str, Any] = page.locator(f"{figure} svg").evaluate(STATE_JS)
    return state


def _node_name(element_id: str) -> str:
    return element_id.split("-n-", 1)[1]


def _settled(page: Page, figure: str = FIGURE) -> None:
    """The dimming fades in (0.15 s): wait until what is dimmed is at its final opacity and
    what is lit at full (a failure to get there is reported by the assertions after)."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            """(sel) => {
              const svg = document.querySelector(sel + ' svg');
              return svg.classList.contains('k8sarch-dimmed') && Array.from(
                svg.querySelectorAll('g.edge, g.node')).every((g) => {
                  const o = parseFloat(getComputedStyle(g).opacity);
                  return g.classList.contains('k8sarch-lit') ? o === 1 : o === 0.25;
                });
            }""",
            arg=figure,
            timeout=5_000,
        )


def _assert_highlights(state: dict[str, Any], node_id: str) -> None:
    name = _node_name(node_id)
    assert state["dimmed"]
    assert node_id in state["litNodes"]
    own = [e for e in state["edges"] if f"k8s-end-{name}" in e["classes"].split()]
    assert own, f"no edge ends at {name}"
    assert all(e["lit"] and e["opacity"] == 1 for e in own), own
    others = [e for e in state["edges"] if not e["lit"]]
    assert others, "every edge lit: nothing is dimmed"
    assert all(e["opacity"] < 0.5 for e in others), others
    assert state["nodeOpacities"] and max(state["nodeOpacities"]) < 0.5


#: Drawn by dot, and turned over by the renderer (drawn as laid out: -Kneato -n2).
@pytest.mark.parametrize("figure", [FIGURE, "#fig-k3d"])
def test_hovering_a_component_highlights_its_conversations(page: Page, figure: str) -> None:
    component = page.locator(f"{figure} g.node.k8s-c-kube-apiserver").first
    node_id = component.get_attribute("id")
    assert node_id
    assert not _state(page, figure)["dimmed"]
    component.locator("path").first.hover()
    _settled(page, figure)
    _assert_highlights(_state(page, figure), node_id)
    # Out of the figure: everything back.
    page.mouse.move(2, 2)
    state = _state(page, figure)
    assert not state["dimmed"] and not state["litNodes"] and not state["litEdges"]


def test_focusing_a_component_by_keyboard_highlights_it(page: Page) -> None:
    # Tab from the top of the page until a link of the figure has the focus.
    page.locator("body").focus()
    focused: dict[str, Any] = {}
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(sel) => {
              const a = document.activeElement;
              const fig = document.querySelector(sel);
              const g = a && a.closest ? a.closest('g.node') : null;
              return {inFigure: fig.contains(a), node: g ? g.id : null, tag: a.localName,
                      label: a.getAttribute('aria-label')};
            }""",
            FIGURE,
        )
        if focused["inFigure"] and focused["node"]:
            break
    assert focused.get("inFigure") and focused["tag"] == "a", focused
    assert focused["label"], "a focused component link needs an accessible name"
    _settled(page)
    _assert_highlights(_state(page), focused["node"])
    # A visible focus indicator: the box's border gets thicker.
    width = page.evaluate(
        "() => getComputedStyle(document.activeElement.querySelector('path')).strokeWidth")
    assert float(width.removesuffix("px")) >= 3
    # Focus leaves the figure (to the download links under it): everything back.
    for _ in range(100):
        page.keyboard.press("Tab")
        if not page.evaluate(f"() => document.querySelector('{FIGURE} svg')"
                             ".contains(document.activeElement)"):
            break
    assert not _state(page)["dimmed"]


def near(value: float) -> Any:
    """The transform is serialised with 6 significant digits."""
    return pytest.approx(value, rel=1e-4, abs=0.01)


def _transform(page: Page) -> tuple[float, float, float]:
    value = page.locator(".k8sarch-viewer-stage svg").evaluate("s => s.style.transform")
    match = re.fullmatch(r"translate\(([-\d.e]+)px, ?([-\d.e]+)px\) scale\(([-\d.e]+)\)", value)
    assert match, value
    x, y, scale = (float(g) for g in match.groups())
    return x, y, scale


def test_full_screen_view_zooms_pans_and_gives_focus_back(page: Page) -> None:
    opener = page.locator(f"{FIGURE} button.k8sarch-fullscreen")
    assert opener.get_attribute("aria-haspopup") == "dialog"
    assert opener.inner_text() == "Full screen"
    opener.click()
    viewer = page.get_by_role("dialog")
    viewer.wait_for()
    title = page.locator(f"{FIGURE} svg > title").text_content()
    assert viewer.get_attribute("aria-modal") == "true"
    assert viewer.get_attribute("aria-label") == title == "External etcd"
    stage = page.locator(".k8sarch-viewer-stage")
    assert page.evaluate("() => document.activeElement.className") == "k8sarch-viewer-stage"
    assert stage.get_attribute("aria-describedby")
    # The copy takes the whole window and has no ids of its own (no duplicates).
    box = stage.bounding_box()
    assert box and box["width"] > 1000 and box["height"] > 700
    assert page.locator(".k8sarch-viewer [id]").count() == 1  # the help text only
    x0, y0, fitted = _transform(page)

    page.keyboard.press("+")
    x1, y1, zoomed = _transform(page)
    assert zoomed == near(fitted * 1.25)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowUp")
    x2, y2, _ = _transform(page)
    assert (x2 - x1, y2 - y1) == (near(40), near(40))
    page.keyboard.press("-")
    assert _transform(page)[2] == near(zoomed * 0.8)
    page.keyboard.press("0")
    assert _transform(page) == (near(x0), near(y0), near(fitted))

    # The mouse: the wheel zooms around the pointer, dragging moves the figure.
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(centre_x, centre_y)
    page.mouse.wheel(0, -100)
    assert _transform(page)[2] == near(fitted * 1.15)
    before = _transform(page)
    page.mouse.down()
    page.mouse.move(centre_x + 50, centre_y + 30, steps=5)
    page.mouse.up()
    after = _transform(page)
    assert (after[0] - before[0], after[1] - before[1]) == (near(50), near(30))

    # The buttons work and Tab stays inside the dialog.
    page.get_by_role("button", name="Zoom in").click()
    assert _transform(page)[2] == near(fitted * 1.15 * 1.25)
    page.get_by_role("button", name="Fit").click()
    assert _transform(page)[2] == near(fitted)
    for _ in range(7):
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.closest('.k8sarch-viewer') !== null")

    page.keyboard.press("Escape")
    assert page.locator(".k8sarch-viewer").count() == 0
    assert page.evaluate("() => document.activeElement.classList.contains('k8sarch-fullscreen')"
                         " && document.activeElement.closest('#fig-external') !== null")
    # The Close button does the same.
    opener.click()
    page.get_by_role("button", name="Close").click()
    assert page.locator(".k8sarch-viewer").count() == 0
    assert page.evaluate("() => document.activeElement.classList.contains('k8sarch-fullscreen')")


def test_full_screen_view_pans_and_pinches_by_touch(
    chromium_browser: Browser, theme_sites: ThemeSites
) -> None:
    """One finger moves the figure, two fingers spreading apart zoom in (touch events
    through the DevTools protocol, as a touch screen sends them)."""
    context = new_context(chromium_browser, theme_sites.url, "light", touch=True)
    try:
        page = context.new_page()
        page.goto(theme_sites.page(THEME), wait_until="load")
        page.locator(f"{FIGURE} button.k8sarch-fullscreen").tap()
        page.get_by_role("dialog").wait_for()
        box = page.locator(".k8sarch-viewer-stage").bounding_box()
        assert box
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        cdp = context.new_cdp_session(page)

        def touch(kind: str, *points: tuple[float, float]) -> None:
            cdp.send("Input.dispatchTouchEvent", {
                "type": kind,
                "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})

        x0, y0, fitted = _transform(page)
        touch("touchStart", (cx, cy))
        for step in range(1, 6):
            touch("touchMove", (cx + 12 * step, cy + 8 * step))
        touch("touchEnd")
        x1, y1, scale = _transform(page)
        assert (x1 - x0, y1 - y0, scale) == (near(60), near(40), near(fitted))

        touch("touchStart", (cx - 50, cy), (cx + 50, cy))
        for step in range(1, 6):
            touch("touchMove", (cx - 50 - 20 * step, cy), (cx + 50 + 20 * step, cy))
        touch("touchEnd")
        # Each finger's move is an event of its own: the pinch starts when the first finger
        # of the first move has gone (120 px apart) and ends 300 px apart.
        assert _transform(page)[2] == near(fitted * 300 / 120)
        page.keyboard.press("Escape")
        assert page.locator(".k8sarch-viewer").count() == 0
    finally:
        context.close()


def test_figure_is_whole_without_javascript(
    chromium_browser: Browser, theme_sites: ThemeSites
) -> None:
    context = new_context(chromium_browser, theme_sites.url, "light", javascript=False)
    try:
        page = context.new_page()
        page.goto(theme_sites.page(THEME), wait_until="load")
        for figure in page.locator(".k8sarch-diagram").all():
            svg = figure.locator("svg.k8sarch-svg")
            assert svg.is_visible()
            box = svg.bounding_box()
            assert box and box["width"] > 150 and box["height"] > 80
            assert figure.locator("button").count() == 0, "a toolbar without its script"
            assert figure.locator("a.k8sarch-download").count() == 2
        assert page.locator(".k8sarch-viewer").count() == 0
        # A component's link leads to its description under the figure.
        link = page.locator(f"{APISERVER} a").first
        href = link.get_attribute("href")
        assert href and href.startswith("#")
        link.locator("path").first.click()
        page.wait_for_function("h => location.hash === h", arg=href)
        target = page.locator(f'[id="{href[1:]}"]')
        assert target.count() == 1
        assert "kube-apiserver" in target.inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_download_links_resolve_to_real_files(
    chromium_browser: Browser, theme_sites: ThemeSites, javascript: bool
) -> None:
    context = new_context(chromium_browser, theme_sites.url, "light", javascript=javascript)
    try:
        page = context.new_page()
        page.goto(theme_sites.page(THEME), wait_until="load")
        links = page.locator("a.k8sarch-download")
        assert links.count() == 2 * page.locator(".k8sarch-diagram").count()
        for index in range(links.count()):
            link = links.nth(index)
            href, name = link.get_attribute("href"), link.get_attribute("download")
            assert href and name
            suffix = href.rsplit(".", 1)[1]
            assert name.endswith(f".{suffix}") and suffix in ("svg", "png")
            response = context.request.get(urljoin(page.url, href))
            assert response.status == 200, href
            body = response.body()
            if suffix == "svg":
                root = ET.fromstring(body)
                assert root.tag == f"{SVG_NS}svg"
                assert root.findall(f".//{SVG_NS}text"), f"{href}: no text"
            else:
                with Image.open(io.BytesIO(body)) as image:
                    assert image.format == "PNG" and image.width > 300 and image.height > 200
        # Clicking one downloads it under the figure's name.
        with page.expect_download() as info:
            links.first.click()
        assert info.value.suggested_filename == links.first.get_attribute("download")
    finally:
        context.close()
