"""Validation: spec data (with the line of every value) → :class:`~.model.Cluster`.

Returns located diagnostics, never logs. The keys, defaults, limits and choices it checks
come from :mod:`.vocabulary`.
"""

from __future__ import annotations

from typing import Any

from . import components as comp
from .diagnostics import Collector, Diagnostic, Subtype, closest, describe_value, did_you_mean
from .model import Cluster, Pool
from .vocabulary import (
    ADDONS,
    CLIENTS_DEFAULT,
    CONTROL_PLANE_DEFAULT,
    DEFAULTS,
    DISTRIBUTIONS,
    ETCD_HOST_DEFAULT,
    ETCD_KEYS,
    EXTERNAL_MEMBERS_DEFAULT,
    KEYS,
    LB_KINDS,
    LB_LABEL_MAX,
    LIMITS,
    LINK_SCHEMES,
    MACHINE,
    MAX_LINK,
    POOL_KEYS,
    RUNTIME_FLAVOURS,
    RUNTIMES,
    TITLE_MAX,
    WORKER_DEFAULT,
    EtcdTopology,
    link_scheme,
    parse_version,
)
from .yamlspec import Loaded, Path


class _Checker:
    """A :class:`Collector` that locates each diagnostic by the path of the value."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.found = Collector()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.found.diagnostics

    def error(self, path: Path, subtype: Subtype, message: str) -> None:
        self.found.error(self.loaded.line(path), subtype, message)

    def warn(self, path: Path, subtype: Subtype, message: str) -> None:
        self.found.warn(self.loaded.line(path), subtype, message)

    def unknown_keys(self, data: dict[Any, Any], allowed: tuple[str, ...], path: Path,
                     where: str) -> None:
        for key in data:
            if key not in allowed:
                tail = did_you_mean(closest(str(key), allowed))
                self.error((*path, str(key)), Subtype.UNKNOWN_KEY,
                           f"unknown key {key!r} in {where} (allowed: {', '.join(allowed)}){tail}")

    def count(self, value: Any, path: Path, what: str, limit: tuple[int, int]) -> int | None:
        low, high = limit
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, Subtype.TYPE,
                       f"{what} must be a whole number, not {describe_value(value)}")
            return None
        if not low <= value <= high:
            self.error(path, Subtype.VALUE, f"{what} must be between {low} and {high}, not {value}")
            return None
        return value

    def names(self, value: Any, path: Path, what: str) -> list[str] | None:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, Subtype.TYPE, f"{what} must be a list of names, not {describe_value(value)}")
            return None
        result: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.error((*path, index), Subtype.TYPE,
                           f"{what} entries must be names, not {describe_value(item)}")
                continue
            name = comp.resolve(item)
            if name is None:
                self.error((*path, index), Subtype.UNKNOWN_COMPONENT,
                           f"unknown component {item!r}{did_you_mean(comp.suggest(item))}")
                continue
            if name in result:
                self.warn((*path, index), Subtype.VALUE, f"{item!r} is listed twice in {what}")
                continue
            result.append(name)
        return result


def validate(data: dict[Any, Any], loaded: Loaded, title: str = ""
          ) -> tuple[Cluster | None, list[Diagnostic]]:
    check = _Checker(loaded)
    check.unknown_keys(data, KEYS, (), "the spec")

    spec_title = data.get("title", "")
    if not isinstance(spec_title, str):
        check.error(("title",), Subtype.TYPE, f"title must be text, not {describe_value(spec_title)}")
        spec_title = ""
    elif len(spec_title) > TITLE_MAX:
        check.error(("title",), Subtype.VALUE,
                    f"title is {len(spec_title)} characters long; the limit is {TITLE_MAX}")
        spec_title = ""

    etcd, members, etcd_host = _etcd(check, data.get("etcd", DEFAULTS["etcd"]))
    cp_default = tuple(c for c in CONTROL_PLANE_DEFAULT
                       if not (c == "etcd" and etcd is EtcdTopology.EXTERNAL))
    control_plane = _pool(check, data.get("control-plane", DEFAULTS["control-plane"]),
                          "control-plane", cp_default)
    workers = _pool(check, data.get("workers", DEFAULTS["workers"]), "workers", WORKER_DEFAULT)

    lb = data.get("load-balancer", DEFAULTS["load-balancer"])
    if lb is None or lb is False:
        lb = "none"
    if not isinstance(lb, str) or not lb.strip():
        check.error(("load-balancer",), Subtype.TYPE,
                    f"load-balancer must be one of {', '.join(LB_KINDS)} or a label, "
                    f"not {describe_value(lb)}")
        lb = "none"
    lb = lb.strip()
    if lb.lower() in LB_KINDS:
        lb = lb.lower()
    if len(lb) > LB_LABEL_MAX:
        check.error(("load-balancer",), Subtype.VALUE, "load-balancer label is longer than "
                    f"{LB_LABEL_MAX} characters")

    clients = check.names(data.get("clients", list(CLIENTS_DEFAULT)), ("clients",), "clients")
    addons = check.names(data.get("addons", DEFAULTS["addons"]), ("addons",), "addons")
    for index, name in enumerate(addons or []):
        if name not in ADDONS:
            check.error(("addons", index), Subtype.VALUE,
                        f"{name!r} is not an add-on; add-ons are {', '.join(ADDONS)}")
    for index, name in enumerate(clients or []):
        # kubectl is a client; the load balancer is outside the cluster too.
        if comp.CATALOG[name].role not in (comp.Role.CLIENT, comp.Role.INFRA):
            check.warn(("clients", index), Subtype.PLACEMENT,
                       f"{name} runs inside the cluster, not as a client outside it")

    runtime = data.get("runtime", DEFAULTS["runtime"])
    if not isinstance(runtime, str) or RUNTIME_FLAVOURS.get(runtime.lower()) is None:
        check.error(("runtime",), Subtype.VALUE,
                    f"runtime must be one of {', '.join(RUNTIMES)}, not {describe_value(runtime)} "
                    "(dockershim was removed in Kubernetes 1.24)")
        runtime = DEFAULTS["runtime"]
    runtime = RUNTIME_FLAVOURS[runtime.lower()]
    for key in ("control-plane", "workers"):
        value = data.get(key)
        if isinstance(value, dict) and isinstance(value.get("components"), list):
            for item in value["components"]:
                if isinstance(item, str) and item.lower() in RUNTIME_FLAVOURS:
                    runtime = RUNTIME_FLAVOURS[item.lower()]

    if control_plane is not None and etcd is EtcdTopology.EXTERNAL and control_plane.has("etcd"):
        check.warn(("control-plane", "components"), Subtype.PLACEMENT,
                   "etcd is external, so it is not drawn on the control-plane nodes")
        control_plane = Pool(control_plane.count,
                             tuple(c for c in control_plane.components if c != "etcd"))
    if workers is not None:
        for name in workers.components:
            if comp.CATALOG[name].role is comp.Role.CONTROL_PLANE:
                index = _index_of(data.get("workers"), name)
                check.warn(("workers", "components", index), Subtype.PLACEMENT,
                           f"{name} is a control-plane component; workers do not run it")

    datastore = data.get("datastore")
    if datastore is None:
        datastore = ""
    elif not isinstance(datastore, str) or not 0 < len(datastore.strip()) <= LB_LABEL_MAX:
        check.error(("datastore",), Subtype.TYPE if not isinstance(datastore, str)
                    else Subtype.VALUE,
                    f"datastore must be a label of 1 to {LB_LABEL_MAX} characters, such as "
                    f"SQLite, not {describe_value(datastore)}")
        datastore = ""
    datastore = datastore.strip()
    if datastore and control_plane is not None and (
            etcd is EtcdTopology.EXTERNAL or control_plane.has("etcd")):
        check.error(("datastore",), Subtype.VALUE,
                    "datastore names where the state is kept instead of etcd, but this cluster "
                    "has etcd; leave etcd out of the control-plane components to use it")

    version = _version(check, data.get("kubernetes-version", DEFAULTS["kubernetes-version"]))
    distribution = data.get("distribution", DEFAULTS["distribution"])
    if not isinstance(distribution, str) or distribution.lower() not in DISTRIBUTIONS:
        check.error(("distribution",), Subtype.VALUE,
                    f"distribution must be one of {', '.join(DISTRIBUTIONS)}, not "
                    f"{describe_value(distribution)}")
        distribution = DEFAULTS["distribution"]
    distribution = distribution.lower()

    links, link_keys = _links(check, data.get("links"), {
        "cp": control_plane.count if control_plane else 0,
        "worker": workers.count if workers else 0,
        "etcd": members if etcd is EtcdTopology.EXTERNAL else 0})

    if check.found.failed or None in (control_plane, workers, clients, addons, etcd, etcd_host,
                                      version):
        return None, check.diagnostics
    assert control_plane is not None and workers is not None and etcd is not None
    assert etcd_host is not None and version is not None
    lines = {key: loaded.lines[(key,)] for key in KEYS if (key,) in loaded.lines}
    # Each link's own line, for the warning when Sphinx cannot resolve its target.
    lines.update({f"links:{name}": loaded.line(("links", raw)) for name, raw in link_keys})
    cluster = Cluster(
        title=title or spec_title,
        control_plane=control_plane,
        workers=workers,
        etcd=etcd,
        external_etcd_members=members,
        load_balancer=lb,
        clients=tuple(clients or ()),
        runtime=runtime,
        addons=tuple(addons or ()),
        datastore=datastore,
        version=version,
        distribution=distribution,
        etcd_host=etcd_host,
        assumed=loaded.assumed,
        links=links,
        lines=lines,
    )
    return cluster, check.diagnostics


def _version(check: _Checker, value: Any) -> tuple[int, int] | None:
    """``kubernetes-version`` → (1, minor)."""
    if isinstance(value, float):
        check.error(("kubernetes-version",), Subtype.TYPE,
                    f"kubernetes-version must be text: write it in quotes, such as "
                    f"'{value}', as YAML reads an unquoted 1.30 as the number 1.3")
        return None
    parsed = parse_version(value) if isinstance(value, str) else None
    if parsed is None:
        check.error(("kubernetes-version",), Subtype.VALUE,
                    f"kubernetes-version must be a release such as '1.33' or 'v1.33.2', not "
                    f"{describe_value(value)}")
    return parsed


def _links(check: _Checker, value: Any, machines: dict[str, int]
           ) -> tuple[tuple[tuple[str, str], ...], list[tuple[str, str]]]:
    """``links:`` maps a component (every box of it) or a machine (cp-1, worker-2, etcd-3)
    to a URL, ``ref:label``, ``doc:path`` or a bare label. Returns the sorted (name,
    target) pairs and the key as written for each name."""
    if value is None:
        return (), []
    if not isinstance(value, dict):
        check.error(("links",), Subtype.TYPE,
                    f"links must be a mapping of component or machine names to targets, not "
                    f"{describe_value(value)}")
        return (), []
    result: dict[str, str] = {}
    written: dict[str, str] = {}
    for key, target in value.items():
        path: Path = ("links", str(key))
        name = comp.resolve(key) if isinstance(key, str) else None
        machine = MACHINE.fullmatch(key) if isinstance(key, str) else None
        if name is None and machine is not None:
            kind, number = machine.group(1), int(machine.group(2))
            if number > machines[kind]:
                check.error(path, Subtype.VALUE,
                            f"links: {key!r} names no machine of this cluster "
                            f"({machines[kind]} {kind} machine(s))")
                continue
            name = key
        if name is None:
            tail = did_you_mean(comp.suggest(str(key)))
            check.error(path, Subtype.UNKNOWN_COMPONENT,
                        f"links: {key!r} is neither a component nor a machine such as cp-1 or "
                        f"worker-1{tail}")
            continue
        if not isinstance(target, str) or not target.strip():
            check.error(path, Subtype.TYPE,
                        f"links: the target of {key!r} must be a URL or a label, not "
                        f"{describe_value(target)}")
            continue
        target = target.strip()
        if len(target) > MAX_LINK:
            check.error(path, Subtype.VALUE,
                        f"links: the target of {key!r} is longer than {MAX_LINK} characters")
            continue
        scheme = link_scheme(target)
        if scheme is not None and scheme not in LINK_SCHEMES:
            check.error(path, Subtype.VALUE,
                        f"links: {target[:40]!r} is not allowed; use an http(s) URL, "
                        "'ref:label', 'doc:path' or a label")
            continue
        if name in result:
            check.warn(path, Subtype.VALUE, f"links: {key!r} is linked twice; the last wins")
        result[name] = target
        written[name] = str(key)
    return tuple(sorted(result.items())), sorted(written.items())


def _index_of(pool: Any, name: str) -> int:
    if isinstance(pool, dict) and isinstance(pool.get("components"), list):
        for index, item in enumerate(pool["components"]):
            if isinstance(item, str) and comp.resolve(item) == name:
                return index
    return 0


def _pool(check: _Checker, value: Any, key: str, default: tuple[str, ...]) -> Pool | None:
    path: Path = (key,)
    if isinstance(value, dict):
        check.unknown_keys(value, POOL_KEYS, path, key)
        count = check.count(value.get("count", DEFAULTS[key]),
                            (*path, "count"), f"{key} count", LIMITS[key])
        if "components" in value:
            names = check.names(value["components"], (*path, "components"), f"{key} components")
        else:
            names = list(default)
    else:
        count = check.count(value, path, key, LIMITS[key])
        names = list(default)
    if count is None or names is None:
        return None
    return Pool(count, tuple(names))


def _etcd(check: _Checker, value: Any
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
