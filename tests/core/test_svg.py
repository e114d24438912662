"""Rendered pictures made inline SVG: text stays text, titles are labels."""

from __future__ import annotations

from pathlib import Path

from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.svg import inline_svg

EN = Translator("en")
HA = "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\nclients: [kubectl]\n"


def test_labels_with_markup_stay_text(tmp_path: Path) -> None:
    evil = 'x" -> y [label="<script>alert(1)</script>"]; \\'
    cluster, _, _ = parse(f"control-plane: 3\nload-balancer: {evil!r}\n")
    assert cluster is not None
    source = to_dot(build_graph(cluster, EN))
    path, _new = render(source, "svg", tmp_path)
    svg = inline_svg(path.read_bytes(), "p", "t<", "d&", lambda c: "javascript:alert(1)")
    assert "<script" not in svg and "javascript:" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg  # shown as text
    assert "t&lt;" in svg and "d&amp;" in svg


def test_svg_titles_are_labels_not_internal_names(tmp_path: Path) -> None:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", tmp_path)
    svg = inline_svg(path.read_bytes(), "p", "t", "d", lambda c: None)
    assert "<title>cp1_kube_apiserver</title>" not in svg
    assert "<title>kube-apiserver</title>" in svg
    assert "<title>cp-1</title>" in svg
    assert "<a " not in svg and 'id="p-p-' not in svg  # unwrapped once, prefixed once
