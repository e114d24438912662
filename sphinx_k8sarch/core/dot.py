"""Graph → DOT source through the ``graphviz`` package (it does the quoting and escaping).

Colours here are the light palette used for raster and PDF output; the HTML output
restyles the same SVG classes with CSS custom properties for light and dark themes.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import pairwise

import graphviz

from .graph import GEdge, GGroup, GNode, Graph

#: Bounded: a long-lived process (sphinx-autobuild) sees ever new titles and labels.
QUOTE_CACHE = 4096


@lru_cache(maxsize=QUOTE_CACHE)
def _quote_typed(kind: type, identifier: str) -> str:
    # Keyed on the type too: graphviz.escape() returns a str subclass that equals the
    # plain string but must be quoted differently.
    return str(graphviz.quoting.quote(identifier))


def _quote(identifier: str) -> str:
    return _quote_typed(type(identifier), identifier)


def _a_list(label: str | None = None, kwargs: dict[str, str] | None = None,
            attributes: dict[str, str] | None = None) -> str:
    """``graphviz.quoting.a_list`` with memoised quoting (same output: sorted pairs)."""
    result = [f"label={_quote(label)}"] if label is not None else []
    for mapping in (kwargs, attributes):
        if mapping:
            result += [f"{_quote(k)}={_quote(v)}" for k, v in sorted(mapping.items())
                       if v is not None]
    return " ".join(result)


def _attr_list(label: str | None = None, kwargs: dict[str, str] | None = None,
               attributes: dict[str, str] | None = None) -> str:
    content = _a_list(label, kwargs=kwargs, attributes=attributes)
    return f" [{content}]" if content else ""


@lru_cache(maxsize=QUOTE_CACHE)
def _quote_edge_typed(kind: type, identifier: str) -> str:
    return str(graphviz.quoting.quote_edge(identifier))


def _quote_edge(identifier: str) -> str:
    return _quote_edge_typed(type(identifier), identifier)


class _Digraph(graphviz.Digraph):
    """``graphviz.Digraph`` with memoised quoting: the quoting is still the package's own,
    but a diagram repeats the same few hundred names and values, and quoting them over and
    over was most of the time spent building DOT."""

    _quote = staticmethod(_quote)
    _quote_edge = staticmethod(_quote_edge)
    _a_list = staticmethod(_a_list)
    _attr_list = staticmethod(_attr_list)


FONT = "Arimo"  # bundled with graphviz-pure; metric-compatible with Arial/Helvetica

#: fill, border per component family.
PALETTE = {
    "control-plane": ("#dbe7fb", "#2b59a8"),
    "etcd": ("#fdebc8", "#9a5b00"),
    "node": ("#dff0dc", "#2e6b30"),
    "client": ("#ece2fb", "#5b35a0"),
    "infra": ("#fbdcda", "#a3261d"),
    "addon": ("#d9f1f1", "#1d6b6b"),
    "collapsed": ("#eeeeee", "#555555"),
    "own": ("#f1f1ef", "#4a4a45"),
}
GROUP_STYLE = {
    "control-plane": ("#f4f7fd", "#2b59a8"),
    "worker": ("#f3f9f2", "#2e6b30"),
    "etcd-host": ("#fef8ec", "#9a5b00"),
    "addons": ("#f1f9f9", "#1d6b6b"),
    "collapsed": ("#f7f7f7", "#666666"),
}
EDGE_COLOUR = {"lb": "#2b59a8", "api": "#2b59a8", "etcd": "#9a5b00", "peer": "#9a5b00",
               "local": "#555555", "service": "#1d6b6b", "own": "#4a4a45"}
HIGHLIGHT = ("#ffe08a", "#b45309")
#: A machine, component or load balancer that is down: fill, border (and broken edges).
DOWN = ("#e4e4e4", "#6b6b6b")


def _family(node: GNode) -> str:
    from .components import CATALOG

    if node.component == "collapsed":
        return "collapsed"
    if node.own:
        return "own"
    if node.component == "etcd":
        return "etcd"
    return CATALOG[node.component].role.value


def _text(value: str) -> str:
    """Text drawn as written: no ``\\N``/``\\l`` escapes, no ``<…>`` HTML labels, no entities
    (``graphviz.quote`` alone keeps all three active, and a trailing backslash breaks DOT)."""
    return graphviz.escape(value.replace("&", "&amp;"))


def _wrap(label: str, width: int = 16) -> str:
    """Break long hyphenated names after a hyphen, keeping machines narrow."""
    if len(label) <= width or "-" not in label[:width]:
        return label
    cut = label.rindex("-", 0, width) + 1
    return label[:cut] + "\n" + _wrap(label[cut:], width)


def _node_attrs(node: GNode) -> dict[str, str]:
    family = _family(node)
    fill, border = HIGHLIGHT if node.highlighted else PALETTE[family]
    label = _wrap(node.label) + (f"\n({node.sublabel})" if node.sublabel else "")
    classes = ["k8s-comp", f"k8s-comp--{family}"]
    if node.component != "collapsed":
        classes.append(f"k8s-c-{node.component}")
    style = "rounded,filled"
    if node.standby:
        style += ",dashed"
        classes.append("k8s-standby")
    if node.highlighted:
        classes.append("k8s-highlight")
    if node.down:
        # Greyed and dashed: still there to be read, visibly not working.
        fill, border = DOWN
        style = "rounded,filled,dashed"
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


#: Rows of a control-plane machine, top to bottom: etcd straight above the API server that
#: is its only client, the leader-elected controllers beside them, node agents below.
CP_ROWS = (
    ("etcd", "kube-scheduler"),
    ("kube-apiserver", "kube-controller-manager", "cloud-controller-manager"),
)
ROW_WIDTH = 3


def rows(group: GGroup) -> list[list[GNode]]:
    """Arrange a machine's components in rows, so machines stay compact and alike."""
    remaining = list(group.nodes)
    result: list[list[GNode]] = []
    if group.kind == "control-plane":
        for names in CP_ROWS:
            row = [n for n in remaining if n.component in names]
            if row:
                result.append(row)
                remaining = [n for n in remaining if n not in row]
    result.extend(remaining[start:start + ROW_WIDTH]
                  for start in range(0, len(remaining), ROW_WIDTH))
    return result


def _group(parent: graphviz.Digraph, group: GGroup, linked: frozenset[str]
           ) -> tuple[str, str, list[list[GNode]]]:
    """Draw one machine; returns the ids of its first and last anchor nodes and its rows."""
    fill, border = GROUP_STYLE[group.kind]
    with parent.subgraph(name=f"cluster_{group.id}") as sub:
        if group.label in linked:
            # Resolved per builder like component links (see svg.LINK_PREFIX).
            sub.attr(URL=f"#k8s-comp-{group.label}", tooltip=_text(group.label))
        classes = f"k8s-group k8s-group--{group.kind}" + (" k8s-highlight" if group.highlighted
                                                          else "")
        if group.down:
            classes += " k8s-down"
            fill, border = DOWN[0], DOWN[1]
        label = f"{group.label} ({group.status})" if group.status else group.label
        sub.attr(label=_text(label), id=f"g-{group.id}", style="rounded,filled" + (
            ",dashed" if group.kind == "collapsed" or group.down else ""), fillcolor=fill,
            color=HIGHLIGHT[1] if group.highlighted else border,
            penwidth="2.5" if group.highlighted else "1.2", fontsize="13", margin="10")
        sub.attr("graph", **{"class": classes})
        if not group.nodes:
            # An empty machine still needs a body to be drawn.
            anchor = f"{group.id}_empty"
            sub.node(anchor, label="", shape="box", style="invis", width="1.6", height="0.5")
            return anchor, anchor, []
        layout = rows(group)
        for index, row in enumerate(layout):
            with sub.subgraph(name=f"row_{group.id}_{index}") as line:
                line.attr(rank="same")
                for node in row:
                    line.node(node.id, **_node_attrs(node))
            for left, right in pairwise(row):
                sub.edge(left.id, right.id, style="invis")
            if index:
                # Invisible edges stack the rows; they carry no meaning.
                sub.edge(layout[index - 1][0].id, row[0].id, style="invis", weight="5")
        return layout[0][0].id, layout[-1][0].id, layout


def _edge(dot: graphviz.Digraph, edge: GEdge, levels: dict[str, int], show_label: bool) -> None:
    colour = EDGE_COLOUR[edge.kind]
    attrs = {"color": colour, "class": f"k8s-edge k8s-edge--{edge.kind}", "fontsize": "10",
             "fontcolor": colour, "penwidth": "1.3", "arrowsize": "0.7"}
    if edge.label and show_label:
        attrs["label"] = edge.label
    if edge.kind == "peer" or levels.get(edge.tail, 0) == levels.get(edge.head, 0):
        # Same-level edges must not push nodes apart; they follow the skeleton.
        attrs["constraint"] = "false"
    if edge.broken:
        # The conversation cannot happen: grey, dotted, its class says why.
        attrs.update(color=DOWN[1], fontcolor=DOWN[1], style="dotted",
                     **{"class": f"k8s-edge k8s-edge--{edge.kind} k8s-edge--broken"})
    if edge.kind == "peer":
        attrs.update(dir="both", style="dotted" if edge.broken else "dashed")
    elif levels.get(edge.tail, 0) > levels.get(edge.head, 0):
        # dot routes edges downwards; an upward call is drawn as the reversed edge with
        # its arrowhead at the tail, which still points at the callee.
        dot.edge(edge.head, edge.tail, dir="back", **attrs)
        return
    dot.edge(edge.tail, edge.head, **attrs)


def to_dot(graph: Graph, *, dpi: int | None = None) -> str:
    """DOT for the screen (transparent, resolution-free), or with ``dpi`` for raster and
    print output (white background)."""
    source = str(_build(graph).source)
    return print_variant(source, dpi) if dpi else source


def print_variant(source: str, dpi: int) -> str:
    """The print DOT of a screen DOT written by :func:`to_dot`: equal to
    ``to_dot(graph, dpi=dpi)``, without keeping a second DOT in every doctree."""
    # Right after the first graph attributes, where it overrides their background.
    lines = source.split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("\tgraph ["))
    extra = _attr_list(kwargs={"dpi": str(dpi), "bgcolor": "white"})
    return "\n".join([*lines[:first + 1], f"\tgraph{extra}", *lines[first + 1:]])


def _build(graph: Graph) -> graphviz.Digraph:
    dot = _Digraph("k8sarch", strict=False)
    dot.attr("graph", rankdir="LR", newrank="true", compound="true", nodesep="0.2",
             ranksep="0.45", fontname=FONT, fontsize="13", bgcolor="transparent",
             tooltip=_text(graph.title or "Kubernetes cluster"), **{"class": "k8sarch"})
    dot.attr("node", shape="box", fontname=FONT, fontsize="11", margin="0.1,0.04",
             height="0.36")
    dot.attr("edge", fontname=FONT)
    drawn = {g.id: _group(dot, g, graph.linked_machines) for g in graph.groups}
    entry_nodes = graph.clients + graph.free
    with dot.subgraph(name="entry") as entry:
        entry.attr(rank="same")
        for node in entry_nodes:
            entry.node(node.id, **_node_attrs(node))
    entry_anchor = [n.id for n in graph.free or graph.clients][:1]
    # The skeleton: each band sits after the previous one, the entry (load balancer,
    # clients) between the control plane and the workers. The same walk records each
    # node's level along the flow, which orients the real edges.
    levels: dict[str, int] = {}
    level = 0
    previous: list[str] = []
    for index, band in enumerate([*graph.bands, None]):
        if index == graph.entry_at and entry_anchor:
            for bottom in previous:
                dot.edge(bottom, entry_anchor[0], style="invis")
            previous = entry_anchor
            levels.update(dict.fromkeys((n.id for n in entry_nodes), level))
            level += 1
        if band is None:
            break
        height = 1
        for gid in band:
            top, _bottom, layout = drawn[gid]
            for bottom in previous:
                dot.edge(bottom, top, style="invis")
            for row_index, row in enumerate(layout):
                levels.update(dict.fromkeys((n.id for n in row), level + row_index))
            height = max(height, len(layout))
        if band:
            previous = [drawn[gid][1] for gid in band]
        level += height
    first_peer = next((e for e in graph.edges if e.kind == "peer"), None)
    for edge in graph.edges:
        # One port label for the whole etcd mesh is enough; more only clutters.
        _edge(dot, edge, levels, edge.kind != "peer" or edge is first_peer)
    return dot
