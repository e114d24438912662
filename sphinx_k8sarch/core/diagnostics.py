"""Diagnostics returned by the core: never logged there, reported by the caller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import difflib
from enum import StrEnum
from typing import Any

#: The warning ``type`` used for every message of this extension.
WARNING_TYPE = "k8sarch"


class Severity(StrEnum):
    ERROR = "error"
    """The spec cannot be drawn: no diagram is produced for it."""
    WARNING = "warning"
    """The diagram is drawn, but the cluster it shows has a problem."""


class Subtype(StrEnum):
    """Warning subtypes; users silence one with ``suppress_warnings = ["k8sarch.<subtype>"]``."""

    YAML = "yaml"
    """The spec is not valid YAML (syntax error, several documents, unsupported tag)."""
    TYPE = "type"
    """A value has the wrong type, e.g. a list where a count is expected, or the spec is not a mapping."""
    VALUE = "value"
    """A value is out of range or not one of the allowed choices, e.g. ``control-plane: 0``."""
    UNKNOWN_KEY = "unknown-key"
    """A key that the spec does not define (usually a typo; the closest key is suggested)."""
    DUPLICATE_KEY = "duplicate-key"
    """The same key appears twice in one mapping."""
    UNKNOWN_COMPONENT = "unknown-component"
    """A component name that is neither a Kubernetes component nor a known alias."""
    SIZE = "size"
    """The spec is too large or too deeply nested (for example a YAML alias bomb)."""
    PLACEMENT = "placement"
    """A component is placed where Kubernetes does not run it, e.g. kube-scheduler on a worker."""
    EXTENDS = "extends"
    """``:extends:`` names no earlier ``k8s-cluster`` of the same document."""
    OPTION = "option"
    """A directive option has an invalid value."""
    HA_SINGLE = "ha-single"
    """Only one control-plane node: the cluster has no high availability."""
    HA_QUORUM = "ha-quorum"
    """An even number of etcd members, which tolerates no more failures than one member
    fewer (4 tolerate 1, like 3; 2 tolerate none, like 1), or more than seven members,
    which etcd advises against. External etcd with fewer than three members is
    ``ha-external-etcd`` instead; a single control-plane node is ``ha-single``."""
    HA_LB = "ha-lb"
    """Several API servers but no load balancer in front of them."""
    HA_EXTERNAL_ETCD = "ha-external-etcd"
    """External etcd with fewer than three members."""
    HA_ZONE = "ha-zone"
    """With ``zones:`` given, losing one zone would lose etcd quorum (3 control-plane nodes
    over 2 zones: one zone holds 2 of the 3 members), or every control-plane node is in the
    same zone."""
    IMPORT = "import"
    """An imported kind, kubeadm, k3d or Cluster API file is of an unsupported kind or
    version, of an old version (read, with this warning), lacks the node counts, or holds a
    field that changes the architecture and is not understood; or a saved kubectl list lacks
    what the figure needs (Nodes, Pods, the load balancer in front of the API servers)."""
    FILE = "file"
    """A spec file cannot be read, is not UTF-8, or lies outside the source directory; or a
    page does not decode with ``source_encoding`` (it is left out instead of stopping the
    build)."""
    LINK = "link"
    """A ``links:`` target in a spec does not resolve to a label, document or URL."""
    RENDER = "render"
    """The Graphviz renderer is missing, failed, timed out or wrote unusable output."""
    CONFIG = "config"
    """A ``k8sarch_*`` configuration value is invalid and its default is used instead."""

    @property
    def qualified(self) -> str:
        return f"{WARNING_TYPE}.{self.value}"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in a spec, with the 1-based line inside the spec text; line 0 is
    an option given beside the text (a directive option, the command line)."""

    line: int
    severity: Severity
    subtype: Subtype
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


class Collector:
    """Gathers the diagnostics of one stage (validation, an importer, the findings)."""

    def __init__(self, diagnostics: list[Diagnostic] | None = None) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics or [])

    def error(self, line: int, subtype: Subtype, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, Severity.ERROR, subtype, message))

    def warn(self, line: int, subtype: Subtype, message: str) -> None:
        self.diagnostics.append(Diagnostic(line, Severity.WARNING, subtype, message))

    @property
    def failed(self) -> bool:
        return has_errors(self.diagnostics)


def describe_value(value: Any) -> str:
    """What a wrong value is, for messages: "a list", "text ('three')"."""
    if value is None:
        return "an empty value"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "text",
             list: "a list", dict: "a mapping"}
    return names.get(type(value), f"a {type(value).__name__}") + (
        f" ({value!r})" if isinstance(value, bool | int | float | str) and len(repr(value)) < 40
        else "")


def did_you_mean(guess: str | None) -> str:
    """The tail of a message that suggests ``guess``, or nothing."""
    return f"; did you mean {guess!r}?" if guess else ""


def closest(word: object, choices: Sequence[str]) -> str | None:
    """The choice closest to a misspelt ``word``, if it is text and any is close."""
    if not isinstance(word, str):
        return None
    match = difflib.get_close_matches(word, choices, n=1)
    return match[0] if match else None
