"""What the extension prints agrees with the official documentation: each test pins a
correction of the audit (``k8s-facts.md``, "Corrections found by the audit") and fails on
the behaviour it replaced."""

from __future__ import annotations

from io import BytesIO

from babel.messages.pofile import read_po
from helpers.paths import DOCS, IMPORTS, REPO
import pytest

from sphinx_k8sarch.core.components import CATALOG, TALKS
from sphinx_k8sarch.core.describe import alt_text, component_notes, topology_lines
from sphinx_k8sarch.core.diagnostics import Subtype
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.findings import summary
from sphinx_k8sarch.core.graph import Graph, build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse

EN, ES = Translator("en"), Translator("es")
HA = "control-plane: 3\nworkers: 2\nload-balancer: haproxy\naddons: [coredns, cni]\n"


def cluster_of(text: str) -> tuple[Cluster, list[Subtype]]:
    cluster, diagnostics, _ = analyse(text, fmt="auto")
    assert cluster is not None, diagnostics
    return cluster, [d.subtype for d in diagnostics]


def component(graph: Graph, node_id: str) -> str:
    nodes = {n.id: n.component for g in graph.groups for n in g.nodes}
    nodes.update({n.id: n.component for n in graph.free + graph.clients})
    return nodes[node_id]


def edges_from(graph: Graph, source: str, machine: str = "") -> list[tuple[str, str, str]]:
    """(target component, target machine, kind) of every edge that ``source`` starts."""
    owner = {n.id: g.label for g in graph.groups for n in g.nodes}
    return [(component(graph, e.head), owner.get(e.head, ""), e.kind) for e in graph.edges
            if component(graph, e.tail) == source and owner.get(e.tail, "").startswith(machine)]


def test_add_ons_reach_the_api_through_the_kubernetes_service_not_the_load_balancer() -> None:
    graph = build_graph(cluster_of(HA)[0], EN)
    for addon in ("coredns", "cni"):
        assert edges_from(graph, addon) == [("kube-apiserver", "cp-1", "service")]
    service = [e for e in graph.edges if e.kind == "service"]
    assert {e.label for e in service} == {"443"}
    assert all(e.head != "lb" for e in service)
    assert "  coredns -> kube-apiserver (443, through the kubernetes Service)" in \
        topology_lines(graph, EN)


K3S = HA + "distribution: k3s\n"


def test_k3s_agents_and_server_proxies_do_not_go_through_the_server_load_balancer() -> None:
    graph = build_graph(cluster_of(K3S)[0], EN)
    # Servers: kubelet and kube-proxy to the API server of the same server.
    for machine in ("cp-1", "cp-2", "cp-3"):
        for agent in ("kubelet", "kube-proxy"):
            assert edges_from(graph, agent, machine) == [("kube-apiserver", machine, "local")]
    # Agents: to a k3s server (k3d gives them the first), never to serverlb.
    for machine in ("worker-1", "worker-2"):
        for agent in ("kubelet", "kube-proxy"):
            assert edges_from(graph, agent, machine) == [("kube-apiserver", "cp-1", "api")]
    # The load balancer serves the host.
    assert edges_from(graph, "kubectl") == [("load-balancer", "", "api")]
    note = component_notes(cluster_of(K3S)[0])["kube-proxy"][0]
    assert note[0] == "talks" and "inside the k3s process" in note[1]


def test_the_k3d_importer_says_k3s() -> None:
    text = (IMPORTS / "k3d-ha.yaml").read_text(encoding="utf-8")
    cluster, _ = cluster_of(text)
    assert cluster.is_k3s and cluster.load_balancer == "k3d serverlb"
    graph = build_graph(cluster, EN)
    assert ("load-balancer", "", "api") not in edges_from(graph, "kubelet", "worker-1")


@pytest.mark.parametrize(("version", "local"), [
    ("'1.32'", False), ('"v1.32.9"', False), ("'1.33'", True), ("v1.36.0", True), ("", True)])
def test_the_control_plane_kubelet_follows_the_kubernetes_version(version: str,
                                                                  local: bool) -> None:
    text = HA + (f"kubernetes-version: {version}\n" if version else "")
    cluster, _ = cluster_of(text)
    graph = build_graph(cluster, EN)
    expected = ("kube-apiserver", "cp-1", "local") if local else ("load-balancer", "", "api")
    assert edges_from(graph, "kubelet", "cp-1") == [expected]
    # Workers always use the endpoint.
    assert edges_from(graph, "kubelet", "worker-1") == [("load-balancer", "", "api")]
    # The kubelet's description says which applies.
    [(field, msgid, values)] = component_notes(cluster)["kubelet"]
    assert field == "talks"
    text_en = EN(msgid).format(**values)
    assert ("local API server" in text_en) is local
    assert ("before 1.33" in text_en) is not local


def test_an_unquoted_version_is_explained() -> None:
    _, diagnostics, _ = analyse("kubernetes-version: 1.30\n")
    assert [d.subtype for d in diagnostics] == [Subtype.TYPE]
    assert "quotes" in diagnostics[0].message and "1.3" in diagnostics[0].message


def test_a_load_balancer_listed_as_a_client_is_outside_the_cluster() -> None:
    _, subtypes = cluster_of("control-plane: 3\nload-balancer: haproxy\n"
                             "clients: [kubectl, load-balancer]\n")
    assert Subtype.PLACEMENT not in subtypes
    _, subtypes = cluster_of("control-plane: 3\nload-balancer: haproxy\n"
                             "clients: [kubectl, kubelet]\n")
    assert subtypes == [Subtype.PLACEMENT]


@pytest.mark.parametrize(("members", "words"), [
    (4, "4 etcd members need a quorum of 3 and tolerate 1 failure, the same as 3 members"),
    (2, "2 etcd members need a quorum of 2 and tolerate 0 failures, the same as 1 member"),
    (6, "6 etcd members need a quorum of 4 and tolerate 2 failures, the same as 5 members"),
])
def test_even_etcd_counts_tolerate_the_same_as_one_member_fewer(members: int,
                                                                words: str) -> None:
    _, diagnostics, _ = analyse(f"control-plane: {members}\nload-balancer: haproxy\n")
    [quorum] = [d for d in diagnostics if d.subtype is Subtype.HA_QUORUM]
    assert words in quorum.message and "no more than" not in quorum.message


def test_leader_election_is_one_lease_each_and_one_possible_state() -> None:
    cluster, _ = cluster_of(HA)
    lines = summary(cluster, EN)
    assert ("kube-scheduler and kube-controller-manager: each elects one leader through a "
            "Lease of its own, 2 on standby; the leaders drawn are one possible state") in lines
    for name in ("kube-scheduler", "kube-controller-manager"):
        talks = CATALOG[name].talks
        assert "compete for a Lease" in talks and "holds a Lease to" not in talks


def test_keepalived_is_a_virtual_ip_not_a_balancer() -> None:
    cluster, _ = cluster_of("control-plane: 3\nload-balancer: keepalived\n")
    graph = build_graph(cluster, EN)
    assert graph.free[0].label == "virtual IP"
    assert any("virtual IP (keepalived)" in line for line in summary(cluster, EN))
    assert "A virtual IP (keepalived)" in alt_text(cluster, EN)
    assert "does not balance" in CATALOG["load-balancer"].what
    assert "kubeadm does not provide one" in CATALOG["load-balancer"].what


def test_the_cni_agent_runs_on_every_node_and_the_runtime_calls_the_plugin() -> None:
    assert "every node" in CATALOG["cni"].where
    assert "Called by the container runtime" in CATALOG["cni"].talks
    kubelet = CATALOG["kubelet"].what + CATALOG["kubelet"].talks
    assert "CNI" not in kubelet
    graph = build_graph(cluster_of(HA)[0], EN)
    cni = next(n for g in graph.groups for n in g.nodes if n.component == "cni")
    assert cni.sublabel == "agent on every node"


def test_external_etcd_hosts_run_what_kubeadms_recipe_runs() -> None:
    cluster, _ = cluster_of("control-plane: 3\nload-balancer: haproxy\netcd: external\n")
    graph = build_graph(cluster, EN)
    hosts = [[n.component for n in g.nodes] for g in graph.groups if g.kind == "etcd-host"]
    assert hosts == [["etcd", "kubelet", "container-runtime"]] * 3
    where = [n for f, n, _v in component_notes(cluster)["kubelet"] if f == "where"]
    assert where and "static Pod" in where[0]
    cluster, _ = cluster_of("control-plane: 3\nload-balancer: haproxy\n"
                            "etcd: {topology: external, components: [etcd]}\n")
    graph = build_graph(cluster, EN)
    assert [[n.component for n in g.nodes] for g in graph.groups
            if g.kind == "etcd-host"] == [["etcd"]] * 3


def test_the_picture_tooltip_is_translated() -> None:
    cluster, _ = cluster_of("control-plane: 3\nload-balancer: haproxy\n")
    assert 'tooltip="Clúster de Kubernetes"' in to_dot(build_graph(cluster, ES))
    assert 'tooltip="Kubernetes cluster"' in to_dot(build_graph(cluster, EN))


def _spanish() -> dict[str, str]:
    path = REPO / "sphinx_k8sarch" / "locale" / "es" / "LC_MESSAGES" / "sphinx_k8sarch.po"
    catalog = read_po(BytesIO(path.read_bytes()), locale="es")
    return {m.id: m.string for m in catalog
            if isinstance(m.id, str) and m.id and isinstance(m.string, str)}


def test_spanish_wording() -> None:
    spanish = _spanish()
    texts = " ".join(spanish.values())
    assert "A su vez" not in texts
    assert "Él mismo también debe ser redundante" in spanish[CATALOG["load-balancer"].what]
    # An add-on is a "complemento"; a network plugin stays a "plugin".
    assert spanish["add-ons"] == "complementos"
    for msgid, text in spanish.items():
        if "plugin" in msgid:
            assert "complemento" not in text, msgid


def test_every_drawn_conversation_is_in_the_reference_table() -> None:
    """The generated table lists what the drawing draws: every edge of a variety of
    clusters is a catalog conversation, and every catalog conversation is drawn by one."""
    specs = [HA, K3S, HA + "kubernetes-version: '1.30'\n",
             "control-plane: 3\nload-balancer: haproxy\netcd: external\nworkers: 1\n",
             ("control-plane:\n  count: 3\n  components: [kube-apiserver, etcd, "
              "cloud-controller-manager, kubelet]\nload-balancer: cloud\n"),
             "control-plane: 1\nworkers: 1\n",
             ("control-plane: 3\nworkers: 1\nclients: [kubectl, helm]\n"
              "load-balancer: {type: kube-vip, on: control-plane}\n"
              "addons: [coredns, cni, metrics-server, ingress-nginx, cert-manager, "
              "cluster-autoscaler, csi-driver, external-dns, prometheus, node-exporter, "
              "argocd, flux]\n"),
             "control-plane: 3\nload-balancer: {type: keepalived-haproxy, on: control-plane}\n"]
    table = {(t.source, t.target) for t in TALKS}
    drawn = set()
    for spec in specs:
        graph = build_graph(cluster_of(spec)[0], EN)
        for edge in graph.edges:
            if "rest_box" in edge.tail + edge.head:
                continue
            pair = (component(graph, edge.tail), component(graph, edge.head))
            # A virtual IP on the nodes is the load balancer of the conversations.
            if edge.tail == "lb":
                pair = ("load-balancer", pair[1])
            if edge.head == "lb":
                pair = (pair[0], "load-balancer")
            # kubectl's (and helm's) endpoint is an API server when there is no load
            # balancer; the agents' conversation is with the API through it.
            if pair[0] in ("kubectl", "helm"):
                pair = (pair[0], "load-balancer")
            elif pair[1] == "load-balancer":
                pair = (pair[0], "kube-apiserver")
            assert pair in table, pair
            drawn.add(pair)
    assert drawn == table
    for talk in TALKS:
        assert talk.url.startswith("https://") and talk.port.isdigit() and talk.protocol


def test_docs_name_kinds_load_balancer_by_role_and_kubeadm_brings_none() -> None:
    kind = (DOCS / "guide" / "formats" / "kind.md").read_text(encoding="utf-8")
    assert "HAProxy" not in kind and "haproxy" not in kind
    course = (DOCS / "curso" / "diagrama-ha.md").read_text(encoding="utf-8")
    caption = next(line for line in course.splitlines()
                   if line.startswith(":caption: Clúster en alta disponibilidad"))
    assert "kubeadm no incluye ninguno" in caption
    assert "configuración por defecto de kubeadm" not in course
    glossary = (DOCS / "curso" / "glosario.md").read_text(encoding="utf-8")
    assert "quién firma" not in glossary and "(autenticación)" in glossary
