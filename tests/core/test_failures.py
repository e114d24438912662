"""Failure scenarios: what keeps working when machines, the load balancer or a zone are
down, computed from the model (``failures:``, ``zones:``, ``names:``)."""

from __future__ import annotations

import itertools
from pathlib import Path
import re

from helpers import layout
from helpers.markers import needs_renderer
import pytest

from sphinx_k8sarch.core.diagnostics import Diagnostic, Subtype
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.failures import Api, verdict, what_if
from sphinx_k8sarch.core.findings import summary
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import Cluster
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.vocabulary import LAYOUTS

EN, ES = Translator("en"), Translator("es")


def drawn(text: str, failures: tuple[str, ...] = ()) -> tuple[Cluster, list[Diagnostic]]:
    cluster, diagnostics, _ = analyse(text, failures=failures)
    assert cluster is not None, diagnostics
    return cluster, diagnostics


def refused(text: str, failures: tuple[str, ...] = ()) -> list[tuple[int, Subtype, str]]:
    cluster, diagnostics, _ = analyse(text, failures=failures)
    assert cluster is None
    return [(d.line, d.subtype, d.message) for d in diagnostics]


def lines(text: str, _: Translator = EN) -> list[str]:
    return summary(drawn(text)[0], _)


# -- etcd arithmetic ---------------------------------------------------------------------

CASES = [(members, down) for members in range(1, 10) for down in range(members + 1)]


@pytest.mark.parametrize(("members", "down"), CASES, ids=[f"{m}-{d}" for m, d in CASES])
@pytest.mark.parametrize("topology", ["stacked", "external"])
def test_etcd_keeps_quorum_while_a_strict_majority_is_up(members: int, down: int,
                                                         topology: str) -> None:
    if topology == "stacked":
        spec = f"control-plane: {members}\nload-balancer: haproxy\n"
        machines = [f"cp-{i}" for i in range(1, down + 1)]
    else:
        spec = (f"control-plane: 3\nload-balancer: haproxy\n"
                f"etcd: {{topology: external, members: {members}}}\n")
        machines = [f"etcd-{i}" for i in range(1, down + 1)]
    spec += f"failures: [{', '.join(machines)}]\n"
    cluster, _ = drawn(spec)
    up = members - down
    kept = 2 * up > members  # a strict majority, counted here without quorum()
    result = verdict(cluster)
    assert result.etcd is not None and (result.etcd.up, result.etcd.kept) == (up, kept)
    text = "\n".join(summary(cluster, EN))
    if down:
        noun = "member" if members == 1 else "members"
        state = "quorum kept" if kept else "quorum lost"
        assert f"etcd: {up} of {members} {noun} up, {state}" in text
        if not kept:
            assert "etcd refuses writes, so the API cannot change cluster state" in text
            assert "running Pods keep running, but nothing is scheduled, scaled or " \
                   "repaired" in text
            assert result.api is not Api.UP
        spanish = "\n".join(summary(cluster, ES))
        assert ("quórum mantenido" if kept else "quórum perdido") in spanish
    else:
        assert "quorum kept" not in text and "Down:" not in text
    if topology == "external" or kept:
        # External etcd members down leave every API server up; so does a stacked cluster
        # that keeps quorum.
        assert result.api is (Api.UP if kept else Api.NO_QUORUM)


def test_datastore_on_the_single_k3s_server_goes_down_with_it() -> None:
    spec = ("distribution: k3s\ncontrol-plane: {count: 1, components: [kube-apiserver, "
            "kube-scheduler, kube-controller-manager, kubelet]}\ndatastore: SQLite\n"
            "failures: [cp-1]\n")
    cluster, _ = drawn(spec)
    assert verdict(cluster).api is Api.UNREACHABLE
    assert "SQLite is on the server that is down" in "\n".join(summary(cluster, EN))


# -- the API ---------------------------------------------------------------------------------

def test_load_balancer_down_makes_the_api_unreachable_and_says_what_avoids_it() -> None:
    text = "\n".join(lines("control-plane: 3\nload-balancer: haproxy\nfailures: "
                           "[load-balancer]\n"))
    assert "API: unreachable for nodes and clients (the load balancer in front of them is " \
           "down)" in text
    assert "a redundant load balancer (a keepalived virtual IP, kube-vip, a cloud load " \
           "balancer) avoids this single point of failure" in text
    assert "etcd: 3 of 3 members up, quorum kept" in text


def test_a_redundant_load_balancer_down_means_all_its_instances_failed() -> None:
    text = "\n".join(lines("control-plane: 3\nload-balancer: cloud\nfailures: "
                           "[load-balancer]\n"))
    assert "unreachable" in text and "redundant already" in text
    assert "avoids this single point of failure" not in text


def test_without_a_load_balancer_only_the_first_node_is_the_way_in() -> None:
    first = "\n".join(lines("control-plane: 3\nfailures: [cp-1]\n"))
    assert "were given the address of cp-1, which is down" in first
    second = drawn("control-plane: 3\nfailures: [cp-2]\n")[0]
    assert verdict(second).api is Api.UP


def test_one_control_plane_node_down_behind_the_load_balancer() -> None:
    text = "\n".join(lines("control-plane: 3\nworkers: 2\nload-balancer: haproxy\n"
                           "failures: [cp-2]\n"))
    assert "API: 2 of 3 API servers up, reachable; the load balancer's health check stops " \
           "sending requests to the API servers that are down" in text
    assert "leaders were on" not in text  # the leaders were drawn on cp-1, still up


def test_leaders_fail_over_after_the_lease_duration_and_are_drawn_on_the_next_node() -> None:
    cluster, _ = drawn("control-plane: 3\nload-balancer: haproxy\nfailures: [cp-1]\n")
    text = "\n".join(summary(cluster, EN))
    assert "kube-scheduler and kube-controller-manager: the leaders were on cp-1; once " \
           "each Lease expires (15 s by default) a standby takes it and carries on, drawn " \
           "here on cp-2" in text
    graph = build_graph(cluster, EN)
    roles = {g.label: {n.component: n.sublabel for n in g.nodes} for g in graph.groups}
    assert roles["cp-2"]["kube-scheduler"] == "leader"
    assert roles["cp-3"]["kube-scheduler"] == "standby"
    assert roles["cp-1"]["kube-scheduler"] == ""  # down: neither leader nor standby


def test_the_virtual_ip_moves_to_a_node_that_is_up() -> None:
    cluster, _ = drawn("control-plane: 3\nload-balancer: {type: kube-vip, on: control-plane}"
                       "\nfailures: [cp-1]\n")
    assert "the virtual IP (kube-vip) moves to a control-plane node that is up" in \
        "\n".join(summary(cluster, EN))
    graph = build_graph(cluster, EN)
    vip = [e for e in graph.edges if e.tail == "lb"]
    assert [e.head for e in vip] == ["cp2_kube_apiserver"] and not vip[0].broken


def test_workers_down_are_replaced_after_the_toleration_or_wait() -> None:
    some = "\n".join(lines("control-plane: 3\nworkers: 3\nload-balancer: cloud\n"
                           "failures: [worker-2]\n"))
    assert "Workers: 1 of 3 down; once a node is unreachable, its Pods are evicted after " \
           "the default 300 s toleration" in some
    every = "\n".join(lines("control-plane: 3\nworkers: 2\nload-balancer: cloud\n"
                            "failures: [worker-1, worker-2]\n"))
    assert "no worker is left, so their Pods wait (Pending)" in every
    stuck = "\n".join(lines("control-plane: 3\nworkers: 2\nload-balancer: cloud\n"
                            "failures: [cp-1, cp-2, worker-1]\n"))
    assert "not recreated elsewhere until the control plane works again" in stuck


def test_the_option_adds_to_the_spec() -> None:
    cluster, _ = drawn("control-plane: 5\nload-balancer: cloud\nfailures: [cp-1]\n",
                       failures=("cp-2", "cp-3"))
    assert cluster.down == {"cp-1", "cp-2", "cp-3"}
    assert "etcd: 2 of 5 members up, quorum lost" in "\n".join(summary(cluster, EN))


# -- zones -----------------------------------------------------------------------------------

def test_a_list_of_zones_spreads_each_group_in_turn() -> None:
    cluster, _ = drawn("control-plane: 3\nworkers: [{name: gpu, count: 2}, {name: small, "
                       "count: 1}]\netcd: {topology: external, members: 5}\n"
                       "load-balancer: cloud\nzones: [a, b, c]\n")
    assert cluster.zones == (("a", ("cp-1", "etcd-1", "etcd-4", "gpu-1", "small-1")),
                             ("b", ("cp-2", "etcd-2", "etcd-5", "gpu-2")),
                             ("c", ("cp-3", "etcd-3")))


def test_a_mapping_places_each_machine_and_leaves_the_rest_outside() -> None:
    cluster, _ = drawn("control-plane: 3\nworkers: 2\nload-balancer: cloud\n"
                       "zones:\n  east: [cp-1, worker-2]\n  west: cp-2\n  north: [cp-3]\n")
    assert cluster.zones == (("east", ("cp-1", "worker-2")), ("west", ("cp-2",)),
                             ("north", ("cp-3",)))
    assert cluster.zone_of("worker-1") == ""


def test_a_zone_down_takes_its_machines_down() -> None:
    cluster, _ = drawn("control-plane: 3\nworkers: 3\nload-balancer: cloud\n"
                       "zones: [a, b, c]\nfailures: [b]\n")
    assert cluster.down == {"cp-2", "worker-2"} and cluster.zones_down == ("b",)
    text = "\n".join(summary(cluster, EN))
    assert "Down: cp-2, worker-2 (zone b)" in text
    assert "etcd: 2 of 3 members up, quorum kept" in text


@pytest.mark.parametrize(("spec", "line", "message"), [
    ("zones: [a, a]\n", 4, "zone 'a' is given twice"),
    ("zones: []\n", 4, "zones is an empty list"),
    ("zones: {a: [cp-1], b: [cp-1]}\n", 4, "cp-1 is already in zone 'a'"),
    ("zones:\n  a: [cp-1]\n  b: [cp-4]\n", 6, ("'cp-4' is no machine of this cluster; "
                                               "did you mean 'cp-3'")),
    ("zones: {a: 3}\n", 4, "zone 'a' must list machines"),
    ("failures: [cp-7]\n", 4, ("'cp-7' is no machine, zone or load balancer of this "
                              "cluster; did you mean 'cp-3'")),
    ("failures: 3\n", 4, "failures must be a list"),
    ("failures:\n- cp-1\n- [cp-2]\n", 6, "a failure names a machine"),
])
def test_problems_are_located_at_their_line(spec: str, line: int, message: str) -> None:
    found = refused("control-plane: 3\nworkers: 1\nload-balancer: haproxy\n" + spec)
    assert [(at, subtype) for at, subtype, _m in found] in (
        [(line, Subtype.VALUE)], [(line, Subtype.TYPE)])
    assert message in found[0][2]


def test_the_option_reports_at_line_zero_as_an_option() -> None:
    found = refused("control-plane: 3\nload-balancer: {type: kube-vip, on: control-plane}\n",
                    failures=("load-balancer", "cp-9"))
    assert [(line, subtype) for line, subtype, _m in found] == [(0, Subtype.OPTION)] * 2
    messages = " | ".join(m for _line, _subtype, m in found)
    assert "runs on the control-plane nodes: fail those nodes instead" in messages
    assert "'cp-9' is no machine, zone or load balancer" in messages


@pytest.mark.parametrize(("spec", "expected"), [
    ("control-plane: 3\nload-balancer: cloud\nzones: [a, b]\n",
     "losing zone 'a' loses etcd quorum: it holds 2 of the 3 members"),
    ("control-plane: 5\nload-balancer: cloud\nzones: [a, b]\n",
     "losing zone 'a' loses etcd quorum: it holds 3 of the 5 members"),
    (("control-plane: 3\nworkers: 3\nload-balancer: cloud\n"
     "zones: {a: [cp-1, cp-2, cp-3], b: [worker-1], c: [worker-2]}\n"),
     "every control-plane node is in zone 'a'"),
    (("control-plane: 3\netcd: {topology: external, members: 3}\nload-balancer: cloud\n"
     "zones: {a: [cp-1, etcd-1, etcd-2], b: [cp-2, etcd-3], c: [cp-3]}\n"),
     "losing zone 'a' loses etcd quorum: it holds 2 of the 3 members"),
])
def test_a_zone_whose_loss_loses_quorum_is_an_ha_zone_finding(spec: str,
                                                              expected: str) -> None:
    _cluster, diagnostics = drawn(spec)
    zone = [d for d in diagnostics if d.subtype is Subtype.HA_ZONE]
    assert len(zone) == 1 and expected in zone[0].message
    assert zone[0].line == spec.splitlines().index(
        next(li for li in spec.splitlines() if li.startswith("zones"))) + 1


@pytest.mark.parametrize("spec", [
    "control-plane: 3\nload-balancer: cloud\nzones: [a, b, c]\n",
    "control-plane: 5\nload-balancer: cloud\nzones: [a, b, c]\n",
    "control-plane: 1\nzones: [a]\n",  # ha-single already says it
])
def test_three_zones_keep_quorum_after_losing_any_one(spec: str) -> None:
    _cluster, diagnostics = drawn(spec)
    assert not [d for d in diagnostics if d.subtype is Subtype.HA_ZONE]


# -- what-if ---------------------------------------------------------------------------------

def test_what_if_loses_each_machine_the_load_balancer_and_each_zone() -> None:
    cluster, _ = drawn("control-plane: 3\nworkers: [{name: gpu, count: 2}, {name: small, "
                       "count: 1}]\nload-balancer: haproxy\nzones: [a, b]\n")
    rows = {loss.what: loss for loss in what_if(cluster)}
    assert list(rows) == ["cp-1", "cp-2", "cp-3", "gpu-1, gpu-2", "small-1",
                          "load-balancer", "a", "b"]
    assert [rows[k].api_down for k in rows] == [False] * 5 + [True, True, False]
    assert rows["a"].verdict.etcd is not None and not rows["a"].verdict.etcd.kept
    assert rows["load-balancer"].verdict.api is Api.UNREACHABLE


def test_what_if_starts_from_what_is_already_down() -> None:
    cluster, _ = drawn("control-plane: 3\nload-balancer: cloud\nfailures: [cp-1]\n")
    rows = what_if(cluster)
    assert [r.what for r in rows] == ["cp-2", "cp-3", "load-balancer"]
    assert all(r.api_down for r in rows)


# -- drawing ---------------------------------------------------------------------------------

def test_down_machines_and_their_conversations_are_drawn_as_down() -> None:
    cluster, _ = drawn("control-plane: 3\nworkers: 2\nload-balancer: haproxy\n"
                       "failures: [cp-3, worker-1, load-balancer]\n")
    graph = build_graph(cluster, ES)
    down = {g.label: g.status for g in graph.groups if g.down}
    assert down == {"cp-3": "caído", "worker-1": "caído"}
    assert all(n.down for g in graph.groups if g.down for n in g.nodes)
    assert all(e.broken for e in graph.edges if "lb" in (e.tail, e.head))
    assert not any(e.broken for e in graph.edges if e.tail.startswith("cp2_")
                   and e.head.startswith("cp2_"))
    dot = to_dot(graph, _=ES)
    assert 'label="cp-3 (caído)"' in dot and "k8s-group--control-plane k8s-down" in dot
    assert dot.count("k8s-edge--broken") == sum(e.broken for e in graph.edges
                                                if e.kind != "peer") + 1  # + cp-3's peer
    assert "recuadro gris punteado: caído" in dot  # the legend says what grey means


def test_zones_are_drawn_as_labelled_frames_around_their_machines() -> None:
    cluster, _ = drawn("control-plane: 3\nworkers: 3\nload-balancer: cloud\n"
                       "zones: [eu-west-1a, eu-west-1b, eu-west-1c]\nfailures: [eu-west-1b]\n")
    dot = to_dot(build_graph(cluster, EN))
    for number, zone in enumerate(("eu-west-1a", "eu-west-1b", "eu-west-1c"), start=1):
        # One frame per zone in each column: its control-plane machine, its worker.
        for column, machine in (("control-plane", f"cp{number}"),
                                ("callers", f"worker{number}")):
            block = dot.split(f'subgraph "cluster_zone_{zone}_{column}" {{', 1)[1].split(
                "\n\t}", 1)[0]
            assert f'label="{zone}"' in block
            assert set(re.findall(r"cluster_(?:cp|worker)\d", block)) == {
                f"cluster_{machine}"}
    assert dot.count('class="k8s-zone k8s-down"') == 2 and dot.count('class="k8s-zone"') == 4


def test_real_names_are_drawn_shortened_and_accepted_in_zones_and_failures() -> None:
    cluster, _ = drawn("control-plane: 3\nload-balancer: cloud\nnames:\n"
                       "  cp-1: ip-10-0-1-17.eu-west-1.compute.internal\n"
                       "  cp-2: gke-production-default-pool-1a2b3c4d-xyz1\n"
                       "zones: {a: [ip-10-0-1-17.eu-west-1.compute.internal], b: [cp-2]}\n"
                       "failures: [gke-production-default-pool-1a2b3c4d-xyz1]\n")
    assert cluster.down == {"cp-2"} and cluster.zones[0] == ("a", ("cp-1",))
    dot = to_dot(build_graph(cluster, EN))
    assert 'label="ip-10-0-1-17…"' in dot
    # No dot in the name: its middle goes, 11 characters either side of "…".
    assert 'label="gke-product…2b3c4d-xyz1 (down)"' in dot
    text = "\n".join(summary(cluster, EN))
    assert "Down: gke-production-default-pool-1a2b3c4d-xyz1" in text


def test_a_name_must_be_a_machines_own() -> None:
    found = refused("control-plane: 2\nload-balancer: cloud\nnames:\n  cp-1: db\n  cp-2: db\n"
                    "  cp-5: x\n")
    assert [(line, subtype) for line, subtype, _m in found] == [(5, Subtype.VALUE),
                                                                (6, Subtype.VALUE)]


@needs_renderer
@pytest.mark.parametrize("spec", [
    "control-plane: 3\nworkers: 3\nload-balancer: cloud\nzones: [a, b, c]\nfailures: [b]\n",
    ("control-plane: 3\nworkers: 3\netcd: external\nload-balancer: cloud\n"
    "zones: [a, b, c]\nfailures: [etcd-2, cp-3]\n"),
    ("control-plane: 5\nworkers: [{name: general, count: 6}, {name: gpu, count: 2}]\n"
    "load-balancer: cloud\nzones: [z1, z2, z3]\nfailures: [z3]\n"),
])
@pytest.mark.parametrize("shape", LAYOUTS)
def test_zone_frames_come_in_the_spec_order_around_their_machines(
        spec: str, shape: str, tmp_path: Path) -> None:
    cluster, _ = drawn(spec)
    svg, _new = render(to_dot(build_graph(cluster, EN), layout=shape), "svg", tmp_path)
    drawing = layout.read(svg.read_bytes())
    zones = [zone for zone, _machines in cluster.zones]
    assert layout.zone_order(drawing, zones) == []
    for zone, machines in cluster.zones:
        frames = [box for name, box in drawing.clusters.items()
                  if name.startswith(f"zone_{zone}_")]
        # Machines of a folded pool (cp-4 … cp-5) have no box of their own.
        boxes = [drawing.clusters[m.replace("-", "")] for m in machines
                 if m.replace("-", "") in drawing.clusters]
        assert len(boxes) >= 2 and frames
        assert all(any(f.left <= b.left and b.right <= f.right and f.top <= b.top
                       and b.bottom <= f.bottom for f in frames) for b in boxes)
    for one, other in itertools.combinations(
            [b for n, b in drawing.clusters.items() if n.startswith("zone_")], 2):
        assert (one.right <= other.left or other.right <= one.left
                or one.bottom <= other.top or other.bottom <= one.top)  # no overlap




@pytest.mark.parametrize(("spec", "status", "zone"), [
    # Only the folded machines count: worker-2 has its own box.
    ("workers: 20\nfailures: [worker-2, worker-7, worker-20]\n", "2 down", ""),
    ("workers: 6\nfailures: [worker-4, worker-5, worker-6]\n", "down", ""),
    ("workers: 6\nzones: {a: [worker-4, worker-5, worker-6], b: [worker-1]}\n", "", "a"),
    ("workers: 6\nzones: {a: [worker-4, worker-5], b: [worker-6]}\n", "", ""),
    ("workers: 6\nzones: {a: [worker-4, worker-5]}\n", "", ""),
    ("workers: 7\nzones: [a, b, c]\nfailures: [b]\n", "1 down", ""),
    # A pool whose name extends another's is not counted with it.
    (("workers: [{name: big, count: 6}, {name: big-2, count: 6}]\n"
      "failures: [big-2-4, big-2-5, big-2-6]\n"), "", ""),
])
def test_a_folded_pool_says_how_many_are_down_and_its_zone_only_if_shared(
        spec: str, status: str, zone: str) -> None:
    cluster, _ = drawn("control-plane: 1\n" + spec)
    folded = next(g for g in build_graph(cluster, EN).groups if g.kind == "collapsed")
    assert (folded.status, folded.zone, folded.down) == (status, zone, status == "down")
