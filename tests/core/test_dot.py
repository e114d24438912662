"""The DOT source: its snapshot, the same in every process, the print variant, and the
quoting the graphviz package would write."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

from PIL import Image
import pytest

from sphinx_k8sarch.core.dot import print_variant, to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render

EN = Translator("en")
HA = "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\nclients: [kubectl]\n"


SNAPSHOT = Path(__file__).parent / "test_dot" / "ha_3_3.gv"


def test_dot_snapshot(file_regression: object) -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    source = to_dot(build_graph(cluster, EN))
    file_regression.check(source, basename="ha_3_3", extension=".gv")  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", ["0", "1", "2718281828"])
def test_dot_is_the_same_in_every_process(tmp_path: Path, seed: str) -> None:
    """Determinism: ``k8sarch dot`` in a fresh interpreter, under another hash seed (set and
    dict orders, ids), writes the committed snapshot byte for byte, as this process does."""
    spec = tmp_path / "ha.yaml"
    spec.write_text(HA, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sphinx_k8sarch.cli", "dot", str(spec)],
                          env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True,
                          text=True, check=False, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == SNAPSHOT.read_text(encoding="utf-8")
    cluster, _, _ = parse(HA)
    assert cluster is not None
    assert done.stdout == to_dot(build_graph(cluster, EN))


@pytest.mark.parametrize("text", [
    "control-plane: 3\nworkers: 3\nload-balancer: haproxy\n",
    "title: 'graph [x]'\ncontrol-plane: 5\nworkers: 50\netcd: {topology: external, members: 5}\n",
])
def test_print_dot_is_the_screen_dot_on_white_at_300_dpi(text: str, tmp_path: Path) -> None:
    cluster, _d, _data = parse(text)
    assert cluster is not None
    screen = to_dot(build_graph(cluster, Translator("en"))).split("\n")
    printed = print_variant("\n".join(screen), 300).split("\n")
    # One line more, right after the first graph attributes (bgcolor=transparent), so it
    # overrides them for the root graph only; before them the machines the renderer may
    # rename (a comment) and the digraph line.
    first = next(i for i, line in enumerate(screen) if line.startswith("digraph")) + 1
    assert all(line.startswith("// ") for line in screen[:first - 1])
    assert screen[first].startswith("\tgraph [") and "bgcolor=transparent" in screen[first]
    assert printed == [*screen[:first + 1], "\tgraph [bgcolor=white dpi=300]",
                       *screen[first + 1:]]
    png, _new = render("\n".join(printed), "png", tmp_path)
    with Image.open(png) as image:
        assert image.convert("RGB").getpixel((0, 0)) == (255, 255, 255)
        assert image.width > 2000  # 300 dpi, not the screen's 72


def test_memoised_quoting_writes_what_the_graphviz_package_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """dot._Digraph replaces private quoting hooks of the graphviz package: pin its output
    to the package's own on labels that need every kind of quoting."""
    import graphviz

    from sphinx_k8sarch.core import dot

    text = ("title: 'C:\\\\x\\\\ <b>&amp; \"q\" graph'\ncontrol-plane: 5\nworkers: 7\n"
            "load-balancer: '\\\\N <i>'\netcd: {topology: external, members: 5}\n"
            "addons: [coredns, cni]\nlinks: {cp-1: 'https://x', etcd: y}\n")
    cluster, diagnostics, _data = parse(text)
    assert cluster is not None, diagnostics
    graph = build_graph(cluster, EN)
    ours = to_dot(graph)
    monkeypatch.setattr(dot, "_Digraph", graphviz.Digraph)
    assert to_dot(graph) == ours


EXTERNAL = "control-plane: {cp}\nworkers: 0\netcd: external\nload-balancer: haproxy\n"


@pytest.mark.parametrize(("shape", "cp", "zones", "aims"), [
    # Four API servers and three members drawn, left to right: each arrow level with a
    # member (the 4th API server's with the last).
    ("left-to-right", 4, "", ["etcd1_etcd", "etcd2_etcd", "etcd3_etcd", "etcd3_etcd"]),
    # As many as members, top down, or zone frames in the box: one bundle, meeting at the
    # middle member (as written).
    ("left-to-right", 3, "", ["etcd2_etcd"] * 3),
    ("top-down", 4, "", ["etcd2_etcd"] * 4),
    ("left-to-right", 4, "zones: [a, b]\n", ["etcd1_etcd"] * 4),
])
def test_each_api_server_sends_one_arrow_into_the_etcd_box(shape: str, cp: int, zones: str,
                                                          aims: list[str]) -> None:
    cluster, diagnostics, _ = parse(EXTERNAL.format(cp=cp) + zones)
    assert cluster is not None, diagnostics
    source = to_dot(build_graph(cluster, EN), layout=shape)
    arrows = [line.split(" -> ") for line in source.split("\n")
              if "lhead=cluster_etcd_pool" in line]
    assert [tail.strip() for tail, _head in arrows] == [
        f"cp{i}_kube_apiserver" for i in range(1, cp + 1)]
    assert [head.split()[0] for _tail, head in arrows] == aims


def _ranks(source: str, machine: str) -> list[list[str]]:
    """The components of ``machine`` in each of its ranks (``row_<machine>_<n>``)."""
    found: list[list[str]] = []
    for block in source.split(f"subgraph row_{machine}_")[1:]:
        body = block.split("}", 1)[0]
        found.append([line.split()[0].removeprefix(f"{machine}_") for line in
                      body.split("\n")[1:] if line.strip().startswith(f"{machine}_")])
    return found


@pytest.mark.parametrize(("version", "kubelet_rank"), [("'1.32'", 0), ("'1.33'", 1)])
def test_a_control_plane_kubelet_that_calls_the_endpoint_faces_it(version: str,
                                                                  kubelet_rank: int) -> None:
    """Before Kubernetes 1.33 a control-plane kubelet calls the load balancer: it stands in
    the front rank with the API server and kube-proxy, so that its arrow does not cross
    its own machine; from 1.33 it calls its own API server and stands behind it."""
    cluster, diagnostics, _ = parse(HA + f"kubernetes-version: {version}\n")
    assert cluster is not None, diagnostics
    source = to_dot(build_graph(cluster, EN))
    for machine in ("cp1", "cp2", "cp3"):
        ranks = _ranks(source, machine)
        assert ranks[0][:2] == ["kube_apiserver", "kube_proxy"]
        assert "kubelet" in ranks[kubelet_rank]
        assert "etcd" in ranks[1]
    assert ("lb -> cp1_kubelet" in source) == (kubelet_rank == 0)


def test_an_api_servers_own_etcd_arrow_leaves_from_its_bundle() -> None:
    """Stacked etcd: the arrow to the machine's own etcd leaves the API server where the
    arrows of its scheduler, controller manager and kubelet meet it, so it cannot cross
    them; an arrow to an etcd on another machine does not."""
    def etcd_arrows(spec: str) -> list[str]:
        cluster, diagnostics, _ = parse(spec)
        assert cluster is not None, diagnostics
        return [line for line in to_dot(build_graph(cluster, EN)).split("\n")
                if "k8s-edge--etcd" in line]

    stacked = etcd_arrows(HA)
    assert len(stacked) == 3 and all("sametail=local" in line for line in stacked)
    external = etcd_arrows("control-plane: 3\nworkers: 3\nload-balancer: haproxy\n"
                           "etcd: {topology: external, members: 1}\n")
    assert external and not any("sametail" in line for line in external)
