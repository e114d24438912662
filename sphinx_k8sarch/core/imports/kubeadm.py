"""kubeadm configuration streams (``kubeadm.k8s.io/v1beta3`` and ``v1beta4``); see
docs/guide/formats/kubeadm.md for what is honoured, ignored and warned."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Subtype, describe_value
from ..vocabulary import LB_LABEL_MAX
from ..yamlspec import Loaded, Path
from .common import ImportState, Result, api_group

GROUP = "kubeadm.k8s.io"
VERSIONS = ("v1beta3", "v1beta4")
KINDS = ("ClusterConfiguration", "InitConfiguration", "JoinConfiguration",
         "ResetConfiguration", "UpgradeConfiguration")
SUPPORTED = ("kubeadm.k8s.io/v1beta3 or v1beta4 ClusterConfiguration and "
             "InitConfiguration")
#: Other documents kubeadm reads in the same stream; none of them changes the drawing.
COMPANIONS = {"kubelet.config.k8s.io": "KubeletConfiguration",
              "kubeproxy.config.k8s.io": "KubeProxyConfiguration"}

CLUSTER_V1BETA3 = ("apiVersion", "kind", "metadata", "etcd", "networking",
                   "kubernetesVersion", "controlPlaneEndpoint", "apiServer",
                   "controllerManager", "scheduler", "dns", "certificatesDir",
                   "imageRepository", "featureGates", "clusterName")
CLUSTER_V1BETA4 = (*CLUSTER_V1BETA3, "proxy", "encryptionAlgorithm",
                   "certificateValidityPeriod", "caCertificateValidityPeriod")
INIT_V1BETA3 = ("apiVersion", "kind", "metadata", "bootstrapTokens", "nodeRegistration",
                "localAPIEndpoint", "certificateKey", "skipPhases", "patches")
INIT_V1BETA4 = (*INIT_V1BETA3, "dryRun", "timeouts")
ETCD_FIELDS = ("local", "external")
#: InitConfiguration phases whose skipping removes add-ons, and the add-ons they remove.
ADDON_PHASES = {"addon": ("coredns", "kube-proxy"), "addon/all": ("coredns", "kube-proxy"),
                "addon/coredns": ("coredns",), "addon/kube-proxy": ("kube-proxy",)}


def convert(state: ImportState, counts: Mapping[str, int]) -> Loaded:
    return _Kubeadm(state).convert(counts)


class _Kubeadm:
    """A kubeadm stream (ClusterConfiguration and/or InitConfiguration) → spec data."""

    def __init__(self, state: ImportState) -> None:
        self.state = state
        self.drop: set[str] = set()

    def convert(self, counts: Mapping[str, int]) -> Loaded:
        state = self.state
        found: dict[str, Loaded] = {}
        for doc in state.documents:
            kind = doc.data.get("kind")
            if api_group(doc.data["apiVersion"])[0] != GROUP:
                continue  # kubelet / kube-proxy configuration, or skipped with a warning
            if kind in ("ClusterConfiguration", "InitConfiguration"):
                if kind in found:
                    state.error(doc.line(("kind",)), Subtype.IMPORT,
                                f"a second {kind} in the stream; kubeadm reads one")
                    continue
                found[kind] = doc
        cluster = found.get("ClusterConfiguration")
        init = found.get("InitConfiguration")
        main = cluster or init
        if main is None:
            first = state.documents[0]
            state.error(first.line(()), Subtype.IMPORT,
                        "no ClusterConfiguration or InitConfiguration in this kubeadm file, "
                        "so there is no cluster to draw")
            return Loaded({}, {(): first.line(())})
        result = Result(main)
        root = main.line(())
        # The counts are options, not lines of the file: findings about them point at the
        # start of the configuration.
        result.lines[("control-plane",)] = root
        result.lines[("workers",)] = root
        result.put("etcd", "stacked", root)
        result.data["load-balancer"] = "none"
        if cluster is not None:
            self._cluster(cluster, result, counts)
        if init is not None:
            self._init(init, result)
        cp = counts.get("control-plane", 1)
        workers = counts.get("workers", 0)
        return result.finish(cp, workers, self.drop)

    def _cluster(self, doc: Loaded, result: Result, counts: Mapping[str, int]) -> None:
        state = self.state
        data: dict[Any, Any] = doc.data
        version = api_group(data["apiVersion"])[1]
        known = CLUSTER_V1BETA4 if version == "v1beta4" else CLUSTER_V1BETA3
        for key in data:
            if key in CLUSTER_V1BETA4 and key not in known:
                state.field(doc.line((str(key),)),
                           f"ClusterConfiguration field {key!r} is a v1beta4 field, which "
                           f"kubeadm {version} ignores; the diagram ignores it too")
        state.unknown(doc, data, (), CLUSTER_V1BETA4, "ClusterConfiguration")
        result.title(doc, ("clusterName",))

        endpoint = data.get("controlPlaneEndpoint")
        if endpoint is not None and endpoint != "":
            line = doc.line(("controlPlaneEndpoint",))
            if not isinstance(endpoint, str):
                state.error(line, Subtype.TYPE,
                            f"controlPlaneEndpoint must be an address such as "
                            f"lb.example.com:6443, not {describe_value(endpoint)}")
            else:
                result.put("load-balancer", _endpoint_label(endpoint), line)
                if "control-plane" not in counts:
                    state.field(line, "controlPlaneEndpoint is the load balancer in front of "
                               "several control-plane nodes, but a kubeadm file does not say "
                               "how many there are; 1 is drawn (give the control-plane count "
                               "as an option)")

        etcd = state.mapping(doc, ("etcd",), "etcd")
        if "etcd" in data:
            result.lines[("etcd",)] = doc.line(("etcd",))
        state.unknown(doc, etcd, ("etcd",), ETCD_FIELDS, "etcd")
        if "local" in etcd and "external" in etcd:
            later = max(doc.line(("etcd", "local")), doc.line(("etcd", "external")))
            state.error(later, Subtype.VALUE,
                        "etcd.local and etcd.external are mutually exclusive: etcd is either "
                        "stacked on the control-plane nodes or an external cluster")
        elif "external" in etcd:
            self._external(doc, result)

        dns = state.mapping(doc, ("dns",), "dns")
        if version == "v1beta4":
            proxy = state.mapping(doc, ("proxy",), "proxy")
            if dns.get("disabled") is True:
                self.drop.add("coredns")
                result.lines[("addons",)] = doc.line(("dns", "disabled"))
            if proxy.get("disabled") is True:
                self.drop.add("kube-proxy")
        elif "disabled" in dns:
            state.field(doc.line(("dns", "disabled")),
                       f"dns.disabled is a v1beta4 field, which kubeadm {version} ignores "
                       "(it installs CoreDNS); the diagram ignores it too")

    def _external(self, doc: Loaded, result: Result) -> None:
        state = self.state
        external = state.mapping(doc, ("etcd", "external"), "etcd.external")
        path: Path = ("etcd", "external", "endpoints")
        line = doc.line(("etcd", "external"))
        result.put("etcd", {"topology": "external", "members": 0}, line)
        result.lines[("etcd", "topology")] = line
        result.lines[("etcd", "members")] = doc.line(path)
        endpoints = external.get("endpoints")
        if isinstance(endpoints, str):
            endpoints = [endpoints]
        if endpoints is None or endpoints == []:
            state.error(doc.line(path), Subtype.VALUE,
                        "etcd.external needs endpoints, the client URLs of the etcd members "
                        "(https://host:2379)")
            return
        if not isinstance(endpoints, list):
            state.error(doc.line(path), Subtype.TYPE,
                        f"etcd.external.endpoints must be a list of URLs, not "
                        f"{describe_value(endpoints)}")
            return
        for index, item in enumerate(endpoints):
            if not isinstance(item, str):
                state.error(doc.line((*path, index)), Subtype.TYPE,
                            f"an etcd endpoint must be a URL, not {describe_value(item)}")
        result.data["etcd"]["members"] = len(endpoints)

    def _init(self, doc: Loaded, result: Result) -> None:
        state = self.state
        data: dict[Any, Any] = doc.data
        version = api_group(data["apiVersion"])[1]
        known = INIT_V1BETA4 if version == "v1beta4" else INIT_V1BETA3
        state.unknown(doc, data, (), known, "InitConfiguration")
        phases = data.get("skipPhases")
        if phases is not None and not isinstance(phases, list):
            state.error(doc.line(("skipPhases",)), Subtype.TYPE,
                        f"skipPhases must be a list of phase names, not {describe_value(phases)}")
            phases = []
        for index, phase in enumerate(phases or []):
            if not isinstance(phase, str):
                continue
            line = doc.line(("skipPhases", index))
            removed = ADDON_PHASES.get(phase)
            if removed:
                self.drop.update(removed)
                if "coredns" in removed:
                    result.lines[("addons",)] = line
            elif phase.startswith(("etcd", "control-plane")):
                state.field(line, f"skipping the kubeadm phase {phase!r} changes the control "
                           "plane in a way the diagram does not show")
        registration = state.mapping(doc, ("nodeRegistration",), "nodeRegistration")
        socket = registration.get("criSocket")
        if isinstance(socket, str) and socket.strip():
            line = doc.line(("nodeRegistration", "criSocket"))
            if "crio" in socket or "cri-o" in socket:
                result.put("runtime", "cri-o", line)
            else:
                result.put("runtime", "containerd", line)
                if "containerd" not in socket:
                    state.field(line, f"the container runtime behind {socket} cannot be drawn "
                               "(containerd and cri-o can); containerd is drawn")


def _endpoint_label(endpoint: str) -> str:
    """The load balancer label: the endpoint, else its host, cut to the spec's limit."""
    label = endpoint.strip()
    if len(label) > LB_LABEL_MAX and not label.endswith("]"):
        label = label.rsplit(":", 1)[0]
    if len(label) > LB_LABEL_MAX:
        label = label[:LB_LABEL_MAX - 1] + "…"
    return label
