"""The JSON Schema of each spec key, built from the validator's own tables (see
:mod:`.schema`, which assembles them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import components as comp
from .patterns import (
    caseless_pattern,
    component_pattern,
    link_scheme_pattern,
    stripped_text_pattern,
)
from .vocabulary import (
    CONTROL_PLANE_DEFAULT,
    DEFAULTS,
    DESCRIPTION_MAX,
    ETCD_HOST_DEFAULT,
    EXTERNAL_MEMBERS_DEFAULT,
    LANGUAGES,
    LB_FAILURE,
    LB_KINDS,
    LB_LABEL_MAX,
    LB_ON_NODES,
    LIMITS,
    LINK_SCHEMES,
    MACHINE,
    MAX_LINK,
    NAME_MAX,
    OWN_NAME,
    OWN_NAME_MAX,
    POOL_NAME,
    RUNS_ON,
    RUNTIME_FLAVOURS,
    RUNTIMES,
    WORKER_DEFAULT,
    ZONE_NAME,
    EtcdTopology,
)

# -- vocabulary ----------------------------------------------------------------------------

def _known_names() -> list[str]:
    """Component ids, aliases and bundles in the form the validator looks them up in (an
    entry of the tables in any other form could never be matched, so it is left out)."""
    return sorted(n for n in set(comp.CATALOG) | set(comp.ALIASES) | set(comp.BUNDLES)
                  if n == comp.normalize(n) and (comp.resolve(n) or n in comp.BUNDLES))


def _addon_names() -> list[str]:
    return [n for n in _known_names()
            if all(comp.CATALOG[c].role is comp.Role.ADDON
                   for c in comp.BUNDLES.get(n, (comp.resolve(n) or "",)) if c)]


def addon_ids() -> list[str]:
    """The add-ons of the catalog, in catalog order."""
    return [c.id for c in comp.CATALOG.values() if c.role is comp.Role.ADDON]


def _first_sentence(text: str) -> str:
    head, dot, _rest = text.partition(". ")
    return head + "." if dot else text


def _name_help(name: str) -> str:
    if name in comp.BUNDLES:
        return "Stands for " + " and ".join(comp.BUNDLES[name]) + "."
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
            "`false` means `none`. `{type: kube-vip, on: control-plane}` (or "
            "`keepalived-haproxy`) runs it on the control-plane nodes behind a virtual IP."),
        "anyOf": [
            {"enum": kinds},
            _load_balancer_on_nodes(),
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


def _pools() -> dict[str, Any]:
    """``workers``: the single-pool forms, or a list of named pools."""
    single = _pool("workers")
    low, high = LIMITS["workers"]
    named = {
        "type": "object",
        **_described("A pool of workers: its name (machines are <name>-1, …), how many and "
                     "what they run."),
        "properties": {
            "name": {"type": "string", "pattern": POOL_NAME.pattern, "maxLength": 30,
                     "not": {"enum": ["cp", "etcd"]},
                     **_described("The pool's name: lower-case letters, digits and hyphens; "
                                  "not cp or etcd.")},
            "count": single["properties"]["count"],
            "components": single["properties"]["components"],
        },
        "required": ["name"],
        "additionalProperties": False,
    }
    return {
        **single,
        **_described(
            f"How many workers ({low}-{high}), a mapping with the count and their "
            "components, or a list of named pools.",
            f"How many workers ({low}-{high}), `{{count: N, components: [...]}}`, or a list "
            "of pools `- {name: gpu, count: 2, components: [...]}` whose machines are named "
            "`gpu-1`, `gpu-2`, …"),
        "type": ["integer", "object", "array"],
        "items": named,
        "minItems": 1,
        "examples": [3, [{"name": "general", "count": 3}, {"name": "gpu", "count": 2}]],
    }


def _load_balancer_on_nodes() -> dict[str, Any]:
    types = list(LB_ON_NODES)
    return {
        "type": "object",
        **_described(f"A load balancer that runs on the control-plane nodes behind a virtual "
                     f"IP: type {' or '.join(types)}, on: control-plane."),
        "properties": {
            "type": {"enum": types, **_described(f"{' or '.join(types)}.")},
            "on": {"enum": ["control-plane"],
                   **_described("Where it runs: control-plane.")},
        },
        "required": ["type"],
        "additionalProperties": False,
    }


def _own_components() -> dict[str, Any]:
    text = {"type": "string", "minLength": 1, "maxLength": DESCRIPTION_MAX}
    return {
        **_described(
            "The project's own components, drawn and described like the catalog's.",
            "The project's own components, drawn and described like the catalog's: "
            "`name` (required), `label`, `runs-on` (control-plane, workers, a pool's name, "
            "addons or outside), `talks-to` (names, with `:port` optionally) and "
            "`description` (text, or `{en: ..., es: ...}`)."),
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "pattern": OWN_NAME.pattern,
                         "maxLength": OWN_NAME_MAX,
                         "not": {"pattern": component_pattern(_known_names())},
                         **_described("A new name, not one of the catalog.")},
                "label": {"type": "string", "maxLength": LB_LABEL_MAX,
                          **_described("The text drawn in the box.")},
                "runs-on": {"type": "string",
                            **_described(f"{', '.join(RUNS_ON)}, or a pool's name."),
                            "examples": list(RUNS_ON)},
                "talks-to": {"type": ["array", "string"],
                             "items": {"type": "string"},
                             **_described("Components it starts conversations with, such as "
                                          "kube-apiserver or postgres:5432.")},
                "description": {
                    **_described("Text, or a mapping of languages to text."),
                    "anyOf": [text, {"type": "object",
                                     "properties": dict.fromkeys(LANGUAGES, text),
                                     "additionalProperties": False}],
                },
            },
            "required": ["name", "runs-on"],
            "additionalProperties": False,
        },
        "examples": [[{"name": "vault", "label": "HashiCorp Vault", "runs-on": "workers",
                       "talks-to": ["kube-apiserver", "postgres:5432"],
                       "description": "Keeps the platform's secrets."}]],
    }


def _names() -> dict[str, Any]:
    return {
        **_described(
            f"Real names of machines: a machine as drawn (cp-1, worker-2, etcd-3) mapped to "
            f"its name, such as a Node's (at most {NAME_MAX} characters).",
            "Real names of machines, drawn instead of `cp-1`, `worker-2`…: "
            "`{cp-1: ip-10-0-1-17.ec2.internal}`. Long names are shortened in the middle in "
            "the figure and kept whole in the text; `zones` and `failures` accept them too."),
        "type": ["object", "null"],
        "propertyNames": {"pattern": MACHINE.pattern,
                          "patternErrorMessage": "A machine as drawn: cp-1, worker-2, etcd-3."},
        "additionalProperties": {"type": "string", "pattern": stripped_text_pattern(NAME_MAX)},
        "examples": [{"cp-1": "ip-10-0-1-17.eu-west-1.compute.internal"}],
    }


def _zone_name() -> dict[str, Any]:
    return {"type": ["string", "integer"], "pattern": ZONE_NAME.pattern,
            "patternErrorMessage": "Letters, digits, '.', '_' or '-', such as eu-west-1a."}


def _zones() -> dict[str, Any]:
    # A machine as drawn (cp-1) or by its real name (names:).
    machine = {"type": "string", "pattern": stripped_text_pattern(NAME_MAX),
               "patternErrorMessage": "A machine: cp-1, worker-2, etcd-3, gpu-1, or its name."}
    return {
        **_described(
            "Failure domains: a list of zone names, over which the control-plane nodes, the "
            "external etcd hosts and each worker pool are spread in turn, or a mapping of "
            "each zone to its machines.",
            "Failure domains, drawn as labelled groups. A list such as `[a, b, c]` spreads "
            "each group of machines over the zones in turn (cp-1 in `a`, cp-2 in `b`, "
            "cp-3 in `c`; workers and external etcd hosts likewise); a mapping such as "
            "`{a: [cp-1, worker-1], b: [cp-2]}` places each machine itself. A machine is "
            "in at most one zone."),
        "anyOf": [
            {"type": "array", "items": _zone_name(), "minItems": 1, "uniqueItems": True},
            {"type": "object",
             "propertyNames": {"pattern": ZONE_NAME.pattern},
             "additionalProperties": {"anyOf": [
                 {"type": "array", "items": machine, "uniqueItems": True}, machine]}},
            {"type": "null"},
        ],
        "examples": [["eu-west-1a", "eu-west-1b", "eu-west-1c"],
                     {"a": ["cp-1", "worker-1"], "b": ["cp-2", "worker-2"]}],
    }


def _failures() -> dict[str, Any]:
    name = {"type": "string", "pattern": stripped_text_pattern(NAME_MAX),
            "patternErrorMessage": f"A machine (cp-2, or its name), {LB_FAILURE} or a zone."}
    return {
        **_described(
            f"What is down: machines as drawn (cp-2, worker-1, etcd-3), {LB_FAILURE}, or "
            "zone names. The summary then says what keeps working.",
            f"What is down: machines as drawn (`cp-2`, `worker-1`, `etcd-3`), "
            f"`{LB_FAILURE}`, or a zone of `zones`. The figure draws them as down and the "
            "summary says whether etcd keeps quorum and the API stays reachable. The "
            "directive option `:failures:` adds to this list."),
        "anyOf": [{"type": "array", "items": name, "uniqueItems": True}, name,
                  {"type": "null"}],
        "examples": [["cp-2"], ["load-balancer"], ["eu-west-1a"]],
    }
