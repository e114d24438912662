"""The JSON Schema of the spec: shipped up to date, readable by draft 2020-12 and draft-07
tools, and in agreement with the validator on every spec the project has.

The specs come from

* the bodies of ``k8s-cluster`` directives in ``tests/roots`` and ``docs`` (reStructuredText
  and MyST, code examples included), merged onto their ``:extends:`` base like the
  directive does;
* the YAML files under ``tests/`` and ``docs/`` (the bad-spec corpus too), except kind,
  kubeadm and k3d files (a top-level ``apiVersion``), which are not specs;
* the string constants of the other test modules and helpers that are YAML mappings with
  a spec key, with ``Snippet(..., [":extends: x"], ...)`` bases resolved;
* :data:`VALID` and :data:`INVALID` below, which cover every key and every error of the
  validator and must also give the stated answer.

For each one: the validator reports no error ⇔ the schema accepts the data. JSON Schema
patterns are ECMA-262, where ``$`` only matches at the very end; Python's ``$`` also
matches before a final newline, so the schema is run here with ECMA's meaning (and with
draft-07 semantics as well, which is what most editors implement).

Known differences (:data:`KNOWN`): what the schema cannot see. When a spec has one, the
validator must reject it and both must agree on the rest of it. Differences that only
editors have (they read YAML 1.2, PyYAML reads YAML 1.1: ``yes``/``no``, dates, ``0o17``)
are explained in ``docs/guide/schema.md``; here both sides read the same data.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
import copy
from dataclasses import dataclass, field
import functools
from importlib import resources
import json
from pathlib import Path
import re
import sys
import textwrap
from typing import Any

from helpers.paths import DOCS, REPO, TESTS
import jsonschema
from jsonschema import Draft7Validator, Draft202012Validator, ValidationError
from jsonschema.protocols import Validator
import pytest
import yaml

from sphinx_k8sarch.core import components as comp
from sphinx_k8sarch.core.diagnostics import Subtype, has_errors
from sphinx_k8sarch.core.extends import merge
from sphinx_k8sarch.core.pipeline import analyse, decode
from sphinx_k8sarch.core.schema import FILENAME, build_schema, schema_text
from sphinx_k8sarch.core.validate import validate
from sphinx_k8sarch.core.vocabulary import DEFAULTS, LIMITS, MACHINE, EtcdTopology
from sphinx_k8sarch.core.yamlspec import load, load_all

ROOT = REPO
SCHEMA = build_schema()

# -- the schema as editors run it ----------------------------------------------------------


@functools.cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """``pattern`` with ECMA-262's ``$``: the end of the text, not a final newline."""
    assert "\\$" not in pattern and "[$" not in pattern, pattern
    return re.compile(pattern.replace("$", r"\Z"))


def _pattern(validator: Validator, pattern: str, instance: Any,
             schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


DRAFTS: dict[str, Any] = {
    "2020-12": jsonschema.validators.extend(Draft202012Validator, {"pattern": _pattern}),
    "draft-07": jsonschema.validators.extend(Draft7Validator, {"pattern": _pattern}),
}


def _json(value: Any) -> Any:
    """YAML data as a JSON document has it: mapping keys are text."""
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def schema_errors(instance: Any, schema: dict[str, Any] = SCHEMA) -> list[str]:
    """The schema's complaints about ``instance``; both drafts must say the same."""
    verdicts = {}
    for draft, cls in DRAFTS.items():
        errors = sorted(e.message for e in cls(schema).iter_errors(_json(instance)))
        verdicts[draft] = errors
    assert bool(verdicts["2020-12"]) == bool(verdicts["draft-07"]), verdicts
    return verdicts["2020-12"]


def validator_errors(text: str, base: dict[str, Any] | None = None) -> list[str]:
    """The validator's errors; an unknown name in a component list counts as one here:
    the validator leaves it out of the figure with a warning, and flagging it while the
    spec is typed is what the schema is for."""
    _cluster, diagnostics, _data = analyse(text, base=base)
    return [f"{d.line}: {d.message} [{d.subtype}]" for d in diagnostics
            if d.is_error or d.subtype is Subtype.UNKNOWN_COMPONENT]


# -- the schema itself ---------------------------------------------------------------------


def test_shipped_file_is_up_to_date() -> None:
    shipped = resources.files("sphinx_k8sarch").joinpath(FILENAME).read_text(encoding="utf-8")
    assert shipped == schema_text(), "run: python tools/update_schema.py"


def test_text_is_deterministic_json() -> None:
    text = schema_text()
    assert text == schema_text() and text.endswith("}\n") and text.isascii()
    assert json.loads(text) == SCHEMA


@pytest.mark.parametrize("draft", [Draft202012Validator, Draft7Validator])
def test_schema_is_valid_for_both_drafts(draft: type[Validator]) -> None:
    draft.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_patterns_are_ecma_and_python_alike() -> None:
    """No syntax whose meaning differs between the two engines (``\\s``, ``\\d``, ``\\w``,
    ``\\b``, flags, named groups), and none that only one of them has."""
    patterns: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            patterns.extend(v for k, v in node.items() if k == "pattern")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA)
    assert len(patterns) >= 8
    for pattern in patterns:
        assert not re.search(r"\\[sdwbSDWBAZ]|\(\?[a-zP<]", pattern.replace(r"[\s\S]", "")), (
            pattern)
        assert pattern.startswith("^")
        _ecma(pattern)


def test_only_the_basic_plane_matters() -> None:
    """The schema builds its classes from the Basic Multilingual Plane: nothing beyond it is
    white space or lowercases to ASCII (an ECMA-262 class without ``u`` could not hold it)."""
    for code in range(0x10000, sys.maxunicode + 1):
        char = chr(code)
        assert not char.isspace() and not (len(char.lower()) == 1 and char.lower().isascii())


def test_defaults_are_what_the_validator_uses() -> None:
    empty, _, _ = analyse("")
    spelled, _, _ = analyse(yaml.safe_dump(DEFAULTS))
    assert empty is not None and empty == spelled
    for key, value in DEFAULTS.items():
        assert SCHEMA["properties"][key]["default"] == value
    assert set(DEFAULTS) | {"title", "links", "datastore", "components", "zones",
                            "failures", "names"} == set(
        SCHEMA["properties"])


def test_examples_and_defaults_are_valid() -> None:
    for example in SCHEMA["examples"]:
        assert schema_errors(example) == []
        assert validator_errors(yaml.safe_dump(example)) == []
    for key, prop in SCHEMA["properties"].items():
        for value in [*prop.get("examples", []), *([prop["default"]] if "default" in prop
                                                   else [])]:
            assert schema_errors({key: value}) == [], (key, value)


@pytest.mark.parametrize("name", sorted(set(comp.CATALOG) | set(comp.ALIASES)))
def test_every_name_in_every_spelling(name: str) -> None:
    """Names, aliases and their spellings: ``resolve`` and the schema agree, for
    components everywhere and for add-ons."""
    component = {"$ref": "#/$defs/component", "$defs": SCHEMA["$defs"]}
    addon = {"$ref": "#/$defs/addon", "$defs": SCHEMA["$defs"]}
    kelvin = name.replace("k", "\u212a")
    spellings = [name, name.upper(), name.title(), name.replace("-", "_"),
                 name.replace("-", " "), f" \t{name}\u00a0", kelvin, name + "x", "x" + name,
                 name.replace("-", "\t"), name.replace("-", "--"), name.replace("-", "")]
    for spelling in spellings:
        resolved = comp.resolve(spelling)
        assert (schema_errors(spelling, component) == []) == (resolved is not None), spelling
        is_addon = resolved is not None and comp.CATALOG[resolved].role is comp.Role.ADDON
        assert (schema_errors(spelling, addon) == []) == is_addon, spelling


# -- collecting the project's specs --------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One spec: its text (None when the bytes are not UTF-8) and the :extends: base."""

    id: str
    text: str | None
    raw: bytes = b""
    base: dict[str, Any] | None = field(default=None, compare=False)
    #: For VALID and INVALID: the answer both sides must give.
    expect: bool | None = None


@dataclass
class Block:
    line: int
    argument: str
    options: dict[str, str]
    body: str


_RST = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+k8s-cluster::(?P<arg>.*)$")
_MYST = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{k8s-cluster\}(?P<arg>.*)$")
_OPTION = re.compile(r"^:(?P<name>[\w-]+):(?P<value>.*)$")
_IMPORT_FORMATS = ("kind", "kubeadm", "k3d")


def _options(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Leading ``:name: value`` lines (both syntaxes) or a MyST ``---`` YAML block."""
    if lines and lines[0].strip() == "---" and "---" in (x.strip() for x in lines[1:]):
        end = [x.strip() for x in lines].index("---", 1)
        found = yaml.safe_load("\n".join(lines[1:end])) or {}
        return {str(k): str(v) for k, v in found.items()}, lines[end + 1:]
    options: dict[str, str] = {}
    index = 0
    while index < len(lines) and (match := _OPTION.match(lines[index].strip())):
        options[match["name"]] = match["value"].strip()
        index += 1
    return options, lines[index:]


def _rst_blocks(lines: list[str]) -> Iterator[Block]:
    for number, line in enumerate(lines):
        match = _RST.match(line)
        if not match:
            continue
        indent = len(match["indent"].expandtabs())
        block: list[str] = []
        for following in lines[number + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) <= indent:
                break
            block.append(following)
        options, body = _options(block)
        yield Block(number + 1, match["arg"].strip(), options, textwrap.dedent("\n".join(body)))


def _myst_blocks(lines: list[str]) -> Iterator[Block]:
    number = 0
    while number < len(lines):
        match = _MYST.match(lines[number])
        if not match:
            number += 1
            continue
        fence, indent = match["fence"], len(match["indent"])
        close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = number + 1
        while end < len(lines) and not close.match(lines[end]):
            end += 1
        content = [x[indent:] if not x[:indent].strip() else x.lstrip()
                   for x in lines[number + 1:end]]
        options, body = _options(content)
        yield Block(number + 1, match["arg"].strip(), options, "\n".join(body))
        number = end + 1


def _is_import(text: str) -> bool:
    """A kind, kubeadm or k3d file (or a stream of them), not a spec."""
    documents, _ = load_all(text)
    if documents is None:
        return re.search(r"^apiVersion[ \t]*:", text, re.MULTILINE) is not None
    return any(isinstance(d.data, dict) and "apiVersion" in d.data for d in documents)


def _is_spec_path(argument: str) -> bool:
    # As directive.is_spec_path: the argument names a file, not a title.
    return argument.lower().endswith((".yaml", ".yml")) and not any(
        c.isspace() for c in argument)


def _accepted_data(text: str, base: dict[str, Any] | None) -> dict[str, Any] | None:
    """The merged data the directive keeps for later ``:extends:`` steps."""
    cluster, _diagnostics, data = analyse(text, base=base)
    return data if cluster is not None else None


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _srcdir(path: Path) -> Path:
    relative = path.relative_to(ROOT).parts
    if relative[:2] == ("tests", "roots"):
        return ROOT.joinpath(*relative[:3])
    return DOCS


def _directive_cases() -> Iterator[Case]:
    sources = [p for top, suffixes in ((TESTS / "roots", (".rst", ".md")),
                                      (DOCS, (".rst", ".md")))
               for p in sorted(top.rglob("*")) if p.suffix in suffixes and p.is_file()]
    for path in sources:
        if "_build" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        blocks = sorted([*_rst_blocks(lines), *_myst_blocks(lines)], key=lambda b: b.line)
        registry: dict[str, dict[str, Any]] = {}
        for block in blocks:
            if block.options.get("format", "auto") in _IMPORT_FORMATS:
                continue
            text: str | None = block.body
            if _is_spec_path(block.argument):
                # The file itself is collected with the YAML files; read it here for the
                # :extends: chain and for steps that extend a base.
                file = (_srcdir(path) / block.argument.lstrip("/") if
                        block.argument.startswith("/") else path.parent / block.argument)
                if not file.resolve().is_relative_to(_srcdir(path).resolve()) or \
                        not file.is_file():
                    continue
                text, _problem = decode(file.read_bytes())
            if text is None or _is_import(text):
                continue
            base = None
            if "extends" in block.options:
                base = registry.get(block.options["extends"])
                if base is None:
                    continue  # the directive reports the missing base (k8sarch.extends)
            if not _is_spec_path(block.argument) or base is not None:
                yield Case(f"{_rel(path)}:{block.line}", text, base=base)
            data = _accepted_data(text, base)
            if data is not None and "name" in block.options:
                registry[block.options["name"]] = data


def _yaml_file_cases() -> Iterator[Case]:
    for top in (TESTS, DOCS):
        for path in sorted(top.rglob("*")):
            if path.suffix.lower() not in (".yaml", ".yml") or "_build" in path.parts or \
                    not path.is_file():
                continue
            raw = path.read_bytes()
            text, _problem = decode(raw)
            if text is not None and _is_import(text):
                continue
            yield Case(_rel(path), text, raw)


def _looks_like_spec(text: str) -> bool:
    if ":" not in text:
        return False
    loaded, _ = load(text)
    return (loaded is not None and isinstance(loaded.data, dict)
            and "apiVersion" not in loaded.data
            and any(key in SCHEMA["properties"] for key in loaded.data))


def _strings(node: ast.AST | None) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List):
        values = [e.value for e in node.elts
                  if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return values if len(values) == len(node.elts) else None
    return None


def _snippet(call: ast.Call, bodies: set[int]) -> tuple[list[str], str, int] | None:
    """Options, body and body line of ``Snippet(title, options, body)``
    (helpers.snippets.Snippet); the body node goes into ``bodies``."""
    if not (isinstance(call.func, ast.Name) and call.func.id == "Snippet"):
        return None
    args: list[ast.expr | None] = [*call.args, None, None, None][:3]
    for keyword in call.keywords:
        if keyword.arg in ("title", "options", "body"):
            args[("title", "options", "body").index(keyword.arg)] = keyword.value
    options, body = _strings(args[1]), args[2]
    if options is None or not (isinstance(body, ast.Constant) and isinstance(body.value, str)):
        return None
    bodies.add(id(body))
    return options, body.value, body.lineno


def _python_cases() -> Iterator[Case]:
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == Path(__file__).name or "roots" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call | ast.Constant)),
                       key=lambda n: (n.lineno, n.col_offset))
        registry: dict[str, dict[str, Any]] = {}
        # Snippet bodies are taken with their base; pieces of f-strings are not specs.
        bodies = {id(part) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)
                  for part in n.values}
        for node in nodes:
            found = _snippet(node, bodies) if isinstance(node, ast.Call) else None
            if found is not None:
                options, body, line = found
                named = dict(o[1:].split(": ", 1) for o in options if ": " in o)
                base = registry.get(named.get("extends", ""))
                if "extends" in named and base is None:
                    continue  # the directive reports the missing base (k8sarch.extends)
                yield Case(f"{_rel(path)}:{line}", body, base=base)
                data = _accepted_data(body, base)
                if data is not None and "name" in named:
                    registry[named["name"]] = data
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in bodies and _looks_like_spec(node.value)):
                yield Case(f"{_rel(path)}:{node.lineno}", node.value)


# -- the cases written here ----------------------------------------------------------------

LONG = "x" * 2000
VALID: list[tuple[str, str]] = [
    ("worker-pools", ("workers:\n- {name: general, count: 3}\n"
     "- {name: gpu, count: 2, components: [kubelet, container-runtime]}\n"
     "links: {gpu-2: https://example.org/gpu}\n")),
    ("own-components", ("workers: [{name: apps, count: 2}]\ncomponents:\n"
     "- {name: vault, label: HashiCorp Vault, runs-on: apps,\n"
     "   talks-to: [kube-apiserver, 'postgres:5432'], description: {en: Secrets., es: Secretos.}}\n"
     "- {name: postgres, runs-on: outside}\n"
     "addons: [coredns, cni, metrics-server, csi-driver]\nlinks: {vault: x}\n")),
    ("own-component-in-a-list", ("components: [{name: vault, runs-on: addons}]\n"
     "workers: {count: 1, components: [kubelet, vault]}\n")),
    ("load-balancer-on-nodes", ("control-plane: 3\n"
     "load-balancer: {type: keepalived-haproxy, on: control-plane}\n")),
    ("kube-vip-on-nodes", "control-plane: 3\nload-balancer: {type: kube-vip}\n"),
    ("helm-client", "clients: [kubectl, helm]\n"),
    ("datastore-sqlite", ("control-plane: {count: 1, components: [kube-apiserver, kubelet]}\n"
                         "datastore: SQLite\n")),
    ("empty", ""),
    ("empty-mapping", "{}"),
    ("comment-only", "# nothing yet\n"),
    ("full", ("title: All keys\ncontrol-plane: 3\nworkers: 3\netcd: stacked\n"
             "load-balancer: haproxy\nclients: [kubectl]\nruntime: containerd\n"
             "addons: [coredns, cni]\nlinks: {etcd: 'https://etcd.io/docs/'}\n")),
    ("title-empty-text", "title: ''\n"),
    ("cp-1", "control-plane: 1\n"),
    ("cp-99", f"control-plane: {LIMITS['control-plane'][1]}\nload-balancer: cloud\n"),
    ("workers-0", "workers: 0\n"),
    ("workers-max", f"workers: {LIMITS['workers'][1]}\n"),
    ("pool-mapping", ("control-plane:\n  count: 3\n  components: [kube-apiserver, etcd]\n"
                     "load-balancer: kube-vip\n")),
    ("pool-no-count", "control-plane: {components: [kubelet]}\nworkers: {components: []}\n"),
    ("pool-empty-mapping", "control-plane: {}\nworkers: {}\n"),
    ("pool-components-null", "workers: {count: 2, components: }\n"),
    ("pool-one-name", "workers: {count: 2, components: kubelet}\n"),
    ("aliases-mixed-case", ("control-plane:\n  components: [DB-ETCD, ApiServer, Kube_Scheduler, "
                           "' kcm ', controller manager, C-C-M, CRI-O]\n")),
    ("kelvin-sign", 'clients: ["\\u212Aubectl"]\n'),
    ("duplicate-name-warns", "workers: {count: 1, components: [kubelet, KUBELET]}\n"),
    ("control-plane-on-workers-warns", "workers: {count: 1, components: [kube-scheduler]}\n"),
    ("kubectl-on-workers", "workers: {count: 2, components: [kubectl, kube-proxy]}\n"),
    ("etcd-stacked-any-case", "etcd: Stacked\n"),
    ("etcd-external-any-case", "etcd: EXTERNAL\n"),
    ("etcd-mapping", "etcd: {topology: external, members: 5}\n"),
    ("etcd-members-limits", "etcd: {topology: External, members: 1}\n"),
    ("etcd-members-max", f"etcd: {{topology: external, members: {LIMITS['members'][1]}}}\n"),
    ("etcd-mapping-stacked", "etcd: {topology: stacked}\n"),
    ("etcd-mapping-empty", "etcd: {}\n"),
    ("etcd-external-default-members", "etcd: {topology: external}\n"),
    ("etcd-external-on-cp-warns", "etcd: external\ncontrol-plane: {components: [etcd]}\n"),
    ("lb-kinds", "load-balancer: keepalived\n"),
    ("lb-any-case", "load-balancer: HAProxy\n"),
    ("lb-label", "load-balancer: F5 BIG-IP\n"),
    ("lb-label-60", f"load-balancer: {'L' * 60}\n"),
    ("lb-label-padded", f"load-balancer: '  {'L' * 60}  '\n"),
    ("lb-label-inner-space", "load-balancer: '" + "L" + " " * 58 + "L'\n"),
    ("lb-null", "load-balancer:\n"),
    ("lb-false", "load-balancer: false\n"),
    ("lb-yaml11-no", "load-balancer: no\n"),
    ("clients-empty", "clients: []\n"),
    ("clients-null", "clients:\n"),
    ("clients-one-name", "clients: KubeCtl\n"),
    ("clients-in-cluster-warns", "clients: [kubectl, kube-proxy]\n"),
    ("runtime-cri-o", "runtime: CRI-O\n"),
    ("runtime-crio", "runtime: crio\n"),
    ("runtime-from-components", "workers: {count: 1, components: [kubelet, crio]}\n"),
    ("addons-aliases", "addons: [DNS, calico]\n"),
    ("addons-one-name", "addons: coredns\n"),
    ("addons-null", "addons:\n"),
    ("links-example", ("control-plane: 3\nworkers: 2\nload-balancer: haproxy\nlinks:\n"
                      "  etcd: https://etcd.io/docs/\n  kube-apiserver: ref:api-chapter\n"
                      "  cp-1: doc:/guide/cli\n  worker-2: some-label\n")),
    ("links-null", "links:\n"),
    ("links-empty", "links: {}\n"),
    ("links-alias-any-case", "links: {API: x, ' Kube_Proxy ': y, lb: z}\n"),
    ("links-external-etcd-machine", ("etcd: {topology: external, members: 3}\n"
                                    "links: {etcd-3: x}\n")),
    ("links-schemes-any-case", ("links: {etcd: 'HTTPS://etcd.io', kubelet: 'Doc:/x', "
                               "kube-proxy: 'REF:y', coredns: 'http://a'}\n")),
    ("links-target-padded", "links: {etcd: '  label  '}\n"),
    ("links-target-2000", f"links: {{etcd: {LONG}}}\n"),
    ("links-label-with-colon-late", "links: {etcd: 'a label: with colon'}\n"),
    ("links-same-component-twice-warns", "links: {etcd: a, DB-ETCD: b}\n"),
    ("ha-findings-are-warnings", "control-plane: 4\n"),
    ("merge-key", "workers: &w {count: 3}\ncontrol-plane: {<<: *w}\nload-balancer: cloud\n"),
]
INVALID: list[tuple[str, str]] = [
    ("pool-without-name", "workers: [{count: 2}]\n"),
    ("pool-reserved-name", "workers: [{name: cp, count: 2}]\n"),
    ("pool-bad-name", "workers: [{name: GPU_nodes, count: 2}]\n"),
    ("pool-unknown-key", "workers: [{name: gpu, count: 2, size: big}]\n"),
    ("pools-empty", "workers: []\n"),
    ("own-without-runs-on", "components: [{name: vault}]\n"),
    ("own-catalog-name", "components: [{name: etcd, runs-on: addons}]\n"),
    ("own-bad-description-language", ("components: [{name: vault, runs-on: addons, "
     "description: {fr: Coffre}}]\n")),
    ("own-unknown-key", "components: [{name: vault, runs-on: addons, replicas: 3}]\n"),
    ("lb-on-nodes-bad-type", "load-balancer: {type: haproxy, on: control-plane}\n"),
    ("lb-on-nodes-elsewhere", "load-balancer: {type: kube-vip, on: workers}\n"),
    ("addon-not-an-addon", "addons: [kube-scheduler]\n"),
    ("datastore-list", ("control-plane: {count: 1, components: [kube-apiserver]}\n"
                       "datastore: [SQLite]\n")),
    ("datastore-blank", ("control-plane: {count: 1, components: [kube-apiserver]}\n"
                        "datastore: '   '\n")),
    # Found by this test: Python's "$" also matched before a final newline.
    ("link-machine-with-newline", 'control-plane: 3\nload-balancer: cloud\nlinks: {"cp-1\\n": x}\n'),
    ("top-list", "- control-plane\n- workers\n"),
    ("top-text", "just text\n"),
    ("top-number", "42\n"),
    ("unknown-key", "worker: 3\n"),
    ("keys-are-case-sensitive", "Title: x\n"),
    ("unknown-numeric-key", "1: x\n"),
    ("title-number", "title: 3\n"),
    ("title-null", "title:\n"),
    ("title-list", "title: [a]\n"),
    ("title-bool", "title: true\n"),
    ("title-date", "title: 2024-01-01\n"),
    ("cp-0", "control-plane: 0\n"),
    ("cp-100", "control-plane: 100\n"),
    ("cp-text", "control-plane: three\n"),
    ("cp-bool", "control-plane: true\n"),
    ("cp-null", "control-plane:\n"),
    ("cp-list", "control-plane: [3]\n"),
    ("cp-fraction", "control-plane: 3.5\n"),
    ("cp-count-0", "control-plane: {count: 0}\n"),
    ("cp-count-null", "control-plane: {count: }\n"),
    ("cp-count-text", "control-plane: {count: '3'}\n"),
    ("pool-unknown-key", "control-plane: {count: 1, size: 1}\n"),
    ("pool-unknown-component", "control-plane: {components: [kube-sheduler]}\n"),
    ("pool-unknown-one-name", "workers: {count: 1, components: kubelett}\n"),
    ("pool-component-number", "workers: {count: 1, components: [3]}\n"),
    ("pool-component-null", "workers: {count: 1, components: [null]}\n"),
    ("pool-components-mapping", "workers: {count: 1, components: {kubelet: 1}}\n"),
    ("pool-tab-for-dash", "workers: {count: 1, components: [\"kube\\tproxy\"]}\n"),
    ("workers-negative", "workers: -1\n"),
    ("workers-too-many", f"workers: {LIMITS['workers'][1] + 1}\n"),
    ("workers-text", "workers: '2'\n"),
    ("workers-count-too-many", f"workers: {{count: {LIMITS['workers'][1] + 1}}}\n"),
    ("etcd-unknown", "etcd: apilado\n"),
    ("etcd-null", "etcd:\n"),
    ("etcd-number", "etcd: 3\n"),
    ("etcd-padded", "etcd: 'external '\n"),
    ("etcd-members-0", "etcd: {topology: external, members: 0}\n"),
    ("etcd-members-16", "etcd: {topology: external, members: 16}\n"),
    ("etcd-members-null", "etcd: {topology: external, members: }\n"),
    ("etcd-members-text", "etcd: {topology: external, members: '3'}\n"),
    ("etcd-stacked-members", "etcd: {topology: stacked, members: 3}\n"),
    ("etcd-default-topology-members", "etcd: {members: 3}\n"),
    ("etcd-topology-unknown", "etcd: {topology: x}\n"),
    ("etcd-unknown-key", "etcd: {topology: external, size: 3}\n"),
    ("lb-empty", "load-balancer: ''\n"),
    ("lb-blank", "load-balancer: '   '\n"),
    ("lb-true", "load-balancer: true\n"),
    ("lb-zero", "load-balancer: 0\n"),
    ("lb-list", "load-balancer: [a]\n"),
    ("lb-mapping", "load-balancer: {a: b}\n"),
    ("lb-label-61", f"load-balancer: {'L' * 61}\n"),
    ("lb-label-61-inner-space", "load-balancer: '" + "L" + " " * 59 + "L'\n"),
    ("clients-unknown", "clients: [kubectlx]\n"),
    ("clients-number", "clients: 3\n"),
    ("clients-mapping", "clients: {kubectl: 1}\n"),
    ("clients-null-item", "clients: [null]\n"),
    ("runtime-docker", "runtime: docker\n"),
    ("runtime-null", "runtime:\n"),
    ("runtime-padded", "runtime: 'containerd '\n"),
    ("runtime-underscore", "runtime: cri_o\n"),
    ("runtime-number", "runtime: 3\n"),
    ("runtime-list", "runtime: [containerd]\n"),
    ("runtime-kelvin", 'runtime: "\\u212Aata"\n'),
    ("addons-not-addon", "addons: [kube-apiserver]\n"),
    ("addons-mixed", "addons: [coredns, kubelet]\n"),
    ("addons-unknown", "addons: [istio]\n"),
    ("addons-one-not-addon", "addons: kubelet\n"),
    ("addons-number", "addons: 3\n"),
    ("links-list", "links: [etcd]\n"),
    ("links-text", "links: etcd\n"),
    ("links-number", "links: 3\n"),
    ("links-machine-0", "links: {cp-0: x}\n"),
    ("links-machine-upper", "links: {CP-1: x}\n"),
    ("links-machine-leading-zero", "workers: 20\nlinks: {worker-01: x}\n"),
    ("links-machine-7-digits", "links: {cp-1234567: x}\n"),
    ("links-machine-unknown-kind", "links: {node-1: x}\n"),
    ("links-unknown-component", "links: {kubelett: x}\n"),
    ("links-numeric-key", "links: {1: x}\n"),
    ("links-target-empty", "links: {etcd: ''}\n"),
    ("links-target-blank", "links: {etcd: '   '}\n"),
    ("links-target-number", "links: {etcd: 3}\n"),
    ("links-target-null", "links: {etcd: }\n"),
    ("links-target-list", "links: {etcd: [a]}\n"),
    ("links-mailto", "links: {etcd: 'mailto:a@b.c'}\n"),
    ("links-javascript", "links: {etcd: ' javascript:alert(1)'}\n"),
    ("links-ftp", "links: {etcd: 'ftp://x'}\n"),
    ("links-drive-letter", "links: {etcd: 'C:/x'}\n"),
    ("links-similar-scheme", "links: {etcd: 'https.x:y'}\n"),
    ("links-target-2001", f"links: {{etcd: {LONG}x}}\n"),
    ("several-errors", "control-plane: 0\nworkers: many\nruntime: docker\n"),
]

#: What the schema cannot see, with a spec showing each: (id, spec, reason). The validator
#: rejects these specs and the schema accepts them.
KNOWN: list[tuple[str, str, str]] = [
    ("datastore-with-etcd", "control-plane: 3\nload-balancer: cloud\ndatastore: SQLite\n",
     "A datastore instead of etcd needs a cluster without etcd: a rule across keys."),
    ("duplicate-key", "workers: 1\nworkers: 2\n",
     ("A key given twice: after YAML parsing only one value is left, so no schema can see "
     "the first (the YAML language server reports duplicate keys itself).")),
    ("whole-number-with-point", "control-plane: 3.0\nload-balancer: cloud\n",
     ("JSON Schema's integer is a mathematical one, so 3.0 is an integer; the validator "
     "wants a YAML integer and rejects a float.")),
    ("machine-beyond-count", "control-plane: 3\nload-balancer: cloud\nlinks: {cp-4: x}\n",
     ("A machine name past the cluster's count (cp-4 with 3 control-plane nodes): JSON "
     "Schema cannot compare a key with a value elsewhere in the document.")),
    ("etcd-machine-when-stacked", "links: {etcd-1: x}\n",
     ("etcd-N names external etcd machines only; whether etcd is external is decided by "
     "another key.")),
    ("text-too-long", "control-plane: 1\n#" + "#" * 200_000 + "\n",
     ("Size limits (text length, values after alias expansion, nesting depth, integer "
     "literal length) protect the validator; the schema has no notion of document size.")),
    ("too-many-values", "clients: [" + ", ".join(["kubectl"] * 5001) + "]\n",
     ("Size limits: more values than the validator's node budget (which also stops alias "
     "bombs).")),
    ("long-integer-literal", "workers: " + "0" * 300 + "1\n",
     "Size limits: an integer literal longer than the validator reads."),
    ("machine-unknown-prefix", "control-plane: 3\nload-balancer: cloud\nlinks: {node-1: x}\n",
     ("A machine's prefix is cp, etcd, worker or the name of a worker pool; pool names are "
     "values elsewhere in the document, which JSON Schema cannot compare keys with.")),
    ("own-component-references", ("components: [{name: vault, runs-on: gpu, "
     "talks-to: [postgres]}]\n"),
     ("An own component's runs-on may name a worker pool and its talks-to another own "
     "component, names defined elsewhere in the document: the schema takes any, the "
     "validator knows which exist.")),
    ("own-component-twice", ("components: [{name: vault, runs-on: addons}, "
     "{name: vault, runs-on: outside}]\n"),
     "Two own components with one name: JSON Schema has no uniqueness by a property."),
    ("zone-machine-references", ("control-plane: 3\nload-balancer: cloud\n"
     "zones: {a: [cp-1, cp-4], b: [cp-2, cp-1]}\n"),
     ("Zones place machines that exist (cp-4 does not with 3 nodes) and each machine once: "
      "the machines depend on other keys, and JSON Schema has no uniqueness across lists.")),
    ("name-references", "control-plane: 3\nload-balancer: cloud\nnames: {cp-1: a, cp-2: a}\n",
     ("Names that machines already have, or two machines with one name: uniqueness of "
      "values and machines that exist depend on the rest of the document.")),
    ("failure-references", "control-plane: 3\nfailures: [cp-4, zone-x, load-balancer]\n",
     ("A failure names a machine, a zone of zones, or a load balancer the cluster has: all "
      "decided by other keys.")),
]

# -- the agreement -------------------------------------------------------------------------


def _count(value: Any, default: int) -> int:
    if isinstance(value, dict):
        value = value.get("count", default)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _blind_spots(data: Any) -> tuple[Any, list[str]]:
    """``data`` without what the schema cannot judge, and which of :data:`KNOWN` applied."""
    if not isinstance(data, dict):
        return data, []
    data = copy.deepcopy(data)
    found: list[str] = []

    def whole(holder: dict[Any, Any], key: str) -> None:
        value = holder.get(key)
        if isinstance(value, float) and value.is_integer():
            holder[key] = int(value)
            found.append("whole-number-with-point")

    for key in ("control-plane", "workers"):
        whole(data, key)
        if isinstance(data.get(key), dict):
            whole(data[key], "count")
    if isinstance(data.get("etcd"), dict):
        whole(data["etcd"], "members")

    etcd = data.get("etcd", "stacked")
    topology = etcd.get("topology", "stacked") if isinstance(etcd, dict) else etcd
    external = isinstance(topology, str) and topology.lower() == EtcdTopology.EXTERNAL
    members = etcd.get("members", 3) if isinstance(etcd, dict) else 3
    workers = data.get("workers", 0)
    machines = {"cp": _count(data.get("control-plane", 1), 1),
                "etcd": _count(members, 3) if external else 0}
    if isinstance(workers, list):
        machines.update({p["name"]: _count(p, 0) for p in workers
                         if isinstance(p, dict) and isinstance(p.get("name"), str)})
    else:
        machines["worker"] = _count(workers, 0)
    lb = data.get("load-balancer")
    if isinstance(lb, dict) and True in lb:
        # YAML 1.1 reads the key "on" as true; editors (YAML 1.2) read "on".
        lb["on"] = lb.pop(True)
    own = _own(data, found)
    links = data.get("links")
    if isinstance(links, dict):
        for key in list(links):
            match = MACHINE.match(key) if isinstance(key, str) else None
            if isinstance(key, str) and comp.normalize(key) in own:
                del links[key]
            elif match and comp.resolve(key) is None and match[1] not in machines:
                del links[key]
                found.append("machine-unknown-prefix")
            elif match and comp.resolve(key) is None and int(match[2]) > machines[match[1]]:
                del links[key]
                found.append("etcd-machine-when-stacked" if match[1] == "etcd" and not external
                             else "machine-beyond-count")
    _failure_references(data, machines, found)
    if data.get("datastore") is not None and (external or _has_etcd(data.get("control-plane"))):
        del data["datastore"]
        found.append("datastore-with-etcd")
    return data, found


def _failure_references(data: dict[str, Any], counts: dict[str, int],
                        found: list[str]) -> None:
    """``zones`` and ``failures`` name machines, zones and the load balancer, which other
    keys decide; references that do not exist are taken out and recorded."""
    def drawn(name: Any) -> bool:
        match = MACHINE.match(name) if isinstance(name, str) else None
        return match is not None and 0 < int(match[2]) <= counts.get(match[1], 0)

    real = data.get("names")
    aliases = set(real.values()) if isinstance(real, dict) else set()
    if isinstance(real, dict) and (not all(drawn(m) for m in real) or len(aliases) < len(real)
                                   or any(drawn(a) and a not in real for a in aliases)):
        del data["names"]
        found.append("name-references")

    def machine(name: Any) -> bool:
        return drawn(name) or name in aliases

    zones = data.get("zones")
    names: list[Any] = zones if isinstance(zones, list) else []
    if isinstance(zones, dict):
        names = list(zones)
        placed = [m for value in zones.values()
                  for m in (value if isinstance(value, list) else [value])]
        if not all(machine(m) for m in placed) or len(set(map(str, placed))) < len(placed):
            del data["zones"]
            found.append("zone-machine-references")
    failures = data.get("failures")
    if isinstance(failures, str):
        failures = [failures]
    if isinstance(failures, list):
        lb = data.get("load-balancer", "none")
        can_fail_lb = lb not in (None, False, "none") and not isinstance(lb, dict)
        known = {*(str(n) for n in names), *(["load-balancer"] * can_fail_lb)}
        if any(f not in known and not machine(f) for f in failures if isinstance(f, str)):
            del data["failures"]
            found.append("failure-references")


def _own(data: dict[str, Any], found: list[str]) -> set[str]:
    """The own component names of ``data``, taken out of every component list and of
    ``links`` (the schema only knows the catalog's names, and that is no difference:
    both accept them). References to pools and own components that do not exist, and a
    repeated name, are differences: the validator refuses them, the schema cannot tell."""
    entries = data.get("components")
    if not isinstance(entries, list):
        return set()
    names = [comp.normalize(e["name"]) for e in entries
             if isinstance(e, dict) and isinstance(e.get("name"), str)]
    own = set(names)
    if len(names) != len(own):
        found.append("own-component-twice")
        data["components"] = [e for i, e in enumerate(entries)
                              if not (isinstance(e, dict) and names.index(
                                  comp.normalize(e.get("name", ""))) != i)]
    workers = data.get("workers")
    pools = {p.get("name") for p in workers if isinstance(p, dict)} \
        if isinstance(workers, list) else set()
    for entry in data["components"]:
        if not isinstance(entry, dict):
            continue
        runs_on = entry.get("runs-on")
        if isinstance(runs_on, str) and runs_on not in (
                "control-plane", "workers", "addons", "outside"):
            entry["runs-on"] = "workers"
            if runs_on not in pools:
                found.append("own-component-references")
        talks = entry.get("talks-to")
        if isinstance(talks, list):
            targets = [t.split(":")[0] if isinstance(t, str) else t for t in talks]
            if any(isinstance(t, str) and t not in own and comp.resolve(t) is None
                   for t in targets):
                found.append("own-component-references")
            entry["talks-to"] = [t for t, name in zip(talks, targets, strict=True)
                                 if isinstance(name, str) and name not in own
                                 and comp.resolve(name) is not None]

    def strip(holder: Any, key: str) -> None:
        names_there = holder.get(key) if isinstance(holder, dict) else None
        names_there = [names_there] if isinstance(names_there, str) else names_there
        if isinstance(names_there, list) and any(
                isinstance(n, str) and comp.normalize(n) in own for n in names_there):
            holder[key] = [n for n in names_there
                           if not (isinstance(n, str) and comp.normalize(n) in own)]

    for key in ("control-plane", "workers"):
        entries_there = data.get(key)
        for pool in entries_there if isinstance(entries_there, list) else [entries_there]:
            strip(pool, "components")
    strip(data, "clients")
    strip(data.get("etcd"), "components")
    return own


def _has_etcd(pool: Any) -> bool:
    """Whether the control-plane nodes run etcd (the default components include it)."""
    if not isinstance(pool, dict) or "components" not in pool:
        return True
    names = pool["components"]
    names = [names] if isinstance(names, str) else names if isinstance(names, list) else []
    return any(isinstance(n, str) and comp.resolve(n) == "etcd" for n in names)


def check_agreement(case: Case) -> None:
    if case.text is None:
        _text, problem = decode(case.raw)
        assert problem is not None and problem.is_error, "not UTF-8: the validator refuses it"
        return
    refused = validator_errors(case.text, case.base)
    if case.expect is not None:
        assert (not refused) is case.expect, refused
    loaded, diagnostics = load(case.text)
    if loaded is None:
        # Not YAML, or beyond the validator's size limits: there is no data for a schema.
        assert refused, "the validator must refuse what it cannot load"
        return
    data = loaded.data
    if case.base is not None and (data is None or isinstance(data, dict)):
        data = merge(case.base, data or {})
    rest, known = _blind_spots(data)
    if any(d.subtype is Subtype.DUPLICATE_KEY for d in diagnostics):
        known.append("duplicate-key")
    complaints = schema_errors(rest)
    if not known:
        assert (not complaints) == (not refused), (
            f"validator: {refused or 'valid'}; schema: {complaints or 'valid'}")
        return
    # A known difference: the validator refuses the spec; both agree on everything else.
    assert refused, known
    if not isinstance(rest, dict):
        assert complaints, "the spec must be a mapping"
        return
    _cluster, core = validate(rest, loaded)
    assert (not complaints) == (not has_errors(core)), (known, core, complaints)


def _dedupe(cases: list[Case]) -> list[Case]:
    seen: set[tuple[str | None, bytes, str]] = set()
    unique = []
    for case in cases:
        key = (case.text, case.raw, json.dumps(case.base, sort_keys=True, default=str))
        if key not in seen:
            seen.add(key)
            unique.append(case)
    return unique


FOUND = [*_directive_cases(), *_yaml_file_cases(), *_python_cases()]
#: The same text (and base) found twice is checked once, under its first id.
COLLECTED = _dedupe(FOUND)
WRITTEN = [Case(f"valid:{label}", text, expect=True) for label, text in VALID] + [
    Case(f"invalid:{label}", text, expect=False) for label, text in INVALID]


@pytest.mark.parametrize("case", COLLECTED, ids=[c.id for c in COLLECTED])
def test_collected_specs_agree(case: Case) -> None:
    check_agreement(case)


@pytest.mark.parametrize("case", WRITTEN, ids=[c.id for c in WRITTEN])
def test_written_specs_agree(case: Case) -> None:
    check_agreement(case)


def test_collection_finds_every_kind_of_spec() -> None:
    ids = [c.id for c in FOUND]
    assert any(i.startswith("docs/") and ".md:" in i for i in ids)
    assert any(i.startswith("docs/") and i.endswith(".rst:1") for i in ids)  # snippets
    assert any(re.match(r"tests/\w+/test_\w+\.py:", i) for i in ids)
    assert any(c.base is not None for c in FOUND if c.id.startswith("docs/"))
    assert any(c.base is not None for c in FOUND if ".py:" in c.id)
    assert any(i.endswith(".yaml") for i in ids)


@pytest.mark.parametrize(("text", "reason"), [(t, r) for _i, t, r in KNOWN],
                         ids=[i for i, _t, _r in KNOWN])
def test_known_differences(text: str, reason: str) -> None:
    """Each known difference is real: the validator refuses the spec, the schema accepts it
    (read with plain PyYAML where the validator's loader stops at a size limit)."""
    assert validator_errors(text), reason
    loaded, _ = load(text)
    data = loaded.data if loaded is not None else yaml.safe_load(text)
    assert schema_errors(data) == [], reason
    check_agreement(Case("known", text))
