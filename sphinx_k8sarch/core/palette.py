"""Colours and fonts of the figures: the light palette written into the DOT (raster and
PDF output use it as is); the HTML output restyles the same SVG classes with CSS custom
properties (``static/k8sarch.css``) for light and dark pages."""

from __future__ import annotations

from .components import CATALOG
from .graph import GNode

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
#: fill, border per kind of machine.
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
#: A machine, component or load balancer that is down: fill, border (and its broken
#: conversations). The border stays at 5:1 against white, the text is unchanged.
DOWN = ("#e4e4e4", "#6b6b6b")
#: A failure domain's box: no fill (the machines inside keep theirs), a dashed border; a
#: zone that is down gets the down border.
ZONE = "#4d5b6a"


def family(node: GNode) -> str:
    """The colour family of a component's box."""
    if node.component == "collapsed":
        return "collapsed"
    if node.own:
        return "own"
    if node.component == "etcd":
        return "etcd"
    return CATALOG[node.component].role.value
