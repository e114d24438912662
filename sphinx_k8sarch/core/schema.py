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

import json
import re
from typing import Any

from .patterns import caseless_pattern
from .schema_keys import (
    _addon_names,
    _datastore,
    _described,
    _etcd,
    _failures,
    _known_names,
    _link_target,
    _links,
    _list_of,
    _load_balancer,
    _md_list,
    _names,
    _names_def,
    _own_components,
    _pool,
    _pools,
    _runtime,
    _zones,
    addon_ids,
)
from .vocabulary import (
    DEFAULTS,
    DISTRIBUTIONS,
    ETCD_KEYS,
    KEYS,
    KUBERNETES_VERSION,
    MACHINE,
    NAMED_POOL_KEYS,
    OWN_KEYS,
    POOL_KEYS,
    TITLE_MAX,
    EtcdTopology,
)

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: A name, not an address: nothing is downloaded from it.
SCHEMA_ID = "urn:sphinx-k8sarch:k8s-cluster.schema.json"
#: The schema as shipped inside the package (regenerate it with tools/update_schema.py).
FILENAME = "k8s-cluster.schema.json"

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
        "workers": _pools(),
        "etcd": _etcd(),
        "load-balancer": _load_balancer(),
        "clients": _list_of(
            "component", "Components drawn outside the cluster, usually kubectl.",
            "Components drawn outside the cluster, usually `kubectl`. A name alone or an "
            "empty value (no clients) works too.", DEFAULTS["clients"], [["kubectl"], []]),
        "runtime": _runtime(),
        "addons": _list_of(
            "addon", f"Cluster add-ons to draw: {', '.join(addon_ids())}.",
            f"Cluster add-ons to draw, from the catalog: {_md_list(addon_ids())} (aliases "
            "such as `dns` or `calico` work).", DEFAULTS["addons"],
            [["coredns", "cni"], ["coredns", "cni", "metrics-server", "cert-manager"]]),
        "components": _own_components(),
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
        "names": _names(),
        "zones": _zones(),
        "failures": _failures(),
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
    if tuple(properties["workers"]["items"]["properties"]) != NAMED_POOL_KEYS:
        raise RuntimeError("schema and validator keys of a worker pool differ")
    if tuple(properties["components"]["items"]["properties"]) != OWN_KEYS:
        raise RuntimeError("schema and validator keys of an own component differ")
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
                _addon_names(), "An add-on of the catalog or an alias of one.",
                f"An add-on: {_md_list(addon_ids())} or an alias of one, in any case.",
                "Not an add-on of the catalog or an alias of one."),
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
