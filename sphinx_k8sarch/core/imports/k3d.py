"""k3d ``Simple`` files (``k3d.io/v1alpha4`` and ``v1alpha5``, and the old ``v1alpha2`` and
``v1alpha3``); see docs/guide/formats/k3d.md for what is honoured, ignored and warned.

k3d builds k3s clusters: the servers' kubelet and kube-proxy talk to their own server,
and an agent, given the first server's address by k3d, spreads its connections over every
server itself; the serverlb container serves the host (kubectl, published ports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Subtype, describe_value
from ..yamlspec import Loaded, Path
from .common import ImportState, Result, image_version, is_count

API_VERSIONS = {
    "k3d.io/v1alpha5": "",
    "k3d.io/v1alpha4": "",
    "k3d.io/v1alpha3": "k3d 5.0-5.2; the cluster name was still at the top level",
    "k3d.io/v1alpha2": "k3d 4; k3s arguments were lists of text per role",
}
KINDS = ("Simple",)
STRICT_KINDS = True
STREAM = False
READS_COUNTS = False
COMPANIONS: tuple[str, ...] = ()
SUPPORTED = "k3d.io/v1alpha5 or v1alpha4 (or the old v1alpha3, v1alpha2) Simple"
#: The label of the load balancer container k3d puts in front of the servers.
LB = "k3d serverlb"
#: k3s ``--datastore-endpoint`` schemes that kine reaches, by the name the summary shows.
DATASTORES = {"mysql": "MySQL", "postgres": "PostgreSQL", "postgresql": "PostgreSQL",
              "sqlite": "SQLite", "nats": "NATS"}

TOP = ("apiVersion", "kind", "metadata", "servers", "agents", "kubeAPI", "image",
       "network", "subnet", "token", "volumes", "ports", "options", "env", "registries",
       "hostAliases", "files", "manifests")
OPTIONS = ("k3d", "k3s", "kubeconfig", "runtime")
OPTIONS_K3D = ("wait", "timeout", "disableLoadbalancer", "disableImageVolume",
               "disableRollback", "nodeHookActions", "loadbalancer")
OPTIONS_K3S = ("extraArgs", "nodeLabels")
#: Before v1alpha4 the name was at the top level; v1alpha2 also had container labels there
#: and k3s arguments as plain lists per role.
TOP_OLD = (*(k for k in TOP if k not in ("metadata", "hostAliases", "files")), "name",
           "labels")
OPTIONS_K3D_OLD = (*OPTIONS_K3D, "disableHostIPInjection")
OPTIONS_K3S_V1ALPHA2 = ("extraServerArgs", "extraAgentArgs")
#: k3s flags that reshape the servers in ways the spec cannot draw.
UNDRAWN = ("--disable-etcd", "--disable-apiserver", "--disable-scheduler",
           "--disable-controller-manager", "--disable-agent", "--docker",
           "--container-runtime-endpoint")


def convert(state: ImportState, counts: Mapping[str, int]) -> Loaded:
    return _K3d(state).convert()


class _K3d:
    """One k3d Simple document → spec data."""

    def __init__(self, state: ImportState) -> None:
        self.state = state
        self.doc = state.single("k3d")
        self.version = str(self.doc.data.get("apiVersion", "")).strip().rpartition("/")[2]

    def convert(self) -> Loaded:
        state, doc = self.state, self.doc
        data: dict[Any, Any] = doc.data
        result = Result(doc)
        root = doc.line(())
        old = self.version in ("v1alpha2", "v1alpha3")
        state.unknown(doc, data, (), TOP_OLD if old else TOP, "k3d")
        result.title(doc, ("name",) if old else ("metadata", "name"))
        result.put("distribution", "k3s", root)
        image = data.get("image")
        if isinstance(image, str) and image_version(image):
            result.put("kubernetes-version", image_version(image), doc.line(("image",)))
        options = state.mapping(doc, ("options",), "options")
        state.unknown(doc, options, ("options",), OPTIONS, "k3d options")
        k3d = state.mapping(doc, ("options", "k3d"), "options.k3d")
        state.unknown(doc, k3d, ("options", "k3d"), OPTIONS_K3D_OLD if old else OPTIONS_K3D,
                      "k3d options.k3d")
        k3s = state.mapping(doc, ("options", "k3s"), "options.k3s")
        state.unknown(doc, k3s, ("options", "k3s"),
                      OPTIONS_K3S_V1ALPHA2 if self.version == "v1alpha2" else OPTIONS_K3S,
                      "k3d options.k3s")

        servers = data.get("servers", 1)
        agents = data.get("agents", 0)
        counted: list[int] = []
        for key, value, low in (("servers", servers, 1), ("agents", agents, 0)):
            if not is_count(value):
                state.error(doc.line((key,)), Subtype.TYPE,
                            f"{key} must be a whole number, not {describe_value(value)}")
                # Only the count reaches the spec: a list here is no list of pools.
                value = low
            elif value < low:
                state.error(doc.line((key,)), Subtype.VALUE,
                            f"{key} must be at least {low}, not {value}")
            counted.append(value)
        servers, agents = counted
        servers_line = doc.line(("servers",)) if "servers" in data else root
        result.lines[("control-plane",)] = servers_line
        result.lines[("workers",)] = doc.line(("agents",)) if "agents" in data else root

        disabled = k3d.get("disableLoadbalancer") is True
        lb_line = (doc.line(("options", "k3d", "disableLoadbalancer"))
                   if "disableLoadbalancer" in k3d else servers_line)
        result.put("load-balancer", "none" if disabled else LB, lb_line)

        drop: set[str] = set()
        cluster_init: int | None = None
        datastore: tuple[str, int] | None = None
        for path, name, value in self._args(k3s):
            line = doc.line(path)
            if name == "--cluster-init":
                cluster_init = line
            elif name == "--datastore-endpoint":
                datastore = (value, line)
            elif name == "--disable-kube-proxy":
                drop.add("kube-proxy")
            elif name == "--disable" and "coredns" in [v.strip() for v in value.split(",")]:
                drop.add("coredns")
                result.lines[("addons",)] = line
            elif name in UNDRAWN:
                state.field(line, f"the k3s flag {name} changes the nodes in a way the "
                           "diagram does not show")

        if datastore is not None:
            value, line = datastore
            urls = [u.strip() for u in value.split(",") if u.strip()]
            if urls and all(u.startswith(("http://", "https://")) for u in urls):
                # etcd run outside k3d: nothing says a kubelet runs beside it.
                result.put("etcd", {"topology": "external", "members": len(urls),
                                    "components": ["etcd"]}, line)
                result.lines[("etcd", "members")] = line
            else:
                result.put("etcd", "stacked", line)
                drop.add("etcd")
                kind = value.split("://")[0] if "://" in value else value
                result.put("datastore", DATASTORES.get(kind.lower(), "an SQL database"), line)
                state.field(line, f"k3s keeps its state in the external datastore {kind!r}, "
                           "which the diagram cannot draw; no etcd is drawn")
        elif cluster_init is not None:
            result.put("etcd", "stacked", cluster_init)
        else:
            result.put("etcd", "stacked", servers_line)
            # A refused count (counted as 1 above) says nothing about a single server.
            if servers == 1 and is_count(data.get("servers", 1)):
                drop.add("etcd")
                result.put("datastore", "SQLite", servers_line)
                state.field(servers_line, "k3s keeps the state of a single server in SQLite "
                           "(through kine), which the diagram cannot draw; etcd is not drawn. "
                           "k3d starts embedded etcd with several servers, or with the k3s "
                           "flag --cluster-init")
        return result.finish(servers, agents, drop)

    def _args(self, k3s: dict[Any, Any]) -> list[tuple[Path, str, str]]:
        """(path, flag, value) of each k3s extra argument written as ``--flag[=value]``:
        ``extraArgs`` items ``{arg: ..., nodeFilters: [...]}``, or in v1alpha2 the plain
        lists ``extraServerArgs`` and ``extraAgentArgs``."""
        state, doc = self.state, self.doc
        keys = OPTIONS_K3S_V1ALPHA2 if self.version == "v1alpha2" else ("extraArgs",)
        found: list[tuple[Path, str, str]] = []
        for key in keys:
            args = k3s.get(key)
            if args is None:
                continue
            if not isinstance(args, list):
                state.error(doc.line(("options", "k3s", key)), Subtype.TYPE,
                            f"{key} must be a list of {{arg: ..., nodeFilters: [...]}}, not "
                            f"{describe_value(args)}")
                continue
            for index, item in enumerate(args):
                path: Path = ("options", "k3s", key, index)
                arg = item.get("arg") if isinstance(item, dict) else item
                if not isinstance(arg, str):
                    state.error(doc.line(path), Subtype.TYPE,
                                f"an extra argument must be text such as --disable=traefik, "
                                f"not {describe_value(arg)}")
                    continue
                name, _, value = arg.strip().partition("=")
                if " " in name and not value:
                    name, _, value = name.partition(" ")
                found.append((path, name.strip(), value.strip().strip("'\"")))
        return found
