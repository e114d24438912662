"""What ``kubectl get nodes,pods -A -o json`` (or ``-o yaml``) saved: a ``v1`` ``List`` of
Nodes and Pods, the cluster as it runs; see docs/guide/formats/kubectl.md for what is read
and what is never shown.

From the Nodes: control plane or worker (role labels), the real names, zones, worker pools
(the node-group labels of the cloud providers), container runtime and kubelet version, and
readiness (a node that is not Ready is drawn down). From the Pods (:mod:`.kubectl_pods`):
etcd's topology, the control-plane components, kube-proxy, CoreDNS and the network plugin.
Only the fields named here are read: addresses, provider IDs, annotations, images, taints
and other labels never reach the spec, so they cannot reach a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Subtype, describe_value
from ..vocabulary import ZONE_NAME
from ..yamlspec import Loaded, Path
from .common import ImportedPool, ImportState, Result, pool_name
from .kubectl_facts import load_balancer, runtime, version
from .kubectl_nodes import POOL_LABELS, ZONE_LABELS, Node, natural, read_node
from .kubectl_pods import PartsReader, read_pods

API_VERSIONS = {"v1": ""}
KINDS = ("List",)
STRICT_KINDS = True
STREAM = False
READS_COUNTS = False
COMPANIONS: tuple[str, ...] = ()
SUPPORTED = "a v1 List of Nodes and Pods saved by kubectl get nodes,pods -A -o json"


def convert(state: ImportState, counts: Mapping[str, int]) -> Loaded:
    return _Kubectl(state).convert()


class Deferred(Loaded):
    """Spec data whose per-machine lines (names, zones) are looked up in the file only when
    a diagnostic asks for them: a 500-node file need not be walked to be drawn."""

    def __init__(self, loaded: Loaded, source: Loaded, deferred: dict[Path, Path]) -> None:
        super().__init__(loaded.data, loaded.lines, loaded.assumed)
        self.source, self.deferred = source, deferred

    def line(self, path: Path) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            if path in self.deferred:
                self.lines[path] = self.source.line(self.deferred[path])
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Kubectl:
    def __init__(self, state: ImportState) -> None:
        self.state = state
        self.doc = state.single("kubectl")
        self.deferred: dict[Path, Path] = {}

    def convert(self) -> Loaded:
        state, doc = self.state, self.doc
        result = Result(doc)
        items_line = doc.line(("items",))
        items = doc.data.get("items")
        if not isinstance(items, list):
            state.error(items_line, Subtype.TYPE, "items must be the list of Nodes and Pods "
                        f"that kubectl saved, not {describe_value(items)}")
            return result.finish(1, 0, set())
        nodes, pods = self._items(items)
        if not nodes:
            if not state.failed:
                kinds = sorted({str(i.get("kind")) for i in items if isinstance(i, dict)})
                held = f" (it holds {', '.join(kinds)})" if kinds else " (it is empty)"
                state.error(items_line, Subtype.IMPORT,
                            f"this List holds no Node{held}: save the nodes with "
                            "kubectl get nodes,pods -A -o json")
            return result.finish(1, 0, set())
        facts = read_pods(items, pods)
        apiservers = {name for name, found in facts.static.items() if "kube-apiserver" in found}
        ordered = sorted(nodes, key=lambda n: natural(n.name))
        control_plane = [n for n in ordered if n.control_plane or n.name in apiservers]
        workers = [n for n in ordered if not (n.control_plane or n.name in apiservers)]
        for node in control_plane:
            if not node.control_plane:
                state.field(doc.line(node.name_path),
                            f"node {node.name} has no control-plane role label but runs "
                            "kube-apiserver; it is drawn as a control-plane node")
        machines = self._control_plane(control_plane, result)
        pools = self._workers(workers, result)
        machines += [(f"{pool.name if pool else 'worker'}-{i}", node)
                     for pool, members in pools for i, node in enumerate(members, 1)]
        runtime(state, doc, nodes, result)
        k3s = version(state, doc, control_plane or workers, nodes, result)
        load_balancer(state, len(control_plane), result)
        parts = PartsReader(state, doc, facts, control_plane, k3s, result).read()
        etcd = result.data.get("etcd")
        members = etcd.get("members", 0) if isinstance(etcd, dict) else 0
        self._names(machines, {f"etcd-{i}" for i in range(1, members + 1)}, result)
        self._zones(machines, result)
        self._failures(machines, result)
        loaded = result.finish(max(len(control_plane), 1), _counts(pools), parts.drop)
        parts.finish(loaded)
        return Deferred(loaded, doc, self.deferred)

    # -- items ----------------------------------------------------------------------------
    def _items(self, items: list[Any]) -> tuple[list[Node], list[int]]:
        """The Nodes, and the indexes of the Pods; other kinds are not read."""
        state, doc = self.state, self.doc
        nodes: list[Node] = []
        pods: list[int] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            path: Path = ("items", index)
            if not isinstance(item, dict):
                state.error(doc.line(path), Subtype.TYPE, f"each item must be a Kubernetes "
                            f"object such as a Node, not {describe_value(item)}")
                continue
            if item.get("kind") == "Pod":
                pods.append(index)
            elif item.get("kind") == "Node":
                node = read_node(item, path)
                if isinstance(node, str):
                    state.error(doc.line((*path, "metadata", "name")), Subtype.VALUE, node)
                elif node.name in seen:
                    state.error(doc.line(node.name_path), Subtype.VALUE,
                                f"node {node.name} is listed twice")
                else:
                    seen.add(node.name)
                    nodes.append(node)
        return nodes, pods

    # -- machines -------------------------------------------------------------------------
    def _control_plane(self, nodes: list[Node], result: Result) -> list[tuple[str, Node]]:
        if nodes:
            result.lines[("control-plane",)] = self.doc.line(nodes[0].name_path)
            return [(f"cp-{i}", node) for i, node in enumerate(nodes, 1)]
        line = self.doc.line(("items",))
        result.lines[("control-plane",)] = line
        result.assumed.add("control-plane")
        self.state.field(line, "no node is a control-plane node (no node-role.kubernetes.io/"
                         "control-plane label, no kube-apiserver Pod): a managed service such "
                         "as EKS, GKE or AKS runs the control plane out of sight; one "
                         "control-plane node is drawn for it")
        return []

    def _workers(self, nodes: list[Node], result: Result
                 ) -> list[tuple[ImportedPool | None, list[Node]]]:
        """One pool, or a pool per value of a node-group label when workers carry several
        (workers without one make a pool named worker)."""
        doc = self.doc
        result.lines[("workers",)] = (doc.line(nodes[0].name_path) if nodes
                                      else doc.line(("items",)))
        groups: dict[str, list[Node]] = {}
        for node in nodes:
            found = node.label(POOL_LABELS)
            groups.setdefault(found[0] if found else "", []).append(node)
        if len(groups) < 2:
            return [(None, nodes)] if nodes else []
        pools: list[tuple[ImportedPool | None, list[Node]]] = []
        taken: set[str] = set()
        for value in sorted(groups, key=lambda v: (v == "", natural(v.lower()))):
            members = groups[value]
            name = pool_name(value or "worker", taken)
            taken.add(name)
            pools.append((ImportedPool(name, len(members), doc.line(members[0].name_path)),
                          members))
        return pools

    def _names(self, machines: list[tuple[str, Node]], others: set[str],
               result: Result) -> None:
        """``names``: each machine as drawn → its node's name (the same name is left out;
        ``others`` are machines that are no node, such as external etcd hosts)."""
        drawn = {machine for machine, _node in machines} | others
        names: dict[str, str] = {}
        for machine, node in machines:
            if node.name == machine:
                continue
            if node.name in drawn:
                # cp-2 named "cp-3": the figure keeps its own names for these machines.
                self.state.field(self.doc.line(node.name_path),
                                 f"node {node.name} is drawn as {machine}: its name is "
                                 "that of another machine in the figure")
                continue
            names[machine] = node.name
            self.deferred[("names", machine)] = node.name_path
        if names:
            first = self.deferred[("names", next(iter(names)))]
            result.put("names", names, self.doc.line(first))

    def _zones(self, machines: list[tuple[str, Node]], result: Result) -> None:
        zones: dict[str, list[str]] = {}
        paths: dict[str, Path] = {}
        unzoned = []
        for machine, node in machines:
            found = node.label(ZONE_LABELS)
            if found is None or not ZONE_NAME.fullmatch(found[0]):
                # No zone label, or an empty or malformed one.
                unzoned.append(node.name)
                continue
            zone, path = found
            self.deferred[("zones", zone, len(zones.get(zone, [])))] = path
            zones.setdefault(zone, []).append(machine)
            paths.setdefault(zone, path)
        if not zones:
            return
        ordered = sorted(zones, key=natural)
        for zone in ordered:
            self.deferred[("zones", zone)] = paths[zone]
        result.put("zones", {zone: zones[zone] for zone in ordered},
                   self.doc.line(paths[ordered[0]]))
        if unzoned:
            self.state.field(self.doc.line(("items",)),
                             f"{_count(len(unzoned), 'node')} ({_some(unzoned)}) "
                             f"{'carries' if len(unzoned) == 1 else 'carry'} no zone name in "
                             f"the {ZONE_LABELS[0]} label and "
                             f"{'is' if len(unzoned) == 1 else 'are'} drawn outside every "
                             "zone")

    def _failures(self, machines: list[tuple[str, Node]], result: Result) -> None:
        """A node whose Ready condition is not True is down; one without conditions (a file
        trimmed by hand) is drawn up, with a warning."""
        down = [(machine, node) for machine, node in machines
                if node.ready not in ("True", "")]
        unknown = [node.name for _machine, node in machines if node.ready == ""]
        if unknown:
            self.state.field(self.doc.line(("items",)),
                             f"{_count(len(unknown), 'node')} ({_some(unknown)}) "
                             f"{'has' if len(unknown) == 1 else 'have'} no Ready condition "
                             "(status.conditions) and "
                             f"{'is' if len(unknown) == 1 else 'are'} drawn up")
        if not down:
            return
        for index, (_machine, node) in enumerate(down):
            self.deferred[("failures", index)] = node.ready_path
        result.put("failures", [machine for machine, _node in down],
                   self.doc.line(down[0][1].ready_path))


def _counts(pools: list[tuple[ImportedPool | None, list[Node]]]
            ) -> int | list[ImportedPool]:
    named = [pool for pool, _members in pools if pool is not None]
    return named if named else sum(len(members) for _pool, members in pools)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _some(names: list[str], shown: int = 3) -> str:
    """The first few names, for a message about many nodes."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")

