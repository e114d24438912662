"""Measures of a rendered diagram, read from the SVG Graphviz wrote: edge crossings,
edges drawn through boxes, the order of the machines and the size of the picture.

The matrix of clusters (topology × size × input format) that the layout tests and the
gallery's numbers run over is here too, so the same clusters are measured everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations, pairwise
import math
import re
import xml.etree.ElementTree as ET

from sphinx_k8sarch.core import interchange

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_COMMAND = re.compile(r"[MC]|-?\d+(?:\.\d+)?(?:e-?\d+)?")
#: Points per Bézier piece when an edge is flattened into a polyline.
STEPS = 16
#: Near a box that two edges share, lines converge: meeting there is no crossing.
NEAR_SHARED_END = 24.0
#: Intersections of the same two edges closer than this are one crossing.
SAME_CROSSING = 8.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Box(interchange.Box):
    """A box as the renderer's process reads clusters (left, top, right, bottom), with
    what the measures need."""

    @classmethod
    def around(cls, points: list[Point]) -> Box:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return cls(min(xs), min(ys), max(xs), max(ys))

    @property
    def width(self) -> float:
        return self.right - self.left

    def distance(self, point: Point) -> float:
        dx = max(self.left - point[0], 0.0, point[0] - self.right)
        dy = max(self.top - point[1], 0.0, point[1] - self.bottom)
        return math.hypot(dx, dy)

    def shrunk(self, by: float) -> Box:
        return Box(self.left + by, self.top + by, self.right - by, self.bottom - by)

    def holds(self, point: Point) -> bool:
        return self.left < point[0] < self.right and self.top < point[1] < self.bottom


@dataclass
class Edge:
    tail: str
    head: str
    classes: frozenset[str]
    points: list[Point]

    @property
    def name(self) -> str:
        return f"{self.tail}->{self.head}"


@dataclass
class Drawing:
    """What the SVG shows: node and cluster boxes by their DOT names, drawn edges."""

    width: float  # points
    height: float
    nodes: dict[str, Box] = field(default_factory=dict)
    clusters: dict[str, Box] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def _title(group: ET.Element) -> str:
    title = group.find(f"{SVG}title")
    return "".join(title.itertext()) if title is not None else ""


def _numbers(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text)]


def _shape_points(group: ET.Element) -> list[Point]:
    for shape in group.iter():
        tag = shape.tag.removeprefix(SVG)
        if tag in ("path", "polygon"):
            values = _numbers(shape.get("d") or shape.get("points") or "")
            return list(zip(values[::2], values[1::2], strict=False))
        if tag == "ellipse":
            cx, cy = float(shape.get("cx", 0)), float(shape.get("cy", 0))
            rx, ry = float(shape.get("rx", 0)), float(shape.get("ry", 0))
            return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    return []


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point) -> Iterator[Point]:
    for step in range(1, STEPS + 1):
        t = step / STEPS
        u = 1 - t
        yield (u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
               u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1])


def flatten(d: str) -> list[Point]:
    """An edge path (``M x,y C x,y x,y x,y …``, what Graphviz writes) as a polyline."""
    tokens = _COMMAND.findall(d)
    values: list[float] = []
    result: list[Point] = []
    for token in [*tokens, "M"]:
        if token in ("M", "C"):
            points = list(zip(values[::2], values[1::2], strict=False))
            if points and not result:
                result.append(points[0])
                points = points[1:]
            for start in range(0, len(points) - 2, 3):
                result.extend(_bezier(result[-1], *points[start:start + 3]))
            values = []
        else:
            values.append(float(token))
    return result


def read(svg: bytes | str) -> Drawing:
    root = ET.fromstring(svg)
    viewbox = _numbers(root.get("viewBox", "0 0 0 0"))
    drawing = Drawing(width=viewbox[2], height=viewbox[3])
    for group in root.iter(f"{SVG}g"):
        classes = frozenset(group.get("class", "").split())
        name = _title(group)
        if "node" in classes:
            points = _shape_points(group)
            if points:
                drawing.nodes[name] = Box.around(points)
        elif "cluster" in classes:
            points = _shape_points(group)
            if points:
                drawing.clusters[name.removeprefix("cluster_")] = Box.around(points)
        elif "edge" in classes:
            path = group.find(f"{SVG}path")
            if path is None:
                continue
            tail, _arrow, head = name.partition("->")
            drawing.edges.append(Edge(tail, head, classes, flatten(path.get("d", ""))))
    return drawing


def _intersection(a: Point, b: Point, c: Point, d: Point) -> Point | None:
    """Where segment ab properly crosses segment cd."""
    rx, ry = b[0] - a[0], b[1] - a[1]
    sx, sy = d[0] - c[0], d[1] - c[1]
    denominator = rx * sy - ry * sx
    if abs(denominator) < 1e-9:
        return None
    t = ((c[0] - a[0]) * sy - (c[1] - a[1]) * sx) / denominator
    u = ((c[0] - a[0]) * ry - (c[1] - a[1]) * rx) / denominator
    if 0 < t < 1 and 0 < u < 1:
        return a[0] + t * rx, a[1] + t * ry
    return None


@dataclass(frozen=True)
class Crossing:
    first: str
    second: str
    at: Point

    def __str__(self) -> str:
        return f"{self.first} × {self.second} at ({self.at[0]:.0f}, {self.at[1]:.0f})"


def _ends(edge: Edge) -> set[str]:
    return {edge.tail, edge.head}


def crossings(drawing: Drawing) -> list[Crossing]:
    """Every place where two drawn edges cross. Edges that share an end may meet near
    that box (they converge on it); two intersections of the same pair closer than
    :data:`SAME_CROSSING` are one crossing."""
    found: list[Crossing] = []
    segments = {id(e): list(zip(e.points, e.points[1:], strict=False)) for e in drawing.edges}
    bounds = {id(e): Box.around(e.points) for e in drawing.edges if e.points}
    for one, other in combinations(drawing.edges, 2):
        if id(one) not in bounds or id(other) not in bounds:
            continue
        a, b = bounds[id(one)], bounds[id(other)]
        if a.right < b.left or b.right < a.left or a.bottom < b.top or b.bottom < a.top:
            continue
        shared = [drawing.nodes[n] for n in _ends(one) & _ends(other) if n in drawing.nodes]
        points: list[Point] = []
        for p, q in segments[id(one)]:
            for r, s in segments[id(other)]:
                at = _intersection(p, q, r, s)
                if at is None or any(box.distance(at) < NEAR_SHARED_END for box in shared):
                    continue
                if all(math.dist(at, seen) >= SAME_CROSSING for seen in points):
                    points.append(at)
        found.extend(Crossing(one.name, other.name, at) for at in points)
    return found


def through_boxes(drawing: Drawing) -> list[str]:
    """Edges drawn across a component box that is neither of their ends."""
    problems: list[str] = []
    for edge in drawing.edges:
        for name, box in drawing.nodes.items():
            if name in _ends(edge) or box.width <= 2:  # points (bus junctions) are not boxes
                continue
            inner = box.shrunk(2)
            if any(inner.holds(p) for p in edge.points):
                problems.append(f"{edge.name} through {name}")
    return problems


#: Centres closer than this (points) along an axis are level on it.
LEVEL = 5.0


def _arrangement(drawing: Drawing, machine: str, parts: list[str]) -> list[tuple[int, int]]:
    """Where each of a machine's components stands relative to each other one: left or
    right, above or below (or level), pair by pair."""
    centres = []
    for part in parts:
        box = drawing.nodes[f"{machine}_{part}"]
        centres.append(((box.left + box.right) / 2, (box.top + box.bottom) / 2))
    return [((a[0] - b[0] > LEVEL) - (b[0] - a[0] > LEVEL),
             (a[1] - b[1] > LEVEL) - (b[1] - a[1] > LEVEL))
            for a, b in combinations(centres, 2)]


def unlike_twins(drawing: Drawing, twins: list[list[str]], parts: dict[str, list[str]]
                 ) -> list[str]:
    """Machines that only their names tell apart (``twins``, by DOT name) drawn with their
    components (``parts``: each machine's component suffixes) in another arrangement than
    the first of their class."""
    problems: list[str] = []
    for listed in twins:
        # A twin numbered from the end of its pool (after the folded box) is not compared.
        members = [m for m in listed if f"{m}_{parts[m][0]}" in drawing.nodes]
        if len(members) < 2:
            continue
        first = _arrangement(drawing, members[0], parts[members[0]])
        problems.extend(f"{other} is not laid out like {members[0]}" for other in members[1:]
                        if _arrangement(drawing, other, parts[other]) != first)
    return problems


#: A machine's box: its pool (cp, worker, etcd or a named worker pool such as ``general``)
#: and its number. A pool whose own name ends in a digit is not told apart here.
MACHINE = re.compile(r"^([a-z][a-z_-]*?)(\d+)$")


def reading_order(drawing: Drawing) -> list[str]:
    """Machines of each pool in reading order: machine n+1 to the right of machine n on
    the same row, or on a row below; the folded rest of a pool after the machines numbered
    1, 2, … and before any numbered from the end (worker-1, worker-2, worker-3 … worker-49,
    worker-50)."""
    pools: dict[str, list[tuple[float, str]]] = {}
    for name in drawing.clusters:
        match = MACHINE.match(name)
        if match:
            pools.setdefault(match.group(1), []).append((int(match.group(2)), name))
        elif name.endswith("_rest") and MACHINE.match(name.removesuffix("_rest") + "0"):
            pools.setdefault(name.removesuffix("_rest"), []).append((math.inf, name))
    problems: list[str] = []
    for machines in pools.values():
        numbers = sorted(n for n, _name in machines if n != math.inf)
        gap = next((n for n, expected in zip(numbers, range(1, len(numbers) + 1),
                                             strict=True) if n != expected), math.inf)
        placed = [(gap - 0.5 if n == math.inf else n, name) for n, name in machines]
        problems.extend(_out_of_order(drawing, [name for _n, name in sorted(placed)]))
    return problems


def _out_of_order(drawing: Drawing, names: list[str]) -> list[str]:
    """Each of ``names`` (clusters) right of the one before on its row, or on a row below."""
    problems = []
    for before, after in pairwise(names):
        a, b = drawing.clusters[before], drawing.clusters[after]
        same_row = b.top < a.bottom and a.top < b.bottom
        if (same_row and b.left < a.right - 1) or (not same_row and b.top < a.top):
            problems.append(f"{after} comes before {before}")
    return problems


def zone_order(drawing: Drawing, zones: list[str]) -> list[str]:
    """With zones, reading order is per frame: in every column the zone frames in the
    spec's order, and in every frame its machines in order (cp-1 and cp-3 in zone a
    come before cp-2 in zone b)."""
    problems: list[str] = []
    frames = {name: box for name, box in drawing.clusters.items()
              if name.startswith("zone_")}
    for column in ("callers", "control-plane", "etcd"):
        mine = [f"zone_{zone}_{column}" for zone in zones
                if f"zone_{zone}_{column}" in frames]
        problems.extend(_out_of_order(drawing, mine))
    for frame in frames.values():
        pools: dict[str, list[tuple[int, str]]] = {}
        for name, box in drawing.clusters.items():
            match = MACHINE.match(name)
            if match and frame.left <= box.left and box.right <= frame.right and (
                    frame.top <= box.top and box.bottom <= frame.bottom):
                pools.setdefault(match.group(1), []).append((int(match.group(2)), name))
        for machines in pools.values():
            problems.extend(_out_of_order(drawing, [n for _i, n in sorted(machines)]))
    return problems


# --------------------------------------------------------------------------- the matrix

TOPOLOGIES = ("stacked", "external")
FORMATS = ("spec", "kind", "kubeadm", "k3d", "capi")


def cluster_text(fmt: str, topology: str, cp: int, workers: int, members: int = 3
                 ) -> tuple[str, dict[str, int]]:
    """A cluster of the given shape written in input format ``fmt``, and the node counts
    to pass with it (kubeadm files do not hold them). k3d has no external etcd (k3s
    servers embed it or use a datastore): its external variant is its embedded etcd."""
    external = topology == "external"
    if fmt == "spec":
        etcd = (f"etcd: {{topology: external, members: {members}}}\n" if external
                else "etcd: stacked\n")
        lb = "load-balancer: haproxy\n" if cp > 1 else ""
        return (f"control-plane: {cp}\nworkers: {workers}\n{etcd}{lb}clients: [kubectl]\n",
                {})
    if fmt == "kind":
        nodes = ["  - role: control-plane\n"] * cp + ["  - role: worker\n"] * workers
        return "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n" + "".join(
            nodes), {}
    if fmt == "kubeadm":
        etcd = ("etcd:\n  external:\n    endpoints:\n" + "".join(
            f"      - https://10.0.0.{20 + i}:2379\n" for i in range(1, members + 1))
                if external else "etcd:\n  local:\n    dataDir: /var/lib/etcd\n")
        return ("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n"
                'controlPlaneEndpoint: "10.0.0.10:6443"\n' + etcd,
                {"control-plane": cp, "workers": workers})
    if fmt == "k3d":
        return ((f"apiVersion: k3d.io/v1alpha5\nkind: Simple\nservers: {cp}\n"
                f"agents: {workers}\n"), {})
    if fmt == "capi":
        return (
            ("apiVersion: cluster.x-k8s.io/v1beta1\nkind: Cluster\nmetadata: {name: c}\n"
            "spec:\n  controlPlaneRef:\n    apiVersion: controlplane.cluster.x-k8s.io/v1beta1\n"
            "    kind: KubeadmControlPlane\n    name: c-cp\n---\n"
            "apiVersion: controlplane.cluster.x-k8s.io/v1beta1\nkind: KubeadmControlPlane\n"
            f"metadata: {{name: c-cp}}\nspec:\n  replicas: {cp}\n  version: v1.32.4\n"
            "---\napiVersion: cluster.x-k8s.io/v1beta1\nkind: MachineDeployment\n"
            f"metadata: {{name: c-md-0}}\nspec:\n  clusterName: c\n  replicas: {workers}\n"),
            {})
    raise ValueError(fmt)


@dataclass(frozen=True)
class Case:
    fmt: str
    topology: str
    cp: int
    workers: int
    members: int = 3

    @property
    def id(self) -> str:
        etcd = f"external{self.members}" if self.topology == "external" else "stacked"
        return f"{self.fmt}-{etcd}-{self.cp}cp-{self.workers}w"


#: Every size the issue names for the plain spec (1–7 control-plane nodes, 0–50
#: workers, both topologies); the other formats at the sizes that differ in drawing.
SIZES_CP = (1, 2, 3, 4, 5, 7)
SIZES_WORKERS = (0, 1, 3, 5, 50)


def matrix(full: bool = True) -> list[Case]:
    cases: list[Case] = []
    cps = SIZES_CP if full else (1, 3, 5)
    workers = SIZES_WORKERS if full else (0, 3, 50)
    for topology in TOPOLOGIES:
        members = (3, 5) if topology == "external" and full else (3,)
        for cp in cps:
            for count in workers:
                cases.extend(Case("spec", topology, cp, count, m) for m in members)
    for fmt in FORMATS[1:]:
        for topology in TOPOLOGIES:
            if topology == "external" and fmt in ("kind", "k3d", "capi"):
                continue  # these formats have no external etcd
            for cp, count in ((1, 0), (3, 3), (5, 50)) if full else ((3, 3),):
                cases.append(Case(fmt, topology, cp, count))
    return cases
