"""Importing kind, kubeadm and k3d configuration files (``sphinx_k8sarch.core.imports``).

The files in ``tests/data/imports`` are written the way people write them, comments and
unrelated fields included. Each test checks what a reader of the diagram would see: the
nodes, the etcd topology, the load balancer, the components, and the exact line of the file
that every message points at.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from helpers.paths import DOCS, IMPORTS
from hypothesis import example, given, settings
from hypothesis import strategies as st
import pytest
import yaml

from sphinx_k8sarch.core import validate
from sphinx_k8sarch.core.diagnostics import Diagnostic, Severity, Subtype, has_errors
from sphinx_k8sarch.core.findings import ha_findings, summary
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.imports import FORMATS, convert
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.vocabulary import CONTROL_PLANE_DEFAULT, WORKER_DEFAULT, EtcdTopology
from sphinx_k8sarch.core.yamlspec import load

DATA = IMPORTS
DOCS_EXAMPLES = DOCS / "guide" / "formats" / "examples"
EN = Translator("en")
HA3 = {"control-plane": 3, "workers": 3}


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based line of the first line at or after ``start`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the file")


def imported(text: str, fmt: str = "auto", counts: Mapping[str, int] | None = None
             ) -> tuple[Cluster, str, list[Diagnostic]]:
    """Convert, build and check as the directive does; the file must be drawable."""
    loaded, used, diagnostics = convert(text, fmt, counts)
    assert loaded is not None, diagnostics
    cluster, more = validate.validate(loaded.data, loaded)
    assert cluster is not None, more
    everything = sorted(diagnostics + more + ha_findings(cluster))
    assert not has_errors(everything), everything
    return cluster, used, everything


def failed(text: str, fmt: str = "auto", counts: Mapping[str, int] | None = None
           ) -> tuple[str, list[Diagnostic]]:
    loaded, used, diagnostics = convert(text, fmt, counts)
    assert loaded is None
    assert has_errors(diagnostics)
    return used, diagnostics


def found(diagnostics: list[Diagnostic]) -> list[tuple[int, Subtype]]:
    return [(d.line, d.subtype) for d in diagnostics]


# --- detection --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), [
    ("kind-ha.yaml", "kind"),
    ("kind-single.yaml", "kind"),
    ("kind-no-kube-proxy.yaml", "kind"),
    ("kubeadm-external-etcd.yaml", "kubeadm"),
    ("kubeadm-v1beta4-stacked.yaml", "kubeadm"),
    ("k3d-ha.yaml", "k3d"),
    ("k3d-single.yaml", "k3d"),
])
def test_the_format_is_detected_and_can_be_named(name: str, fmt: str) -> None:
    text = read(name)
    counts = HA3 if fmt == "kubeadm" else None
    auto, used, _ = imported(text, "auto", counts)
    assert used == fmt
    explicit, used, _ = imported(text, fmt, counts)
    assert used == fmt and explicit == auto


def test_a_plain_spec_is_loaded_as_it_is() -> None:
    text = "title: Lab\ncontrol-plane: 3\nload-balancer: haproxy\n"
    for fmt in ("auto", "spec"):
        loaded, used, diagnostics = convert(text, fmt)
        assert used == "spec" and diagnostics == []
        assert loaded is not None and loaded == load(text)[0]
    # A spec is one document, as before.
    loaded, used, diagnostics = convert("workers: 1\n---\nworkers: 2\n")
    assert loaded is None and used == "spec"
    assert found(diagnostics) == [(2, Subtype.YAML)]


def test_formats_are_the_documented_ones() -> None:
    assert FORMATS == ("auto", "spec", "kind", "kubeadm", "k3d", "capi", "kubectl")
    loaded, _, diagnostics = convert("workers: 1\n", "rke")
    assert loaded is None and diagnostics[0].subtype is Subtype.OPTION


# --- kind -------------------------------------------------------------------------------


def test_kind_ha_cluster_gets_kinds_own_load_balancer() -> None:
    cluster, _, diagnostics = imported(read("kind-ha.yaml"))
    # Port mappings, mounts, labels, images, feature gates and the label-only kubeadm
    # patches do not change the architecture: nothing to warn about.
    assert diagnostics == []
    assert cluster.title == "lab-ha"
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 3)
    assert cluster.etcd is EtcdTopology.STACKED and cluster.etcd_members == 3
    assert cluster.load_balancer == "kind"
    assert cluster.control_plane.components == CONTROL_PLANE_DEFAULT
    assert cluster.workers.components == WORKER_DEFAULT
    assert cluster.addons == ("coredns", "cni")
    assert cluster.runtime == "containerd"


def test_kind_single_node_is_one_control_plane_without_load_balancer() -> None:
    text = read("kind-single.yaml")
    cluster, _, diagnostics = imported(text)
    assert (cluster.control_plane.count, cluster.workers.count) == (1, 0)
    assert not cluster.has_lb and cluster.etcd_members == 1
    # The only finding is about HA, and it points at the node's role.
    assert found(diagnostics) == [(line_of(text, "role: control-plane"), Subtype.HA_SINGLE)]


def test_kind_without_nodes_is_kinds_default_single_node() -> None:
    cluster, used, diagnostics = imported(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nname: quick\n")
    assert used == "kind" and cluster.title == "quick"
    assert (cluster.control_plane.count, cluster.workers.count) == (1, 0)
    assert [d.subtype for d in diagnostics] == [Subtype.HA_SINGLE]


def test_kind_kube_proxy_mode_none_removes_kube_proxy_everywhere() -> None:
    cluster, _, diagnostics = imported(read("kind-no-kube-proxy.yaml"))
    assert (cluster.control_plane.count, cluster.workers.count) == (1, 2)
    assert "kube-proxy" not in cluster.control_plane.components
    assert "kube-proxy" not in cluster.workers.components
    assert "kube-proxy" not in cluster.all_components()
    # disableDefaultCNI: kind skips kindnetd, but the cluster still runs a CNI plugin.
    assert cluster.addons == ("coredns", "cni")
    assert [d.subtype for d in diagnostics] == [Subtype.HA_SINGLE]


@pytest.mark.parametrize("mode", ["iptables", "ipvs", "nftables"])
def test_kind_kube_proxy_modes_that_keep_kube_proxy(mode: str) -> None:
    cluster, _, diagnostics = imported(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n"
        "- role: control-plane\n- role: control-plane\n- role: control-plane\n"
        f"networking:\n  kubeProxyMode: {mode}\n")
    assert cluster.control_plane.has("kube-proxy") and diagnostics == []


def test_kind_unknown_fields_warn_at_their_line_and_the_rest_is_drawn() -> None:
    text = """\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  replicas: 3
- role: worker
networking:
  kubeProxyMode: iptables
  loadBalancer: envoy
controlPlaneLoadBalancer: haproxy
"""
    cluster, _, diagnostics = imported(text)
    imports = [d for d in diagnostics if d.subtype is Subtype.IMPORT]
    assert [(d.line, d.severity) for d in imports] == [(5, Severity.WARNING),
                                                       (9, Severity.WARNING),
                                                       (10, Severity.WARNING)]
    assert "'replicas'" in imports[0].message and "kind node" in imports[0].message
    assert (cluster.control_plane.count, cluster.workers.count) == (1, 1)


def test_kind_top_level_typo_gets_a_hint() -> None:
    text = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnode:\n- role: worker\n"
    loaded, _, diagnostics = convert(text)
    assert loaded is not None
    assert found(diagnostics) == [(3, Subtype.IMPORT)]
    assert "did you mean 'nodes'?" in diagnostics[0].message


def test_kind_patch_that_changes_the_architecture_warns_at_the_patch() -> None:
    text = """\
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  apiServer:
    certSANs: [localhost]
- |
  kind: ClusterConfiguration
  etcd:
    external:
      endpoints: [https://etcd.example.com:2379]
"""
    cluster, _, diagnostics = imported(text)
    imports = [d for d in diagnostics if d.subtype is Subtype.IMPORT]
    assert found(imports) == [(10, Subtype.IMPORT)]
    assert "etcd to an external cluster" in imports[0].message
    assert cluster.etcd is EtcdTopology.STACKED


def test_kind_ha_findings_point_into_the_file() -> None:
    text = ("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n"
            "  - role: worker\n  - role: control-plane\n  - role: control-plane\n")
    cluster, _, diagnostics = imported(text)
    assert cluster.load_balancer == "kind"
    # Two stacked members: the quorum finding points at the first control-plane node.
    assert found(diagnostics) == [(5, Subtype.HA_QUORUM)]


def test_counts_are_ignored_for_formats_that_hold_them() -> None:
    text = read("kind-ha.yaml")
    cluster, _, diagnostics = imported(text, counts={"control-plane": 1, "workers": 9})
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 3)
    first_cp = line_of(text, "role: control-plane")
    first_worker = line_of(text, "role: worker")
    assert found(diagnostics) == [(first_cp, Subtype.OPTION), (first_worker, Subtype.OPTION)]


# --- kubeadm ----------------------------------------------------------------------------


def test_kubeadm_external_etcd_is_its_own_group_wired_to_every_api_server() -> None:
    text = read("kubeadm-external-etcd.yaml")
    cluster, _, diagnostics = imported(text, counts=HA3)
    assert diagnostics == []
    assert cluster.title == "prod-eu1"
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 3)
    assert cluster.etcd is EtcdTopology.EXTERNAL and cluster.etcd_members == 3
    assert "etcd" not in cluster.control_plane.components
    assert cluster.load_balancer == "k8s-api.example.com:6443"

    graph = build_graph(cluster, EN)
    apis = {n.id for g in graph.groups if g.kind == "control-plane" for n in g.nodes
            if n.component == "kube-apiserver"}
    members = {n.id for g in graph.groups if g.kind == "etcd-host" for n in g.nodes
               if n.component == "etcd"}
    assert len(apis) == 3 and len(members) == 3
    # kubeadm's recipe for external etcd runs it as a static Pod: a kubelet and a runtime.
    hosts = [g for g in graph.groups if g.kind == "etcd-host"]
    assert [[n.component for n in g.nodes] for g in hosts] == [
        ["etcd", "kubelet", "container-runtime"]] * 3
    wired = {(e.tail, e.head) for e in graph.edges if e.kind == "etcd"}
    assert wired == {(api, member) for api in apis for member in members}


def test_kubeadm_external_etcd_findings_point_at_the_endpoints() -> None:
    text = read("kubeadm-external-etcd.yaml").replace(
        "      - https://10.0.0.23:2379\n", "")
    cluster, _, diagnostics = imported(text, counts=HA3)
    assert cluster.etcd_members == 2
    assert found(diagnostics) == [(line_of(text, "external:"), Subtype.HA_EXTERNAL_ETCD)]


def test_kubeadm_without_counts_draws_one_node_and_asks_for_the_count() -> None:
    text = read("kubeadm-external-etcd.yaml")
    cluster, _, diagnostics = imported(text)
    assert (cluster.control_plane.count, cluster.workers.count) == (1, 0)
    endpoint = line_of(text, "controlPlaneEndpoint")
    # One warning that says what to add, at the endpoint; not also "one control-plane node
    # is a single point of failure", which would contradict it (the 1 is only assumed).
    assert found(diagnostics) == [(endpoint, Subtype.IMPORT)]
    assert ":control-plane: and :workers: options" in diagnostics[0].message
    assert "--control-plane, --workers" in diagnostics[0].message
    # An explicit count of 1 is the author's choice: no question asked.
    _, _, diagnostics = imported(text, counts={"control-plane": 1})
    assert not [d for d in diagnostics if d.subtype is Subtype.IMPORT]


def test_kubeadm_v1beta4_init_and_cluster_stream_with_stacked_etcd() -> None:
    text = read("kubeadm-v1beta4-stacked.yaml")
    cluster, used, diagnostics = imported(text, counts={"control-plane": 3, "workers": 2})
    assert used == "kubeadm"
    # The InitConfiguration's tokens and node settings and the kubelet and kube-proxy
    # configurations do not change the architecture.
    assert diagnostics == []
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 2)
    assert cluster.etcd is EtcdTopology.STACKED and cluster.etcd_members == 3
    assert cluster.load_balancer == "10.0.0.10:6443"
    assert cluster.control_plane.components == CONTROL_PLANE_DEFAULT
    assert cluster.addons == ("coredns", "cni")


def test_kubeadm_more_control_planes_than_the_file_has_an_endpoint_for() -> None:
    text = read("kubeadm-v1beta4-stacked.yaml").replace(
        'controlPlaneEndpoint: "10.0.0.10:6443"   # VIP held by keepalived\n', "")
    cluster, _, diagnostics = imported(text, counts=HA3)
    assert not cluster.has_lb
    # No load balancer line in the file: the finding points at the ClusterConfiguration.
    assert found(diagnostics) == [(line_of(text, "kind: ClusterConfiguration") - 1, Subtype.HA_LB)]


V1BETA4 = """\
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
controlPlaneEndpoint: lb.internal:6443
dns:
  disabled: true
proxy:
  disabled: true
"""


def test_kubeadm_v1beta4_disabled_add_ons_are_not_drawn() -> None:
    cluster, _, diagnostics = imported(V1BETA4, counts=HA3)
    assert diagnostics == []
    assert cluster.addons == ("cni",)
    assert "kube-proxy" not in cluster.all_components()
    assert cluster.control_plane.has("etcd")


def test_kubeadm_v1beta3_does_not_know_the_disabled_fields() -> None:
    text = V1BETA4.replace("v1beta4", "v1beta3")
    cluster, _, diagnostics = imported(text, counts=HA3)
    # kubeadm v1beta3 installs both add-ons anyway; the file's author is told.
    assert found(diagnostics) == [(5, Subtype.IMPORT), (6, Subtype.IMPORT)]
    assert "v1beta4" in diagnostics[0].message and "v1beta4" in diagnostics[1].message
    assert cluster.addons == ("coredns", "cni")
    assert cluster.workers.has("kube-proxy")


@pytest.mark.parametrize(("phase", "coredns", "kube_proxy"), [
    ("addon/kube-proxy", True, False),
    ("addon/coredns", False, True),
    ("addon", False, False),
    ("preflight", True, True),
])
def test_kubeadm_skipped_add_on_phases(phase: str, coredns: bool, kube_proxy: bool) -> None:
    text = ("apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n"
            f"skipPhases:\n  - {phase}\n")
    cluster, _, _ = imported(text)
    assert ("coredns" in cluster.addons) is coredns
    assert cluster.control_plane.has("kube-proxy") is kube_proxy


def test_kubeadm_init_configuration_alone_is_a_default_cluster() -> None:
    text = ("apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n"
            "localAPIEndpoint:\n  advertiseAddress: 192.168.56.10\n"
            "nodeRegistration:\n  criSocket: unix:///var/run/crio/crio.sock\n")
    cluster, used, diagnostics = imported(text, counts={"workers": 2})
    assert used == "kubeadm"
    assert (cluster.control_plane.count, cluster.workers.count) == (1, 2)
    assert cluster.etcd is EtcdTopology.STACKED and not cluster.has_lb
    assert cluster.runtime == "cri-o"
    assert found(diagnostics) == [(1, Subtype.IMPORT)]
    assert "how many control-plane nodes" in diagnostics[0].message
    assert ":control-plane: option" in diagnostics[0].message


def test_kubeadm_skips_foreign_documents_with_a_warning() -> None:
    text = ("apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n---\n"
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n")
    _, _, diagnostics = imported(text, counts={"control-plane": 1})
    assert found(diagnostics) == [(1, Subtype.HA_SINGLE), (4, Subtype.IMPORT)]


# --- k3d --------------------------------------------------------------------------------


def test_k3d_ha_servers_run_embedded_etcd_behind_the_server_load_balancer() -> None:
    cluster, _, diagnostics = imported(read("k3d-ha.yaml"))
    assert diagnostics == []
    assert cluster.title == "k3d-ha"
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 2)
    assert cluster.etcd is EtcdTopology.STACKED and cluster.etcd_members == 3
    assert cluster.load_balancer == "k3d serverlb"
    assert cluster.addons == ("coredns", "cni")


def test_k3d_single_server_keeps_its_state_in_sqlite() -> None:
    text = read("k3d-single.yaml")
    cluster, _, diagnostics = imported(text)
    servers = line_of(text, "servers:")
    assert found(diagnostics) == [(servers, Subtype.HA_SINGLE), (servers, Subtype.IMPORT)]
    assert "SQLite" in diagnostics[1].message
    assert not cluster.control_plane.has("etcd") and cluster.etcd_members == 0
    assert "etcd" not in cluster.all_components()
    # k3d puts its load balancer in front of a single server as well.
    assert cluster.load_balancer == "k3d serverlb"
    # The summary says where the state is, not that there is nowhere to keep it.
    assert cluster.datastore == "SQLite"
    assert summary(cluster, Translator("en"))[0] == (
        "Cluster state: kept in SQLite instead of etcd, so there is no etcd quorum")


def test_k3d_sql_datastore_is_named_in_the_summary() -> None:
    text = read("k3d-ha.yaml").replace(
        "      - arg: --tls-san=k8s.localhost\n",
        "      - arg: --datastore-endpoint=postgres://k3s:secret@db:5432/k3s\n")
    cluster, _, diagnostics = imported(text)
    assert cluster.datastore == "PostgreSQL" and cluster.etcd_members == 0
    assert [d.subtype for d in diagnostics] == [Subtype.IMPORT]
    assert "PostgreSQL" in summary(cluster, Translator("es"))[0]


def test_k3d_cluster_init_gives_a_single_server_embedded_etcd() -> None:
    text = read("k3d-single.yaml").replace(
        "      - arg: --disable=traefik\n",
        "      - arg: --cluster-init\n        nodeFilters:\n          - server:0\n"
        "      - arg: --disable=traefik\n")
    cluster, _, diagnostics = imported(text)
    assert cluster.control_plane.has("etcd") and cluster.etcd_members == 1
    assert [d.subtype for d in diagnostics] == [Subtype.HA_SINGLE]


def test_k3d_without_load_balancer_warns_at_the_option() -> None:
    text = read("k3d-ha.yaml").replace("disableLoadbalancer: false", "disableLoadbalancer: true")
    cluster, _, diagnostics = imported(text)
    assert not cluster.has_lb
    assert found(diagnostics) == [(line_of(text, "disableLoadbalancer"), Subtype.HA_LB)]


def test_k3d_flags_that_remove_components() -> None:
    text = read("k3d-ha.yaml").replace(
        "      - arg: --tls-san=k8s.localhost\n",
        "      - arg: --disable=coredns,servicelb\n      - arg: --disable-kube-proxy\n"
        "      - arg: --disable-scheduler\n")
    cluster, _, diagnostics = imported(text)
    assert cluster.addons == ("cni",)
    assert "kube-proxy" not in cluster.all_components()
    assert found(diagnostics) == [(line_of(text, "--disable-scheduler"), Subtype.IMPORT)]


def test_k3d_external_etcd_datastore() -> None:
    text = read("k3d-ha.yaml").replace(
        "      - arg: --tls-san=k8s.localhost\n",
        "      - arg: --datastore-endpoint=https://etcd-1:2379,https://etcd-2:2379,"
        "https://etcd-3:2379\n")
    cluster, _, diagnostics = imported(text)
    assert cluster.etcd is EtcdTopology.EXTERNAL and cluster.etcd_members == 3
    assert diagnostics == []


@pytest.mark.parametrize(("change", "subtype", "words"), [
    ("servers: 0", Subtype.VALUE, "servers must be at least 1"),
    ("servers: three", Subtype.TYPE, "servers must be a whole number"),
])
def test_k3d_bad_counts_are_refused_at_their_line(change: str, subtype: Subtype,
                                                  words: str) -> None:
    text = read("k3d-ha.yaml").replace("servers: 3", change)
    _, diagnostics = failed(text)
    assert found(diagnostics) == [(line_of(text, "servers:"), subtype)]
    assert words in diagnostics[0].message


def test_errors_of_spec_build_point_into_the_imported_file() -> None:
    text = read("k3d-ha.yaml").replace("servers: 3", "servers: 150")
    loaded, _, diagnostics = convert(text)
    assert loaded is not None and diagnostics == []
    cluster, more = validate.validate(loaded.data, loaded)
    assert cluster is None
    assert found(more) == [(line_of(text, "servers:"), Subtype.VALUE)]
    # The same for the etcd members of a kubeadm file: the endpoints line.
    text = read("kubeadm-external-etcd.yaml")
    endpoints = line_of(text, "endpoints:")
    many = "".join(f"      - https://10.0.1.{i}:2379\n" for i in range(16))
    text = text.replace("    caFile:", many + "    caFile:")
    loaded, _, _ = convert(text, counts=HA3)
    assert loaded is not None
    cluster, more = validate.validate(loaded.data, loaded)
    assert cluster is None and found(more) == [(endpoints, Subtype.VALUE)]


def test_k3d_unknown_field_warns() -> None:
    text = read("k3d-single.yaml").replace("agents: 0\n", "agents: 0\nloadbalancers: 2\n")
    _, _, diagnostics = imported(text)
    assert (line_of(text, "loadbalancers"), Subtype.IMPORT) in found(diagnostics)


# --- errors, each at its line in the file -----------------------------------------------


KIND = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n"
KUBEADM = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
INLINE = {
    "kind-broken-yaml": KIND + ("nodes:\n- role: control-plane\n- role: worker\n"
                                "  extraPortMappings: [{containerPort: 80, hostPort: 80}\n"),
    "kind-proxy-mode": KIND + "networking:\n  kubeProxyMode: ebpf\n",
    "kind-only-workers": KIND + "nodes:\n- role: worker\n",
    "kind-two-documents": KIND + "---\n" + KIND,
    "kubeadm-v1alpha3": "apiVersion: kubeadm.k8s.io/v1alpha3\nkind: ClusterConfiguration\n",
    "kubeadm-no-endpoints": KUBEADM + "etcd:\n  external:\n    caFile: /etc/etcd/ca.crt\n",
    "kubeadm-two-clusters": KUBEADM + "---\n" + KUBEADM,
    "kubelet-only": "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
    "k3d-v1alpha6": "apiVersion: k3d.io/v1alpha6\nkind: Simple\n",
    "k3d-cluster-kind": "apiVersion: k3d.io/v1alpha5\nkind: Cluster\n",
    "configmap": "apiVersion: v1\nkind: ConfigMap\n",
    "spec": "control-plane: 3\n",
}


@pytest.mark.parametrize(("source", "fmt", "line", "subtype", "words"), [
    ("kind-bad-role.yaml", "auto", 5, Subtype.VALUE, "did you mean 'control-plane'?"),
    ("kind-v1alpha3.yaml", "auto", 3, Subtype.IMPORT, "kind.x-k8s.io/v1alpha4"),
    ("kubeadm-local-and-external.yaml", "auto", 8, Subtype.VALUE, "mutually exclusive"),
    ("kind-ha.yaml", "kubeadm", 4, Subtype.IMPORT, "this is a kind configuration"),
    ("kind-ha.yaml", "spec", 4, Subtype.IMPORT, "this is a kind configuration"),
    ("k3d-ha.yaml", "kind", 2, Subtype.IMPORT, "this is a k3d configuration"),
    ("spec", "kind", 1, Subtype.IMPORT, "no apiVersion"),
    ("kind-broken-yaml", "auto", 6, Subtype.YAML, "YAML syntax error"),
    ("kind-proxy-mode", "auto", 4, Subtype.VALUE, "kubeProxyMode"),
    ("kind-only-workers", "auto", 3, Subtype.VALUE, "at least one control-plane"),
    ("kind-two-documents", "auto", 4, Subtype.IMPORT, "one YAML document"),
    ("kubeadm-v1alpha3", "auto", 1, Subtype.IMPORT,
     "kubeadm.k8s.io/v1beta4, kubeadm.k8s.io/v1beta3, kubeadm.k8s.io/v1beta2"),
    ("kubeadm-no-endpoints", "kubeadm", 4, Subtype.VALUE, "needs endpoints"),
    ("kubeadm-two-clusters", "auto", 5, Subtype.IMPORT, "second ClusterConfiguration"),
    ("kubelet-only", "auto", 1, Subtype.IMPORT, "no ClusterConfiguration or InitConfiguration"),
    ("k3d-v1alpha6", "auto", 1, Subtype.IMPORT, "k3d.io/v1alpha5, k3d.io/v1alpha4"),
    ("k3d-cluster-kind", "auto", 2, Subtype.IMPORT, "expected Simple"),
    ("configmap", "auto", 1, Subtype.IMPORT, "supported:"),
])
def test_errors_are_reported_at_their_line_in_the_file(
        source: str, fmt: str, line: int, subtype: Subtype, words: str) -> None:
    text = read(source) if source.endswith(".yaml") else INLINE[source]
    counts = HA3 if "kubeadm" in (source + fmt) else None
    _, diagnostics = failed(text, fmt, counts)
    errors = [d for d in diagnostics if d.is_error]
    assert found(errors) == [(line, subtype)]
    assert words in errors[0].message


def test_the_format_used_is_reported_even_when_the_file_is_refused() -> None:
    used, _ = failed(read("kind-v1alpha3.yaml"))
    assert used == "kind"
    used, _ = failed(read("kind-bad-role.yaml"))
    assert used == "kind"


# --- the documentation's own examples ---------------------------------------------------


DOC_COUNTS = {"kubeadm-ha.yaml": HA3, "kubeadm-stacked.yaml": HA3}
#: Examples that show a warning on purpose (the page explains and suppresses it).
DOC_WARNS = {"k3d-dev.yaml": [Subtype.IMPORT]}


@pytest.mark.parametrize("path", sorted(DOCS_EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_documentation_examples_import_cleanly(path: Path) -> None:
    cluster, used, diagnostics = imported(path.read_text(encoding="utf-8"), "auto",
                                          DOC_COUNTS.get(path.name))
    assert used == path.name.split("-")[0]
    assert [d.subtype for d in diagnostics if d.subtype in (Subtype.IMPORT, Subtype.OPTION)
            ] == DOC_WARNS.get(path.name, [])
    assert cluster.control_plane.count >= 1


# --- robustness -------------------------------------------------------------------------


HEADERS = [KIND, KUBEADM, "apiVersion: kubeadm.k8s.io/v1beta3\nkind: InitConfiguration\n",
           "apiVersion: k3d.io/v1alpha5\nkind: Simple\n"]
FIELDS = ["nodes", "role", "networking", "kubeProxyMode", "kubeadmConfigPatches", "etcd",
          "local", "external", "endpoints", "dns", "proxy", "disabled", "skipPhases",
          "nodeRegistration", "criSocket", "controlPlaneEndpoint", "servers", "agents",
          "options", "k3d", "k3s", "extraArgs", "arg", "disableLoadbalancer", "metadata",
          "name"]
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 20), st.sampled_from(
    ["control-plane", "worker", "none", "--cluster-init", "--disable=coredns", "addon",
     "https://e:2379", "kind: ClusterConfiguration\netcd: {external: {}}", "x"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
# Found by this test: a list of agents reached the pool code as if it were pools.
@example(header=HEADERS[3], body={"agents": [None]}, fmt="auto")
@given(header=st.sampled_from(HEADERS),
       body=st.dictionaries(st.sampled_from(FIELDS), _values, max_size=5),
       fmt=st.sampled_from(FORMATS))
def test_odd_files_give_diagnostics_never_a_crash(header: str, body: dict[str, object],
                                                  fmt: str) -> None:
    text = header + (yaml.safe_dump(body) if body else "")
    lines = len(text.splitlines())
    loaded, used, diagnostics = convert(text, fmt, {"control-plane": 3})
    assert used in FORMATS
    assert all(1 <= d.line <= lines for d in diagnostics)
    if loaded is None:
        assert has_errors(diagnostics)
        return
    _, more = validate.validate(loaded.data, loaded)
    assert all(1 <= d.line <= lines for d in more)
