"""The description of every component under a diagram, built when a page is written.

The directive leaves a small :class:`~.nodes.k8sarch_descriptions` placeholder in the
doctree; this post-transform expands it for whichever builder writes the page. Sphinx keeps
every doctree in memory between reading and writing, and a full description list is some
two hundred docutils nodes per diagram: on large sites that, and the garbage collector
walking it over and over, was most of the cost of the extension (see the benchmark).

HTML builders write each distinct description once per build: the same components in the
same language and style give the same HTML, but for the anchors, so the HTML visitor
translates the first one as usual and reuses its output for the others (see
:func:`html_visit`). That saved building, transforming and translating some two hundred
nodes per diagram, 10-20 % of a build.
"""

from __future__ import annotations

from collections.abc import Hashable
import re
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

if TYPE_CHECKING:
    from sphinx.builders import Builder

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

    def text(self, text: str) -> str:
        """``text`` as a paragraph of these descriptions shows it."""
        return _APOSTROPHE.sub("\u2019", text) if self.curly else text

    def headers(self, items: list[tuple[str, str]]) -> list[str]:
        """The header row of the ``table`` style."""
        return [self._("Component")] + [label for label, _v in fields(items[0][0], self._)]

    def __init__(self, node: k8sarch_descriptions, curly: bool) -> None:
        self.source, self.line = node.source, node.line
        self._ = Translator(node["lang"])
        self.curly = curly
        self.notes: dict[str, list[Note]] = node.get("notes", {})

    def located(self, node: nodes.Element) -> Any:
        node.source, node.line = self.source, self.line
        return node

    def para(self, text: str) -> nodes.paragraph:
        text = self.text(text)
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
            for label, value in fields(component, self._, self.notes.get(component)):
                field_list += nodes.field("", nodes.field_name(label, label),
                                          nodes.field_body("", self.para(value)))
            # The same catalog text stands under every diagram: kept out of the search
            # index (Sphinx skips "no-search"), where it only made every page match alike.
            # The component names stay searchable.
            dl += self.located(nodes.definition_list_item("", term, nodes.definition(
                "", field_list, classes=["no-search"])))
        return dl

    def table(self, items: list[tuple[str, str]], anchors: dict[str, str]) -> nodes.Element:
        headers = self.headers(items)
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
            for _label, value in fields(component, self._, self.notes.get(component)):
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
    """Replace each placeholder by its descriptions, for every builder but HTML (see
    :class:`KeepForHtml`)."""

    default_priority = 5  # before references are resolved: the result holds none

    def run(self, **kwargs: Any) -> None:
        # For every builder: our output is Unicode anyway ("…", "×"), also in text and man.
        curly = bool(self.config.smartquotes)
        for node in list(self.document.findall(k8sarch_descriptions)):
            if CURLY not in node:
                node.replace_self(expand(node, curly))


#: Placeholder attribute set for HTML builders, which expand it while writing.
CURLY = "curly"


class KeepForHtml(SphinxPostTransform):
    """HTML builders keep the placeholders for :func:`html_visit`, with the text that the
    search index takes from expanded descriptions (component names, table headers: the
    catalog text is ``no-search``), so the index is the same."""

    formats = ("html",)
    default_priority = ExpandDescriptions.default_priority - 1

    def run(self, **kwargs: Any) -> None:
        curly = bool(self.config.smartquotes)
        for node in self.document.findall(k8sarch_descriptions):
            node[CURLY] = curly
            build = _Builder(node, curly)
            words = [shown for _component, shown in node["items"]]
            if node["style"] == "table":
                words[:0] = [build.text(header) for header in build.headers(node["items"])]
            node.extend(nodes.Text(word) for word in words)


#: Per builder (a build, or a -j writer process): the HTML of each distinct description.
_WRITTEN: WeakKeyDictionary[Builder, dict[Hashable, tuple[str, ...]]] = WeakKeyDictionary()


def _key(translator: Any, node: k8sarch_descriptions) -> Hashable:
    """What the HTML of ``node`` depends on, but for its anchors: its content, and the
    translator's state where it is written (the compact-list flags of enclosing lists and
    the like are plain values on the translator; a page that differs there is written
    afresh)."""
    given: dict[str, list[Note]] = node.get("notes", {})
    notes = tuple((component, tuple((field, msgid, tuple(sorted(values.items())))
                                    for field, msgid, values in said))
                  for component, said in sorted(given.items()))
    state = tuple(sorted((name, value) for name, value in vars(translator).items()
                         if isinstance(value, (bool, int, float, str, type(None)))))
    return (node["style"], node["lang"], node[CURLY], tuple(map(tuple, node["items"])),
            notes, state)


def _anchored(node: k8sarch_descriptions) -> list[str]:
    """The id attribute of each description, in the order they are written."""
    return [f'id="{node["anchors"][component]}"' for component, _shown in node["items"]]


def html_visit(self: Any, node: k8sarch_descriptions) -> None:
    """Write the descriptions: translated as usual the first time, the same HTML with this
    diagram's anchors after that."""
    written = _WRITTEN.setdefault(self.builder, {})
    key = _key(self, node)
    anchors = _anchored(node)
    parts = written.get(key)
    if parts is not None:
        self.body.append("".join(part for pair in zip(parts, [*anchors, ""], strict=True)
                                 for part in pair))
        raise nodes.SkipNode
    start = len(self.body)
    expanded = expand(node, node[CURLY])
    node.replace_self(expanded)  # written where it stands, as if expanded before writing
    expanded.walkabout(self)
    html = "".join(self.body[start:])
    # Split around the anchors; HTML text never holds id="…" (quotes are escaped there).
    if all(html.count(anchor) == 1 for anchor in anchors):
        parts_list: list[str] = []
        rest = html
        for anchor in anchors:
            before, _found, rest = rest.partition(anchor)
            parts_list.append(before)
        written[key] = (*parts_list, rest)
    raise nodes.SkipNode
