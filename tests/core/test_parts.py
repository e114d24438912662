"""Every cluster's own parts: the add-on and client catalog, the project's own components,
worker pools and a load balancer on the control-plane nodes."""

from __future__ import annotations

from io import BytesIO

from babel.messages.pofile import read_po
from helpers.paths import IMPORTS, REPO
import pytest

from sphinx_k8sarch.core import components as comp
from sphinx_k8sarch.core.describe import alt_text, component_notes, own_fields
from sphinx_k8sarch.core.diagnostics import Diagnostic, Subtype
from sphinx_k8sarch.core.findings import summary
from sphinx_k8sarch.core.graph import Graph, build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse

EN, ES = Translator("en"), Translator("es")
ADDONS = ("metrics-server", "ingress-nginx", "cert-manager", "cluster-autoscaler",
          "csi-controller", "csi-node", "kube-vip", "keepalived", "external-dns", "prometheus",
          "node-exporter", "argocd", "flux", "helm", "haproxy")


def drawn(text: str) -> tuple[Cluster, list[Diagnostic]]:
    cluster, diagnostics, _ = analyse(text)
    assert cluster is not None, diagnostics
    return cluster, diagnostics


def located(diagnostics: list[Diagnostic]) -> list[tuple[int, Subtype]]:
    return [(d.line, d.subtype) for d in diagnostics]


def machines(graph: Graph) -> dict[str, list[str]]:
    return {g.label: [n.component for n in g.nodes] for g in graph.groups}


# -- the catalog -------------------------------------------------------------------------


def _spanish() -> dict[str, str]:
    path = REPO / "sphinx_k8sarch" / "locale" / "es" / "LC_MESSAGES" / "sphinx_k8sarch.po"
    catalog = read_po(BytesIO(path.read_bytes()), locale="es")
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and isinstance(m.string, str)}


@pytest.mark.parametrize("name", ADDONS)
def test_each_addon_has_the_facts_a_description_needs(name: str) -> None:
    info = comp.CATALOG[name]
    assert info.where and info.what and info.talks and info.port
    assert info.doc_url.startswith("https://")
    spanish = _spanish()
    for text in (info.where, info.what, info.talks):
        assert spanish[text] and spanish[text] != text, text


def test_the_issue_names_resolve_and_hints_are_only_near_misses() -> None:
    assert comp.resolve("helm") == "helm"
    assert comp.resolve("Ingress-NGINX") == "ingress-nginx"
    assert comp.resolve("argo-cd") == "argocd" and comp.resolve("fluxcd") == "flux"
    assert comp.BUNDLES["csi-driver"] == ("csi-controller", "csi-node")
    assert comp.suggest("metrics-srever") == "metrics-server"
    assert comp.suggest("kube-schedular") == "kube-scheduler"
    # Not close: no hint at all (metrics-server used to get 'etcd').
    for far in ("mongodb", "vault", "istio", "linkerd", "helmfile"):
        assert comp.suggest(far) is None, far


def test_addons_are_drawn_with_their_conversations() -> None:
    cluster, diagnostics = drawn("control-plane: 3\nload-balancer: haproxy\nworkers: 2\n"
                                 "clients: [kubectl, helm]\n"
                                 "addons: [coredns, cni, metrics-server, csi-driver, "
                                 "node-exporter, argocd]\n")
    assert diagnostics == []
    graph = build_graph(cluster, EN)
    addons = machines(graph)["add-ons"]
    assert addons == ["coredns", "cni", "metrics-server", "csi-controller", "csi-node",
                      "node-exporter", "argocd"]
    service = {e.tail.removeprefix("addons_") for e in graph.edges if e.kind == "service"}
    # node-exporter never calls the API; the CSI node plugin is called by the kubelet.
    assert service == {"coredns", "cni", "metrics_server", "csi_controller", "argocd"}
    sub = {n.component: n.sublabel for g in graph.groups for n in g.nodes}
    assert sub["csi-node"] == sub["node-exporter"] == "on every node"
    helm = [e for e in graph.edges if e.tail == "client_helm"]
    assert [(e.head, e.label) for e in helm] == [("lb", "6443")]


def test_an_unknown_name_is_left_out_and_the_rest_is_drawn() -> None:
    cluster, diagnostics = drawn("control-plane: 3\nload-balancer: haproxy\n"
                                 "addons: [coredns, istio, cni]\n")
    assert cluster.addons == ("coredns", "cni")
    assert located(diagnostics) == [(3, Subtype.UNKNOWN_COMPONENT)]
    assert "'istio'; it is left out of the figure" in diagnostics[0].message
    assert "did you mean" not in diagnostics[0].message


# -- own components ----------------------------------------------------------------------


OWN = """\
control-plane: 3
load-balancer: haproxy
workers:
- {name: general, count: 3}
- {name: data, count: 2}
components:
- name: vault
  label: HashiCorp Vault
  runs-on: general
  talks-to: [kube-apiserver, "postgres:5432"]
  description:
    en: Keeps the platform's secrets.
    es: Guarda los secretos de la plataforma.
- name: postgres
  runs-on: data
- name: backup-bot
  runs-on: outside
  talks-to: [kube-apiserver]
  description: Copies etcd snapshots off site.
links:
  vault: https://developer.hashicorp.com/vault
"""


def test_own_components_are_drawn_where_they_run_and_talk_as_they_say() -> None:
    cluster, diagnostics = drawn(OWN)
    assert diagnostics == []
    graph = build_graph(cluster, EN)
    groups = machines(graph)
    assert groups["general-1"][-1] == "vault" and "vault" not in groups["data-1"]
    assert groups["data-2"][-1] == "postgres"
    own = [n for g in graph.groups for n in g.nodes if n.own]
    assert {n.label for n in own} == {"HashiCorp Vault", "postgres"}
    assert [n.component for n in graph.clients] == ["kubectl", "backup-bot"]
    edges = {(e.tail, e.head, e.kind, e.label) for e in graph.edges if e.kind in ("own", "service")
             or e.tail.startswith("client_backup")}
    # From the first instance: every vault talks alike, and one set of arrows says it.
    assert ("general1_vault", "data1_postgres", "own", "5432") in edges
    assert ("general1_vault", "cp1_kube_apiserver", "service", "443") in edges
    assert not [e for e in edges if e[0] in ("general2_vault", "general3_vault")]
    # From outside, through the endpoint.
    assert ("client_backup_bot", "lb", "api", "6443") in edges
    assert cluster.links == (("vault", "https://developer.hashicorp.com/vault"),)
    assert "vault" in cluster.all_components()


def test_own_components_are_described_with_the_users_words() -> None:
    cluster, _ = drawn(OWN)
    english = dict(own_fields(cluster, EN)["vault"])
    assert english["What it does"] == "Keeps the platform's secrets."
    assert english["Where it runs"] == "Every worker of the pool general."
    assert english["Talks to"] == "kube-apiserver, postgres (5432)"
    assert english["Port"] == "5432"
    spanish = dict(own_fields(cluster, ES)["vault"])
    assert spanish["Qué hace"] == "Guarda los secretos de la plataforma."
    assert dict(own_fields(cluster, ES)["backup-bot"])["Qué hace"] == \
        "Copies etcd snapshots off site."
    assert "HashiCorp Vault (general)" in alt_text(cluster, EN)


@pytest.mark.parametrize(("old", "new", "line", "subtype", "words"), [
    ("  runs-on: general\n", "  runs-on: genral\n", 9, Subtype.VALUE,
     "runs-on of 'vault' must be one of"),
    ("links:\n", "- {name: postgres, runs-on: outside}\nlinks:\n", 20, Subtype.VALUE,
     "component 'postgres' is defined twice"),
    ("- name: backup-bot\n", "- name: etcd\n", 16, Subtype.VALUE,
     "'etcd' is a component the extension knows"),
])
def test_each_mistake_in_own_components_is_located(old: str, new: str, line: int,
                                                   subtype: Subtype, words: str) -> None:
    text = OWN.replace(old, new, 1)
    cluster, diagnostics, _ = analyse(text)
    errors = [d for d in diagnostics if d.is_error]
    assert located(errors) == [(line, subtype)], errors
    assert words in errors[0].message
    assert cluster is None


def test_a_conversation_with_nothing_is_left_out_and_the_rest_is_drawn() -> None:
    text = OWN.replace('"postgres:5432"', '"mysql:3306"')
    cluster, diagnostics, _ = analyse(text)
    assert cluster is not None
    assert located(diagnostics) == [(10, Subtype.UNKNOWN_COMPONENT)]
    assert "'mysql:3306' names no component of the catalog or of this spec; that " \
        "conversation is left out" in diagnostics[0].message
    assert cluster.own[0].talks == (("kube-apiserver", ""),)


def test_a_misspelt_runs_on_gets_a_hint() -> None:
    _, diagnostics, _ = analyse(OWN.replace("runs-on: general", "runs-on: genral"))
    assert "did you mean 'general'?" in diagnostics[0].message


# -- worker pools ------------------------------------------------------------------------


def test_pools_name_their_machines_fold_on_their_own_and_show_in_the_summary() -> None:
    cluster, diagnostics = drawn("control-plane: 3\nload-balancer: haproxy\nworkers:\n"
                                 "- {name: general, count: 12}\n"
                                 "- {name: gpu, count: 2, components: [kubelet, "
                                 "container-runtime]}\n")
    assert diagnostics == []
    assert [(p.name, p.count) for p in cluster.pools] == [("general", 12), ("gpu", 2)]
    graph = build_graph(cluster, EN)
    labels = [g.label for g in graph.groups if g.kind in ("worker", "collapsed")]
    assert labels == ["general-1", "general-2", "general-3", "general-4 … general-12",
                      "gpu-1", "gpu-2"]
    rest = next(g for g in graph.groups if g.kind == "collapsed")
    assert rest.nodes[0].label == "9 more workers like general-1"
    assert machines(graph)["gpu-1"] == ["kubelet", "container-runtime"]
    assert summary(cluster, EN)[-1] == "Workers: 14 nodes in 2 pools: general (12), gpu (2)"
    assert summary(cluster, ES)[-1] == "Workers: 14 nodos en 2 grupos: general (12), gpu (2)"


def test_a_single_unnamed_pool_keeps_worker_names() -> None:
    cluster, _ = drawn("control-plane: 3\nload-balancer: haproxy\nworkers: 2\n")
    assert [g.label for g in build_graph(cluster, EN).groups if g.kind == "worker"] == [
        "worker-1", "worker-2"]
    assert summary(cluster, EN)[-1] == "Workers: 2 nodes"


@pytest.mark.parametrize(("workers", "line", "words"), [
    ("[{count: 2}]", 3, "a worker pool in a list needs a name"),
    ("[{name: cp, count: 2}]", 3, "taken by the control plane's or etcd's machines"),
    ("[{name: GPU, count: 2}]", 3, "must be lower-case letters"),
    ("[{name: a, count: 2}, {name: a, count: 1}]", 3, "two worker pools named 'a'"),
    ("[]", 3, "workers is an empty list"),
])
def test_pool_mistakes_are_located(workers: str, line: int, words: str) -> None:
    cluster, diagnostics, _ = analyse(f"control-plane: 3\nload-balancer: haproxy\n"
                                      f"workers: {workers}\n")
    assert cluster is None
    errors = [d for d in diagnostics if d.is_error]
    assert [d.line for d in errors] == [line] and words in errors[0].message


def test_links_reach_pool_machines() -> None:
    cluster, diagnostics = drawn("control-plane: 3\nload-balancer: haproxy\n"
                                 "workers: [{name: gpu, count: 2}]\n"
                                 "links: {gpu-2: 'https://example.org/gpu'}\n")
    assert cluster.links == (("gpu-2", "https://example.org/gpu"),)
    assert build_graph(cluster, EN).linked_machines == {"gpu-2"}
    _, diagnostics, _ = analyse("control-plane: 3\nload-balancer: haproxy\n"
                                "workers: [{name: gpu, count: 2}]\nlinks: {gpu-3: x}\n")
    assert located(diagnostics) == [(4, Subtype.VALUE)]
    assert "(2 gpu machine(s))" in diagnostics[0].message


def test_importers_that_know_pools_use_them() -> None:
    capi = (IMPORTS / "capi-topology-v1beta2.yaml").read_text(encoding="utf-8")
    cluster, _, _ = analyse(capi, fmt="auto")
    assert cluster is not None
    assert [(p.name, p.count) for p in cluster.pools] == [("md-0", 6), ("md-gpu", 2)]
    kind = ("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n"
            "- role: worker\n  labels: {pool: apps}\n- role: worker\n  labels: {pool: apps}\n"
            "- role: worker\n  labels: {pool: batch}\n")
    cluster, diagnostics, _ = analyse(kind, fmt="auto")
    assert cluster is not None, diagnostics
    assert [(p.name, p.count) for p in cluster.pools] == [("apps", 2), ("batch", 1)]


# -- a load balancer on the control plane ------------------------------------------------


@pytest.mark.parametrize(("kind", "on_nodes", "port"), [
    ("kube-vip", ["kube-vip"], "6443"),
    ("keepalived-haproxy", ["keepalived", "haproxy"], "8443"),
])
def test_a_load_balancer_on_the_control_plane_nodes(kind: str, on_nodes: list[str],
                                                    port: str) -> None:
    cluster, diagnostics = drawn(f"control-plane: 3\nworkers: 1\n"
                                 f"load-balancer: {{type: {kind}, on: control-plane}}\n")
    # There is a load balancer, so no ha-lb; and no separate machine is drawn for it.
    assert diagnostics == []
    graph = build_graph(cluster, EN)
    assert [n.label for n in graph.free] == ["virtual IP"]
    for machine in ("cp-1", "cp-2", "cp-3"):
        assert machines(graph)[machine][-len(on_nodes):] == on_nodes
    holder = {n.id: n.sublabel for g in graph.groups for n in g.nodes
              if n.component == on_nodes[0]}
    assert holder == {"cp1_" + on_nodes[0].replace("-", "_"): "holds the VIP",
                      "cp2_" + on_nodes[0].replace("-", "_"): "standby",
                      "cp3_" + on_nodes[0].replace("-", "_"): "standby"}
    into_vip = {e.label for e in graph.edges if e.head == "lb"}
    assert into_vip == {port}
    out_of_vip = [(e.head, e.label) for e in graph.edges if e.tail == "lb"]
    if kind == "kube-vip":
        assert out_of_vip == [("cp1_kube_apiserver", "6443")]
    else:
        assert out_of_vip == [("cp1_haproxy", "8443")]
        assert sorted(e.head for e in graph.edges if e.tail == "cp1_haproxy") == [
            "cp1_kube_apiserver", "cp2_kube_apiserver", "cp3_kube_apiserver"]
    line = summary(cluster, EN)[1]
    assert "virtual IP" in line and "no separate load-balancer machine" in line
    [(field, note, _v)] = component_notes(cluster)[on_nodes[0]]
    assert field == "where" and "cp-1 holding the virtual IP" in note
    assert "load-balancer" not in cluster.all_components()


def test_the_kube_vip_holder_needs_the_api() -> None:
    cluster, _ = drawn("control-plane: 3\nload-balancer: {type: kube-vip}\n")
    [(_f, note, _v)] = component_notes(cluster)["kube-vip"]
    assert "needs the API" in note and "majority" in note
