"""The core pipeline, one direction:

text → YAML with line numbers (:mod:`.yamlspec`) → format detection and import
(:mod:`.imports`) → ``:extends:`` merge (:mod:`.extends`) → validation (:mod:`.validate`)
→ HA findings (:mod:`.findings`).

Every stage returns located diagnostics; nothing here logs. Drawing (:mod:`.graph`,
:mod:`.dot`, :mod:`.render`, :mod:`.svg`) starts from the :class:`~.model.Cluster` this
returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .diagnostics import Diagnostic, Severity, Subtype, describe_value, has_errors
from .extends import merge
from .findings import ha_findings
from .imports import convert
from .model import Cluster
from .validate import validate


def undecodable(data: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """The 1-based line and the hex value of the first byte that did not decode."""
    return data[:exc.start].count(b"\n") + 1, data[exc.start:exc.start + 1].hex()


def decode(data: bytes) -> tuple[str | None, Diagnostic | None]:
    """Spec file bytes → text, or a located error saying why they are not UTF-8."""
    try:
        # utf-8-sig: a byte order mark written by some editors is accepted and dropped.
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line, byte = undecodable(data, exc)
        return None, Diagnostic(line, Severity.ERROR, Subtype.FILE,
                                f"the file is not valid UTF-8 (byte 0x{byte} on line {line})")


def parse(text: str, title: str = "", base: dict[str, Any] | None = None,
          fmt: str = "spec", counts: Mapping[str, int] | None = None,
          failures: Sequence[str] = (), load_balancer: Any = None
          ) -> tuple[Cluster | None, list[Diagnostic], dict[str, Any] | None]:
    """Parse spec text. With ``base`` (the raw data of an earlier spec) the text only
    states the differences: mappings merge key by key, everything else replaces.

    ``fmt`` other than "spec" reads kind, kubeadm and k3d files too ("auto" tells them
    apart by ``apiVersion`` and ``kind``); ``counts`` gives the node counts that kubeadm
    files do not hold; ``failures`` adds to the spec's ``failures:`` (a directive option,
    the command line: their diagnostics are at line 0); ``load_balancer`` is the option's
    value for kubectl lists, which do not name it. Diagnostics of imported files point at
    lines of the file.

    Returns the cluster (None on errors), the diagnostics sorted by line, and the raw
    merged data so that a later spec can extend this one.
    """
    loaded, _used, diagnostics = convert(text, fmt, counts, load_balancer)
    if loaded is None:
        return None, diagnostics, None
    data = loaded.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic(loaded.line(()), Severity.ERROR, Subtype.TYPE,
                                      f"the spec must be a mapping of keys to values, not "
                                      f"{describe_value(data)}"))
        return None, sorted(diagnostics), None
    if base is not None:
        data = merge(base, data)
    cluster, more = validate(data, loaded, title, failures)
    diagnostics = sorted(diagnostics + more)
    if has_errors(diagnostics):
        return None, diagnostics, None
    return cluster, diagnostics, data


def analyse(text: str, title: str = "", base: dict[str, Any] | None = None,
            fmt: str = "spec", counts: Mapping[str, int] | None = None,
            failures: Sequence[str] = (), load_balancer: Any = None
            ) -> tuple[Cluster | None, list[Diagnostic], dict[str, Any] | None]:
    """:func:`parse` plus the HA findings of a valid cluster, all sorted by line: what
    every front end (directive, CLI) reports."""
    cluster, diagnostics, data = parse(text, title, base, fmt, counts, failures, load_balancer)
    if cluster is not None:
        diagnostics = sorted(diagnostics + ha_findings(cluster))
    return cluster, diagnostics, data
