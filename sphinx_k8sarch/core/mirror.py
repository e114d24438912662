"""A layout turned over, for figures dot draws upside down.

Some figures come out in reverse reading order whatever the writing: in k3d every agent and
add-on calls the first server, so dot draws it next to them, below the other servers (cp-2,
cp-3, cp-1), and twins' names (see :mod:`.interchange`) cannot mend a machine that is one of
a kind. Turned over (top to bottom left to right, bottom to top top down: across the
ranks, never along them) the same layout reads cp-1 first, with the same lines and so the
same crossings; the twins, then reversed, are renamed as usual.

- the DOT writer lists each pool's machines in reading order on a comment line
  (:func:`pools_line`);
- where the renderer's layout still has machines out of order, it lays the DOT out once
  more as a positioned graph (``-Tdot``), with the cluster titles at the far end and the
  legend's entries the other way round, so that both read as usual once turned over
  (:func:`far_end`); turns every position over (:func:`turned`), and draws that without a
  new layout (``-Kneato -n2``, which every Graphviz has) under a comment line that says so
  (:data:`LAID_OUT`). It is kept only with fewer machines out of order. Where the turn
  puts the callers' machines out of order (a folded box above worker-1), they are written
  again before it (see :mod:`.frames`), and the layout is turned once more.

The machines' own components are turned over with them (the API server at the bottom of
its column left to right): the same for every machine of the figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import re

from .interchange import COMMENT, Box, comments, inversions, listed

#: Each pool's machines in reading order, pools separated by ``;``.
POOLS = COMMENT + "pools: "
#: Opens a positioned DOT (Graphviz's ``-Tdot`` output) that is drawn as it is.
LAID_OUT = COMMENT + "laid out"
#: What the renderer adds to draw a positioned DOT without a new layout.
AS_LAID_OUT = ("-Kneato", "-n2")

#: A quoted DOT string (the renderer never changes what is inside one, but positions).
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
#: Positions in Graphviz's ``-Tdot`` output: node centres, edge splines, label places and
#: cluster boxes.
_PLACE = re.compile(
    r'(?<![\w"])(?P<key>pos|lp|xlp|head_lp|tail_lp|bb)=(?P<value>"(?:[^"\\]|\\.)*")')
#: The graph's direction, left to right.
_LEFT_TO_RIGHT = re.compile(r'(?<![\w"])rankdir=(?:"LR"|LR\b)')
#: The legend's entries are chained in writing order (see .dot); turned the other way
#: round before the layout, they read in order once it is turned over.
_LEGEND_CHAIN = re.compile(
    r"^(?P<indent>\s*)(?P<tail>legend_\d+) -> (?P<head>legend_\d+)(?P<rest> \[style=invis\])$",
    re.MULTILINE)


def pools_line(pools: Sequence[Sequence[str]]) -> str:
    """The comment line that lists each pool's machines (cluster names without
    ``cluster_``), in reading order, for the renderer; "" when no pool has two."""
    kept = [pool for pool in pools if len(pool) > 1]
    return f"{POOLS}{'; '.join(' '.join(pool) for pool in kept)}\n" if kept else ""


def pools_in(source: str) -> list[list[str]]:
    """The pools listed among the comment lines that open ``source``."""
    return [part.split() for line in listed(source, POOLS) for part in line.split(";")
            if len(part.split()) > 1]


def pools_misplaced(pools: Sequence[Sequence[str]], drawn: dict[str, Box]) -> int:
    """How many machines of ``pools`` are drawn before the one they follow."""
    return sum(inversions(pool, drawn) for pool in pools)


def laid_out(source: str) -> bool:
    """Whether ``source`` is a positioned DOT, to draw as it is (see :data:`LAID_OUT`)."""
    return LAID_OUT in comments(source)


def _unquoted(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` or a quoted string: a match of ``pattern`` is never inside one (a
    label, a tooltip), since quoted strings are matched whole."""
    return re.compile(rf"(?P<quoted>{_QUOTED.pattern})|{pattern.pattern}", pattern.flags)


def _replaced(pattern: re.Pattern[str], text: str,
              change: Callable[[re.Match[str]], str]) -> str:
    """``text`` with each match of ``pattern`` outside quoted strings replaced by
    ``change(match)``."""
    return _unquoted(pattern).sub(lambda m: m.group(0) if m.group("quoted") else change(m),
                                  text)


def left_to_right(source: str) -> bool:
    """Whether ``source`` is laid out left to right (its ranks are columns)."""
    return any(m.group("quoted") is None for m in _unquoted(_LEFT_TO_RIGHT).finditer(source))


def far_end(source: str) -> str:
    """``source`` written to be laid out and turned over: left to right, cluster titles
    at the bottom (turned over, at the top with room kept for them); the legend's entries
    chained the other way round. Top down, titles stay where they are (the turn is left
    to right)."""
    head = len(comments(source))
    lines = source.split("\n")
    body = "\n".join(lines[head:])
    body = _replaced(_LEGEND_CHAIN, body, lambda m: m.expand(
        r"\g<indent>\g<head> -> \g<tail>\g<rest>"))
    if left_to_right(source):
        # Subgraphs take the defaults the graph has when they are opened.
        body = body.replace("\tgraph [", "\tgraph [labelloc=b ", 1)
    return "\n".join([*lines[:head], body])


def _numbers(value: str) -> list[float]:
    return [float(n) for n in value.split(",")]


def _fmt(number: float) -> str:
    return f"{number:.2f}".rstrip("0").rstrip(".")


def turned(laid: str) -> str:
    """A positioned DOT (Graphviz's ``-Tdot`` output) turned over: across the ranks (top
    to bottom left to right, left to right top down), within the graph's own box."""
    # -Tdot breaks long strings with a backslash and a newline, which DOT joins again.
    laid = laid.replace("\\\n", "")
    whole = next((m for m in _unquoted(_PLACE).finditer(laid) if m.group("key")), None)
    if whole is None or whole.group("key") != "bb":
        raise ValueError("no bounding box: not a laid-out DOT")
    x0, y0, x1, y1 = _numbers(whole.group("value").strip('"'))
    vertical = left_to_right(laid)

    def point(item: str) -> str:
        *mark, x, y = item.split(",")
        if vertical:
            return ",".join([*mark, x, _fmt(y0 + y1 - float(y))])
        return ",".join([*mark, _fmt(x0 + x1 - float(x)), y])

    def place(match: re.Match[str]) -> str:
        key, value = match.group("key"), match.group("value").strip('"')
        if key == "bb":
            a, b, c, d = _numbers(value)
            if vertical:
                b, d = y0 + y1 - d, y0 + y1 - b
            else:
                a, c = x0 + x1 - c, x0 + x1 - a
            return f'{key}="{",".join(map(_fmt, (a, b, c, d)))}"'
        return f'{key}="{" ".join(point(item) for item in value.split())}"'

    return _replaced(_PLACE, laid, place)
