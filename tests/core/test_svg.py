"""Rendered pictures made inline SVG: text stays text, titles are labels."""

from __future__ import annotations

from pathlib import Path

from helpers.markers import needs_renderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import parse
from sphinx_k8sarch.core.render import render
from sphinx_k8sarch.core.svg import TEMPLATE_VERSION, fill_template, inline_svg, svg_template

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


# -- the template made once per render -----------------------------------------------------
def _linked_render(tmp_path: Path) -> bytes:
    cluster, _, _ = parse(HA)
    assert cluster is not None
    path, _new = render(to_dot(build_graph(cluster, EN)), "svg", tmp_path)
    return path.read_bytes()


#: Titles, descriptions, prefixes and link targets with everything XML escapes.
_awkward = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@needs_renderer
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=_awkward, title=_awkward, description=_awkward,
       targets=st.lists(st.sampled_from(["#etcd", "page.html#a&b", 'x"y', "https://k8s.io/",
                                         "a\tb\nc\rd", "<x>", "#\ue000\ue001"]), min_size=1))
def test_the_filled_template_is_what_the_full_sanitiser_writes(
        tmp_path: Path, prefix: str, title: str, description: str, targets: list[str]) -> None:
    """The writers fill in a template the pool made: the page must not change by a byte."""
    data = _linked_render(tmp_path)
    template = svg_template(data)
    assert template is not None

    def link(name: str) -> str:
        return targets[len(name) % len(targets)]

    expected = inline_svg(data, prefix, title, description, link)
    assert "<a " in expected  # the figure holds links: their targets are filled in
    assert fill_template(template, prefix, title, description, link) == expected


def test_a_template_steps_aside_when_it_cannot_say(tmp_path: Path) -> None:
    data = _linked_render(tmp_path)
    template = svg_template(data)
    assert template is not None
    # A link that is dropped changes the drawing (unwrapped, role): the full path decides.
    assert fill_template(template, "p", "t", "d", lambda c: None) is None
    assert fill_template(template, "p", "t", "d", lambda c: "javascript:x") is None
    # Another sanitiser's template (another release, an edited module) is not trusted.
    stale = template.replace(TEMPLATE_VERSION, "0" * len(TEMPLATE_VERSION), 1)
    assert fill_template(stale, "p", "t", "d", lambda c: "#x") is None
    # A damaged template (its head no longer what this sanitiser writes) is not used.
    head, _, body = template.partition("\n")
    for damaged in ("[1, 2]", head.replace('"links": [', '"links": [1, '), "{", ""):
        assert fill_template(f"{damaged}\n{body}", "p", "t", "d", lambda c: "#x") is None
    # A render holding a placeholder character (a label with U+E000) gets no template.
    assert svg_template(data.replace(b"kube-apiserver", "kube-\ue000".encode(), 1)) is None
