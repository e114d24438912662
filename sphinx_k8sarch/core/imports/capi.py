"""Cluster API manifests (``cluster.x-k8s.io`` and ``controlplane.cluster.x-k8s.io``,
``v1beta1`` and ``v1beta2``); see docs/guide/formats/capi.md for what is honoured, ignored
and warned.

A stream such as ``clusterctl generate cluster`` writes states what kubeadm files lack: the
control-plane count (``KubeadmControlPlane.spec.replicas``), the workers
(``MachineDeployment.spec.replicas``, ``MachinePool.spec.replicas``), the endpoint
(``Cluster.spec.controlPlaneEndpoint``) and the Kubernetes version; a ClusterClass cluster
(``Cluster.spec.topology``) states the same in one object. Stacked or external etcd is read
from the KubeadmControlPlane's kubeadm configuration. Infrastructure, bootstrap and add-on
documents are skipped: they do not change the architecture.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..diagnostics import Subtype, describe_value
from ..yamlspec import Loaded, Path
from .common import ImportedPool, ImportState, Result, api_group, is_count, lookup, pool_name
from .kubeadm import endpoint_label, read_etcd, read_version

API_VERSIONS = {
    "cluster.x-k8s.io/v1beta2": "",
    "cluster.x-k8s.io/v1beta1": "",
    "controlplane.cluster.x-k8s.io/v1beta2": "",
    "controlplane.cluster.x-k8s.io/v1beta1": "",
}
#: The kinds read; other kinds of these groups (MachineHealthCheck, ClusterClass, …) are
#: skipped.
KINDS = ("Cluster", "KubeadmControlPlane", "MachineDeployment", "MachinePool")
STRICT_KINDS = False
STREAM = True
READS_COUNTS = True
COMPANIONS = ("infrastructure.cluster.x-k8s.io", "bootstrap.cluster.x-k8s.io",
              "addons.cluster.x-k8s.io", "ipam.cluster.x-k8s.io", "runtime.cluster.x-k8s.io")
SUPPORTED = ("Cluster API cluster.x-k8s.io/v1beta2 or v1beta1 Cluster, KubeadmControlPlane "
             "and MachineDeployment")
#: The load balancer label when the stream names no endpoint: the infrastructure provider
#: fills ``controlPlaneEndpoint`` in when it creates the cluster's load balancer.
PROVIDER_ENDPOINT = "control plane endpoint"
KUBEADM_CONFIG: Path = ("spec", "kubeadmConfigSpec", "clusterConfiguration")


def convert(state: ImportState, counts: Mapping[str, int]) -> Loaded:
    return _Capi(state, counts).convert()


class _Capi:
    def __init__(self, state: ImportState, counts: Mapping[str, int]) -> None:
        self.state, self.counts = state, counts
        self.docs: dict[str, list[Loaded]] = {}
        for doc in state.documents:
            group = api_group(str(doc.data.get("apiVersion", "")))[0]
            self.docs.setdefault(f"{group} {doc.data.get('kind')}", []).append(doc)

    def of(self, kind: str) -> list[Loaded]:
        group = ("controlplane.cluster.x-k8s.io" if kind == "KubeadmControlPlane"
                 else "cluster.x-k8s.io")
        return self.docs.get(f"{group} {kind}", [])

    def convert(self) -> Loaded:
        state = self.state
        clusters, kcps = self.of("Cluster"), self.of("KubeadmControlPlane")
        for kind, found in (("Cluster", clusters), ("KubeadmControlPlane", kcps)):
            for extra in found[1:]:
                state.error(extra.line(("kind",)), Subtype.IMPORT,
                            f"a second {kind} in the stream; one file describes one cluster")
        cluster = clusters[0] if clusters else None
        kcp = kcps[0] if kcps else None
        main = cluster or kcp or state.documents[0]
        result = Result(main)
        root = main.line(())
        result.put("etcd", "stacked", root)
        topology: Path = ("spec", "topology")
        classy = cluster is not None and isinstance(lookup(cluster.data, topology), dict)
        if cluster is not None:
            result.title(cluster, ("metadata", "name"))
            self._endpoint(cluster, kcp, result)
            if classy:
                read_version(state, cluster, (*topology, "version"), result)
        if kcp is not None:
            read_version(state, kcp, ("spec", "version"), result)
            read_etcd(state, kcp, KUBEADM_CONFIG, result)
            if cluster is None or "title" not in result.data:
                result.title(kcp, (*KUBEADM_CONFIG, "clusterName"))
        cp = self._control_plane(cluster if classy else None, kcp, result)
        workers = self._workers(cluster if classy else None, result)
        return result.finish(cp, workers, set())

    def _endpoint(self, cluster: Loaded, kcp: Loaded | None, result: Result) -> None:
        """``Cluster.spec.controlPlaneEndpoint`` (or, in v1beta1, the kubeadm configuration's
        ``controlPlaneEndpoint``): the load balancer the provider puts in front."""
        path: Path = ("spec", "controlPlaneEndpoint")
        endpoint = lookup(cluster.data, path)
        host = lookup(endpoint, ("host",)) if isinstance(endpoint, dict) else None
        if isinstance(host, str) and host.strip() and "${" not in host:
            port = lookup(endpoint, ("port",))
            label = f"{host.strip()}:{port}" if is_count(port) else host.strip()
            result.put("load-balancer", endpoint_label(label), cluster.line(path))
            return
        if kcp is not None:
            written = lookup(kcp.data, (*KUBEADM_CONFIG, "controlPlaneEndpoint"))
            if isinstance(written, str) and written.strip() and "${" not in written:
                result.put("load-balancer", endpoint_label(written),
                           kcp.line((*KUBEADM_CONFIG, "controlPlaneEndpoint")))
                return
        result.put("load-balancer", PROVIDER_ENDPOINT, cluster.line(("spec",)))

    def _replicas(self, doc: Loaded, path: Path, key: str, what: str) -> int | None:
        """A replica count, 1 when left out (Cluster API's default); None when the stream
        holds a clusterctl variable such as ``${WORKER_MACHINE_COUNT}`` instead."""
        value = lookup(doc.data, path)
        if value is None:
            return 1
        if isinstance(value, str) and value.strip().startswith("${"):
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not is_count(value) or value < 0:
            self.state.error(doc.line(path), Subtype.TYPE,
                             f"{what} replicas must be a whole number, not "
                             f"{describe_value(value)}")
            return 1
        return int(value)

    def _given(self, key: str, found: int | None, line: int, result: Result,
               variable: str) -> int:
        """The count the stream states, else the option's, else 1 or 0 with a warning."""
        result.lines[(key,)] = line
        if found is not None:
            if key in self.counts:
                self.state.warn(line, Subtype.OPTION, f"the {key} count given as an option "
                                "is ignored: a Cluster API stream sets its own node counts")
            return found
        if key in self.counts:
            return self.counts[key]
        result.assumed.add(key)
        default = 1 if key == "control-plane" else 0
        option = f":{key}: option (k8sarch: --{key})"
        self.state.field(line, f"the {key} count is the clusterctl variable {variable}, which "
                         f"this stream does not resolve, so {default} is drawn; give the count "
                         f"with the {option}")
        return default

    def _control_plane(self, cluster: Loaded | None, kcp: Loaded | None,
                       result: Result) -> int:
        if cluster is not None:
            path: Path = ("spec", "topology", "controlPlane", "replicas")
            return self._given("control-plane", self._replicas(cluster, path, "control-plane",
                                                               "controlPlane"),
                               cluster.line(path), result, _variable(cluster, path))
        if kcp is None:
            result.assumed.add("control-plane")
            line = result.lines[()]
            self.state.field(line, "no KubeadmControlPlane in this Cluster API stream (another "
                             "control-plane provider?), so 1 control-plane node is drawn; give "
                             "the count with the :control-plane: option (k8sarch: "
                             "--control-plane)")
            result.lines[("control-plane",)] = line
            return self.counts.get("control-plane", 1)
        path = ("spec", "replicas")
        return self._given("control-plane",
                           self._replicas(kcp, path, "control-plane", "KubeadmControlPlane"),
                           kcp.line(path), result, _variable(kcp, path))

    def _workers(self, cluster: Loaded | None, result: Result) -> int | list[ImportedPool]:
        """The workers: one count, or a pool per MachineDeployment / MachinePool when there
        are several (named after them, without the cluster's name in front)."""
        found: list[tuple[str, int | None, Loaded, Path]] = []
        if cluster is not None:
            for section in ("machineDeployments", "machinePools"):
                base: Path = ("spec", "topology", "workers", section)
                items = lookup(cluster.data, base)
                for index, item in enumerate(items if isinstance(items, list) else []):
                    path: Path = (*base, index, "replicas")
                    name = lookup(item, ("name",)) or lookup(item, ("class",)) or section
                    found.append((str(name), self._replicas(cluster, path, "workers",
                                                            section), cluster, path))
        else:
            for kind in ("MachineDeployment", "MachinePool"):
                for doc in self.of(kind):
                    path = ("spec", "replicas")
                    name = lookup(doc.data, ("metadata", "name")) or kind
                    found.append((str(name), self._replicas(doc, path, "workers", kind),
                                  doc, path))
        if not found:  # no worker pools: a control plane alone
            result.lines[("workers",)] = result.lines[()]
            return 0
        doc, path = found[0][2], found[0][3]
        unresolved = next((_variable(d, p) for _n, c, d, p in found if c is None), "")
        if unresolved or len(found) == 1:
            total = None if unresolved else sum(c or 0 for _n, c, _d, _p in found)
            return self._given("workers", total, doc.line(path), result, unresolved)
        result.lines[("workers",)] = doc.line(path)
        if "workers" in self.counts:
            self.state.warn(doc.line(path), Subtype.OPTION, "the workers count given as an "
                            "option is ignored: a Cluster API stream sets its own node counts")
        title = str(result.data.get("title", ""))
        pools: list[ImportedPool] = []
        for name, count, where, at in found:
            short = name.removeprefix(f"{title}-") if title else name
            pools.append(ImportedPool(pool_name(short, {p.name for p in pools}), count or 0,
                                      where.line(at)))
        return pools


def _variable(doc: Loaded, path: Path) -> str:
    value = lookup(doc.data, path)
    return value.strip() if isinstance(value, str) else ""
