"""The Kubernetes components the extension knows: names, aliases, placement and facts.

Facts follow the official documentation (see the docs page "Sources"): placement per
kubeadm, default ports from the "Ports and Protocols" page, edges from "Control
Plane-Node Communication". Texts are English msgids, translated at the point of use.
"""

from __future__ import annotations

from dataclasses import dataclass
import difflib
from enum import StrEnum

from . import addons
from .i18n import N_


class Role(StrEnum):
    CONTROL_PLANE = "control-plane"
    """Runs on control-plane nodes only."""
    NODE = "node"
    """A node component: runs on every node, control plane and workers."""
    CLIENT = "client"
    """Runs outside the cluster."""
    ADDON = "addon"
    """A cluster add-on, scheduled as Pods."""
    INFRA = "infra"
    """Not part of Kubernetes: the load balancer in front of the API servers."""
    CUSTOM = "custom"
    """One of the project's own components, described by its spec."""


@dataclass(frozen=True)
class Component:
    id: str
    role: Role
    where: str
    what: str
    talks: str
    port: str
    doc_url: str

    @property
    def label(self) -> str:
        return self.id


_DOCS = "https://kubernetes.io/docs/"

CATALOG: dict[str, Component] = {
    c.id: c
    for c in (
        Component(
            "kube-apiserver",
            Role.CONTROL_PLANE,
            N_("Every control-plane node; all instances are active at once behind the load "
               "balancer."),
            N_("The front door of the control plane: it serves the Kubernetes API, checks "
               "who is calling and whether the request is allowed and valid, and is the only "
               "component that reads and writes etcd. It scales horizontally because it keeps "
               "no state of its own."),
            N_("etcd (2379); the kubelets (10250) for logs, exec and port-forward. Every other "
               "component and client calls it."),
            "6443/TCP",
            _DOCS + "concepts/overview/components/#kube-apiserver",
        ),
        Component(
            "etcd",
            Role.CONTROL_PLANE,
            N_("One member per control-plane node (stacked topology) or on its own hosts "
               "(external topology)."),
            N_("A consistent, replicated key-value store that holds the whole cluster state. "
               "Members agree on every write with the Raft protocol: a write commits only when "
               "a majority (the quorum) has it, so the member count sets how many failures the "
               "cluster survives. Back it up regularly."),
            N_("Only kube-apiserver uses it as a client (2379); members replicate to each other "
               "(2380)."),
            "2379/TCP (client), 2380/TCP (peer)",
            _DOCS + "concepts/overview/components/#etcd",
        ),
        Component(
            "kube-scheduler",
            Role.CONTROL_PLANE,
            N_("Every control-plane node; only the elected leader works, the others wait on "
               "standby."),
            N_("Picks a node for each new Pod that has none: it filters out nodes that cannot "
               "run it (resources, taints, affinity, topology) and scores the rest. It only "
               "records the decision; the kubelet of the chosen node starts the containers."),
            N_("kube-apiserver only (the local one in a kubeadm cluster). The instances compete "
               "for a Lease of their own; only the leader holds it."),
            "10259/TCP",
            _DOCS + "concepts/overview/components/#kube-scheduler",
        ),
        Component(
            "kube-controller-manager",
            Role.CONTROL_PLANE,
            N_("Every control-plane node; only the elected leader works, the others wait on "
               "standby."),
            N_("One program that runs many control loops (nodes, Jobs, EndpointSlices, service "
               "accounts, garbage collection…). Each loop compares the desired state stored in "
               "the API with what it observes and makes changes until they agree."),
            N_("kube-apiserver only (the local one in a kubeadm cluster). The instances compete "
               "for a Lease of their own, separate from the scheduler's; only the leader holds "
               "it."),
            "10257/TCP",
            _DOCS + "concepts/overview/components/#kube-controller-manager",
        ),
        Component(
            "cloud-controller-manager",
            Role.CONTROL_PLANE,
            N_("Control-plane nodes, only in clusters integrated with a cloud provider; one "
               "leader at a time."),
            N_("Runs the control loops that depend on a cloud: it checks whether a node that "
               "stopped answering was deleted in the cloud, sets up routes and creates cloud "
               "load balancers for Services of type LoadBalancer."),
            N_("kube-apiserver and the cloud provider's API."),
            "10258/TCP",
            _DOCS + "concepts/overview/components/#cloud-controller-manager",
        ),
        Component(
            "kubelet",
            Role.NODE,
            N_("Every node, control plane included: in a kubeadm cluster it starts the "
               "control-plane components as static Pods."),
            N_("The node agent. It registers the node, receives the Pods bound to it, has the "
               "container runtime create them, runs their probes, mounts their volumes and "
               "reports node and Pod status."),
            N_("kube-apiserver: on workers through the cluster endpoint (the load balancer); on "
               "control-plane nodes the local API server from kubeadm 1.33, the endpoint "
               "before. The container runtime over CRI."),
            "10250/TCP",
            _DOCS + "concepts/overview/components/#kubelet",
        ),
        Component(
            "kube-proxy",
            Role.NODE,
            N_("Every node, as a DaemonSet (optional: some network plugins replace it)."),
            N_("Watches Services and EndpointSlices and programs the node's packet rules "
               "(iptables, IPVS or nftables) so traffic for a Service reaches one of its Pods. "
               "It does not route Pod-to-Pod traffic: that is the network plugin's job."),
            N_("kube-apiserver, through the cluster endpoint (the load balancer) named in the "
               "kubeconfig kubeadm writes for it."),
            N_("10256/TCP (health), 10249/TCP (metrics, localhost)"),
            _DOCS + "concepts/overview/components/#kube-proxy",
        ),
        Component(
            "container-runtime",
            Role.NODE,
            N_("Every node (containerd or CRI-O)."),
            N_("Pulls images and runs the containers. Since Kubernetes 1.24 there is no "
               "dockershim: the kubelet needs a CRI runtime such as containerd or CRI-O."),
            N_("The kubelet (CRI, gRPC over a local Unix socket); it calls the CNI plugin when "
               "it creates a Pod."),
            N_("none (Unix socket)"),
            _DOCS + "setup/production-environment/container-runtimes/",
        ),
        Component(
            "coredns",
            Role.ADDON,
            N_("Any node: a Deployment (two replicas with kubeadm) that tolerates the "
               "control-plane taint."),
            N_("The cluster DNS. It answers names such as my-svc.my-ns.svc.cluster.local from "
               "the Services it watches and forwards other names upstream."),
            N_("kube-apiserver, through the kubernetes Service (watch); Pods query it through "
               "the kube-dns Service."),
            "53/UDP, 53/TCP",
            _DOCS + "tasks/administer-cluster/coredns/",
        ),
        Component(
            "cni",
            Role.ADDON,
            N_("Every node: a plugin binary that the container runtime calls and, usually, an "
               "agent that runs on every node as a DaemonSet."),
            N_("Implements the Pod network: gives each Pod an IP address and carries Pod "
               "traffic between nodes, often enforcing NetworkPolicy as well. Until it is "
               "installed, nodes are not Ready."),
            N_("Called by the container runtime when a Pod is created; its agent watches "
               "kube-apiserver through the kubernetes Service, or uses a datastore of its own."),
            N_("depends on the plugin"),
            _DOCS + "concepts/extend-kubernetes/compute-storage-net/network-plugins/",
        ),
        Component(
            "kubectl",
            Role.CLIENT,
            N_("Outside the cluster: wherever an operator has a kubeconfig (a laptop, a "
               "bastion, CI). Nodes do not need it."),
            N_("The command-line client: it sends HTTPS requests to the Kubernetes API with the "
               "address and credentials of a kubeconfig file."),
            N_("kube-apiserver, through the load balancer."),
            N_("none (connects to 6443)"),
            _DOCS + "reference/kubectl/",
        ),
        Component(
            "load-balancer",
            Role.INFRA,
            N_("In front of the control plane: dedicated hosts, static Pods on the "
               "control-plane nodes, or a cloud service."),
            N_("Not part of Kubernetes, and kubeadm does not provide one: it gives clients and "
               "nodes one stable address for all API servers (kubeadm's controlPlaneEndpoint) "
               "and stops sending traffic to an API server that fails its health check. It must "
               "be redundant itself (two HAProxy behind a keepalived virtual IP, kube-vip or a "
               "cloud load balancer). keepalived alone only moves a virtual IP between hosts; "
               "it does not balance."),
            N_("Every kube-apiserver (6443). Clients, and nodes that use the cluster endpoint, "
               "reach the API through it; Pods use the kubernetes Service instead."),
            "6443/TCP",
            _DOCS + "setup/production-environment/tools/kubeadm/high-availability/",
        ),
        *(Component(name, Role(role), where, what, talks, port, url)
          for name, role, where, what, talks, port, url in addons.ENTRIES),
    )
}

@dataclass(frozen=True)
class Talk:
    """A conversation the diagram can draw: ``source`` starts it and ``target`` answers.
    The graph draws it with ``port``; the reference table lists it with its route and
    source."""

    source: str
    target: str
    port: str
    protocol: str
    route: str
    url: str


_HA = _DOCS + "setup/production-environment/tools/kubeadm/high-availability/"
_TOPOLOGY = _DOCS + "setup/production-environment/tools/kubeadm/ha-topology/"
_NODES = _DOCS + "concepts/architecture/control-plane-node-communication/"
_PORTS = _DOCS + "reference/networking/ports-and-protocols/"

#: Every conversation the diagram can draw, in the order the reference table lists them.
TALKS: tuple[Talk, ...] = (
    Talk("kubectl", "load-balancer", "6443", "HTTPS",
         N_("to the cluster endpoint: the load balancer, or an API server when there is "
            "none"), _HA),
    Talk("load-balancer", "kube-apiserver", "6443", "TCP",
         N_("to every API server that passes the health check"), _HA),
    Talk("kube-apiserver", "etcd", "2379", "gRPC, TLS",
         N_("stacked: to the member on the same node; external: to every member"), _TOPOLOGY),
    Talk("etcd", "etcd", "2380", "Raft, TLS",
         N_("between every two members (peer traffic)"), _PORTS),
    Talk("kube-scheduler", "kube-apiserver", "6443", "HTTPS",
         N_("to the API server on the same node"), _TOPOLOGY),
    Talk("kube-controller-manager", "kube-apiserver", "6443", "HTTPS",
         N_("to the API server on the same node"), _TOPOLOGY),
    Talk("cloud-controller-manager", "kube-apiserver", "6443", "HTTPS",
         N_("to the API server on the same node"), _TOPOLOGY),
    Talk("kubelet", "kube-apiserver", "6443", "HTTPS",
         N_("workers: through the cluster endpoint; control-plane nodes: the local API "
            "server from kubeadm 1.33 (ControlPlaneKubeletLocalMode), the endpoint before; "
            "k3s: the local server on servers, a k3s server on agents"),
         "https://github.com/kubernetes/enhancements/issues/4471"),
    Talk("kube-proxy", "kube-apiserver", "6443", "HTTPS",
         N_("through the cluster endpoint (k3s: as the kubelet)"), _NODES),
    Talk("coredns", "kube-apiserver", "443", "HTTPS",
         N_("through the kubernetes Service (ClusterIP), which sends it to an API server; "
            "not through the load balancer"), _NODES),
    Talk("cni", "kube-apiserver", "443", "HTTPS",
         N_("the agent, through the kubernetes Service (ClusterIP); not through the load "
            "balancer"), _NODES),
)


TALKS += tuple(Talk(*entry) for entry in addons.TALKS)


def has_talk(source: str, target: str) -> bool:
    return any((t.source, t.target) == (source, target) for t in TALKS)


def talk(source: str, target: str) -> Talk:
    """The conversation ``source`` → ``target`` of :data:`TALKS`."""
    for entry in TALKS:
        if (entry.source, entry.target) == (source, target):
            return entry
    raise KeyError(f"no conversation {source} -> {target}")


#: Names people write, mapped to the canonical component id (keys are normalised).
ALIASES: dict[str, str] = {
    "apiserver": "kube-apiserver",
    "api-server": "kube-apiserver",
    "api": "kube-apiserver",
    "kubeapiserver": "kube-apiserver",
    "db-etcd": "etcd",
    "etcd-db": "etcd",
    "etcd-server": "etcd",
    "scheduler": "kube-scheduler",
    "sched": "kube-scheduler",
    "controller-manager": "kube-controller-manager",
    "kcm": "kube-controller-manager",
    "c-m": "kube-controller-manager",
    "ccm": "cloud-controller-manager",
    "c-c-m": "cloud-controller-manager",
    "proxy": "kube-proxy",
    "k-proxy": "kube-proxy",
    "runtime": "container-runtime",
    "cri": "container-runtime",
    "containerd": "container-runtime",
    "cri-o": "container-runtime",
    "crio": "container-runtime",
    "dns": "coredns",
    "kube-dns": "coredns",
    "cni-plugin": "cni",
    "network-plugin": "cni",
    "calico": "cni",
    "cilium": "cni",
    "flannel": "cni",
    "kindnet": "cni",
    "kindnetd": "cni",
    "weave": "cni",
    "weave-net": "cni",
    "antrea": "cni",
    "lb": "load-balancer",
    **addons.ALIASES,
}
#: Names that stand for several components at once (``csi-driver``: both CSI plugins).
BUNDLES = addons.BUNDLES

ORDER = {name: i for i, name in enumerate(CATALOG)}


def normalize(name: str) -> str:
    """The form names and aliases are looked up in: case, ``_`` and spaces do not count."""
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def resolve(name: str) -> str | None:
    """Return the canonical id for a name or alias, or None if it is unknown."""
    key = normalize(name)
    if key in CATALOG:
        return key
    return ALIASES.get(key)


#: How alike a misspelt name and a known one must be for a hint: only near misses
#: (``kube-schedular``), never a different component that shares a word.
SUGGEST_CUTOFF = 0.8


def suggest(name: str) -> str | None:
    """The closest known component name, for "did you mean" hints."""
    key = normalize(name)
    candidates = sorted(set(CATALOG) | set(ALIASES))
    match = difflib.get_close_matches(key, candidates, n=1, cutoff=SUGGEST_CUTOFF)
    if not match:
        return None
    return resolve(match[0])
