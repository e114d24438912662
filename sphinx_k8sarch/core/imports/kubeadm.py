"""kubeadm configuration streams (``kubeadm.k8s.io/v1beta3`` and ``v1beta4``, and the old
``v1beta1`` and ``v1beta2``); see docs/guide/formats/kubeadm.md for what is honoured,
ignored and warned.

A kubeadm file does not say how many machines run ``kubeadm join``: the counts come from
the directive options or the command line, else ``apiServer.extraArgs.apiserver-count``
hints at the control-plane count; whatever is missing gives one warning that says what
to add (and the single control-plane node then drawn is not reported as an HA problem).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Subtype, describe_value
from ..vocabulary import LB_LABEL_MAX, parse_version
from ..yamlspec import Loaded, Path
from .common import ImportState, Result, api_group, is_count, lookup

API_VERSIONS = {
    "kubeadm.k8s.io/v1beta4": "",
    "kubeadm.k8s.io/v1beta3": "",
    "kubeadm.k8s.io/v1beta2": "kubeadm 1.15 to 1.26",
    "kubeadm.k8s.io/v1beta1": "kubeadm 1.13 to 1.21",
}
MAIN_GROUP = "kubeadm.k8s.io"
KINDS = ("ClusterConfiguration", "InitConfiguration", "JoinConfiguration",
         "ResetConfiguration", "UpgradeConfiguration", "ClusterStatus")
STRICT_KINDS = True
STREAM = True
READS_COUNTS = True
#: Other documents kubeadm reads in the same stream; none of them changes the drawing.
COMPANIONS = ("kubelet.config.k8s.io", "kubeproxy.config.k8s.io")
SUPPORTED = ("kubeadm.k8s.io/v1beta4 or v1beta3 (or the old v1beta2, v1beta1) "
             "ClusterConfiguration and InitConfiguration")

CLUSTER_V1BETA3 = ("apiVersion", "kind", "metadata", "etcd", "networking",
                   "kubernetesVersion", "controlPlaneEndpoint", "apiServer",
                   "controllerManager", "scheduler", "dns", "certificatesDir",
                   "imageRepository", "featureGates", "clusterName")
CLUSTER_V1BETA4 = (*CLUSTER_V1BETA3, "proxy", "encryptionAlgorithm",
                   "certificateValidityPeriod", "caCertificateValidityPeriod")
CLUSTER_V1BETA2 = (*CLUSTER_V1BETA3, "useHyperKubeImage")
INIT_V1BETA2 = ("apiVersion", "kind", "metadata", "bootstrapTokens", "nodeRegistration",
                "localAPIEndpoint", "certificateKey")
INIT_V1BETA3 = (*INIT_V1BETA2, "skipPhases", "patches")
INIT_V1BETA4 = (*INIT_V1BETA3, "dryRun", "timeouts")
ETCD_FIELDS = ("local", "external")
#: InitConfiguration phases whose skipping removes add-ons, and the add-ons they remove.
ADDON_PHASES = {"addon": ("coredns", "kube-proxy"), "addon/all": ("coredns", "kube-proxy"),
                "addon/coredns": ("coredns",), "addon/kube-proxy": ("kube-proxy",)}


def convert(state: ImportState, counts: Mapping[str, int]) -> Loaded:
    return _Kubeadm(state).convert(counts)


def _fields(version: str, kind: str) -> tuple[str, ...]:
    if kind == "ClusterConfiguration":
        return {"v1beta4": CLUSTER_V1BETA4, "v1beta3": CLUSTER_V1BETA3}.get(version,
                                                                            CLUSTER_V1BETA2)
    return {"v1beta4": INIT_V1BETA4, "v1beta3": INIT_V1BETA3}.get(version, INIT_V1BETA2)


def extra_arg(args: Any, name: str) -> tuple[Any, Path] | None:
    """The value of one ``extraArgs`` entry and its path below ``extraArgs``: a mapping up to
    v1beta3, a list of ``{name, value}`` from v1beta4 (and in Cluster API v1beta2)."""
    if isinstance(args, dict) and name in args:
        return args[name], (name,)
    if isinstance(args, list):
        for index, item in enumerate(args):
            if isinstance(item, dict) and item.get("name") == name:
                return item.get("value"), (index, "value")
    return None


def read_version(state: ImportState, doc: Loaded, path: Path, result: Result) -> None:
    """``kubernetesVersion`` (or Cluster API's ``version``) → ``kubernetes-version``."""
    value = lookup(doc.data, path)
    if value is None or value == "":
        return
    line = doc.line(path)
    text = str(value).strip()
    parsed = parse_version(text.removeprefix("stable-"))
    if parsed is None and "${" in text:
        state.field(line, f"the Kubernetes version is the clusterctl variable {text}, which "
                    "this stream does not resolve; the current release is drawn")
        return
    if parsed is None:
        state.field(line, f"the Kubernetes version {text!r} is not a release the diagram can "
                    "read (labels such as 'stable' are resolved online by kubeadm); the "
                    "current release is drawn")
        return
    result.put("kubernetes-version", f"{parsed[0]}.{parsed[1]}", line)


def read_etcd(state: ImportState, doc: Loaded, base: Path, result: Result) -> None:
    """Stacked or external etcd from the ``etcd`` mapping of a ClusterConfiguration at
    ``base`` (also inside a Cluster API KubeadmControlPlane)."""
    path: Path = (*base, "etcd")
    where = ".".join(str(p) for p in path)
    etcd = state.mapping(doc, path, where)
    if lookup(doc.data, path) is not None:
        result.lines[("etcd",)] = doc.line(path)
    state.unknown(doc, etcd, path, ETCD_FIELDS, "etcd")
    if "local" in etcd and "external" in etcd:
        later = max(doc.line((*path, "local")), doc.line((*path, "external")))
        state.error(later, Subtype.VALUE,
                    "etcd.local and etcd.external are mutually exclusive: etcd is either "
                    "stacked on the control-plane nodes or an external cluster")
    elif "external" in etcd:
        _external(state, doc, path, result)


def _external(state: ImportState, doc: Loaded, etcd: Path, result: Result) -> None:
    external = state.mapping(doc, (*etcd, "external"), "etcd.external")
    path: Path = (*etcd, "external", "endpoints")
    line = doc.line((*etcd, "external"))
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


def endpoint_label(endpoint: str) -> str:
    """The load balancer label: the endpoint, else its host, cut to the spec's limit."""
    label = endpoint.strip()
    if len(label) > LB_LABEL_MAX and not label.endswith("]"):
        label = label.rsplit(":", 1)[0]
    if len(label) > LB_LABEL_MAX:
        label = label[:LB_LABEL_MAX - 1] + "…"
    return label


class _Kubeadm:
    """A kubeadm stream (ClusterConfiguration and/or InitConfiguration) → spec data."""

    def __init__(self, state: ImportState) -> None:
        self.state = state
        self.drop: set[str] = set()
        #: (count, line) from apiServer.extraArgs.apiserver-count.
        self.apiserver_count: tuple[int, int] | None = None
        self.endpoint_line: int | None = None

    def convert(self, counts: Mapping[str, int]) -> Loaded:
        state = self.state
        found: dict[str, Loaded] = {}
        for doc in state.documents:
            kind = doc.data.get("kind")
            if api_group(doc.data["apiVersion"])[0] != MAIN_GROUP:
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
            self._cluster(cluster, result)
        if init is not None:
            self._init(init, result)
        cp, workers = self._counts(counts, result, self.endpoint_line or root)
        return result.finish(cp, workers, self.drop)

    def _counts(self, counts: Mapping[str, int], result: Result, line: int) -> tuple[int, int]:
        """The node counts: given, hinted by apiserver-count, or assumed with one warning
        that says what to add."""
        workers = counts.get("workers", 0)
        if "control-plane" in counts:
            return counts["control-plane"], workers
        if self.apiserver_count is not None:
            cp, hint_line = self.apiserver_count
            result.lines[("control-plane",)] = hint_line
            if "workers" not in counts:
                result.assumed.add("workers")
                self.state.field(line, f"a kubeadm file does not say how many workers join "
                                 f"the cluster, so none are drawn ({cp} control-plane nodes "
                                 "come from apiserver-count); give the count with the "
                                 ":workers: option (k8sarch: --workers)")
            return cp, workers
        result.assumed.add("control-plane")
        if "workers" in counts:
            what = "control-plane nodes"
            options = ":control-plane: option (k8sarch: --control-plane)"
            drawn = "1 is drawn"
        else:
            result.assumed.add("workers")
            what = "machines"
            options = (":control-plane: and :workers: options (k8sarch: --control-plane, "
                       "--workers)")
            drawn = "1 control-plane node and no workers are drawn"
        self.state.field(line, f"a kubeadm file does not say how many {what} join the "
                         f"cluster, so {drawn}; give the counts with the {options}")
        return 1, workers

    def _cluster(self, doc: Loaded, result: Result) -> None:
        state = self.state
        data: dict[Any, Any] = doc.data
        version = api_group(data["apiVersion"])[1]
        known = _fields(version, "ClusterConfiguration")
        for key in data:
            if key in CLUSTER_V1BETA4 and key not in known:
                state.field(doc.line((str(key),)),
                            f"ClusterConfiguration field {key!r} is a v1beta4 field, which "
                            f"kubeadm {version} ignores; the diagram ignores it too")
        state.unknown(doc, data, (), (*CLUSTER_V1BETA4, *known), "ClusterConfiguration")
        result.title(doc, ("clusterName",))
        read_version(state, doc, ("kubernetesVersion",), result)

        endpoint = data.get("controlPlaneEndpoint")
        if endpoint is not None and endpoint != "":
            line = doc.line(("controlPlaneEndpoint",))
            if not isinstance(endpoint, str):
                state.error(line, Subtype.TYPE,
                            f"controlPlaneEndpoint must be an address such as "
                            f"lb.example.com:6443, not {describe_value(endpoint)}")
            else:
                result.put("load-balancer", endpoint_label(endpoint), line)
                self.endpoint_line = line

        args = lookup(data, ("apiServer", "extraArgs"))
        hint = extra_arg(args, "apiserver-count")
        if hint is not None:
            value, below = hint
            line = doc.line(("apiServer", "extraArgs", *below))
            count = int(value) if isinstance(value, str) and value.isdigit() else value
            if is_count(count) and count >= 1:
                self.apiserver_count = (count, line)
            else:
                state.field(line, f"apiserver-count {value!r} is not a number of API servers; "
                            "it is not used as the control-plane count")

        read_etcd(state, doc, (), result)
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

    def _init(self, doc: Loaded, result: Result) -> None:
        state = self.state
        data: dict[Any, Any] = doc.data
        version = api_group(data["apiVersion"])[1]
        state.unknown(doc, data, (), _fields(version, "InitConfiguration"),
                      "InitConfiguration")
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
