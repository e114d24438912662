"""High-availability findings and teaching notes derived from the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import failures
from .diagnostics import Collector, Diagnostic, Subtype
from .failures import etcd_members
from .i18n import N_, Translator
from .model import Cluster, failures_tolerated, quorum
from .vocabulary import ETCD_ADVISED_MAX, HA_MINIMUM, LB_ON_NODES, EtcdTopology


def ha_findings(cluster: Cluster) -> list[Diagnostic]:
    """HA problems of a valid cluster, as warnings located at the responsible key."""
    found = Collector()

    def add(key: str, subtype: Subtype, message: str) -> None:
        found.warn(cluster.lines.get(key, 1), subtype, message)

    cp = cluster.control_plane.count
    if cp == 1 and "control-plane" not in cluster.assumed:
        add("control-plane", Subtype.HA_SINGLE,
            f"one control-plane node is a single point of failure; use at least {HA_MINIMUM} "
            "for high availability")
    members = cluster.etcd_members
    key = "etcd" if cluster.etcd is EtcdTopology.EXTERNAL else "control-plane"
    small_external = cluster.etcd is EtcdTopology.EXTERNAL and members < HA_MINIMUM
    if members >= 2 and members % 2 == 0 and not small_external:
        same = members - 1
        tolerated = failures_tolerated(members)
        add(key, Subtype.HA_QUORUM,
            f"{members} etcd members need a quorum of {quorum(members)} and tolerate "
            f"{tolerated} failure{'' if tolerated == 1 else 's'}, the same as {same} "
            f"member{'' if same == 1 else 's'}; an even member count adds a machine that can "
            "fail without adding tolerance")
    if members > ETCD_ADVISED_MAX:
        add(key, Subtype.HA_QUORUM,
            f"{members} etcd members: etcd advises at most {ETCD_ADVISED_MAX}, as every write "
            "must reach a majority and larger clusters write more slowly")
    if small_external:
        add("etcd", Subtype.HA_EXTERNAL_ETCD,
            f"external etcd with {members} member(s) tolerates no failure; use at least "
            f"{HA_MINIMUM}")
    if cluster.apiservers > 1 and not cluster.has_lb:
        add("load-balancer" if "load-balancer" in cluster.lines else "control-plane",
            Subtype.HA_LB,
            f"{cluster.apiservers} API servers but no load balancer: clients and nodes would "
            "depend on one of them; set load-balancer (haproxy, keepalived, kube-vip, cloud)")
    if cluster.zones:
        _zone_findings(cluster, lambda message: add("zones", Subtype.HA_ZONE, message))
    return sorted(found.diagnostics)


def _zone_findings(cluster: Cluster, add: Callable[[str], None]) -> None:
    """``ha-zone``: the control plane in one zone, or a zone whose loss loses quorum."""
    cp = [f"cp-{i}" for i in range(1, cluster.control_plane.count + 1)]
    cp_zones = {cluster.zone_of(m) for m in cp}
    if len(cp) >= 2 and len(cp_zones) == 1 and "" not in cp_zones:
        add(f"every control-plane node is in zone {cp_zones.pop()!r}: losing that zone takes "
            "the whole control plane down; spread it over three zones")
        return
    members = etcd_members(cluster)
    if len(members) < HA_MINIMUM:
        return  # a single machine's loss already loses quorum (ha-single, ha-quorum)
    need = quorum(len(members))
    for zone, machines in cluster.zones:
        inside = sum(m in machines for m in members)
        if len(members) - inside < need:
            add(f"losing zone {zone!r} loses etcd quorum: it holds {inside} of the "
                f"{len(members)} members and a write needs {need}; spread them over three "
                "zones so that no zone holds a majority")
            return


@dataclass(frozen=True)
class Note:
    id: str
    text: str
    url: str
    silences: tuple[Subtype, ...] = ()


NOTES: dict[str, Note] = {
    n.id: n
    for n in (
        Note(
            "kubectl-client",
            N_("kubectl is a client, not a node component: it runs wherever someone has a "
               "kubeconfig (a laptop, a bastion, a CI job) and talks to the API server through "
               "the load balancer. The agent that every node runs is the kubelet."),
            "https://kubernetes.io/docs/reference/kubectl/",
        ),
        Note(
            "workers-parity",
            N_("Workers have no odd or even rule. Their number follows from capacity: enough "
               "spare room to reschedule the Pods of a node that fails, spread over failure "
               "zones."),
            "https://kubernetes.io/docs/concepts/architecture/",
        ),
        Note(
            "odd-control-plane",
            N_("The advice to use an odd number of control-plane nodes comes from etcd: a write "
               "needs a majority of members, so 4 members survive 1 failure, just like 3. With "
               "stacked etcd each control-plane node is a member, hence 3, 5 or 7 nodes."),
            "https://etcd.io/docs/v3.5/faq/",
            (Subtype.HA_QUORUM,),
        ),
        Note(
            "single-control-plane",
            N_("With a single control-plane node the cluster is not highly available: if that "
               "node fails, nothing can change the cluster until it is back. High availability "
               "needs at least three control-plane nodes behind a load balancer."),
            "https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/",
            (Subtype.HA_SINGLE,),
        ),
    )
}


def automatic_notes(cluster: Cluster) -> list[str]:
    """Notes the model itself calls for (misconceptions visible in the spec)."""
    notes = []
    if cluster.control_plane.has("kubectl") or (cluster.workers.count
                                                 and cluster.workers.has("kubectl")):
        notes.append("kubectl-client")
    return notes


def summary(cluster: Cluster, _: Translator) -> list[str]:
    """Short HA summary lines printed under every diagram."""
    lines: list[str] = []
    members = cluster.etcd_members
    if members == 0 and cluster.datastore:
        lines.append(_("Cluster state: kept in {store} instead of etcd, so there is no etcd "
                       "quorum").format(store=cluster.datastore))
    elif members == 0:
        lines.append(_("etcd: no members yet, so the cluster has nowhere to keep its state"))
    else:
        where = (_("stacked on the control-plane nodes") if cluster.etcd is EtcdTopology.STACKED
                 else _("on dedicated hosts"))
        tolerated = failures_tolerated(members)
        lines.append(
            _("etcd ({where}): {members}, quorum {quorum}, {tolerates}").format(
                where=where,
                members=_.n("{n} member", "{n} members", members).format(n=members),
                quorum=quorum(members),
                tolerates=_.n("tolerates {n} failure", "tolerates {n} failures",
                              tolerated).format(n=tolerated),
            ))
    cp = cluster.control_plane.count
    api = cluster.apiservers
    nodes = _.n("{n} control-plane node", "{n} control-plane nodes", cp).format(n=cp)
    if api == 0:
        lines.append(_("Control plane: {nodes}, no API server yet").format(nodes=nodes))
    elif cluster.lb_on_nodes is not None:
        # No separate machine; the virtual IP still needs the nodes that can hold it.
        lines.append(_("Control plane: {nodes}; {api} active behind a virtual IP ({lb}) that "
                       "one control-plane node holds at a time: no separate load-balancer "
                       "machine").format(
            nodes=nodes, lb=" + ".join(LB_ON_NODES[cluster.lb_on_nodes.type]),
            api=_.n("{n} API server", "{n} API servers", api).format(n=api)))
    elif cluster.has_lb and cluster.load_balancer == "keepalived":
        # keepalived gives a virtual IP; it does not balance.
        lines.append(_("Control plane: {nodes}; {api} active, reached through a virtual IP "
                       "(keepalived) that one host holds at a time").format(
            nodes=nodes, api=_.n("{n} API server", "{n} API servers", api).format(n=api)))
    elif cluster.has_lb:
        lines.append(_("Control plane: {nodes}; {api} active behind the load balancer "
                       "({lb})").format(
            nodes=nodes, lb=cluster.load_balancer,
            api=_.n("{n} API server", "{n} API servers", api).format(n=api)))
    else:
        lines.append(_("Control plane: {nodes}; {api}, no load balancer").format(
            nodes=nodes, api=_.n("{n} API server", "{n} API servers", api).format(n=api)))
    leaders = [c for c in ("kube-scheduler", "kube-controller-manager")
               if cluster.control_plane.has(c)]
    if leaders and cp > 1:
        lines.append(_("{names}: each elects one leader through a Lease of its own, "
                       "{standby} on standby; the leaders drawn are one possible state").format(
            names=_(" and ").join(leaders), standby=cp - 1))
    workers = cluster.workers.count
    line = _.n("Workers: {n} node", "Workers: {n} nodes", workers).format(n=workers)
    named = [p for p in cluster.pools if p.name]
    if named:
        line = _("{workers} in {n} pools: {pools}").format(
            workers=line, n=len(named),
            pools=", ".join(f"{p.name} ({p.count})" for p in named))
    lines.append(line)
    if cluster.zones:
        lines.append(_.n("Zone: {zones}", "Zones: {zones}", len(cluster.zones)).format(
            zones="; ".join(f"{zone} ({failures.shortened(list(map(cluster.name_of, machines)), _) or '—'})"
                            for zone, machines in cluster.zones)))
    # What is down, and what follows from it.
    lines.extend(failures.lines(failures.verdict(cluster), cluster, _))
    return lines
