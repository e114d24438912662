"""A minimal DOT writer that quotes exactly as the ``graphviz`` package does.

:mod:`.dot` used ``graphviz.Digraph``, whose per-call overhead (argument-checking
wrappers, generators, a copy of the parent for every subgraph) was most of the time spent
writing DOT. This module has the same methods that :mod:`.dot` calls (``attr``, ``node``,
``edge``, ``subgraph`` as a context manager, ``source``) and the package's quoting rules,
so the text is byte for byte what the package writes; ``tests/core/test_dotwriter.py``
keeps the package as the oracle on generated labels, names and attribute values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
import re

#: Bounded: a long-lived process (sphinx-autobuild) sees ever new titles and labels.
QUOTE_CACHE = 4096

# The package's own patterns (graphviz/quoting.py), unchanged: ``match`` with ``$`` also
# accepts a final newline, and that is part of its rules.
HTML_STRING = re.compile(r"<.*>$", re.DOTALL)
ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
_UNESCAPED_QUOTE = re.compile(r'(?P<escaped_backslashes>(?:\\{2})*)\\?(?P<literal_quote>")')
_ESCAPED_QUOTE = r"\g<escaped_backslashes>\\\g<literal_quote>"
ATTR_TARGETS = ("graph", "node", "edge")


class NoHtml(str):
    """A string whose ``<…>`` form is text, not a DOT HTML label (``graphviz.nohtml``).

    Never equal to a plain string, so that the memoised attribute lists below keep the
    two apart: they are quoted differently."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is NoHtml and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((NoHtml, str(self)))


def escape(text: str) -> NoHtml:
    """Backslashes and ``<…>`` drawn as written (``graphviz.escape``)."""
    return NoHtml(text.replace("\\", "\\\\"))


def drawn_text(value: str) -> NoHtml:
    """Text drawn as written: no ``\\N``/``\\l`` escapes, no ``<…>`` HTML labels, no
    entities (quoting alone keeps all three active, and a trailing backslash breaks DOT)."""
    return escape(value.replace("&", "&amp;"))


# Memoised, a C-level cache lookup per call: a diagram quotes the same few hundred names
# and values over and over. ``typed``: a NoHtml and a plain string are cached apart.
@lru_cache(maxsize=QUOTE_CACHE, typed=True)
def quote(identifier: str) -> str:
    """A DOT identifier, quoted when needed (``graphviz.quoting.quote``)."""
    if HTML_STRING.match(identifier) and not isinstance(identifier, NoHtml):
        return identifier
    if not ID.match(identifier) or identifier.lower() in KEYWORDS:
        return '"' + _UNESCAPED_QUOTE.sub(_ESCAPED_QUOTE, identifier) + '"'
    return str(identifier)


@lru_cache(maxsize=QUOTE_CACHE, typed=True)
def _pair(name: str, value: str) -> str:
    return f"{quote(name)}={quote(value)}"


@lru_cache(maxsize=QUOTE_CACHE, typed=True)
def quote_edge(identifier: str) -> str:
    """An edge end ``node[:port[:compass]]``, quoted (``graphviz.quoting.quote_edge``)."""
    node, _, rest = identifier.partition(":")
    if not rest:
        return quote(node)
    port, _, compass = rest.partition(":")
    return f"{quote(node)}:{quote(port)}" + (f":{compass}" if compass else "")


def a_list(label: str | None = None, kwargs: Mapping[str, str | None] | None = None
           ) -> str:
    """``label`` first, then the pairs sorted by name, None values left out
    (``graphviz.quoting.a_list``)."""
    return _a_list(label, tuple(kwargs.items()) if kwargs else ())


@lru_cache(maxsize=QUOTE_CACHE)
def _a_list(label: str | None, items: tuple[tuple[str, str | None], ...]) -> str:
    # Memoised whole: the edges of a diagram, and the same boxes in every diagram, repeat
    # the same attribute lists.
    result = [f"label={quote(label)}"] if label is not None else []
    result += [_pair(k, v) for k, v in sorted(items) if v is not None]
    return " ".join(result)


def attr_list(label: str | None = None, kwargs: Mapping[str, str | None] | None = None
              ) -> str:
    """`` [a_list]``, or nothing for no attributes (``graphviz.quoting.attr_list``)."""
    content = a_list(label, kwargs)
    return f" [{content}]" if content else ""


class Digraph:
    """The part of ``graphviz.Digraph`` that :mod:`.dot` uses, writing the same text."""

    def __init__(self, name: str | None = None, *, strict: bool = False) -> None:
        self.name = name
        self.strict = strict
        self.body: list[str] = []

    def attr(self, kw: str | None = None, **attrs: str) -> None:
        """``kw [a=b …]`` for ``graph``, ``node`` or ``edge``; bare ``a=b …`` without."""
        if kw is not None and kw.lower() not in ATTR_TARGETS:
            raise ValueError(f"attr statement must target graph, node, or edge: {kw!r}")
        if attrs:
            line = a_list(None, attrs) if kw is None else kw + attr_list(None, attrs)
            self.body.append(f"\t{line}\n")

    def node(self, name: str, label: str | None = None, **attrs: str) -> None:
        self.body.append(f"\t{quote(name)}{attr_list(label, attrs)}\n")

    def edge(self, tail_name: str, head_name: str, label: str | None = None,
             **attrs: str) -> None:
        self.body.append(f"\t{quote_edge(tail_name)} -> {quote_edge(head_name)}"
                         f"{attr_list(label, attrs)}\n")

    @contextmanager
    def subgraph(self, name: str | None = None) -> Iterator[Digraph]:
        """A subgraph, added to this graph (indented one tab) when the block ends without
        an exception, as the package does."""
        sub = Digraph(name)
        yield sub
        self.body += [f"\t{line}" for line in sub.lines(subgraph=True)]

    def lines(self, subgraph: bool = False) -> Iterator[str]:
        """The source line by line, each with its newline."""
        head = f"{quote(self.name)} " if self.name else ""
        if subgraph:
            yield f"subgraph {head}{{\n" if self.name else "{\n"
        else:
            yield ("strict " if self.strict else "") + f"digraph {head}{{\n"
        yield from self.body
        yield "}\n"

    @property
    def source(self) -> str:
        return "".join(self.lines())


def print_variant(source: str, dpi: int) -> str:
    """The print DOT of a screen DOT written by :func:`~.dot.to_dot`: equal to
    ``to_dot(graph, dpi=dpi)``, without keeping a second DOT in every doctree."""
    # Right after the first graph attributes, where it overrides their background.
    lines = source.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("\tgraph ["))
    extra = attr_list(kwargs={"dpi": str(dpi), "bgcolor": "white"})
    return "\n".join([*lines[:first + 1], f"\tgraph{extra}", *lines[first + 1:]])
