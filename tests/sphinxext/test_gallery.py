"""The gallery page and its screenshots (``make gallery`` writes them; they are committed):
every topology and input format has a figure, every figure a light and a dark screenshot
that the page shows, and README.md shows files that exist."""

from __future__ import annotations

from pathlib import Path
import re

from helpers.contrast import is_dark
from helpers.paths import DOCS, REPO
from PIL import Image
import pytest

GALLERY = DOCS / "guide" / "gallery.md"
SHOTS = DOCS / "_static" / "gallery"
#: What the gallery must show: the figure's name and the spec or file it draws.
EXPECTED = {
    "stacked": "gallery/stacked.yaml",
    "external-etcd": "gallery/external-etcd.yaml",
    "lb-on-nodes": "gallery/lb-on-nodes.yaml",
    "pools": "gallery/pools.yaml",
    "zones": "gallery/zones.yaml",
    "kind": "formats/examples/kind-ha.yaml",
    "kubeadm": "formats/examples/kubeadm-ha.yaml",
    "k3d": "formats/examples/k3d-ha.yaml",
    "capi": "formats/examples/capi-ha.yaml",
    "kubectl": "formats/examples/kubectl-prod.json",
}
_FIGURE = re.compile(r"```\{k8s-cluster\} (\S+)\n(?:.*\n)*?:name: gallery-(\S+)\n")


def _figures() -> dict[str, str]:
    return {name: path for path, name in _FIGURE.findall(GALLERY.read_text(encoding="utf-8"))}


def test_every_topology_and_format_is_in_the_gallery() -> None:
    figures = _figures()
    for name, path in EXPECTED.items():
        assert figures.get(name) == path, (name, figures)
        assert (GALLERY.parent / path).is_file(), path
    assert "guide/gallery" in (DOCS / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(_figures()))
def test_each_figure_has_a_light_and_a_dark_screenshot(name: str) -> None:
    page = GALLERY.read_text(encoding="utf-8")
    for scheme in ("light", "dark"):
        shot = SHOTS / f"{name}-{scheme}.png"
        assert f"](../_static/gallery/{shot.name})" in page, f"the page does not show {shot}"
        with Image.open(shot) as image:
            assert image.format == "PNG" and image.width > 300 and image.height > 150
            corner = image.convert("RGB").getpixel((1, 1))
            assert isinstance(corner, tuple)
            background = (float(corner[0]), float(corner[1]), float(corner[2]))
        assert is_dark(background) == (scheme == "dark"), f"{shot}: background {corner}"


def test_readme_shows_files_that_exist() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert any("gallery/" in image for image in images), images
    for image in images:
        assert (REPO / image).is_file(), image
    links = re.findall(r"\]\((docs/[^)]+\.md)\)", readme)
    assert "docs/guide/gallery.md" in links
    assert all((REPO / Path(link)).is_file() for link in links), links
