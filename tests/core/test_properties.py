"""Property-based tests (hypothesis) of the spec parser, the validator, the importers and the
drawing: whatever the input, the result is a model or located diagnostics, never an
exception; whatever a valid spec holds, its DOT has exactly the model's nodes and edges and
its picture is inert SVG. Strategies and example counts: :mod:`helpers.strategies`;
``k8sarch check`` on any bytes: ``tests/cli/test_cli_properties.py``.
"""

from __future__ import annotations

from pathlib import Path
import xml.etree.ElementTree as ET

from helpers.dot_parser import Html, dot_structure, expected_structure, parse_dot
from helpers.markers import needs_renderer
from helpers.strategies import (
    PROFILE,
    RENDER_PROFILE,
    anything,
    counts,
    dumped,
    specs,
    texts,
    zoned_specs,
)
from helpers.svg_checks import assert_inert, svg_texts
from hypothesis import assume, event, example, given
from hypothesis import strategies as st
import pytest
import yaml

from sphinx_k8sarch.core import components as comp
from sphinx_k8sarch.core.diagnostics import Diagnostic, Severity, Subtype, has_errors
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.frames import frames_in, machines_in, rewritings
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.interchange import Box, classes_in, interchangeable, renamed
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.svg import inline_svg
from sphinx_k8sarch.core.vocabulary import LB_KINDS, RUNTIMES

#: Hypothesis runs hundreds of examples per property (10,000 in CI).
pytestmark = pytest.mark.slow

EN = Translator("en")

# -- what every result must satisfy ----------------------------------------------------------


def line_count(text: str) -> int:
    return max(1, len(text.splitlines()))


def check_result(text: str, cluster: Cluster | None, diagnostics: list[Diagnostic]) -> None:
    """A model or located errors, never both and never neither; every diagnostic on a line
    of the text, of a known subtype, with a one-line message; sorted by line."""
    assert isinstance(diagnostics, list)
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert isinstance(diagnostic.subtype, Subtype)
        assert isinstance(diagnostic.severity, Severity)
        assert 1 <= diagnostic.line <= line_count(text), (diagnostic, line_count(text))
        assert diagnostic.message and "\n" not in diagnostic.message, diagnostic
    assert diagnostics == sorted(diagnostics)
    # Shown by --hypothesis-show-statistics: how deep the inputs get.
    event("drawn" if cluster is not None else "refused")
    for subtype in sorted({d.subtype.value for d in diagnostics}):
        event(f"diagnostic {subtype}")
    if cluster is None:
        assert has_errors(diagnostics), diagnostics
    else:
        assert isinstance(cluster, Cluster)
        assert not has_errors(diagnostics), diagnostics
        check_drawing(cluster)


def check_drawing(cluster: Cluster) -> None:
    graph = build_graph(cluster, EN)
    source = to_dot(graph)
    classes = classes_in(source)
    assert classes == [[(g.id, g.label, g.title) for g in c] for c in interchangeable(graph)]
    body = "\n".join(line for line in source.split("\n") if not line.startswith("// "))
    assert body.startswith("digraph k8sarch {") and source.rstrip().endswith("}")
    # Whatever the title and labels hold, the DOT has exactly the model's nodes and edges.
    dot = parse_dot(source)
    assert dot_structure(dot) == expected_structure(graph)
    assert not isinstance(dot.graph.get("tooltip"), Html)
    if classes:
        # What the renderer may do after the layout (each class rotated here) draws the
        # same nodes and edges, and undoing it gives back the DOT.
        names = {a: b for c in classes
                 for (a, *_a), (b, *_b) in zip(c, c[1:] + c[:1], strict=True)}
        other = renamed(source, names)
        assert dot_structure(parse_dot(other)) == expected_structure(graph)
        assert renamed(other, {b: a for a, b in names.items()}) == source
    for run in frames_in(source) + machines_in(source):
        # Drawn backwards, each run of boxes is written again: the same nodes and edges.
        drawn = {name: Box(0, -10 * i, 1, 5 - 10 * i) for i, (name, _m) in enumerate(run.order)}
        for other in rewritings(source, [run], drawn):
            assert other != source
            assert dot_structure(parse_dot(other)) == expected_structure(graph)


# -- properties ----------------------------------------------------------------------------

@PROFILE
@given(texts)
def test_any_text_gives_a_model_or_located_diagnostics(text: str) -> None:
    cluster, diagnostics, _data = analyse(text)
    check_result(text, cluster, diagnostics)


@PROFILE
@given(dumped(zoned_specs))
def test_zoned_clusters_draw_the_model_whichever_way_their_frames_are_written(
        text: str) -> None:
    cluster, diagnostics, _data = analyse(text)
    check_result(text, cluster, diagnostics)


@PROFILE
@given(dumped(specs), st.one_of(st.just(""), st.text(max_size=30)))
def test_any_yaml_data_gives_a_model_or_located_diagnostics(text: str, title: str) -> None:
    cluster, diagnostics, data = analyse(text, title)
    check_result(text, cluster, diagnostics)
    if cluster is not None:
        assert isinstance(data, dict)
        assert cluster.title == (title or (data.get("title") or ""))
        assert 1 <= cluster.control_plane.count <= 99
        assert 0 <= cluster.workers.count <= 10_000
        assert len(cluster.load_balancer) <= 60


# Imported formats (the default of the directive and the CLI is format "auto").
kubeadm_docs = st.fixed_dictionaries(
    {"apiVersion": st.one_of(st.sampled_from(["kubeadm.k8s.io/v1beta3",
                                               "kubeadm.k8s.io/v1beta4",
                                               "kubeadm.k8s.io/v1beta2",
                                               "kubelet.config.k8s.io/v1beta1",
                                               "example.com/v1"]), anything),
     "kind": st.one_of(st.sampled_from(["ClusterConfiguration", "InitConfiguration",
                                         "JoinConfiguration", "KubeletConfiguration",
                                         "Cluster"]), anything)},
    optional={
        "controlPlaneEndpoint": st.one_of(st.sampled_from(["lb.example.com:6443", "[::1]:6443",
                                                           ":6443", ""]), anything),
        "etcd": st.one_of(st.fixed_dictionaries({}, optional={
            "local": anything,
            "external": st.one_of(st.fixed_dictionaries({}, optional={"endpoints": st.one_of(
                st.lists(st.sampled_from(["https://10.0.0.1:2379", "10.0.0.2", ""]),
                         max_size=5), anything)}), anything)}), anything),
        "dns": anything, "proxy": anything, "clusterName": st.one_of(st.text(max_size=20),
                                                                      anything),
        "skipPhases": st.one_of(st.lists(st.sampled_from(["addon", "addon/coredns",
                                                         "addon/kube-proxy", "etcd",
                                                         "control-plane", "x"])), anything),
        "nodeRegistration": st.one_of(st.fixed_dictionaries({}, optional={"criSocket":
            st.one_of(st.sampled_from(["unix:///var/run/crio/crio.sock",
                                       "unix:///run/containerd/containerd.sock",
                                       "unix:///var/run/cri-dockerd.sock"]), anything)}),
            anything),
        "networking": anything, "metadata": anything, "surprise": anything,
    })
kind_node = st.one_of(st.fixed_dictionaries({}, optional={
    "role": st.one_of(st.sampled_from(["control-plane", "worker", "master"]), anything),
    "image": anything, "kubeadmConfigPatches": anything, "extra": anything}), anything)
kind_docs = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["kind.x-k8s.io/v1alpha4", "kind.x-k8s.io/v1alpha3"]),
     "kind": st.sampled_from(["Cluster", "Simple"])},
    optional={
        "name": st.one_of(st.text(max_size=20), anything),
        "nodes": st.one_of(st.lists(kind_node, max_size=6), anything),
        "networking": st.one_of(st.fixed_dictionaries({}, optional={
            "kubeProxyMode": st.one_of(st.sampled_from(["iptables", "ipvs", "none", "bpf"]),
                                       anything),
            "disableDefaultCNI": anything}), anything),
        "kubeadmConfigPatches": st.one_of(st.lists(st.one_of(st.sampled_from([
            "kind: ClusterConfiguration\netcd:\n  external:\n    endpoints: [https://a:2379]\n",
            "kind: InitConfiguration\nskipPhases: [addon/coredns]\n", "{", "- x",
        ]), st.text(max_size=30)), max_size=3), anything),
        "featureGates": anything, "surprise": anything,
    })
k3d_docs = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["k3d.io/v1alpha5", "k3d.io/v1alpha4", "k3d.io/v1alpha3"]),
     "kind": st.sampled_from(["Simple", "Cluster"])},
    optional={
        "metadata": st.one_of(st.fixed_dictionaries({}, optional={"name": anything}),
                              anything),
        "servers": counts, "agents": counts,
        "options": st.one_of(st.fixed_dictionaries({}, optional={
            "k3d": st.one_of(st.fixed_dictionaries({}, optional={
                "disableLoadbalancer": anything}), anything),
            "k3s": st.one_of(st.fixed_dictionaries({}, optional={
                "extraArgs": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
                    "arg": st.one_of(st.sampled_from([
                        "--disable=coredns", "--disable-kube-proxy", "--cluster-init",
                        "--datastore-endpoint=https://a:2379,https://b:2379",
                        "--datastore-endpoint=mysql://x", "--disable-etcd", "--docker"]),
                        anything),
                    "nodeFilters": anything}), max_size=4), anything)}), anything),
            "surprise": anything}), anything),
        "surprise": anything,
    })


@st.composite
def imported(draw: st.DrawFn) -> str:
    documents = draw(st.one_of(st.lists(kubeadm_docs, min_size=1, max_size=3),
                               kind_docs.map(lambda d: [d]), k3d_docs.map(lambda d: [d]),
                               st.lists(st.one_of(kind_docs, k3d_docs, specs), min_size=1,
                                        max_size=2)))
    return yaml.safe_dump_all(documents, default_flow_style=draw(st.sampled_from([None, False])),
                              sort_keys=draw(st.booleans()))


@PROFILE
# Found by CI's 10,000 examples: an empty document after "---" was located past the end.
@example("---\n", "auto", {"control-plane": 0})
@given(st.one_of(imported(), texts), st.sampled_from(["auto", "auto", "kind", "kubeadm", "k3d",
                                                      "spec"]),
       st.fixed_dictionaries({}, optional={"control-plane": st.integers(0, 120),
                                           "workers": st.integers(0, 12_000)}))
def test_any_imported_file_gives_a_model_or_located_diagnostics(
        text: str, fmt: str, node_counts: dict[str, int]) -> None:
    cluster, diagnostics, _data = analyse(text, fmt=fmt, counts=node_counts)
    check_result(text, cluster, diagnostics)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("renders")


valid_specs = st.fixed_dictionaries(
    {"control-plane": st.integers(1, 9)},
    optional={"workers": st.integers(0, 12),
              "etcd": st.one_of(st.just("stacked"), st.fixed_dictionaries(
                  {"topology": st.just("external"), "members": st.integers(1, 9)})),
              "load-balancer": st.one_of(st.sampled_from(LB_KINDS), st.text(
                  st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\\&"),
                  min_size=1, max_size=60)),
              "clients": st.lists(st.sampled_from(["kubectl", "kubelet"]), unique=True),
              "addons": st.lists(st.sampled_from(["coredns", "cni"]), unique=True),
              "runtime": st.sampled_from(RUNTIMES)})


def _link(component: str) -> str | None:
    return f"#p-{component}"


@needs_renderer
@RENDER_PROFILE
@given(dumped(valid_specs))
def test_valid_specs_render_to_inert_svg(cache: Path, text: str) -> None:
    cluster, _diagnostics, _data = analyse(text)
    assume(cluster is not None)
    assert cluster is not None
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", cache)
    svg = ET.fromstring(inline_svg(path.read_bytes(), "p", cluster.title, "d", _link))
    assert_inert(svg, allowed_links=tuple(f"#p-{c}" for c in comp.CATALOG))
    if cluster.has_lb:
        assert f"({cluster.load_balancer})" in set(svg_texts(svg))
