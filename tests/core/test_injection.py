"""Injection in the core: hostile text in titles and load-balancer labels stays text in the
DOT source and in the picture, and the inline-SVG sanitiser holds against hand-made
malicious SVG. The pages (rST and MyST) are tested in
``tests/sphinxext/test_sphinx_injection.py``.

The trust boundary: the spec (a YAML body or a spec file, possibly generated or imported)
never becomes markup anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import xml.etree.ElementTree as ET

from helpers.dot_parser import Html, dot_structure, expected_structure, parse_dot, shown
from helpers.hostile import EVIL
from helpers.markers import needs_renderer
from helpers.svg_checks import assert_inert, svg_texts
import pytest
import yaml

from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.svg import SVG_NS, XLINK_NS, inline_svg, safe_href

EN = Translator("en")

# -- hostile text ---------------------------------------------------------------------------

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


@needs_renderer
@pytest.mark.parametrize(("where", "name"), _cases(PICTURE_BUGS))
def test_picture_shows_hostile_text(tmp_path: Path, where: str, name: str) -> None:
    text = EVIL[name]
    cluster = _cluster(where, text)
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", tmp_path)
    svg = ET.fromstring(inline_svg(path.read_bytes(), "p", cluster.title, "alt", lambda c: None))
    assert_inert(svg)
    if where == "lb":
        assert f"({text})" in svg_texts(svg)
    else:
        assert svg.find(f"{{{SVG_NS}}}title") is not None
        assert svg.find(f"{{{SVG_NS}}}title").text == text  # type: ignore[union-attr]
        # The graph tooltip (xlink:title on a link Graphviz wraps the graph in) is dropped
        # with the link; what else says the title must say it literally.
        titles = ["".join(t.itertext()) for t in svg.iter(f"{{{SVG_NS}}}title")]
        assert all("<G>" not in t for t in titles)


# -- the sanitiser --------------------------------------------------------------------------

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
    # With a link left it is a group (an image cannot hold links), else an image.
    role = "group" if svg.find(f".//{{{SVG_NS}}}a") is not None else "img"
    assert svg.get("role") == role and svg.find(f"{{{SVG_NS}}}title") is not None


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
    assert svg_texts(svg) == ["etcd"]
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
    assert svg_texts(svg) == ["red\ufffd[31m \ufffd \ufffd"]
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
