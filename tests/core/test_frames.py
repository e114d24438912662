"""Zone frames that no conversation orders (the callers', external etcd's): listed by the
DOT writer, written again by the renderer when they come out of order."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
import re

from helpers import fake_renderers
import pytest

from sphinx_k8sarch.core import frames as fr
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.interchange import Box, boxes
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.vocabulary import LAYOUTS

EN = Translator("en")
#: Three etcd members and three workers over two zones: a holds etcd-1 and etcd-3.
ZONED = ("control-plane: 3\nworkers: 3\netcd: external\nload-balancer: haproxy\n"
         "clients: []\nzones: [a, b]\n")


def dot(spec: str, shape: str = LAYOUTS[0]) -> str:
    cluster, diagnostics, _data = parse(spec)
    assert cluster is not None, diagnostics
    return to_dot(build_graph(cluster, EN), layout=shape)


def written(source: str) -> list[str]:
    """The callers' and etcd's zone frames in the order the DOT writes them."""
    return re.findall(r'subgraph "?cluster_(zone_[\w-]+_(?:callers|etcd))\b', source)


def heads(source: str) -> set[str]:
    """Where the arrows into the etcd pool end."""
    return set(re.findall(r"-> (\w+) \[[^\n]*lhead=cluster_etcd_pool", source))


@pytest.mark.parametrize("shape", LAYOUTS)
def test_frames_nothing_orders_are_listed_in_the_zones_order(shape: str) -> None:
    runs = fr.frames_in(dot(ZONED, shape))
    assert runs == [
        fr.Frames(fr.REST, (("zone_a_callers", ()), ("zone_b_callers", ()))),
        fr.Frames("etcd_pool", (("zone_a_etcd", ("etcd1_etcd", "etcd3_etcd")),
                                ("zone_b_etcd", ("etcd2_etcd",)))),
    ]  # the control plane's frames are ordered by the load balancer's arrows: not listed


@pytest.mark.parametrize("spec", [
    ZONED.replace("zones: [a, b]\n", ""),
    ZONED.replace("zones: [a, b]", "zones: [a]"),
    ZONED.replace("etcd: external\n", "").replace("workers: 3", "workers: 0"),
])
def test_no_line_without_two_frames_to_order(spec: str) -> None:
    assert fr.FRAMES not in dot(spec)


def test_the_line_reads_back_as_written() -> None:
    frames = fr.Frames("etcd_pool", (("zone_x-1_etcd", ("etcd1_etcd",)), ("zone_y_etcd", ())),
                       ("etcd4_etcd", "etcd5_etcd"))
    line = fr.frames_line(frames)
    assert fr.frames_in(line + "digraph k8sarch {\n}\n") == [frames]
    # Only among the comment lines that open the DOT.
    assert fr.frames_in("digraph k8sarch {\n" + line + "}\n") == []


def _drawn(*order: str) -> dict[str, Box]:
    """Boxes one above the other, in ``order``."""
    return {name: Box(0, 100 * index, 50, 100 * index + 50) for index, name in enumerate(order)}


def _statements(source: str) -> Counter[str]:
    body = source[source.index("digraph"):]
    return Counter(line.strip() for line in body.split("\n"))


def test_frames_out_of_order_are_written_the_other_way_round() -> None:
    """Top down, the frames are written a, b; drawn b above a, they are written b, a, and
    the arrows into the etcd pool meet at the middle member of that writing."""
    source = dot(ZONED, LAYOUTS[1])
    assert written(source) == ["zone_a_callers", "zone_b_callers", "zone_a_etcd", "zone_b_etcd"]
    assert heads(source) == {"etcd3_etcd"}  # etcd-1, etcd-3 | etcd-2
    runs = fr.frames_in(source)
    drawn = _drawn("zone_a_callers", "zone_b_callers", "zone_b_etcd", "zone_a_etcd")
    assert fr.frames_misplaced(runs, drawn) == 1
    [other] = fr.rewritings(source, runs, drawn)  # both ways agree for two frames
    assert written(other) == ["zone_a_callers", "zone_b_callers", "zone_b_etcd", "zone_a_etcd"]
    assert heads(other) == {"etcd1_etcd"}  # etcd-2 | etcd-1, etcd-3
    # Nothing else changes: the same statements, the arrows' ends apart.
    assert (_statements(other) - _statements(source)).total() == 3
    assert {line.split(" -> ")[0] for line in (_statements(other)
                                                - _statements(source))} == {
        "cp1_kube_apiserver", "cp2_kube_apiserver", "cp3_kube_apiserver"}


def test_three_frames_are_tried_reversed_then_moved_back() -> None:
    """Written a, b, c and drawn a, c, b: written c, b, a, or a, c, b (which puts each
    frame where its writing position was drawn)."""
    spec = ZONED.replace("zones: [a, b]", "zones: [a, b, c]").replace("etcd: external\n", "")
    source = dot(spec, LAYOUTS[1])
    runs = fr.frames_in(source)
    assert [name for name, _m in runs[0].order] == ["zone_a_callers", "zone_b_callers",
                                                    "zone_c_callers"]
    found = fr.rewritings(source, runs, _drawn("zone_a_callers", "zone_c_callers",
                                               "zone_b_callers"))
    assert [written(other) for other in found] == [
        ["zone_c_callers", "zone_b_callers", "zone_a_callers"],
        ["zone_a_callers", "zone_c_callers", "zone_b_callers"],
    ]
    assert fr.rewritings(source, runs, _drawn("zone_a_callers", "zone_b_callers",
                                              "zone_c_callers")) == []


def test_braces_and_lines_inside_labels_do_not_end_a_frame() -> None:
    source = ('// k8sarch frames: - zone_a_callers= zone_b_callers=\ndigraph k8sarch {\n'
              '\tsubgraph cluster_zone_a_callers {\n\t\tlabel="rack {1}\n\t}"\n'
              '\t\tn1 [label="}"]\n\t}\n'
              '\tsubgraph cluster_zone_b_callers {\n\t\tlabel="b"\n\t\tn2\n\t}\n}\n')
    [other] = fr.rewritings(source, fr.frames_in(source), _drawn("zone_b_callers",
                                                                 "zone_a_callers"))
    assert other.index("cluster_zone_b_callers") < other.index("cluster_zone_a_callers")
    assert sorted(other.split("\n")) == sorted(source.split("\n"))


def test_frames_not_written_in_one_run_are_left_alone() -> None:
    source = ('// k8sarch frames: - zone_a_callers= zone_b_callers=\ndigraph k8sarch {\n'
              '\tsubgraph cluster_zone_a_callers {\n\t\tn1\n\t}\n\tn0\n'
              '\tsubgraph cluster_zone_b_callers {\n\t\tn2\n\t}\n}\n')
    assert fr.rewritings(source, fr.frames_in(source),
                         _drawn("zone_b_callers", "zone_a_callers")) == []


def test_frames_are_put_in_order_by_laying_the_dot_out_again(tmp_path: Path) -> None:
    """A renderer that draws the last cluster written on top: the frames written a, b
    come out b above a; the renderer writes them b, a, and keeps that."""
    renderer = fake_renderers.make(tmp_path, "reverse-writing")
    source = dot(ZONED, LAYOUTS[1])
    svg = render(source, "svg", tmp_path / "cache", renderer)[0].read_text("utf-8")
    assert fr.frames_misplaced(fr.frames_in(source), boxes(svg)) == 0
    order = svg[svg.index("written:"):svg.index("</desc>")].split()
    assert [name for name in order if name.startswith("zone_") and "control" not in name] == [
        "zone_b_callers", "zone_a_callers", "zone_b_etcd", "zone_a_etcd"]


def test_the_first_layout_is_kept_when_writing_again_does_not_help(tmp_path: Path) -> None:
    renderer = fake_renderers.make(tmp_path, "reverse-name")
    source = dot(ZONED, LAYOUTS[1])
    svg = render(source, "svg", tmp_path / "cache", renderer)[0].read_text("utf-8")
    order = svg[svg.index("written:"):svg.index("</desc>")].split()
    assert [name for name in order if name.startswith("zone_") and "control" not in name
            ] == written(source)
    assert fr.frames_misplaced(fr.frames_in(source), boxes(svg)) > 0


#: Workers that only call the load balancer, a folded rest among them.
CALLERS = "control-plane: 1\nworkers: 50\nload-balancer: haproxy\nclients: []\n"


@pytest.mark.parametrize(("spec", "listed"), [
    (CALLERS, "worker1 worker2 worker3 worker_rest"),
    (CALLERS.replace("workers: 50", "workers: [{name: a, count: 2}, {name: b, count: 1}]"),
     "a1 a2 b1"),
    # A part of one's own calls something else: conversations order them, not listed.
    (CALLERS + "components:\n- {name: vault, runs-on: workers, talks-to: [kube-apiserver]}\n",
     None),
    # In zones: their frames are listed instead.
    (CALLERS.replace("workers: 50", "workers: 4") + "zones: [a, b]\n", None),
    (CALLERS.replace("workers: 50", "workers: 1"), None),
])
def test_callers_that_only_the_start_orders_are_listed(spec: str, listed: str | None) -> None:
    source = dot(spec)
    runs = fr.machines_in(source)
    if listed is None:
        assert fr.MACHINES not in source
        assert runs == []
    else:
        assert f"{fr.MACHINES}{listed}\n" in source
        assert runs == [fr.Frames(fr.REST, tuple((ident, ()) for ident in listed.split()))]
