"""Property-based tests (hypothesis) of the spec parser, the validator, the importers and the
``k8sarch check`` command: whatever the input, the result is a model or located
diagnostics, never an exception.

Examples per property: 10,000 when the environment variable ``CI`` is set (derandomized, so
every CI run tries the same inputs), 300 otherwise. The profiles are registered here and
applied per test, so no other module's settings change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
import io
import os
from pathlib import Path
import re
from typing import Any
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
import pytest
from test_injection import Html, assert_inert, dot_structure, expected_structure, parse_dot
import yaml

from sphinx_k8sarch.cli import main
from sphinx_k8sarch.core import components as comp
from sphinx_k8sarch.core.diagnostics import Diagnostic, Severity, Subtype, has_errors
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import find_renderer, render
from sphinx_k8sarch.core.svg import SVG_NS, inline_svg
from sphinx_k8sarch.core.vocabulary import KEYS, LB_KINDS, RUNTIMES

CI = bool(os.environ.get("CI"))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("k8sarch-ci", max_examples=10_000, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_HEALTH)
settings.register_profile("k8sarch-dev", max_examples=300, deadline=None,
                          suppress_health_check=_HEALTH)
PROFILE = settings.get_profile("k8sarch-ci" if CI else "k8sarch-dev")
#: Rendering runs a process per example: a sample is enough to check the whole chain.
RENDER_PROFILE = settings(PROFILE, max_examples=25 if CI else 5)

EN = Translator("en")

# -- strategies ---------------------------------------------------------------------------

COMPONENT_NAMES = [*comp.CATALOG, *comp.ALIASES, "kube-sheduler", "docker", "KUBELET",
                   "DB-ETCD", "  etcd ", "kube_proxy", "Kube Scheduler", ""]
WORDS = [*COMPONENT_NAMES, *LB_KINDS, *RUNTIMES, *KEYS, "stacked", "external", "count",
         "components", "topology", "members", "yes", "no", "on", "null", "~", "3", "0x1F",
         "1:30", "2024-13-45", "2024-01-01", ".inf", ".nan", "<<", "*a", "&a", "!!int"]
HUGE = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 99, 100, 10_000, 10_001, -1, -(2**63), 2**63,
        10**100]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.sampled_from(HUGE),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(WORDS),
)
#: Any YAML-shaped value: scalars, lists and mappings nested a few levels.
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(WORDS), st.text(max_size=10)), inner,
                        max_size=4),
    ),
    max_leaves=8,
)
counts = st.one_of(st.integers(-3, 20), st.sampled_from(HUGE), anything)
names = st.one_of(
    st.none(), st.sampled_from(COMPONENT_NAMES),
    st.lists(st.one_of(st.sampled_from(COMPONENT_NAMES), anything), max_size=6), anything,
)
labels = st.one_of(st.sampled_from([*LB_KINDS, "", "  ", "HAProxy", "none "]),
                   st.text(max_size=70), anything)
pools = st.one_of(counts, st.fixed_dictionaries({}, optional={
    "count": counts, "components": names, "replicas": anything}))
etcds = st.one_of(
    st.sampled_from(["stacked", "external", "External", "apilado"]),
    st.fixed_dictionaries({}, optional={
        "topology": st.one_of(st.sampled_from(["stacked", "external"]), anything),
        "members": counts, "size": anything}),
    anything,
)
link_keys = st.one_of(st.sampled_from([*comp.CATALOG, "cp-1", "worker-2", "etcd-3", "cp-0",
                                       "node-1"]), st.text(max_size=10))
link_targets = st.one_of(
    st.sampled_from(["https://kubernetes.io/docs/", "ref:fig-ha", "doc:index", "glossary",
                     "javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "", "http:"]),
    anything,
)
SPEC_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "title": st.one_of(st.text(max_size=40), anything),
    "control-plane": pools,
    "workers": pools,
    "etcd": etcds,
    "load-balancer": labels,
    "clients": names,
    "runtime": st.one_of(st.sampled_from([*RUNTIMES, "docker", "CRI-O", "crio"]), anything),
    "addons": names,
    "links": st.one_of(st.dictionaries(link_keys, link_targets, max_size=3), anything),
}
specs = st.one_of(
    st.builds(lambda known, extra: {**extra, **known},
              st.fixed_dictionaries({}, optional=SPEC_VALUES),
              st.dictionaries(st.one_of(st.sampled_from(["control-plan", "worker", "lb",
                                                         "Title"]), st.text(max_size=8)),
                              anything, max_size=2)),
    anything,
)


@st.composite
def dumped(draw: st.DrawFn, data: st.SearchStrategy[Any]) -> str:
    """YAML text of ``data`` in one of the styles people write (block, flow, mixed)."""
    return yaml.safe_dump(draw(data), default_flow_style=draw(st.sampled_from([None, False,
                                                                                True])),
                          allow_unicode=draw(st.booleans()), sort_keys=draw(st.booleans()),
                          width=draw(st.sampled_from([20, 80, 10_000])))


#: Lines and pieces of specs, so random text reaches the validator, not only the YAML
#: scanner: keys, indentation, flow collections, anchors, tags, quotes, tabs, controls.
FRAGMENTS = [
    "control-plane: 3", "control-plane: 1", "workers: 2", "workers: 10001", "etcd: stacked",
    "etcd: external", "etcd:", "  topology: external", "  members: 3", "  members: 4",
    "load-balancer: haproxy", "load-balancer: none", "load-balancer: 'my lb'",
    "clients: [kubectl]", "runtime: cri-o", "addons: [coredns, cni]", "title: Production",
    "control-plane:", "workers:", "  count: 3", "  components: [kube-apiserver, etcd]",
    "  components:", "    - kubelet", "    - DB-ETCD", "  - x", "- control-plane: 3",
    "base: &a {count: 3}", "workers: *a", "  <<: *a", "links:", "  etcd: https://etcd.io/",
    "? [a]", ": b", "{", "}", "[", "]", "'", '"', "#", "|", ">", "!!int x", "!!binary x",
    "!!python/object:os.system", "%YAML 1.1", "---", "...", "\t", "\x00", "\x1b", "\x7f",
    "\x85", "\u2028", "\ufeff", "\\", "&", "*", "<<: [*a, *a]", "title: \"a\\eb\"",
    "workers: 0x" + "f" * 300, "a: " + "[" * 30,
]
lines = st.builds(
    lambda indent, body, tail: indent + body + tail,
    st.sampled_from(["", "", "  ", "    ", " ", "\t"]),
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
    st.one_of(st.sampled_from(["", "", " # note", " ", ":", ": x", ",", "]"]),
              st.text(max_size=4)),
)
texts = st.one_of(
    st.text(max_size=200),
    st.builds(lambda parts, sep, end: sep.join(parts) + end,
              st.lists(lines, max_size=14), st.sampled_from(["\n", "\n", "\r\n", "\r"]),
              st.sampled_from(["", "\n"])),
    dumped(specs),
)

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
    assert source.startswith("digraph k8sarch {") and source.rstrip().endswith("}")
    # Whatever the title and labels hold, the DOT has exactly the model's nodes and edges.
    dot = parse_dot(source)
    assert dot_structure(dot) == expected_structure(graph)
    assert not isinstance(dot.graph.get("tooltip"), Html)


# -- properties ----------------------------------------------------------------------------

@PROFILE
@given(texts)
def test_any_text_gives_a_model_or_located_diagnostics(text: str) -> None:
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
@given(st.one_of(imported(), texts), st.sampled_from(["auto", "auto", "kind", "kubeadm", "k3d",
                                                      "spec"]),
       st.fixed_dictionaries({}, optional={"control-plane": st.integers(0, 120),
                                           "workers": st.integers(0, 12_000)}))
def test_any_imported_file_gives_a_model_or_located_diagnostics(
        text: str, fmt: str, node_counts: dict[str, int]) -> None:
    cluster, diagnostics, _data = analyse(text, fmt=fmt, counts=node_counts)
    check_result(text, cluster, diagnostics)


CHECK_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<sev>error|warning): (?P<msg>.+) "
                        r"\[k8sarch\.(?P<sub>[a-z-]+)\]$")


def _spliced(parts: tuple[str, bytes, int]) -> bytes:
    text, junk, at = parts
    data = text.encode("utf-8")
    at %= len(data) + 1
    return data[:at] + junk + data[at:]


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "spec.yaml"


@PROFILE
@given(data=st.one_of(
    st.binary(max_size=300),
    texts.map(lambda text: text.encode("utf-8")),
    st.tuples(texts, st.binary(min_size=1, max_size=4), st.integers(0, 10_000)).map(_spliced),
    st.tuples(dumped(specs), st.sampled_from([b"\xff\xfe", b"\xe9", b"\xc3", b"\xed\xa0\x80",
                                              b"\xef\xbb\xbf"]),
              st.integers(0, 10_000)).map(_spliced),
))
def test_cli_check_on_any_bytes(spec_file: Path, data: bytes) -> None:
    spec_file.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["check", str(spec_file)])
    assert status in (0, 1, 2)
    assert err.getvalue() == ""
    last = max(1, len(data.decode("utf-8", "replace").splitlines()), data.count(b"\n") + 1)
    severities = []
    for line in out.getvalue().splitlines():
        match = CHECK_LINE.match(line)
        assert match, f"not one diagnostic per line: {line!r}"
        assert match["path"] == str(spec_file) and 1 <= int(match["line"]) <= last
        assert match["sub"] in {s.value for s in Subtype}
        severities.append(match["sev"])
    assert status == (1 if "error" in severities else 0)


needs_renderer = pytest.mark.skipif(find_renderer(None) is None,
                                    reason="graphviz-pure is not installed")
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


def _texts(svg: ET.Element) -> Iterator[str]:
    return ("".join(t.itertext()) for t in svg.iter(f"{{{SVG_NS}}}text"))


@needs_renderer
@RENDER_PROFILE
@given(dumped(valid_specs))
def test_valid_specs_render_to_inert_svg(spec_file: Path, text: str) -> None:
    cluster, _diagnostics, _data = analyse(text)
    assume(cluster is not None)
    assert cluster is not None
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", spec_file.parent / "cache")
    svg = ET.fromstring(inline_svg(path.read_bytes(), "p", cluster.title, "d", _link))
    assert_inert(svg, allowed_links=tuple(f"#p-{c}" for c in comp.CATALOG))
    if cluster.has_lb:
        assert f"({cluster.load_balancer})" in set(_texts(svg))
