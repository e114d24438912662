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
from dataclasses import dataclass
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


@dataclass
class _Walk:
    """A container being walked: the members found so far, and where the next one starts
    (-1 once the container is done)."""

    members: dict[str | int, tuple[int, int]]
    at: int
    closing: str
    index: int = 0
    #: ``at`` is the value of the last member found, not yet skipped: a member is found
    #: without decoding its value, which for ``items`` is the whole list.
    pending: bool = False


class JsonLoaded(Loaded):
    """A :class:`Loaded` whose lines are found on demand: the line of a mapping member is
    the line of its key, that of a list item where the item starts (as for YAML). A
    container is walked only as far as the member asked for, so the line of ``items``
    does not cost a pass over every item."""

    def __init__(self, data: Any, text: str) -> None:
        super().__init__(data)
        self.text = text
        self._newlines: list[int] | None = None
        #: Container path → its walk: key or index → (offset of the key or item, offset of
        #: the value).
        self._walks: dict[Path, _Walk | None] = {}
        #: Characters decoded again while walking containers (the work a look-up costs).
        self.walked = 0

    def line(self, path: Path) -> int:
        """Line of ``path``, falling back to its closest ancestor, then the first value."""
        while path:
            found = self._member(path)
            if found is not None:
                return self._line_at(found[0])
            path = path[:-1]
        return self._line_at(self._skip(0))

    # -- offsets --------------------------------------------------------------------------
    def _member(self, path: Path) -> tuple[int, int] | None:
        walk = self._walk(path[:-1])
        if walk is None:
            return None
        key = path[-1]
        while key not in walk.members and walk.at >= 0:
            self._step(walk)
        return walk.members.get(key)

    def _walk(self, path: Path) -> _Walk | None:
        """The walk of the container at ``path``; None where there is none."""
        if path in self._walks:
            return self._walks[path]
        walk: _Walk | None = None
        if path:
            found = self._member(path)
            start = found[1] if found is not None else -1
        else:
            start = self._skip(0)
        opening = self.text[start:start + 1] if start >= 0 else ""
        if opening in ("{", "["):
            at = self._skip(start + 1)
            closing = "}" if opening == "{" else "]"
            walk = _Walk({}, -1 if self.text[at:at + 1] == closing else at, closing)
        self._walks[path] = walk
        return walk

    def _step(self, walk: _Walk) -> None:
        """Read the next member of ``walk``: its key (in an object) and where its value
        starts, after skipping the value before it with the C decoder."""
        text, at = self.text, walk.at
        if walk.pending:
            walk.pending = False
            _value, end = _DECODER.raw_decode(text, at)
            self.walked += end - at
            end = self._skip(end)
            walk.at = at = self._skip(end + 1) if text[end:end + 1] == "," else -1
            if at < 0:
                return
        anchor = at
        key: str | int = walk.index
        if walk.closing == "}":
            key, at = _DECODER.raw_decode(text, at)
            at = self._skip(self._skip(at) + 1)  # past the colon
        walk.members[key] = (anchor, at)
        walk.index += 1
        walk.at, walk.pending = at, True

    def _skip(self, at: int) -> int:
        match = _SPACE.match(self.text, at)
        return match.end() if match else at

    def _line_at(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(self._newlines, offset - 1) + 1
