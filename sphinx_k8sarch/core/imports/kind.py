"""kind ``Cluster`` files (``kind.x-k8s.io/v1alpha4``, and the old
``kind.sigs.k8s.io/v1alpha3``); see docs/guide/formats/kind.md for what is honoured, ignored
and warned."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Subtype, closest, describe_value, did_you_mean
from ..yamlspec import Loaded, Path, load
from .common import ImportedPool, ImportState, Result, lookup, pool_name

API_VERSIONS = {
    "kind.x-k8s.io/v1alpha4": "",
    "kind.sigs.k8s.io/v1alpha3": "kind 0.9 and later refuse it",
}
KINDS = ("Cluster",)
STRICT_KINDS = True
STREAM = False
READS_COUNTS = False
COMPANIONS: tuple[str, ...] = ()
SUPPORTED = "kind.x-k8s.io/v1alpha4 (or the old kind.sigs.k8s.io/v1alpha3) Cluster"
#: The label of the load balancer container kind starts in front of several API servers.
LB = "kind"

TOP = ("apiVersion", "kind", "name", "nodes", "networking", "featureGates",
       "runtimeConfig", "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902",
       "containerdConfigPatches", "containerdConfigPatchesJSON6902")
NODE = ("role", "image", "labels", "extraMounts", "extraPortMappings", "gpus",
        "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902")
NETWORKING = ("ipFamily", "apiServerPort", "apiServerAddress", "podSubnet",
              "serviceSubnet", "disableDefaultCNI", "kubeProxyMode", "dnsSearch")
#: What v1alpha3 knew: no name, labels, feature gates, containerd patches or kube-proxy
#: mode, and its JSON patches are spelt ``kubeadmConfigPatchesJson6902``.
TOP_V1ALPHA3 = ("apiVersion", "kind", "nodes", "networking", "kubeadmConfigPatches",
                "kubeadmConfigPatchesJson6902", "network")
NODE_V1ALPHA3 = ("role", "image", "extraMounts", "extraPortMappings",
                 "kubeadmConfigPatches", "kubeadmConfigPatchesJson6902")
NETWORKING_V1ALPHA3 = ("ipFamily", "apiServerPort", "apiServerAddress", "podSubnet",
                       "serviceSubnet", "disableDefaultCNI")
ROLES = ("control-plane", "worker")
PROXY_MODES = ("iptables", "ipvs", "nftables", "none")


def convert(state: ImportState, counts: Mapping[str, int]) -> Loaded:
    return _Kind(state).convert()


class _Kind:
    """One kind Cluster document → spec data."""

    def __init__(self, state: ImportState) -> None:
        self.state = state
        self.doc = state.single("kind")
        old = str(self.doc.data.get("apiVersion", "")).strip().endswith("/v1alpha3")
        self.top: tuple[str, ...] = TOP_V1ALPHA3 if old else TOP
        self.node: tuple[str, ...] = NODE_V1ALPHA3 if old else NODE
        self.networking: tuple[str, ...] = NETWORKING_V1ALPHA3 if old else NETWORKING

    def convert(self) -> Loaded:
        state, doc = self.state, self.doc
        data: dict[Any, Any] = doc.data
        result = Result(doc)
        state.unknown(doc, data, (), self.top, "kind Cluster")
        result.title(doc, ("name",))

        control_plane, workers = self._nodes(data, result)
        networking = state.mapping(doc, ("networking",), "networking")
        state.unknown(doc, networking, ("networking",), self.networking, "kind networking")
        drop: set[str] = set()
        mode = networking.get("kubeProxyMode")
        if mode is not None:
            line = doc.line(("networking", "kubeProxyMode"))
            if mode == "none":
                drop.add("kube-proxy")
            elif mode not in PROXY_MODES:
                state.error(line, Subtype.VALUE,
                            f"kubeProxyMode {mode!r} is not one kind knows "
                            f"({', '.join(PROXY_MODES)})"
                            + did_you_mean(closest(mode, PROXY_MODES)))
        for path in _patch_paths(data, ()):
            _check_kubeadm_patch(state, doc, path)

        nodes_line = doc.line(("nodes",))
        result.put("etcd", "stacked", result.lines.get(("control-plane",), nodes_line))
        result.put("load-balancer", LB if control_plane > 1 else "none", nodes_line)
        result.lines[("addons",)] = doc.line(("networking",))
        return result.finish(control_plane, workers, drop)

    def _nodes(self, data: dict[Any, Any], result: Result
               ) -> tuple[int, int | list[ImportedPool]]:
        """The control-plane count and the workers: a count, or pools when workers carry
        different ``labels`` (each distinct set of labels a pool, named after its first
        label's value)."""
        state, doc = self.state, self.doc
        nodes = data.get("nodes")
        if nodes is None or nodes == []:
            # kind's default: a single control-plane node.
            result.lines[("control-plane",)] = doc.line(("nodes",))
            result.lines[("workers",)] = doc.line(("nodes",))
            return 1, 0
        if not isinstance(nodes, list):
            state.error(doc.line(("nodes",)), Subtype.TYPE,
                        f"nodes must be a list of nodes, not {describe_value(nodes)}")
            return 1, 0
        found = {"control-plane": 0, "worker": 0}
        groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
        for index, node in enumerate(nodes):
            path: Path = ("nodes", index)
            if not isinstance(node, dict):
                state.error(doc.line(path), Subtype.TYPE,
                            f"a kind node must be a mapping such as {{role: worker}}, not "
                            f"{describe_value(node)}")
                continue
            state.unknown(doc, node, path, self.node, "kind node")
            # An empty role (``role:``) decodes to "" in kind, which defaults it too.
            role = node.get("role") or "control-plane"
            role_line = doc.line((*path, "role"))
            if role not in ROLES:
                state.error(role_line, Subtype.VALUE,
                            f"unknown kind node role {role!r}; kind knows "
                            f"{' and '.join(ROLES)}"
                            + did_you_mean(closest(role, ROLES)))
                continue
            key = "control-plane" if role == "control-plane" else "workers"
            result.lines.setdefault((key,), role_line)
            found[role] += 1
            if role == "worker":
                labels = node.get("labels")
                key_labels = tuple(sorted((str(k), str(v)) for k, v in labels.items())
                                   ) if isinstance(labels, dict) else ()
                groups.setdefault(key_labels, []).append(index)
            for patch in _patch_paths(node, path):
                _check_kubeadm_patch(state, doc, patch)
        result.lines.setdefault(("workers",), doc.line(("nodes",)))
        if not found["control-plane"] and not state.failed:
            state.error(doc.line(("nodes",)), Subtype.VALUE,
                        "a kind cluster needs at least one control-plane node")
        if len(groups) < 2:
            return found["control-plane"], found["worker"]
        pools: list[ImportedPool] = []
        for labels, indexes in groups.items():
            text = labels[0][1] if labels else "worker"
            name = pool_name(text, {p.name for p in pools})
            pools.append(ImportedPool(name, len(indexes), doc.line(("nodes", indexes[0]))))
        return found["control-plane"], pools


def _patch_paths(mapping: dict[Any, Any], path: Path) -> list[Path]:
    patches = mapping.get("kubeadmConfigPatches")
    if not isinstance(patches, list):
        return []
    return [(*path, "kubeadmConfigPatches", i) for i in range(len(patches))]


def _check_kubeadm_patch(state: ImportState, doc: Loaded, path: Path) -> None:
    """Warn when a kind kubeadmConfigPatches entry changes the architecture."""
    value = lookup(doc.data, path)
    if not isinstance(value, str):
        return
    patch, _ = load(value)
    if patch is None or not isinstance(patch.data, dict):
        return
    data = patch.data
    changes: list[str] = []
    etcd = data.get("etcd")
    if isinstance(etcd, dict) and "external" in etcd:
        changes.append("etcd to an external cluster")
    for key, name in (("dns", "CoreDNS"), ("proxy", "kube-proxy")):
        addon = data.get(key)
        if isinstance(addon, dict) and addon.get("disabled") is True:
            changes.append(f"the {name} add-on (disabled)")
    phases = data.get("skipPhases")
    if isinstance(phases, list):
        changes.extend(f"the skipped phase {phase}" for phase in phases
                       if isinstance(phase, str) and phase.startswith(("addon", "etcd",
                                                                       "control-plane")))
    if changes:
        state.field(doc.line(path),
                   f"this kubeadm patch changes {', '.join(changes)}, which the diagram "
                   "does not follow")
