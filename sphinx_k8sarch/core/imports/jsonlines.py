"""JSON read at the speed of the ``json`` module, with the line of any value found when
asked.

``kubectl get nodes,pods -A -o json`` of a large cluster is megabytes long; the YAML
reader, which records the line of every value as it builds it, takes seconds per megabyte.
Here the text is decoded once by ``json`` (C), and a line is looked up only for the few
paths a diagnostic or the spec's line table needs: each container on the way is walked
once, member by member, skipping values with the same C scanner, and remembered.
"""

from __future__ import annotations

from bisect import bisect_right
import json
import re
from typing import Any

from ..diagnostics import Diagnostic, Severity, Subtype
from ..yamlspec import Loaded, Path

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def looks_like_json(text: str) -> bool:
    """Does the text start like a JSON object (kubectl's ``-o json``)?"""
    match = _SPACE.match(text)
    end = match.end() if match else 0
    return text[end:end + 1] == "{"


def load_json(text: str) -> tuple[JsonLoaded | None, Diagnostic | None]:
    """The decoded object with lazily found lines, or the located reason it is not JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, Diagnostic(exc.lineno, Severity.ERROR, Subtype.YAML,
                                f"JSON syntax error: {exc.msg}")
    except RecursionError:
        return None, Diagnostic(1, Severity.ERROR, Subtype.SIZE,
                                "the JSON text is nested too deeply")
    except ValueError as exc:  # a number too long to convert
        return None, Diagnostic(1, Severity.ERROR, Subtype.YAML, f"unsupported JSON value: "
                                f"{str(exc).splitlines()[0]}")
    return JsonLoaded(data, text), None


class JsonLoaded(Loaded):
    """A :class:`Loaded` whose lines are found on demand: the line of a mapping member is
    the line of its key, that of a list item where the item starts (as for YAML)."""

    def __init__(self, data: Any, text: str) -> None:
        super().__init__(data)
        self.text = text
        self._newlines: list[int] | None = None
        #: Container path → its members: key or index → (offset of the key or item,
        #: offset of the value).
        self._members: dict[Path, dict[str | int, tuple[int, int]]] = {}
        #: Characters decoded again while walking containers (the work a look-up costs).
        self.walked = 0

    def line(self, path: Path) -> int:
        """Line of ``path``, falling back to its closest ancestor, then the first value."""
        while path:
            found = self._member(path)
            if found is not None:
                return self._line_at(found[0])
            path = path[:-1]
        return self._line_at(self._start())

    # -- offsets --------------------------------------------------------------------------
    def _start(self) -> int:
        match = _SPACE.match(self.text)
        return match.end() if match else 0

    def _member(self, path: Path) -> tuple[int, int] | None:
        members = self._children(path[:-1])
        return members.get(path[-1]) if members is not None else None

    def _children(self, path: Path) -> dict[str | int, tuple[int, int]] | None:
        if path in self._members:
            return self._members[path]
        if path:
            found = self._member(path)
            if found is None:
                return None
            start = found[1]
        else:
            start = self._start()
        members = self._walk(start)
        self._members[path] = members
        return members

    def _walk(self, start: int) -> dict[str | int, tuple[int, int]]:
        """The members of the object or array at ``start`` (none for a scalar)."""
        text = self.text
        members: dict[str | int, tuple[int, int]] = {}
        opening = text[start:start + 1]
        if opening not in ("{", "["):
            return members
        closing = "}" if opening == "{" else "]"
        at = self._skip(start + 1)
        index = 0
        while at < len(text) and text[at] != closing:
            anchor = at
            key: str | int = index
            if opening == "{":
                key, at = _DECODER.raw_decode(text, at)
                at = self._skip(self._skip(at) + 1)  # past the colon
            _value, end = _DECODER.raw_decode(text, at)
            members[key] = (anchor, at)
            self.walked += end - at
            index += 1
            at = self._skip(end)
            if text[at:at + 1] == ",":
                at = self._skip(at + 1)
        return members

    def _skip(self, at: int) -> int:
        match = _SPACE.match(self.text, at)
        return match.end() if match else at

    def _line_at(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(self._newlines, offset - 1) + 1
