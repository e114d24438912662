"""What every importer shares: the documents of one file with their diagnostics, the spec
data being built with the file line of each key, and small readers of YAML data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import re
from typing import Any

from ..checker import Checker
from ..diagnostics import Collector, Diagnostic, Subtype, closest, describe_value, did_you_mean
from ..machines import load_balancer
from ..vocabulary import (
    CLIENTS_DEFAULT,
    CLUSTER_ADDONS,
    CONTROL_PLANE_DEFAULT,
    KEYS,
    POOL_NAME_MAX,
    RESERVED_POOL_NAMES,
    WORKER_DEFAULT,
    parse_version,
)
from ..yamlspec import Loaded, Path, load


def lookup(data: Any, path: Path) -> Any:
    """The value at ``path`` (mapping keys, list indexes), or None where the path ends."""
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def api_group(api_version: str) -> tuple[str, str]:
    """``group/version`` → (group, version)."""
    group, _, version = api_version.strip().rpartition("/")
    return group, version


def image_version(image: str) -> str | None:
    """The Kubernetes release in an image tag (``rancher/k3s:v1.30.4-k3s1`` → ``1.30``)."""
    tag = image.partition("@")[0].rpartition("/")[2].partition(":")[2]
    parsed = parse_version(tag) if tag else None
    return f"{parsed[0]}.{parsed[1]}" if parsed else None


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class ImportState(Collector):
    """The documents of one file, the diagnostics found so far and helpers to add more."""

    def __init__(self, documents: list[Loaded], diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics)
        self.documents = documents
        #: The tool of the first document of a known group, even when it cannot be read.
        self.guess: str | None = None
        #: Old apiVersions already warned about (once per file, not per document).
        self.warned: set[str] = set()
        #: The load balancer given as an option (:func:`load_balancer_option`), for files
        #: that do not name it.
        self.load_balancer: Any = None

    def field(self, line: int, message: str) -> None:
        """An ``import`` warning: a field the diagram does not follow."""
        self.warn(line, Subtype.IMPORT, message)

    def unknown(self, doc: Loaded, mapping: dict[Any, Any], path: Path,
                known: tuple[str, ...], where: str, extra: str = "") -> None:
        """Warn about every key of ``mapping`` that ``known`` does not list."""
        for key in mapping:
            if str(key) in known:
                continue
            self.field(doc.line((*path, str(key))),
                       f"{where} field {key!r} is not understood{extra}; if it changes the "
                       f"cluster's architecture, the diagram does not show it"
                       f"{did_you_mean(closest(str(key), known))}")

    def mapping(self, doc: Loaded, path: Path, what: str) -> dict[Any, Any]:
        """The mapping at ``path`` ({} when absent or empty); a type error otherwise."""
        value = lookup(doc.data, path)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(doc.line(path), Subtype.TYPE,
                       f"{what} must be a mapping, not {describe_value(value)}")
            return {}
        return value

    def single(self, tool: str) -> Loaded:
        """The one document of a kind or k3d file; further documents are errors."""
        for extra in self.documents[1:]:
            self.error(extra.line(()), Subtype.IMPORT,
                       f"a {tool} configuration is one YAML document; this is a second one")
        return self.documents[0]

    def ignored_counts(self, counts: Mapping[str, int], loaded: Loaded | None,
                       source: str) -> None:
        for key in ("control-plane", "workers"):
            if key in counts:
                line = loaded.line((key,)) if loaded is not None else 1
                self.warn(line, Subtype.OPTION, f"the {key} count given as an option is "
                          f"ignored: {source} sets its own node counts")


    def ignored_load_balancer(self, loaded: Loaded | None, source: str) -> None:
        if self.load_balancer is not None:
            line = loaded.line(("load-balancer",)) if loaded is not None else 1
            self.warn(line, Subtype.OPTION, "the load balancer given as an option is ignored: "
                      f"{source} says itself what stands in front of the API servers")


def load_balancer_option(text: str) -> Any:
    """The value of the ``:load-balancer:`` option (``--load-balancer``) for files that do
    not name the load balancer: what the spec key takes, a kind or label, or a flow mapping
    such as ``{type: kube-vip, on: control-plane}``. Raises ValueError saying why not."""
    value: Any = text.strip()
    if value.startswith("{"):
        loaded, diagnostics = load(value)
        if loaded is None:
            raise ValueError(diagnostics[0].message)
        value = loaded.data
    check = Checker(Loaded(value))
    load_balancer(check, value)
    if check.found.failed:
        raise ValueError(check.diagnostics[0].message)
    return value


def pool_name(text: str, taken: set[str]) -> str:
    """A valid, unused pool name made from a tool's name for a group of machines
    (``shop-md-0`` → ``shop-md-0``, ``GPU Nodes`` → ``gpu-nodes``)."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    name = "-".join(words)[:POOL_NAME_MAX].strip("-") or "pool"
    if not name[0].isalpha() or name in RESERVED_POOL_NAMES:
        name = f"pool-{name}"[:POOL_NAME_MAX]
    unique, number = name, 2
    while unique in taken:
        unique, number = f"{name}-{number}", number + 1
    return unique


@dataclass(frozen=True)
class ImportedPool:
    """A group of workers a tool names (a Cluster API MachineDeployment, kind nodes with
    the same labels): its pool name, count and the line that states it."""

    name: str
    count: int
    line: int


def _pool(count: Any, defaults: tuple[str, ...], drop: set[str]) -> Any:
    """A spec pool value: the bare count unless components must differ from the defaults."""
    if not drop.intersection(defaults):
        return count
    return {"count": count, "components": [c for c in defaults if c not in drop]}


class Result:
    """Spec data under construction, with the file line of each spec path."""

    def __init__(self, doc: Loaded) -> None:
        self.data: dict[str, Any] = {}
        self.lines: dict[Path, int] = {(): doc.line(())}
        #: Spec keys whose values the file does not state (see :attr:`Loaded.assumed`).
        self.assumed: set[str] = set()

    def put(self, key: str, value: Any, line: int) -> None:
        self.data[key] = value
        self.lines[(key,)] = line

    def title(self, doc: Loaded, path: Path) -> None:
        """The cluster's name at ``path`` of ``doc``, when there is one, as the title."""
        value = lookup(doc.data, path)
        if isinstance(value, str) and value.strip():
            self.put("title", value.strip(), doc.line(path))

    def finish(self, cp: Any, workers: Any, drop: set[str]) -> Loaded:
        """Fill in the pools and add-ons, leaving out the components in ``drop``, and make
        the Loaded.

        With ``etcd: stacked`` the control-plane defaults include etcd (dropping it means
        a datastore that is not drawn); with external etcd they do not, as in validation.
        """
        cp_defaults: tuple[str, ...] = CONTROL_PLANE_DEFAULT
        if self.data.get("etcd") != "stacked":
            cp_defaults = tuple(c for c in CONTROL_PLANE_DEFAULT if c != "etcd")
        self.data["control-plane"] = _pool(cp, cp_defaults, drop)
        if isinstance(workers, list):
            # Several pools: the list form, each pool at the line that states it.
            entries = []
            for index, pool in enumerate(workers):
                entry: dict[str, Any] = {"name": pool.name, "count": pool.count}
                if drop.intersection(WORKER_DEFAULT):
                    entry["components"] = [c for c in WORKER_DEFAULT if c not in drop]
                entries.append(entry)
                for key in ("name", "count"):
                    self.lines[("workers", index, key)] = pool.line
                self.lines[("workers", index)] = pool.line
            self.data["workers"] = entries
        else:
            self.data["workers"] = _pool(workers, WORKER_DEFAULT, drop)
        # Every imported cluster has CoreDNS (unless disabled) and needs a CNI plugin.
        self.data["addons"] = [a for a in CLUSTER_ADDONS if a not in drop]
        self.data["clients"] = list(CLIENTS_DEFAULT)
        self.data.setdefault("runtime", "containerd")
        self.lines.setdefault(("addons",), self.lines[()])
        data = {key: self.data[key] for key in KEYS if key in self.data}
        return Loaded(data, self.lines, frozenset(self.assumed))
