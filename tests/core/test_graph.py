"""The graph of a cluster: groups, collapsed pools and the conversations drawn."""

from __future__ import annotations

from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import parse

EN = Translator("en")
HA = "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\nclients: [kubectl]\n"


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
