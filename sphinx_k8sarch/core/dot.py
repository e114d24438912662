"""Graph → DOT source, quoted as the ``graphviz`` package quotes (see :mod:`.dotwriter`).

The layout is written so that the picture reads at a glance, whatever the cluster:

- Columns along the flow of a request (``left-to-right``, the default; ``top-down`` turns
  them into rows): the callers of the API (add-ons, clients, workers), the endpoint (load
  balancer), the control-plane machines, then external etcd. Every conversation but a
  node agent's reply goes one way, so arrows do not turn back over each other.
- Inside a control-plane machine the API server faces the endpoint and has the
  components that call it around it, etcd straight behind it.
- What would be a complete graph is drawn as a bundle: the etcd peers meet at one
  junction, each API server sends one arrow into the box of the external etcd members
  (meeting at one point, or with more API servers than members drawn, each level with
  one: the n-th API server's to the n-th member).
- Failure domains (``zones``) are dashed frames around their machines, one in each
  column, in the zones' order; what is down is grey with dotted lines.
- Each port is written once per kind of conversation, and a legend says what line and
  box styles mean.

Colours here are the light palette used for raster and PDF output; the HTML output
restyles the same SVG classes with CSS custom properties for light and dark themes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import pairwise
import re

from .dotwriter import Digraph, print_variant
from .dotwriter import drawn_text as _text
from .frames import REST, Frames, frames_line, machines_line
from .graph import GGroup, GNode, Graph
from .i18n import Translator
from .interchange import MACHINE_KINDS, folded, header, interchangeable
from .legend import legend
from .mirror import pools_line
from .palette import DOWN, EDGE_COLOUR, FONT, GROUP_STYLE, HIGHLIGHT, PALETTE, ZONE, family
from .vocabulary import LAYOUTS, MACHINE, NAME_DRAWN

#: The DOT builder; ``graphviz.Digraph`` writes the same text (tests swap one for the other).
_Digraph = Digraph


def _wrap(label: str, width: int = 16) -> str:
    """Break long hyphenated names after a hyphen, keeping machines narrow."""
    if len(label) <= width or "-" not in label[:width]:
        return label
    cut = label.rindex("-", 0, width) + 1
    return label[:cut] + "\n" + _wrap(label[cut:], width)


def _short(name: str) -> str:
    """A machine's real name as drawn: a long host name keeps its first label
    (ip-10-0-1-17.eu-west-1.compute.internal → ip-10-0-1-17…), other long names lose their
    middle, where generated names differ least."""
    if len(name) <= NAME_DRAWN:
        return name
    first = name.split(".", 1)[0]
    if first != name and len(first) < NAME_DRAWN:
        return f"{first}…"
    keep = (NAME_DRAWN - 1) // 2
    return f"{name[:keep]}…{name[-keep:]}"


def _token(identifier: str) -> str:
    """An id usable as one class name (the script and the styles find ends by class)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", identifier)


def _node_attrs(node: GNode, extra: tuple[str, ...] = ()) -> dict[str, str]:
    kind = family(node)
    fill, border = HIGHLIGHT if node.highlighted else PALETTE[kind]
    label = _wrap(node.label) + (f"\n({node.sublabel})" if node.sublabel else "")
    classes = ["k8s-comp", f"k8s-comp--{kind}", *extra]
    if node.component != "collapsed":
        classes.append(f"k8s-c-{node.component}")
    style = "rounded,filled"
    if node.standby:
        style += ",dashed"
        classes.append("k8s-standby")
    if node.highlighted:
        classes.append("k8s-highlight")
    if node.down:
        # Grey with a dotted border: still there to be read, visibly not working (a
        # folded box is dashed, a standby one dashed in its own colour).
        fill, border = DOWN
        style = "rounded,filled,dotted"
        classes.append("k8s-down")
    attrs = {
        "label": _text(label),
        "id": f"n-{node.id}",
        "class": " ".join(classes),
        "style": style,
        "fillcolor": fill,
        "color": border,
        "penwidth": "2.5" if node.highlighted else "1.2",
    }
    if node.component != "collapsed":
        attrs["URL"] = f"#k8s-comp-{node.component}"
        attrs["tooltip"] = _text(node.label)
    return attrs


#: Ranks of a control-plane machine along the flow: the API server on top, facing the
#: endpoint, with kube-proxy (which calls the endpoint) under it; behind it etcd, which it
#: calls, level with it, and under etcd the components that call it, nearest first. Each arrow that
#: leaves a machine for the endpoint starts below the previous one, so none cross.
CP_ROWS = (
    ("kube-apiserver", "kube-proxy", "container-runtime"),
    ("etcd", "kubelet", "kube-scheduler", "kube-controller-manager",
     "cloud-controller-manager"),
)
#: Components behind the API server that stand in the front rank, after kube-proxy, when
#: they talk out of their machine: the kubelet that calls the endpoint (before Kubernetes
#: 1.33) then sits next to it instead of sending its arrow back across the machine, and
#: dot lays every control-plane machine out alike (measured: machines out of order in dot's
#: own layouts 20 to 10 over the layout measure, Cluster API's last node no longer
#: mirrored).
FACING_OUT = ("kubelet",)
ROW_WIDTH = 3


def rows(group: GGroup, reaching: Collection[str] = ()) -> list[list[GNode]]:
    """Arrange a machine's components in ranks, so machines stay compact and alike;
    ``reaching`` holds the ids of nodes with a conversation that leaves their machine."""
    if group.kind != "control-plane":
        return [group.nodes[start:start + ROW_WIDTH]
                for start in range(0, len(group.nodes), ROW_WIDTH)]
    front = [name for name in CP_ROWS[1] if name in FACING_OUT and any(
        n.component == name and n.id in reaching for n in group.nodes)]
    first = list(CP_ROWS[0])
    after = first.index("kube-proxy") + 1
    first[after:after] = front
    lines = [[n for name in names for n in group.nodes if n.component == name]
             for names in (first, [name for name in CP_ROWS[1] if name not in front])]
    placed = {n.id for line in lines for n in line}
    for node in group.nodes:
        if node.id not in placed:  # anything else goes where there is room
            min(lines, key=len).append(node)
    return [line for line in lines if line]


#: The pools of machines, in the order of the flow; the callers' column also holds the
#: clients, the entry's the add-ons.
CALLERS, ENTRY, CONTROL_PLANE, ETCD = "callers", "entry", "control-plane", "etcd"
POOL_OF_KIND = {"control-plane": CONTROL_PLANE, "etcd-host": ETCD, "worker": CALLERS,
                "addons": CALLERS}
POOL_OF_REST = {"cp": CONTROL_PLANE, "etcd": ETCD, "worker": CALLERS}
#: DOT names of what the layout adds: the box around external etcd members, the junction
#: where the etcd peers meet.
ETCD_POOL = "etcd_pool"
PEERS = "etcd_peers"
#: The suffix of the invisible body of a machine without components.
EMPTY = "_empty"
#: Kinds of conversation whose arrows into one box are drawn as one bundle.
BUNDLED = ("local",)
#: Kinds of conversation whose arrows leave a box from the point where its bundle meets
#: it, when both ends are in one machine: the API server's calls to its own etcd. With
#: five or more control-plane nodes dot often puts a standby node's etcd between its
#: scheduler and controller manager, and an arrow leaving beside the bundle then crosses
#: it (measured over the layout measure: left to right 86 crossings to 84, zoned 70 to 60,
#: every figure of the matrix within 2; k3d 5 servers + 50 agents 4 to 2).
FROM_BUNDLE = {"etcd": "local"}


def _pool(group: GGroup) -> str:
    if group.kind == "collapsed":
        return POOL_OF_REST.get(group.id.removesuffix("_rest"), CALLERS)
    return POOL_OF_KIND.get(group.kind, CALLERS)


@dataclass
class _Item:
    """One thing stacked in a column: a machine or a loose node, by its rows of node ids."""

    rows: list[list[str]]
    #: No conversation leaves it (an empty machine, or one whose components talk only
    #: among themselves): nothing but its place orders it.
    loose_order: bool = False

    @property
    def anchor(self) -> str:
        return self.rows[0][0]


@dataclass
class _Column:
    name: str
    items: list[_Item] = field(default_factory=list)
    start: int = 0

    @property
    def height(self) -> int:
        return max((len(item.rows) for item in self.items), default=0)


class _Writer:
    """Writes one figure; keeps the level (rank along the flow) and the place in its rank
    of every node, which orient the edges."""

    def __init__(self, graph: Graph, _: Translator, legend: bool, layout: str) -> None:
        self.graph, self._, self.legend, self.layout = graph, _, legend, layout
        self.dot = _Digraph("k8sarch", strict=False)
        self.level: dict[str, int] = {}
        self.place: dict[str, int] = {}  # index in its row, for edges inside one rank
        self.labelled: set[tuple[str, str]] = set()
        self.written: dict[str, int] = {}  # the order in which nodes were written
        #: Zone frames of the callers and of external etcd, which no conversation orders:
        #: their cluster name and machines, by zone, by column.
        self.unordered: dict[str, dict[str, tuple[str, list[str]]]] = {}
        self.frames: list[Frames] = []
        self.pooled = frozenset(
            n.id for g in graph.groups if _pool(g) == ETCD and g.kind != "collapsed"
            for n in g.nodes)
        #: The machine (group) each node is on.
        self.owner = {n.id: g.id for g in graph.groups for n in g.nodes}
        owner = self.owner
        #: Nodes with a conversation that leaves their machine: what orders machines.
        self.reaching = frozenset(end for e in graph.edges
                                  if owner.get(e.tail) != owner.get(e.head)
                                  for end in (e.tail, e.head))
        self.down = frozenset(n.id for n in [*graph.free, *(n for g in graph.groups
                                                             for n in g.nodes)] if n.down)

    # -- pieces -------------------------------------------------------------------------
    def machine(self, parent: Digraph, group: GGroup) -> _Item:
        fill, border = GROUP_STYLE[group.kind]
        extra = ("k8s-in-etcd_pool",) if _pool(group) == ETCD else ()
        with parent.subgraph(name=f"cluster_{group.id}") as sub:
            if group.label in self.graph.linked_machines:
                # Resolved per builder like component links (see svg.LINK_PREFIX).
                sub.attr(URL=f"#k8s-comp-{group.label}", tooltip=_text(group.label))
            classes = f"k8s-group k8s-group--{group.kind}" + (
                " k8s-highlight" if group.highlighted else "")
            style = "rounded,filled" + (",dashed" if group.kind == "collapsed" else "")
            if group.down:
                classes += " k8s-down"
                fill, border, style = DOWN[0], DOWN[1], "rounded,filled,dotted"
            name = _short(group.title) if group.title else group.label
            label = f"{name} ({group.status})" if group.status else name
            if group.title and group.label not in self.graph.linked_machines:
                sub.attr(tooltip=_text(f"{group.title} ({group.label})"))
            sub.attr(label=_text(label), id=f"g-{group.id}", style=style, fillcolor=fill,
                     color=HIGHLIGHT[1] if group.highlighted else border,
                     penwidth="2.5" if group.highlighted else "1.6" if group.down else "1.2",
                     fontsize="13", margin="10")
            sub.attr("graph", **{"class": classes})
            if not group.nodes:
                # An empty machine still needs a body to be drawn.
                anchor = f"{group.id}{EMPTY}"
                sub.node(anchor, label="", shape="box", style="invis", width="1.6",
                         height="0.5")
                return _Item([[anchor]], loose_order=True)
            layout = rows(group, self.reaching)
            for index, row in enumerate(layout):
                with sub.subgraph(name=f"row_{group.id}_{index}") as line:
                    line.attr(rank="same")
                    for node in row:
                        line.node(node.id, **_node_attrs(node, extra))
                        self.written[node.id] = len(self.written)
                # dot orders a rank along its x axis, which rankdir=LR turns into the y
                # axis upwards: the order is written bottom first to read top down.
                ordered = row[::-1] if self.layout == LAYOUTS[0] else row
                self.place.update((node.id, place) for place, node in enumerate(ordered))
                for left, right in pairwise(ordered):
                    sub.edge(left.id, right.id, style="invis")
                if index:
                    # Invisible edges stack the rows; they carry no meaning.
                    sub.edge(layout[index - 1][0].id, row[0].id, style="invis", weight="5")
            return _Item([[n.id for n in row] for row in layout],
                         loose_order=self.reaching.isdisjoint(n.id for n in group.nodes))

    def loose(self, node: GNode) -> _Item:
        self.dot.node(node.id, **_node_attrs(node))
        return _Item([[node.id]])

    def columns(self) -> list[_Column]:
        graph = self.graph
        callers, entry = _Column(CALLERS), _Column(ENTRY)
        control, etcd = _Column(CONTROL_PLANE), _Column(ETCD)
        by_name = {c.name: c for c in (callers, control, etcd)}
        addons = [g for g in graph.groups if g.kind == "addons"]
        callers.items.extend(self.loose(n) for n in graph.clients)
        zoned = {zone for zone, _label, _down in graph.zones}
        for column in (callers, control):
            self.zone_frames(self.dot, column, column is callers)
        for group in graph.groups:
            if group.kind != "addons" and _pool(group) != ETCD and group.zone not in zoned:
                by_name[_pool(group)].items.append(self.machine(self.dot, group))
        # Add-ons call the first API server through a Service, not the endpoint: beside
        # the endpoint, above it, nearest to the first API server.
        entry.items.extend(self.machine(self.dot, g) for g in addons)
        if any(_pool(g) == ETCD for g in graph.groups):
            # External etcd in one box, which each API server's arrow enters once; zone
            # frames, if any, inside it.
            with self.dot.subgraph(name=f"cluster_{ETCD_POOL}") as pool:
                _fill, border = GROUP_STYLE["etcd-host"]
                pool.attr(label="", id=f"g-{ETCD_POOL}", style="rounded", color=border,
                          penwidth="1", margin="8")
                pool.attr("graph", **{"class": "k8s-group k8s-group--etcd-pool"})
                self.zone_frames(pool, etcd, False)
                etcd.items.extend(self.machine(pool, g) for g in graph.groups
                                  if _pool(g) == ETCD and g.zone not in zoned)
        entry.items.extend(self.loose(n) for n in graph.free)
        if self.legend:
            key = self.key()
            if key is not None:
                callers.items.append(key)
        return [c for c in (callers, entry, control, etcd) if c.items]

    def zone_frames(self, parent: Digraph, column: _Column, callers: bool) -> None:
        """The machines of ``column`` that are in a zone, in a dashed frame per zone, the
        frames in the zones' order. (Not a stripe across the columns: it would hold the
        load balancer's callers and its API servers while the load balancer stays
        outside, and every line would leave the stripe and come back.)"""
        # Called machines come in the order of the calls that reach them; callers
        # (nothing calls a worker) in the order dot starts from them, which with LR is
        # the reverse of the writing: their machines are then written last first.
        backwards = callers and self.layout == LAYOUTS[0]
        # External etcd is reached by one arrow into its pool (and the peers' junction):
        # nothing orders its zone frames but dot's start. Written as the default renderer
        # keeps them (last first with LR); the renderer mends the rest (see .frames).
        frames_back = column.name == ETCD and self.layout == LAYOUTS[0]
        zones = self.graph.zones
        made: dict[str, _Item] = {}
        for zone, label, down in (zones[::-1] if frames_back else zones):
            members = [g for g in self.graph.groups if g.zone == zone
                       and g.kind != "addons" and _pool(g) == column.name]
            if not members:
                continue
            token = f"{_token(zone)}_{column.name}"
            if column.name != CONTROL_PLANE:
                # Nothing orders these frames but dot's start: the renderer checks them.
                self.unordered.setdefault(column.name, {})[zone] = (
                    f"zone_{token}", [g.id for g in members])
            with parent.subgraph(name=f"cluster_zone_{token}") as box:
                box.attr(label=_text(label), id=f"g-zone-{token}", style="dashed",
                         color=DOWN[1] if down else ZONE, fontcolor=ZONE, penwidth="1.2",
                         fontsize="12", margin="12", labeljust="l")
                box.attr("graph", **{"class": "k8s-zone" + (" k8s-down" if down else "")})
                made.update((g.id, self.machine(box, g))
                            for g in (members[::-1] if backwards else members))
        column.items.extend(made[g.id] for zone, _l, _d in zones for g in self.graph.groups
                            if g.zone == zone and g.id in made)

    def key(self) -> _Item | None:
        ids = legend(self.dot, self.graph, self._, self.layout)
        return _Item([ids]) if ids else None

    def skeleton(self, columns: list[_Column]) -> None:
        """Give every node its level and pin the levels: one rank per level, each after
        the one before; keep each column's items in reading order."""
        level = 0
        ranks: list[list[str]] = []
        for column in columns:
            column.start = level
            ranks.extend([] for _ in range(column.height))
            for item in column.items:
                for index, row in enumerate(item.rows):
                    self.level.update(dict.fromkeys(row, level + index))
                    ranks[level + index].append(row[0])
            level += column.height
        ladders: dict[int, list[str]] = {}
        for number, column in enumerate(columns):
            empty = [item for item in column.items if item.loose_order]
            if len(empty) < 2:
                continue
            # dot orders clusters within a rank only by the edges between ranks (it drops
            # edges along a rank between clusters), and empty machines have none: they
            # came out backwards (a course's first steps). A ladder of invisible rungs,
            # one per such machine, to invisible posts in order on the next rank makes
            # any other order cost crossings. Machines with conversations are ordered by
            # them; rungs among those cost more crossings than they save.
            beside = column.start + column.height
            if beside >= len(ranks):
                # The last column: the rank before it, or a rank of its own for posts.
                beside = column.start - 1 if column.start else len(ranks)
            posts = [f"ladder_{number}_{index}" for index in range(len(empty))]
            for post, item in zip(posts, empty, strict=True):
                self.dot.node(post, label="", shape="point", style="invis", width="0.01",
                              height="0.01", fixedsize="true")
                ends = (item.anchor, post) if beside > column.start else (post, item.anchor)
                self.dot.edge(*ends, style="invis")
            # Along the rank, an edge's tail comes first: left, or on top with LR.
            for first, second in pairwise(posts):
                self.dot.edge(first, second, style="invis")
            ladders.setdefault(beside, []).extend(posts)
        if len(ranks) in ladders:
            ranks.append([])
        for index, members in enumerate(ranks):
            members.extend(ladders.get(index, []))
            with self.dot.subgraph(name=f"rank_{index}") as same:
                same.attr(rank="same")
                for node_id in members:
                    same.node(node_id)
        for before, after in pairwise(ranks):
            self.dot.edge(before[0], after[0], style="invis")

    # -- edges --------------------------------------------------------------------------
    def _label(self, attrs: dict[str, str], kind: str, label: str) -> None:
        """Each port is written on the first arrow of its kind of conversation only."""
        if label and (kind, label) not in self.labelled:
            self.labelled.add((kind, label))
            attrs["label"] = label

    def _attrs(self, kind: str, ends: tuple[str, str], broken: bool = False
               ) -> dict[str, str]:
        colour = DOWN[1] if broken else EDGE_COLOUR[kind]
        classes = [f"k8s-edge k8s-edge--{kind}", *(f"k8s-end-{_token(e)}" for e in ends)]
        attrs = {"color": colour, "class": " ".join(classes), "fontsize": "10",
                 "fontcolor": colour, "penwidth": "1.3", "arrowsize": "0.7"}
        if broken:
            # A conversation that cannot happen: one end is down.
            attrs["class"] += " k8s-edge--broken"
            attrs["style"] = "dotted"
        return attrs

    def draw(self, tail: str, head: str, attrs: dict[str, str]) -> None:
        """An edge from ``tail`` to ``head``, written along the flow: an edge against
        it is the reversed edge with its arrowhead at the tail (``dir=back``)."""
        low, high = self.level.get(tail, 0), self.level.get(head, 0)
        if low == high:
            # Inside one rank: no push on the ranks, and written in the rank's order.
            attrs["constraint"] = "false"
            if self.place.get(tail, 0) > self.place.get(head, 0):
                low, high = 1, 0
        if low > high:
            attrs["dir"] = {"none": "none", "both": "both"}.get(attrs.get("dir", ""), "back")
            swap = {"samehead": "sametail", "sametail": "samehead"}
            attrs = {swap.get(key, key): value for key, value in attrs.items()}
            self.dot.edge(head, tail, **attrs)
        else:
            self.dot.edge(tail, head, **attrs)

    def edges(self) -> None:
        graph = self.graph
        peers = [e for e in graph.edges if e.kind == "peer"]
        members = list(dict.fromkeys(n for e in peers for n in (e.tail, e.head)))
        if members:
            # The folded members of external etcd are peers too.
            members += [n.id for g in graph.groups if g.kind == "collapsed"
                        and _pool(g) == ETCD for n in g.nodes]
        pooled_done: set[str] = set()
        # The arrows into the pool meet at its middle member as written (name order, or
        # the zone frames' writing order): measured to keep zone frames in order. With
        # more API servers than members drawn, LR and no frames, the n-th API server's
        # arrow aims at the n-th member instead: the arrows of the first and last need
        # not bend across their own machine (4 API servers, 5 members: 3 crossings to 2).
        # Not otherwise: as many crossings, and one bundle reads better than a spread.
        into_pool = sorted((n for n in self.pooled if n.endswith("_etcd")),
                           key=lambda n: (self.level.get(n, 0), self.written.get(n, 0)))
        target = into_pool[len(into_pool) // 2] if into_pool else ""
        callers = list(dict.fromkeys(e.tail for e in graph.edges
                                     if e.head in self.pooled and e.kind != "peer"))
        spread = (self.layout == LAYOUTS[0] and ETCD not in self.unordered
                  and len(callers) > len(into_pool))
        self.frames = [self.listed_frames(column, into_pool if column == ETCD else [])
                       for column, frames in self.unordered.items() if len(frames) > 1]
        for edge in graph.edges:
            if edge.kind == "peer" and len(members) > 1:
                continue  # drawn below, through their junction
            attrs = self._attrs(edge.kind, (edge.tail, edge.head), edge.broken)
            if edge.kind == "peer":
                attrs.update(dir="both", style="dotted" if edge.broken else "dashed")
            if edge.head in self.pooled:
                # One arrow per API server into the box of every member.
                if edge.tail in pooled_done:
                    continue
                pooled_done.add(edge.tail)
                attrs = self._attrs(edge.kind, (edge.tail, ETCD_POOL), edge.tail in self.down)
                attrs["lhead"] = f"cluster_{ETCD_POOL}"
                self._label(attrs, edge.kind, edge.label)
                aim = into_pool[min(callers.index(edge.tail), len(into_pool) - 1)]
                self.draw(edge.tail, aim if spread else target, attrs)
                continue
            if edge.kind in BUNDLED:
                # Arrows into the same box meet at one point of its far side instead of
                # twisting around each other.
                attrs["samehead"] = edge.kind
            elif edge.kind in FROM_BUNDLE and self.owner.get(edge.tail) == self.owner.get(
                    edge.head, ""):
                attrs["sametail"] = FROM_BUNDLE[edge.kind]
            self._label(attrs, edge.kind, edge.label)
            self.draw(edge.tail, edge.head, attrs)
        if len(members) > 1:
            self.junction(members, peers[0].label)

    def callers_run(self) -> list[str]:
        """The callers' machines outside zones, when nothing but dot's start orders them:
        two or more, and every conversation of theirs with one and the same node (the
        endpoint), so that another order costs no crossing among them."""
        zoned = {zone for zone, _label, _down in self.graph.zones}
        machines = [g for g in self.graph.groups if g.kind != "addons"
                    and _pool(g) == CALLERS and g.zone not in zoned]
        owner = {n.id: g.id for g in machines for n in g.nodes}
        others = {e.head if e.tail in owner else e.tail for e in self.graph.edges
                  if (e.tail in owner) != (e.head in owner)}
        return [g.id for g in machines] if len(machines) > 1 and len(others) == 1 else []

    def listed_frames(self, column: str, entered: list[str]) -> Frames:
        """A column's zone frames for the renderer: in the zones' order, each with the
        members in it that arrows into the etcd pool may enter."""
        frames, owner = self.unordered[column], self.owner
        framed = {ident for _name, idents in frames.values() for ident in idents}
        order = tuple((name, tuple(n for n in entered if owner.get(n) in idents))
                      for zone, _label, _down in self.graph.zones if zone in frames
                      for name, idents in [frames[zone]])
        rest = tuple(n for n in entered if owner.get(n) not in framed)
        return Frames(ETCD_POOL if column == ETCD else REST, order, rest)

    def junction(self, members: list[str], label: str) -> None:
        """Every etcd member talks to every other: one dashed line from each to a point."""
        self.level[PEERS] = max(self.level.get(m, 0) for m in members) + 1
        colour = EDGE_COLOUR["peer"]
        self.dot.node(PEERS, label="", shape="point", width="0.09", color=colour,
                      fillcolor=colour, id=f"n-{PEERS}",
                      **{"class": "k8s-junction k8s-junction--peer"})
        for member in members:
            down = member in self.down
            attrs = self._attrs("peer", (member, PEERS), down)
            attrs.update(dir="none", style="dotted" if down else "dashed")
            self._label(attrs, "peer", label)
            self.draw(member, PEERS, attrs)

    # -- the whole figure ---------------------------------------------------------------
    def write(self) -> Digraph:
        dot, graph = self.dot, self.graph
        dot.attr("graph", rankdir="LR" if self.layout == LAYOUTS[0] else "TB",
                 newrank="true", compound="true", nodesep="0.2", ranksep="0.45",
                 fontname=FONT, fontsize="13", bgcolor="transparent",
                 tooltip=_text(graph.title or "Kubernetes cluster"), **{"class": "k8sarch"})
        if graph.zones:
            # Zone frames are written in the spec's order; a longer crossing
            # minimisation shuffles them (a, c, b) and their machines for no fewer
            # crossings (measured: 24 of 144 zoned figures out of order without it).
            dot.attr("graph", mclimit="0.1")
        dot.attr("node", shape="box", fontname=FONT, fontsize="11", margin="0.1,0.04",
                 height="0.36")
        dot.attr("edge", fontname=FONT)
        columns = self.columns()
        self.skeleton(columns)
        self.edges()
        return dot


def _pools(graph: Graph) -> list[list[str]]:
    """Each pool's machines in reading order (none with zones: frames order those)."""
    pools: dict[tuple[str, str], list[str]] = {}
    for group in graph.groups if not graph.zones else ():
        # The pool as machine_name wrote it in the label ("gpu2-1": pool gpu2).
        named = MACHINE.fullmatch(group.label)
        if group.kind in MACHINE_KINDS and named is not None:
            pools.setdefault((group.kind, named[1]), []).append(group.id)
    return list(pools.values())


def to_dot(graph: Graph, *, dpi: int | None = None, _: Translator | None = None,
           legend: bool = True, layout: str = LAYOUTS[0]) -> str:
    """DOT for the screen (transparent, resolution-free), or with ``dpi`` for raster and
    print output (white background). ``_`` translates the legend (English without it)."""
    writer = _Writer(graph, _ or Translator("en"), legend, layout)
    # Machines that only their names tell apart are put in reading order after the
    # layout (see :mod:`.interchange`); the renderer finds them on the first line.
    twins = interchangeable(graph)
    body = str(writer.write().source)
    # Zone frames and callers that nothing orders too (see :mod:`.frames`).
    frames = "".join(map(frames_line, writer.frames))
    run = writer.callers_run()
    frames += machines_line(run) if run else ""
    # And each pool's machines, for a layout that dot draws upside down (see .mirror).
    frames += pools_line(_pools(graph))
    source = header(twins, folded(graph, twins)) + frames + body
    return print_variant(source, dpi) if dpi else source
