"""The DOT source: its snapshot, the print variant, and the quoting the graphviz package
would write."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
import pytest

from sphinx_k8sarch.core.dot import print_variant, to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render

EN = Translator("en")
HA = "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\nclients: [kubectl]\n"


def test_dot_snapshot_and_determinism(file_regression: object) -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    source = to_dot(build_graph(cluster, EN))
    assert source == to_dot(build_graph(parse(HA)[0], EN))  # type: ignore[arg-type]
    file_regression.check(source, basename="ha_3_3", extension=".gv")  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", [
    "control-plane: 3\nworkers: 3\nload-balancer: haproxy\n",
    "title: 'graph [x]'\ncontrol-plane: 5\nworkers: 50\netcd: {topology: external, members: 5}\n",
])
def test_print_dot_is_the_screen_dot_on_white_at_300_dpi(text: str, tmp_path: Path) -> None:
    cluster, _d, _data = parse(text)
    assert cluster is not None
    screen = to_dot(build_graph(cluster, Translator("en"))).split("\n")
    printed = print_variant("\n".join(screen), 300).split("\n")
    # One line more, right after the first graph attributes (bgcolor=transparent), so it
    # overrides them for the root graph only.
    assert screen[1].startswith("\tgraph [") and "bgcolor=transparent" in screen[1]
    assert printed == [*screen[:2], "\tgraph [bgcolor=white dpi=300]", *screen[2:]]
    png, _new = render("\n".join(printed), "png", tmp_path)
    with Image.open(png) as image:
        assert image.convert("RGB").getpixel((0, 0)) == (255, 255, 255)
        assert image.width > 2000  # 300 dpi, not the screen's 72


def test_memoised_quoting_writes_what_the_graphviz_package_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """dot._Digraph replaces private quoting hooks of the graphviz package: pin its output
    to the package's own on labels that need every kind of quoting."""
    import graphviz

    from sphinx_k8sarch.core import dot

    text = ("title: 'C:\\\\x\\\\ <b>&amp; \"q\" graph'\ncontrol-plane: 5\nworkers: 7\n"
            "load-balancer: '\\\\N <i>'\netcd: {topology: external, members: 5}\n"
            "addons: [coredns, cni]\nlinks: {cp-1: 'https://x', etcd: y}\n")
    cluster, diagnostics, _data = parse(text)
    assert cluster is not None, diagnostics
    graph = build_graph(cluster, EN)
    ours = to_dot(graph)
    monkeypatch.setattr(dot, "_Digraph", graphviz.Digraph)
    assert to_dot(graph) == ours
