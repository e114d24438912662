"""Plain-text views of a cluster: the accessible description and the text-builder topology."""

from __future__ import annotations

from .findings import summary
from .graph import Graph
from .i18n import N_, Translator
from .model import Cluster
from .vocabulary import LB_ON_NODES, EtcdTopology


def _names(components: tuple[str, ...], cluster: Cluster, _: Translator) -> str:
    shown = [cluster.runtime if c == "container-runtime" else c for c in components]
    return ", ".join(shown) if shown else _("no components yet")


def alt_text(cluster: Cluster, _: Translator) -> str:
    """One paragraph that says what the picture shows, generated from the model."""
    parts = []
    title = cluster.title or _("Kubernetes cluster")
    cp = cluster.control_plane
    parts.append(_.n("{title}: {n} control-plane node running {components}.",
                     "{title}: {n} control-plane nodes, each running {components}.",
                     cp.count).format(title=title, n=cp.count,
                                      components=_names(cp.components, cluster, _)))
    if cluster.etcd is EtcdTopology.EXTERNAL and cluster.external_etcd_members:
        parts.append(_.n("{n} dedicated etcd host; every API server talks to it.",
                         "{n} dedicated etcd hosts; every API server talks to every member.",
                         cluster.external_etcd_members).format(
                             n=cluster.external_etcd_members))
    if cluster.lb_on_nodes is not None:
        parts.append(_("A virtual IP ({lb}), held by one control-plane node at a time, "
                       "stands in front of the API servers.").format(
            lb=" + ".join(LB_ON_NODES[cluster.lb_on_nodes.type])))
    elif cluster.has_lb and cluster.load_balancer == "keepalived":
        parts.append(_("A virtual IP (keepalived) stands in front of the API servers."))
    elif cluster.has_lb:
        parts.append(_("A load balancer ({lb}) sits in front of the API servers.").format(
            lb=cluster.load_balancer))
    for pool in cluster.pools:
        if not pool.count:
            continue
        if pool.name:
            parts.append(_.n("Pool {name}: {n} worker running {components}.",
                             "Pool {name}: {n} workers, each running {components}.",
                             pool.count).format(name=pool.name, n=pool.count,
                                                components=_names(pool.components, cluster, _)))
        else:
            parts.append(_.n("{n} worker running {components}.",
                             "{n} workers, each running {components}.", pool.count).format(
                n=pool.count, components=_names(pool.components, cluster, _)))
    if cluster.own:
        parts.append(_("The project's own components: {names}.").format(
            names=", ".join(f"{o.label} ({o.runs_on})" for o in cluster.own)))
    if cluster.clients:
        parts.append(_("Outside the cluster: {clients}.").format(
            clients=", ".join(cluster.clients)))
    parts.extend(f"{line}." for line in summary(cluster, _))
    return " ".join(parts)


def topology_lines(graph: Graph, _: Translator) -> list[str]:
    """Machines and conversations, one per line, for text and man output."""
    labels = {n.id: n.label for g in graph.groups for n in g.nodes}
    labels.update({n.id: n.label for n in graph.free + graph.clients})
    lines = []
    for group in graph.groups:
        comps = ", ".join(n.label + (f" ({n.sublabel})" if n.sublabel else "")
                          for n in group.nodes) or _("no components yet")
        name = f"{group.title} ({group.label})" if group.title else group.label
        lines.append(f"[{name}] {comps}")
    if graph.free:
        lines.extend(f"[{n.label}] {n.sublabel}" for n in graph.free)
    if graph.clients:
        lines.append(_("[outside the cluster] {clients}").format(
            clients=", ".join(n.label for n in graph.clients)))
    counted: dict[tuple[str, str, str, str], int] = {}
    for edge in graph.edges:
        arrow = "<->" if edge.kind == "peer" else "->"
        how = edge.label
        if edge.kind == "service":
            how = _("{port}, through the kubernetes Service").format(port=edge.label)
        key = (labels.get(edge.tail, edge.tail), arrow, labels.get(edge.head, edge.head), how)
        counted[key] = counted.get(key, 0) + 1
    if counted:
        lines.append(_("Conversations:"))
    for (tail, arrow, head, port), count in counted.items():
        where = f" ({port})" if port else ""
        times = f" ×{count}" if count > 1 else ""
        lines.append(f"  {tail} {arrow} {head}{where}{times}")
    return lines


def own_fields(cluster: Cluster, _: Translator) -> dict[str, list[tuple[str, str]]]:
    """The description fields (label, text) of each of the project's own components, in
    ``_``'s language: where it runs and whom it talks to, from the spec, and its own
    description in that language."""
    places = {"control-plane": _("Every control-plane node."), "workers": _("Every worker."),
              "addons": _("Pods on the cluster's nodes (an add-on)."),
              "outside": _("Outside the cluster.")}
    fields: dict[str, list[tuple[str, str]]] = {}
    for own in cluster.own:
        where = places.get(own.runs_on) or _("Every worker of the pool {pool}.").format(
            pool=own.runs_on)
        talks = ", ".join(f"{t} ({port})" if port else t for t, port in own.talks)
        ports = ", ".join(sorted({port for _t, port in own.talks if port}))
        fields[own.name] = [
            (_("Where it runs"), where),
            (_("What it does"), own.text(_.lang) or _("One of this project's own "
                                                     "components.")),
            (_("Talks to"), talks or _("Nothing that the figure draws.")),
            (_("Port"), ports or _("not given")),
        ]
    return fields


#: A sentence added to one field (``where`` or ``talks``) of a component's description: the
#: field, an English msgid and its format values, kept untranslated until the page is
#: written in the reader's language.
Note = tuple[str, str, dict[str, str]]


def component_notes(cluster: Cluster) -> dict[str, list[Note]]:
    """What the catalog text of a component cannot say, because it depends on this cluster
    (its Kubernetes release, its distribution, its etcd hosts)."""
    notes: dict[str, list[Note]] = {}
    version = {"version": cluster.version_text}
    if cluster.control_plane.has("kubelet"):
        note: Note
        if cluster.is_k3s:
            note = ("talks", N_("In this k3s cluster the kubelet of a server talks to the API server "
                       "of the same server; an agent's talks to a k3s server, and the agent "
                       "spreads its connections over every server."), {})
        elif cluster.kubelet_local:
            note = ("talks", N_("In this figure (Kubernetes {version}) the kubelet of each "
                       "control-plane node talks to the local API server."), version)
        else:
            note = ("talks", N_("In this figure (Kubernetes {version}, before 1.33) the kubelet of "
                       "each control-plane node talks to the cluster endpoint, like the "
                       "workers."), version)
        notes.setdefault("kubelet", []).append(note)
    if cluster.etcd is EtcdTopology.EXTERNAL and "kubelet" in cluster.etcd_host:
        notes.setdefault("kubelet", []).append(
            ("where", N_("On the external etcd hosts the kubelet only keeps etcd running as a static "
                "Pod (kubeadm's recipe); it does not join the cluster."), {}))
    if cluster.lb_on_nodes is not None and cluster.control_plane.count > 1:
        holder = LB_ON_NODES[cluster.lb_on_nodes.type][0]
        how = (N_("The figure shows cp-1 holding the virtual IP; the instances elect one "
                  "holder through a Lease, and another takes the address over when it fails. "
                  "Electing a holder needs the API, so the control plane's majority too.")
               if holder == "kube-vip" else
               N_("The figure shows cp-1 holding the virtual IP (VRRP master); when it or "
                  "its API server fails, the healthy host with the highest priority takes "
                  "the address over."))
        notes.setdefault(holder, []).append(("where", how, {}))
    if cluster.is_k3s and "kube-proxy" in cluster.all_components():
        notes.setdefault("kube-proxy", []).append(
            ("talks", N_("In k3s it runs inside the k3s process and reaches the API the way the "
                "kubelet of the same node does."), {}))
    return notes

