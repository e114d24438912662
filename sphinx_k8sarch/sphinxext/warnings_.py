"""Report core diagnostics as Sphinx warnings with a type, a subtype and a location."""

from __future__ import annotations

from sphinx.util import logging

from ..core.diagnostics import WARNING_TYPE, Diagnostic, Subtype

LOGGER = logging.getLogger("sphinx_k8sarch")


def warn(message: str, subtype: Subtype, location: str | None) -> None:
    # Sphinx (show_warning_types, on by default) appends " [k8sarch.<subtype>]".
    LOGGER.warning(message, type=WARNING_TYPE, subtype=subtype.value, location=location)


def report(diagnostic: Diagnostic, source: str, line: int) -> None:
    """``line`` is the absolute 1-based line in ``source`` of the diagnostic."""
    warn(diagnostic.message, diagnostic.subtype, f"{source}:{line}")
