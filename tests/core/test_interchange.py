"""Machines that only their names tell apart: found in the graph, renamed in the DOT after
a first layout, and only those (no Sphinx, no renderer but where marked)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
import re

from helpers import dot_parser, fake_renderers, layout
from helpers.markers import needs_renderer
import pytest

from sphinx_k8sarch.core import interchange
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import Graph, build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render

EN = Translator("en")
ADDONS = ("control-plane: 3\nworkers: 3\nload-balancer: haproxy\n"
          "kubernetes-version: '1.32'\naddons: [coredns, cni]\n")
#: dot draws cp-3 above cp-2 here (the add-ons' Service calls reach the first API server,
#: and external etcd's pool stands behind the control plane).
REORDERED = ("control-plane: 3\nworkers: 3\nload-balancer: haproxy\netcd: external\n"
             "addons: [coredns, cni]\n")


def graph(spec: str, fmt: str = "auto") -> Graph:
    cluster, diagnostics, _data = parse(spec, fmt=fmt)
    assert cluster is not None, diagnostics
    return build_graph(cluster, EN)


def classes(spec: str) -> list[list[str]]:
    return [[g.label for g in c] for c in interchange.interchangeable(graph(spec))]


@pytest.mark.parametrize(("spec", "expected"), [
    # The first control-plane node holds the leaders: it has no twin.
    (ADDONS, [["cp-2", "cp-3"], ["worker-1", "worker-2", "worker-3"]]),
    # k3d agents and add-ons call the first server: cp-1 stays where it is.
    (layout.cluster_text("k3d", "stacked", 3, 3)[0],
     [["cp-2", "cp-3"], ["worker-1", "worker-2", "worker-3"]]),
    # External etcd members are all alike; a worker that is down is not like the others.
    (("control-plane: 2\nworkers: 3\netcd: {topology: external, members: 3}\n"
      "load-balancer: haproxy\nfailures: [worker-2]\n"),
     [["etcd-1", "etcd-2", "etcd-3"], ["worker-1", "worker-3"]]),
    # Only machines of one zone can swap: the frames say which zone each is in.
    ("control-plane: 1\nworkers: 4\nzones: [a, b]\n",
     [["worker-1", "worker-3"], ["worker-2", "worker-4"]]),
    # A link tells a machine apart; a real name goes with its machine, but a machine with
    # one is not the twin of one without.
    (("control-plane: 1\nworkers: 3\nnames: {worker-1: node-a}\n"
      "links: {worker-2: 'https://example.org'}\n"), []),
    (("control-plane: 1\nworkers: 3\nnames: {worker-1: node-a, worker-3: node-c}\n"),
     [["worker-1", "worker-3"]]),
    # A real name drawn shortened stays put (the renamer swaps whole texts).
    (("control-plane: 1\nworkers: 2\nnames: {worker-1: a-very-long-node-name-0001, "
      "worker-2: a-very-long-node-name-0002}\n"), []),
    # One of a kind: nothing to swap.
    ("control-plane: 1\nworkers: 1\n", []),
])
def test_only_machines_nothing_but_their_name_tells_apart_are_interchangeable(
        spec: str, expected: list[list[str]]) -> None:
    assert classes(spec) == expected


def test_a_machine_whose_label_is_also_a_components_is_left_alone() -> None:
    """The renamer changes a box's label where it is exactly the machine's name; an own
    component of that name would be renamed with it."""
    spec = ("control-plane: 1\nworkers: 3\ncomponents:\n"
            "- {name: worker-2, runs-on: outside}\n")
    assert classes(spec) == [["worker-1", "worker-3"]]


def _statements(source: str, drop_labels: bool) -> Counter[str]:
    parsed = dot_parser.parse_dot(source)
    nodes = Counter(f"{name} {sorted(attrs.items())}" for name, attrs in parsed.nodes.items())
    edges = Counter(
        f"{tail}->{head} "
        f"{sorted((k, v) for k, v in attrs.items() if not (drop_labels and k == 'label'))}"
        for tail, head, attrs in parsed.edges)
    return nodes + edges


def test_renaming_twins_gives_back_the_same_graph() -> None:
    """Swapping cp-2 with cp-3 and rotating the workers: every node and edge statement is
    one the DOT had (ports aside: a port is written on the first arrow of its kind, which
    now belongs to another twin), and renaming back restores the text exactly."""
    source = to_dot(graph(ADDONS))
    names = {"cp2": "cp3", "cp3": "cp2", "worker1": "worker2", "worker2": "worker3",
             "worker3": "worker1"}
    other = interchange.renamed(source, names)
    assert other != source
    assert _statements(other, True) == _statements(source, True)
    back = {new: old for old, new in names.items()}
    assert interchange.renamed(other, back) == source
    # The first machine written is now called cp-3, with its box's label.
    first_box = other.index("subgraph cluster_cp3")
    assert other.index("subgraph cluster_cp2") > first_box
    assert other.index('label="cp-3"', first_box) < other.index("subgraph cluster_cp2")


def test_renaming_leaves_what_a_reader_wrote() -> None:
    """Text for the reader (labels, tooltips) changes only where it is a machine's name."""
    spec = (ADDONS + "title: 'cp2_kubelet worker1 cp-2'\ncomponents:\n"
            "- {name: cp2-agent, runs-on: outside}\n")
    source = to_dot(graph(spec))
    other = interchange.renamed(source, {"cp2": "cp3", "cp3": "cp2"})
    parsed = dot_parser.parse_dot(other)
    assert parsed.graph["tooltip"] == "cp2_kubelet worker1 cp-2"
    assert any(a.get("label") == "cp2-agent" for a in parsed.nodes.values())
    assert {a.get("label") for a in dot_parser.parse_dot(source).nodes.values()} == {
        a.get("label") for a in parsed.nodes.values()}


def test_the_header_lists_the_classes_in_reading_order() -> None:
    source = to_dot(graph(ADDONS))
    assert source.splitlines()[0] == (
        "// k8sarch interchangeable: cp2=cp-2 cp3=cp-3; "
        "worker1=worker-1 worker2=worker-2 worker3=worker-3")
    assert interchange.classes_in(source) == [
        [("cp2", "cp-2", ""), ("cp3", "cp-3", "")],
        [("worker1", "worker-1", ""), ("worker2", "worker-2", ""), ("worker3", "worker-3", "")]]
    assert not to_dot(graph("control-plane: 1\nworkers: 1\n")).startswith("//")


def _box(top: float, left: float = 0.0) -> interchange.Box:
    return interchange.Box(left, top, left + 100, top + 50)


@pytest.mark.parametrize(("tops", "expected"), [
    ({"worker1": 0, "worker2": 100, "worker3": 200}, {}),
    ({"worker1": 200, "worker2": 100, "worker3": 0},
     {"worker3": "worker1", "worker1": "worker3"}),
    ({"worker1": 0, "worker2": 200, "worker3": 100},
     {"worker3": "worker2", "worker2": "worker3"}),
    ({"worker1": 100, "worker2": 200, "worker3": 0},
     {"worker3": "worker1", "worker1": "worker2", "worker2": "worker3"}),
])
def test_each_name_goes_where_it_is_read_in_order(tops: dict[str, float],
                                                  expected: dict[str, str]) -> None:
    members = [[("worker1", "worker-1", ""), ("worker2", "worker-2", ""),
                ("worker3", "worker-3", "")]]
    drawn = {name: _box(top) for name, top in tops.items()}
    assert interchange.renaming(members, drawn) == expected
    assert (interchange.misplaced(members, drawn) == 0) == (expected == {})


def test_boxes_on_one_row_read_left_to_right() -> None:
    members = [[("cp2", "cp-2", ""), ("cp3", "cp-3", "")]]
    drawn = {"cp2": _box(0, left=300), "cp3": _box(10, left=0)}
    assert interchange.renaming(members, drawn) == {"cp3": "cp2", "cp2": "cp3"}


@needs_renderer
def test_cluster_boxes_are_read_from_the_renderers_svg(tmp_path: Path) -> None:
    source = to_dot(graph(ADDONS))
    svg = render(source.partition("\n")[2], "svg", tmp_path)[0].read_text("utf-8")
    found = interchange.boxes(svg)
    measured = layout.read(svg)
    for name in ("cp1", "cp2", "cp3", "worker1", "addons"):
        box, theirs = found[name], measured.clusters[name]
        assert (box.left, box.top, box.right, box.bottom) == pytest.approx(
            (theirs.left, theirs.top, theirs.right, theirs.bottom), abs=0.5)


@needs_renderer
def test_print_formats_draw_the_machines_where_the_svg_does(tmp_path: Path) -> None:
    """The LaTeX builder's PNG (and the download) is the renamed DOT's render, as the
    inline SVG is."""
    source = to_dot(graph(REORDERED))
    svg = render(source, "svg", tmp_path)[0].read_text("utf-8")
    first = interchange.boxes(render(source.partition("\n")[2], "svg", tmp_path)[0]
                              .read_text("utf-8"))
    names = interchange.renaming(interchange.classes_in(source), first)
    assert names  # this figure needs renaming, or the test proves nothing
    made = render(source, "png", tmp_path)[0].read_bytes()
    direct = render(interchange.renamed(source, names).partition("\n")[2], "png", tmp_path)[0]
    assert made == direct.read_bytes()
    assert made != render(source.partition("\n")[2], "png", tmp_path)[0].read_bytes()
    assert layout.reading_order(layout.read(svg)) == []


def test_the_first_layout_is_kept_when_renaming_does_not_help(tmp_path: Path) -> None:
    """A renderer that draws the renamed DOT otherwise (here one that places clusters by
    name) gets its first render kept, not a worse one."""
    renderer = fake_renderers.make(tmp_path, "by-name")
    source = to_dot(graph(ADDONS))
    svg = render(source, "svg", tmp_path / "cache", renderer)[0].read_text("utf-8")
    assert "written: cp1 cp2 cp3 " in svg  # the DOT as written, not renamed
    assert interchange.misplaced(interchange.classes_in(source), interchange.boxes(svg)) > 0


def test_a_label_over_several_lines_is_read_as_one_text() -> None:
    """Graphviz takes a quoted string across lines; so does the renamer, which would
    otherwise take the second line of a label for names."""
    source = ('// k8sarch interchangeable: cp2=cp-2 cp3=cp-3\ndigraph k8sarch {\n'
              '\tnote [label="see\ncp2_kubelet \\"x\\"" id="n-note"]\n'
              '\tsubgraph cluster_cp2 {\n\t\tlabel="cp-2"\n\t\tcp2_kubelet [id="n-cp2_kubelet"]\n'
              '\t}\n\tsubgraph cluster_cp3 {\n\t\tlabel="cp-3"\n\t\tcp3_kubelet\n\t}\n}\n')
    other = interchange.renamed(source, {"cp2": "cp3", "cp3": "cp2"})
    assert 'label="see\ncp2_kubelet \\"x\\""' in other
    assert 'subgraph cluster_cp3 {\n\t\tlabel="cp-3"\n\t\tcp3_kubelet [id="n-cp3_kubelet"]' in other
    assert 'subgraph cluster_cp2 {\n\t\tlabel="cp-2"\n\t\tcp2_kubelet\n' in other


def test_a_real_name_goes_with_its_machine() -> None:
    """Renaming twins that have real names swaps the names on their boxes and in their
    tooltips ("real name (machine)") with them."""
    spec = ADDONS + "names: {cp-2: node-b, cp-3: node-c}\n"
    source = to_dot(graph(spec))
    assert source.splitlines()[0].startswith(
        "// k8sarch interchangeable: cp2=cp-2=node-b cp3=cp-3=node-c;")
    other = interchange.renamed(source, {"cp2": "cp3", "cp3": "cp2"})
    boxes = _clusters(other)
    assert boxes["cp3"]["label"] == "node-c" and boxes["cp3"]["tooltip"] == "node-c (cp-3)"
    assert other.index("subgraph cluster_cp3") < other.index("subgraph cluster_cp2")
    assert interchange.renamed(other, {"cp2": "cp3", "cp3": "cp2"}) == source


def _clusters(source: str) -> dict[str, dict[str, str]]:
    """Each cluster's own label and tooltip, read from the DOT text."""
    found: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"subgraph cluster_(\w+) \{\n((?:\t\t\w+=[^\n]*\n)+)", source):
        found[match[1]] = dict(re.findall(r'(\w+)="([^"]*)"', match[2]))
    return found


@pytest.mark.parametrize(("spec", "expected"), [
    ("control-plane: 5\nworkers: 50\nload-balancer: haproxy\n", [("cp", 5), ("worker", 50)]),
    ("control-plane: 3\nworkers: [{name: general, count: 6}, {name: gpu, count: 2}]\n",
     [("general", 6)]),
    # A machine numbered anew would carry a failure, a zone or a real name wrongly.
    ("control-plane: 3\nworkers: 50\nfailures: [worker-40]\n", []),
    ("control-plane: 3\nworkers: 50\nzones: [a, b]\n", []),
    ("control-plane: 3\nworkers: 50\nnames: {worker-1: node-a}\n", []),
])
def test_folded_pools_whose_shown_machines_are_twins_may_be_numbered_from_the_end(
        spec: str, expected: list[tuple[str, int]]) -> None:
    source = to_dot(graph(spec))
    assert interchange.folds_in(source) == expected


FOLD = [("worker", 50)]
SHOWN_TOPS = {"worker1": 0, "worker2": 100, "worker3": 200}


@pytest.mark.parametrize(("rest", "names", "texts"), [
    (300, {}, {}),  # after its machines: nothing to do
    (150, {"worker3": "worker50"},
     {"worker-3": "worker-50", "worker-4 … worker-50": "worker-3 … worker-49"}),
    (50, {"worker2": "worker49", "worker3": "worker50"},
     {"worker-2": "worker-49", "worker-3": "worker-50",
      "worker-4 … worker-50": "worker-2 … worker-48"}),
    (-100, {}, {}),  # above worker-1, which the folded machines are "like": left alone
])
def test_machines_after_the_folded_box_are_numbered_from_the_end(
        rest: int, names: dict[str, str], texts: dict[str, str]) -> None:
    drawn = {name: _box(top) for name, top in SHOWN_TOPS.items()}
    drawn["worker_rest"] = _box(rest)
    assert interchange.renumbering(FOLD, drawn) == (names, texts)
    assert (interchange.folds_misplaced(FOLD, drawn) == 0) == (rest == 300)
    if names:  # numbered anew, the same places read in order
        moved = {names.get(k, k): v for k, v in drawn.items()}
        assert interchange.folds_misplaced(FOLD, moved) == 0


def test_renumbering_renames_the_folded_box_label_and_the_machines() -> None:
    source = to_dot(graph("control-plane: 5\nworkers: 50\nload-balancer: haproxy\n"))
    names, texts = interchange.renumbering(
        [("worker", 50)], {**{n: _box(t) for n, t in SHOWN_TOPS.items()},
                           "worker_rest": _box(150)})
    other = interchange.renamed(source, names, texts)
    assert 'label="worker-3 … worker-49"' in other and 'label="worker-50"' in other
    assert "worker50_kubelet" in other and "worker3_" not in other
    assert 'label="worker-3"' not in other
