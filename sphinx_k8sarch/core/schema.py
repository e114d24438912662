"""JSON Schema of the ``k8s-cluster`` spec, generated from the validator's own tables.

Editors that read JSON Schema (the YAML language server in VS Code, Neovim, Emacs, Helix,
Zed, ...) use it to check a spec file while it is typed, to complete keys and component
names and to explain each key on hover. The keys, limits, runtimes, add-ons, load-balancer
kinds, components and aliases all come from :mod:`.vocabulary` and :mod:`.components`, so
the schema follows the validator without being edited by hand; the schema tests run every
spec of the test suite and the docs through both.

Two constraints shape the output:

* Most editors validate with draft-07 semantics whatever ``$schema`` says, so only keywords
  that draft-07 and 2020-12 read the same way are used (``$defs`` is reached through a
  plain JSON pointer, and nothing but annotations sits next to a ``$ref``).
* JSON Schema patterns are ECMA-262 regular expressions without a case-insensitive flag;
  :mod:`.patterns` spells every accepted form out.
"""

from __future__ import annotations

from collections.abc import Iterable
import json
import re
from typing import Any

from . import components as comp
from .patterns import (
    caseless_pattern,
    component_pattern,
    link_scheme_pattern,
    stripped_text_pattern,
)
from .vocabulary import (
    ADDONS,
    CONTROL_PLANE_DEFAULT,
    DEFAULTS,
    DISTRIBUTIONS,
    ETCD_HOST_DEFAULT,
    ETCD_KEYS,
    EXTERNAL_MEMBERS_DEFAULT,
    KEYS,
    KUBERNETES_VERSION,
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
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: A name, not an address: nothing is downloaded from it.
SCHEMA_ID = "urn:sphinx-k8sarch:k8s-cluster.schema.json"
#: The schema as shipped inside the package (regenerate it with tools/update_schema.py).
FILENAME = "k8s-cluster.schema.json"

# -- vocabulary ----------------------------------------------------------------------------

def _known_names() -> list[str]:
    """Component ids and aliases in the form the validator looks them up in (an entry of
    the tables in any other form could never be matched, so it is left out)."""
    return sorted(n for n in set(comp.CATALOG) | set(comp.ALIASES)
                  if n == comp.normalize(n) and comp.resolve(n) is not None)


def _addon_names() -> list[str]:
    return [n for n in _known_names() if comp.resolve(n) in ADDONS]


def _first_sentence(text: str) -> str:
    head, dot, _rest = text.partition(". ")
    return head + "." if dot else text


def _name_help(name: str) -> str:
    target = comp.resolve(name)
    assert target is not None
    if target != name:
        return f"Alias of {target}."
    return _first_sentence(comp.CATALOG[name].what)


def _md_list(values: Iterable[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


# -- schema --------------------------------------------------------------------------------

def _ref(name: str, **annotations: Any) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}", **annotations}


def _described(text: str, markdown: str | None = None, **rest: Any) -> dict[str, Any]:
    return {"description": text, "markdownDescription": markdown or text, **rest}


def _names_def(names: list[str], what: str, md: str, error: str) -> dict[str, Any]:
    return {
        "type": "string",
        **_described(what, md),
        "anyOf": [
            {"enum": names, "enumDescriptions": [_name_help(n) for n in names]},
            {"pattern": component_pattern(names), "patternErrorMessage": error},
        ],
    }


def _list_of(item: str, what: str, md: str, default: list[str],
             examples: list[Any]) -> dict[str, Any]:
    """A list of names; one name alone and an empty value (no names) are accepted too."""
    names = _addon_names() if item == "addon" else _known_names()
    return {
        **_described(what, md),
        "type": ["array", "string", "null"],
        "items": _ref(item),
        "pattern": component_pattern(names),
        "patternErrorMessage": ("Not an add-on or an alias of one." if item == "addon"
                                else "Not a known component name or alias."),
        "default": default,
        "examples": examples,
    }


def _pool(key: str) -> dict[str, Any]:
    low, high = LIMITS[key]
    default = DEFAULTS[key]
    node = "control-plane node" if key == "control-plane" else "worker"
    defaults = (CONTROL_PLANE_DEFAULT if key == "control-plane"
                else WORKER_DEFAULT)
    text = (f"How many {node}s ({low}-{high}), or a mapping with the count and the "
            f"components each {node} runs.")
    md = (f"How many {node}s ({low}-{high}), or `{{count: N, components: [...]}}`.\n\n"
          f"Without `components`, each {node} runs the kubeadm defaults: "
          f"{_md_list(defaults)}. `components: []` draws empty machines.")
    count = {
        "type": "integer",
        "minimum": low,
        "maximum": high,
        **_described(f"Number of {node}s, {low} to {high}."),
        "default": default,
    }
    return {
        **_described(text, md),
        "type": ["integer", "object"],
        "minimum": low,
        "maximum": high,
        "properties": {
            "count": count,
            "components": _list_of(
                "component", f"The components every {node} runs; replaces the defaults.",
                f"The components every {node} runs, replacing the defaults "
                f"({_md_list(defaults)}). Names and aliases in any case.",
                list(defaults), [list(defaults), []]),
        },
        "additionalProperties": False,
        "default": default,
        "examples": [3, {"count": 3, "components": list(defaults)}],
    }


def _etcd() -> dict[str, Any]:
    low, high = LIMITS["members"]
    external = EtcdTopology.EXTERNAL.value
    return {
        **_described(
            "Where etcd runs: 'stacked' on the control-plane nodes, 'external' on its own "
            "machines, or a mapping with the topology and the number of external members.",
            "Where etcd runs: `stacked` (one member on each control-plane node, the kubeadm "
            f"default) or `external` (its own machines), or "
            f"`{{topology: external, members: N}}` with {low}-{high} members (default 3). "
            "Names are case-insensitive."),
        "anyOf": [
            _ref("topology"),
            {
                "type": "object",
                "properties": {
                    "topology": _ref("topology"),
                    "members": {
                        "type": "integer",
                        "minimum": low,
                        "maximum": high,
                        **_described(f"Number of external etcd members, {low} to {high}; "
                                     "only with topology: external.",
                                     f"Number of external etcd members, {low}-{high}; only "
                                     "with `topology: external`. An odd number gives the "
                                     "best quorum."),
                        "default": EXTERNAL_MEMBERS_DEFAULT,
                    },
                    "components": _list_of(
                        "component", "What each external etcd host runs; etcd at least.",
                        "What each external etcd host runs, etcd at least. The default "
                        f"follows kubeadm's recipe, which starts etcd as a static Pod: "
                        f"{_md_list(ETCD_HOST_DEFAULT)}. Only with `topology: external`.",
                        list(ETCD_HOST_DEFAULT), [list(ETCD_HOST_DEFAULT), ["etcd"]]),
                },
                "additionalProperties": False,
                # Stacked etcd (also the default topology) has no member count or host
                # components of its own.
                "if": {"anyOf": [{"required": ["members"]}, {"required": ["components"]}]},
                "then": {
                    "required": ["topology"],
                    "properties": {"topology": {"pattern": caseless_pattern([external])}},
                },
            },
        ],
        "default": DEFAULTS["etcd"],
        "examples": ["stacked", {"topology": external, "members": 3}],
    }


def _datastore() -> dict[str, Any]:
    return {
        **_described(
            "Where the cluster state is kept when it is not in etcd (k3s: SQLite for a "
            f"single server, or an SQL database through kine); a label of at most "
            f"{LB_LABEL_MAX} characters. Only for a cluster drawn without etcd.",
            "Where the cluster state is kept when it is not in etcd (k3s keeps a single "
            "server's state in SQLite, or uses an SQL database through kine); a label of at "
            f"most {LB_LABEL_MAX} characters. Only valid when no etcd is drawn: leave `etcd` "
            "out of the control-plane `components`."),
        "anyOf": [
            {"type": "string", "pattern": stripped_text_pattern(LB_LABEL_MAX),
             "patternErrorMessage": f"A label needs 1 to {LB_LABEL_MAX} characters besides "
                                    "surrounding white space."},
            {"type": "null"},
        ],
        "examples": ["SQLite", "PostgreSQL"],
    }


def _load_balancer() -> dict[str, Any]:
    kinds = list(LB_KINDS)
    return {
        **_described(
            f"The load balancer in front of the API servers: one of {', '.join(kinds)}, or "
            f"any label of at most {LB_LABEL_MAX} characters. An empty value or false means "
            "none.",
            f"The load balancer in front of the API servers: {_md_list(kinds)}, or any "
            f"label of at most {LB_LABEL_MAX} characters (drawn as is). An empty value or "
            "`false` means `none`."),
        "anyOf": [
            {"enum": kinds},
            {"type": "string", "pattern": stripped_text_pattern(LB_LABEL_MAX),
             "patternErrorMessage": f"A label needs 1 to {LB_LABEL_MAX} characters besides "
                                    "surrounding white space."},
            {"enum": [None, False]},
        ],
        "default": DEFAULTS["load-balancer"],
        "examples": ["haproxy", "kube-vip", "F5 BIG-IP"],
    }


def _runtime() -> dict[str, Any]:
    flavours = sorted(RUNTIME_FLAVOURS)
    return {
        "type": "string",
        **_described(
            f"The container runtime on every node: {', '.join(RUNTIMES)} (any case).",
            f"The container runtime on every node: {_md_list(RUNTIMES)} (any case; `crio` "
            "is accepted too). Dockershim was removed in Kubernetes 1.24."),
        "anyOf": [
            {"enum": list(RUNTIMES)},
            {"pattern": caseless_pattern(flavours),
             "patternErrorMessage": f"Use {' or '.join(RUNTIMES)}."},
        ],
        "default": DEFAULTS["runtime"],
    }


def _links() -> dict[str, Any]:
    return {
        **_described(
            "Links from the diagram: a component name or alias (every box of it) or a "
            "machine (cp-N, worker-N, etcd-N) mapped to an http(s) URL, ref:label, "
            "doc:path or a bare label.",
            "Makes boxes of the diagram clickable. Keys: a component name or alias (links "
            "every box of that component) or a machine such as `cp-1`, `worker-2` or "
            "`etcd-3`. Values: an `http(s)://` URL, `ref:label`, `doc:/path` or a bare "
            f"label (a Sphinx label), at most {MAX_LINK} characters."),
        "type": ["object", "null"],
        "propertyNames": {
            "anyOf": [
                _ref("component"),
                {"pattern": MACHINE.pattern,
                 "patternErrorMessage": "Use a component name or a machine such as cp-1."},
            ],
        },
        "additionalProperties": _ref("link-target"),
        "examples": [{"etcd": "https://etcd.io/docs/", "cp-1": "doc:/guide/cli"}],
    }


def _link_target() -> dict[str, Any]:
    allowed = ", ".join(f"{s}:" for s in LINK_SCHEMES)
    return {
        "type": "string",
        **_described(
            f"An http(s) URL, ref:label, doc:path or a bare Sphinx label; at most "
            f"{MAX_LINK} characters.",
            "Where the box links to: an `http://` or `https://` URL, `ref:label` (a Sphinx "
            "label), `doc:/path` (a document) or a bare Sphinx label. Other schemes "
            f"(`mailto:`, `javascript:`, ...) are refused; at most {MAX_LINK} characters."),
        "allOf": [
            {"pattern": stripped_text_pattern(MAX_LINK),
             "patternErrorMessage": f"A link target needs 1 to {MAX_LINK} characters besides "
                                    "surrounding white space."},
            {"pattern": link_scheme_pattern(LINK_SCHEMES),
             "patternErrorMessage": f"Only these schemes are allowed: {allowed}"},
        ],
        "examples": ["https://etcd.io/docs/", "ref:api-chapter", "doc:/guide/cli",
                     "some-label"],
    }


def _properties() -> dict[str, dict[str, Any]]:
    builders: dict[str, dict[str, Any]] = {
        "title": {
            "type": "string",
            "maxLength": TITLE_MAX,
            **_described("Title of the diagram, used when the directive has no argument "
                         "(spec files, the k8sarch command).",
                         "Title of the diagram, used when the directive has no argument "
                         "(spec files, the `k8sarch` command)."),
            "examples": ["Production cluster"],
        },
        "control-plane": _pool("control-plane"),
        "workers": _pool("workers"),
        "etcd": _etcd(),
        "load-balancer": _load_balancer(),
        "clients": _list_of(
            "component", "Components drawn outside the cluster, usually kubectl.",
            "Components drawn outside the cluster, usually `kubectl`. A name alone or an "
            "empty value (no clients) works too.", DEFAULTS["clients"], [["kubectl"], []]),
        "runtime": _runtime(),
        "addons": _list_of(
            "addon", f"Cluster add-ons to draw: {', '.join(ADDONS)} or a part of them.",
            f"Cluster add-ons to draw: {_md_list(ADDONS)} or a part of them (aliases such "
            "as `dns` or `calico` work).", DEFAULTS["addons"], [list(ADDONS)]),
        "kubernetes-version": {
            "type": "string",
            "pattern": KUBERNETES_VERSION.pattern,
            "patternErrorMessage": "Use a release such as 1.33 or v1.33.2, in quotes.",
            **_described(
                "The Kubernetes release the figure shows, such as 1.33 or v1.33.2 (in "
                "quotes). It decides what the kubelet of a control-plane node talks to.",
                "The Kubernetes release the figure shows, such as `\"1.33\"` or "
                "`v1.33.2` (quote it: YAML reads an unquoted `1.30` as the number 1.3). "
                "From 1.33 kubeadm points the kubelet of a control-plane node at the local "
                "API server; before, at the cluster endpoint."),
            "default": DEFAULTS["kubernetes-version"],
            "examples": ["1.32", "v1.33.2"],
        },
        "distribution": {
            "type": "string",
            **_described(f"How the cluster is built: {', '.join(DISTRIBUTIONS)} (any case).",
                         f"How the cluster is built: {_md_list(DISTRIBUTIONS)} (any case). "
                         "In k3s the servers' agents talk to their own server and agents "
                         "spread over every server; kubeadm nodes use the cluster endpoint."),
            "anyOf": [
                {"enum": list(DISTRIBUTIONS)},
                {"pattern": caseless_pattern(DISTRIBUTIONS),
                 "patternErrorMessage": f"Use {' or '.join(DISTRIBUTIONS)}."},
            ],
            "default": DEFAULTS["distribution"],
        },
        "datastore": _datastore(),
        "links": _links(),
    }
    missing = [key for key in KEYS if key not in builders]
    extra = [key for key in builders if key not in KEYS]
    if missing or extra:
        raise RuntimeError(f"schema and validator keys differ: missing {missing}, extra {extra}")
    return {key: builders[key] for key in KEYS}


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12, read the same way by draft-07 tools) of a spec."""
    if MACHINE.flags & ~re.UNICODE:
        raise RuntimeError("spec.MACHINE has flags that the schema cannot express")
    properties = _properties()
    for key, allowed in (("control-plane", POOL_KEYS), ("workers", POOL_KEYS)):
        if tuple(properties[key]["properties"]) != allowed:
            raise RuntimeError(f"schema and validator keys of {key} differ")
    if tuple(properties["etcd"]["anyOf"][1]["properties"]) != ETCD_KEYS:
        raise RuntimeError("schema and validator keys of etcd differ")
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "k8s-cluster spec",
        **_described(
            "A Kubernetes cluster for the k8s-cluster directive of sphinx-k8sarch and the "
            "k8sarch command. Every key is optional; names are case-insensitive.",
            "A Kubernetes cluster for the `k8s-cluster` directive of sphinx-k8sarch and the "
            "`k8sarch` command. Every key is optional; component names and aliases are "
            "case-insensitive. Not for kind, kubeadm or k3d files, which have schemas of "
            "their own."),
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": False,
        "examples": [{"control-plane": 3, "workers": 3, "etcd": "stacked",
                      "load-balancer": "haproxy", "clients": ["kubectl"]}],
        "$defs": {
            "addon": _names_def(
                _addon_names(), f"An add-on: {', '.join(ADDONS)} or an alias of one.",
                f"An add-on: {_md_list(ADDONS)} or an alias of one, in any case.",
                f"Not an add-on; add-ons are {', '.join(ADDONS)} and their aliases."),
            "component": _names_def(
                _known_names(), "A Kubernetes component or an alias of one, in any case.",
                "A Kubernetes component or an alias of one, in any case (`DB-ETCD` is "
                "`etcd`); `_` or a space may stand for `-`.",
                "Not a known component name or alias."),
            "link-target": _link_target(),
            "topology": {
                "type": "string",
                **_described("stacked or external (any case)."),
                "anyOf": [
                    {"enum": [t.value for t in EtcdTopology]},
                    {"pattern": caseless_pattern(t.value for t in EtcdTopology),
                     "patternErrorMessage": "Use stacked or external."},
                ],
            },
        },
    }


def schema_text() -> str:
    """The schema as JSON: two-space indents, ASCII only, one final newline, the same
    bytes on every run."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=True) + "\n"
