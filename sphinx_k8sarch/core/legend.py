"""The legend drawn with a figure: what its line and box styles mean, only those it uses."""

from __future__ import annotations

from itertools import pairwise

from .dotwriter import Digraph, drawn_text
from .graph import Graph
from .i18n import N_, Translator
from .palette import DOWN, PALETTE, ZONE
from .vocabulary import LAYOUTS

#: The DOT name of the legend's box (its entries are ``legend_0`` …).
LEGEND = "legend"
#: The legend's lines; glyphs stand for the line styles drawn in the figure.
LEGEND_CALLS = N_("→ calls: the arrow points at\nthe one called; each port is\nwritten once per kind of call")
LEGEND_PEERS = N_("- - - etcd peer traffic: every\nmember with every other")
LEGEND_STANDBY = N_("dashed box: on standby; one\nelected leader does the work")
LEGEND_FOLDED = N_("grey dashed box: more\nmachines like the first")
LEGEND_DOWN = N_("grey dotted box: down; a\ndotted line: a conversation\nthat cannot happen")
LEGEND_ZONE = N_("dashed frame: a zone\n(failure domain)")


def legend(dot: Digraph, graph: Graph, _: Translator, layout: str) -> list[str]:
    """Write the legend of ``graph`` into ``dot``, entries in one row; their node ids
    (none when the figure has nothing to explain)."""
    nodes = [n for g in graph.groups for n in g.nodes] + graph.free + graph.clients
    entries: list[tuple[str, dict[str, str]]] = []
    plain = {"shape": "plaintext", "fontsize": "10"}
    if any(e.kind != "peer" for e in graph.edges):
        entries.append((_(LEGEND_CALLS), plain))
    if any(e.kind == "peer" for e in graph.edges):
        entries.append((_(LEGEND_PEERS), plain))
    if any(n.standby for n in nodes):
        fill, border = PALETTE["control-plane"]
        entries.append((_(LEGEND_STANDBY), {
            "style": "rounded,filled,dashed", "fillcolor": fill, "color": border,
            "fontsize": "10", "class": "k8s-comp k8s-comp--control-plane k8s-standby"}))
    if any(g.kind == "collapsed" for g in graph.groups):
        fill, border = PALETTE["collapsed"]
        entries.append((_(LEGEND_FOLDED), {
            "style": "rounded,filled,dashed", "fillcolor": fill, "color": border,
            "fontsize": "10", "class": "k8s-comp k8s-comp--collapsed"}))
    if any(n.down for n in nodes):
        entries.append((_(LEGEND_DOWN), {
            "style": "rounded,filled,dotted", "fillcolor": DOWN[0], "color": DOWN[1],
            "fontsize": "10", "class": "k8s-comp k8s-down"}))
    if graph.zones:
        entries.append((_(LEGEND_ZONE), {
            "style": "dashed", "color": ZONE, "fontsize": "10", "class": "k8s-zone-key"}))
    if not entries:
        return []
    ids = [f"{LEGEND}_{index}" for index in range(len(entries))]
    with dot.subgraph(name=f"cluster_{LEGEND}") as sub:
        sub.attr(label=drawn_text(_("Legend")), id=f"g-{LEGEND}", style="rounded",
                 color=PALETTE["collapsed"][1], penwidth="0.8", fontsize="11", margin="8")
        sub.attr("graph", **{"class": "k8s-legend"})
        with sub.subgraph(name=f"row_{LEGEND}") as line:
            line.attr(rank="same")
            for node_id, (text, attrs) in zip(ids, entries, strict=True):
                classes = attrs.pop("class", "k8s-legend-text")
                line.node(node_id, label=drawn_text(text), id=f"n-{node_id}",
                          **{"class": f"{classes} k8s-legend-entry"}, **attrs)
        # dot orders a rank along its x axis, which rankdir=LR turns into the y axis
        # upwards: the entries are written bottom first to read top down.
        ordered = ids[::-1] if layout == LAYOUTS[0] else ids
        for left, right in pairwise(ordered):
            sub.edge(left, right, style="invis")
    return ids
