"""What the Pods of a saved ``kubectl get nodes,pods -A`` say about the architecture: the
control-plane static Pods on each node (``etcd-<node>``, ``kube-apiserver-<node>``, …),
external etcd (the members in kube-apiserver's ``--etcd-servers``), kube-proxy, the
cluster DNS and the network plugin by its well-known DaemonSet.

Only names, namespaces, owners, the node a Pod runs on and kube-apiserver's
``--etcd-servers`` are read; the URLs themselves are counted, never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..yamlspec import Loaded, Path
from .common import ImportState, Result, lookup
from .kubectl_nodes import ETCD_LABEL, Node

SYSTEM = "kube-system"
#: Static Pods named ``<component>-<node>`` by the kubelet, in the catalog's names.
STATIC = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd")
#: The DaemonSet of each well-known network plugin (any namespace: Calico's operator
#: uses calico-system, Flannel kube-flannel) → the name the spec and figure use.
CNI_DAEMONSETS = {"calico-node": "calico", "cilium": "cilium", "kube-flannel-ds": "flannel",
                  "kindnet": "kindnet", "weave-net": "weave", "antrea-agent": "antrea"}
FLANNEL_PER_ARCH = "kube-flannel-ds"
PROXY = "kube-proxy"
#: CoreDNS's Deployment (GKE still runs the older kube-dns in its place).
DNS = ("coredns", "kube-dns")
ETCD_FLAG = "--etcd-servers="
LOOPBACK = ("127.", "localhost", "[::1]")


@dataclass
class PodFacts:
    """What the Pods showed; paths are those of the file, for lines asked later."""

    total: int = 0
    system: int = 0
    #: Node name → the control-plane components whose static Pods run there, each with
    #: the path of its Pod.
    static: dict[str, dict[str, Path]] = field(default_factory=dict)
    #: (etcd URL count, all on loopback, path of the flag) of each kube-apiserver Pod.
    etcd_servers: list[tuple[int, bool, Path]] = field(default_factory=list)
    proxy: Path | None = None
    dns: Path | None = None
    #: Network plugin → the paths of its Pods, in the file's order.
    cni: dict[str, list[Path]] = field(default_factory=dict)

    def first(self, component: str) -> Path | None:
        """The path of the first static Pod of ``component`` on any node."""
        return next((found[component] for found in self.static.values()
                     if component in found), None)


def read_pods(items: list[Any], indexes: list[int]) -> PodFacts:
    facts = PodFacts()
    for index in indexes:
        item = items[index]
        path: Path = ("items", index)
        facts.total += 1
        name = _text(lookup(item, ("metadata", "name")))
        namespace = _text(lookup(item, ("metadata", "namespace")))
        node = _text(lookup(item, ("spec", "nodeName")))
        owner = _owner(item)
        if namespace == SYSTEM:
            facts.system += 1
            component = _static(name, node, owner)
            if component is not None:
                facts.static.setdefault(node, {}).setdefault(component, path)
                if component == "kube-apiserver":
                    servers = _etcd_servers(item, path)
                    if servers is not None:
                        facts.etcd_servers.append(servers)
                continue
            base = owner[1] if owner else name
            if facts.proxy is None and (owner == ("DaemonSet", PROXY)
                                        or base.startswith(PROXY + "-")):
                facts.proxy = path
            elif facts.dns is None and any(base.startswith(d + "-") for d in DNS):
                facts.dns = path
        plugin = _cni(name, owner)
        if plugin is not None:
            facts.cni.setdefault(plugin, []).append(path)
    return facts


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _owner(item: Any) -> tuple[str, str] | None:
    """(kind, name) of the Pod's controller: a Node for a static Pod, a DaemonSet, …"""
    owners = lookup(item, ("metadata", "ownerReferences"))
    for owner in owners if isinstance(owners, list) else []:
        if isinstance(owner, dict):
            return _text(owner.get("kind")), _text(owner.get("name"))
    return None


def _static(name: str, node: str, owner: tuple[str, str] | None) -> str | None:
    """The control-plane component of a static Pod ``<component>-<node>``."""
    if not node or owner not in (None, ("Node", node)):
        return None
    return next((c for c in STATIC if name == f"{c}-{node}"), None)


def _cni(name: str, owner: tuple[str, str] | None) -> str | None:
    if owner is not None and owner[0] == "DaemonSet":
        daemonset = owner[1]
    else:
        # No owner (a file edited by hand): the Pod name less its random suffix.
        daemonset = name.rpartition("-")[0]
    if daemonset.startswith(FLANNEL_PER_ARCH):
        # Flannel once had one DaemonSet per architecture (kube-flannel-ds-amd64).
        daemonset = FLANNEL_PER_ARCH
    return CNI_DAEMONSETS.get(daemonset)


def _etcd_servers(item: Any, path: Path) -> tuple[int, bool, Path] | None:
    containers = lookup(item, ("spec", "containers"))
    for c_index, container in enumerate(containers if isinstance(containers, list) else []):
        if not isinstance(container, dict):
            continue
        for key in ("command", "args"):
            words = container.get(key)
            for w_index, word in enumerate(words if isinstance(words, list) else []):
                if isinstance(word, str) and word.startswith(ETCD_FLAG):
                    urls = {u.strip() for u in word[len(ETCD_FLAG):].split(",") if u.strip()}
                    loopback = all(u.partition("://")[2].startswith(LOOPBACK) for u in urls)
                    return (len(urls), loopback,
                            (*path, "spec", "containers", c_index, key, w_index))
    return None


@dataclass
class Parts:
    """What the spec takes from the Pods (and, for k3s, from the etcd role label)."""

    #: Components left out of every node (kube-proxy replaced, no CoreDNS, …).
    drop: set[str] = field(default_factory=set)
    #: The network plugin's name, "" for a CNI plugin the Pods do not name.
    cni: str = ""

    def finish(self, loaded: Loaded) -> None:
        """Name the network plugin in the add-ons (``addons: [coredns, calico]``)."""
        addons = loaded.data.get("addons")
        if self.cni and isinstance(addons, list):
            loaded.data["addons"] = [self.cni if a == "cni" else a for a in addons]


class PartsReader:
    """The Pods' facts → etcd, components and add-ons of the spec, with one warning for
    what the file cannot tell."""

    def __init__(self, state: ImportState, doc: Loaded, facts: PodFacts,
                 control_plane: list[Node], k3s: bool, result: Result) -> None:
        self.state, self.doc, self.facts = state, doc, facts
        self.control_plane, self.k3s, self.result = control_plane, k3s, result
        self.parts = Parts()
        self.unknown: list[str] = []

    def read(self) -> Parts:
        facts, result = self.facts, self.result
        items_line = self.doc.line(("items",))
        result.put("etcd", "stacked", items_line)
        seen = facts.system > 0
        if self.k3s:
            self._k3s_etcd()
        elif seen and facts.static:
            self._etcd()
            self._control_plane()
        elif seen and self.control_plane:
            self.state.field(items_line, "no control-plane static Pod (kube-apiserver-<node>, "
                             "etcd-<node>) runs in kube-system, so the control plane runs "
                             "outside Pods and etcd's topology is not known: stacked etcd "
                             "is drawn")
        elif not seen:
            self.unknown += ["etcd's topology", "the control-plane components"]
        if seen:
            if facts.proxy is None and not self.k3s:  # k3s runs kube-proxy in its process
                self.parts.drop.add("kube-proxy")
            if facts.dns is None:
                self.parts.drop.add("coredns")
            result.lines[("addons",)] = self._line(facts.dns) if facts.dns else items_line
        else:
            self.unknown += ([] if self.k3s else ["kube-proxy"]) + ["CoreDNS"]
        self._cni(seen)
        if self.unknown:
            where = ("no Pods" if facts.total == 0 else
                     "no Pods of kube-system (was it saved without -A?)")
            self.state.field(items_line, f"this file holds {where}, so it cannot tell "
                             f"{_listed(self.unknown)}: they are drawn as "
                             f"{'k3s' if self.k3s else 'kubeadm'} sets them up; save the "
                             "Pods too with kubectl get nodes,pods -A -o json")
        return self.parts

    def _line(self, path: Path) -> int:
        return self.doc.line(path)

    def _etcd(self) -> None:
        facts, result = self.facts, self.result
        first = facts.first("etcd")
        if first is not None:
            result.put("etcd", "stacked", self._line(first))
            return
        if not facts.etcd_servers:
            return
        count, loopback, path = facts.etcd_servers[0]
        line = self._line(path)
        if loopback:  # etcd beside each API server, run outside Pods
            result.put("etcd", "stacked", line)
            return
        result.put("etcd", {"topology": "external", "members": count}, line)
        result.lines[("etcd", "members")] = line
        others = sorted({c for c, _l, _p in facts.etcd_servers[1:] if c != count})
        if others:
            self.state.field(line, f"the API servers list different numbers of etcd "
                             f"servers ({count}, {', '.join(map(str, others))}); "
                             f"{count} external etcd members are drawn")

    def _control_plane(self) -> None:
        """One component list for every control-plane node: the union of the static Pods
        found on them; a node without one of them, or a component on none, warns."""
        facts = self.facts
        external = isinstance(self.result.data.get("etcd"), dict)
        wanted = [c for c in STATIC if not (external and c == "etcd")]
        union = {c for node in self.control_plane for c in facts.static.get(node.name, {})}
        for node in self.control_plane:
            missing = [c for c in wanted if c in union and c not in facts.static.get(node.name,
                                                                                      {})]
            if missing:
                self.state.field(self.doc.line(node.name_path),
                                 f"control-plane node {node.name} runs no "
                                 f"{_listed(missing, 'or')} Pod, unlike the others; every "
                                 "control-plane node is drawn with the same components")
        for component in wanted:
            if component not in union and component != "etcd":
                self.parts.drop.add(component)
                self.state.field(self.result.lines[("control-plane",)],
                                 f"no {component} Pod runs on any control-plane node; it "
                                 "is left out of the figure")

    def _k3s_etcd(self) -> None:
        """Embedded etcd on the servers that carry k3s's etcd role label; without it, k3s
        keeps the state in SQLite (one server) or an external datastore."""
        labelled = [n for n in self.control_plane if n.label((ETCD_LABEL,))]
        if labelled:
            found = labelled[0].label((ETCD_LABEL,))
            assert found is not None
            self.result.put("etcd", "stacked", self._line(found[1]))
            return
        line = self.result.lines[("control-plane",)]
        single = len(self.control_plane) <= 1
        self.parts.drop.add("etcd")
        self.result.put("datastore", "SQLite" if single else "an SQL database", line)
        self.state.field(line, f"no k3s server carries the {ETCD_LABEL} label, so the "
                         "cluster state is not in embedded etcd: k3s keeps it in "
                         + ("SQLite (its default for one server) or " if single else "")
                         + "an external datastore, which these objects do not name; no "
                         "etcd is drawn")

    def _cni(self, seen: bool) -> None:
        plugins = sorted(self.facts.cni.items(), key=lambda kv: -len(kv[1]))
        if plugins:
            self.parts.cni = plugins[0][0]
            self.result.lines[("addons",)] = self._line(plugins[0][1][0])
            if len(plugins) > 1:
                self.state.field(self._line(plugins[1][1][0]),
                                 f"Pods of several network plugins run "
                                 f"({', '.join(p for p, _paths in plugins)}); the figure "
                                 f"names {plugins[0][0]}, which runs the most")
        else:
            if self.k3s:
                self.parts.cni = "flannel"  # embedded in k3s unless --flannel-backend=none
            if not seen:
                self.unknown.append("the network plugin")


def _listed(words: list[str], last: str = "and") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
