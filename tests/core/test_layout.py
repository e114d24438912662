"""The layout, measured on the rendered SVG over a matrix of clusters (topology × size ×
input format): edge crossings, machines in reading order, width. A layout regression
fails here, not in a reader's eyes."""

from __future__ import annotations

import os
from pathlib import Path
import re
import shutil

from helpers import layout
from helpers.markers import needs_renderer
import pytest

from sphinx_k8sarch.core import frames as fr
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import Graph, build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.interchange import PREFIX, interchangeable
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.vocabulary import LAYOUTS

EN = Translator("en")
#: The issue's bound for stacked and external etcd with 1–7 control-plane nodes.
MAX_CROSSINGS = 2
#: Points: legible in a 736 px content column up to 5 control-plane nodes.
MAX_WIDTH = 1000


def graph_of(case: layout.Case) -> Graph:
    text, counts = layout.cluster_text(case.fmt, case.topology, case.cp, case.workers,
                                       case.members)
    cluster, diagnostics, _data = parse(text, fmt=case.fmt, counts=counts or None)
    assert cluster is not None, diagnostics
    return build_graph(cluster, EN)


def drawing(case: layout.Case, cache: Path, **options: object) -> layout.Drawing:
    source = to_dot(graph_of(case), **options)  # type: ignore[arg-type]
    path, _new = render(source, "svg", cache)
    return layout.read(path.read_bytes())


def both_layouts(source: str, cache: Path, renderer: str | None = None
                 ) -> tuple[layout.Drawing, str]:
    """dot's own layout of ``source`` (without its comment lines, so the renderer mends
    nothing), and the SVG the renderer makes of ``source``."""
    bare = "\n".join(line for line in source.split("\n") if not line.startswith("// "))
    first = layout.read(render(bare, "svg", cache, renderer)[0].read_bytes())
    return first, render(source, "svg", cache, renderer)[0].read_text(encoding="utf-8")


def twins_of(case: layout.Case) -> tuple[list[list[str]], dict[str, list[str]]]:
    """The case's interchangeable machines by DOT name, and their components' suffixes."""
    classes = interchangeable(graph_of(case))
    return ([[g.id for g in members] for members in classes],
            {g.id: [n.id.removeprefix(f"{g.id}_") for n in g.nodes]
             for members in classes for g in members})




def check(case: layout.Case, measured: layout.Drawing) -> None:
    assert layout.reading_order(measured) == []
    if case.cp <= 5:
        assert measured.width <= MAX_WIDTH
    assert layout.unlike_twins(measured, *twins_of(case)) == []
    crossings = layout.crossings(measured)
    assert len(crossings) <= MAX_CROSSINGS, "\n".join(map(str, crossings))


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("layout-renders")


@needs_renderer
@pytest.mark.parametrize("case", layout.matrix(full=False), ids=lambda c: c.id)
def test_layout_reads_at_a_glance(case: layout.Case, cache: Path) -> None:
    check(case, drawing(case, cache))


@needs_renderer
@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in layout.matrix() if c not in
                                  layout.matrix(full=False)], ids=lambda c: c.id)
def test_layout_reads_at_a_glance_whole_matrix(case: layout.Case, cache: Path) -> None:
    check(case, drawing(case, cache))


#: Machines with nothing that orders them: no component (a course's first steps draw the
#: bare machines), or components that talk to nobody outside their machine (workers of a
#: control plane still empty). (label, spec)
UNORDERED = [
    ("course-step-2", "control-plane: {count: 1, components: []}\n"
                      + "workers: {count: 3, components: []}\nclients: []\n"),
    *[(f"bare-{cp}cp-{workers}w",
       f"control-plane: {{count: {cp}, components: []}}\n"
       + f"workers: {{count: {workers}, components: []}}\nclients: []\n")
      for cp in (2, 3, 5) for workers in (0, 3, 5)],
    ("bare-cp-3w", "control-plane: {count: 3, components: []}\nworkers: 3\nclients: []\n"),
    ("bare-workers-kubectl", "control-plane: 1\nworkers: {count: 4, components: []}\n"
                             + "clients: [kubectl]\n"),
]


@needs_renderer
@pytest.mark.parametrize("shape", LAYOUTS)
@pytest.mark.parametrize(("label", "spec"), UNORDERED, ids=[u[0] for u in UNORDERED])
def test_machines_nothing_orders_stand_in_reading_order(label: str, spec: str, shape: str,
                                                        cache: Path) -> None:
    cluster, diagnostics, _data = parse(spec)
    assert cluster is not None, diagnostics
    path, _new = render(to_dot(build_graph(cluster, EN), layout=shape), "svg", cache)
    measured = layout.read(path.read_bytes())
    assert layout.reading_order(measured) == []
    assert len(layout.crossings(measured)) <= MAX_CROSSINGS
    if shape == LAYOUTS[0]:  # top-down is the layout for wide pages
        assert measured.width <= MAX_WIDTH


#: Machines that only their names tell apart, which dot puts out of order before the
#: renderer renames them (core/interchange.py): external etcd with add-ons (whose Service
#: calls reach the first API server) draws cp-3 above cp-2; the same from a kubeadm file.
INTERCHANGEABLE = [
    ("external-etcd-with-add-ons",
     ("control-plane: 3\nworkers: 3\nload-balancer: haproxy\netcd: external\n"
      "addons: [coredns, cni]\n"), "auto", None),
    # The same with real names (``names:``, as kubectl files give them): they go with
    # their machines.
    ("external-etcd-with-real-names",
     ("control-plane: 3\nworkers: 3\nload-balancer: haproxy\netcd: external\n"
      "addons: [coredns, cni]\nnames: {cp-1: node-a, cp-2: node-b, cp-3: node-c, "
      "worker-1: wk-a, worker-2: wk-b, worker-3: wk-c}\n"), "auto", None),
    ("kubeadm-external3-3cp-3w", *layout.cluster_text("kubeadm", "external", 3, 3)[:1],
     "kubeadm", {"control-plane": 3, "workers": 3}),
]


#: A system Graphviz (Debian's is 2.43) as well as graphviz-pure; CI installs it.
SYSTEM_DOT = pytest.param("dot", marks=pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") != "true", reason="no system dot"))


@needs_renderer
@pytest.mark.parametrize("renderer", [None, SYSTEM_DOT], ids=["graphviz-pure", "dot"])
@pytest.mark.parametrize("shape", LAYOUTS)
@pytest.mark.parametrize(("label", "spec", "fmt", "counts"), INTERCHANGEABLE,
                         ids=[k[0] for k in INTERCHANGEABLE])
def test_machines_only_names_tell_apart_read_in_order(
        label: str, spec: str, fmt: str, counts: dict[str, int] | None, shape: str,
        renderer: str | None, cache: Path) -> None:
    """Renamed after the layout: the same picture (as many crossings, as wide) with the
    names where they read in order."""
    cluster, diagnostics, _data = parse(spec, fmt=fmt, counts=counts)
    assert cluster is not None, diagnostics
    graph = build_graph(cluster, EN)
    source = to_dot(graph, layout=shape)
    assert source.startswith(PREFIX)
    first = layout.read(render(source.partition("\n")[2], "svg", cache, renderer)[0]
                        .read_bytes())
    drawn = layout.read(render(source, "svg", cache, renderer)[0].read_bytes())
    if renderer is None:
        assert layout.reading_order(first), "dot draws these in order now: test others"
    assert layout.reading_order(drawn) == []
    assert len(layout.crossings(drawn)) == len(layout.crossings(first))
    assert drawn.width == pytest.approx(first.width)
    assert sorted(b.top for b in drawn.clusters.values()) == pytest.approx(
        sorted(b.top for b in first.clusters.values()))
    # Each box says its own machine's name (its real name when it has one).
    svg = render(source, "svg", cache, renderer)[0].read_text(encoding="utf-8")
    for group in graph.groups:
        if group.kind in ("control-plane", "worker"):
            name = re.escape(group.id.replace("-", "&#45;"))  # as Graphviz writes it
            box = re.search(rf"<title>cluster_{name}</title>.*?<text[^>]*>([^<]*)</text>",
                            svg, re.DOTALL)
            assert box is not None
            assert box[1].replace("&#45;", "-") == (group.title or group.label)


#: Folded pools that dot draws above their last machine shown, numbered from the end by
#: the renderer (core/interchange.py): (label, spec, the folded box's label as drawn).
FOLDED_FIRST = [
    # The docs' parts example: named pools, two clients and an own component calling an
    # outside one, all calling one virtual IP: general-4 … general-6 stood above general-2.
    ("parts-example",
     ("control-plane: 3\nload-balancer: {type: kube-vip, on: control-plane}\n"
      "workers: [{name: general, count: 6}, {name: gpu, count: 2}]\n"
      "addons: [coredns, cni, metrics-server, cert-manager, external-dns, argocd]\n"
      "clients: [kubectl, helm]\n"
      "components:\n- {name: vault, runs-on: general, talks-to: [kube-apiserver, "
      "'postgres:5432']}\n- {name: postgres, runs-on: outside}\n"), "general-2 … general-4"),
    # The gallery's pools figure.
    ("gallery-pools", (Path(__file__).parents[2] / "docs" / "guide" / "gallery"
                       / "pools.yaml").read_text(encoding="utf-8"), "general-2 … general-6"),
]


@needs_renderer
@pytest.mark.parametrize(("label", "spec", "box"), FOLDED_FIRST,
                         ids=[k[0] for k in FOLDED_FIRST])
def test_a_folded_pool_stands_between_the_machines_it_is_numbered_between(
        label: str, spec: str, box: str, cache: Path) -> None:
    """worker-1, worker-2 … worker-49, worker-50: the folded box says which machines it
    stands for, the machines after it are numbered from the end, and the picture is the
    layout dot made (as many crossings)."""
    cluster, diagnostics, _data = parse(spec, fmt="auto")
    assert cluster is not None, diagnostics
    first, svg = both_layouts(to_dot(build_graph(cluster, EN)), cache)
    assert layout.reading_order(first)  # dot drew the folded box above a machine
    drawn = layout.read(svg)
    assert layout.reading_order(drawn) == []
    assert len(layout.crossings(drawn)) == len(layout.crossings(first))
    assert f">{box.replace('-', '&#45;')}</text>" in svg


#: Figures dot draws upside down whatever the writing: k3d, whose agents and add-ons all
#: call the first server, which dot puts next to them, below the other servers; and the
#: docs' k3d example (with kubectl).
UPSIDE_DOWN = [
    ("k3d-3-servers-3-agents", layout.cluster_text("k3d", "stacked", 3, 3)[0]),
    ("k3d-docs-example", (Path(__file__).parents[2] / "docs" / "guide" / "formats"
                          / "examples" / "k3d-ha.yaml").read_text(encoding="utf-8")),
]


@needs_renderer
@pytest.mark.parametrize("renderer", [None, SYSTEM_DOT], ids=["graphviz-pure", "dot"])
@pytest.mark.parametrize(("label", "spec"), UPSIDE_DOWN, ids=[k[0] for k in UPSIDE_DOWN])
def test_a_figure_dot_draws_upside_down_is_turned_over(label: str, spec: str,
                                                       renderer: str | None,
                                                       cache: Path) -> None:
    """cp-1 was drawn below cp-2 and cp-3 (and the agents the other way round); the
    renderer turns the layout over (core/mirror.py): every machine in order, no more
    crossings than dot's own layout, each machine's title still on top of its box."""
    cluster, diagnostics, _data = parse(spec, fmt="auto")
    assert cluster is not None, diagnostics
    first, svg = both_layouts(to_dot(build_graph(cluster, EN)), cache, renderer)
    assert "cp2 comes before cp1" in layout.reading_order(first)
    drawn = layout.read(svg)
    assert layout.reading_order(drawn) == []
    assert len(layout.crossings(drawn)) <= len(layout.crossings(first))
    for machine in ("cp1", "cp2", "cp3", "worker1", "worker2"):
        box = drawn.clusters[machine]
        title = re.search(rf"<title>cluster_{machine}</title>.*?<text[^>]*\by=\"(-?[\d.]+)\"",
                          svg, re.DOTALL)
        assert title is not None
        assert box.top < float(title.group(1)) < box.top + 30  # at the top, not the bottom


@needs_renderer
@pytest.mark.parametrize("renderer", [None, SYSTEM_DOT], ids=["graphviz-pure", "dot"])
@pytest.mark.parametrize("shape", LAYOUTS)
def test_a_folded_pool_reads_in_order_once_turned_over(shape: str, renderer: str | None,
                                                       cache: Path) -> None:
    """k3d with 5 servers and 50 agents: dot draws cp-1 below the other servers, and once
    that layout is turned over the agents' folded box stands above worker-1. The agents
    are written the other way round before the turn: cp-1 … cp-5 and worker-1, worker-2,
    worker-3, then the box for worker-4 … worker-50."""
    text, counts = layout.cluster_text("k3d", "stacked", 5, 50)
    cluster, diagnostics, _data = parse(text, fmt="k3d", counts=counts or None)
    assert cluster is not None, diagnostics
    first, svg = both_layouts(to_dot(build_graph(cluster, EN), layout=shape), cache,
                              renderer)
    assert "cp2 comes before cp1" in layout.reading_order(first)
    drawn = layout.read(svg)
    assert layout.reading_order(drawn) == []
    assert ">worker&#45;4 … worker&#45;50</text>" in svg  # the box after worker-3


#: Zoned clusters (machines spread round-robin over the zones): (control plane, workers,
#: zones, clients, etcd).
ZONED = [(cp, workers, zones, clients, etcd)
         for cp in (3, 5) for workers in (3, 6) for zones in (2, 3)
         for clients in ("[kubectl]", "[]") for etcd in ("stacked", "external")]
#: Zone frames inside columns still cross a few lines (a pool over three zones, five API
#: servers fanned out from one load balancer): measured worst 4, from 26 with stripes.
MAX_ZONED_CROSSINGS = 4
#: Five API servers' arrows into an etcd pool over two zones, with kubectl and six
#: workers: measured 5 with either renderer, as before the frames were put in order.
CROWDED = {(5, 6, 2, "[kubectl]", "external", LAYOUTS[0]): 5}


@needs_renderer
@pytest.mark.parametrize("renderer", [None, SYSTEM_DOT], ids=["graphviz-pure", "dot"])
@pytest.mark.parametrize("shape", LAYOUTS)
@pytest.mark.parametrize(("cp", "workers", "zones", "clients", "etcd"), [
    pytest.param(*case, marks=[pytest.mark.slow] if index % 4 else [])
    for index, case in enumerate(ZONED)])
def test_zoned_clusters_read_frame_by_frame(cp: int, workers: int, zones: int, clients: str,
                                            etcd: str, shape: str, renderer: str | None,
                                            cache: Path) -> None:
    """Frames in the zones' order, machines in order inside each, with either renderer:
    external etcd's frames, which only dot's start orders, are written again by the
    renderer where they came out of order (core/frames.py)."""
    names = ["a", "b", "c"][:zones]
    cluster, diagnostics, _data = parse(
        f"control-plane: {cp}\nworkers: {workers}\netcd: {etcd}\nload-balancer: haproxy\n"
        f"clients: {clients}\nzones: [{', '.join(names)}]\n")
    assert cluster is not None, diagnostics
    path, _new = render(to_dot(build_graph(cluster, EN), layout=shape), "svg", cache,
                        renderer)
    measured = layout.read(path.read_bytes())
    assert layout.zone_order(measured, names) == []
    assert len(layout.crossings(measured)) <= CROWDED.get(
        (cp, workers, zones, clients, etcd, shape), MAX_ZONED_CROSSINGS)


KUBECTL_RACKS = (Path(__file__).parents[2] / "docs" / "guide" / "formats" / "examples"
                 / "kubectl-prod.json")


@needs_renderer
@pytest.mark.parametrize("renderer", [None, SYSTEM_DOT], ids=["graphviz-pure", "dot"])
def test_an_inventorys_racks_read_in_order(renderer: str | None, cache: Path) -> None:
    """The docs' kubectl inventory (workers in racks 1, 2, 3, 1; worker 3 down): the
    racks read 1, 2, 3 in both columns, and the machines in order inside each."""
    cluster, diagnostics, _data = parse(KUBECTL_RACKS.read_text(encoding="utf-8"),
                                        fmt="auto")
    assert cluster is not None, diagnostics
    source = to_dot(build_graph(cluster, EN))
    assert fr.FRAMES in source
    drawn = layout.read(render(source, "svg", cache, renderer)[0].read_bytes())
    assert layout.zone_order(drawn, ["rack-1", "rack-2", "rack-3"]) == []


@needs_renderer
@pytest.mark.parametrize("shape", LAYOUTS)
@pytest.mark.parametrize("renderer", [SYSTEM_DOT])
def test_zone_frames_drawn_out_of_order_are_written_again(shape: str, renderer: str,
                                                          cache: Path) -> None:
    """External etcd over two zones: Debian's dot draws zone b's members above zone a's
    (graphviz-pure keeps them in order from the first writing); written again, the
    frames read a, b with no more crossings (core/frames.py)."""
    cluster, diagnostics, _data = parse(
        "control-plane: 3\nworkers: 3\netcd: external\nload-balancer: haproxy\n"
        "zones: [a, b]\n")
    assert cluster is not None, diagnostics
    first, svg = both_layouts(to_dot(build_graph(cluster, EN), layout=shape), cache,
                              renderer)
    assert "zone_b_etcd comes before zone_a_etcd" in layout.zone_order(first, ["a", "b"])
    drawn = layout.read(svg)
    assert layout.zone_order(drawn, ["a", "b"]) == []
    assert len(layout.crossings(drawn)) <= len(layout.crossings(first))


# -- the measures themselves ---------------------------------------------------------------

SQUARE = "M0,0 C0,0 10,0 10,0"


def _svg(*edges: tuple[str, str]) -> str:
    groups = "".join(
        f'<g class="edge"><title>{name}</title><path d="{d}"/></g>' for name, d in edges)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
            f'<g class="node"><title>a</title><polygon points="0,0 4,0 4,4 0,4"/></g>'
            f'<g class="node"><title>b</title><polygon points="96,96 100,96 100,100 96,100"/>'
            f"</g>{groups}</svg>")


def test_crossings_counts_an_x_and_not_two_parallel_lines() -> None:
    x = _svg(("p->q", "M0,50 C30,50 60,50 100,50"), ("r->s", "M50,0 C50,30 50,60 50,100"))
    assert len(layout.crossings(layout.read(x))) == 1
    parallel = _svg(("p->q", "M0,40 C30,40 60,40 100,40"),
                    ("r->s", "M0,60 C30,60 60,60 100,60"))
    assert layout.crossings(layout.read(parallel)) == []


def test_edges_meeting_at_their_shared_box_do_not_cross() -> None:
    fan = _svg(("a->p", "M4,4 C30,10 60,10 90,10"), ("a->q", "M4,4 C10,30 10,60 10,90"))
    assert layout.crossings(layout.read(fan)) == []


def test_reading_order_sees_a_machine_above_the_one_before() -> None:
    def cluster(name: str, top: int) -> str:
        return (f'<g class="cluster"><title>cluster_{name}</title>'
                f'<path d="M0,{top} C0,{top} 50,{top} 50,{top + 40}"/></g>')

    right = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 200">'
             f'{cluster("cp1", 0)}{cluster("cp2", 50)}{cluster("cp_rest", 100)}</svg>')
    assert layout.reading_order(layout.read(right)) == []
    wrong = right.replace("cluster_cp1", "cluster_cpX").replace("cluster_cp2", "cluster_cp1")
    wrong = wrong.replace("cluster_cpX", "cluster_cp2")
    assert layout.reading_order(layout.read(wrong)) == ["cp2 comes before cp1"]


def test_ports_are_written_once_per_kind_and_the_legend_can_be_left_out() -> None:
    text, _counts = layout.cluster_text("spec", "stacked", 3, 3)
    cluster, _d, _data = parse(text)
    assert cluster is not None
    source = to_dot(build_graph(cluster, EN))
    assert source.count('label=6443') == 2  # clients → endpoint, endpoint → API servers
    assert source.count("label=2379") == 1 and source.count("label=2380") == 1
    assert "cluster_legend" in source
    assert "cluster_legend" not in to_dot(build_graph(cluster, EN), legend=False)
    spanish = to_dot(build_graph(cluster, Translator("es")), _=Translator("es"))
    assert "Leyenda" in spanish and "tráfico entre miembros" in spanish


@needs_renderer
@pytest.mark.parametrize("topology", layout.TOPOLOGIES)
def test_top_down_layout_is_in_reading_order(topology: str, cache: Path) -> None:
    case = layout.Case("spec", topology, 3, 3)
    measured = drawing(case, cache, layout="top-down")
    assert layout.reading_order(measured) == []
    assert layout.unlike_twins(measured, *twins_of(case)) == []
    assert measured.width > measured.height  # rows, not columns


@needs_renderer
@pytest.mark.slow
@pytest.mark.parametrize("case", layout.matrix(), ids=lambda c: c.id)
def test_top_down_layout_whole_matrix_reads_in_order(case: layout.Case, cache: Path) -> None:
    """The option for wide pages keeps every machine in reading order too (its crossings
    are measured, not bounded: rows of machines fan out from one load balancer)."""
    measured = drawing(case, cache, layout="top-down")
    assert layout.reading_order(measured) == []


def test_unlike_twins_sees_a_machine_laid_out_in_another_arrangement() -> None:
    def machine(name: str, tops: tuple[int, int]) -> str:
        return "".join(
            f'<g class="node"><title>{name}_{part}</title>'
            f'<polygon points="0,{top} 50,{top} 50,{top + 20} 0,{top + 20}"/></g>'
            for part, top in zip(("kubelet", "kube_proxy"), tops, strict=True))

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 400">'
           + machine("worker1", (0, 40)) + machine("worker2", (100, 140))
           + machine("worker3", (240, 200)) + "</svg>")
    parts = {name: ["kubelet", "kube_proxy"] for name in ("worker1", "worker2", "worker3")}
    drawn = layout.read(svg)
    assert layout.unlike_twins(drawn, [["worker1", "worker2", "worker3"]], parts) == [
        "worker3 is not laid out like worker1"]
    assert layout.unlike_twins(drawn, [["worker1", "worker2"]], parts) == []
