"""Renderer failures, caching across incremental builds, and parallel builds."""

from __future__ import annotations

from pathlib import Path
import re
import shutil

from helpers import fake_renderers
from helpers.paths import ROOTS
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import MakeApp, build, prepare
import pytest

from sphinx_k8sarch.sphinxext.cache import RENDER_NAME

ONE = Snippet("One", [":name: one"], "control-plane: 3\nworkers: 2\nload-balancer: haproxy\n")
TWO = Snippet("Two", [":name: two"], "control-plane: 3\nworkers: 5\nload-balancer: cloud\n")


@pytest.mark.parametrize("kind", ["missing", "crash", "garbage",
                                  # Every render waits for the timeout, in two builds.
                                  pytest.param("hang", marks=pytest.mark.slow)])
def test_renderer_failure_warns_once_and_shows_text(tmp_path: Path, make_app: MakeApp,
                                                    kind: str) -> None:
    renderer = "/nonexistent/dot" if kind == "missing" else fake_renderers.make(tmp_path, kind)
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    app = build(make_app, srcdir, confoverrides={"k8sarch_renderer": renderer,
                                                 "k8sarch_renderer_timeout": 2})
    warnings = warning_lines(app.warning.getvalue())
    assert len(warnings) == 1, warnings
    assert "[k8sarch.render]" in warnings[0] and "k8sarch_renderer" in warnings[0]
    html = (Path(app.outdir) / "page_md.html").read_text(encoding="utf-8")
    assert html.count("k8sarch-unavailable") == 2
    assert "[cp-1] kube-apiserver" in html
    assert "Paragraph 1 after the diagram." in html
    # The next incremental build tries again and reports the problem again.
    app2 = build(make_app, srcdir, confoverrides={"k8sarch_renderer": renderer,
                                                  "k8sarch_renderer_timeout": 2})
    again = warning_lines(app2.warning.getvalue())
    assert any("[k8sarch.render]" in w for w in again)


@pytest.mark.parametrize("png", [False, True], ids=["svg", "svg+png"])
def test_incremental_build_renders_nothing_new(tmp_path: Path, make_app: MakeApp,
                                               png: bool) -> None:
    log = tmp_path / "renders.log"
    renderer = fake_renderers.counting(tmp_path, log)
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    conf = {"k8sarch_renderer": renderer, "k8sarch_download_png": png}
    per = 2 if png else 1  # an SVG to inline, and a PNG to download if asked
    build(make_app, srcdir, confoverrides=conf)
    # Identical diagrams in the rST and MyST twins share their cached renders.
    assert fake_renderers.renders(log) == 2 * per
    build(make_app, srcdir, confoverrides=conf)
    assert fake_renderers.renders(log) == 2 * per  # no-op rebuild: nothing rendered
    page = srcdir / "page_md.md"
    page.write_text(page.read_text(encoding="utf-8").replace("workers: 5", "workers: 4"),
                    encoding="utf-8")
    build(make_app, srcdir, confoverrides=conf)
    assert fake_renderers.renders(log) == 3 * per  # exactly the edited diagram


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*.html"))}


@pytest.mark.slow
def test_parallel_build_matches_serial_build(tmp_path: Path, make_app: MakeApp) -> None:
    serial_src = prepare(tmp_path / "serial", "renderer", [ONE, TWO])
    parallel_src = prepare(tmp_path / "parallel", "renderer", [ONE, TWO])
    serial = build(make_app, serial_src)
    parallel = build(make_app, parallel_src, parallel=2)
    one, two = _outputs(Path(serial.outdir)), _outputs(Path(parallel.outdir))
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    # (A second app in one process re-registers nodes; only our own warnings matter here.)
    log = parallel.warning.getvalue()
    assert [w for w in warning_lines(log) if "[k8sarch." in w] == []


def test_two_clean_builds_are_byte_identical(tmp_path: Path, make_app: MakeApp) -> None:
    first = build(make_app, prepare(tmp_path / "a", "renderer", [ONE, TWO]))
    second = build(make_app, prepare(tmp_path / "b", "renderer", [ONE, TWO]))
    a, b = _outputs(Path(first.outdir)), _outputs(Path(second.outdir))
    assert a == b
    assert re.search(rb"<svg[^>]+role=\"(img|group)\"", a["page_md.html"])


@pytest.mark.parametrize("state", ["missing", "another sanitiser's"])
def test_pages_do_not_depend_on_the_kept_templates(tmp_path: Path, make_app: MakeApp,
                                                   state: str) -> None:
    """A cache from an older release (no templates, or templates of another sanitiser)
    gives the same pages as a fresh one, and its templates are made anew."""
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    first = build(make_app, srcdir)
    fresh = _outputs(Path(first.outdir))
    cache = Path(first.doctreedir) / "_k8sarch"
    templates = sorted(cache.glob("k8sarch-*.svg.tpl"))
    assert len(templates) == 2
    for template in templates:
        if state == "missing":
            template.unlink()
        else:
            template.write_text('{"version": "0000", "links": []}\n<svg>stale</svg>',
                                encoding="utf-8")
    shutil.rmtree(first.outdir)
    again = build(make_app, srcdir)
    assert _outputs(Path(again.outdir)) == fresh
    assert all("stale" not in t.read_text(encoding="utf-8") for t in templates)


def _renders(folder: Path, suffix: str) -> set[str]:
    return {p.name for p in folder.glob(f"k8sarch-*.{suffix}") if RENDER_NAME.fullmatch(p.name)}


def test_stale_renders_are_removed(tmp_path: Path, make_app: MakeApp) -> None:
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    app = build(make_app, srcdir)
    cache = Path(app.doctreedir) / "_k8sarch"
    before = _renders(cache, "svg")
    assert len(before) == 2  # the rST and MyST twins share their two renders
    latex = build(make_app, srcdir, "latex")
    pngs = _renders(Path(latex.outdir), "png")
    assert len(pngs) == 2
    # Edit one diagram in both twins: its old renders go, the other one's stay.
    for page in ("page_md.md", "page_rst.rst"):
        path = srcdir / page
        path.write_text(path.read_text(encoding="utf-8").replace("workers: 5", "workers: 4"),
                        encoding="utf-8")
    app = build(make_app, srcdir)
    after = _renders(cache, "svg")
    assert len(after) == 2 and len(after & before) == 1
    # Each SVG's sanitised template (made by the renderer's process) lives and goes with it.
    assert _renders(cache, "svg.tpl") == {name + ".tpl" for name in after}
    # A project image whose name merely starts like ours is not ours to delete.
    mine = Path(latex.outdir) / "k8sarch-overview.png"
    mine.write_bytes(b"\x89PNG\r\n\x1a\n")
    latex = build(make_app, srcdir, "latex")
    assert mine.exists()
    assert len(_renders(Path(latex.outdir), "png")) == 2
    assert len(_renders(Path(latex.outdir), "png") & pngs) == 1
    # A diagram deleted from both pages takes its renders with it.
    for page, start in (("page_md.md", "```{k8s-cluster} Two"),
                        ("page_rst.rst", ".. k8s-cluster:: Two")):
        path = srcdir / page
        text = path.read_text(encoding="utf-8")
        path.write_text(text[:text.index(start)], encoding="utf-8")
    app = build(make_app, srcdir)
    assert _renders(cache, "svg") < after
    assert _renders(cache, "svg.tpl") == {name + ".tpl" for name in _renders(cache, "svg")}


@pytest.mark.slow
def test_parallel_reads_keep_every_render_and_index_entry(tmp_path: Path,
                                                          make_app: MakeApp) -> None:
    """Sphinx reads in parallel only above 5 documents: 8 twins of 4 distinct diagrams."""
    snippets = [Snippet(f"P{i}", [], f"control-plane: 3\nworkers: {i + 1}\n"
                                     "load-balancer: haproxy\n") for i in range(4)]
    srcdir = tmp_path / "many"
    shutil.copytree(ROOTS / "test-renderer", srcdir)
    docs = []
    for number, snippet in enumerate(snippets):
        write_twins(srcdir, [snippet], stem=f"p{number}")
        docs += [f"p{number}_rst", f"p{number}_md"]
    (srcdir / "index.rst").write_text("Index\n=====\n\n.. toctree::\n\n"
                                      + "".join(f"   {d}\n" for d in docs), encoding="utf-8")
    app = build(make_app, srcdir, parallel=2)
    assert [w for w in warning_lines(app.warning.getvalue()) if "[k8sarch." in w] == []
    cache = Path(app.doctreedir) / "_k8sarch"
    # The merged environment knows every document's diagram, so nothing live was removed.
    assert len(_renders(cache, "svg")) == 4
    index = (Path(app.outdir) / "k8s-compindex.html").read_text(encoding="utf-8")
    for doc in docs:
        assert f"{doc}.html#" in index, doc
    # An edit under -j removes exactly the render it replaced.
    edited = srcdir / "p0_md.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("workers: 1", "workers: 9"),
                      encoding="utf-8")
    before = _renders(cache, "svg")
    app = build(make_app, srcdir, parallel=2)
    after = _renders(cache, "svg")
    assert len(after) == 5 and len(before - after) == 0  # p0_rst still draws the old one
    edited = srcdir / "p0_rst.rst"
    edited.write_text(edited.read_text(encoding="utf-8").replace("workers: 1", "workers: 9"),
                      encoding="utf-8")
    app = build(make_app, srcdir, parallel=2)
    assert len(_renders(cache, "svg")) == 4
