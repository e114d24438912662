"""The cluster model: what the spec describes, after validation and defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from .vocabulary import (
    CLIENTS_DEFAULT,
    DISTRIBUTIONS,
    ETCD_HOST_DEFAULT,
    KUBELET_LOCAL_FROM,
    KUBERNETES_CURRENT,
    EtcdTopology,
)


@dataclass(frozen=True)
class Pool:
    """A group of identical nodes: the control plane or a pool of workers."""

    count: int
    components: tuple[str, ...]
    #: A worker pool's name: its machines are ``<name>-1`` … (an unnamed pool's are
    #: ``worker-1`` …).
    name: str = ""

    def has(self, component: str) -> bool:
        return component in self.components

    @property
    def prefix(self) -> str:
        return self.name or "worker"


@dataclass(frozen=True)
class Own:
    """One of the project's own components (the spec's ``components:``)."""

    name: str
    label: str
    #: ``control-plane``, ``workers``, a pool name, ``addons`` or ``outside``.
    runs_on: str
    #: (target component, port or "") of each conversation it starts.
    talks: tuple[tuple[str, str], ...] = ()
    #: (language, text) pairs; the language "" is the text for every language.
    description: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str) -> str:
        texts = dict(self.description)
        return texts.get(lang) or texts.get("") or texts.get("en") or next(
            iter(texts.values()), "")


@dataclass(frozen=True)
class LoadBalancerOnNodes:
    """A load balancer that runs on the control-plane nodes themselves, behind a virtual
    IP (kube-vip, or keepalived with HAProxy, as static Pods)."""

    #: ``kube-vip`` or ``keepalived-haproxy``.
    type: str


@dataclass(frozen=True)
class Cluster:
    title: str
    control_plane: Pool
    #: The worker pools, in the spec's order (one unnamed pool for ``workers: N``).
    pools: tuple[Pool, ...]
    etcd: EtcdTopology = EtcdTopology.STACKED
    external_etcd_members: int = 0
    load_balancer: str = "none"
    clients: tuple[str, ...] = CLIENTS_DEFAULT
    runtime: str = "containerd"
    addons: tuple[str, ...] = ()
    #: The network plugin when ``addons`` names it (``calico``), drawn in place of "cni".
    cni: str = ""
    #: Where the state is kept when it is not in etcd (k3s keeps a single server's state in
    #: SQLite, or any server's in an SQL database, through kine); empty with etcd.
    datastore: str = ""
    #: The Kubernetes release (major, minor) the figure shows.
    version: tuple[int, int] = KUBERNETES_CURRENT
    #: kubeadm (also under kind and Cluster API) or k3s (k3d).
    distribution: str = DISTRIBUTIONS[0]
    #: What each external etcd host runs.
    etcd_host: tuple[str, ...] = ETCD_HOST_DEFAULT
    #: Keys the source did not state and that were drawn with a default (a kubeadm file's
    #: node counts): findings do not report them as facts about the cluster.
    assumed: frozenset[str] = frozenset()
    #: The project's own components.
    own: tuple[Own, ...] = ()
    #: Set when the load balancer runs on the control-plane nodes.
    lb_on_nodes: LoadBalancerOnNodes | None = None
    #: (machine as drawn, its real name) pairs from ``names:``, sorted.
    names: tuple[tuple[str, str], ...] = ()
    #: Failure domains: (zone, the machines in it), in the spec's order.
    zones: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: What is down (``failures:``): machines, and whether the load balancer is.
    down: frozenset[str] = frozenset()
    lb_down: bool = False
    #: The zones named in ``failures:`` (their machines are in ``down``).
    zones_down: tuple[str, ...] = ()
    #: (component or machine name, target) pairs from ``links:``, sorted by name; a target
    #: is an http(s) URL, ``ref:label``, ``doc:path`` or a bare label.
    links: tuple[tuple[str, str], ...] = ()
    #: Line (1-based, inside the spec) of each top-level key, for findings.
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def has_lb(self) -> bool:
        return self.load_balancer != "none"

    @property
    def workers(self) -> Pool:
        """All worker pools as one: their machines and the union of their components."""
        components = tuple(dict.fromkeys(c for p in self.pools for c in p.components))
        return Pool(sum(p.count for p in self.pools), components)

    def own_component(self, name: str) -> Own | None:
        return next((o for o in self.own if o.name == name), None)

    def machines(self) -> list[str]:
        """Every machine's name, as the figure names them: cp-1 …, etcd-1 …, worker-1 …
        (or each pool's)."""
        names = [f"cp-{i}" for i in range(1, self.control_plane.count + 1)]
        if self.etcd is EtcdTopology.EXTERNAL:
            names += [f"etcd-{i}" for i in range(1, self.external_etcd_members + 1)]
        for pool in self.pools:
            names += [f"{pool.prefix}-{i}" for i in range(1, pool.count + 1)]
        return names

    def name_of(self, machine: str) -> str:
        """The machine's real name (``names:``), else its name as drawn."""
        return dict(self.names).get(machine, machine)

    def zone_of(self, machine: str) -> str:
        return next((zone for zone, machines in self.zones if machine in machines), "")

    def machine_prefixes(self) -> dict[str, int]:
        """Machine name prefix (cp, etcd, worker or a pool name) → how many there are."""
        prefixes = {"cp": self.control_plane.count,
                    "etcd": self.external_etcd_members
                    if self.etcd is EtcdTopology.EXTERNAL else 0}
        prefixes.update({p.prefix: p.count for p in self.pools})
        return prefixes

    @property
    def etcd_members(self) -> int:
        if self.etcd is EtcdTopology.EXTERNAL:
            return self.external_etcd_members
        return self.control_plane.count if self.control_plane.has("etcd") else 0

    @property
    def is_k3s(self) -> bool:
        return self.distribution == "k3s"

    @property
    def kubelet_local(self) -> bool:
        """Does the kubelet of a control-plane node talk to its local API server? k3s:
        always; kubeadm: from 1.33 (ControlPlaneKubeletLocalMode), the endpoint before."""
        return self.is_k3s or self.version >= KUBELET_LOCAL_FROM

    @property
    def version_text(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    @property
    def apiservers(self) -> int:
        return self.control_plane.count if self.control_plane.has("kube-apiserver") else 0

    def all_components(self) -> tuple[str, ...]:
        """Every component that appears anywhere, in catalog order, without repeats, then the
        project's own."""
        from .components import ORDER

        seen = set(self.control_plane.components)
        for pool in self.pools:
            if pool.count:
                seen |= set(pool.components)
        seen |= set(self.clients) | set(self.addons)
        if self.etcd is EtcdTopology.EXTERNAL and self.external_etcd_members:
            seen |= set(self.etcd_host)
        if self.has_lb and self.lb_on_nodes is None:
            seen.add("load-balancer")
        catalog = tuple(sorted(seen, key=lambda c: ORDER.get(c, len(ORDER))))
        return catalog + tuple(o.name for o in self.own)


def quorum(members: int) -> int:
    """Votes needed to commit a write: a strict majority, ⌊n/2⌋+1."""
    return members // 2 + 1 if members > 0 else 0


def failures_tolerated(members: int) -> int:
    """Members that can fail while a majority remains: n − quorum = ⌊(n−1)/2⌋."""
    return members - quorum(members) if members > 0 else 0
