"""Renders start while Sphinx reads, in a pool beside the build, and the writers collect
them: each diagram is still rendered once, under ``-j`` too, with one warning for a broken
renderer, and a build leaves no process, claim or temporary file behind. No timing is
asserted: renders are held back by a gate file, waits have deadlines only against hangs."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
import os
from pathlib import Path
import pickle
import shutil
import time

from helpers import fake_renderers
from helpers.paths import ROOTS
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import MakeApp, build, prepare
import pytest
from sphinx.environment import BuildEnvironment

from sphinx_k8sarch.core.render import PENDING_FOLDER
from sphinx_k8sarch.sphinxext.cache import ENV_JOBS, POOLS

ONE = Snippet("One", [":name: one"], "control-plane: 3\nworkers: 2\nload-balancer: haproxy\n")
TWO = Snippet("Two", [":name: two"], "control-plane: 3\nworkers: 5\nload-balancer: cloud\n")
PATIENCE = 60.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.01)


def _k8sarch_warnings(app: object) -> list[str]:
    return [w for w in warning_lines(app.warning.getvalue())  # type: ignore[attr-defined]
            if "[k8sarch." in w]


def _leftovers(doctreedir: Path) -> list[str]:
    """Temporary and claim files, and dispatcher processes still running (Linux)."""
    cache = doctreedir / "_k8sarch"
    found = [p.name for p in cache.glob(".tmp-*")]
    if (cache / PENDING_FOLDER).exists():
        found.append(PENDING_FOLDER)
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                if b"core.render import" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(f"process {pid}")
            except OSError:
                pass
    return found


def _many(tmp_path: Path, count: int = 4) -> tuple[Path, list[str]]:
    """``2 * count`` documents (above Sphinx's 5, so -j reads in parallel) holding
    ``count`` distinct diagrams, each in an rST and a MyST twin."""
    srcdir = tmp_path / "many"
    shutil.copytree(ROOTS / "test-renderer", srcdir)
    docs = []
    for number in range(count):
        write_twins(srcdir, [Snippet(f"P{number}", [], f"control-plane: 3\nworkers: "
                                                       f"{number + 1}\nload-balancer: haproxy\n")],
                    stem=f"p{number}")
        docs += [f"p{number}_rst", f"p{number}_md"]
    (srcdir / "index.rst").write_text("Index\n=====\n\n.. toctree::\n\n"
                                      + "".join(f"   {d}\n" for d in docs), encoding="utf-8")
    return srcdir, docs


def test_renders_start_while_the_documents_are_read(tmp_path: Path, make_app: MakeApp) -> None:
    log, gate = tmp_path / "starts.log", tmp_path / "gate"
    gate.touch()
    renderer = fake_renderers.write(tmp_path, (
        "import os, sys, time\n"
        f"real = {fake_renderers.GRAPHVIZ_PURE!r}\n"
        "if '-V' not in sys.argv:\n"
        f"    open({str(log)!r}, 'a').write('start\\n')\n"
        f"    while os.path.exists({str(gate)!r}): time.sleep(0.01)\n"
        "os.execv(real, [real, *sys.argv[1:]])\n"), "gated-dot")
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    app = make_app("html", srcdir=srcdir, warning=StringIO(),
                   confoverrides={"k8sarch_renderer": renderer})
    started: list[int] = []

    def reading_done(app: object, env: BuildEnvironment) -> None:
        # Reading is over and no page is written yet: a render must already be running.
        wait_for(lambda: log.exists() and "start" in log.read_text(), "a render to start")
        started.append(log.read_text().count("start"))
        gate.unlink()

    app.connect("env-updated", reading_done)
    app.build()
    assert started and started[0] >= 1
    assert _k8sarch_warnings(app) == []
    html = (Path(app.outdir) / "page_md.html").read_text(encoding="utf-8")
    assert html.count('class="k8sarch-svg"') == 2
    assert log.read_text().count("start") == 2  # the twins share their two renders
    assert _leftovers(Path(app.doctreedir)) == []


def test_the_pool_ends_with_the_build(tmp_path: Path, make_app: MakeApp) -> None:
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    app = build(make_app, srcdir)
    assert _leftovers(Path(app.doctreedir)) == []
    assert POOLS == {}
    assert _k8sarch_warnings(app) == []


@pytest.mark.parametrize("builder", ["html", "latex"])
def test_each_render_is_made_once(tmp_path: Path, make_app: MakeApp, builder: str) -> None:
    """The pool and the writers share the work: the rST and MyST twins of two diagrams
    make two renders (SVG for HTML, the PNG print variant for LaTeX), not four."""
    log = tmp_path / "renders.log"
    renderer = fake_renderers.counting(tmp_path, log)
    if builder == "latex":  # named as graphviz-pure is, so LaTeX asks it for PNG, not PDF
        named = tmp_path / "bin" / "graphviz-pure"
        named.parent.mkdir()
        renderer = str(shutil.copy(renderer, named))
    srcdir = prepare(tmp_path, "renderer", [ONE, TWO])
    app = build(make_app, srcdir, builder, confoverrides={"k8sarch_renderer": renderer})
    assert fake_renderers.renders(log) == 2
    assert _k8sarch_warnings(app) == []
    if builder == "latex":
        assert len(list(Path(app.outdir).glob("k8sarch-*.png"))) == 2


def test_png_downloads_are_rendered_ahead_only_when_asked(tmp_path: Path,
                                                          make_app: MakeApp) -> None:
    """A PNG is thirty times the work of an SVG: without ``k8sarch_download_png`` none is
    made and none is linked; with it, each distinct diagram's PNG is rendered once, in the
    pool, and linked under both twins."""
    for asked, renders in ((False, 2), (True, 4)):
        work = tmp_path / str(asked)  # a project and render cache of its own
        work.mkdir()
        log = work / "renders.log"
        renderer = fake_renderers.counting(work, log)
        app = build(make_app, prepare(work, "renderer", [ONE, TWO]), "html",
                    confoverrides={"k8sarch_renderer": renderer, "k8sarch_download_png": asked})
        assert fake_renderers.renders(log) == renders
        assert _k8sarch_warnings(app) == []
        page = (Path(app.outdir) / "page_md.html").read_text(encoding="utf-8")
        assert page.count('class="k8sarch-download') == (4 if asked else 2)
        pngs = list((Path(app.outdir) / "_images").glob("k8sarch-*.png"))
        assert len(pngs) == (2 if asked else 0)
        assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


@pytest.mark.slow
def test_parallel_build_renders_each_diagram_once(tmp_path: Path, make_app: MakeApp) -> None:
    """-j 2 reads in forked processes (their DOT reaches the pool through the environment
    they hand back) and writes in forked processes (which collect the pool's renders)."""
    log = tmp_path / "renders.log"
    renderer = fake_renderers.counting(tmp_path, log)
    srcdir, docs = _many(tmp_path)
    app = build(make_app, srcdir, parallel=2, confoverrides={"k8sarch_renderer": renderer})
    assert _k8sarch_warnings(app) == []
    assert fake_renderers.renders(log) == 4
    for doc in docs:
        html = (Path(app.outdir) / f"{doc}.html").read_text(encoding="utf-8")
        assert html.count('class="k8sarch-svg"') == 1, doc
    assert _leftovers(Path(app.doctreedir)) == []
    # The jobs travelled with the readers' environments, never into the saved one.
    with (Path(app.doctreedir) / "environment.pickle").open("rb") as saved:
        assert not hasattr(pickle.load(saved), ENV_JOBS)  # our own build's output


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["crash", "hang"])
def test_one_warning_for_a_broken_renderer_under_j2(tmp_path: Path, make_app: MakeApp,
                                                    kind: str) -> None:
    srcdir, docs = _many(tmp_path, 3)
    renderer = fake_renderers.make(tmp_path, kind)
    app = build(make_app, srcdir, parallel=2,
                confoverrides={"k8sarch_renderer": renderer, "k8sarch_renderer_timeout": 1})
    warnings = _k8sarch_warnings(app)
    assert len(warnings) == 1, warnings
    assert "[k8sarch.render]" in warnings[0] and "k8sarch_renderer" in warnings[0]
    assert "(6 diagrams)" in warnings[0]  # each page's diagram counts
    for doc in docs:
        html = (Path(app.outdir) / f"{doc}.html").read_text(encoding="utf-8")
        assert "k8sarch-unavailable" in html, doc
    assert _leftovers(Path(app.doctreedir)) == []
