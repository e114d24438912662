"""The machines of a spec: the control-plane pool, the worker pools, etcd's topology and
the load balancer (a separate machine, or on the control-plane nodes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import components as comp
from .checker import Checker
from .diagnostics import Subtype, closest, describe_value, did_you_mean
from .model import LoadBalancerOnNodes, Pool
from .vocabulary import (
    DEFAULTS,
    ETCD_HOST_DEFAULT,
    ETCD_KEYS,
    EXTERNAL_MEMBERS_DEFAULT,
    LB_FAILURE,
    LB_KEYS,
    LB_KINDS,
    LB_LABEL_MAX,
    LB_ON_NODES,
    LIMITS,
    NAME_MAX,
    NAMED_POOL_KEYS,
    POOL_KEYS,
    POOL_NAME,
    POOL_NAME_MAX,
    RESERVED_POOL_NAMES,
    ZONE_NAME,
    EtcdTopology,
)
from .yamlspec import Path


def index_of(pool: Any, name: str) -> int:
    """The index of ``name`` in a pool's ``components`` list as written (0 if absent)."""
    if isinstance(pool, dict) and isinstance(pool.get("components"), list):
        for index, item in enumerate(pool["components"]):
            if isinstance(item, str) and comp.resolve(item) == name:
                return index
    return 0


def pool(check: Checker, value: Any, key: str, default: tuple[str, ...],
         path: Path | None = None, keys: tuple[str, ...] = POOL_KEYS, name: str = ""
         ) -> Pool | None:
    """A count, or ``{count, components}`` (with ``name`` in the list form of workers)."""
    path = path if path is not None else (key,)
    if isinstance(value, dict):
        check.unknown_keys(value, keys, path, key)
        count = check.count(value.get("count", DEFAULTS[key]),
                            (*path, "count"), f"{key} count", LIMITS[key])
        if "components" in value:
            names = check.names(value["components"], (*path, "components"),
                                f"{key} components")
        else:
            names = list(default)
    else:
        count = check.count(value, path, key, LIMITS[key])
        names = list(default)
    if count is None or names is None:
        return None
    return Pool(count, tuple(names), name)


def worker_pools(check: Checker, value: Any, default: tuple[str, ...]
                 ) -> tuple[Pool, ...] | None:
    """``workers``: a count or one ``{count, components}`` (one unnamed pool), or a list of
    named pools ``- {name: gpu, count: 2, components: [...]}``."""
    if not isinstance(value, list):
        single = pool(check, value, "workers", default)
        return (single,) if single is not None else None
    if not value:
        check.error(("workers",), Subtype.VALUE,
                    "workers is an empty list; give a count or at least one pool")
        return None
    pools: list[Pool] = []
    failed = False
    for index, entry in enumerate(value):
        path: Path = ("workers", index)
        if not isinstance(entry, dict):
            check.error(path, Subtype.TYPE, f"a worker pool must be a mapping such as "
                        f"{{name: gpu, count: 2}}, not {describe_value(entry)}")
            failed = True
            continue
        name = _pool_name(check, entry.get("name"), path, "name" in entry,
                          [p.name for p in pools])
        made = pool(check, entry, "workers", default, path, NAMED_POOL_KEYS, name or "")
        if name is None or made is None:
            failed = True
            continue
        pools.append(made)
    total = sum(p.count for p in pools)
    high = LIMITS["workers"][1]
    if not failed and total > high:
        check.error(("workers",), Subtype.VALUE,
                    f"the worker pools hold {total} workers; the limit is {high}")
        return None
    return None if failed else tuple(pools)


def _pool_name(check: Checker, value: Any, path: Path, given: bool,
               taken: list[str]) -> str | None:
    where: Path = (*path, "name") if given else path
    if not isinstance(value, str) or not value.strip():
        check.error(where, Subtype.TYPE if given else Subtype.VALUE,
                    f"a worker pool in a list needs a name, such as gpu, not "
                    f"{describe_value(value)}")
        return None
    name = value.strip()
    if len(name) > POOL_NAME_MAX or not POOL_NAME.fullmatch(name):
        check.error(where, Subtype.VALUE,
                    f"pool name {name!r} must be lower-case letters, digits and hyphens, at "
                    f"most {POOL_NAME_MAX} characters: it names the machines ({name}-1, …)")
        return None
    if name in RESERVED_POOL_NAMES:
        check.error(where, Subtype.VALUE,
                    f"pool name {name!r} is taken by the control plane's or etcd's machines")
        return None
    if name in taken:
        check.error(where, Subtype.VALUE, f"there are two worker pools named {name!r}")
        return None
    return name


def load_balancer(check: Checker, value: Any) -> tuple[str, LoadBalancerOnNodes | None]:
    """A kind or label (a separate machine), or ``{type: kube-vip, on: control-plane}``
    (the load balancer runs on the control-plane nodes). Returns the label and, for the
    second form, what runs on the nodes."""
    path: Path = ("load-balancer",)
    if isinstance(value, dict):
        # YAML 1.1 (PyYAML) reads an unquoted "on" key as the boolean true.
        on_path: Path = (*path, "True" if True in value else "on")
        value = {("on" if key is True else key): v for key, v in value.items()}
        check.unknown_keys(value, LB_KEYS, path, "load-balancer")
        kind = value.get("type")
        on = value.get("on", "control-plane")
        types = tuple(LB_ON_NODES)
        if not isinstance(kind, str) or kind.strip().lower() not in types:
            where: Path = (*path, "type") if "type" in value else path
            check.error(where, Subtype.VALUE,
                        f"a load balancer on the control-plane nodes is of type "
                        f"{' or '.join(types)}, not {describe_value(kind)}"
                        + did_you_mean(closest(kind, types)))
            return "none", None
        if on != "control-plane":
            check.error(on_path, Subtype.VALUE,
                        f"load-balancer 'on' can only be control-plane, not "
                        f"{describe_value(on)}; a separate load balancer is written as a "
                        "label, such as load-balancer: haproxy")
            return "none", None
        kind = kind.strip().lower()
        return kind, LoadBalancerOnNodes(kind)
    label = "none" if value is None or value is False else value
    if not isinstance(label, str) or not label.strip():
        check.error(path, Subtype.TYPE,
                    f"load-balancer must be one of {', '.join(LB_KINDS)} or a label, "
                    f"not {describe_value(label)}")
        label = "none"
    label = label.strip()
    if label.lower() in LB_KINDS:
        label = label.lower()
    if len(label) > LB_LABEL_MAX:
        check.error(path, Subtype.VALUE, "load-balancer label is longer than "
                    f"{LB_LABEL_MAX} characters")
    return label, None


def etcd(check: Checker, value: Any
          ) -> tuple[EtcdTopology | None, int, tuple[str, ...] | None]:
    """The topology, the external member count and what each external etcd host runs."""
    path: Path = ("etcd",)
    members: Any = EXTERNAL_MEMBERS_DEFAULT
    if isinstance(value, dict):
        check.unknown_keys(value, ETCD_KEYS, path, "etcd")
        topology = value.get("topology", DEFAULTS["etcd"])
        members = value.get("members", EXTERNAL_MEMBERS_DEFAULT)
        path_t: Path = (*path, "topology")
    else:
        topology = value
        path_t = path
    if not isinstance(topology, str) or topology.lower() not in tuple(EtcdTopology):
        check.error(path_t, Subtype.VALUE,
                    f"etcd topology must be 'stacked' or 'external', not {describe_value(topology)}")
        return None, 0, None
    kind = EtcdTopology(topology.lower())
    if kind is EtcdTopology.STACKED:
        for key, why in (("members", "set the control-plane count instead of members"),
                         ("components", "list them under control-plane components")):
            if isinstance(value, dict) and key in value:
                check.error((*path, key), Subtype.VALUE,
                            f"stacked etcd has one member per control-plane node; {why}")
                return None, 0, None
        return kind, 0, ETCD_HOST_DEFAULT
    count = check.count(members, (*path, "members"), "external etcd members", LIMITS["members"])
    host: tuple[str, ...] | None = ETCD_HOST_DEFAULT
    if isinstance(value, dict) and "components" in value:
        names = check.names(value["components"], (*path, "components"), "etcd components")
        host = tuple(names) if names is not None else None
        if names is not None and "etcd" not in names:
            check.error((*path, "components"), Subtype.VALUE,
                        "external etcd hosts run etcd; add it to their components")
            host = None
        for name in names or []:
            if name != "etcd" and comp.CATALOG[name].role is not comp.Role.NODE:
                check.warn((*path, "components"), Subtype.PLACEMENT,
                           f"{name} does not run on an external etcd host")
    if count is None:
        return None, 0, None
    return kind, count, host


def names(check: Checker, value: Any, known: list[str]) -> dict[str, str] | None:
    """``names``: each machine (as drawn: cp-1, worker-2) → its real name, such as a Node's
    name. Returns the mapping, or None after an error."""
    path: Path = ("names",)
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.error(path, Subtype.TYPE, f"names must map machines to their real names, such "
                    f"as {{cp-1: ip-10-0-1-17}}, not {describe_value(value)}")
        return None
    result: dict[str, str] = {}
    taken: dict[str, str] = {}
    failed = False
    for machine, name in value.items():
        where: Path = (*path, str(machine))
        if not isinstance(machine, str) or machine not in known:
            check.error(where, Subtype.VALUE, f"names: {machine!r} is no machine of this "
                        "cluster" + did_you_mean(closest(str(machine), known)))
            failed = True
            continue
        text = name.strip() if isinstance(name, str) else ""
        if not text or len(text) > NAME_MAX or not text.isprintable():
            check.error(where, Subtype.VALUE, f"the name of {machine} must be printable text "
                        f"of 1 to {NAME_MAX} characters, not {describe_value(name)}")
            failed = True
        elif text in taken or (text in known and text != machine):
            check.error(where, Subtype.VALUE, f"{text!r} already names "
                        f"{taken.get(text, text)}; each machine needs its own name")
            failed = True
        else:
            taken[text] = machine
            result[machine] = text
    return None if failed else result


def zones(check: Checker, value: Any, groups: list[list[str]],
          aliases: dict[str, str] | None = None
          ) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    """``zones``: a list of zone names, over which each group of machines (the control
    plane, external etcd, each worker pool) is spread in turn (cp-1 in the first zone,
    cp-2 in the second, …); or a mapping of each zone to its machines (as drawn, or by the
    real names that ``aliases`` maps back)."""
    path: Path = ("zones",)
    aliases = aliases or {}
    if value is None:
        return ()
    known = [m for group in groups for m in group]
    if isinstance(value, list):
        names: list[str] = []
        for index, zone in enumerate(value):
            name = _zone_name(check, zone, (*path, index), names)
            if name is None:
                return None
            names.append(name)
        if not names:
            check.error(path, Subtype.VALUE, "zones is an empty list; name at least one zone")
            return None
        members: dict[str, list[str]] = {name: [] for name in names}
        for group in groups:
            for index, machine in enumerate(group):
                members[names[index % len(names)]].append(machine)
        return tuple((name, tuple(machines)) for name, machines in members.items())
    if not isinstance(value, dict):
        check.error(path, Subtype.TYPE, f"zones must be a list of zone names or a mapping of "
                    f"zones to machines, not {describe_value(value)}")
        return None
    result: list[tuple[str, tuple[str, ...]]] = []
    placed: dict[str, str] = {}
    failed = False
    for zone, machines in value.items():
        name = _zone_name(check, zone, (*path, str(zone)), [z for z, _m in result])
        where: Path = (*path, str(zone))
        if isinstance(machines, str):
            machines = [machines]
        if name is None or not isinstance(machines, list):
            if name is not None:
                check.error(where, Subtype.TYPE, f"zone {name!r} must list machines such as "
                            f"[cp-1, worker-1], not {describe_value(machines)}")
            failed = True
            continue
        inside: list[str] = []
        for index, machine in enumerate(machines):
            at: Path = (*where, index)
            machine = aliases.get(machine, machine) if isinstance(machine, str) else machine
            if not isinstance(machine, str) or machine not in known:
                check.error(at, Subtype.VALUE, f"zone {name!r}: {machine!r} is no machine of "
                            "this cluster" + did_you_mean(closest(machine, [*known, *aliases])))
                failed = True
            elif machine in placed:
                check.error(at, Subtype.VALUE, f"{machine} is already in zone "
                            f"{placed[machine]!r}; a machine is in one zone")
                failed = True
            else:
                placed[machine] = name
                inside.append(machine)
        result.append((name, tuple(inside)))
    return None if failed else tuple(result)


def _zone_name(check: Checker, value: Any, path: Path, taken: list[str]) -> str | None:
    if not isinstance(value, str | int) or isinstance(value, bool) or \
            not ZONE_NAME.fullmatch(str(value)):
        check.error(path, Subtype.VALUE, f"a zone name is letters, digits, '.', '_' or '-' "
                    f"(such as eu-west-1a), not {describe_value(value)}")
        return None
    name = str(value)
    if name in taken:
        check.error(path, Subtype.VALUE, f"zone {name!r} is given twice")
        return None
    return name


@dataclass(frozen=True)
class Failures:
    down: frozenset[str]
    lb_down: bool
    zones: tuple[str, ...]


def failures(check: Checker, value: Any, extra: Sequence[str], known: list[str],
             zone_members: dict[str, tuple[str, ...]], lb: str,
             aliases: dict[str, str] | None = None) -> Failures | None:
    """``failures``: machines, zones and the load balancer that are down; ``extra`` are
    those the directive's ``:failures:`` option adds (reported at line 0, the option)."""
    path: Path = ("failures",)
    if value is None:
        value = []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        check.error(path, Subtype.TYPE, f"failures must be a list of machines, zones or "
                    f"load-balancer, not {describe_value(value)}")
        return None
    machines = set(known)
    aliases = aliases or {}
    candidates = [*known, *aliases, *zone_members, LB_FAILURE]
    down: set[str] = set()
    zones_down: list[str] = []
    lb_down = False
    failed = False
    items = [((*path, index), item) for index, item in enumerate(value)]
    items += [((), item) for item in extra]
    for where, item in items:
        def error(message: str, where: Path = where) -> None:
            if where:
                check.error(where, Subtype.VALUE, message)
            else:
                # The front end names its option (``:failures:``, ``--failures``).
                check.found.error(0, Subtype.OPTION, message)

        if not isinstance(item, str):
            error(f"a failure names a machine, a zone or load-balancer, not "
                  f"{describe_value(item)}")
            failed = True
        elif item == LB_FAILURE:
            if lb == "none":
                error("this cluster has no load balancer to fail")
                failed = True
            elif lb in LB_ON_NODES:
                error("the load balancer runs on the control-plane nodes: fail those "
                      "nodes instead")
                failed = True
            lb_down = True
        elif item in zone_members:
            zones_down.append(item)
            down.update(zone_members[item])
        elif item in machines or item in aliases:
            down.add(aliases.get(item, item))
        else:
            error(f"{item!r} is no machine, zone or load balancer of this cluster"
                  + did_you_mean(closest(item, candidates)))
            failed = True
    return None if failed else Failures(frozenset(down), lb_down, tuple(zones_down))
