"""Safe YAML loading that keeps the line of every key and value.

PyYAML's composer already shares aliased nodes instead of expanding them, so
composing is linear; the expansion into Python values is where an alias bomb
would explode, so it is bounded here by a node budget and a depth limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .diagnostics import Diagnostic, Severity, Subtype

Path = tuple[str | int, ...]

MAX_NODES = 5_000
MAX_DEPTH = 20
MAX_TEXT = 200_000


class _SpecLoader(yaml.SafeLoader):
    """SafeLoader with no extra constructors; used only to compose and build scalars."""


@dataclass
class Loaded:
    """Plain Python data plus the 1-based line of each path (key lines for mapping values)."""

    data: Any = None
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """Line of ``path``, falling back to its closest ancestor, then line 1."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _TooBigError(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


def _problem_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    # An error "at the end of input" must still point at a line of the spec.
    return max(1, min(line, len(text.splitlines())))


def load(text: str) -> tuple[Loaded | None, list[Diagnostic]]:
    """Parse one YAML document. Returns ``(None, errors)`` when it cannot be used."""
    documents, diagnostics = _load(text, single=True)
    if documents is None:
        return None, diagnostics
    return (documents[0] if documents else Loaded()), diagnostics


def load_all(text: str) -> tuple[list[Loaded] | None, list[Diagnostic]]:
    """Parse a stream of ``---``-separated documents (kubeadm writes several in one file).

    Empty documents are dropped; the node budget is shared by the whole stream.
    """
    return _load(text, single=False)


def _load(text: str, single: bool) -> tuple[list[Loaded] | None, list[Diagnostic]]:
    if len(text) > MAX_TEXT:
        return None, [
            Diagnostic(1, Severity.ERROR, Subtype.SIZE,
                       f"spec is {len(text)} characters long; the limit is {MAX_TEXT}")
        ]
    loader = _SpecLoader(text)
    roots: list[yaml.Node] = []
    try:
        if single:
            root = loader.get_single_node()
            if root is not None:
                roots.append(root)
        else:
            while loader.check_node():
                node = loader.get_node()
                if node is not None:
                    roots.append(node)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [
            Diagnostic(_problem_line(exc, text), Severity.ERROR, Subtype.YAML,
                       f"YAML syntax error: {problem}")
        ]
    finally:
        loader.dispose()
    diagnostics: list[Diagnostic] = []
    budget = [MAX_NODES]
    documents: list[Loaded] = []
    for root in roots:
        loaded = Loaded()
        loaded.lines[()] = root.start_mark.line + 1
        error = _build(loader, root, text, budget, loaded, diagnostics)
        if error is not None:
            return None, [error]
        if single or loaded.data is not None:
            documents.append(loaded)
    return documents, diagnostics


def _build(loader: yaml.SafeLoader, root: yaml.Node, text: str, budget: list[int],
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


def _convert(
    loader: yaml.SafeLoader,
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
        raise _TooBigError(line, f"spec expands to more than {MAX_NODES} values "
                            "(a YAML alias bomb?); write it out plainly")
    if depth > MAX_DEPTH:
        raise _TooBigError(line, f"spec is nested more than {MAX_DEPTH} levels deep")
    loaded.lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<) like SafeLoader does
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, (*path, "<key>"), depth + 1, budget, loaded,
                           diagnostics)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark)
            key_line = key_node.start_mark.line + 1
            if key in result:
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
    return loader.construct_object(node, deep=True)
