"""Configuration files as people really have them: old versions of kind, kubeadm and k3d
(read, with a warning), the kubeadm counts, and Cluster API streams. The files in
``tests/data/imports`` are written in the shape each tool documents, with comments,
unrelated fields and several documents."""

from __future__ import annotations

from collections.abc import Mapping

from helpers.paths import IMPORTS
import pytest

from sphinx_k8sarch.core.diagnostics import Diagnostic, Subtype
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.vocabulary import EtcdTopology


def read(name: str) -> str:
    return (IMPORTS / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def drawn(name: str, counts: Mapping[str, int] | None = None
          ) -> tuple[Cluster, list[Diagnostic], str]:
    text = read(name)
    cluster, diagnostics, _ = analyse(text, fmt="auto", counts=counts)
    assert cluster is not None, diagnostics
    return cluster, diagnostics, text


def located(diagnostics: list[Diagnostic]) -> list[tuple[int, Subtype]]:
    return [(d.line, d.subtype) for d in diagnostics]


@pytest.mark.parametrize(("name", "api", "current"), [
    ("kind-sigs-v1alpha3.yaml", "kind.sigs.k8s.io/v1alpha3", "kind.x-k8s.io/v1alpha4"),
    ("kubeadm-v1beta2-ha.yaml", "kubeadm.k8s.io/v1beta2", "kubeadm.k8s.io/v1beta4"),
    ("kubeadm-v1beta1.yaml", "kubeadm.k8s.io/v1beta1", "kubeadm.k8s.io/v1beta4"),
    ("k3d-v1alpha2.yaml", "k3d.io/v1alpha2", "k3d.io/v1alpha5"),
    ("k3d-v1alpha3.yaml", "k3d.io/v1alpha3", "k3d.io/v1alpha5"),
])
def test_old_versions_are_read_with_one_warning(name: str, api: str, current: str) -> None:
    _, diagnostics, text = drawn(name, {"workers": 2} if "kubeadm" in name else None)
    old = [d for d in diagnostics if "old" in d.message and d.subtype is Subtype.IMPORT]
    # Once per file, at the first apiVersion, even in a stream of several documents.
    assert located(old) == [(line_of(text, "apiVersion"), Subtype.IMPORT)]
    assert api in old[0].message and current in old[0].message
    assert not [d for d in diagnostics if d.is_error]


def test_kind_v1alpha3_reads_its_nodes_and_its_own_field_names() -> None:
    cluster, diagnostics, _ = drawn("kind-sigs-v1alpha3.yaml")
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 2)
    assert cluster.load_balancer == "kind"
    # kubeadmConfigPatchesJson6902 is v1alpha3's spelling: known, not "not understood".
    assert [d.subtype for d in diagnostics] == [Subtype.IMPORT]


def test_kubeadm_v1beta2_takes_the_control_plane_count_from_apiserver_count() -> None:
    cluster, diagnostics, text = drawn("kubeadm-v1beta2-ha.yaml")
    assert cluster.control_plane.count == 3 and cluster.workers.count == 0
    assert cluster.version == (1, 20)
    assert cluster.runtime == "containerd" and cluster.title == "lab-2021"
    # Kubernetes 1.20: the control-plane kubelets use the endpoint, like the workers.
    graph = build_graph(cluster, Translator("en"))
    kubelets = [e for e in graph.edges if e.tail.endswith("_kubelet")]
    assert kubelets and all(e.head == "lb" for e in kubelets)
    counts = [d for d in diagnostics if "how many" in d.message]
    assert located(counts) == [(line_of(text, "controlPlaneEndpoint"), Subtype.IMPORT)]
    assert "3 control-plane nodes come from apiserver-count" in counts[0].message
    assert ":workers: option" in counts[0].message
    # useHyperKubeImage and dns.type are v1beta2 fields: no "not understood" warning.
    assert not [d for d in diagnostics if "not understood" in d.message]
    # Given counts win over the hint, and then nothing is asked.
    cluster, diagnostics, _ = drawn("kubeadm-v1beta2-ha.yaml",
                                    {"control-plane": 5, "workers": 3})
    assert (cluster.control_plane.count, cluster.workers.count) == (5, 3)
    assert not [d for d in diagnostics if "how many" in d.message]


def test_kubeadm_v1beta4_apiserver_count_in_the_list_form() -> None:
    cluster, diagnostics, text = drawn("kubeadm-v1beta4-apiserver-count.yaml",
                                       {"workers": 4})
    assert cluster.control_plane.count == 5 and cluster.version == (1, 32)
    assert cluster.lines["control-plane"] == line_of(text, "value: \"5\"")
    assert diagnostics == []


def test_kubeadm_v1beta1_stable_label_and_external_etcd() -> None:
    cluster, _, _ = drawn("kubeadm-v1beta1.yaml", {"control-plane": 3, "workers": 2})
    assert cluster.version == (1, 14)
    assert cluster.etcd is EtcdTopology.EXTERNAL and cluster.etcd_members == 3


def test_a_kubeadm_version_label_warns_and_draws_the_current_release() -> None:
    text = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n" \
           "kubernetesVersion: latest\n"
    cluster, diagnostics, _ = analyse(text, fmt="auto",
                                      counts={"control-plane": 3, "workers": 1})
    assert cluster is not None and cluster.version == (1, 36)
    # Three API servers without an endpoint also get their finding, at the document.
    assert located(diagnostics) == [(1, Subtype.HA_LB), (3, Subtype.IMPORT)]
    assert "'latest'" in diagnostics[1].message


def test_k3d_v1alpha2_reads_its_argument_lists_and_top_level_name() -> None:
    cluster, _, _ = drawn("k3d-v1alpha2.yaml")
    assert cluster.title == "legacy" and cluster.is_k3s
    assert cluster.version == (1, 21)
    # --disable=traefik,coredns in extraServerArgs removes CoreDNS.
    assert cluster.addons == ("cni",)


def test_k3d_v1alpha3_extra_args_with_node_filters() -> None:
    cluster, _, _ = drawn("k3d-v1alpha3.yaml")
    assert cluster.title == "five-oh" and cluster.version == (1, 22)
    assert not cluster.control_plane.has("kube-proxy") and cluster.etcd_members == 1


# --- Cluster API ----------------------------------------------------------------------


def test_capi_classic_stream_gives_counts_version_and_external_etcd() -> None:
    cluster, diagnostics, _ = drawn("capi-classic.yaml")
    assert diagnostics == []
    assert cluster.title == "shop"
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 4)
    assert cluster.version == (1, 30)
    assert cluster.etcd is EtcdTopology.EXTERNAL and cluster.etcd_members == 3
    # No endpoint in the stream: the provider fills it in; a load balancer is drawn.
    assert cluster.load_balancer == "control plane endpoint"


def test_capi_topology_v1beta2_adds_up_the_worker_pools() -> None:
    cluster, diagnostics, text = drawn("capi-topology-v1beta2.yaml")
    assert diagnostics == []
    assert (cluster.control_plane.count, cluster.workers.count) == (5, 8)
    assert cluster.version == (1, 34) and cluster.title == "edge-eu"
    assert cluster.load_balancer == "edge-eu.example.org:6443"
    assert cluster.lines["control-plane"] == line_of(text, "replicas: 5")


def test_capi_template_variables_ask_for_the_counts() -> None:
    _, diagnostics, text = drawn("capi-template.yaml")
    asked = [d for d in diagnostics if "clusterctl variable" in d.message]
    assert located(asked) == [(line_of(text, "${CONTROL_PLANE_MACHINE_COUNT}"), Subtype.IMPORT),
                              (line_of(text, "${KUBERNETES_VERSION}"), Subtype.IMPORT),
                              (line_of(text, "${WORKER_MACHINE_COUNT}"), Subtype.IMPORT)]
    # An assumed single control-plane node is not reported as an HA problem.
    assert Subtype.HA_SINGLE not in [d.subtype for d in diagnostics]
    cluster, diagnostics, _ = drawn("capi-template.yaml", {"control-plane": 3, "workers": 5})
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 5)
    assert not [d for d in diagnostics if "count" in d.message]


def test_capi_counts_given_as_options_are_ignored_when_the_stream_has_them() -> None:
    _, diagnostics, text = drawn("capi-classic.yaml", {"control-plane": 1})
    assert located(diagnostics) == [(line_of(text, "replicas: 3"), Subtype.OPTION)]


def test_capi_stream_errors_and_foreign_documents() -> None:
    text = read("capi-topology-v1beta2.yaml")
    second = text + "---\n" + text
    cluster, diagnostics, _ = analyse(second, fmt="auto")
    assert cluster is None
    assert [(d.line, d.message[:19]) for d in diagnostics if d.is_error] == [
        (line_of(text, "kind: Cluster") + text.count("\n") + 1, "a second Cluster in")]
    foreign = text + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
    cluster, diagnostics, _ = analyse(foreign, fmt="auto")
    assert cluster is not None
    assert located(diagnostics) == [(text.count("\n") + 2, Subtype.IMPORT)]
    assert "not a capi configuration; this document is skipped" in diagnostics[0].message


def test_capi_can_be_named_and_refuses_other_tools() -> None:
    cluster, _, _ = analyse(read("capi-classic.yaml"), fmt="capi")
    assert cluster is not None
    cluster, diagnostics, _ = analyse(read("kind-ha.yaml"), fmt="capi")
    assert cluster is None and "this is a kind configuration" in diagnostics[0].message
