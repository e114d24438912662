"""The DOT writer against its oracle, the ``graphviz`` package: the same quoting, the same
text, byte for byte, on generated names, labels and attribute values (HTML-like labels,
escaped labels, quotes and backslashes, keywords, numbers, ports, newlines)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
import warnings

import graphviz
from helpers.strategies import PROFILE
from hypothesis import example, given
from hypothesis import strategies as st
import pytest

from sphinx_k8sarch.core import dot, dotwriter
from sphinx_k8sarch.core.dot import print_variant, to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import analyse

#: Pieces that each quoting rule reacts to, mixed with arbitrary text.
PIECES = ["", " ", "a", "_x1", "1", "-4.2", ".42", "4.", "-", "--", "node", "Graph", "EDGE",
          "strict", "subgraph", "digraph", "<", ">", "<b>x</b>", "<<b>y</b>>", '"', '\\"',
          "\\\\", "\\", "\\N", "\\l", "&amp;", "\n", "\r", "\t", ":", "::", "a:b", "a:b:c",
          "é", "Ω", "\u2028", "#", "//", ";", "=", "[", "]", "{", "}"]
texts = st.one_of(st.text(max_size=20),
                  st.lists(st.sampled_from(PIECES), max_size=6).map("".join))
#: Which kind of string the writer gets: plain (HTML labels allowed) or escaped.
kinds = st.sampled_from(["plain", "escaped", "nohtml"])


def _as(kind: str, text: str, package: bool) -> str:
    """``text`` as the package (``package``) or the writer gets it."""
    if kind == "plain":
        return text
    if kind == "escaped":
        return graphviz.escape(text) if package else dotwriter.escape(text)
    return graphviz.nohtml(text) if package else dotwriter.NoHtml(text)


def _quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # The package warns about a final odd backslash (a DOT syntax error); the text is
    # still what is compared.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@PROFILE
@given(texts, kinds)
def test_quote_is_the_packages(text: str, kind: str) -> None:
    theirs = _quiet(graphviz.quoting.quote, _as(kind, text, True))
    assert dotwriter.quote(_as(kind, text, False)) == theirs
    assert _quiet(graphviz.quoting.quote_edge, text) == dotwriter.quote_edge(text)


@PROFILE
@given(texts)
def test_escape_is_the_packages(text: str) -> None:
    ours, theirs = dotwriter.escape(text), graphviz.escape(text)
    assert str(ours) == str(theirs)
    assert isinstance(ours, dotwriter.NoHtml)


def test_escaped_and_plain_strings_are_quoted_apart_whatever_came_first() -> None:
    """Memoised quoting and attribute lists keep a NoHtml and the equal plain string
    apart: an HTML-like label is raw when plain and quoted when escaped."""
    label = "<b>x</b>"
    for first, second in ((label, dotwriter.NoHtml(label)), (dotwriter.NoHtml(label), label)):
        assert dotwriter.quote(first) != dotwriter.quote(second)
        assert dotwriter.attr_list(first, {"id": first}) != dotwriter.attr_list(second,
                                                                                 {"id": second})
    assert dotwriter.attr_list(label, {"id": label}) == " [label=<b>x</b> id=<b>x</b>]"
    plain, escaped = "a", dotwriter.NoHtml("a")
    assert escaped != plain and plain != escaped  # both operand orders
    assert dotwriter.NoHtml("a") == dotwriter.NoHtml("a")


attributes = st.dictionaries(texts, st.one_of(st.none(), st.tuples(kinds, texts)), max_size=5)


@PROFILE
@given(st.one_of(st.none(), st.tuples(kinds, texts)), attributes)
def test_attribute_lists_are_the_packages(label: tuple[str, str] | None,
                                          attrs: dict[str, tuple[str, str] | None]) -> None:
    def convert(package: bool) -> tuple[str | None, dict[str, str | None]]:
        return (None if label is None else _as(*label, package),
                {k: None if v is None else _as(*v, package) for k, v in attrs.items()})

    their_label, their_attrs = convert(True)
    our_label, our_attrs = convert(False)
    assert dotwriter.a_list(our_label, our_attrs) == _quiet(
        graphviz.quoting.a_list, their_label, kwargs=their_attrs)
    assert dotwriter.attr_list(our_label, our_attrs) == _quiet(
        graphviz.quoting.attr_list, their_label, kwargs=their_attrs)


# -- whole graphs ----------------------------------------------------------------------------
#: One call on a graph: ("attr", target, attrs), ("node", name, label, attrs),
#: ("edge", tail, head, label, attrs) or ("subgraph", name, calls).
Call = tuple[Any, ...]
labels = st.one_of(st.none(), st.tuples(kinds, texts))
leaf_calls = st.one_of(
    st.tuples(st.just("attr"), st.sampled_from([None, "graph", "node", "edge", "Graph"]),
              attributes),
    st.tuples(st.just("node"), texts, labels, attributes),
    st.tuples(st.just("edge"), texts, texts, labels, attributes),
)
calls = st.recursive(
    st.lists(leaf_calls, max_size=5),
    lambda inner: st.lists(st.one_of(leaf_calls, st.tuples(
        st.just("subgraph"), st.one_of(st.none(), texts), inner)), max_size=5),
    max_leaves=12,
)


#: Parameters of attr(), node() and edge() in both writers.
PARAMETERS = frozenset({"label", "name", "tail_name", "head_name", "kw", "_attributes"})


def _play(graph: Any, script: list[Call], package: bool) -> None:
    def kw(attrs: dict[str, tuple[str, str] | None]) -> dict[str, Any]:
        # The methods' own parameters cannot be attributes passed as keywords (both
        # writers refuse them alike); "label" is generated and passed apart.
        return {k: None if v is None else _as(*v, package) for k, v in attrs.items()
                if k not in PARAMETERS}

    def lab(label: tuple[str, str] | None) -> str | None:
        return None if label is None else _as(*label, package)

    for call in script:
        match call:
            case ("attr", target, attrs):
                graph.attr(target, **kw(attrs))
            case ("node", name, label, attrs):
                graph.node(name, lab(label), **kw(attrs))
            case ("edge", tail, head, label, attrs):
                graph.edge(tail, head, lab(label), **kw(attrs))
            case ("subgraph", name, inner):
                context: AbstractContextManager[Any] = graph.subgraph(name=name)
                with context as sub:
                    _play(sub, inner, package)


@PROFILE
# Found by CI's 10,000 examples: an attribute named like node()'s own parameter.
@example(None, False, [("node", "", None, {"name": None})])
@given(st.one_of(st.none(), texts), st.booleans(), calls)
def test_graphs_are_written_as_the_package_writes_them(name: str | None, strict: bool,
                                                       script: list[Call]) -> None:
    ours = dotwriter.Digraph(name, strict=strict)
    theirs = graphviz.Digraph(name, strict=strict)
    _quiet(_play, theirs, script, True)
    _play(ours, script, False)
    assert ours.source == _quiet(lambda: theirs.source)


def test_attr_rejects_what_the_package_rejects() -> None:
    with pytest.raises(ValueError, match="graph, node, or edge"):
        dotwriter.Digraph().attr("cluster", color="red")
    with pytest.raises(ValueError, match="graph, node, or edge"):
        graphviz.Digraph().attr("cluster", color="red")


def test_a_failed_subgraph_block_adds_nothing_as_in_the_package() -> None:
    for graph in (dotwriter.Digraph("g"), graphviz.Digraph("g")):
        with pytest.raises(RuntimeError), graph.subgraph(name="s") as sub:
            sub.node("a")
            raise RuntimeError
    assert dotwriter.Digraph("g").source == graphviz.Digraph("g").source


# -- the diagrams ----------------------------------------------------------------------------
TITLE_PIECES = ["<b>", "</b>", "&", "&amp;", '"', "\\", "\\N", "\\l", "graph", "node",
                "Cluster", " ", "é", "<", ">", "x"]
titles = st.lists(st.sampled_from(TITLE_PIECES), max_size=8).map("".join)
specs = st.fixed_dictionaries(
    {"control-plane": st.integers(1, 7)},
    optional={"workers": st.integers(0, 6),
              "etcd": st.sampled_from(["stacked", "{topology: external, members: 3}"]),
              "load-balancer": st.sampled_from(["haproxy", "cloud", "'<b>lb</b>'",
                                                "'a \"q\" \\\\ lb'", "'&amp; lb'"]),
              "addons": st.sampled_from(["[coredns, cni]", "[]"]),
              "clients": st.sampled_from(["[kubectl]", "[]"])})


def _package_dot(graph: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(dot, "_Digraph", graphviz.Digraph)
        # The labels' escaping (dot.py and legend.py both go through drawn_text).
        patch.setattr(dotwriter, "escape", graphviz.escape)
        return to_dot(graph)


@PROFILE
@given(specs, titles, st.sampled_from(["en", "es"]))
def test_diagrams_are_byte_identical_to_the_packages(spec: dict[str, Any], title: str,
                                                     lang: str) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in spec.items())
    cluster = analyse(text, title)[0]
    assert cluster is not None, text
    graph = build_graph(cluster, Translator(lang))
    ours = to_dot(graph)
    with pytest.MonkeyPatch.context() as monkeypatch:
        theirs = _package_dot(graph, monkeypatch)
    assert ours == theirs
    assert print_variant(ours, 300) == print_variant(theirs, 300)
