"""The description of every component under a diagram, built when a page is written.

The directive leaves a small :class:`~.nodes.k8sarch_descriptions` placeholder in the
doctree; this post-transform expands it for whichever builder writes the page. Sphinx keeps
every doctree in memory between reading and writing, and a full description list is some
two hundred docutils nodes per diagram: on large sites that, and the garbage collector
walking it over and over, was most of the cost of the extension (see the benchmark).
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..core import components as comp
from ..core.describe import Note
from ..core.i18n import N_, Translator
from .nodes import k8sarch_descriptions

#: An apostrophe inside a word, which Sphinx's smart quotes (a read-time transform, so
#: too early for text built at write time) would have curled.
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")

#: Relative column widths of the ``table`` style: component, then the four fields.
TABLE_WIDTHS = (14, 18, 36, 20, 12)


def fields(component: str, _: Translator, notes: list[Note] | None = None
           ) -> list[tuple[str, str]]:
    """(label, text) of each description field, translated; ``notes`` add this cluster's
    own sentences to a field."""
    info = comp.CATALOG[component]
    extra: dict[str, list[str]] = {}
    for field, msgid, values in notes or []:
        extra.setdefault(field, []).append(_(msgid).format(**values))
    return [(_(label), " ".join([_(text), *extra.get(key, [])])) for key, label, text in (
        ("where", N_("Where it runs"), info.where),
        ("what", N_("What it does"), info.what),
        ("talks", N_("Talks to"), info.talks),
        ("port", N_("Port"), info.port),
    )]


class _Builder:
    """Builds the nodes of one placeholder, with its source location on each of them (the
    gettext builder only extracts text that has one)."""

    def __init__(self, node: k8sarch_descriptions, curly: bool) -> None:
        self.source, self.line = node.source, node.line
        self._ = Translator(node["lang"])
        self.curly = curly
        self.notes: dict[str, list[Note]] = node.get("notes", {})
        self.own: dict[str, list[tuple[str, str]]] = node.get("own", {})

    def fields(self, component: str) -> list[tuple[str, str]]:
        if component in self.own:
            return [(label, text) for label, text in self.own[component]]
        return fields(component, self._, self.notes.get(component))

    def located(self, node: nodes.Element) -> Any:
        node.source, node.line = self.source, self.line
        return node

    def para(self, text: str) -> nodes.paragraph:
        if self.curly:
            text = _APOSTROPHE.sub("\u2019", text)
        return self.located(nodes.paragraph(text, text))

    def literal(self, text: str) -> nodes.paragraph:
        return self.located(nodes.paragraph("", "", nodes.literal(text, text)))

    def definition_list(self, items: list[tuple[str, str]], anchors: dict[str, str]
                        ) -> nodes.Element:
        dl = self.located(nodes.definition_list(classes=["k8sarch-descriptions"]))
        for component, shown in items:
            term = self.located(nodes.term("", "", nodes.literal(shown, shown),
                                           ids=[anchors[component]]))
            field_list = nodes.field_list()
            for label, value in self.fields(component):
                field_list += nodes.field("", nodes.field_name(label, label),
                                          nodes.field_body("", self.para(value)))
            # The same catalog text stands under every diagram: kept out of the search
            # index (Sphinx skips "no-search"), where it only made every page match alike.
            # The component names stay searchable.
            dl += self.located(nodes.definition_list_item("", term, nodes.definition(
                "", field_list, classes=["no-search"])))
        return dl

    def table(self, items: list[tuple[str, str]], anchors: dict[str, str]) -> nodes.Element:
        headers = [self._("Component")] + [label for label, _v in fields("etcd", self._)]
        table = self.located(nodes.table(classes=["k8sarch-descriptions"]))
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in TABLE_WIDTHS:
            group += nodes.colspec(colwidth=width)
        group += nodes.thead("", nodes.row("", *(nodes.entry("", self.para(h))
                                                 for h in headers)))
        body = nodes.tbody()
        for component, shown in items:
            row = nodes.row(ids=[anchors[component]])
            row += nodes.entry("", self.literal(shown))
            for _label, value in self.fields(component):
                row += nodes.entry("", self.para(value), classes=["no-search"])
            body += row
        group += body
        return table


def expand(node: k8sarch_descriptions, curly: bool = False) -> nodes.Element:
    """The descriptions of ``node``; ``curly`` writes apostrophes as smart quotes do."""
    build = _Builder(node, curly)
    if node["style"] == "table":
        return build.table(node["items"], node["anchors"])
    return build.definition_list(node["items"], node["anchors"])


class ExpandDescriptions(SphinxPostTransform):
    """Replace each placeholder by its descriptions, for every builder."""

    default_priority = 5  # before references are resolved: the result holds none

    def run(self, **kwargs: Any) -> None:
        # For every builder: our output is Unicode anyway ("…", "×"), also in text and man.
        curly = bool(self.config.smartquotes)
        for node in list(self.document.findall(k8sarch_descriptions)):
            node.replace_self(expand(node, curly))
