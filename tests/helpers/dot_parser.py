"""A small DOT parser: what Graphviz itself would read of the DOT the core writes.

The one DOT parser of the tests: nodes, edges and top-level graph attributes, HTML-like
``<...>`` values told apart from text, and the text Graphviz would draw for a label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
import html
from itertools import pairwise
import re

from sphinx_k8sarch.core.graph import Graph


class DotSyntaxError(Exception):
    pass


class Html(str):
    """An HTML-like ``<...>`` value: Graphviz reads it as markup, not as text."""

    __slots__ = ()


@dataclass
class Dot:
    graph: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


_TOKEN = re.compile(r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<quoted>"(?:[^"\\]|\\.)*")
  | (?P<arrow>->|--)
  | (?P<id>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9\x80-\U0010ffff]*
          |-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<punct>[{}\[\]=;,:])
  | (?P<html><)
""", re.VERBOSE | re.DOTALL)
_KEYWORDS = {"strict", "graph", "digraph", "node", "edge", "subgraph"}


def _tokens(source: str) -> Iterator[tuple[str, str]]:
    """(kind, value): kind is "id" (values unquoted like Graphviz's lexer does: ``\\"`` is
    a quote, backslash-newline vanishes, every other backslash pair is kept for the
    label's own escapes), "html", "kw" or the punctuation itself."""
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise DotSyntaxError(f"unexpected {source[pos:pos + 20]!r}")
        kind = match.lastgroup
        pos = match.end()
        if kind == "ws":
            continue
        if kind == "quoted":
            body = match.group()[1:-1]
            yield "id", re.sub(r"\\(\n|\")", lambda m: "" if m[1] == "\n" else '"', body)
        elif kind == "html":
            depth, end = 0, pos - 1
            while end < len(source):
                depth += {"<": 1, ">": -1}.get(source[end], 0)
                end += 1
                if depth == 0:
                    break
            if depth:
                raise DotSyntaxError("unclosed HTML string")
            yield "html", source[pos:end - 1]
            pos = end
        elif kind == "id" and match.group().lower() in _KEYWORDS:
            yield "kw", match.group().lower()
        elif kind in ("id", "arrow"):
            yield ("id", match.group()) if kind == "id" else (match.group(), match.group())
        else:
            yield match.group(), match.group()


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = list(_tokens(source))
        self.pos = 0
        self.dot = Dot()

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("eof", "")

    def take(self, *kinds: str) -> str:
        kind, value = self.peek()
        if kind not in kinds:
            raise DotSyntaxError(f"expected {kinds}, got {kind} {value!r}")
        self.pos += 1
        return Html(value) if kind == "html" else value

    def parse(self) -> Dot:
        if self.peek() == ("kw", "strict"):
            self.pos += 1
        self.take("kw")
        if self.peek()[0] in ("id", "html"):
            self.take("id", "html")
        self.block(top=True)
        if self.peek()[0] != "eof":
            raise DotSyntaxError(f"text after the graph: {self.peek()}")
        return self.dot

    def block(self, top: bool) -> None:
        self.take("{")
        while self.peek()[0] != "}":
            self.statement(top)
            if self.peek()[0] == ";":
                self.pos += 1
        self.take("}")

    def attrs(self) -> dict[str, str]:
        result: dict[str, str] = {}
        while self.peek()[0] == "[":
            self.pos += 1
            while self.peek()[0] != "]":
                key = self.take("id")
                self.take("=")
                result[key] = self.take("id", "html")
                if self.peek()[0] in (",", ";"):
                    self.pos += 1
            self.take("]")
        return result

    def endpoint(self) -> str | None:
        kind, value = self.peek()
        if kind == "{" or (kind, value) == ("kw", "subgraph"):
            self.subgraph()
            return None
        name = self.take("id", "html")
        if self.peek()[0] == ":":  # port
            self.pos += 1
            self.take("id")
        return name

    def subgraph(self) -> None:
        if self.peek() == ("kw", "subgraph"):
            self.pos += 1
            if self.peek()[0] in ("id", "html"):
                self.take("id", "html")
        self.block(top=False)

    def statement(self, top: bool) -> None:
        kind, value = self.peek()
        if kind == "kw" and value in ("graph", "node", "edge"):
            self.pos += 1
            attrs = self.attrs()
            if value == "graph" and top:
                self.dot.graph.update(attrs)
            return
        if kind == "id" and self.peek(1)[0] == "=":
            key = self.take("id")
            self.take("=")
            attr = self.take("id", "html")
            if top:
                self.dot.graph[key] = attr
            return
        ends = [self.endpoint()]
        while self.peek()[0] in ("->", "--"):
            self.pos += 1
            ends.append(self.endpoint())
        attrs = self.attrs()
        if len(ends) == 1:
            if ends[0] is not None:
                self.dot.nodes.setdefault(ends[0], {}).update(attrs)
            return
        for tail, head in pairwise(ends):
            if tail is None or head is None:
                raise DotSyntaxError("edges between subgraphs are not written by to_dot")
            self.dot.edges.append((tail, head, attrs))


def parse_dot(source: str) -> Dot:
    """Nodes, edges and top-level graph attributes of a DOT graph, or DotSyntaxError."""
    return _Parser(source).parse()


_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def shown(value: str) -> str:
    """The text Graphviz draws for a (non-HTML) label or tooltip value: ``\\n``, ``\\l``,
    ``\\r`` break lines, ``\\N``, ``\\G``, ``\\E``, ``\\H``, ``\\T``, ``\\L`` are replaced by
    object names (shown here as ``<N>`` …, never the literal text), ``\\x`` is ``x``, and
    HTML entities are decoded (``&amp;`` is drawn as ``&``)."""
    value = _ENTITY.sub(lambda m: html.unescape(m[0]), value)
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            escaped = value[index + 1]
            out.append("\n" if escaped in "nlr" else f"<{escaped}>" if escaped in "NGEHTL"
                       else escaped)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


#: What the layout adds to the model's nodes: the etcd peers' junction, the legend's
#: entries and the invisible points that keep machines in order.
_LAYOUT_NODE = re.compile(r"^(etcd_peers|legend_\d+|ladder_\d+_\d+)$")
POOL = "etcd_pool"


def expected_structure(graph: Graph) -> tuple[set[str], Counter[tuple[str, str]]]:
    """Node ids and visible edges (tail, head) that to_dot must write for ``graph``, with
    its two bundles: etcd peers meet at one junction (one dashed line per member, the
    folded members included), and an API server sends one arrow into the box of the
    external etcd members (written here as ``(api, "etcd_pool")``)."""
    ids = {n.id for g in graph.groups for n in g.nodes}
    ids |= {n.id for n in graph.free + graph.clients}
    ids |= {f"{g.id}_empty" for g in graph.groups if not g.nodes}
    pooled = {n.id for g in graph.groups if g.kind == "etcd-host" for n in g.nodes}
    edges: Counter[tuple[str, str]] = Counter()
    members: list[str] = []
    for e in graph.edges:
        if e.kind == "peer":
            members += [n for n in (e.tail, e.head) if n not in members]
        elif e.head in pooled:
            edges[(e.tail, POOL)] = 1
        else:
            edges[(e.tail, e.head)] += 1
    if members:
        members += [n.id for g in graph.groups if g.id == "etcd_rest" for n in g.nodes]
    edges.update((m, "etcd_peers") for m in members)
    return ids, edges


def dot_structure(dot: Dot) -> tuple[set[str], Counter[tuple[str, str]]]:
    """Declared nodes (edge ends included, the layout's own left out) and visible edges,
    an upward call drawn as a reversed edge (``dir=back``) turned back into caller →
    callee, an arrow into the etcd box (``lhead``) as ``(api, "etcd_pool")``."""
    ids = set(dot.nodes) | {end for tail, head, _a in dot.edges for end in (tail, head)}
    ids = {i for i in ids if not _LAYOUT_NODE.match(i)}
    edges: Counter[tuple[str, str]] = Counter()
    for tail, head, attrs in dot.edges:
        if attrs.get("style") != "invis":
            pair = (head, tail) if attrs.get("dir") == "back" else (tail, head)
            if attrs.get("lhead") == f"cluster_{POOL}":
                pair = (pair[0], POOL)
            elif attrs.get("ltail") == f"cluster_{POOL}":
                pair = (pair[1], POOL)
            edges[pair] += 1
    return ids, edges
