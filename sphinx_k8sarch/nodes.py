"""The doctree node that carries a rendered-at-write-time diagram."""

from __future__ import annotations

from docutils import nodes


class k8sarch_diagram(nodes.General, nodes.Element):  # noqa: N801 - docutils convention
    """Attributes: ``dot`` (screen DOT), ``dot_print`` (DOT for raster/PDF output),
    ``prefix`` (id prefix), ``title``, ``alt``, ``topology`` (text lines), ``links``
    (component → local anchor id), ``width``. Children: pending references to glossary
    terms, resolved before writing and read by the HTML visitor."""


class k8sarch_link(nodes.Inline, nodes.Element):  # noqa: N801
    """Holds one component's reference (``component`` attribute) inside a diagram."""
