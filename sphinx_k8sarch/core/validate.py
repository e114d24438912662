"""Validation: spec data (with the line of every value) → :class:`~.model.Cluster`.

Returns located diagnostics, never logs. The keys, defaults, limits and choices it checks
come from :mod:`.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import components as comp
from . import machines
from .checker import Checker
from .diagnostics import Diagnostic, Subtype, describe_value, did_you_mean
from .model import Cluster, Pool
from .own import own_components, own_names
from .vocabulary import (
    CLIENTS_DEFAULT,
    CNI_PLUGINS,
    CONTROL_PLANE_DEFAULT,
    DEFAULTS,
    DISTRIBUTIONS,
    KEYS,
    LB_LABEL_MAX,
    LB_ON_NODES,
    LINK_SCHEMES,
    MACHINE,
    MAX_LINK,
    RUNTIME_FLAVOURS,
    RUNTIMES,
    TITLE_MAX,
    WORKER_DEFAULT,
    EtcdTopology,
    link_scheme,
    parse_version,
)
from .yamlspec import Loaded, Path


def validate(data: dict[Any, Any], loaded: Loaded, title: str = "",
             extra_failures: Sequence[str] = ()) -> tuple[Cluster | None, list[Diagnostic]]:
    """``extra_failures`` are what a directive option or the command line adds to the
    spec's ``failures:`` (their diagnostics are at line 0: the option, not the text)."""
    check = Checker(loaded)
    check.unknown_keys(data, KEYS, (), "the spec")
    # Own component names first: every component list may name them.
    names = own_names(check, data.get("components"))

    spec_title = data.get("title", "")
    if not isinstance(spec_title, str):
        check.error(("title",), Subtype.TYPE,
                    f"title must be text, not {describe_value(spec_title)}")
        spec_title = ""
    elif len(spec_title) > TITLE_MAX:
        check.error(("title",), Subtype.VALUE,
                    f"title is {len(spec_title)} characters long; the limit is {TITLE_MAX}")
        spec_title = ""

    etcd, members, etcd_host = machines.etcd(check, data.get("etcd", DEFAULTS["etcd"]))
    cp_default = tuple(c for c in CONTROL_PLANE_DEFAULT
                       if not (c == "etcd" and etcd is EtcdTopology.EXTERNAL))
    control_plane = machines.pool(check, data.get("control-plane", DEFAULTS["control-plane"]),
                                  "control-plane", cp_default)
    pools = machines.worker_pools(check, data.get("workers", DEFAULTS["workers"]),
                                  WORKER_DEFAULT)
    lb, lb_on_nodes = machines.load_balancer(
        check, data.get("load-balancer", DEFAULTS["load-balancer"]))
    if control_plane is not None and lb_on_nodes is not None:
        # kube-vip, or keepalived and HAProxy, as static Pods on every control-plane node.
        added = [c for c in LB_ON_NODES[lb_on_nodes.type] if not control_plane.has(c)]
        control_plane = Pool(control_plane.count, control_plane.components + tuple(added))

    clients = check.names(data.get("clients", list(CLIENTS_DEFAULT)), ("clients",), "clients")
    addons = check.names(data.get("addons", DEFAULTS["addons"]), ("addons",), "addons")
    written = data.get("addons")
    cni = next((CNI_PLUGINS[comp.normalize(a)] for a in written if isinstance(a, str)
                and comp.normalize(a) in CNI_PLUGINS), "") if isinstance(written, list) else ""
    for index, name in enumerate(addons or []):
        if name in check.own or comp.CATALOG[name].role is not comp.Role.ADDON:
            check.error(("addons", index), Subtype.VALUE,
                        f"{name!r} is not an add-on of the catalog; own components say "
                        "runs-on: addons, and machines' components are listed on them")
    for index, name in enumerate(clients or []):
        # kubectl and helm are clients; the load balancer is outside the cluster too.
        if name not in check.own and comp.CATALOG[name].role not in (comp.Role.CLIENT,
                                                                     comp.Role.INFRA):
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
        lists = value if isinstance(value, list) else [value]
        for entry in lists:
            if isinstance(entry, dict) and isinstance(entry.get("components"), list):
                for item in entry["components"]:
                    if isinstance(item, str) and item.lower() in RUNTIME_FLAVOURS:
                        runtime = RUNTIME_FLAVOURS[item.lower()]

    if control_plane is not None and etcd is EtcdTopology.EXTERNAL and control_plane.has("etcd"):
        check.warn(("control-plane", "components"), Subtype.PLACEMENT,
                   "etcd is external, so it is not drawn on the control-plane nodes")
        control_plane = Pool(control_plane.count,
                             tuple(c for c in control_plane.components if c != "etcd"))
    workers_value = data.get("workers")
    for index, worker_pool in enumerate(pools or ()):
        written = workers_value[index] if isinstance(workers_value, list) else workers_value
        base: Path = ("workers", index) if isinstance(workers_value, list) else ("workers",)
        for name in worker_pool.components:
            if name not in check.own and comp.CATALOG[name].role is comp.Role.CONTROL_PLANE:
                check.warn((*base, "components", machines.index_of(written, name)),
                           Subtype.PLACEMENT,
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

    own = own_components(check, data.get("components"), names,
                         [p.name for p in pools or () if p.name])
    prefixes = {"cp": control_plane.count if control_plane else 0,
                "etcd": members if etcd is EtcdTopology.EXTERNAL else 0}
    prefixes.update({p.prefix: p.count for p in pools or ()})
    links, link_keys = _links(check, data.get("links"), prefixes)

    # Only names, zones and failures ask about single machines: without them, a pool of
    # thousands costs nothing to list.
    asked = extra_failures or any(data.get(key) is not None
                                  for key in ("names", "zones", "failures"))
    groups = [[f"{prefix}-{i}" for i in range(1, count + 1)]
              for prefix, count in prefixes.items()] if asked else []
    every = [m for group in groups for m in group]
    real = machines.names(check, data.get("names"), every)
    aliases = {name: machine for machine, name in (real or {}).items()}
    zones = machines.zones(check, data.get("zones"), groups, aliases)
    down = machines.failures(check, data.get("failures"), extra_failures, every,
                             dict(zones or ()), lb, aliases)

    if check.found.failed or None in (control_plane, pools, clients, addons, etcd, etcd_host,
                                      version, zones, down, real):
        return None, check.diagnostics
    assert control_plane is not None and pools is not None and etcd is not None
    assert etcd_host is not None and version is not None
    assert zones is not None and down is not None and real is not None
    lines = {key: loaded.lines[(key,)] for key in KEYS if (key,) in loaded.lines}
    # Each link's own line, for the warning when Sphinx cannot resolve its target.
    lines.update({f"links:{name}": loaded.line(("links", raw)) for name, raw in link_keys})
    cluster = Cluster(
        title=title or spec_title,
        control_plane=control_plane,
        pools=pools,
        etcd=etcd,
        external_etcd_members=members,
        load_balancer=lb,
        clients=tuple(clients or ()),
        runtime=runtime,
        addons=tuple(addons or ()),
        cni=cni,
        datastore=datastore,
        version=version,
        distribution=distribution,
        etcd_host=etcd_host,
        assumed=loaded.assumed,
        own=own,
        lb_on_nodes=lb_on_nodes,
        zones=zones,
        names=tuple(sorted(real.items())),
        down=down.down,
        lb_down=down.lb_down,
        zones_down=down.zones,
        links=links,
        lines=lines,
    )
    return cluster, check.diagnostics


def _version(check: Checker, value: Any) -> tuple[int, int] | None:
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


def _links(check: Checker, value: Any, machines: dict[str, int]
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
        if name is None and isinstance(key, str) and comp.normalize(key) in check.own:
            name = comp.normalize(key)
        machine = MACHINE.fullmatch(key) if isinstance(key, str) else None
        if name is None and machine is not None and machine.group(1) in machines:
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
