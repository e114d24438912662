"""The light palette is written twice: into the DOT (``core/palette.py``: PNG, PDF and the
downloadable files) and as the light custom properties of ``static/k8sarch.css`` (the
inline SVG in HTML). They must say the same; the dark palette exists only in the CSS,
declared the same way wherever it applies."""

from __future__ import annotations

import re

from helpers.paths import REPO
import pytest

from sphinx_k8sarch.core.palette import DOWN, EDGE_COLOUR, GROUP_STYLE, HIGHLIGHT, PALETTE, ZONE

CSS = REPO / "sphinx_k8sarch" / "static" / "k8sarch.css"
_BLOCK = re.compile(r"([^{}]+)\{([^{}]*)\}")
_PROPERTY = re.compile(r"(--k8s-[\w-]+)\s*:\s*([^;]+);")

#: custom property -> the value core/palette.py writes into the DOT.
LIGHT = {
    "--k8s-cp-fill": PALETTE["control-plane"][0], "--k8s-cp-line": PALETTE["control-plane"][1],
    "--k8s-etcd-fill": PALETTE["etcd"][0], "--k8s-etcd-line": PALETTE["etcd"][1],
    "--k8s-node-fill": PALETTE["node"][0], "--k8s-node-line": PALETTE["node"][1],
    "--k8s-client-fill": PALETTE["client"][0], "--k8s-client-line": PALETTE["client"][1],
    "--k8s-infra-fill": PALETTE["infra"][0], "--k8s-infra-line": PALETTE["infra"][1],
    "--k8s-addon-fill": PALETTE["addon"][0], "--k8s-addon-line": PALETTE["addon"][1],
    "--k8s-muted-fill": PALETTE["collapsed"][0], "--k8s-muted-line": PALETTE["collapsed"][1],
    "--k8s-own-fill": PALETTE["own"][0], "--k8s-own-line": PALETTE["own"][1],
    "--k8s-group-cp": GROUP_STYLE["control-plane"][0],
    "--k8s-group-worker": GROUP_STYLE["worker"][0],
    "--k8s-group-etcd": GROUP_STYLE["etcd-host"][0],
    "--k8s-group-addons": GROUP_STYLE["addons"][0],
    "--k8s-group-muted": GROUP_STYLE["collapsed"][0],
    "--k8s-group-muted-line": GROUP_STYLE["collapsed"][1],
    "--k8s-hl-fill": HIGHLIGHT[0], "--k8s-hl-line": HIGHLIGHT[1],
    "--k8s-edge-api": EDGE_COLOUR["api"], "--k8s-edge-etcd": EDGE_COLOUR["etcd"],
    "--k8s-edge-local": EDGE_COLOUR["local"], "--k8s-edge-service": EDGE_COLOUR["service"],
    "--k8s-edge-own": EDGE_COLOUR["own"],
    "--k8s-down-fill": DOWN[0], "--k8s-down-line": DOWN[1], "--k8s-zone-line": ZONE,
}
#: Machine borders take their family's line colour.
SHARED = {("control-plane", "--k8s-cp-line"), ("worker", "--k8s-node-line"),
          ("etcd-host", "--k8s-etcd-line"), ("addons", "--k8s-addon-line")}


def _blocks() -> list[tuple[str, dict[str, str]]]:
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"@media[^{]*\{", "", text)  # the rules inside a media query stand alone
    return [(" ".join(selector.split()), dict(_PROPERTY.findall(body)))
            for selector, body in _BLOCK.findall(text) if _PROPERTY.search(body)]


def _palettes() -> tuple[dict[str, str], list[dict[str, str]]]:
    blocks = _blocks()
    light = [props for selector, props in blocks if selector == ".k8sarch-diagram"]
    assert len(light) == 1, [selector for selector, _ in blocks]
    dark = [props for selector, props in blocks
            if selector != ".k8sarch-diagram" and "--k8s-fg" in props]
    return light[0], dark


@pytest.mark.parametrize(("name", "value"), sorted(LIGHT.items()))
def test_css_light_palette_is_the_dot_palette(name: str, value: str) -> None:
    light, _dark = _palettes()
    assert light.get(name, "").lower() == value.lower(), name


def test_machine_borders_are_their_family_line() -> None:
    light, _dark = _palettes()
    for kind, prop in SHARED:
        assert GROUP_STYLE[kind][1].lower() == light[prop].lower(), kind
    assert EDGE_COLOUR["lb"] == EDGE_COLOUR["api"] and EDGE_COLOUR["peer"] == EDGE_COLOUR["etcd"]


def test_every_dark_declaration_sets_every_property_of_the_light_palette() -> None:
    light, dark = _palettes()
    assert len(dark) == 2, "one dark block under the media query, one outside"
    for props in dark:
        assert set(props) == set(light), set(props) ^ set(light)
    assert dark[0] == dark[1]

