"""Model → renderer-independent graph: machines as groups, components as nodes, real edges.

Kept free of DOT so it can be tested (and later drawn) without Graphviz. Which
conversations exist, and their ports, come from :data:`~.components.TALKS`; this module
decides where each one goes in a given cluster (the local API server, the cluster
endpoint, the ``kubernetes`` Service, every member).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .components import CATALOG, has_talk, talk
from .i18n import Translator
from .model import Cluster, Own, Pool
from .vocabulary import (
    COLLAPSE_ABOVE,
    LB_ON_NODES,
    LB_ON_NODES_PORT,
    MACHINE,
    SERVICE_PORT,
    SHOWN,
    EtcdTopology,
    folded_label,
    machine_name,
)


@dataclass(frozen=True)
class GNode:
    id: str
    label: str
    component: str  # catalog id or own component's name; "collapsed" for a summary box
    sublabel: str = ""  # e.g. leader / standby
    standby: bool = False
    highlighted: bool = False
    #: One of the project's own components (drawn in a neutral style).
    own: bool = False
    #: On a machine that is down (``failures:``), or the load balancer when it is down.
    down: bool = False


@dataclass
class GGroup:
    id: str
    label: str
    kind: str  # control-plane | worker | etcd-host | collapsed | addons
    nodes: list[GNode] = field(default_factory=list)
    highlighted: bool = False
    #: The machine is down; for a folded box, every machine it stands for is.
    down: bool = False
    #: Said after the label, in the reader's language: "down", "2 down".
    status: str = ""
    #: The failure domain the machine is in ("" when none is given, or a folded box spans
    #: several).
    zone: str = ""
    #: The machine's real name (``names:``), drawn instead of ``label`` when given.
    title: str = ""


@dataclass(frozen=True)
class GEdge:
    tail: str
    head: str
    kind: str  # lb | api | etcd | peer | local | service | own
    label: str = ""
    #: One end is down: the conversation cannot happen.
    broken: bool = False


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
    #: Failure domains in the spec's order: (zone, its label, is it down).
    zones: list[tuple[str, str, bool]] = field(default_factory=list)


#: Components elected through a Lease: one leader, the other instances on standby. They
#: call the API server on their own node.
LEADER_ELECTED = ("kube-scheduler", "kube-controller-manager", "cloud-controller-manager")
#: Components of a node that call the API server.
AGENTS = ("kubelet", "kube-proxy", "kubectl")


def _node_ids(prefix: str, count: int) -> list[tuple[str, str] | None]:
    """(id, label) per drawn node, with None standing for the collapsed rest."""
    if count <= COLLAPSE_ABOVE:
        return [machine_name(prefix, i) for i in range(1, count + 1)]
    return [machine_name(prefix, i) for i in range(1, SHOWN + 1)] + [None]


def _collapsed(prefix: str, count: int, text: str, highlighted: bool = False,
               cluster: Cluster | None = None, _: Translator | None = None) -> GGroup:
    """One dashed box standing for machines ``SHOWN+1`` … ``count`` of a pool; with
    ``cluster``, it says how many of them are down and sits in their zone if they share
    one."""
    group = GGroup(f"{prefix}_rest", folded_label(prefix, SHOWN + 1, count), "collapsed",
                   highlighted=highlighted)
    if cluster is not None:
        # Asked from the (few) machines that are down or zoned, not from each of the
        # folded ones: a pool of thousands stays as cheap as a pool of ten.
        def folded(machine: str) -> bool:
            named = MACHINE.fullmatch(machine)
            return named is not None and named[1] == prefix and SHOWN < int(named[2]) <= count

        rest = count - SHOWN
        down = sum(map(folded, cluster.down))
        if down and _ is not None:
            group.down = down == rest
            group.status = _("down") if group.down else _("{n} down").format(n=down)
        zoned = {m: z for z, machines in reversed(cluster.zones) for m in machines
                 if folded(m)}
        zones = set(zoned.values())
        group.zone = zones.pop() if len(zoned) == rest and len(zones) == 1 else ""
    group.nodes.append(GNode(f"{prefix}_rest_box", text, "collapsed", down=group.down))
    return group


class _Builder:
    def __init__(self, cluster: Cluster, _: Translator, highlight: frozenset[str],
                 new_nodes: frozenset[str]) -> None:
        self.cluster, self._ = cluster, _
        self.highlight, self.new_nodes = highlight, new_nodes
        self.graph = Graph(cluster.title or _("Kubernetes cluster"))
        self.graph.linked_machines = frozenset(key for key, _target in cluster.links
                                               if key not in CATALOG)
        self.lb = "lb" if cluster.has_lb else ""
        #: The API server of each drawn control-plane machine, in order.
        self.apis: list[str] = []
        # The elected leaders (and the virtual IP) are drawn on the first control-plane
        # node that is up: after a failover when cp-1 is down.
        cp = cluster.control_plane.count
        self.leader_at = next((i for i in range(min(cp, SHOWN if cp > COLLAPSE_ABOVE else cp))
                               if f"cp-{i + 1}" not in cluster.down), 0)

    # -- pieces ---------------------------------------------------------------------------
    def node(self, group: str, name: str, *, sub: str = "", standby: bool = False,
             down: bool = False) -> GNode:
        own = self.cluster.own_component(name)
        label = (self.cluster.runtime if name == "container-runtime"
                 else self.cluster.cni if name == "cni" and self.cluster.cni
                 else own.label if own is not None else name)
        return GNode(f"{group}_{name.replace('-', '_')}", label, name, sublabel=sub,
                     standby=standby, highlighted=name in self.highlight, own=own is not None,
                     down=down)

    def machine(self, gid: str, label: str, kind: str, new: bool) -> GGroup:
        """A machine's box: down or up, in its zone."""
        down = label in self.cluster.down
        title = self.cluster.name_of(label)
        return GGroup(gid, label, kind, highlighted=new, down=down,
                      status=self._("down") if down else "", zone=self.cluster.zone_of(label),
                      title="" if title == label else title)

    def edge(self, tail: str, head: str, kind: str, source: str, target: str,
             port: str | None = None) -> None:
        if port is None:
            port = "" if kind == "local" else talk(source, target).port
        if head == self.lb and self.cluster.lb_on_nodes is not None and kind == "api":
            # The virtual IP's own port: HAProxy beside an API server listens on another.
            port = LB_ON_NODES_PORT[self.cluster.lb_on_nodes.type]
        self.graph.edges.append(GEdge(tail, head, kind, port))

    @property
    def entry(self) -> str:
        """The cluster endpoint: the load balancer, else the first API server."""
        return self.lb or (self.apis[0] if self.apis else "")

    def to_endpoint(self, tail: str, source: str) -> None:
        if self.entry:
            # The agents' conversation is with the API; anything else drawn outside (kubectl,
            # or a component an exercise puts among the clients) talks to the endpoint as
            # a client does.
            if source in ("kubelet", "kube-proxy"):
                self.edge(tail, self.entry, "api", source, "kube-apiserver")
            else:
                client = source if has_talk(source, "load-balancer") else "kubectl"
                self.edge(tail, self.entry, "api", client, "load-balancer")

    # -- the whole graph ------------------------------------------------------------------
    def build(self) -> Graph:
        cluster, graph, _ = self.cluster, self.graph, self._
        on_nodes = cluster.lb_on_nodes
        if on_nodes is not None:
            # The entry is the virtual IP the control-plane nodes hold in turn.
            holder = LB_ON_NODES[on_nodes.type][0]
            graph.free.append(GNode(self.lb, _("virtual IP"), holder,
                                    sublabel=" + ".join(LB_ON_NODES[on_nodes.type]),
                                    highlighted=holder in self.highlight))
        elif self.lb:
            keepalived = cluster.load_balancer == "keepalived"
            label = _("virtual IP") if keepalived else _("load balancer")
            graph.free.append(GNode(self.lb, label, "load-balancer",
                                    sublabel=_("{what}, down").format(what=cluster.load_balancer)
                                    if cluster.lb_down else cluster.load_balancer,
                                    highlighted="load-balancer" in self.highlight,
                                    down=cluster.lb_down))
        cp_band, endpoint_users = self.control_plane()
        members = [f"{g.id}_etcd" for g in graph.groups
                   if g.kind == "control-plane" and any(n.component == "etcd" for n in g.nodes)]
        if cluster.etcd is EtcdTopology.EXTERNAL:
            members = self.external_etcd()
        for i, tail in enumerate(members):
            for head in members[i + 1:]:
                self.edge(tail, head, "peer", "etcd", "etcd")
        graph.bands.append(cp_band)
        worker_band = self.workers()
        for node_id, component in endpoint_users:
            self.to_endpoint(node_id, component)
        if worker_band:
            graph.entry_at = len(graph.bands)
        graph.bands.append(worker_band)
        self.addons()
        if not worker_band:
            graph.entry_at = len(graph.bands)  # no workers: the entry comes last
        for name in (*cluster.clients, *(o.name for o in cluster.own
                                           if o.runs_on == "outside")):
            node = self.node("client", name)
            graph.clients.append(node)
            if name != "load-balancer" and self.entry and cluster.own_component(name) is None:
                self.to_endpoint(node.id, name)
        self.own_conversations()
        down = {n.id for n in [*graph.free, *(n for g in graph.groups for n in g.nodes)]
                if n.down}
        graph.edges = [GEdge(e.tail, e.head, e.kind, e.label, True)
                       if e.tail in down or e.head in down else e
                       for e in graph.edges]
        graph.zones = [(zone, zone, zone in cluster.zones_down) for zone, _m in cluster.zones]
        return graph

    def control_plane(self) -> tuple[list[str], list[tuple[str, str]]]:
        """Draw the control-plane machines; returns their band and the nodes that reach
        the API through the endpoint (drawn once every API server is known)."""
        cluster, graph, _ = self.cluster, self.graph, self._
        band: list[str] = []
        later: list[tuple[str, str]] = []
        pool = cluster.control_plane
        for index, spec in enumerate(_node_ids("cp", pool.count)):
            if spec is None:
                rest = pool.count - SHOWN
                group = _collapsed("cp", pool.count, _.n(
                    "{n} more node like cp-1", "{n} more nodes like cp-1", rest).format(n=rest),
                    "control-plane" in self.new_nodes, cluster, _)
                graph.groups.append(group)
                band.append(group.id)
                if self.lb and pool.has("kube-apiserver") and cluster.lb_on_nodes is None:
                    self.edge(self.lb, "cp_rest_box", "lb", "load-balancer", "kube-apiserver")
                continue
            gid, label = spec
            group = self.machine(gid, label, "control-plane", "control-plane" in self.new_nodes)
            for name in (*pool.components, *self.own_on("control-plane")):
                sub, standby = self.role_of(name, index, pool.count)
                if group.down:
                    sub, standby = "", False
                group.nodes.append(self.node(gid, name, sub=sub, standby=standby,
                                             down=group.down))
            graph.groups.append(group)
            band.append(gid)
            ids = {n.component: n.id for n in group.nodes}
            api = ids.get("kube-apiserver")
            if api:
                self.apis.append(api)
                if self.lb and cluster.lb_on_nodes is None:
                    self.edge(self.lb, api, "lb", "load-balancer", "kube-apiserver")
                if "etcd" in ids:
                    self.edge(api, ids["etcd"], "etcd", "kube-apiserver", "etcd")
            for name, node_id in ids.items():
                local = (name in LEADER_ELECTED or name == "kube-vip"
                         or (name == "kubelet" and cluster.kubelet_local)
                         or (name == "kube-proxy" and cluster.is_k3s))
                if local and api:
                    self.edge(node_id, api, "local", name, "kube-apiserver")
                elif name in AGENTS:
                    later.append((node_id, name))
        self.virtual_ip()
        return band, later

    def role_of(self, name: str, index: int, count: int) -> tuple[str, bool]:
        """The sublabel and standby state of a component on control-plane node ``index``:
        one leader (or virtual IP holder) and the others on standby, drawn as one possible
        state."""
        _ = self._
        if count < 2:
            return "", False
        first = index == self.leader_at
        if name in LEADER_ELECTED:
            return (_("leader"), False) if first else (_("standby"), True)
        if name in ("kube-vip", "keepalived"):
            return (_("holds the VIP"), False) if first else (_("standby"), True)
        return "", False

    def virtual_ip(self) -> None:
        """A load balancer on the control-plane nodes: the virtual IP reaches the node that
        holds it (cp-1 in the drawing); kube-vip hands it to that node's API server,
        keepalived to HAProxy there, which balances over every API server."""
        on_nodes = self.cluster.lb_on_nodes
        if on_nodes is None or not self.lb:
            return
        machines = [g for g in self.graph.groups if g.kind == "control-plane"]
        if not machines:
            return
        holder = machines[min(self.leader_at, len(machines) - 1)]
        ids = {n.component: n.id for n in holder.nodes}
        port = LB_ON_NODES_PORT[on_nodes.type]
        api = ids.get("kube-apiserver")
        if on_nodes.type == "kube-vip" and api:
            self.edge(self.lb, api, "lb", "load-balancer", "kube-apiserver", port)
        elif "haproxy" in ids:
            self.edge(self.lb, ids["haproxy"], "lb", "load-balancer", "haproxy", port)
            for api in self.apis:
                self.edge(ids["haproxy"], api, "lb", "haproxy", "kube-apiserver")

    def own_on(self, place: str) -> tuple[str, ...]:
        """The project's own components that run on ``place`` (a pool's prefix too)."""
        return tuple(o.name for o in self.cluster.own if o.runs_on == place)

    def external_etcd(self) -> list[str]:
        cluster, graph, _ = self.cluster, self.graph, self._
        band: list[str] = []
        members: list[str] = []
        for spec in _node_ids("etcd", cluster.external_etcd_members):
            if spec is None:
                rest = cluster.external_etcd_members - SHOWN
                group = _collapsed("etcd", cluster.external_etcd_members, _.n(
                    "{n} more member", "{n} more members", rest).format(n=rest),
                    False, cluster, _)
                graph.groups.append(group)
                band.append(group.id)
                continue
            gid, label = spec
            group = self.machine(gid, label, "etcd-host", "etcd" in self.new_nodes)
            group.nodes.extend(self.node(gid, name, down=group.down)
                               for name in cluster.etcd_host)
            graph.groups.append(group)
            band.append(gid)
            members.append(f"{gid}_etcd")
        graph.bands.append(band)
        for member in members:
            for api in self.apis:
                self.edge(api, member, "etcd", "kube-apiserver", "etcd")
        return members

    def workers(self) -> list[str]:
        band: list[str] = []
        for pool in self.cluster.pools:
            band.extend(self.worker_pool(pool))
        return band

    def worker_pool(self, pool: Pool) -> list[str]:
        """The machines of one worker pool (``worker-1`` …, or ``<pool>-1`` …), folded on
        their own when the pool is large."""
        graph, _ = self.graph, self._
        prefix = pool.prefix
        new = prefix in self.new_nodes
        own = (*self.own_on("workers"), *(self.own_on(pool.name) if pool.name else ()))
        band: list[str] = []
        for spec in _node_ids(prefix, pool.count):
            if spec is None:
                rest = pool.count - SHOWN
                group = _collapsed(prefix, pool.count, _.n(
                    "{n} more worker like {first}", "{n} more workers like {first}", rest
                ).format(n=rest, first=f"{prefix}-1"), new, self.cluster, _)
                graph.groups.append(group)
                band.append(group.id)
                if pool.components:
                    self.agent_link(group.nodes[0].id, "kubelet")
                continue
            gid, label = spec
            group = self.machine(gid, label, "worker", new)
            group.nodes.extend(self.node(gid, name, down=group.down)
                               for name in (*pool.components, *own))
            graph.groups.append(group)
            band.append(gid)
            for node in group.nodes:
                if node.component in AGENTS:
                    self.agent_link(node.id, node.component)
        return band

    def agent_link(self, tail: str, component: str) -> None:
        """A worker's way to the API: a k3s server for k3s agents, else the endpoint."""
        if self.cluster.is_k3s and self.apis and component != "kubectl":
            self.edge(tail, self.apis[0], "api", component, "kube-apiserver")
        else:
            self.to_endpoint(tail, component)

    def addons(self) -> None:
        cluster, graph, _ = self.cluster, self.graph, self._
        if not cluster.addons and not self.own_on("addons"):
            return
        # DaemonSets run on every node; the rest are Deployments (or StatefulSets).
        every = _("on every node")
        where = {"coredns": _("Deployment"), "cni": _("agent on every node"),
                 "csi-node": every, "node-exporter": every}
        group = GGroup("addons", _("add-ons"), "addons")
        for name in (*cluster.addons, *self.own_on("addons")):
            node = self.node("addons", name, sub=where.get(name, ""))
            group.nodes.append(node)
            if self.apis and has_talk(name, "kube-apiserver"):
                # Pods reach the API through the kubernetes Service, which kube-proxy (or
                # the CNI's replacement) sends to an API server: never the load balancer.
                self.edge(node.id, self.apis[0], "service", name, "kube-apiserver")
        graph.groups.append(group)
        graph.bands.append([group.id])


    def own_conversations(self) -> None:
        """``talks-to`` of the project's own components, drawn from the first instance
        (every instance talks alike; its description says so, and repeating the arrows
        from each machine would bury the figure)."""
        instances: dict[str, list[str]] = {}
        for node in [n for g in self.graph.groups for n in g.nodes] + self.graph.clients \
                + self.graph.free:
            instances.setdefault(node.component, []).append(node.id)
        for own in self.cluster.own:
            for tail in instances.get(own.name, [])[:1]:
                for target, port in own.talks:
                    self.own_edge(own, tail, target, port, instances)

    def own_edge(self, own: Own, tail: str, target: str, port: str,
                 instances: dict[str, list[str]]) -> None:
        if target in ("kube-apiserver", "load-balancer"):
            if own.runs_on == "outside":
                if self.entry:
                    self.edge(tail, self.entry, "api", "kubectl", "load-balancer", port or None)
            elif self.apis:
                self.graph.edges.append(GEdge(tail, self.apis[0], "service",
                                              port or SERVICE_PORT))
            return
        heads = instances.get(target, [])
        if heads:
            self.graph.edges.append(GEdge(tail, heads[0], "own", port))


def build_graph(cluster: Cluster, _: Translator, highlight: frozenset[str] = frozenset(),
                new_nodes: frozenset[str] = frozenset()) -> Graph:
    """``highlight`` names components to emphasise, ``new_nodes`` pool names (control-plane,
    workers, etcd) whose machines are new in this step."""
    return _Builder(cluster, _, highlight, new_nodes).build()
