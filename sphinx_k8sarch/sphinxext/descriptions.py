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

from ..core import components as comp
from ..core.i18n import N_, Translator
from .nodes import k8sarch_descriptions

if TYPE_CHECKING:
    from sphinx.builders import Builder

    from ..core.describe import Note

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
        """The header row of the ``table`` style (a catalog component's fields: an own
        component may come first and has the same ones)."""
        return [self._("Component")] + [label for label, _v in fields("etcd", self._)]

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


class _Written:
    """The HTML written so far by one builder (a build, or a ``-j`` writer process), without
    anchors: each whole description list, and for the ``list`` style each description and
    the list around them, so that a new combination of known components is assembled."""

    def __init__(self) -> None:
        self.lists: dict[Hashable, tuple[str, ...]] = {}
        self.items: dict[Hashable, tuple[str, str]] = {}
        self.frames: dict[Hashable, tuple[str, str]] = {}


_WRITTEN: WeakKeyDictionary[Builder, _Written] = WeakKeyDictionary()


def _state(translator: Any) -> Hashable:
    """The translator's state where a description is written: the compact-list flags of
    enclosing lists and the like are plain values on it. Output written in one state is
    reused in the same state only."""
    return tuple(sorted((name, value) for name, value in vars(translator).items()
                        if isinstance(value, (bool, int, float, str, type(None)))))


def _notes(node: k8sarch_descriptions, component: str) -> Hashable:
    notes: dict[str, list[Note]] = node.get("notes", {})
    said = notes.get(component, [])
    return tuple((field, msgid, tuple(sorted(values.items()))) for field, msgid, values in said)


def _split(html: str, anchor: str) -> tuple[str, str] | None:
    """``html`` around the one ``anchor`` it holds (HTML text never holds ``id="…"``:
    quotes are escaped there), or None."""
    before, found, after = html.partition(anchor)
    return (before, after) if found and anchor not in after else None


def _list_items(html: str, anchors: list[str]) -> tuple[str, list[str], str] | None:
    """A ``list``-style description list as (opening, one piece per description, closing):
    each description is a ``<dt>`` carrying its anchor and its ``<dd>``."""
    starts: list[int] = []
    for anchor in anchors:
        at = html.find(anchor)
        term = html.rfind("<dt", 0, at)
        if at < 0 or term < 0 or (starts and term <= starts[-1]):
            return None
        starts.append(term)
    end = html.rfind("</dl>")
    if end <= starts[-1]:
        return None
    return html[:starts[0]], [html[a:b] for a, b in zip(starts, [*starts[1:], end],
                                                        strict=True)], html[end:]


def html_visit(self: Any, node: k8sarch_descriptions) -> None:
    """Write the descriptions: translated as usual the first time, the same HTML with this
    diagram's anchors after that (for the ``list`` style also any new combination of
    components already written, each description being independent of its neighbours)."""
    written = _WRITTEN.setdefault(self.builder, _Written())
    state = _state(self)
    common = (node["style"], node["lang"], node[CURLY], state)
    items = [(component, shown, _notes(node, component)) for component, shown in node["items"]]
    anchors = [f'id="{node["anchors"][component]}"' for component, _shown in node["items"]]
    whole = (*common, tuple(items))
    parts = written.lists.get(whole)
    if parts is not None:
        self.body.append("".join(part for pair in zip(parts, [*anchors, ""], strict=True)
                                 for part in pair))
        raise nodes.SkipNode
    frame = written.frames.get(common)
    pieces = [written.items.get((*common, item)) for item in items]
    known = [piece for piece in pieces if piece is not None]
    if node["style"] == "list" and frame is not None and len(known) == len(items):
        self.body.append(frame[0] + "".join(before + anchor + after for (before, after), anchor
                                            in zip(known, anchors, strict=True)) + frame[1])
        raise nodes.SkipNode
    start = len(self.body)
    expanded = expand(node, node[CURLY])
    node.replace_self(expanded)  # written where it stands, as if expanded before writing
    expanded.walkabout(self)
    html = "".join(self.body[start:])
    splits: list[str] = []
    rest: str | None = html
    for anchor in anchors:
        around = _split(rest, anchor) if rest is not None else None
        rest = around[1] if around else None
        if around:
            splits.append(around[0])
    if rest is not None:
        written.lists[whole] = (*splits, rest)
    listed = _list_items(html, anchors) if node["style"] == "list" else None
    if listed is not None:
        opening, chunks, closing = listed
        written.frames[common] = (opening, closing)
        for item, anchor, chunk in zip(items, anchors, chunks, strict=True):
            around = _split(chunk, anchor)
            if around is not None:
                written.items[(*common, item)] = around
    raise nodes.SkipNode
