"""One Node of a saved ``kubectl get nodes`` list: the few fields the drawing uses, and
nothing else (addresses, provider IDs, annotations, images, taints and the other labels
are not even copied)."""

from __future__ import annotations

from dataclasses import dataclass
import re
from typing import Any

from ..diagnostics import describe_value
from ..vocabulary import NAME_MAX
from ..yamlspec import Path
from .common import lookup

#: Role labels of a control-plane node: kubeadm's, its older name (k3s sets both, to
#: "true"), and RKE's.
CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane",
                        "node-role.kubernetes.io/master",
                        "node-role.kubernetes.io/controlplane")
#: k3s labels a server that runs an embedded etcd member.
ETCD_LABEL = "node-role.kubernetes.io/etcd"
#: The zone label, and the beta one it replaced.
ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
#: Labels that name a node's group in managed clusters: EKS, GKE, Karpenter, AKS.
POOL_LABELS = ("eks.amazonaws.com/nodegroup", "cloud.google.com/gke-nodepool",
               "karpenter.sh/nodepool", "kubernetes.azure.com/agentpool", "agentpool")
#: The only labels read.
READ_LABELS = (*CONTROL_PLANE_LABELS, ETCD_LABEL, *ZONE_LABELS, *POOL_LABELS)


@dataclass
class Node:
    """What one Node item says, with its path in the file."""

    path: Path
    name: str
    #: The labels of READ_LABELS it carries.
    labels: dict[str, str]
    #: "True", "False", "Unknown", or "" when the Node has no Ready condition.
    ready: str
    ready_path: Path
    runtime: str
    kubelet: str

    @property
    def control_plane(self) -> bool:
        return any(key in self.labels for key in CONTROL_PLANE_LABELS)

    def label(self, keys: tuple[str, ...]) -> tuple[str, Path] | None:
        """The value of the first of ``keys`` the node carries, and its path."""
        for key in keys:
            if key in self.labels:
                return self.labels[key], (*self.path, "metadata", "labels", key)
        return None

    @property
    def name_path(self) -> Path:
        return (*self.path, "metadata", "name")

    def info_path(self, key: str) -> Path:
        return (*self.path, "status", "nodeInfo", key)


def read_node(item: dict[Any, Any], path: Path) -> Node | str:
    """The Node, or why it cannot be drawn (a message for its ``metadata.name`` line)."""
    name = lookup(item, ("metadata", "name"))
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > NAME_MAX or not text.isprintable():
        return (f"a Node needs a name (metadata.name) of 1 to {NAME_MAX} printable "
                f"characters, not {describe_value(name)}")
    raw = lookup(item, ("metadata", "labels"))
    raw = raw if isinstance(raw, dict) else {}
    labels = {key: "" if raw[key] is None else str(raw[key]).strip()
              for key in READ_LABELS if key in raw}
    ready, ready_path = "", (*path, "status")
    conditions = lookup(item, ("status", "conditions"))
    for index, condition in enumerate(conditions if isinstance(conditions, list) else []):
        if isinstance(condition, dict) and condition.get("type") == "Ready":
            ready = str(condition.get("status") or "Unknown")
            ready_path = (*path, "status", "conditions", index, "status")
    info = lookup(item, ("status", "nodeInfo"))
    info = info if isinstance(info, dict) else {}
    return Node(path, text, labels, ready, ready_path,
                str(info.get("containerRuntimeVersion") or "").strip(),
                str(info.get("kubeletVersion") or "").strip())


def natural(name: str) -> list[Any]:
    """Sort key putting node-2 before node-10."""
    # re.split with a group alternates text and digits: odd places hold the numbers.
    return [int(part) if odd % 2 else part
            for odd, part in enumerate(re.split(r"(\d+)", name))]
