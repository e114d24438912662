"""Model → renderer-independent graph: machines as groups, components as nodes, real edges.

Kept free of DOT so it can be tested (and later drawn) without Graphviz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .components import CATALOG
from .i18n import Translator
from .model import Cluster
from .vocabulary import COLLAPSE_ABOVE, SHOWN, EtcdTopology


@dataclass(frozen=True)
class GNode:
    id: str
    label: str
    component: str  # catalog id, "collapsed" for a summary box
    sublabel: str = ""  # e.g. leader / standby
    standby: bool = False
    highlighted: bool = False


@dataclass
class GGroup:
    id: str
    label: str
    kind: str  # control-plane | worker | etcd-host | collapsed | clients
    nodes: list[GNode] = field(default_factory=list)
    highlighted: bool = False


@dataclass(frozen=True)
class GEdge:
    tail: str
    head: str
    kind: str  # api | lb | etcd | peer | local
    label: str = ""


@dataclass
class Graph:
    title: str
    groups: list[GGroup] = field(default_factory=list)
    free: list[GNode] = field(default_factory=list)  # load balancer
    clients: list[GNode] = field(default_factory=list)
    edges: list[GEdge] = field(default_factory=list)
    #: Top-level "bands" of group ids, drawn in this order along the flow.
    bands: list[list[str]] = field(default_factory=list)
    #: Index in ``bands`` before which the entry (load balancer, clients) is drawn.
    entry_at: int = 0
    #: Machine names (cp-1, worker-2, etcd-3) that the spec links somewhere.
    linked_machines: frozenset[str] = frozenset()


def _node_ids(prefix: str, count: int) -> list[tuple[str, str] | None]:
    """(id, label) per drawn node, with None standing for the collapsed rest."""
    if count <= COLLAPSE_ABOVE:
        return [(f"{prefix}{i}", f"{prefix}-{i}") for i in range(1, count + 1)]
    return [(f"{prefix}{i}", f"{prefix}-{i}") for i in range(1, SHOWN + 1)] + [None]


def _collapsed(prefix: str, count: int, text: str, highlighted: bool = False) -> GGroup:
    """One dashed box standing for machines ``SHOWN+1`` … ``count`` of a pool."""
    group = GGroup(f"{prefix}_rest", f"{prefix}-{SHOWN + 1} … {prefix}-{count}", "collapsed",
                   highlighted=highlighted)
    group.nodes.append(GNode(f"{prefix}_rest_box", text, "collapsed"))
    return group


def build_graph(cluster: Cluster, _: Translator, highlight: frozenset[str] = frozenset(),
                new_nodes: frozenset[str] = frozenset()) -> Graph:
    """``highlight`` names components to emphasise, ``new_nodes`` pool names (control-plane,
    workers, etcd) whose machines are new in this step."""
    graph = Graph(cluster.title)
    graph.linked_machines = frozenset(key for key, _target in cluster.links
                                      if key not in CATALOG)
    lb_id = "lb" if cluster.has_lb else ""
    if lb_id:
        graph.free.append(GNode(lb_id, _("load balancer"), "load-balancer",
                                sublabel=cluster.load_balancer,
                                highlighted="load-balancer" in highlight))

    def comp_node(group: str, name: str, *, sub: str = "", standby: bool = False) -> GNode:
        label = cluster.runtime if name == "container-runtime" else name
        return GNode(f"{group}_{name.replace('-', '_')}", label, name, sublabel=sub,
                     standby=standby, highlighted=name in highlight)

    first_api: str = ""
    cp_band: list[str] = []
    for index, spec in enumerate(_node_ids("cp", cluster.control_plane.count)):
        if spec is None:
            rest = cluster.control_plane.count - SHOWN
            group = _collapsed("cp", cluster.control_plane.count, _.n(
                "{n} more node like cp-1", "{n} more nodes like cp-1", rest).format(n=rest),
                "control-plane" in new_nodes)
            graph.groups.append(group)
            cp_band.append(group.id)
            if lb_id and cluster.control_plane.has("kube-apiserver"):
                graph.edges.append(GEdge(lb_id, "cp_rest_box", "lb", "6443"))
            continue
        gid, label = spec
        group = GGroup(gid, label, "control-plane", highlighted="control-plane" in new_nodes)
        for name in cluster.control_plane.components:
            leader = name in ("kube-scheduler", "kube-controller-manager",
                              "cloud-controller-manager")
            sub = ""
            if leader and cluster.control_plane.count > 1:
                sub = _("leader") if index == 0 else _("standby")
            group.nodes.append(comp_node(gid, name, sub=sub, standby=bool(sub) and index > 0))
        graph.groups.append(group)
        cp_band.append(gid)
        ids = {n.component: n.id for n in group.nodes}
        api = ids.get("kube-apiserver")
        if api:
            first_api = first_api or api
            if lb_id:
                graph.edges.append(GEdge(lb_id, api, "lb", "6443"))
            if "etcd" in ids:
                graph.edges.append(GEdge(api, ids["etcd"], "etcd", "2379"))
            for name in ("kube-scheduler", "kube-controller-manager", "cloud-controller-manager",
                         "kubelet"):
                if name in ids:
                    graph.edges.append(GEdge(ids[name], api, "local"))
    # Stacked etcd peers: one undirected edge per pair of drawn members.
    members = [f"{g.id}_etcd" for g in graph.groups
               if g.kind == "control-plane" and any(n.component == "etcd" for n in g.nodes)]
    if cluster.etcd is EtcdTopology.EXTERNAL:
        etcd_band: list[str] = []
        for spec in _node_ids("etcd", cluster.external_etcd_members):
            if spec is None:
                rest = cluster.external_etcd_members - SHOWN
                group = _collapsed("etcd", cluster.external_etcd_members, _.n(
                    "{n} more member", "{n} more members", rest).format(n=rest))
                graph.groups.append(group)
                etcd_band.append(group.id)
                continue
            gid, label = spec
            group = GGroup(gid, label, "etcd-host", highlighted="etcd" in new_nodes)
            group.nodes.append(comp_node(gid, "etcd"))
            graph.groups.append(group)
            etcd_band.append(gid)
            members.append(group.nodes[0].id)
        graph.bands.append(etcd_band)
        apis = [n.id for g in graph.groups if g.kind == "control-plane" for n in g.nodes
                if n.component == "kube-apiserver"]
        for member in members:
            for api in apis:
                graph.edges.append(GEdge(api, member, "etcd", "2379"))
    for i, tail in enumerate(members):
        for head in members[i + 1:]:
            graph.edges.append(GEdge(tail, head, "peer", "2380"))
    graph.bands.append(cp_band)

    # Everything that reaches "the API" from outside the control plane.
    api_entry = lb_id or first_api
    worker_band: list[str] = []
    for spec in _node_ids("worker", cluster.workers.count):
        if spec is None:
            rest = cluster.workers.count - SHOWN
            group = _collapsed("worker", cluster.workers.count, _.n(
                "{n} more worker like worker-1", "{n} more workers like worker-1", rest
            ).format(n=rest), "workers" in new_nodes)
            graph.groups.append(group)
            worker_band.append(group.id)
            if api_entry and cluster.workers.components:
                graph.edges.append(GEdge("worker_rest_box", api_entry, "api", "6443"))
            continue
        gid, label = spec
        group = GGroup(gid, label, "worker", highlighted="workers" in new_nodes)
        for name in cluster.workers.components:
            group.nodes.append(comp_node(gid, name))
        graph.groups.append(group)
        worker_band.append(gid)
        for node in group.nodes:
            if node.component in ("kubelet", "kube-proxy", "kubectl") and api_entry:
                graph.edges.append(GEdge(node.id, api_entry, "api", "6443"))
    # kube-proxy on control-plane nodes uses the cluster endpoint as well.
    for group in graph.groups:
        if group.kind == "control-plane":
            for node in group.nodes:
                if node.component in ("kube-proxy", "kubectl") and api_entry:
                    graph.edges.append(GEdge(node.id, api_entry, "api", "6443"))
    if worker_band:
        graph.entry_at = len(graph.bands)
    graph.bands.append(worker_band)

    if cluster.addons:
        group = GGroup("addons", _("add-ons (Pods on any node)"), "addons")
        for name in cluster.addons:
            group.nodes.append(comp_node("addons", name))
            if api_entry:
                graph.edges.append(GEdge(f"addons_{name}", api_entry, "api"))
        graph.groups.append(group)
        graph.bands.append([group.id])
    if not worker_band:
        graph.entry_at = len(graph.bands)  # no workers: the entry comes last

    for name in cluster.clients:
        node = comp_node("client", name)
        graph.clients.append(node)
        if api_entry:
            graph.edges.append(GEdge(node.id, api_entry, "api", "6443"))
    return graph

