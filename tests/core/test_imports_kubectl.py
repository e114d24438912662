"""What ``kubectl get nodes,pods -A -o json`` (or ``-o yaml``) saved, drawn as the cluster
that runs: the files in ``tests/data/imports/kubectl-*`` are in the shape kubectl writes
them (written by ``helpers.kubectl``), and each test checks what a reader of the figure,
its summary or the warnings would see, with the exact line of the file each message names.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from helpers import kubectl as k
from helpers.paths import IMPORTS
from hypothesis import given, settings
from hypothesis import strategies as st
import pytest

from sphinx_k8sarch.core.diagnostics import Diagnostic, Subtype
from sphinx_k8sarch.core.failures import verdict
from sphinx_k8sarch.core.findings import summary
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.imports import convert
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.vocabulary import EtcdTopology

EN = Translator("en")


def read(name: str) -> str:
    return (IMPORTS / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based line of the first line at or after ``start`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the file")


def drawn(text: str, **options: Any) -> tuple[Cluster, list[Diagnostic]]:
    cluster, diagnostics, _data = analyse(text, fmt=options.pop("fmt", "auto"), **options)
    assert cluster is not None, diagnostics
    return cluster, diagnostics


def located(diagnostics: list[Diagnostic]) -> list[tuple[int, Subtype]]:
    return [(d.line, d.subtype) for d in diagnostics]


def labels(cluster: Cluster) -> list[str]:
    graph = build_graph(cluster, EN)
    return [n.label for g in graph.groups for n in g.nodes]


# -- detection ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in k.FILES if n != "kubectl-pods-only.json"])
def test_a_saved_list_is_told_apart_and_can_be_named(name: str) -> None:
    text = read(name)
    for fmt in ("auto", "kubectl"):
        loaded, used, _diagnostics = convert(text, fmt)
        assert loaded is not None and used == "kubectl"
    loaded, used, diagnostics = convert(text, "kind")
    assert loaded is None and used == "kubectl"
    assert located(diagnostics) == [(line_of(text, '"apiVersion"') if name.endswith(".json")
                                     else 1, Subtype.IMPORT)]
    assert "use format 'kubectl' or 'auto'" in diagnostics[0].message


def test_json_and_yaml_of_the_same_cluster_draw_the_same() -> None:
    data = k.stacked_three_zones()
    from_json, _ = drawn(k.as_json(data))
    from_yaml, _ = drawn(k.as_yaml(data))
    assert from_json == from_yaml


def test_other_v1_objects_are_still_foreign_to_a_stream() -> None:
    """The core group holds every object: only a List is kubectl's."""
    text = read("kubeadm-v1beta4-stacked.yaml") + "---\napiVersion: v1\nkind: ConfigMap\n"
    loaded, used, diagnostics = convert(text, counts={"control-plane": 3})
    assert loaded is not None and used == "kubeadm"
    assert "is not a kubeadm configuration; this document is skipped" in diagnostics[-1].message


# -- what the nodes say -------------------------------------------------------------------

def test_stacked_cluster_in_three_zones() -> None:
    text = read("kubectl-stacked-3zones.json")
    cluster, diagnostics = drawn(text)
    first = "ip-10-0-0-11.eu-west-1.compute.internal"
    assert cluster.control_plane.count == 3 and cluster.workers.count == 3
    assert cluster.etcd is EtcdTopology.STACKED and cluster.control_plane.has("etcd")
    assert cluster.name_of("cp-1") == first
    assert cluster.name_of("worker-3") == "ip-10-0-1-13.eu-west-1.compute.internal"
    assert dict(cluster.zones) == {"eu-west-1a": ("cp-1", "worker-1"),
                                   "eu-west-1b": ("cp-2", "worker-2"),
                                   "eu-west-1c": ("cp-3", "worker-3")}
    assert "calico" in labels(cluster) and "cni" not in labels(cluster)
    assert cluster.workers.has("kube-proxy") and cluster.addons == ("coredns", "cni")
    assert (cluster.version_text, cluster.runtime) == ("1.30", "containerd")
    # The one thing the objects do not say: what stands in front of the API servers.
    name_line = line_of(text, f'"name": "{first}"')
    assert located(diagnostics) == [(name_line, Subtype.IMPORT)]
    assert "--load-balancer" in diagnostics[0].message
    assert cluster.load_balancer == "control plane endpoint"


def test_the_load_balancer_option_names_the_endpoint() -> None:
    text = read("kubectl-stacked-3zones.json")
    cluster, diagnostics = drawn(text, load_balancer="api.shop.example:6443")
    assert cluster.load_balancer == "api.shop.example:6443" and diagnostics == []
    vip, _ = drawn(text, load_balancer={"type": "kube-vip", "on": "control-plane"})
    assert vip.lb_on_nodes is not None and vip.control_plane.has("kube-vip")


def test_nodes_are_drawn_in_the_order_of_their_names() -> None:
    cluster, _ = drawn(read("kubectl-external-etcd.json"))
    assert [cluster.name_of(f"worker-{i}") for i in (1, 2, 3)] == ["node-1", "node-2",
                                                                   "node-10"]


def test_not_ready_nodes_are_drawn_down_with_the_verdict() -> None:
    text = read("kubectl-not-ready.yaml")
    cluster, _diagnostics = drawn(text)
    assert cluster.down == {"cp-2", "worker-2"}
    assert (cluster.name_of("cp-2"), cluster.name_of("worker-2")) == ("master-2", "worker-b")
    result = verdict(cluster)
    assert result.etcd is not None and (result.etcd.up, result.etcd.kept) == (2, True)
    lines = summary(cluster, EN)
    assert "Down: master-2, worker-b" in lines
    assert "etcd: 2 of 3 members up, quorum kept" in lines
    assert cluster.lines["failures"] == line_of(text, "status: Unknown")


def test_k3s_servers_with_embedded_etcd() -> None:
    text = read("kubectl-k3s.yaml")
    cluster, _ = drawn(text)
    assert cluster.is_k3s and cluster.etcd is EtcdTopology.STACKED
    assert cluster.control_plane.count == 3 and cluster.etcd_members == 3
    # k3s runs kube-proxy and Flannel in its own process: no Pods for them.
    assert cluster.workers.has("kube-proxy") and "flannel" in labels(cluster)
    assert cluster.lines["distribution"] == line_of(text, "kubeletVersion: v1.30.4+k3s1")


def test_a_k3s_server_without_the_etcd_label_keeps_its_state_elsewhere() -> None:
    data = k.listing([k.node("edge-1", role="k3s-sqlite", kubelet="v1.31.1+k3s1"),
                      k.node("edge-2", kubelet="v1.31.1+k3s1")])
    text = k.as_json(data)
    cluster, diagnostics = drawn(text)
    assert cluster.datastore == "SQLite" and cluster.etcd_members == 0
    warning = next(d for d in diagnostics if "node-role.kubernetes.io/etcd" in d.message)
    assert warning.line == line_of(text, '"name": "edge-1"')


def test_managed_clusters_have_node_groups_and_no_control_plane_node() -> None:
    text = read("kubectl-eks.json")
    cluster, diagnostics = drawn(text)
    assert [(p.name, p.count) for p in cluster.pools] == [("general", 3), ("gpu-large", 2)]
    assert cluster.name_of("gpu-large-1") == "ip-10-0-2-13.eu-west-1.compute.internal"
    # One control-plane node stands for the provider's; no ha-single about it.
    assert "control-plane" in cluster.assumed
    assert located(diagnostics) == [(line_of(text, '"items"'), Subtype.IMPORT)]
    assert "EKS, GKE or AKS" in diagnostics[0].message
    assert cluster.version_text == "1.29" and "cni" in labels(cluster)


@pytest.mark.parametrize(("values", "pools"), [
    (["GPU_Nodes", "GPU_Nodes", "general"], [("general", 1), ("gpu-nodes", 2)]),
    (["1a", None, None], [("pool-1a", 1), ("worker", 2)]),
    (["spot", "spot", "spot"], []),  # one group: plain workers
])
def test_pool_names_come_from_node_group_labels(values: list[str | None],
                                                pools: list[tuple[str, int]]) -> None:
    nodes = [k.node(f"w{i}", labels={"agentpool": v} if v else {})
             for i, v in enumerate(values)]
    cluster, _ = drawn(k.as_json(k.listing([k.node("cp", role="control-plane"), *nodes])))
    assert [(p.name, p.count) for p in cluster.pools if p.name] == pools
    assert cluster.workers.count == 3


# -- what the Pods say --------------------------------------------------------------------

def test_external_etcd_counted_from_the_api_server_flag() -> None:
    text = read("kubectl-external-etcd.json")
    cluster, _ = drawn(text)
    assert cluster.etcd is EtcdTopology.EXTERNAL and cluster.external_etcd_members == 3
    assert not cluster.control_plane.has("etcd")
    assert cluster.lines["etcd"] == line_of(text, "--etcd-servers=")
    # Cilium replaces kube-proxy: no kube-proxy Pod, no kube-proxy drawn.
    assert "kube-proxy" not in cluster.all_components()
    assert "cilium" in labels(cluster) and cluster.runtime == "cri-o"


@pytest.mark.parametrize(("written", "drawn_as"), [("calico", "calico"), ("weave-net", "weave"),
                                                  ("cni", "cni")])
def test_a_spec_may_name_the_network_plugin(written: str, drawn_as: str) -> None:
    cluster, diagnostics = drawn(f"addons: [coredns, {written}]\n", fmt="spec")
    assert cluster.addons == ("coredns", "cni") and diagnostics[0].subtype is Subtype.HA_SINGLE
    assert drawn_as in labels(cluster) and (drawn_as == "cni") == ("cni" in labels(cluster))


def test_without_pods_one_warning_says_what_is_not_known() -> None:
    text = read("kubectl-nodes-only.json")
    cluster, diagnostics = drawn(text)
    imports = [d for d in diagnostics if d.subtype is Subtype.IMPORT]
    assert located(imports) == [(line_of(text, '"items"'), Subtype.IMPORT)]
    for unknown in ("etcd's topology", "kube-proxy", "CoreDNS", "network plugin"):
        assert unknown in imports[0].message
    assert cluster.etcd is EtcdTopology.STACKED and cluster.workers.has("kube-proxy")
    assert cluster.addons == ("coredns", "cni")


def test_pods_saved_without_all_namespaces_are_said_too() -> None:
    data = k.listing([k.node("solo", role="control-plane"),
                      k.pod("web-1", "default", "solo", owner=("ReplicaSet", "web"))])
    _cluster, diagnostics = drawn(k.as_json(data))
    assert any("without -A" in d.message for d in diagnostics)


def test_control_plane_nodes_with_different_static_pods_get_the_union() -> None:
    cp, workers = ["cp-a", "cp-b", "cp-c"], ["w-1"]
    pods = [p for p in k.kubeadm_pods(cp, workers)
            if p["metadata"]["name"] != "kube-scheduler-cp-b"]
    text = k.as_json(k.listing([*(k.node(n, role="control-plane") for n in cp),
                                k.node("w-1"), *pods]))
    cluster, diagnostics = drawn(text)
    assert cluster.control_plane.has("kube-scheduler")
    warning = next(d for d in diagnostics if "runs no kube-scheduler" in d.message)
    assert warning.line == line_of(text, '"name": "cp-b"')


def test_a_component_on_no_control_plane_node_is_left_out() -> None:
    cp = ["cp-a", "cp-b", "cp-c"]
    pods = [p for p in k.kubeadm_pods(cp, [])
            if not p["metadata"]["name"].startswith("kube-controller-manager")]
    text = k.as_json(k.listing([*(k.node(n, role="control-plane") for n in cp), *pods]))
    cluster, diagnostics = drawn(text, load_balancer="cloud")
    assert not cluster.control_plane.has("kube-controller-manager")
    assert any("no kube-controller-manager Pod" in d.message for d in diagnostics)


def test_a_node_running_the_api_server_is_control_plane_without_the_label() -> None:
    text = k.as_json(k.listing([k.node("box-1"), k.node("box-2"),
                                *k.kubeadm_pods(["box-1"], ["box-2"])]))
    cluster, diagnostics = drawn(text)
    assert cluster.control_plane.count == 1 and cluster.name_of("cp-1") == "box-1"
    warning = next(d for d in diagnostics if "no control-plane role label" in d.message)
    assert warning.line == line_of(text, '"name": "box-1"')


def test_no_dns_pod_leaves_coredns_out() -> None:
    cp = ["solo"]
    pods = [p for p in k.kubeadm_pods(cp, []) if not p["metadata"]["name"].startswith("core")]
    cluster, _ = drawn(k.as_json(k.listing([k.node("solo", role="control-plane"), *pods])))
    assert cluster.addons == ("cni",)


# -- runtime and release --------------------------------------------------------------------

def test_a_runtime_the_diagram_cannot_draw_warns_at_its_line() -> None:
    text = k.as_json(k.listing([k.node("old", role="control-plane",
                                       runtime="docker://20.10.24", kubelet="v1.23.17")]))
    cluster, diagnostics = drawn(text)
    assert cluster.runtime == "containerd"
    warning = next(d for d in diagnostics if "docker" in d.message)
    assert warning.line == line_of(text, "docker://")


def test_mixed_releases_and_runtimes_warn_and_draw_one() -> None:
    text = k.as_json(k.listing([
        k.node("cp-1", role="control-plane", kubelet="v1.30.2"),
        k.node("w-1", kubelet="v1.29.6", runtime="cri-o://1.29.1"),
        k.node("w-2", kubelet="v1.30.2")]))
    cluster, diagnostics = drawn(text)
    assert (cluster.version_text, cluster.runtime) == ("1.30", "containerd")
    messages = " ".join(d.message for d in diagnostics)
    assert "1.29 and 1.30" in messages and "containerd on 2, cri-o on 1" in messages


def test_names_of_other_machines_are_not_given_to_a_node() -> None:
    """A control-plane node called cp-3 that is drawn as cp-2 keeps the drawn name."""
    text = k.as_json(k.listing([k.node(n, role="control-plane")
                                for n in ("cp-1", "cp-3", "cp-4")]))
    cluster, diagnostics = drawn(text, load_balancer="haproxy")
    assert cluster.names == (("cp-3", "cp-4"),)
    assert [d.line for d in diagnostics if "cp-3" in d.message] == [
        line_of(text, '"name": "cp-3"')]


# -- errors, each at its line ---------------------------------------------------------------

def _errors(text: str) -> list[tuple[int, Subtype]]:
    loaded, used, diagnostics = convert(text)
    assert loaded is None and used == "kubectl"
    return located([d for d in diagnostics if d.is_error])


def test_a_list_without_nodes_is_an_error_at_its_items() -> None:
    text = read("kubectl-pods-only.json")
    assert _errors(text) == [(line_of(text, '"items"'), Subtype.IMPORT)]
    assert _errors("apiVersion: v1\nkind: List\nitems: []\n") == [(3, Subtype.IMPORT)]


@pytest.mark.parametrize("dump", [k.as_json, k.as_yaml], ids=["json", "yaml"])
def test_broken_items_are_located(dump: Any) -> None:
    good = k.node("good", role="control-plane")
    nameless = k.node("x")
    del nameless["metadata"]["name"]
    text = dump(k.listing([good, "oops", nameless, k.node("good")]))
    name = '"name": "good"' if dump is k.as_json else "    name: good"
    hostname = line_of(text, "kubernetes.io/hostname", line_of(text, "oops"))
    metadata = max(n for n in range(1, hostname) if "metadata" in text.splitlines()[n - 1])
    assert _errors(text) == [(line_of(text, "oops"), Subtype.TYPE),
                             (metadata, Subtype.VALUE),  # no name: where it would be
                             (line_of(text, name, line_of(text, name) + 1), Subtype.VALUE)]


def test_items_must_be_a_list() -> None:
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": {"a": 1}}, indent=4)
    assert _errors(text) == [(line_of(text, '"items"'), Subtype.TYPE)]


def test_the_load_balancer_option_is_ignored_with_a_warning_elsewhere() -> None:
    _cluster, diagnostics = drawn(read("kind-ha.yaml"), load_balancer="haproxy")
    assert any(d.subtype is Subtype.OPTION and "load balancer given as an option" in d.message
               for d in diagnostics)
    _cluster, diagnostics = drawn("control-plane: 3\nload-balancer: cloud\n",
                                  load_balancer="haproxy")
    assert located(diagnostics) == [(2, Subtype.OPTION)]


# -- never a traceback ----------------------------------------------------------------------

def _paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*path, index))
    return found


_BASE = k.listing([k.node("cp-a", role="control-plane", zone="z1"), k.node("w-1", zone="z2"),
                   *k.kubeadm_pods(["cp-a"], ["w-1"], etcd="external",
                                   etcd_servers="https://10.0.0.1:2379")])
_ODD = st.recursive(st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(
    ["", "True", "False", "List", "Node", "Pod", "kube-system", "v1.30.1+k3s1", "docker://1",
     "etcd-cp-a", "--etcd-servers=", "a b", "é"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3), max_leaves=6)


@settings(max_examples=40, deadline=None)
@given(path=st.sampled_from(_paths(_BASE)), value=_ODD, yaml_form=st.booleans())
def test_odd_lists_give_diagnostics_never_a_crash(path: tuple[Any, ...], value: Any,
                                                  yaml_form: bool) -> None:
    data = copy.deepcopy(_BASE)
    if path:
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = value
    else:
        data = value
    text = k.as_yaml(data) if yaml_form else k.as_json(data) if isinstance(data, dict) \
        else json.dumps(data)
    lines = max(1, len(text.splitlines()))
    cluster, diagnostics, _data = analyse(text, fmt="auto")
    assert all(1 <= d.line <= lines for d in diagnostics), diagnostics
    assert cluster is not None or any(d.is_error for d in diagnostics)
