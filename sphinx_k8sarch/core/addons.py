"""The common add-ons and clients a production cluster's figure needs, beside the Kubernetes
components of :mod:`.components`: the same facts (where it runs, what it does, whom it
talks to, ports, the page that says so), checked against each project's own docs.

Plain data, turned into :class:`~.components.Component` and :class:`~.components.Talk` by
:mod:`.components`; texts are English msgids, translated at the point of use.
"""

from __future__ import annotations

from .i18n import N_

#: (id, role, where, what, talks, port, source URL).
ENTRIES: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("metrics-server", "addon",
     N_("A Deployment in kube-system (one replica by default), on any node."),
     N_("Collects the CPU and memory use of every node and Pod from the kubelets and "
        "serves it as the Metrics API, which the Horizontal Pod Autoscaler and kubectl top "
        "read. It keeps only the latest values: it is not a monitoring system."),
     N_("Each kubelet (10250, /metrics/resource); kube-apiserver through the kubernetes "
        "Service, and the API server calls it back through the aggregation layer (Service "
        "443, Pod 10250)."),
     "10250/TCP",
     "https://github.com/kubernetes-sigs/metrics-server"),
    ("ingress-nginx", "addon",
     N_("A Deployment (or DaemonSet) in its own namespace, on worker nodes, exposed by a "
        "LoadBalancer or NodePort Service."),
     N_("The community Ingress controller: it turns Ingress objects into NGINX "
        "configuration and proxies HTTP and HTTPS to the Pods, terminating TLS. Its "
        "maintainers retired it in March 2026 (no more releases or security fixes); new "
        "clusters use a Gateway API implementation instead."),
     N_("kube-apiserver through the kubernetes Service (watch); the backend Pods directly; "
        "the API server calls its admission webhook (8443)."),
     N_("80/TCP, 443/TCP; 8443/TCP (webhook); 10254/TCP (metrics)"),
     "https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/"),
    ("cert-manager", "addon",
     N_("Three Deployments in the cert-manager namespace (controller, webhook, cainjector), "
        "on any node."),
     N_("Obtains TLS certificates from issuers such as ACME (Let's Encrypt), a CA or Vault, "
        "keeps them in Secrets and renews them before they expire."),
     N_("kube-apiserver through the kubernetes Service; the issuers (ACME over HTTPS); the "
        "API server calls its webhook (Service 443, Pod 10250)."),
     N_("10250/TCP (webhook); 9402/TCP (metrics)"),
     "https://cert-manager.io/docs/concepts/webhook/"),
    ("cluster-autoscaler", "addon",
     N_("A Deployment in kube-system, one active instance (leader election)."),
     N_("Adds nodes to a node group when Pods cannot be scheduled for lack of room, and "
        "removes nodes that stay unneeded, deciding from the Pods' requests."),
     N_("kube-apiserver through the kubernetes Service; the cloud provider's API, to resize "
        "node groups."),
     N_("8085/TCP (metrics)"),
     "https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md"),
    ("csi-controller", "addon",
     N_("A Deployment or StatefulSet on any node: the CSI driver's controller plugin with "
        "its sidecars (external-provisioner, external-attacher…)."),
     N_("Creates, attaches, resizes and snapshots volumes in the storage system for "
        "PersistentVolumeClaims: the sidecars watch the API and call the driver over a "
        "local Unix socket."),
     N_("kube-apiserver through the kubernetes Service (the sidecars); the storage "
        "system's API."),
     N_("none (Unix socket)"),
     "https://kubernetes-csi.github.io/docs/deploying.html"),
    ("csi-node", "addon",
     N_("A DaemonSet on every node that mounts volumes: the CSI driver's node plugin and "
        "node-driver-registrar."),
     N_("Mounts and unmounts the volumes of the Pods on its node when the kubelet asks."),
     N_("Called by the kubelet over a Unix socket (CSI Node service); the storage system."),
     N_("none (Unix socket)"),
     "https://kubernetes-csi.github.io/docs/deploying.html"),
    ("external-dns", "addon",
     N_("A Deployment, one replica, on any node."),
     N_("Reads the host names that Services and Ingresses ask for and creates, updates or "
        "deletes the matching records at an external DNS provider. It is not a DNS server "
        "itself."),
     N_("kube-apiserver through the kubernetes Service (watch); the DNS provider's API."),
     N_("7979/TCP (metrics)"),
     "https://kubernetes-sigs.github.io/external-dns/"),
    ("prometheus", "addon",
     N_("Usually a StatefulSet or Deployment in a monitoring namespace; it can also run "
        "outside the cluster."),
     N_("Scrapes metrics over HTTP from its targets, stores them as time series, evaluates "
        "recording and alerting rules and sends alerts to Alertmanager."),
     N_("kube-apiserver through the kubernetes Service, to discover targets; each target "
        "directly (pull), such as node-exporter on 9100."),
     "9090/TCP",
     "https://prometheus.io/docs/introduction/overview/"),
    ("node-exporter", "addon",
     N_("A DaemonSet on every node, control plane included, on the host network."),
     N_("Exposes the host's own metrics (CPU, memory, disks, file systems, network) for "
        "Prometheus."),
     N_("Nothing: Prometheus scrapes it; it does not call the API."),
     "9100/TCP",
     "https://github.com/prometheus/node_exporter"),
    ("argocd", "addon",
     N_("Deployments and a StatefulSet (the application controller) in the argocd "
        "namespace."),
     N_("GitOps: pulls the desired state from Git or Helm repositories and applies it to "
        "the cluster, showing what is out of sync."),
     N_("kube-apiserver through the kubernetes Service (its own cluster); the Git servers; "
        "users reach its API server and web UI on 443."),
     N_("8080/TCP (server); 8081/TCP (repo server)"),
     "https://argo-cd.readthedocs.io/en/stable/operator-manual/architecture/"),
    ("flux", "addon",
     N_("Deployments in the flux-system namespace (source, kustomize, helm and notification "
        "controllers)."),
     N_("GitOps: fetches Git, OCI and Helm sources and reconciles the cluster with them."),
     N_("kube-apiserver through the kubernetes Service; the Git and OCI repositories; "
        "between its controllers over HTTP."),
     N_("9090/TCP (artifacts); 9292/TCP (webhook receiver)"),
     "https://fluxcd.io/flux/components/"),
    ("helm", "client",
     N_("Outside the cluster: a workstation or a CI job with a kubeconfig. Helm 3 has no "
        "component in the cluster."),
     N_("The package manager: renders charts on the client and creates, upgrades or deletes "
        "their objects through the API, recording each release in a Secret of its "
        "namespace."),
     N_("kube-apiserver through the cluster endpoint of the kubeconfig; chart repositories "
        "and OCI registries."),
     N_("none (connects to 6443)"),
     "https://helm.sh/docs/faq/changes_since_helm2/"),
    ("kube-vip", "infra",
     N_("A static Pod on every control-plane node (host network), or a DaemonSet."),
     N_("Holds a virtual IP for the control-plane endpoint: the instance elected leader "
        "through a Lease answers for it (ARP) and another takes it over when it fails; in "
        "BGP mode every node announces it. It only balances when its IPVS mode is on."),
     N_("The API server on its own node (its Lease); the network (gratuitous ARP or BGP)."),
     N_("2112/TCP (metrics)"),
     "https://kube-vip.io/docs/about/architecture/"),
    ("keepalived", "infra",
     N_("On the load-balancer hosts, or as a static Pod on every control-plane node "
        "(kubeadm's guide); every host in the same subnet."),
     N_("Moves a virtual IP between hosts with VRRP: the healthy host with the highest "
        "priority holds it. In kubeadm's recipe it does not balance; HAProxy does."),
     N_("The other keepalived instances (VRRP, IP protocol 112); a health check of the API "
        "server."),
     N_("none (VRRP, IP protocol 112)"),
     "https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md"),
    ("haproxy", "infra",
     N_("On the load-balancer hosts, or as a static Pod on every control-plane node; then it "
        "listens on another port than the API server, such as 8443."),
     N_("Balances TCP connections over every API server that passes its health check "
        "(GET /healthz); TLS goes through to the API servers."),
     N_("Every kube-apiserver (6443)."),
     N_("the endpoint's port (6443, or 8443 beside an API server)"),
     "https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md"),
)

#: Conversations the diagram draws for these entries: (source, target, port, protocol,
#: route, source URL), as in :data:`~.components.TALKS`.
_SERVICE = N_("through the kubernetes Service (ClusterIP); not through the load balancer")
TALKS: tuple[tuple[str, str, str, str, str, str], ...] = (
    *((name, "kube-apiserver", "443", "HTTPS", _SERVICE, url) for name, role, *_t, url
      in ENTRIES if role == "addon" and name not in ("csi-node", "node-exporter")),
    ("helm", "load-balancer", "6443", "HTTPS",
     N_("to the cluster endpoint of the kubeconfig, like kubectl"),
     "https://helm.sh/docs/faq/changes_since_helm2/"),
    ("kube-vip", "kube-apiserver", "6443", "HTTPS",
     N_("to the API server on the same node (its Lease)"),
     "https://kube-vip.io/docs/installation/static/"),
    ("haproxy", "kube-apiserver", "6443", "TCP",
     N_("to every API server that passes the health check"),
     "https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md"),
    ("load-balancer", "haproxy", "8443", "TCP",
     N_("the virtual IP held by keepalived leads to HAProxy on that node, which listens "
        "beside the API server on another port"),
     "https://github.com/kubernetes/kubeadm/blob/main/docs/ha-considerations.md"),
)

#: Names people write for them.
ALIASES: dict[str, str] = {
    "metrics": "metrics-server",
    "ingress": "ingress-nginx",
    "ingress-controller": "ingress-nginx",
    "nginx-ingress-controller": "ingress-nginx",
    "certmanager": "cert-manager",
    "autoscaler": "cluster-autoscaler",
    "csi-controller-plugin": "csi-controller",
    "csi-node-plugin": "csi-node",
    "externaldns": "external-dns",
    "prometheus-server": "prometheus",
    "argo-cd": "argocd",
    "argo": "argocd",
    "fluxcd": "flux",
    "flux2": "flux",
    "helm3": "helm",
    "kubevip": "kube-vip",
}
#: Names that stand for several components at once.
BUNDLES: dict[str, tuple[str, ...]] = {
    "csi-driver": ("csi-controller", "csi-node"),
    "csi": ("csi-controller", "csi-node"),
}
