"""Injection: hostile text in titles, captions, load-balancer labels and ``:alt:`` stays text
in the DOT source, in the picture and in the page (rST and MyST), and the inline-SVG
sanitiser holds against hand-made malicious SVG.

The trust boundary: the spec (a YAML body or a spec file, possibly generated or imported)
never becomes markup anywhere. The directive argument and ``:caption:`` are written by the
page author and are inline markup of the host syntax by design (see OPTION_DOCS); in MyST
that includes raw HTML, exactly as in any MyST paragraph, so the page tests give them text
without HTML tags and check HTML-looking captions in rST only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
import html
from io import StringIO
from itertools import pairwise
from pathlib import Path
import re
import shutil
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup, Tag
from conftest import ROOTS, Snippet, warning_lines, write_twins
import pytest
from sphinx.testing.util import SphinxTestApp
import yaml

from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import Graph, build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import find_renderer, render
from sphinx_k8sarch.core.svg import ALLOWED, SVG_NS, XLINK_NS, inline_svg, safe_href

EN = Translator("en")

# -- a small DOT parser: what Graphviz itself would read --------------------------------------


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
    (?P<ws>\s+)
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


def expected_structure(graph: Graph) -> tuple[set[str], Counter[tuple[str, str]]]:
    """Node ids and visible edges (tail, head) that to_dot must write for ``graph``."""
    ids = {n.id for g in graph.groups for n in g.nodes}
    ids |= {n.id for n in graph.free + graph.clients}
    ids |= {f"{g.id}_empty" for g in graph.groups if not g.nodes}
    return ids, Counter((e.tail, e.head) for e in graph.edges)


def dot_structure(dot: Dot) -> tuple[set[str], Counter[tuple[str, str]]]:
    """Declared nodes (edge ends included) and visible edges, an upward call drawn as a
    reversed edge (``dir=back``) turned back into caller → callee."""
    ids = set(dot.nodes) | {end for tail, head, _a in dot.edges for end in (tail, head)}
    edges: Counter[tuple[str, str]] = Counter()
    for tail, head, attrs in dot.edges:
        if attrs.get("style") != "invis":
            edges[(head, tail) if attrs.get("dir") == "back" else (tail, head)] += 1
    return ids, edges


# -- hostile text ---------------------------------------------------------------------------

#: Short enough for a load-balancer label (60 characters); no newlines (a directive
#: argument cannot hold one).
EVIL = {
    "quotes": "He said \"hi\" and 'bye'",
    "backslashes": "C:\\clusters\\prod\\",
    "braces": "{cluster} {{x}} }{",
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "dot-edge": "]; a -> b [",
    "dot-close": "\"; } evil [label=\"pwned",
    "dot-escapes": "\\N \\G \\l \\E",
    "entities": "&amp; &lt;b&gt; &#106;",
    "html-label": "<b>bold</b>",
    "javascript": "javascript:alert(1)",
}
#: (where, case) → reason, for cases that cannot pass yet; empty since to_dot writes every
#: label through graphviz.escape with "&" as "&amp;" (found by these tests).
DOT_BUGS: dict[tuple[str, str], str] = {}
PICTURE_BUGS: dict[tuple[str, str], str] = {}


def _cases(bugs: dict[tuple[str, str], str]) -> list[object]:
    cases: list[object] = []
    for where in ("title", "lb"):
        for name in EVIL:
            reason = bugs.get((where, name))
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            cases.append(pytest.param(where, name, id=f"{where}-{name}", marks=marks))
    return cases


def _cluster(where: str, text: str) -> Cluster:
    spec = {"control-plane": 3, "workers": 2, "load-balancer": text if where == "lb" else "x"}
    cluster, diagnostics, _data = analyse(yaml.safe_dump(spec),
                                          title=text if where == "title" else "T")
    assert cluster is not None, diagnostics
    return cluster


@pytest.mark.parametrize(("where", "name"), _cases(DOT_BUGS))
def test_dot_keeps_hostile_text_as_text(where: str, name: str) -> None:
    text = EVIL[name]
    graph = build_graph(_cluster(where, text), EN)
    dot = parse_dot(to_dot(graph))
    # Exactly the nodes and edges of the model: nothing broke out of a quoted string.
    assert dot_structure(dot) == expected_structure(graph)
    plain = parse_dot(to_dot(build_graph(_cluster(where, "plain"), EN)))
    assert len(dot.nodes) == len(plain.nodes) and len(dot.edges) == len(plain.edges)
    if where == "title":
        tooltip = dot.graph["tooltip"]
        assert not isinstance(tooltip, Html)
        assert shown(tooltip) == text
    else:
        label = dot.nodes["lb"]["label"]
        assert not isinstance(label, Html)
        assert shown(label) == f"load balancer\n({text})"


needs_renderer = pytest.mark.skipif(find_renderer(None) is None,
                                    reason="graphviz-pure is not installed")


def _texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{{{SVG_NS}}}text")]


@needs_renderer
@pytest.mark.parametrize(("where", "name"), _cases(PICTURE_BUGS))
def test_picture_shows_hostile_text(tmp_path: Path, where: str, name: str) -> None:
    text = EVIL[name]
    cluster = _cluster(where, text)
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", tmp_path)
    svg = ET.fromstring(inline_svg(path.read_bytes(), "p", cluster.title, "alt", lambda c: None))
    assert_inert(svg)
    if where == "lb":
        assert f"({text})" in _texts(svg)
    else:
        assert svg.find(f"{{{SVG_NS}}}title") is not None
        assert svg.find(f"{{{SVG_NS}}}title").text == text  # type: ignore[union-attr]
        # The graph tooltip (xlink:title on a link Graphviz wraps the graph in) is dropped
        # with the link; what else says the title must say it literally.
        titles = ["".join(t.itertext()) for t in svg.iter(f"{{{SVG_NS}}}title")]
        assert all("<G>" not in t for t in titles)


# -- the sanitiser --------------------------------------------------------------------------

def assert_inert(svg: ET.Element, allowed_links: tuple[str, ...] = ()) -> None:
    """No element outside the allowlist, no event handler, no link but the allowed ones,
    no script URL in any attribute, nothing outside the SVG namespace."""
    for element in svg.iter():
        assert isinstance(element.tag, str) and element.tag.startswith(f"{{{SVG_NS}}}"), (
            element.tag)
        assert element.tag.split("}")[1] in ALLOWED, element.tag
        for attr, value in element.attrib.items():
            local = attr.rpartition("}")[2].lower()
            assert not local.startswith("on"), (element.tag, attr)
            if local == "href":
                assert element.tag == f"{{{SVG_NS}}}a", element.tag
                assert value in allowed_links, value
            squashed = re.sub(r"[\s\x00-\x20]", "", value).lower()
            assert "javascript:" not in squashed and "vbscript:" not in squashed, (attr, value)
            assert not squashed.startswith("data:"), (attr, value)


def _svg(body: str, root_attrs: str = "") -> bytes:
    return (f'<?xml version="1.0"?><svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" '
            f'width="100pt" height="50pt" {root_attrs}>'
            f'<g id="graph0" class="graph">{body}</g></svg>').encode()


def _link(target: str) -> Callable[[str], str | None]:
    return lambda component: target if component == "etcd" else None


LINKED = '<g id="n1" class="node"><a xlink:href="#k8s-comp-etcd" xlink:title="etcd">' \
         '<text>etcd</text></a></g>'
MALICIOUS = {
    "script": _svg("<script>alert(1)</script><text>ok</text>"),
    "script-in-group": _svg("<g><g><script type='text/javascript'>alert(1)</script></g></g>"),
    "script-src": _svg('<script xlink:href="https://evil.example/x.js"/>'),
    "xhtml-script": _svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)'
                         "</h:script>"),
    "foreign-object": _svg('<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
                           '<iframe src="javascript:alert(1)"/></body></foreignObject>'),
    "root-onload": _svg("<text>x</text>", 'onload="alert(1)"'),
    "onclick": _svg('<g onclick="alert(1)" ONMOUSEOVER="alert(2)"><text>x</text></g>'),
    "namespaced-onload": _svg('<g xmlns:e="http://example.com/e" e:onload="alert(1)"/>'),
    "javascript-link": _svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>'),
    "entity-javascript-link": _svg('<a xlink:href="&#x6A;avascript:alert(1)"><text>x</text>'
                                   "</a>"),
    "plain-href": _svg('<a href="javascript:alert(1)"><text>x</text></a>'),
    "style-element": _svg("<style>@import url(javascript:alert(1));</style><text>x</text>"),
    "style-attribute": _svg('<text style="background:url(javascript:alert(1))">x</text>'),
    "image": _svg('<image xlink:href="data:image/svg+xml;base64,PHN2Zz4=" width="9"/>'),
    "use": _svg('<use xlink:href="https://evil.example/x.svg#a"/>'),
    "animate": _svg('<a xlink:href="#k8s-comp-etcd"><animate attributeName="href" '
                    'values="javascript:alert(1)"/><text>x</text></a>'),
    "set": _svg('<set attributeName="onmouseover" to="alert(1)"/>'),
    "xml-base": _svg('<g xml:base="javascript:alert(1)//"><text xml:space="preserve">x'
                     "</text></g>"),
    "processing-instruction": _svg('<?xml-stylesheet href="javascript:alert(1)"?><!-- c -->'),
    "iframe": _svg('<iframe src="javascript:alert(1)"/>'),
}


@pytest.mark.parametrize("name", sorted(MALICIOUS))
def test_sanitiser_removes_active_content(name: str) -> None:
    svg = ET.fromstring(inline_svg(MALICIOUS[name], "p", "T", "D", _link("#etcd-docs")))
    assert_inert(svg, allowed_links=("#etcd-docs",))
    serialised = ET.tostring(svg, encoding="unicode").lower()
    assert "alert(" not in serialised and "evil.example" not in serialised
    assert svg.get("role") == "img" and svg.find(f"{{{SVG_NS}}}title") is not None


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)",
    "\x01\x02javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    "jav\rascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "javascript&colon;alert(1)x:", "file:///etc/passwd",
])
def test_links_with_script_urls_are_dropped(target: str) -> None:
    svg = ET.fromstring(inline_svg(_svg(LINKED), "p", "T", "D", _link(target)))
    assert_inert(svg)
    assert svg.find(f".//{{{SVG_NS}}}a") is None  # unwrapped: the drawing stays
    assert _texts(svg) == ["etcd"]
    assert not safe_href(target)


@pytest.mark.parametrize("target", ["#p-etcd", "glossary.html#term-etcd",
                                    "https://kubernetes.io/docs/", "HTTP://example.com/"])
def test_safe_links_are_kept(target: str) -> None:
    svg = ET.fromstring(inline_svg(_svg(LINKED), "p", "T", "D", _link(target)))
    links = list(svg.iter(f"{{{SVG_NS}}}a"))
    assert [a.get("href") for a in links] == [target]
    assert links[0].get("aria-label") == "etcd"
    assert_inert(svg, allowed_links=(target,))


@pytest.mark.parametrize("width", ["xpt", "nanpt", "1e999pt", "-pt"])
def test_broken_sizes_do_not_break_the_page(width: str) -> None:
    data = _svg("<text>x</text>").replace(b'width="100pt"', f'width="{width}"'.encode())
    svg = ET.fromstring(inline_svg(data, "p", "T", "D", _link("#x")))
    assert svg.get("width") is None and svg.get("height") == "67"


def test_control_characters_are_shown_not_fatal() -> None:
    """Graphviz copies a control character of a title or label (a YAML ``"\\e"`` escape, a
    directive argument) into SVG, which XML forbids: shown as U+FFFD, not a failed render."""
    data = _svg("<text>red\x1b[31m \x00 \x08</text>").replace(b"</svg>", "\ufffe</svg>".encode())
    svg = ET.fromstring(inline_svg(data, "p", "T\x1b", "D\x01", _link("#x")))
    assert _texts(svg) == ["red\ufffd[31m \ufffd \ufffd"]
    assert svg.find(f"{{{SVG_NS}}}title").text == "T\ufffd"  # type: ignore[union-attr]


#: Ten levels of ten entities: a billion characters once expanded (expat refuses).
BOMB = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e0 "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY e%d "%s">' % (i, b"".join([b"&e%d;" % (i - 1)] * 10))
                   for i in range(1, 10))
        + b']><svg xmlns="http://www.w3.org/2000/svg"><text>&e9;</text></svg>')


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><html><script>alert(1)</script></html>',
    b"<svg><unclosed></svg>",
    BOMB,
], ids=["not-svg", "not-xml", "entity-bomb"])
def test_unreadable_svg_is_a_parse_error(data: bytes) -> None:
    """What the HTML builder reports as 'the renderer wrote SVG that cannot be read'."""
    with pytest.raises(ET.ParseError):
        inline_svg(data, "p", "T", "D", _link("#x"))


# -- the page, rST and MyST ---------------------------------------------------------------------

#: Directive arguments and captions are host markup by design: no HTML tags or entities
#: (tested in rST below), no backslashes (rST's escape character), no inline markup.
ARGUMENTS = {"quotes": EVIL["quotes"], "braces": EVIL["braces"], "dot-edge": EVIL["dot-edge"],
             "dot-close": EVIL["dot-close"]}
#: Option values start with a word: MyST reads options as YAML, where a leading quote,
#: brace or ``&`` is syntax (the author would quote the value).
ALT = "Alt "
CAPTION = "Fig "


def _snippets() -> list[Snippet]:
    snippets = [
        Snippet("", [f":alt: {ALT}{text}"],
                yaml.safe_dump({"title": text, "control-plane": 3, "load-balancer": text,
                                "workers": 1}, width=1000))
        for text in EVIL.values()
    ]
    snippets += [Snippet(text, [f":caption: {CAPTION}{text}"],
                         "control-plane: 3\nload-balancer: cloud\n")
                 for text in ARGUMENTS.values()]
    return snippets


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One build of both twins (and an index page without diagrams as the baseline)."""
    srcdir = tmp_path_factory.mktemp("injection") / "site"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    write_twins(srcdir, _snippets())
    app = SphinxTestApp("html", srcdir=srcdir, warning=StringIO())
    try:
        app.build()
        yield Path(app.outdir), app.warning.getvalue()
    finally:
        app.cleanup()


def _soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _text(tag: Tag, selector: str) -> str:
    found = tag.select_one(selector)
    assert found is not None, selector
    return found.get_text()


def _uncurled(text: str) -> str:
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def _scripts(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(str(s.get("src", "")), s.get_text()) for s in soup.find_all("script")]


def _handlers(soup: BeautifulSoup | Tag) -> list[str]:
    return [f"{el.name}[{attr}]" for el in soup.find_all(True) for attr in el.attrs
            if attr.lower().rpartition(":")[2].startswith("on")]


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_page_never_turns_hostile_text_into_markup(evil_site: tuple[Path, str],
                                                   page: str) -> None:
    outdir, warnings = evil_site
    soup = _soup(outdir, page)
    baseline = _soup(outdir, "index")
    # Scripts and event handlers: only what Sphinx and the theme ship on every page.
    assert _scripts(soup) == _scripts(baseline)
    assert _handlers(soup) == _handlers(baseline)
    for element in soup.find_all(True):
        for attr in ("href", "src", "xlink:href", "action", "formaction"):
            value = re.sub(r"[\s\x00-\x20]", "", str(element.get(attr, ""))).lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), (element, attr)
    containers = soup.select("div.k8sarch")
    assert len(containers) == len(EVIL) + len(ARGUMENTS)
    for container in containers:
        assert not container.find(["script", "iframe", "object", "embed", "img", "foreignobject",
                                   "style", "b"])
    # Each hostile string is text where the spec puts it, whether or not it was drawn.
    for container, text in zip(containers, EVIL.values(), strict=False):
        # The description term is literal; the summary is prose, where Sphinx's smart
        # quotes curl straight quotes (typography, still text).
        assert f"load-balancer ({text})" in _text(container, "dl.k8sarch-descriptions")
        assert f"behind the load balancer ({text})" in _uncurled(
            _text(container, "ul.k8sarch-summary"))
        diagram = container.select_one("div.k8sarch-diagram")
        assert diagram is not None
        if diagram.find("svg") is None:  # not drawn: see test_every_hostile_diagram_is_drawn
            assert f"[load balancer] {text}" in diagram.get_text()
            continue
        assert _text(diagram, "svg > title") == text
        assert _text(diagram, "svg > desc") == ALT + text  # :alt: replaces the description
    for container, text in zip(containers[len(EVIL):], ARGUMENTS.values(), strict=True):
        assert _uncurled(_text(container, "figcaption .caption-text")) == CAPTION + text
        if container.find("svg") is not None:
            assert _text(container, "svg > title") == text
    # Nothing else to say about any of it (render failures are the to_dot bug below).
    types = {line.rsplit("[", 1)[-1] for line in warning_lines(warnings)}
    assert types <= {"k8sarch.render]"}, warning_lines(warnings)
    assert "Traceback" not in warnings


def test_html_in_rst_captions_is_text(tmp_path: Path) -> None:
    """rST has no inline HTML: a caption or title argument with tags stays text."""
    srcdir = tmp_path / "captions"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    texts = [EVIL["script"], EVIL["img"], EVIL["entities"], EVIL["html-label"]]
    lines = ["Captions", "========", ""]
    for text in texts:
        lines += [f".. k8s-cluster:: {text}", f"   :caption: {text}", "",
                  "   control-plane: 3", "   load-balancer: cloud", ""]
    (srcdir / "index.rst").write_text("\n".join(lines), encoding="utf-8")
    app = SphinxTestApp("html", srcdir=srcdir, warning=StringIO())
    try:
        app.build()
        soup = _soup(Path(app.outdir), "index")
    finally:
        app.cleanup()
    captions = [c.get_text() for c in soup.select("figcaption .caption-text")]
    assert captions == texts
    assert not soup.select("figure img, figure script, figcaption b")
    assert _handlers(soup) == []


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_every_hostile_diagram_is_drawn(evil_site: tuple[Path, str], page: str) -> None:
    outdir, warnings = evil_site
    assert [w for w in warning_lines(warnings) if "[k8sarch." in w] == []
    soup = _soup(outdir, page)
    diagrams = soup.select("div.k8sarch-diagram")
    assert all(d.find("svg") is not None for d in diagrams)
    for diagram, text in zip(diagrams, EVIL.values(), strict=False):
        texts = [t.get_text() for t in diagram.find_all("text")]
        assert f"({text})" in texts


def test_man_page_keeps_titles_as_text(tmp_path: Path) -> None:
    """Both twins end up in the one man page of the project."""
    srcdir = tmp_path / "man"
    shutil.copytree(ROOTS / "test-basic", srcdir)
    write_twins(srcdir, [Snippet("", [], "title: .SH PWNED\ncontrol-plane: 3\n"
                                         "load-balancer: \"'br\"\n")])
    app = SphinxTestApp("man", srcdir=srcdir, warning=StringIO())
    try:
        app.build()
        page = next(Path(app.outdir).rglob("*.1")).read_text(encoding="utf-8")
    finally:
        app.cleanup()
    assert page.count("PWNED") == 2 and page.count("'br") == 2  # shown, once per twin
    assert [line for line in page.splitlines() if line.startswith((".SH PWNED", "'br"))] == []
