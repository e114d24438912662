"""Cluster-wide facts of a saved ``kubectl get nodes`` list, each drawn once although every
node states its own: the container runtime, the Kubernetes release (and k3s), and the load
balancer, which no Node or Pod names."""

from __future__ import annotations

from collections import Counter

from ..vocabulary import parse_version
from ..yamlspec import Loaded
from .common import ImportState, Result
from .kubectl_nodes import Node

#: ``containerRuntimeVersion`` schemes (``containerd://1.7.13``) and the runtime drawn.
RUNTIMES = {"containerd": "containerd", "cri-o": "cri-o"}
#: The load balancer's label when several API servers stand behind an endpoint that the
#: objects do not name.
ENDPOINT = "control plane endpoint"


def runtime(state: ImportState, doc: Loaded, nodes: list[Node], result: Result) -> None:
    """The runtime most nodes run: the spec draws one for every node."""
    runtimes: Counter[str] = Counter()
    first: dict[str, Node] = {}
    for node in nodes:
        scheme = node.runtime.partition("://")[0].lower()
        if scheme:
            runtimes[scheme] += 1
            first.setdefault(scheme, node)
    if not runtimes:
        return
    drawable = [r for r, _n in runtimes.most_common() if r in RUNTIMES]
    chosen = drawable[0] if drawable else "containerd"
    for scheme, node in first.items():
        if scheme not in RUNTIMES:
            state.field(doc.line(node.info_path("containerRuntimeVersion")),
                        f"node {node.name} runs the container runtime {scheme}, which the "
                        f"diagram does not draw (it draws {' and '.join(RUNTIMES)}); "
                        f"{chosen} is drawn")
    if len(drawable) > 1:
        counts = ", ".join(f"{r} on {runtimes[r]}" for r in drawable)
        state.field(doc.line(first[drawable[1]].info_path("containerRuntimeVersion")),
                    f"the nodes run different container runtimes ({counts}); the figure "
                    f"draws one, {chosen}")
    source = first.get(chosen, nodes[0])
    result.put("runtime", chosen, doc.line(source.info_path("containerRuntimeVersion")))


def version(state: ImportState, doc: Loaded, sources: list[Node], nodes: list[Node],
            result: Result) -> bool:
    """The oldest kubelet release of ``sources`` (the control plane): what the figure
    draws. Returns whether the cluster is k3s (``v1.30.4+k3s1``)."""
    known = sorted(((parsed, node) for node in sources
                    if (parsed := parse_version(node.kubelet)) is not None),
                   key=lambda pair: (pair[0], pair[1].name))
    if not known:
        return False
    (major, minor), node = known[0]
    line = doc.line(node.info_path("kubeletVersion"))
    result.put("kubernetes-version", f"{major}.{minor}", line)
    k3s = "+k3s" in node.kubelet
    if k3s:
        result.put("distribution", "k3s", line)
    elif "+rke2" in node.kubelet:
        state.field(line, f"RKE2 ({node.kubelet}) is drawn as a kubeadm cluster: the "
                    "agents' own load balancer in front of the servers is not shown")
    releases = sorted({v for v in (parse_version(n.kubelet) for n in nodes) if v})
    if len(releases) > 1:
        shown = " and ".join(f"{a}.{b}" for a, b in releases)
        state.field(line, f"the kubelets run {shown} (an upgrade in progress?); the figure "
                    f"follows the oldest of the control plane, {major}.{minor}")
    return k3s


def load_balancer(state: ImportState, control_plane: int, result: Result) -> None:
    """The option's load balancer; else, in front of several API servers, an endpoint that
    the objects do not name, with one warning."""
    line = result.lines[("control-plane",)]
    if state.load_balancer is not None:
        result.put("load-balancer", state.load_balancer, line)
    elif control_plane > 1:
        result.put("load-balancer", ENDPOINT, line)
        state.field(line, f"what stands in front of the {control_plane} API servers is not "
                    "in these objects (its address is in the kubeconfig, and kubeadm keeps it "
                    f"in a ConfigMap), so it is drawn as {ENDPOINT!r}; name it with the "
                    ":load-balancer: option (k8sarch: --load-balancer), such as haproxy, "
                    "cloud or its address")
    else:
        result.put("load-balancer", "none", line)
