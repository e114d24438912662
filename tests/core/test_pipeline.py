"""The Sphinx-free pipeline: YAML with lines, spec validation, quorum arithmetic, findings,
``:extends:``."""

from __future__ import annotations

import pytest

from sphinx_k8sarch.core.diagnostics import Severity, Subtype
from sphinx_k8sarch.core.findings import ha_findings, summary
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.model import failures_tolerated, quorum
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.vocabulary import EtcdTopology

EN = Translator("en")
HA = "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\nclients: [kubectl]\n"


@pytest.mark.parametrize(("members", "majority", "tolerance"), [
    (1, 1, 0), (2, 2, 0), (3, 2, 1), (4, 3, 1), (5, 3, 2), (6, 4, 2), (7, 4, 3), (8, 5, 3),
    (9, 5, 4),
])
def test_quorum_matches_the_etcd_faq_table(members: int, majority: int, tolerance: int) -> None:
    assert quorum(members) == majority
    assert failures_tolerated(members) == tolerance


def test_defaults_follow_kubeadm() -> None:
    cluster, diagnostics, _ = parse(HA)
    assert cluster is not None and diagnostics == []
    assert cluster.control_plane.components == (
        "kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager", "kubelet",
        "container-runtime", "kube-proxy")
    assert cluster.workers.components == ("kubelet", "container-runtime", "kube-proxy")
    assert cluster.etcd is EtcdTopology.STACKED and cluster.etcd_members == 3
    assert ha_findings(cluster) == []


def test_aliases_and_did_you_mean() -> None:
    cluster, _, _ = parse("control-plane:\n  count: 1\n  components: [DB-ETCD, apiserver]\n")
    assert cluster is not None and cluster.control_plane.components == ("etcd",
                                                                        "kube-apiserver")
    _, diagnostics, _ = parse("control-plane:\n  components: [kube-sheduler]\n")
    assert [(d.line, d.subtype) for d in diagnostics] == [(2, Subtype.UNKNOWN_COMPONENT)]
    assert "did you mean 'kube-scheduler'?" in diagnostics[0].message


@pytest.mark.parametrize(("text", "line", "subtype"), [
    ("workers: [1, 2\n", 1, Subtype.YAML),
    ("just text", 1, Subtype.TYPE),
    ("control-plane: true\n", 1, Subtype.TYPE),
    ("workers: 2\ncontrol-plane: 0\n", 2, Subtype.VALUE),
    ("workers: 2\ncontrol-plane: 1000\n", 2, Subtype.VALUE),
    ("workers: 2\netcd: apilado\n", 2, Subtype.VALUE),
    ("workers: 2\n\nworker: 3\n", 3, Subtype.UNKNOWN_KEY),
    ("workers: 2\nworkers: 3\n", 2, Subtype.DUPLICATE_KEY),
    ("runtime: docker\n", 1, Subtype.VALUE),
    ("a: !!python/object:os.system x\n", 1, Subtype.YAML),
    ("---\nworkers: 1\n---\nworkers: 2\n", 3, Subtype.YAML),
    ("a: " + "[" * 30 + "]" * 30 + "\n", 1, Subtype.SIZE),
])
def test_errors_are_located(text: str, line: int, subtype: Subtype) -> None:
    cluster, diagnostics, _ = parse(text)
    assert cluster is None
    assert (diagnostics[0].line, diagnostics[0].subtype) == (line, subtype)
    assert diagnostics[0].severity is Severity.ERROR


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    cluster, diagnostics, _ = parse("\n".join(lines))
    assert cluster is None and diagnostics[0].subtype is Subtype.SIZE


@pytest.mark.parametrize(("text", "found"), [
    ("control-plane: 1\n", [Subtype.HA_SINGLE]),
    ("control-plane: 2\nload-balancer: haproxy\n", [Subtype.HA_QUORUM]),
    ("control-plane: 4\nload-balancer: haproxy\n", [Subtype.HA_QUORUM]),
    ("control-plane: 3\n", [Subtype.HA_LB]),
    ("control-plane: 9\nload-balancer: cloud\n", [Subtype.HA_QUORUM]),
    ("control-plane: 3\nload-balancer: cloud\netcd: {topology: external, members: 1}\n",
     [Subtype.HA_EXTERNAL_ETCD]),
    ("control-plane: 3\nload-balancer: cloud\netcd: {topology: external, members: 5}\n", []),
])
def test_ha_findings(text: str, found: list[Subtype]) -> None:
    cluster, _, _ = parse(text)
    assert cluster is not None
    assert [d.subtype for d in ha_findings(cluster)] == found


def test_even_member_message_states_the_arithmetic() -> None:
    cluster, _, _ = parse("control-plane: 4\nload-balancer: haproxy\n")
    assert cluster is not None
    message = ha_findings(cluster)[0].message
    assert "quorum of 3" in message and "tolerate 1 failure" in message


def test_summary_in_both_languages() -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    assert summary(cluster, EN)[0] == ("etcd (stacked on the control-plane nodes): 3 members, "
                                       "quorum 2, tolerates 1 failure")
    assert "quórum 2, tolera 1 fallo" in summary(cluster, Translator("es"))[0]


def test_extends_merges_mappings_and_replaces_lists() -> None:
    _, _, base = parse("control-plane:\n  count: 1\n  components: []\nworkers: 3\n")
    assert base is not None
    cluster, _, _ = parse("control-plane:\n  components: [etcd]\n", base=base)
    assert cluster is not None
    assert cluster.control_plane.count == 1 and cluster.control_plane.components == ("etcd",)
    assert cluster.workers.count == 3
