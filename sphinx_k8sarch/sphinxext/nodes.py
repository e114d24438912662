"""The doctree node that carries a rendered-at-write-time diagram."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from ..core.describe import Note


class k8sarch_diagram(nodes.General, nodes.Element):  # noqa: N801 - docutils convention
    """Attributes: ``dot`` (screen DOT; :func:`~.dot.print_variant` derives the raster/PDF one),
    ``prefix`` (id prefix), ``title``, ``alt``, ``topology`` (text lines), ``links``
    (component → local anchor id), ``spec_links`` (name → URL from the spec), ``width``.
    Children: :class:`k8sarch_link` pending references (glossary terms, spec labels and
    documents), resolved before writing and read by the HTML visitor."""


class k8sarch_link(nodes.Inline, nodes.Element):  # noqa: N801
    """Holds the reference of one box inside a diagram: ``key`` is a component or machine
    name; ``spec`` marks a link the spec asked for (it wins over glossary links)."""


class k8sarch_descriptions(nodes.General, nodes.Element):  # noqa: N801
    """Placeholder for the component descriptions under a diagram, expanded when the page
    is written (:mod:`.descriptions`). Attributes: ``items`` ((component, shown name)
    pairs), ``anchors`` (component → id), ``style`` (list or table), ``lang``, ``notes``
    (component → sentences this cluster adds, see :func:`~..core.describe.component_notes`),
    ``own`` (own component → its (label, text) fields, already in ``lang``),
    ``lineno`` (the directive's line, with which the domain finds the nearest
    description)."""


def placeholder(terms: dict[str, str], anchors: dict[str, str], style: str, lang: str,
                lineno: int, notes: dict[str, list[Note]],
                own: dict[str, list[tuple[str, str]]]) -> k8sarch_descriptions:
    """``terms`` maps each component to describe, in order, to the name shown for it;
    ``own`` holds the finished fields of the project's own components."""
    return k8sarch_descriptions(items=list(terms.items()), anchors=dict(anchors), style=style,
                                lang=lang, lineno=lineno,
                                notes={c: list(n) for c, n in notes.items() if c in terms},
                                own={c: list(f) for c, f in own.items() if c in terms})
