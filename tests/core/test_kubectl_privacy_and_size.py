"""A saved kubectl list holds much that must not be published (addresses, provider IDs,
annotations, images, taints, labels) and may be megabytes long: only what is drawn leaves
the core, and a 500-node list is read with work that grows with the file, not faster."""

from __future__ import annotations

import json

from helpers import kubectl as k
from helpers.corpus import bounded
from helpers.paths import IMPORTS
import pytest

from sphinx_k8sarch.core.describe import alt_text, topology_lines
from sphinx_k8sarch.core.diagnostics import Subtype
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.findings import summary
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.imports import convert
from sphinx_k8sarch.core.imports.jsonlines import JsonLoaded, load_json
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.vocabulary import COLLAPSE_ABOVE, MAX_LIST_TEXT, MAX_TEXT, SHOWN


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [canary for canary in k.CANARIES if canary in lowered]


# -- privacy --------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "es"])
def test_only_what_is_drawn_leaves_the_core(lang: str) -> None:
    text = (IMPORTS / "kubectl-privacy.json").read_text(encoding="utf-8")
    assert len(leaks(text)) == len(k.CANARIES), "the file holds every canary"
    cluster, diagnostics, data = analyse(text, fmt="auto")
    assert cluster is not None and data is not None
    _ = Translator(lang)
    graph = build_graph(cluster, _)
    outputs = {
        "spec data": json.dumps(data),
        "dot": to_dot(graph, _=_),
        "alt": alt_text(cluster, _),
        "summary": "\n".join(summary(cluster, _)),
        "topology": "\n".join(topology_lines(graph, _)),
        "diagnostics": "\n".join(d.message for d in diagnostics),
    }
    assert {name: leaks(out) for name, out in outputs.items() if leaks(out)} == {}
    # What is drawn is there: real names, zones, the node that is down.
    assert "alpha-cp-1" in outputs["dot"] and "eu-north-1b" in outputs["dot"]
    assert "alpha-w-2" in outputs["summary"] and cluster.external_etcd_members == 3


def test_unread_labels_are_not_even_kept() -> None:
    text = (IMPORTS / "kubectl-privacy.json").read_text(encoding="utf-8")
    loaded, _used, _diagnostics = convert(text)
    assert loaded is not None and not leaks(json.dumps(loaded.data))


# -- size -----------------------------------------------------------------------------------

def test_a_500_node_list_is_read_in_one_pass_and_drawn_folded() -> None:
    text = k.as_json(k.big_cluster(497))
    assert len(text) > 5_000_000
    with bounded(5.0):  # a resource limit (typical: a quarter of a second), not a timing
        loaded, used, diagnostics = convert(text)
        cluster, _more, _data = analyse(text, fmt="auto")
    assert loaded is not None and used == "kubectl" and cluster is not None
    source = loaded.source  # type: ignore[attr-defined]
    assert isinstance(source, JsonLoaded)
    # Lines are looked up for a few keys, not for every node: the file is walked about
    # once more, never once per node.
    assert source.walked < 1.5 * len(text)
    assert (cluster.control_plane.count, cluster.workers.count) == (3, 497)
    assert [p.count for p in cluster.pools] == [125, 124, 124, 124]
    assert len(cluster.names) == 500 and len(cluster.zones) == 3
    graph = build_graph(cluster, Translator("en"))
    kinds = [g.kind for g in graph.groups]
    # Each pool (of more than COLLAPSE_ABOVE) drawn as SHOWN machines and one folded box.
    assert min(p.count for p in cluster.pools) > COLLAPSE_ABOVE
    assert (kinds.count("worker"), kinds.count("collapsed")) == (4 * SHOWN, 4)
    assert next(g.label for g in graph.groups if g.kind == "collapsed") == \
        "group-0-4 … group-0-125"
    assert [d.subtype for d in diagnostics] == [Subtype.IMPORT]  # the endpoint only
    # The summary under the figure folds each zone's machines as the figure folds a pool.
    for lang, more in (("en", "and 164 more"), ("es", "y 164 más")):
        zones = summary(cluster, Translator(lang))[-1]
        assert zones.count(more) == 2 and len(zones) < 600, zones


def test_a_line_asked_for_late_in_the_file_is_found() -> None:
    text = k.as_json(k.big_cluster(40))
    loaded, problem = load_json(text)
    assert loaded is not None and problem is None
    last = len(loaded.data["items"]) - 1
    name = loaded.data["items"][last]["metadata"]["name"]
    lines = text.splitlines()
    expected = lines.index(f'                "name": "{name}",') + 1
    assert loaded.line(("items", last, "metadata", "name")) == expected
    # A path that is not there falls back to its closest ancestor, like a YAML file.
    metadata = max(n for n in range(1, expected) if lines[n - 1].strip() == '"metadata": {')
    assert loaded.line(("items", last, "metadata", "nothing")) == metadata
    assert loaded.line(("nothing",)) == 1


def test_lines_of_compact_json_and_of_lists() -> None:
    data = k.listing([k.node("a", role="control-plane"), k.node("b")])
    compact = json.dumps(data)
    loaded, _problem = load_json(compact)
    assert loaded is not None and loaded.line(("items", 1, "metadata", "name")) == 1
    spread = json.dumps(data, indent=1)
    loaded, _problem = load_json(spread)
    assert loaded is not None
    lines = spread.splitlines()
    assert lines[loaded.line(("items", 1)) - 1].strip() == "{"
    assert '"b"' in lines[loaded.line(("items", 1, "metadata", "name")) - 1]
    assert '"status": "True"' in lines[loaded.line(
        ("items", 0, "status", "conditions", 3, "status")) - 1]


def test_a_large_broken_json_file_is_located_by_json() -> None:
    text = k.as_json(k.big_cluster(30))
    assert len(text) > MAX_TEXT
    broken_line = 5000
    lines = text.splitlines()
    lines[broken_line - 1] = lines[broken_line - 1].rstrip(",") + " ]]"
    loaded, _used, diagnostics = convert("\n".join(lines))
    assert loaded is None
    assert [(d.line, d.subtype) for d in diagnostics] == [(broken_line, Subtype.YAML)]
    assert diagnostics[0].message.startswith("JSON syntax error")


def test_a_yaml_list_longer_than_a_spec_is_read() -> None:
    text = k.as_yaml(k.big_cluster(30))
    assert MAX_TEXT < len(text) < MAX_LIST_TEXT
    cluster, _diagnostics, _data = analyse(text, fmt="auto")
    assert cluster is not None and cluster.workers.count == 30


def test_a_yaml_list_too_long_for_the_yaml_reader_asks_for_json() -> None:
    item = k.as_yaml(k.listing([k.node("n")])).split("items:\n", 1)[1].split("kind: List")[0]
    text = "apiVersion: v1\nitems:\n" + item * (MAX_LIST_TEXT // len(item) + 1) + "kind: List\n"
    assert len(text) > MAX_LIST_TEXT
    loaded, _used, diagnostics = convert(text)
    assert loaded is None and diagnostics[0].subtype is Subtype.SIZE
    assert "-o json" in diagnostics[0].message


def test_a_spec_written_in_json_is_still_a_spec() -> None:
    cluster, diagnostics, _data = analyse('{"control-plane": 3, "load-balancer": "cloud",\n'
                                          ' "workers": 2}\n', fmt="auto")
    assert cluster is not None and diagnostics == []
    _cluster, diagnostics, _data = analyse('{"control-plane": 3,\n "workers": [}\n',
                                           fmt="auto")
    assert [(d.line, d.subtype) for d in diagnostics] == [(2, Subtype.YAML)]
