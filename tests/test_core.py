"""The Sphinx-free core: YAML with lines, spec validation, quorum arithmetic, graph, DOT."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
import pytest

from sphinx_k8sarch.core.diagnostics import Severity, Subtype
from sphinx_k8sarch.core.dot import print_variant, to_dot
from sphinx_k8sarch.core.findings import ha_findings, summary
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import failures_tolerated, quorum
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.svg import inline_svg
from sphinx_k8sarch.core.vocabulary import EtcdTopology

EN = Translator("en")
HA = "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\nclients: [kubectl]\n"


@pytest.mark.parametrize(("members", "majority", "tolerance"), [
    (1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3), (8, 5, 3),
    (9, 5, 4),
])
def test_quorum_matches_the_etcd_faq_table(members: int, majority: int, tolerance: int) -> None:
    assert quorum(members) == majority
    assert failures_tolerated(members) == tolerance


def test_defaults_follow_kubeadm() -> None:
    cluster, diagnostics, _ = parse(HA)
    assert cluster is not None and diagnostics == []
    assert cluster.control_plane.components == (
        "kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager", "kubelet",
        "container-runtime", "kube-proxy")
    assert cluster.workers.components == ("kubelet", "container-runtime", "kube-proxy")
    assert cluster.etcd is EtcdTopology.STACKED and cluster.etcd_members == 3
    assert ha_findings(cluster) == []


def test_aliases_and_did_you_mean() -> None:
    cluster, _, _ = parse("control-plane:\n  count: 1\n  components: [DB-ETCD, apiserver]\n")
    assert cluster is not None and cluster.control_plane.components == ("etcd",
                                                                        "kube-apiserver")
    _, diagnostics, _ = parse("control-plane:\n  components: [kube-sheduler]\n")
    assert [(d.line, d.subtype) for d in diagnostics] == [(2, Subtype.UNKNOWN_COMPONENT)]
    assert "did you mean 'kube-scheduler'?" in diagnostics[0].message


@pytest.mark.parametrize(("text", "line", "subtype"), [
    ("workers: [1, 2\n", 1, Subtype.YAML),
    ("just text", 1, Subtype.TYPE),
    ("control-plane: true\n", 1, Subtype.TYPE),
    ("workers: 2\ncontrol-plane: 0\n", 2, Subtype.VALUE),
    ("workers: 2\ncontrol-plane: 1000\n", 2, Subtype.VALUE),
    ("workers: 2\netcd: apilado\n", 2, Subtype.VALUE),
    ("workers: 2\n\nworker: 3\n", 3, Subtype.UNKNOWN_KEY),
    ("workers: 2\nworkers: 3\n", 2, Subtype.DUPLICATE_KEY),
    ("runtime: docker\n", 1, Subtype.VALUE),
    ("a: !!python/object:os.system x\n", 1, Subtype.YAML),
    ("---\nworkers: 1\n---\nworkers: 2\n", 3, Subtype.YAML),
    ("a: " + "[" * 30 + "]" * 30 + "\n", 1, Subtype.SIZE),
])
def test_errors_are_located(text: str, line: int, subtype: Subtype) -> None:
    cluster, diagnostics, _ = parse(text)
    assert cluster is None
    assert (diagnostics[0].line, diagnostics[0].subtype) == (line, subtype)
    assert diagnostics[0].severity is Severity.ERROR


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    cluster, diagnostics, _ = parse("\n".join(lines))
    assert cluster is None and diagnostics[0].subtype is Subtype.SIZE


@pytest.mark.parametrize(("text", "found"), [
    ("control-plane: 1\n", [Subtype.HA_SINGLE]),
    ("control-plane: 2\nload-balancer: haproxy\n", [Subtype.HA_QUORUM]),
    ("control-plane: 4\nload-balancer: haproxy\n", [Subtype.HA_QUORUM]),
    ("control-plane: 3\n", [Subtype.HA_LB]),
    ("control-plane: 9\nload-balancer: cloud\n", [Subtype.HA_QUORUM]),
    ("control-plane: 3\nload-balancer: cloud\netcd: {topology: external, members: 1}\n",
     [Subtype.HA_EXTERNAL_ETCD]),
    ("control-plane: 3\nload-balancer: cloud\netcd: {topology: external, members: 5}\n", []),
])
def test_ha_findings(text: str, found: list[Subtype]) -> None:
    cluster, _, _ = parse(text)
    assert cluster is not None
    assert [d.subtype for d in ha_findings(cluster)] == found


def test_even_member_message_states_the_arithmetic() -> None:
    cluster, _, _ = parse("control-plane: 4\nload-balancer: haproxy\n")
    assert cluster is not None
    message = ha_findings(cluster)[0].message
    assert "quorum of 3" in message and "tolerate 1 failure" in message


def test_summary_in_both_languages() -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    assert summary(cluster, EN)[0] == ("etcd (stacked on the control-plane nodes): 3 members, "
                                       "quorum 2, tolerates 1 failure")
    assert "quórum 2, tolera 1 fallo" in summary(cluster, Translator("es"))[0]


def test_extends_merges_mappings_and_replaces_lists() -> None:
    _, _, base = parse("control-plane:\n  count: 1\n  components: []\nworkers: 3\n")
    assert base is not None
    cluster, _, _ = parse("control-plane:\n  components: [etcd]\n", base=base)
    assert cluster is not None
    assert cluster.control_plane.count == 1 and cluster.control_plane.components == ("etcd",)
    assert cluster.workers.count == 3


def test_external_etcd_graph_is_bipartite() -> None:
    cluster, _, _ = parse("control-plane: 3\nload-balancer: haproxy\n"
                          "etcd: {topology: external, members: 3}\n")
    assert cluster is not None
    graph = build_graph(cluster, EN)
    etcd_edges = [e for e in graph.edges if e.kind == "etcd"]
    assert len(etcd_edges) == 9
    assert {e.head for e in etcd_edges} == {"etcd1_etcd", "etcd2_etcd", "etcd3_etcd"}
    assert not any(n.component == "etcd" for g in graph.groups if g.kind == "control-plane"
                   for n in g.nodes)


def test_large_pools_collapse() -> None:
    cluster, _, _ = parse("control-plane: 5\nworkers: 50\nload-balancer: haproxy\n")
    assert cluster is not None
    labels = [g.label for g in build_graph(cluster, EN).groups]
    assert labels == ["cp-1", "cp-2", "cp-3", "cp-4 … cp-5", "worker-1", "worker-2",
                      "worker-3", "worker-4 … worker-50"]


def test_only_real_conversations_are_drawn() -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    graph = build_graph(cluster, EN)
    names = {n.id: n.component for g in graph.groups for n in g.nodes}
    names.update({n.id: n.component for n in graph.free + graph.clients})
    pairs = {(names[e.tail], names[e.head]) for e in graph.edges}
    # Only kube-apiserver talks to etcd (plus etcd peers).
    assert {t for t, h in pairs if h == "etcd"} == {"kube-apiserver", "etcd"}
    assert ("kubectl", "load-balancer") in pairs
    assert ("kube-scheduler", "kube-apiserver") in pairs
    assert ("kubelet", "load-balancer") in pairs and ("kube-proxy", "load-balancer") in pairs


def test_dot_snapshot_and_determinism(file_regression: object) -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    source = to_dot(build_graph(cluster, EN))
    assert source == to_dot(build_graph(parse(HA)[0], EN))  # type: ignore[arg-type]
    file_regression.check(source, basename="ha_3_3", extension=".gv")  # type: ignore[attr-defined]


def test_labels_with_markup_stay_text(tmp_path: Path) -> None:
    evil = 'x" -> y [label="<script>alert(1)</script>"]; \\'
    cluster, _, _ = parse(f"control-plane: 3\nload-balancer: {evil!r}\n")
    assert cluster is not None
    source = to_dot(build_graph(cluster, EN))
    path, _new = render(source, "svg", tmp_path)
    svg = inline_svg(path.read_bytes(), "p", "t<", "d&", lambda c: "javascript:alert(1)")
    assert "<script" not in svg and "javascript:" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # shown as text
    assert "t&lt;" in svg and "d&amp;" in svg


def test_svg_titles_are_labels_not_internal_names(tmp_path: Path) -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", tmp_path)
    svg = inline_svg(path.read_bytes(), "p", "t", "d", lambda c: None)
    assert "<title>cp1_kube_apiserver</title>" not in svg
    assert "<title>kube-apiserver</title>" in svg
    assert "<title>cp-1</title>" in svg
    assert "<a " not in svg and 'id="p-p-' not in svg  # unwrapped once, prefixed once


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
