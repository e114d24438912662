"""Import real cluster configuration files (kind, kubeadm, k3d, Cluster API) and what
``kubectl get nodes,pods -A`` saved into the spec vocabulary.

:func:`convert` loads a file, works out which tool wrote it (from ``apiVersion``/``kind``,
or from an explicit format) and translates it, in the tool's own module, into spec data:
a mapping with the keys of :data:`~..vocabulary.KEYS` whose line table points at lines of
the *original* file, so that validation and the HA findings report into that file.

The rule for fields, the same for every tool: a field that shapes the drawing is honoured;
one that cannot change the architecture (images, ports, mounts, subnets, …) is ignored
silently; an unknown field, or one whose effect the diagram cannot show, is an ``import``
warning at its line; a value the tool itself refuses is an error at its line, and nothing
is drawn. Each format's table of fields is in ``docs/guide/formats/``.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from types import ModuleType
from typing import Any

from ..diagnostics import Diagnostic, Severity, Subtype, closest, describe_value, did_you_mean
from ..vocabulary import FORMATS, MAX_JSON_TEXT, MAX_LIST_NODES, MAX_LIST_TEXT, MAX_TEXT
from ..yamlspec import Loaded, load, load_all
from . import capi, k3d, kind, kubeadm, kubectl
from .common import ImportState, api_group, load_balancer_option
from .jsonlines import load_json, looks_like_json

#: The importer of each tool, by format name. Each module has ``API_VERSIONS``
#: (apiVersion → "" for a current version, or why an old one is still read, with a
#: warning), ``KINDS`` (the document kinds it reads; ``STRICT_KINDS``: any other kind of
#: its groups is an error, else skipped), ``STREAM`` (a file may hold several documents,
#: others skipped with a warning), ``COMPANIONS`` (groups of
#: documents that go with it and are skipped silently), ``SUPPORTED`` (for messages) and
#: ``READS_COUNTS`` (it uses the node counts given as options) and ``convert(state,
#: counts)``.
TOOLS: dict[str, ModuleType] = {"kind": kind, "kubeadm": kubeadm, "k3d": k3d, "capi": capi,
                                "kubectl": kubectl}
#: The API group of each tool's documents; kubectl's List is told apart by its kind, as
#: the core group ``v1`` holds every other object too (a ConfigMap in a Cluster API stream).
GROUPS = {group: name for name, module in TOOLS.items()
          for api in module.API_VERSIONS if (group := api_group(api)[0])}
COMPANIONS = {group: name for name, module in TOOLS.items() for group in module.COMPANIONS}
SUPPORTED = "supported: " + "; ".join(module.SUPPORTED for module in TOOLS.values())
#: A kubectl list written as YAML: ``kind: List`` at the top level.
_YAML_LIST = re.compile(r"^kind:[ \t]*[\"']?List[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)

__all__ = ["FORMATS", "TOOLS", "convert", "load_balancer_option"]


def convert(text: str, fmt: str = "auto", counts: Mapping[str, int] | None = None,
            load_balancer: Any = None) -> tuple[Loaded | None, str, list[Diagnostic]]:
    """Load ``text`` and translate kind / kubeadm / k3d configs into spec data.

    Returns (loaded, format_used, diagnostics): ``loaded.data`` is a mapping in the spec
    vocabulary (:data:`~..vocabulary.KEYS`) and ``loaded.lines`` maps spec paths to lines
    of the ORIGINAL file, so validation's diagnostics point into the file. For fmt "spec" (or auto
    detecting no apiVersion/kind) it is just yamlspec.load(text) (one document). None on
    errors that prevent any drawing. ``counts`` holds the directive options / CLI flags
    "control-plane" and "workers" (ints), used by kubeadm, which does not hold node counts;
    ``load_balancer`` the option's value (:func:`load_balancer_option`), used for kubectl
    lists, which do not name it.
    """
    counts = {k: v for k, v in (counts or {}).items() if v is not None}
    if fmt not in FORMATS:
        return None, fmt, [Diagnostic(1, Severity.ERROR, Subtype.OPTION,
                                      f"unknown format {fmt!r}; formats are "
                                      f"{', '.join(FORMATS)}")]
    if fmt == "spec":
        return _spec(text, counts, load_balancer, explicit=True)
    documents, diagnostics = _documents(text, fmt)
    if documents is None:
        return None, fmt, diagnostics
    typed = [doc for doc in documents if _is_typed(doc)]
    if fmt == "auto" and not typed:
        if len(documents) == 1:
            # A plain spec, already parsed: not again. (Several documents are an error
            # that load() words; no document at all is the empty spec.)
            return _checked_spec(documents[0], diagnostics, counts, load_balancer,
                                 explicit=False)
        return _spec(text, counts, load_balancer, explicit=False)
    # A stream may hold empty documents (a trailing ---); tools skip them.
    state = ImportState([doc for doc in documents if doc.data is not None], diagnostics)
    state.load_balancer = load_balancer
    detected = _detect(state, fmt)
    if detected is None or state.failed:
        return None, detected or state.guess or fmt, sorted(state.diagnostics)
    loaded = TOOLS[detected].convert(state, counts)
    source = "a kubectl list" if detected == "kubectl" else f"a {detected} configuration"
    if not TOOLS[detected].READS_COUNTS:
        state.ignored_counts(counts, loaded, source)
    if detected != "kubectl":
        state.ignored_load_balancer(loaded, source)
    if state.failed:
        return None, detected, sorted(state.diagnostics)
    return loaded, detected, sorted(state.diagnostics)


def _documents(text: str, fmt: str) -> tuple[list[Loaded] | None, list[Diagnostic]]:
    """The documents of the file. A kubectl list in JSON, megabytes for a large cluster,
    is read by the json module; everything else, and JSON that is not such a list, by the
    YAML reader (with larger limits for a kubectl list written as YAML)."""
    if fmt in ("auto", "kubectl") and looks_like_json(text):
        if len(text) > MAX_JSON_TEXT:
            return None, [Diagnostic(1, Severity.ERROR, Subtype.SIZE,
                                     f"the file is {len(text)} characters long; the limit "
                                     f"for JSON is {MAX_JSON_TEXT}")]
        loaded, problem = load_json(text)
        if loaded is not None and _is_list(loaded.data):
            return [loaded], []
        if problem is not None and len(text) > MAX_TEXT:
            return None, [problem]  # too long for the YAML reader to say more
    if not _YAML_LIST.search(text):
        return load_all(text)
    documents, diagnostics = load_all(text, MAX_LIST_TEXT, MAX_LIST_NODES)
    if documents is None:
        diagnostics = [d if d.subtype is not Subtype.SIZE else Diagnostic(
            d.line, d.severity, d.subtype,
            f"{d.message}; a kubectl list is read faster, and up to {MAX_JSON_TEXT} "
            "characters, when saved with -o json") for d in diagnostics]
    return documents, diagnostics


def _is_list(data: Any) -> bool:
    return isinstance(data, dict) and data.get("kind") == "List" \
        and data.get("apiVersion") == "v1"


def _spec(text: str, counts: Mapping[str, int], load_balancer: Any, explicit: bool
          ) -> tuple[Loaded | None, str, list[Diagnostic]]:
    loaded, diagnostics = load(text)
    if loaded is None:
        return None, "spec", diagnostics
    return _checked_spec(loaded, diagnostics, counts, load_balancer, explicit)


def _checked_spec(loaded: Loaded, diagnostics: list[Diagnostic], counts: Mapping[str, int],
                  load_balancer: Any, explicit: bool
                  ) -> tuple[Loaded | None, str, list[Diagnostic]]:
    data = loaded.data
    if explicit and isinstance(data, dict):
        api = data.get("apiVersion")
        group = api_group(api)[0] if isinstance(api, str) else ""
        kubectl_list = _is_list(data)
        if group in GROUPS or group in kubeadm.COMPANIONS or kubectl_list:
            tool = "kubectl" if kubectl_list else GROUPS.get(group, "kubeadm")
            diagnostics.append(Diagnostic(
                loaded.line(("apiVersion",)), Severity.ERROR, Subtype.IMPORT,
                f"format 'spec' was asked for, but this is a {tool} configuration "
                f"(apiVersion {api}); use format {tool!r} or 'auto'"))
            return None, "spec", sorted(diagnostics)
    state = ImportState([loaded], diagnostics)
    state.ignored_counts(counts, loaded, "a spec")
    state.load_balancer = load_balancer
    state.ignored_load_balancer(loaded, "a spec")
    return loaded, "spec", sorted(state.diagnostics)


def _is_typed(doc: Loaded) -> bool:
    return isinstance(doc.data, dict) and ("apiVersion" in doc.data or "kind" in doc.data)



def _detect(self: ImportState, fmt: str) -> str | None:
    """Check every document's apiVersion/kind and return the format of the file, or
    None after reporting why it cannot be imported as ``fmt``."""
    if not self.documents:
        self.error(1, Subtype.IMPORT, f"format {fmt!r} was asked for, but the file is "
                   "empty")
        return None
    tools: list[tuple[Loaded, str]] = []
    for doc in self.documents:
        tool = _tool(self, doc, fmt)
        if tool is None:
            return None
        tools.append((doc, tool))
    main = [(doc, tool) for doc, tool in tools if tool in TOOLS]
    foreign = [doc for doc, tool in tools if tool == "foreign"]
    companions = [tool.partition(":")[2] for _, tool in tools if tool.startswith("companion:")]
    if main:
        doc, detected = main[0]
    elif companions:
        # Only documents that go with a tool (KubeletConfiguration: kubeadm's).
        doc, detected = tools[0][0], companions[0]
    else:
        doc = foreign[0]
        data = doc.data
        self.error(doc.line(("apiVersion",)), Subtype.IMPORT,
                   f"apiVersion {data['apiVersion']} (kind {data.get('kind')}) is not a "
                   f"configuration that can be imported ({SUPPORTED})")
        return None
    if fmt not in ("auto", detected):
        self.error(doc.line(("apiVersion",)), Subtype.IMPORT,
                   f"format {fmt!r} was asked for, but this is a {detected} "
                   f"configuration (apiVersion {doc.data['apiVersion']}); use format "
                   f"{detected!r} or 'auto'")
        return None
    for other, tool in main[1:]:
        if tool != detected:
            self.error(other.line(("apiVersion",)), Subtype.IMPORT,
                       f"a {tool} document in a {detected} file; one file describes one "
                       "cluster")
            return None
    if TOOLS[detected].STREAM:
        for other in foreign:
            self.field(other.line(("apiVersion",)),
                       f"apiVersion {other.data['apiVersion']} is not a {detected} "
                       f"configuration; this document is skipped, as {detected} does")
    return detected


def _tool(self: ImportState, doc: Loaded, fmt: str) -> str | None:
    """The tool of one document (kind, kubeadm, k3d, capi), ``companion:<tool>`` for a
    document that goes with a tool and is skipped (a KubeletConfiguration in a kubeadm
    stream), "foreign" for another apiVersion; None after reporting why it cannot be
    read."""
    data = doc.data
    if not isinstance(data, dict):
        self.error(doc.line(()), Subtype.TYPE,
                   f"each document must be a mapping with apiVersion and kind, not "
                   f"{describe_value(data)}")
        return None
    api = data.get("apiVersion")
    kind = data.get("kind")
    if api is None:
        where = ("kind",) if "kind" in data else ()
        asked = (f"format {fmt!r} was asked for, but " if fmt != "auto" else "")
        self.error(doc.line(where), Subtype.IMPORT,
                   f"{asked}this document has no apiVersion, so it is not a kind, "
                   f"kubeadm, k3d or Cluster API configuration, nor a kubectl list "
                   f"({SUPPORTED})")
        return None
    if not isinstance(api, str) or not api.strip():
        self.error(doc.line(("apiVersion",)), Subtype.TYPE,
                   f"apiVersion must be text such as kind.x-k8s.io/v1alpha4, not "
                   f"{describe_value(api)}")
        return None
    api = api.strip()
    if api == "v1" and kind == "List":  # what kubectl get -o json (or yaml) saves
        self.guess = self.guess or "kubectl"
        return "kubectl"
    group = api_group(api)[0]
    if group in COMPANIONS:
        return f"companion:{COMPANIONS[group]}"
    tool = GROUPS.get(group)
    if tool is None:
        return "foreign"
    self.guess = self.guess or tool
    module = TOOLS[tool]
    if api not in module.API_VERSIONS:
        self.error(doc.line(("apiVersion",)), Subtype.IMPORT,
                   f"{tool} apiVersion {api} is not supported; supported: "
                   + ", ".join(module.API_VERSIONS))
        return None
    kinds = module.KINDS
    if kind not in kinds:
        if module.STRICT_KINDS:
            self.error(doc.line(("kind",)), Subtype.IMPORT,
                       f"kind {kind!r} is not a {tool} configuration that can be imported "
                       f"(expected {' or '.join(kinds)})"
                       + did_you_mean(closest(kind, kinds)))
            return None
        return f"companion:{tool}"
    old = module.API_VERSIONS[api]
    if old and api not in self.warned:
        self.warned.add(api)
        current = next(a for a, why in module.API_VERSIONS.items() if not why)
        self.field(doc.line(("apiVersion",)),
                   f"{api} is an old {tool} configuration version ({old}); it is read with "
                   f"the fields that version has, but the current one is {current}")
    return tool
