"""The machines of a spec: the control-plane pool, the worker pools, etcd's topology and
the load balancer (a separate machine, or on the control-plane nodes)."""

from __future__ import annotations

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
    LB_KEYS,
    LB_KINDS,
    LB_LABEL_MAX,
    LB_ON_NODES,
    LIMITS,
    NAMED_POOL_KEYS,
    POOL_KEYS,
    POOL_NAME,
    POOL_NAME_MAX,
    RESERVED_POOL_NAMES,
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
