"""Machines that only their names tell apart, put back in reading order after the layout.

dot orders the boxes of one rank to cross as few lines as it can, and breaks ties its own
way: with add-ons calling the first API server, cp-3 may come out above cp-2, worker-3
above worker-2, although nothing but their names distinguishes them. No DOT attribute
orders clusters within a rank without costing crossings elsewhere, so the order is mended
after the layout instead:

- the DOT writer finds machines that are *interchangeable*: swapping two of them (their
  components, and every conversation they have) gives back the same graph. It lists them,
  in reading order, in a comment on the DOT's first line (:func:`header`).
- the renderer lays the DOT out; where such machines came out of order it renames them in
  the DOT (:func:`renamed`) and lays that out. The DOT is the same graph written in the same
  order with other names, so the layout is the same picture with the names where they are
  read in order. If the renderer still draws it otherwise, the render with fewer machines
  out of order is kept.

The folded rest of a pool ("worker-4 … worker-50") is one of a kind, and dot may put it
above the last machine shown. When the machines shown after it are twins, like every
folded one, the renderer numbers them from the end instead ("worker-1, worker-2,
worker-3 … worker-49, worker-50"): the same picture, read in order (:func:`renumbering`).

Machines with a link, a failure or a highlight keep their place: swapping them would change
what the picture says. A machine's real name (``names:``, or a node name from kubectl) goes
with it, as its label does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from itertools import pairwise, takewhile
import re
from typing import TYPE_CHECKING

from .vocabulary import NAME_DRAWN, SHOWN, folded_label, machine_name

if TYPE_CHECKING:  # the renderer's side must not load the pipeline (see render.py)
    from .graph import GEdge, GGroup, Graph

#: How each comment line that opens the DOT for the renderer starts (see also .frames).
COMMENT = "// k8sarch "
#: The DOT's first line when some machines are interchangeable: classes separated by
#: ``;``, each machine as ``id=label`` or ``id=label=real name``, in reading order.
PREFIX = COMMENT + "interchangeable: "
#: The next line when folded pools may be numbered from the end: ``pool:count`` each.
FOLDED = COMMENT + "folded: "
#: Kinds of machine boxes (folded boxes and the add-ons are one of a kind).
MACHINE_KINDS = ("control-plane", "worker", "etcd-host")
#: Real names renamed with their machine: drawn whole (see dot._short) and written in the
#: DOT as they are (no quoting or escaping to undo).
PLAIN_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_DRAWN - 1}}}")

#: A machine in a class: its id, its label and its real name ("" when none).
Member = tuple[str, str, str]
Class = list[Member]


def _signature(group: GGroup) -> tuple[object, ...]:
    """What a machine looks like, without its name."""
    return (group.kind, group.zone, group.highlighted, group.status, bool(group.title),
            tuple((n.component, n.label, n.sublabel, n.standby, n.highlighted, n.own, n.down)
                  for n in group.nodes))


#: Conversations drawn without a direction (etcd peers talk both ways).
UNDIRECTED = ("peer",)


def _edge_key(edge: GEdge, rename: dict[str, str]) -> tuple[str, str, str, str, bool]:
    tail, head = rename.get(edge.tail, edge.tail), rename.get(edge.head, edge.head)
    if edge.kind in UNDIRECTED:
        tail, head = sorted((tail, head))
    return (tail, head, edge.kind, edge.label, edge.broken)


def _swappable(a: GGroup, b: GGroup, touching: dict[str, list[GEdge]]) -> bool:
    """Swapping ``a`` and ``b`` (each node with its counterpart) keeps every conversation:
    those of either machine are the same before and after (the others do not change)."""
    swap = {x.id: y.id for x, y in zip(a.nodes, b.nodes, strict=True)}
    swap.update({y: x for x, y in swap.items()})
    edges = {id(e): e for node in swap for e in touching.get(node, ())}.values()
    return (Counter(_edge_key(e, swap) for e in edges)
            == Counter(_edge_key(e, {}) for e in edges))


def interchangeable(graph: Graph) -> list[list[GGroup]]:
    """Classes of two or more machines of which any two can swap places, each in reading
    order (the order of ``graph.groups``)."""
    labels = Counter([n.label for n in graph.free] + [n.label for n in graph.clients]
                     + [n.label for g in graph.groups for n in g.nodes]
                     + [g.label for g in graph.groups] + [g.title for g in graph.groups]
                     + [z[1] for z in graph.zones] + [graph.title])
    buckets: dict[tuple[object, ...], list[GGroup]] = {}
    for group in graph.groups:
        if (group.kind in MACHINE_KINDS and not group.down
                and group.label not in graph.linked_machines and labels[group.label] == 1
                and (not group.title or (PLAIN_NAME.fullmatch(group.title) is not None
                                         and labels[group.title] == 1))):
            buckets.setdefault(_signature(group), []).append(group)
    touching: dict[str, list[GEdge]] = {}
    classes: list[list[GGroup]] = []
    for bucket in buckets.values():
        if len(bucket) < 2:
            continue
        if not touching:
            for edge in graph.edges:
                touching.setdefault(edge.tail, []).append(edge)
                if edge.head != edge.tail:
                    touching.setdefault(edge.head, []).append(edge)
        found: list[list[GGroup]] = []
        for group in bucket:
            home = next((c for c in found if _swappable(c[0], group, touching)), None)
            if home is None:
                found.append([group])
            else:
                home.append(group)
        classes.extend(c for c in found if len(c) > 1)
    return classes


#: The last number in a folded box's label ("worker-4 … worker-50").
_LAST = re.compile(r"-(\d+)$")


def folded(graph: Graph, classes: Sequence[Sequence[GGroup]]) -> list[tuple[str, int]]:
    """Folded pools (their id prefix and size) whose machines shown after the first are
    twins, like the folded ones: nothing in the cluster names, places, links or loses any
    of them (a machine numbered anew would carry it wrongly)."""
    if graph.zones or graph.linked_machines or any(g.title or g.down or g.highlighted
                                                   for g in graph.groups):
        return []
    twins = {g.id: index for index, c in enumerate(classes) for g in c}
    found = []
    for group in graph.groups:
        prefix, last = group.id.removesuffix("_rest"), _LAST.search(group.label)
        if (group.kind != "collapsed" or prefix == group.id or last is None or group.zone
                or group.status):
            continue
        after = [machine_name(prefix, i)[0] for i in range(2, SHOWN + 1)]
        if all(ident in twins for ident in after) and len({twins[i] for i in after}) == 1:
            found.append((prefix, int(last[1])))
    return found


def header(classes: Sequence[Sequence[GGroup]], folds: Sequence[tuple[str, int]] = ()
           ) -> str:
    """The comment lines that hand the classes (and folded pools) to the renderer ("" for
    none)."""
    if not classes:
        return ""
    line = PREFIX + "; ".join(" ".join("=".join(filter(None, (g.id, g.label, g.title)))
                                       for g in c) for c in classes) + "\n"
    if folds:
        line += FOLDED + " ".join(f"{prefix}:{count}" for prefix, count in folds) + "\n"
    return line


def comments(source: str) -> list[str]:
    """The comment lines that open ``source``, for the renderer."""
    return list(takewhile(lambda line: line.startswith(COMMENT), source.split("\n")))


def listed(source: str, prefix: str) -> list[str]:
    """What each opening comment line of ``source`` that starts with ``prefix`` says."""
    return [line[len(prefix):] for line in comments(source) if line.startswith(prefix)]


def folds_in(source: str) -> list[tuple[str, int]]:
    """The folded pools listed among the opening comment lines of ``source``."""
    pairs = [item.rpartition(":") for line in listed(source, FOLDED) for item in line.split()]
    return [(prefix, int(count)) for prefix, _sep, count in pairs if count.isdigit()]


def classes_in(source: str) -> list[Class]:
    """The classes listed among the opening comment lines of ``source``."""
    line = " ; ".join(listed(source, PREFIX))
    classes = [[(*item.split("="), "")[:3] for item in part.split()] for part in line.split(";")]
    return [[(i[0], i[1], i[2]) for i in c] for c in classes if len(c) > 1]


# -- after the first layout --------------------------------------------------------------

@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float


#: A cluster in Graphviz's SVG: its DOT name as title, then its outline (inside a link
#: when it has a tooltip).
_CLUSTER = re.compile(
    r'<title>cluster_((?:[A-Za-z0-9_.]|&#45;|-)+)</title>\s*(?:<g\b[^>]*>\s*<a\b[^>]*>\s*)?'
    r'<(?:path|polygon)\b[^>]*?\b(?:d|points)="([^"]*)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def boxes(svg: str) -> dict[str, Box]:
    """The box of each cluster Graphviz drew, by its DOT name (``cluster_`` removed)."""
    found = {}
    for ident, shape in _CLUSTER.findall(svg):
        ident = ident.replace("&#45;", "-")  # Graphviz writes hyphens as references
        numbers = [float(n) for n in _NUMBER.findall(shape)]
        xs, ys = numbers[0::2], numbers[1::2]
        if xs and ys:
            found[ident] = Box(min(xs), min(ys), max(xs), max(ys))
    return found


def drawn_before(a: Box, b: Box) -> int:
    """Reading order: left of it on the same row, or on a row above."""
    if a.top < b.bottom and b.top < a.bottom:
        return -1 if a.left < b.left else 1 if b.left < a.left else 0
    return -1 if a.top < b.top else 1 if b.top < a.top else 0


def inversions(names: Iterable[str], drawn: dict[str, Box]) -> int:
    """How many of ``names`` (in the order they should read) are drawn before the one
    they follow; names not drawn are skipped."""
    places = [drawn[name] for name in names if name in drawn]
    return sum(drawn_before(b, a) < 0 for a, b in pairwise(places))


def misplaced(classes: Iterable[Class], drawn: dict[str, Box]) -> int:
    """How many machines of ``classes`` are drawn before the one they follow."""
    return sum(inversions([ident for ident, _label, _name in members], drawn)
               for members in classes)


def renaming(classes: Iterable[Class], drawn: dict[str, Box]) -> dict[str, str]:
    """Old id → new id of the machines to rename so that each class reads in order where
    it is drawn; empty when it already does."""
    names: dict[str, str] = {}
    for members in classes:
        idents = [ident for ident, _label, _name in members]
        if any(ident not in drawn for ident in idents):
            continue
        def compare(a: str, b: str) -> int:
            return drawn_before(drawn[a], drawn[b])

        seen = sorted(idents, key=cmp_to_key(compare))
        names.update((old, new) for old, new in zip(seen, idents, strict=True) if old != new)
    return names


def folds_misplaced(folds: Iterable[tuple[str, int]], drawn: dict[str, Box]) -> int:
    """How many boxes of the folded pools are drawn before the one they follow: the
    machines shown in their numbers' order, the folded box after those numbered from 1 on
    and before those numbered from the end."""
    count = 0
    for prefix, _size in folds:
        numbers = sorted(int(ident[len(prefix):]) for ident in drawn
                         if ident.startswith(prefix) and ident[len(prefix):].isdigit())
        ahead = next((i for i, n in enumerate(numbers) if n != i + 1), len(numbers))
        names = [machine_name(prefix, n)[0] for n in numbers]
        names.insert(ahead, f"{prefix}_rest")
        count += inversions(names, drawn)
    return count


def renumbering(folds: Iterable[tuple[str, int]], drawn: dict[str, Box]
                ) -> tuple[dict[str, str], dict[str, str]]:
    """Old id → new id, and old text → new text, for the machines shown after their pool's
    folded box (drawn above them): numbered from the end of the pool, the box standing for
    the machines between. Empty when every folded box is drawn after its machines."""
    names: dict[str, str] = {}
    texts: dict[str, str] = {}
    for prefix, count in folds:
        shown = [machine_name(prefix, i)[0] for i in range(1, SHOWN + 1)]
        rest = drawn.get(f"{prefix}_rest")
        if rest is None or any(ident not in drawn for ident in shown):
            continue
        after = [ident for ident in shown if drawn_before(rest, drawn[ident]) < 0]
        before = len(shown) - len(after)
        if not after or not before or after != shown[before:]:
            continue  # in order, or the first machine (which the box is "like") after it
        first = count - len(after) + 1
        for offset, ident in enumerate(after):
            new_id, new_label = machine_name(prefix, first + offset)
            names[ident] = new_id
            texts[machine_name(prefix, before + 1 + offset)[1]] = new_label
        texts[folded_label(prefix, SHOWN + 1, count)] = folded_label(prefix, before + 1,
                                                                    first - 1)
    return names, texts


#: Attributes whose values are text for the reader: only a machine's own label is renamed.
_TEXT = frozenset({"label", "tooltip", "URL", "xlabel", "headlabel", "taillabel"})
#: How the DOT writer derives names from a machine's id (see :mod:`.dot`).
_DERIVED = ("", "cluster_", "row_", "n-", "g-", "k8s-end-")
_TOKEN = re.compile(r'(\b[A-Za-z_][A-Za-z0-9_]*=)?("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*)')


def renamed(source: str, names: dict[str, str], texts: dict[str, str] | None = None) -> str:
    """``source`` with the machines of ``names`` (old id → new id, of the classes its first
    line lists) renamed: their node, cluster, row and id names, their classes and their
    box's label (or the labels of ``texts``, old → new), and nothing a reader wrote."""
    member = {m[0]: m for members in classes_in(source) for m in members}
    # A box says its real name if it has one, with "real name (label)" as its tooltip.
    texts = dict(texts or {})
    for old, new in names.items():
        if old in member and new in member:
            (_a, label, name), (_b, new_label, new_name) = member[old], member[new]
            texts[name or label] = new_name or new_label
            if name:
                texts[f"{name} ({label})"] = f"{new_name} ({new_label})"
    if not names:
        return source

    def piece(word: str) -> str:
        for prefix in _DERIVED:
            if word.startswith(prefix):
                rest = word[len(prefix):]
                ident, sep, tail = rest.partition("_")
                if ident in names and (sep or prefix in ("cluster_", "g-")):
                    return prefix + names[ident] + sep + tail
        return word

    def token(match: re.Match[str]) -> str:
        key, value = match.group(1) or "", match.group(2)
        quoted = value.startswith('"')
        text = value[1:-1] if quoted else value
        if key[:-1] in _TEXT:
            text = texts.get(text, text) if key in ("label=", "tooltip=") else text
        else:
            text = " ".join(piece(word) for word in text.split(" "))
        return key + (f'"{text}"' if quoted else text)

    # The first lines are the comments; the rest, read as a whole (a quoted label may
    # hold newlines), is DOT with no other comment.
    lines = source.split("\n")
    head = len(comments(source))
    return "\n".join([*lines[:head], _TOKEN.sub(token, "\n".join(lines[head:]))])
