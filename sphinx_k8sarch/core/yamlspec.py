"""Safe YAML loading that keeps the line of every key and value.

PyYAML's composer already shares aliased nodes instead of expanding them, so
composing is linear; the expansion into Python values is where an alias bomb
would explode, so it is bounded here by a node budget and a depth limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Any

import yaml

from .diagnostics import Diagnostic, Severity, Subtype
from .vocabulary import MAX_DEPTH, MAX_NODES, MAX_NUMBER, MAX_TEXT

Path = tuple[str | int, ...]


class _TooBigError(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


def _too_deep(line: int) -> _TooBigError:
    return _TooBigError(line, f"spec is nested more than {MAX_DEPTH} levels deep")


_MERGE = "tag:yaml.org,2002:merge"
#: Tags a collection may carry: the defaults plus the other SafeLoader types built from a
#: mapping (!!set) or a sequence (!!omap, !!pairs). Anything else, such as
#: ``!!python/object/apply:os.system [...]``, was silently read as a plain list or mapping.
_COLLECTION_TAGS: dict[type[yaml.CollectionNode], set[str]] = {
    yaml.MappingNode: {"tag:yaml.org,2002:map", "tag:yaml.org,2002:set"},
    yaml.SequenceNode: {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap",
                        "tag:yaml.org,2002:pairs"},
}


class _SpecLoader(yaml.SafeLoader):
    """SafeLoader with no extra constructors; used only to compose and build scalars."""

    _depth = 0

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: id of a mapping node → ids of the key nodes written in it (not merged in).
        self.own_keys: dict[int, set[int]] = {}

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # Flattening puts the merged pairs (<<) before the mapping's own ones and deletes
        # the merge keys; remember which keys were the mapping's own, so that _convert can
        # tell an override of a merged key (allowed) from a real duplicate key.
        if id(node) in self.own_keys:
            return  # flattened already: an alias of it, merged again
        self.own_keys[id(node)] = {id(key) for key, _value in node.value
                                   if key.tag != _MERGE}
        # Written here rather than inherited: PyYAML before 6.0.4 copied a merged pair
        # once per path that reaches it, so merge keys nested nine deep, each merging the
        # previous nine times, took a minute of CPU before our size budget could refuse
        # them. The same key node reached again through an alias is merged once.
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        seen: set[int] = set()
        own: list[tuple[yaml.Node, yaml.Node]] = []
        for key, value in node.value:
            if key.tag != _MERGE:
                if key.tag == "tag:yaml.org,2002:value":
                    key.tag = "tag:yaml.org,2002:str"
                own.append((key, value))
                continue
            if isinstance(value, yaml.MappingNode):
                sources = [value]
            elif isinstance(value, yaml.SequenceNode):
                sources = value.value
            else:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"expected a mapping or list of mappings for merging, but found "
                    f"{value.id}", value.start_mark)
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"expected a mapping for merging, but found {source.id}",
                        source.start_mark)
                self.flatten_mapping(source)
                for pair in source.value:
                    if id(pair[0]) not in seen:
                        seen.add(id(pair[0]))
                        merged.append(pair)
        node.value = merged + own

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # PyYAML composes recursively, a few Python frames per level: a thousand nested
        # brackets overflowed the stack (RecursionError) before _convert could refuse them.
        # Same limit and line as _convert's check (the root is depth 0 there, 1 here).
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                event = self.peek_event()
                raise _too_deep(event.start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass
class Loaded:
    """Plain Python data plus the 1-based line of each path (key lines for mapping values)."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)
    #: Spec keys an importer filled in without the file saying so (kubeadm's node counts).
    assumed: frozenset[str] = frozenset()

    def line(self, path: Path) -> int:
        """Line of ``path``, falling back to its closest ancestor, then line 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _problem_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    # An error "at the end of input" must still point at a line of the spec.
    return max(1, min(line, len(text.splitlines())))


def _problem(exc: yaml.YAMLError, text: str) -> str:
    """The problem, plus where the construct it belongs to started when that is on an
    earlier line: an unclosed bracket or quote is only noticed lines later, at the line the
    diagnostic points at."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    start = getattr(exc, "context_mark", None)
    if context and start is not None and start.line + 1 < _problem_line(exc, text):
        # Relative: the directive reports lines of the page, not of the spec.
        above = _problem_line(exc, text) - start.line - 1
        problem += f" ({context} that starts {above} line{'s' if above > 1 else ''} above)"
    return str(problem)


def load(text: str) -> tuple[Loaded | None, list[Diagnostic]]:
    """Parse one YAML document. Returns ``(None, errors)`` when it cannot be used."""
    documents, diagnostics = _load(text, single=True)
    if documents is None:
        return None, diagnostics
    return (documents[0] if documents else Loaded()), diagnostics


def load_all(text: str, max_text: int = MAX_TEXT, max_nodes: int = MAX_NODES
             ) -> tuple[list[Loaded] | None, list[Diagnostic]]:
    """Parse a stream of ``---``-separated documents (kubeadm writes several in one file).

    Empty documents are kept (their data is None); the node budget is shared by the whole
    stream. A kubectl list may be larger than a spec (``max_text``, ``max_nodes``).
    """
    return _load(text, single=False, max_text=max_text, max_nodes=max_nodes)


def _load(text: str, single: bool, max_text: int = MAX_TEXT, max_nodes: int = MAX_NODES
          ) -> tuple[list[Loaded] | None, list[Diagnostic]]:
    if len(text) > max_text:
        return None, [
            Diagnostic(1, Severity.ERROR, Subtype.SIZE,
                       f"spec is {len(text)} characters long; the limit is {max_text}")
        ]
    roots: list[yaml.Node] = []
    loader: _SpecLoader | None = None
    try:
        # The reader checks the whole text for characters YAML forbids while constructing.
        loader = _SpecLoader(text)
        if single:
            root = loader.get_single_node()
            if root is not None:
                roots.append(root)
        else:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    roots.append(node)
    except yaml.reader.ReaderError as exc:
        # Control characters (NUL, ESC, DEL, …) and lone surrogates. The error carries a
        # character offset rather than a mark; everything before it is printable, so
        # splitlines() counts the same line breaks as YAML does.
        line = len((text[:exc.position] + "x").splitlines())
        return None, [
            Diagnostic(line, Severity.ERROR, Subtype.YAML,
                       f"the spec contains the control character U+{exc.character:04X}, "
                       "which YAML does not allow; delete it or write it as an escape in a "
                       "double-quoted string")
        ]
    except _TooBigError as exc:
        return None, [Diagnostic(exc.line, Severity.ERROR, Subtype.SIZE, exc.message)]
    except yaml.YAMLError as exc:
        return None, [
            Diagnostic(_problem_line(exc, text), Severity.ERROR, Subtype.YAML,
                       f"YAML syntax error: {_problem(exc, text)}")
        ]
    except (ValueError, OverflowError):
        # PyYAML's scanner hands an escape such as "\U80000000" to chr() unchecked.
        line = loader.line + 1 if loader is not None else 1
        return None, [
            Diagnostic(line, Severity.ERROR, Subtype.YAML,
                       "YAML syntax error: a \\U escape in a double-quoted string is beyond "
                       "the last Unicode character (U+10FFFF)")
        ]
    finally:
        if loader is not None:
            loader.dispose()
    diagnostics: list[Diagnostic] = []
    budget = [max_nodes, max_nodes]  # what is left, and the limit (for the message)
    documents: list[Loaded] = []
    # An empty document after a last "---" starts past the last line: said on that line.
    last = max(1, len(text.splitlines()))
    for root in roots:
        loaded = Loaded()
        loaded.lines[()] = min(root.start_mark.line + 1, last)
        error = _build(loader, root, text, budget, loaded, diagnostics)
        if error is not None:
            return None, [error]
        documents.append(loaded)
    return documents, diagnostics


def _build(loader: _SpecLoader, root: yaml.Node, text: str, budget: list[int],
           loaded: Loaded, diagnostics: list[Diagnostic]) -> Diagnostic | None:
    try:
        loaded.data = _convert(loader, root, (), 0, budget, loaded, diagnostics)
    except _TooBigError as exc:
        return Diagnostic(exc.line, Severity.ERROR, Subtype.SIZE, exc.message)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Diagnostic(_problem_line(exc, text), Severity.ERROR, Subtype.YAML,
                          f"unsupported YAML value: {problem}")
    return None


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _convert(
    loader: _SpecLoader,
    node: yaml.Node,
    path: Path,
    depth: int,
    budget: list[int],
    loaded: Loaded,
    diagnostics: list[Diagnostic],
) -> Any:
    line = node.start_mark.line + 1
    budget[0] -= 1
    if budget[0] < 0:
        # An alias points back at its anchor; blame the key being expanded instead.
        line = loaded.lines.get(path[:1], line)
        raise _TooBigError(line, f"spec expands to more than {budget[1]} values "
                            "(a YAML alias bomb?); write it out plainly")
    if depth > MAX_DEPTH:
        raise _too_deep(line)
    loaded.lines.setdefault(path, line)
    allowed = _COLLECTION_TAGS.get(type(node)) if isinstance(node, yaml.CollectionNode) else None
    if allowed is not None and node.tag not in allowed:
        raise yaml.constructor.ConstructorError(
            None, None, f"could not determine a constructor for the tag {node.tag!r}",
            node.start_mark)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<) like SafeLoader does
        own = loader.own_keys.get(id(node), set())
        result: dict[Any, Any] = {}
        merged: set[Any] = set()  # keys whose value came in with <<
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, (*path, "<key>"), depth + 1, budget, loaded,
                           diagnostics)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark)
            key_line = key_node.start_mark.line + 1
            if id(key_node) not in own:
                # Merged in: of several merged mappings the first one wins (YAML merge
                # key spec); the mapping's own keys, which come later, override them.
                if key in result:
                    continue
                merged.add(key)
            elif key in merged:
                merged.discard(key)  # ``<<: *base`` then ``count: 5``: an override, no error
            elif key in result:
                diagnostics.append(Diagnostic(key_line, Severity.ERROR, Subtype.DUPLICATE_KEY,
                                              f"duplicate key {key!r}"))
            child = (*path, str(key))
            loaded.lines[child] = key_line
            result[key] = _convert(loader, value_node, child, depth + 1, budget, loaded,
                                   diagnostics)
            loaded.lines[child] = key_line
        loaded.lines.pop((*path, "<key>"), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            items.append(_convert(loader, item, (*path, index), depth + 1, budget, loaded,
                                  diagnostics))
        return items
    if node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_NUMBER:
        raise _TooBigError(line, f"a number written with {len(node.value)} characters is too "
                           "long to be a count")
    surrogate = _SURROGATE.search(node.value)
    if surrogate is not None:
        # Only an escape can put one here (the reader refuses them in the text); no page,
        # SVG or terminal can encode it.
        raise yaml.constructor.ConstructorError(
            None, None, f"the escape \\u{ord(surrogate.group()):04X} is half of a UTF-16 "
            "pair, not a character; write the character itself or its \\U escape",
            node.start_mark)
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:
        raise
    except (ValueError, LookupError, TypeError, AttributeError) as exc:
        # PyYAML's scalar constructors trust the resolver: an impossible date such as
        # ``2024-13-01`` (resolved as a timestamp), or an explicit tag on text that does
        # not fit it (``!!int abc``, ``!!bool x``), raised a bare Python error.
        tag = node.tag.rsplit(":", 1)[-1]
        shown = node.value if len(node.value) <= 40 else node.value[:40] + "…"
        raise yaml.constructor.ConstructorError(
            None, None, f"{shown!r} is not a valid {tag} ({exc}); quote it to use it as "
            "text", node.start_mark) from exc
