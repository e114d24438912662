"""What keeps working when machines, a zone or the load balancer are down.

Everything here is computed from the model: etcd's majority rule, which API servers are
left and whether nodes and clients can reach one, where the elected leaders were drawn,
and which workers are gone. The verdict's text (summary lines under a figure, the CLI)
is assembled from these facts, never written per scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from .i18n import Translator
from .model import Cluster, quorum
from .vocabulary import (
    COLLAPSE_ABOVE,
    LB_FAILURE,
    LB_ON_NODES,
    LEASE_DURATION,
    SHOWN,
    UNREACHABLE_TOLERATION,
    EtcdTopology,
)

#: Load balancers that are redundant by themselves: a virtual IP that moves between hosts,
#: or a provider's managed service. Failing one means every instance failed.
REDUNDANT_LB = ("keepalived", "kube-vip", "cloud")
#: Leader-elected components whose failover the verdict tells about.
ELECTED = ("kube-scheduler", "kube-controller-manager", "cloud-controller-manager")


class Api(StrEnum):
    """Can the cluster's state be read and changed through the API?"""

    UP = "up"
    #: Nodes and clients have no API server to reach (all down, or the way to them is).
    UNREACHABLE = "unreachable"
    #: An API server answers, but etcd has lost quorum: nothing can change.
    NO_QUORUM = "no-quorum"


@dataclass(frozen=True)
class Etcd:
    members: int
    up: int

    @property
    def quorum(self) -> int:
        return quorum(self.members)

    @property
    def kept(self) -> bool:
        return self.up >= self.quorum


@dataclass(frozen=True)
class Verdict:
    #: None when the cluster keeps its state elsewhere (k3s with SQLite or SQL) or has no
    #: etcd member at all.
    etcd: Etcd | None
    apiservers: int
    apis_up: int
    api: Api
    #: Why the API is unreachable: "all-down", "lb-down" or "endpoint-down" (no load
    #: balancer, and the one API server that nodes and clients were given is down).
    unreachable_because: str = ""
    #: The cluster's state store (datastore) is on a machine that is down.
    datastore_down: bool = False
    #: Leader-elected components whose drawn leader is on a machine that is down.
    leaders_lost: tuple[str, ...] = ()
    #: Leader-elected components with a standby left to take over.
    standby_left: tuple[str, ...] = ()
    #: The control-plane node where the figure draws the leaders after the failover.
    new_leader: str = ""
    workers: int = 0
    workers_down: int = 0
    lb_down: bool = False
    down: tuple[str, ...] = ()
    zones_down: tuple[str, ...] = ()

    @property
    def healthy(self) -> bool:
        return not self.down and not self.lb_down


def etcd_members(cluster: Cluster) -> list[str]:
    """The machines that hold an etcd member."""
    if cluster.etcd is EtcdTopology.EXTERNAL:
        return [f"etcd-{i}" for i in range(1, cluster.external_etcd_members + 1)]
    if not cluster.control_plane.has("etcd"):
        return []
    return [f"cp-{i}" for i in range(1, cluster.control_plane.count + 1)]


def verdict(cluster: Cluster) -> Verdict:
    """The state of ``cluster`` with its ``failures`` down."""
    down = cluster.down
    members = etcd_members(cluster)
    etcd = Etcd(len(members), sum(m not in down for m in members)) if members else None
    cp = [f"cp-{i}" for i in range(1, cluster.control_plane.count + 1)]
    cp_up = [m for m in cp if m not in down]
    apiservers = cluster.apiservers
    apis_up = len(cp_up) if apiservers else 0
    # k3s keeps a single server's SQLite file on that server; an SQL database is outside.
    datastore_down = (etcd is None and bool(cluster.datastore) and cluster.is_k3s
                      and cluster.datastore.lower() == "sqlite" and not cp_up)
    because = ""
    if apis_up == 0:
        because = "all-down"
    elif cluster.has_lb and cluster.lb_on_nodes is None and cluster.lb_down:
        because = "lb-down"
    elif not cluster.has_lb and cp[0] in down:
        because = "endpoint-down"
    if because:
        api = Api.UNREACHABLE
    elif (etcd is not None and not etcd.kept) or datastore_down:
        api = Api.NO_QUORUM
    else:
        api = Api.UP
    elected = [c for c in ELECTED if cluster.control_plane.has(c)]
    # The figure draws every leader on cp-1 (one possible state).
    lost = tuple(elected) if cp and cp[0] in down else ()
    left = tuple(c for c in lost if cp_up)
    workers = cluster.workers.count
    workers_down = sum(1 for pool in cluster.pools for i in range(1, pool.count + 1)
                       if f"{pool.prefix}-{i}" in down)
    ordered = tuple(m for m in cluster.machines() if m in down)
    return Verdict(etcd, apiservers, apis_up, api, because, datastore_down, lost, left,
                   cp_up[0] if left else "", workers, workers_down, cluster.lb_down, ordered,
                   cluster.zones_down)


def shortened(names: list[str], _: Translator) -> str:
    """Names for a summary line, folded like the figure folds a pool: the first SHOWN and
    how many more, once there are more than COLLAPSE_ABOVE (a zone of a 500-node cluster)."""
    if len(names) <= COLLAPSE_ABOVE:
        return ", ".join(names)
    more = len(names) - SHOWN
    return _.n("{names} and {n} more", "{names} and {n} more", more).format(
        names=", ".join(names[:SHOWN]), n=more)


def lines(v: Verdict, cluster: Cluster, _: Translator) -> list[str]:
    """The verdict as summary lines (none for a healthy cluster)."""
    if v.healthy:
        return []
    result: list[str] = []
    what = [cluster.name_of(m) for m in v.down]
    if v.lb_down:
        what.append(_("the load balancer"))
    down = _("Down: {what}").format(what=shortened(what, _))
    if v.zones_down:
        down += " " + _.n("(zone {zones})", "(zones {zones})", len(v.zones_down)).format(
            zones=", ".join(v.zones_down))
    result.append(down)
    if v.etcd is not None:
        state = (_("quorum kept") if v.etcd.kept else _("quorum lost"))
        line = _.n("etcd: {up} of {n} member up, {state}", "etcd: {up} of {n} members up, "
                   "{state}", v.etcd.members).format(up=v.etcd.up, n=v.etcd.members,
                                                      state=state)
        if not v.etcd.kept:
            line += _(" (a write needs {quorum}): etcd refuses writes, so the API cannot "
                      "change cluster state; running Pods keep running, but nothing is "
                      "scheduled, scaled or repaired").format(quorum=v.etcd.quorum)
        result.append(line)
    elif v.datastore_down:
        result.append(_("Cluster state: {store} is on the server that is down: the API cannot "
                        "read or change cluster state").format(store=cluster.datastore))
    result.extend(_api_lines(v, cluster, _))
    if v.leaders_lost and v.api is Api.UP and v.standby_left:
        result.append(_("{names}: the leaders were on {first}; once each Lease expires "
                        "({seconds} s by default) a standby takes it and carries on, drawn "
                        "here on {node}").format(names=_(" and ").join(v.standby_left),
                                                 first=cluster.name_of("cp-1"),
                                         seconds=LEASE_DURATION,
                                         node=cluster.name_of(v.new_leader)))
    if v.workers_down:
        line = _("Workers: {down} of {n} down").format(down=v.workers_down, n=v.workers)
        if v.api is not Api.UP:
            line += _("; their Pods are not recreated elsewhere until the control plane "
                      "works again")
        elif v.workers_down == v.workers:
            line += _("; no worker is left, so their Pods wait (Pending) until one is back")
        else:
            line += _("; once a node is unreachable, its Pods are evicted after the default "
                      "{seconds} s toleration and their controllers recreate them on the "
                      "other nodes").format(seconds=UNREACHABLE_TOLERATION)
        result.append(line)
    return result


def _api_lines(v: Verdict, cluster: Cluster, _: Translator) -> list[str]:
    if v.apiservers == 0:
        return []
    if v.api is Api.UNREACHABLE:
        reason = {
            "all-down": _("every API server is down"),
            "lb-down": _("the load balancer in front of them is down"),
            "endpoint-down": _("without a load balancer, nodes and clients were given the "
                               "address of {first}, which is down").format(
                first=cluster.name_of("cp-1")),
        }[v.unreachable_because]
        line = _("API: unreachable for nodes and clients ({reason}); running Pods keep "
                 "running, but kubectl fails and nothing changes").format(reason=reason)
        if v.unreachable_because == "lb-down" and cluster.load_balancer in REDUNDANT_LB:
            line += _("; this load balancer is redundant already, so every one of its "
                      "instances failed at once")
        elif v.unreachable_because in ("lb-down", "endpoint-down"):
            line += _("; a redundant load balancer (a keepalived virtual IP, kube-vip, a cloud "
                      "load balancer) avoids this single point of failure")
        return [line]
    reach = ""
    if cluster.lb_on_nodes is not None and "cp-1" in v.down:
        reach = _("the virtual IP ({lb}) moves to a control-plane node that is up").format(
            lb=" + ".join(LB_ON_NODES[cluster.lb_on_nodes.type]))
    elif cluster.has_lb and cluster.lb_on_nodes is None and v.apis_up < v.apiservers:
        reach = _("the load balancer's health check stops sending requests to the API "
                  "servers that are down")
    up = _.n("{up} of {n} API server up", "{up} of {n} API servers up", v.apiservers).format(
        up=v.apis_up, n=v.apiservers)
    if v.api is Api.NO_QUORUM:
        state = _("reachable, but without etcd quorum they cannot change cluster state")
    else:
        state = _("reachable")
    return [_("API: {up}, {state}").format(up=up, state=state)
            + (f"; {reach}" if reach else "")]


# -- what-if ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    """One row of ``k8sarch what-if``: what is lost, and the verdict after it."""

    #: What is down, as a user names it: a machine, ``worker-1 … worker-5`` (each, for a
    #: pool whose machines all fare alike), ``load-balancer`` or ``zone a``.
    what: str
    kind: str  # machine | machines | load-balancer | zone
    verdict: Verdict

    @property
    def api_down(self) -> bool:
        return self.verdict.api is not Api.UP


def what_if(cluster: Cluster) -> list[Loss]:
    """Every single loss: each control-plane and etcd machine, each worker pool's machines
    (alike, so one row per pool), the load balancer when it is a machine of its own, and
    each zone; each on top of what the cluster's ``failures`` already took down (a machine
    in maintenance, say), which get no row of their own."""
    rows: list[Loss] = []

    def row(what: str, kind: str, down: tuple[str, ...] = (), lb: bool = False,
            zones: tuple[str, ...] = ()) -> None:
        scenario = replace(cluster, down=cluster.down | frozenset(down),
                           lb_down=cluster.lb_down or lb,
                           zones_down=cluster.zones_down + zones)
        rows.append(Loss(what, kind, verdict(scenario)))

    def up(machines: list[str]) -> list[str]:
        return [m for m in machines if m not in cluster.down]

    for machine in up([f"cp-{i}" for i in range(1, cluster.control_plane.count + 1)]):
        row(machine, "machine", (machine,))
    if cluster.etcd is EtcdTopology.EXTERNAL:
        for machine in up([f"etcd-{i}" for i in range(1, cluster.external_etcd_members + 1)]):
            row(machine, "machine", (machine,))
    for pool in cluster.pools:
        left = up([f"{pool.prefix}-{i}" for i in range(1, pool.count + 1)])
        if len(left) == 1:
            row(left[0], "machine", (left[0],))
        elif left:
            # Losing any one worker of a pool has the same effect.
            named = ", ".join(left) if len(left) <= 3 else f"{left[0]} … {left[-1]}"
            row(named, "machines", (left[0],))
    if cluster.has_lb and cluster.lb_on_nodes is None and not cluster.lb_down:
        row(LB_FAILURE, "load-balancer", lb=True)
    for zone, machines in cluster.zones:
        if zone not in cluster.zones_down:
            row(zone, "zone", machines, zones=(zone,))
    return rows


def etcd_cell(v: Verdict, _: Translator) -> str:
    """The etcd column of ``what-if``: "2 of 3 up, quorum kept"."""
    if v.etcd is None:
        return "—"
    return _("{up} of {n} up, {state}").format(
        up=v.etcd.up, n=v.etcd.members,
        state=_("quorum kept") if v.etcd.kept else _("quorum lost"))


def api_cell(v: Verdict, _: Translator) -> str:
    """The API column of ``what-if``."""
    if v.apiservers == 0:
        return "—"
    return {Api.UP: _("up"), Api.UNREACHABLE: _("unreachable"),
            Api.NO_QUORUM: _("down: no quorum")}[v.api]
