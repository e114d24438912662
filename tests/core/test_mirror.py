"""A layout turned over for figures dot draws upside down (core/mirror.py): which pools
are listed, how a positioned DOT is turned, what is laid out to be turned, and that the
renderer keeps the first layout when it cannot write a positioned DOT."""

from __future__ import annotations

from pathlib import Path
import re
import subprocess

from helpers import fake_renderers, layout
from helpers.markers import needs_renderer
import pytest

from sphinx_k8sarch.core import mirror
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.interchange import Box, boxes
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render

EN = Translator("en")
K3D = layout.cluster_text("k3d", "stacked", 3, 3)[0]


def dot_of(spec: str, **options: object) -> str:
    cluster, diagnostics, _data = parse(spec, fmt="auto")
    assert cluster is not None, diagnostics
    return to_dot(build_graph(cluster, EN), **options)  # type: ignore[arg-type]


# -- the pools line ----------------------------------------------------------------------

def test_each_pool_is_listed_in_reading_order() -> None:
    source = dot_of(layout.cluster_text("spec", "external", 3, 2, 3)[0])
    assert mirror.pools_in(source) == [["cp1", "cp2", "cp3"], ["etcd1", "etcd2", "etcd3"],
                                       ["worker1", "worker2"]]


def test_a_pool_named_with_a_digit_is_a_pool_of_its_own() -> None:
    """gpu2-1 belongs to the pool gpu2, not to gpu after gpu-2 (its id is gpu21)."""
    source = dot_of("control-plane: 1\nworkers:\n- {name: gpu, count: 2}\n"
                    "- {name: gpu2, count: 2}\n")
    assert mirror.pools_in(source) == [["gpu1", "gpu2"], ["gpu21", "gpu22"]]


def test_pools_of_one_machine_and_zoned_clusters_are_not_listed() -> None:
    assert mirror.pools_in(dot_of("control-plane: 1\nworkers: 1\n")) == []
    assert mirror.POOLS not in dot_of(
        "control-plane: 3\nworkers: 3\nload-balancer: haproxy\nzones: [a, b]\n")
    assert mirror.pools_line([["cp1"], []]) == ""


def test_machines_drawn_before_the_one_they_follow_are_counted() -> None:
    drawn = {"cp1": Box(0, 200, 10, 250), "cp2": Box(0, 0, 10, 50),
             "cp3": Box(0, 100, 10, 150), "worker1": Box(0, 0, 10, 50)}
    # cp-2, cp-3, cp-1 from the top: cp-2 before cp-1; worker2 is not drawn.
    assert mirror.pools_misplaced([["cp1", "cp2", "cp3"], ["worker1", "worker2"]],
                                  drawn) == 1


# -- what is laid out, and how it is turned ------------------------------------------------

def test_left_to_right_titles_are_laid_at_the_bottom_and_the_legend_reversed() -> None:
    source = dot_of(K3D)
    far = mirror.far_end(source)
    assert far.count("labelloc=b") == 1
    assert "\tgraph [labelloc=b bgcolor=transparent" in far
    assert "legend_0 -> legend_1 [style=invis]" in far
    assert "legend_1 -> legend_0 [style=invis]" not in far
    # Nothing else changes: same lines but the legend's chain and the graph's attributes.
    changed = [(a, b) for a, b in zip(source.split("\n"), far.split("\n"), strict=True)
               if a != b]
    assert len(changed) == 1 + source.count("-> legend_")


def test_top_down_titles_stay_on_top() -> None:
    source = dot_of(K3D, layout="top-down")
    assert "legend_0 -> legend_1 [style=invis]" in source
    far = mirror.far_end(source)
    assert "labelloc" not in far
    assert "legend_1 -> legend_0 [style=invis]" in far


def test_text_that_looks_like_dot_is_left_alone() -> None:
    source = ('digraph k8sarch {\n\tgraph [rankdir=TB]\n'
              '\tnote [label="rankdir=LR\n\t\tlegend_1 -> legend_0 [style=invis]"]\n}\n')
    assert not mirror.left_to_right(source)
    assert mirror.far_end(source) == source
    assert mirror.left_to_right(source.replace("rankdir=TB", 'rankdir="LR"'))


LAID = ('digraph k8sarch {\n\tgraph [bb="0,0,200,100",\n\t\trankdir=LR\n\t];\n'
        '\tsubgraph cluster_cp1 {\n\t\tgraph [bb="10,60,90,95",\n\t\t\tlabel="cp-1",\n'
        '\t\t\tlp="50,88"\n\t\t];\n'
        '\t\ta\t[label="pos=\\"1,2\\"",\n\t\t\tpos="50,70"];\n\t}\n'
        '\tb\t[pos="150,20"];\n'
        '\ta -> b\t[lp="100,45.5",\n\t\tpos="e,140,\\\n25 60,70 80,60 120,30 140,25"];\n}\n')


def test_a_positioned_dot_is_turned_across_its_ranks() -> None:
    turned = mirror.turned(LAID)
    assert 'bb="0,0,200,100"' in turned
    assert 'bb="10,5,90,40"' in turned  # the cluster's box, turned
    assert 'lp="50,12"' in turned  # its title at the bottom, turned to the top
    assert 'pos="50,30"' in turned and 'pos="150,80"' in turned
    assert 'pos="e,140,75 60,30 80,40 120,70 140,75"' in turned  # line joined, turned
    assert 'lp="100,54.5"' in turned
    assert 'label="pos=\\"1,2\\""' in turned  # a label is text, not a position
    # Top down, the turn is left to right.
    across = mirror.turned(LAID.replace("rankdir=LR", "rankdir=TB"))
    assert 'bb="110,60,190,95"' in across and 'pos="150,70"' in across
    assert 'pos="e,60,25 140,70 120,60 80,30 60,25"' in across


def test_turning_twice_gives_the_same_places() -> None:
    assert mirror.turned(mirror.turned(LAID)) == LAID.replace("\\\n", "")


def test_text_without_a_bounding_box_is_refused() -> None:
    with pytest.raises(ValueError, match="bounding box"):
        mirror.turned("digraph { a }")


@needs_renderer
def test_a_turned_dot_draws_every_box_where_its_layout_said(tmp_path: Path) -> None:
    """Drawn as it is (-Kneato -n2), the turned DOT puts each machine's box where the
    first layout had it, turned over."""
    source = mirror.far_end(dot_of(K3D))
    laid = subprocess.run([fake_renderers.GRAPHVIZ_PURE, "-Tdot"], input=source.encode(),
                          capture_output=True, check=True).stdout.decode()
    first = boxes(subprocess.run([fake_renderers.GRAPHVIZ_PURE, "-Tsvg"], input=source
                                 .encode(), capture_output=True, check=True).stdout.decode())
    svg = render(f"{mirror.LAID_OUT}\n{mirror.turned(laid)}", "svg", tmp_path)[0]
    turned = boxes(svg.read_text(encoding="utf-8"))
    # Graphviz may move the whole drawing in its page: compare places from the corner.
    x0, y0 = min(b.left for b in first.values()), min(b.top for b in first.values())
    x1, y1 = min(b.left for b in turned.values()), min(b.top for b in turned.values())
    height = max(b.bottom for b in first.values()) - y0
    for name in ("cp1", "cp2", "cp3", "worker1", "addons"):
        a, b = first[name], turned[name]
        assert (b.left - x1, b.top - y1, b.right - x1, b.bottom - y1) == pytest.approx(
            (a.left - x0, height - (a.bottom - y0), a.right - x0, height - (a.top - y0)),
            abs=1)


@needs_renderer
def test_a_renderer_that_cannot_write_a_positioned_dot_keeps_its_layout(
        tmp_path: Path) -> None:
    """A renderer that draws clusters the other way round and writes no DOT (a fake):
    the figure is its first render, not turned and not broken."""
    renderer = fake_renderers.make(tmp_path, "reverse-writing")
    svg = render(dot_of(K3D), "svg", tmp_path / "cache", renderer)[0].read_text("utf-8")
    assert "written: " in svg  # the fake's own drawing
    assert mirror.LAID_OUT not in svg


@needs_renderer
def test_the_turned_figure_draws_everything_the_first_did(tmp_path: Path) -> None:
    """Every box, line, class, link and tooltip of dot's own layout is in the turned figure
    (a positioned DOT keeps every attribute), with only the boxes' places changed."""
    source = dot_of(K3D)
    bare = "\n".join(line for line in source.split("\n") if not line.startswith("// "))
    first = render(bare, "svg", tmp_path)[0].read_text(encoding="utf-8")
    turned = render(source, "svg", tmp_path)[0].read_text(encoding="utf-8")
    assert "cp2 comes before cp1" in layout.reading_order(layout.read(first))
    assert layout.reading_order(layout.read(turned)) == []

    def drawn(svg: str) -> list[tuple[str, ...]]:
        groups = re.findall(r'<g id="([^"]*)" class="([^"]*)">\s*<title>([^<]*)</title>', svg)
        # Graphviz numbers unnamed edges in its own writing order: named by their ends.
        return sorted((title if ident.startswith("edge") else ident, classes, title)
                      for ident, classes, title in groups
                      if classes != "edge")  # the legend's invisible chain is reversed

    assert drawn(turned) == drawn(first)
    for pattern in (r'xlink:href="[^"]*"', r'xlink:title="[^"]*"', r">[^<>\s][^<>]*</text>"):
        assert sorted(re.findall(pattern, turned)) == sorted(re.findall(pattern, first))
