"""Objects in the shape ``kubectl get nodes,pods -A -o json`` prints them: a ``List`` of
``Node`` and ``Pod`` items, keys in the order kubectl writes them (sorted, as Go encodes
maps), with the fields a real cluster fills in (addresses, images, conditions, taints,
annotations), so that tests read what users save and the privacy test finds every field
that must stay out of the output.

Used to write the files of ``tests/data/imports`` (``python -m helpers.kubectl``) and, in
memory, the 500-node cluster of the performance test.
"""

from __future__ import annotations

from collections.abc import Iterable
import json
from typing import Any

import yaml

CREATED = "2024-05-14T09:12:31Z"
HEARTBEAT = "2024-06-03T07:41:05Z"


def _stable_uid(seed: str) -> str:
    # hash() of text differs between runs; the files must not.
    total = sum((i + 1) * ord(c) for i, c in enumerate(seed))
    return f"5f0c8a3e-1b2d-4c6e-9a7f-{total * 7919 % 16**12:012x}"


def condition(kind: str, status: str, reason: str, message: str) -> dict[str, Any]:
    return {"lastHeartbeatTime": HEARTBEAT, "lastTransitionTime": CREATED,
            "message": message, "reason": reason, "status": status, "type": kind}


def node(name: str, *, role: str | None = None, zone: str | None = None,
         ready: str = "True", runtime: str = "containerd://1.7.13",
         kubelet: str = "v1.30.2", labels: dict[str, str] | None = None,
         address: str = "10.0.1.17", provider: str | None = None,
         annotations: dict[str, str] | None = None,
         taints: list[dict[str, str]] | None = None,
         images: Iterable[str] = ("registry.k8s.io/kube-proxy:v1.30.2",
                                  "registry.k8s.io/pause:3.9")) -> dict[str, Any]:
    """A Node; ``role`` is the value-less kubeadm role label (``control-plane``), or
    ``k3s-server`` for the labels k3s sets on a server with embedded etcd."""
    all_labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
                  "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name,
                  "kubernetes.io/os": "linux"}
    if role == "control-plane":
        all_labels["node-role.kubernetes.io/control-plane"] = ""
    elif role == "k3s-server":
        all_labels.update({"node-role.kubernetes.io/control-plane": "true",
                           "node-role.kubernetes.io/etcd": "true",
                           "node-role.kubernetes.io/master": "true"})
    elif role == "k3s-sqlite":
        all_labels.update({"node-role.kubernetes.io/control-plane": "true",
                           "node-role.kubernetes.io/master": "true"})
    if zone is not None:
        all_labels["topology.kubernetes.io/zone"] = zone
        if zone[-1].isalpha():  # a cloud zone such as eu-west-1a, in region eu-west-1
            all_labels["topology.kubernetes.io/region"] = zone[:-1]
    all_labels.update(labels or {})
    notes = {"kubeadm.alpha.kubernetes.io/cri-socket":
             "unix:///var/run/containerd/containerd.sock",
             "node.alpha.kubernetes.io/ttl": "0",
             "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    notes.update(annotations or {})
    spec: dict[str, Any] = {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"]}
    if provider is not None:
        spec["providerID"] = provider
    if taints is None and role == "control-plane":
        taints = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    if taints:
        spec["taints"] = taints
    conditions = [
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                  "kubelet has sufficient memory available"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                  "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID",
                  "kubelet has sufficient PID available"),
        condition("Ready", ready, "KubeletReady" if ready == "True" else "NodeStatusUnknown",
                  "kubelet is posting ready status" if ready == "True"
                  else "Kubelet stopped posting node status."),
    ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"annotations": notes, "creationTimestamp": CREATED,
                     "labels": dict(sorted(all_labels.items())), "name": name,
                     "resourceVersion": "48211", "uid": _stable_uid(name)},
        "spec": spec,
        "status": {
            "addresses": [{"address": address, "type": "InternalIP"},
                          {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "4", "ephemeral-storage": "95551679124",
                            "hugepages-2Mi": "0", "memory": "16274336Ki", "pods": "110"},
            "capacity": {"cpu": "4", "ephemeral-storage": "103761844Ki",
                         "hugepages-2Mi": "0", "memory": "16376736Ki", "pods": "110"},
            "conditions": conditions,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "images": [{"names": [f"{image.partition(':')[0]}@sha256:{'ab' * 32}", image],
                        "sizeBytes": 28117563} for image in images],
            "nodeInfo": {"architecture": "amd64", "bootID": _stable_uid("boot" + name),
                         "containerRuntimeVersion": runtime,
                         "kernelVersion": "6.1.0-21-amd64", "kubeProxyVersion": kubelet,
                         "kubeletVersion": kubelet, "machineID": "9c1f" * 8,
                         "operatingSystem": "linux",
                         "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "systemUUID": _stable_uid("system" + name)},
        },
    }


def pod(name: str, namespace: str, node_name: str, *, command: list[str] | None = None,
        image: str = "registry.k8s.io/pause:3.9", owner: tuple[str, str] | None = None,
        address: str = "10.0.1.17", labels: dict[str, str] | None = None,
        phase: str = "Running") -> dict[str, Any]:
    """A Pod: a static Pod (owned by its Node) when ``owner`` is None, else owned by a
    DaemonSet or ReplicaSet ``(kind, name)``."""
    kind, owner_name = owner or ("Node", node_name)
    container: dict[str, Any] = {"image": image, "imagePullPolicy": "IfNotPresent",
                                 "name": name.split("-" + node_name)[0] if owner is None
                                 else owner_name.split("-")[0]}
    if command is not None:
        container["command"] = command
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "annotations": {"kubernetes.io/config.hash": "0d3c" * 8},
            "creationTimestamp": CREATED,
            "labels": labels or {"component": name.split("-" + node_name)[0],
                                 "tier": "control-plane"},
            "name": name, "namespace": namespace,
            "ownerReferences": [{"apiVersion": "v1" if kind == "Node" else "apps/v1",
                                 "controller": True, "kind": kind, "name": owner_name,
                                 "uid": _stable_uid(owner_name)}],
            "resourceVersion": "511", "uid": _stable_uid(name)},
        "spec": {"containers": [container], "hostNetwork": owner is None,
                 "nodeName": node_name, "priorityClassName": "system-node-critical",
                 "restartPolicy": "Always"},
        "status": {"hostIP": address, "phase": phase, "podIP": address,
                   "podIPs": [{"ip": address}], "qosClass": "Burstable",
                   "startTime": CREATED},
    }


def kubeadm_pods(cp_nodes: list[str], workers: list[str], *, etcd: str = "stacked",
                 cni: str = "calico-node", kube_proxy: bool = True,
                 etcd_servers: str = "https://127.0.0.1:2379") -> list[dict[str, Any]]:
    """The kube-system Pods of a kubeadm cluster (and the CNI's)."""
    pods: list[dict[str, Any]] = []
    for index, host in enumerate(cp_nodes):
        address = f"10.0.1.{11 + index}"
        if etcd == "stacked":
            pods.append(pod(f"etcd-{host}", "kube-system", host, address=address,
                            image="registry.k8s.io/etcd:3.5.12-0",
                            command=["etcd", f"--advertise-client-urls=https://{address}:2379",
                                     "--data-dir=/var/lib/etcd"]))
        pods.append(pod(f"kube-apiserver-{host}", "kube-system", host, address=address,
                        image="registry.k8s.io/kube-apiserver:v1.30.2",
                        command=["kube-apiserver", f"--advertise-address={address}",
                                 "--allow-privileged=true", "--authorization-mode=Node,RBAC",
                                 f"--etcd-servers={etcd_servers}",
                                 "--secure-port=6443"]))
        pods.extend(pod(f"{component}-{host}", "kube-system", host, address=address,
                        image=f"registry.k8s.io/{component}:v1.30.2",
                        command=[component, "--leader-elect=true"])
                    for component in ("kube-controller-manager", "kube-scheduler"))
    every = cp_nodes + workers
    for index, host in enumerate(every):
        suffix = f"{(index * 7919) % 99991:05d}"[-5:]
        if kube_proxy:
            pods.append(pod(f"kube-proxy-{suffix}x", "kube-system", host,
                            owner=("DaemonSet", "kube-proxy"),
                            image="registry.k8s.io/kube-proxy:v1.30.2",
                            labels={"k8s-app": "kube-proxy"}))
        if cni:
            namespace = {"calico-node": "calico-system",
                         "kube-flannel-ds": "kube-flannel"}.get(cni, "kube-system")
            pods.append(pod(f"{cni}-{suffix}c", namespace, host, owner=("DaemonSet", cni),
                            image=f"docker.io/example/{cni}:v1", labels={"k8s-app": cni}))
    pods.extend(pod(f"coredns-7db6d8ff4d-{index}abcd", "kube-system", every[-1 - index],
                    owner=("ReplicaSet", "coredns-7db6d8ff4d"),
                    image="registry.k8s.io/coredns/coredns:v1.11.1",
                    labels={"k8s-app": "kube-dns"}) for index in range(min(2, len(every))))
    return pods


def listing(items: list[Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"resourceVersion": ""}}


def as_json(data: dict[str, Any]) -> str:
    """As ``-o json`` prints it: four spaces, keys as given (already sorted)."""
    return json.dumps(data, indent=4) + "\n"


def as_yaml(data: dict[str, Any]) -> str:
    """As ``-o yaml`` prints it: block style, sequences not indented under their key."""
    return yaml.safe_dump(data, default_flow_style=False, sort_keys=False, width=10_000)


def big_cluster(workers: int, *, pools: int = 4, zones: int = 3) -> dict[str, Any]:
    """Three control-plane nodes and ``workers`` workers in node groups over ``zones``
    zones, with kubeadm's kube-system Pods: the shape of a large cloud cluster."""
    letters = "abcdefgh"
    cp = [f"ip-10-0-{i}-10.eu-west-1.compute.internal" for i in range(3)]
    names = [f"ip-10-1-{i // 250}-{i % 250}.eu-west-1.compute.internal"
             for i in range(workers)]
    items = [node(name, role="control-plane", zone=f"eu-west-1{letters[i % zones]}")
             for i, name in enumerate(cp)]
    items += [node(name, zone=f"eu-west-1{letters[i % zones]}",
                   labels={"eks.amazonaws.com/nodegroup": f"group-{i % pools}"},
                   images=[f"registry.example/app-{n}:v1" for n in range(20)])
              for i, name in enumerate(names)]
    return listing(items + kubeadm_pods(cp, names))


# -- the files of tests/data/imports -------------------------------------------------------

def _aws(index: int) -> str:
    return f"ip-10-0-{index // 100}-{index % 100 + 10}.eu-west-1.compute.internal"


def stacked_three_zones() -> dict[str, Any]:
    """kubeadm, stacked etcd, three control-plane nodes and three workers over three
    zones; Calico, kube-proxy, CoreDNS."""
    zones = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
    cp = [_aws(i) for i in range(1, 4)]
    workers = [_aws(i) for i in range(101, 104)]
    items = [node(n, role="control-plane", zone=zones[i], address=f"10.0.1.{11 + i}",
                  provider=f"aws:///{zones[i]}/i-0a1b2c3d4e5f6{i:03d}")
             for i, n in enumerate(cp)]
    items += [node(n, zone=zones[i], address=f"10.0.2.{21 + i}",
                   provider=f"aws:///{zones[i]}/i-0f9e8d7c6b5a4{i:03d}")
              for i, n in enumerate(workers)]
    return listing(items + kubeadm_pods(cp, workers))


def external_etcd() -> dict[str, Any]:
    """kubeadm with three external etcd members; Cilium in place of kube-proxy."""
    cp = ["cp-a", "cp-b", "cp-c"]
    workers = ["node-1", "node-2", "node-10"]
    items = [node(n, role="control-plane", runtime="cri-o://1.30.1") for n in cp]
    items += [node(n, runtime="cri-o://1.30.1") for n in workers]
    servers = ",".join(f"https://10.0.3.{i}:2379" for i in (31, 32, 33))
    return listing(items + kubeadm_pods(cp, workers, etcd="external", cni="cilium",
                                        kube_proxy=False, etcd_servers=servers))


def k3s() -> dict[str, Any]:
    """k3s: three servers with embedded etcd, two agents; k3s's own Pods (no kube-proxy or
    Flannel Pods: both run inside the k3s process)."""
    servers = ["k3s-server-1", "k3s-server-2", "k3s-server-3"]
    agents = ["k3s-agent-1", "k3s-agent-2"]
    version = "v1.30.4+k3s1"
    runtime = "containerd://1.7.20-k3s1"
    items = [node(n, role="k3s-server", kubelet=version, runtime=runtime) for n in servers]
    items += [node(n, kubelet=version, runtime=runtime) for n in agents]
    items += [pod("coredns-576bfc4dc7-7xk2p", "kube-system", servers[0],
                  owner=("ReplicaSet", "coredns-576bfc4dc7"), labels={"k8s-app": "kube-dns"},
                  image="rancher/mirrored-coredns-coredns:1.10.1"),
              pod("local-path-provisioner-6795b5f9d8-2mzvq", "kube-system", servers[1],
                  owner=("ReplicaSet", "local-path-provisioner-6795b5f9d8"),
                  labels={"app": "local-path-provisioner"},
                  image="rancher/local-path-provisioner:v0.0.28"),
              pod("traefik-5fb479b77-9wqkd", "kube-system", agents[0],
                  owner=("ReplicaSet", "traefik-5fb479b77"),
                  labels={"app.kubernetes.io/name": "traefik"},
                  image="rancher/mirrored-library-traefik:2.10.7")]
    return listing(items)


def nodes_only() -> dict[str, Any]:
    """A kind cluster's nodes, without Pods (kubectl get nodes -o json)."""
    return listing([node("kind-control-plane", role="control-plane",
                         runtime="containerd://1.7.15", kubelet="v1.30.0"),
                    node("kind-worker", runtime="containerd://1.7.15", kubelet="v1.30.0"),
                    node("kind-worker2", runtime="containerd://1.7.15", kubelet="v1.30.0")])


def not_ready() -> dict[str, Any]:
    """Three control-plane nodes, one of them not Ready (Unknown), and a worker whose
    kubelet reports NotReady (False)."""
    cp = ["master-1", "master-2", "master-3"]
    workers = ["worker-a", "worker-b"]
    items = [node(n, role="control-plane", ready="Unknown" if n == "master-2" else "True")
             for n in cp]
    items += [node(n, ready="False" if n == "worker-b" else "True") for n in workers]
    return listing(items + kubeadm_pods(cp, workers, cni="kube-flannel-ds"))


def eks() -> dict[str, Any]:
    """EKS: no control-plane node (AWS runs it), two node groups over two zones."""
    items = []
    for index in range(5):
        group = "general" if index < 3 else "gpu-large"
        zone = ("eu-west-1a", "eu-west-1b")[index % 2]
        items.append(node(_aws(200 + index), zone=zone, kubelet="v1.29.3-eks-ae9a62a",
                          labels={"eks.amazonaws.com/nodegroup": group}))
    names = [item["metadata"]["name"] for item in items]
    return listing(items + kubeadm_pods([], names, cni="aws-node"))


def pods_only() -> dict[str, Any]:
    """kubectl get pods -A -o json: no Node at all."""
    return listing(kubeadm_pods(["cp-1"], [])[:3])


def shop() -> dict[str, Any]:
    """The guide's example: an on-premises kubeadm cluster over three racks, one worker
    not Ready."""
    racks = ("rack-1", "rack-2", "rack-3")
    cp = [f"prod-cp-{i}" for i in (1, 2, 3)]
    workers = [f"prod-worker-{i:02d}" for i in (1, 2, 3, 4)]
    items = [node(n, role="control-plane", zone=racks[i], address=f"192.168.10.{11 + i}",
                  images=["registry.k8s.io/etcd:3.5.12-0"]) for i, n in enumerate(cp)]
    items += [node(n, zone=racks[i % 3], address=f"192.168.20.{21 + i}",
                   ready="Unknown" if n == "prod-worker-03" else "True",
                   images=["docker.io/calico/node:v3.27.3"]) for i, n in enumerate(workers)]
    return listing(items + kubeadm_pods(cp, workers))


#: What must never reach the output: every field the importer does not read holds one of
#: these (lower-case text; addresses as written).
CANARIES = ("canary", "203.0.113.", "198.51.100.", "2001:db8:cafe")


def canary() -> dict[str, Any]:
    """Three control-plane nodes and two workers (one not Ready) over three zones, with
    external etcd, whose unread fields (addresses, provider IDs, annotations, images,
    taints, other labels, node info, Pods of applications) are full of CANARIES."""
    cp = ["alpha-cp-1", "alpha-cp-2", "alpha-cp-3"]
    workers = ["alpha-w-1", "alpha-w-2"]
    items = []
    for i, name in enumerate(cp + workers):
        item = node(name, role="control-plane" if name in cp else None,
                    zone=("eu-north-1a", "eu-north-1b", "eu-north-1c")[i % 3],
                    ready="False" if name == "alpha-w-2" else "True",
                    address=f"203.0.113.{10 + i}",
                    provider=f"aws:///canary-az/i-0canary{i}",
                    annotations={"canary.example/annotation": "canary-annotation-value"},
                    taints=[{"effect": "NoSchedule", "key": "canary.example/taint",
                             "value": "canary-taint-value"}],
                    labels={"canary.example/label": "canary-label-value",
                            "topology.kubernetes.io/region": "canary-region",
                            "eks.amazonaws.com/capacityType": "CANARY_SPOT"},
                    images=["registry.canary.example/canary-image:v1"])
        metadata, spec, status = item["metadata"], item["spec"], item["status"]
        metadata["uid"] = f"canary-uid-{i}"
        spec["podCIDR"] = "203.0.113.128/28"
        spec["podCIDRs"] = ["203.0.113.128/28", "2001:db8:cafe:1::/64"]
        status["addresses"] += [{"address": f"2001:db8:cafe::{i}", "type": "InternalIP"},
                                {"address": f"canary-host-{i}.example", "type": "InternalDNS"}]
        status["nodeInfo"].update(
            kernelVersion="6.1.0-canarykernel", osImage="CanaryOS 1.0",
            machineID="canarymachine", systemUUID="canary-system-uuid", bootID="canary-boot",
            containerRuntimeVersion="containerd://1.7.13-canaryruntime",
            kubeletVersion="v1.30.2-canarykubelet", kubeProxyVersion="v1.30.2-canaryproxy")
        for entry in status["conditions"]:
            entry["message"] = "canary condition message"
        items.append(item)
    servers = ",".join(f"https://198.51.100.{i}:2379" for i in (7, 8, 9))
    pods = kubeadm_pods(cp, workers, etcd="external", etcd_servers=servers)
    pods.append(pod("canary-shop-7f9c6d5b8-x2x7q", "canary-namespace", workers[0],
                    owner=("ReplicaSet", "canary-shop-7f9c6d5b8"),
                    image="registry.canary.example/canary-shop:v3",
                    labels={"app": "canary-app"}, command=["/canary", "--token=canary"]))
    for entry in pods:
        entry["metadata"]["annotations"]["canary.example/pod"] = "canary-pod-annotation"
        entry["status"].update(hostIP="203.0.113.99", podIP="203.0.113.100",
                               podIPs=[{"ip": "203.0.113.100"}])
    return listing(items + pods)


#: File name → what it holds, written by ``python -m helpers.kubectl`` (from tests/).
FILES = {
    "kubectl-stacked-3zones.json": (stacked_three_zones, as_json),
    "kubectl-external-etcd.json": (external_etcd, as_json),
    "kubectl-k3s.yaml": (k3s, as_yaml),
    "kubectl-nodes-only.json": (nodes_only, as_json),
    "kubectl-not-ready.yaml": (not_ready, as_yaml),
    "kubectl-eks.json": (eks, as_json),
    "kubectl-pods-only.json": (pods_only, as_json),
    "kubectl-privacy.json": (canary, as_json),
}


def write_files() -> None:
    from helpers.paths import DOCS, IMPORTS

    for name, (build, dump) in FILES.items():
        (IMPORTS / name).write_text(dump(build()), encoding="utf-8")
    (DOCS / "guide" / "formats" / "examples" / "kubectl-prod.json").write_text(
        as_json(shop()), encoding="utf-8")


if __name__ == "__main__":
    write_files()
