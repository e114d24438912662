"""Boxes that nothing but dot's start orders, put in reading order after the layout.

Two columns hold zone frames that no conversation orders: the callers (every worker calls
the one load balancer) and external etcd (the API servers reach it through one arrow each
into the pool's box, and the members each other through one junction). The same goes for
the callers' machines outside zones when each of them talks only to the load balancer. dot
keeps such boxes in an order it derives from the writing, and which writing gives the
reading order differs between Graphviz releases (measured: with three etcd members over
two zones, the graphviz-pure build keeps zone a above zone b when the frames are written
last first with LR and first first top down, Debian's dot 2.43 the other way round; a
kubectl inventory's racks came out rack-1, rack-3, rack-2; Cluster API's 47 folded
workers above worker-1).

So the DOT writer writes the frames as the default renderer keeps them and lists each run
of frames, in the zones' order, on a comment line (:func:`frames_line`), and the callers'
machines on another (:func:`machines_line`). The renderer lays the DOT out; where a run
came out of order, it writes it again, the other way round or in the order that would put
it in place if dot moved each writing position where it moved it the first time (the
arrows into the etcd pool meeting at the middle member of the new writing;
:func:`rewritings`), lays that out and keeps it if fewer boxes are out of order. Frames
are looked at before the machines' names are put in order (see :mod:`.interchange`), the
callers' machines after, since names mend most of them without a new layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key, partial
from itertools import pairwise
import re

from .interchange import COMMENT, Box, drawn_before, inversions, listed

FRAMES = COMMENT + "frames: "
#: The callers' machines outside zones, in reading order, when only dot's start orders
#: them; looked at after the machines' names are put in order (see :mod:`.interchange`).
MACHINES = COMMENT + "machines: "
#: Stands for the pool's machines in no zone on the line (a frame's name starts ``zone_``).
REST = "-"


@dataclass(frozen=True)
class Frames:
    #: The cluster that holds the frames and that arrows enter with ``lhead`` (``etcd_pool``
    #: for ``cluster_etcd_pool``), or :data:`REST` for frames at the top level.
    pool: str
    #: Each frame's cluster name (without ``cluster_``) and the nodes in it that the
    #: pool's arrows may enter, in the zones' order.
    order: tuple[tuple[str, tuple[str, ...]], ...]
    #: Such nodes of machines in no zone, written after the frames.
    rest: tuple[str, ...] = ()


def frames_line(frames: Frames) -> str:
    """The comment line that hands ``frames`` to the renderer."""
    items = [f"{name}={','.join(members)}" for name, members in frames.order]
    if frames.rest:
        items.append(f"{REST}={','.join(frames.rest)}")
    return f"{FRAMES}{frames.pool} {' '.join(items)}\n"


def frames_in(source: str) -> list[Frames]:
    """The runs of frames listed among the comment lines that open ``source``."""
    found: list[Frames] = []
    for line in listed(source, FRAMES):
        pool, *items = line.split() or [""]
        runs = [(name, tuple(filter(None, members.split(","))))
                for name, _sep, members in (item.partition("=") for item in items)]
        rest = next((members for name, members in runs if name == REST), ())
        found.append(Frames(pool, tuple(item for item in runs if item[0] != REST), rest))
    return found


def machines_line(idents: Sequence[str]) -> str:
    """The comment line that lists the callers' machines for the renderer."""
    return f"{MACHINES}{' '.join(idents)}\n"


def machines_in(source: str) -> list[Frames]:
    """The callers' machines listed among the comment lines that open ``source``, as one
    run of blocks (each machine's box is one)."""
    idents = [ident for line in listed(source, MACHINES) for ident in line.split()]
    return [Frames(REST, tuple((ident, ()) for ident in idents))] if idents else []


def frames_misplaced(runs: Sequence[Frames], drawn: dict[str, Box]) -> int:
    """How many frames are drawn before the one they follow."""
    return sum(inversions([name for name, _members in frames.order], drawn)
               for frames in runs)


def _blocks(source: str, names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Where each ``subgraph cluster_<name> { … }`` of ``names`` starts and ends in
    ``source`` (line starts to the end of its closing line), reading quotes as DOT does."""
    wanted = {f"cluster_{name}": name for name in names}
    opening = re.compile(r'[ \t]*subgraph[ \t]+("(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+)[ \t]*\{')
    found: dict[str, tuple[int, int]] = {}
    index, quoted = 0, False
    open_at: list[tuple[int, str | None]] = []
    while index < len(source):
        char = source[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            start = source.rfind("\n", 0, index) + 1
            match = opening.fullmatch(source, start, index + 1)
            name = match[1].strip('"') if match else None
            open_at.append((start, wanted.get(name) if name else None))
        elif char == "}" and open_at:
            start, name = open_at.pop()
            if name is not None:
                end = source.find("\n", index)
                found[name] = (start, len(source) if end < 0 else end + 1)
        index += 1
    return found


_LHEAD = re.compile(r'^(\t[A-Za-z0-9_]+ -> )([A-Za-z0-9_]+)( \[[^\n]*\blhead="?cluster_'
                    r'([A-Za-z0-9_]+)"?)', re.MULTILINE)


def rewritings(source: str, runs: Sequence[Frames], drawn: dict[str, Box]) -> list[str]:
    """Other writings of ``source`` for the runs of frames that ``drawn`` has out of order,
    most likely first: each such run written the other way round, then in the order that
    would put it in place if dot moved each writing position where it moved it this
    time; the arrows into a pool meet at the middle member of the new writing. A run not
    found where its line says is left alone."""
    found: list[str] = []
    for way in (_reversed, _moved_back):
        other = source
        for frames in runs:
            if frames_misplaced([frames], drawn):
                other = _rewritten(other, frames, drawn, way)
        if other != source and other not in found:
            found.append(other)
    return found


def _compare(boxes: dict[str, Box], a: str, b: str) -> int:
    return drawn_before(boxes[a], boxes[b])


def _reversed(written: list[str], names: list[str], seen: list[str]) -> list[str]:
    return written[::-1]


def _moved_back(written: list[str], names: list[str], seen: list[str]) -> list[str]:
    # Writing position i was drawn at seen.index(written[i]): put there what belongs there.
    return [names[seen.index(name)] for name in written]


def _rewritten(source: str, frames: Frames, drawn: dict[str, Box],
               way: Callable[[list[str], list[str], list[str]], list[str]]) -> str:
    names = [name for name, _members in frames.order]
    spans = _blocks(source, names)
    if len(spans) != len(names) or not all(name in drawn for name in names):
        return source
    placed = sorted(spans.values())
    if any(end != start for (_s, end), (start, _e) in pairwise(placed)):
        return source  # not one run of frames: leave the writing alone
    by_start = {span: name for name, span in spans.items()}
    written = [by_start[span] for span in placed]
    boxes = {name: drawn[name] for name in names}
    seen = sorted(names, key=cmp_to_key(partial(_compare, boxes)))
    again = way(written, names, seen)
    text = "".join(source[slice(*spans[name])] for name in again)
    result = source[:placed[0][0]] + text + source[placed[-1][1]:]
    members = dict(frames.order)
    entered = [node for name in again for node in members[name]] + list(frames.rest)
    if not entered or frames.pool == REST:
        return result
    target = entered[len(entered) // 2]
    return _LHEAD.sub(lambda m: m[1] + target + m[3] if m[4] == frames.pool else m[0],
                      result)
