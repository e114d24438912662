"""The bad-spec corpus (``tests/corpus/bad``, see :mod:`helpers.corpus`) and the core: every
case gets its located diagnostics within bounded CPU time and memory."""

from __future__ import annotations

from helpers.corpus import CASES, CATEGORIES, FINDINGS, PEAK_BYTES, TEXT_CASES, Case, bounded, param
import pytest

from sphinx_k8sarch.core.diagnostics import Severity
from sphinx_k8sarch.core.pipeline import analyse

# -- the corpus itself -----------------------------------------------------------------------

def test_corpus_covers_every_category() -> None:
    assert {case.name.split("-")[0] for case in CASES} == CATEGORIES
    assert len(CASES) >= 60
    for case in CASES:
        # Python's line breaks (U+2028 too, as for YAML), or newlines in undecodable bytes.
        lines = len(case.text.splitlines()) if case.text is not None else len(
            case.data.splitlines())
        assert all(1 <= line <= lines for _subtype, line in case.expect + case.rst + case.md), (
            case.name)
        assert list(case.expect) == sorted(case.expect, key=lambda pair: pair[1]), case.name
    # Everything that cannot live in a page is UTF-8 trouble or a line-break character.
    assert {c.name for c in CASES if not c.in_page} == {
        c.name for c in CASES
        if c.text is None or any(ch in c.text for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")}


# -- core --------------------------------------------------------------------------------

@pytest.mark.parametrize("case", [param(case) for case in TEXT_CASES])
def test_core_locates_each_problem_within_bounds(case: Case) -> None:
    assert case.text is not None
    with bounded() as peak:
        cluster, diagnostics, _data = analyse(case.text)
    assert peak[0] < PEAK_BYTES, f"{case.name}: peak {peak[0]} bytes"
    assert tuple((d.subtype.value, d.line) for d in diagnostics) == case.expect
    assert (cluster is not None) == case.drawn
    for diagnostic in diagnostics:
        assert diagnostic.message and "\n" not in diagnostic.message
        assert diagnostic.is_error == (diagnostic.subtype.value not in FINDINGS)
        assert diagnostic.severity in Severity


def test_merged_keys_may_be_overridden() -> None:
    """``<<: *base`` then ``count: 5`` is how YAML merge keys are used, not a duplicate key
    (it was reported as one); writing the same key twice yourself still is."""
    text = ("base: &base {count: 3, components: [kubelet]}\n"
            "workers:\n  <<: *base\n  count: 5\n")
    _cluster, diagnostics, data = analyse(text)
    assert data is None  # 'base' is an unknown key, reported at its line
    assert [(d.line, d.subtype.value) for d in diagnostics] == [(1, "unknown-key")]
    cluster, diagnostics, _data = analyse(
        "control-plane: &cp {count: 3}\nload-balancer: cloud\nworkers:\n  <<: *cp\n"
        "  count: 5\n  count: 6\n")
    assert [(d.line, d.subtype.value) for d in diagnostics] == [(6, "duplicate-key")]
    cluster, diagnostics, _data = analyse(
        "control-plane: &cp {count: 3}\nload-balancer: cloud\nworkers:\n  <<: *cp\n"
        "  count: 5\n")
    assert cluster is not None and diagnostics == []
    assert cluster.workers.count == 5 and cluster.control_plane.count == 3


def test_merge_keys_follow_the_yaml_rules() -> None:
    """Of several merged mappings the first wins, the mapping's own keys win over all; a
    merge of something other than mappings is an error at its line."""
    cluster, diagnostics, _data = analyse(
        "control-plane: &a {count: 3}\nload-balancer: cloud\n"
        "workers:\n  <<: [*a, {count: 9, components: [kubelet]}]\n")
    assert cluster is not None, diagnostics
    assert (cluster.workers.count, cluster.workers.components) == (3, ("kubelet",))
    _cluster, diagnostics, _data = analyse("control-plane: 3\nworkers:\n  <<: [3]\n")
    assert [(d.line, d.subtype.value) for d in diagnostics] == [(3, "yaml")]
    assert "expected a mapping for merging" in diagnostics[0].message
