"""The bad-spec corpus (``tests/corpus/bad``, see :mod:`helpers.corpus`) in a Sphinx build, rST
and MyST: every case as a directive body and as a spec file warns at its line and the rest of
the page still renders; renderers that are broken inputs too."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
import re
import shutil

from bs4 import BeautifulSoup
from helpers import fake_renderers
from helpers.corpus import CASES, CORPUS, FINDINGS, PAGE_CASES
from helpers.paths import ROOTS
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import MakeApp, build
import pytest
from sphinx.testing.util import SphinxTestApp

VALID = Snippet("", [":descriptions: none"],
                "control-plane: 3\nload-balancer: haproxy\nworkers: 2\n")
WARNING = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): WARNING: .* \[(?P<type>k8sarch\.[a-z-]+)\]$")


def _corpus_project(tmp_path: Path) -> tuple[Path, dict[str, list[int]], dict[str, list[int]]]:
    """Four pages: every page case embedded as a body (``body_rst``/``body_md``) and every
    case named as a spec file (``files_rst``/``files_md``), each case after a valid diagram
    and followed by a paragraph."""
    srcdir = tmp_path / "corpus"
    shutil.copytree(ROOTS / "test-bad", srcdir)
    shutil.copytree(CORPUS, srcdir / "specs")
    (srcdir / "index.rst").write_text(
        "Corpus\n======\n\n.. toctree::\n\n   body_rst\n   body_md\n   files_rst\n"
        "   files_md\n", encoding="utf-8")
    body: list[Snippet] = []
    for case in PAGE_CASES:
        assert case.text is not None
        body += [VALID, Snippet("", [], case.text)]
    files: list[Snippet] = []
    for case in CASES:
        files += [VALID, Snippet(f"specs/{case.name}.yaml", [], "")]
    body_starts = write_twins(srcdir, body, stem="body")
    file_starts = write_twins(srcdir, files, stem="files")
    return srcdir, body_starts, file_starts


def _located(app: SphinxTestApp) -> Counter[tuple[str, int, str]]:
    found: Counter[tuple[str, int, str]] = Counter()
    for line in warning_lines(app.warning.getvalue()):
        match = WARNING.match(line)
        assert match, f"not a located k8sarch warning: {line[:300]!r}"
        found[(Path(match["path"]).name, int(match["line"]), match["type"])] += 1
    return found


@pytest.mark.slow  # every case four times in one build: body and file, rST and MyST
def test_every_case_warns_at_its_line_and_the_page_goes_on(tmp_path: Path,
                                                           make_app: MakeApp) -> None:
    srcdir, body_starts, _file_starts = _corpus_project(tmp_path)
    app = build(make_app, srcdir)
    want: Counter[tuple[str, int, str]] = Counter()
    for syntax, suffix in (("rst", "rst"), ("md", "md")):
        for index, case in enumerate(PAGE_CASES):
            start = body_starts[syntax][2 * index + 1]
            expect = case.rst if syntax == "rst" else case.md
            for subtype, line in expect:
                want[(f"body_{syntax}.{suffix}", start + line - 1, f"k8sarch.{subtype}")] += 1
        for case in CASES:
            for subtype, line in case.expect:
                want[(f"{case.name}.yaml", line, f"k8sarch.{subtype}")] += 1
    got = _located(app)
    assert got == want, (sorted((got - want).items())[:10], sorted((want - got).items())[:10])
    log = app.warning.getvalue() + app.status.getvalue()
    assert "Traceback" not in log and "Exception" not in log

    outdir = Path(app.outdir)
    for stem, cases, per_syntax in (("body", PAGE_CASES, True), ("files", CASES, False)):
        for syntax in ("rst", "md"):
            soup = BeautifulSoup((outdir / f"{stem}_{syntax}.html").read_text(encoding="utf-8"),
                                 "html.parser")
            drawn = sum(
                all(s in FINDINGS for s, _line in (
                    (c.rst if syntax == "rst" else c.md) if per_syntax else c.expect))
                for c in cases)
            diagrams = soup.select("div.k8sarch-diagram")
            # Every valid diagram between the bad ones (and every case that is only a
            # finding) is still drawn as an inline picture, never the text fallback.
            assert len(diagrams) == len(cases) + drawn, (stem, syntax)
            assert all(d.find("svg") is not None for d in diagrams)
            assert not soup.select(".k8sarch-unavailable")
            text = soup.get_text()
            for index in range(2 * len(cases)):
                assert f"Paragraph {index} after the diagram." in text, (stem, syntax, index)


@pytest.mark.parametrize("syntax", ["rst", "md"])
def test_non_utf8_page_is_a_warning(tmp_path: Path, make_app: MakeApp, syntax: str) -> None:
    srcdir = tmp_path / "latin1"
    shutil.copytree(ROOTS / "test-bad", srcdir)
    write_twins(srcdir, [VALID, Snippet("Café", [], "control-plane: 3\nworkers: 1\n")])
    page = srcdir / ("page_rst.rst" if syntax == "rst" else "page_md.md")
    data = page.read_text(encoding="utf-8").encode("latin-1")
    page.write_bytes(data)
    line = data[:data.index(b"\xe9")].count(b"\n") + 1
    app = build(make_app, srcdir)
    warnings = warning_lines(app.warning.getvalue())
    # Sphinx alone stops the whole build ("Encoding error!"); the extension turns it into
    # one located warning and leaves that page out.
    assert any(f"{page.name}:{line}:" in w and "UTF-8" in w and "[k8sarch.file]" in w
               for w in warnings), warnings
    # The build finishes: the other twin is written.
    other = "page_md" if syntax == "rst" else "page_rst"
    assert (Path(app.outdir) / f"{other}.html").exists()


# -- the renderer as broken input ------------------------------------------------------------
# tests/sphinxext/test_rendering.py covers missing, crashing, garbage and hanging renderers
# (one warning naming k8sarch_renderer, the text instead of the picture, the build finishes,
# a warning again on the next build). What it leaves out is added here: exactly one warning
# and still the text on the next build, the pictures back once the renderer is repaired
# without a configuration change, XML that is not SVG, and one warning under -j.

ONE = Snippet("One", [], "control-plane: 3\nworkers: 2\nload-balancer: haproxy\n")
TWO = Snippet("Two", [], "control-plane: 3\nworkers: 5\nload-balancer: cloud\n")


def _render_warnings(app: SphinxTestApp) -> list[str]:
    return [w for w in warning_lines(app.warning.getvalue()) if "[k8sarch.render]" in w]


def _pages(app: SphinxTestApp) -> list[BeautifulSoup]:
    return [BeautifulSoup((Path(app.outdir) / f"page_{s}.html").read_text(encoding="utf-8"),
                          "html.parser") for s in ("rst", "md")]


def test_failed_renders_are_retried_until_the_renderer_works(tmp_path: Path,
                                                              make_app: MakeApp) -> None:
    """Same configuration, renderer broken and then repaired in place: the second build
    warns exactly once again and still shows the text (no stale picture, no silence); the
    third, after the repair, draws every picture and says nothing."""
    renderer = fake_renderers.write(tmp_path, fake_renderers.SCRIPTS["crash"])
    srcdir = tmp_path / "retry"
    shutil.copytree(ROOTS / "test-renderer", srcdir)
    write_twins(srcdir, [ONE, TWO])
    overrides = {"k8sarch_renderer": renderer}
    for _attempt in range(2):
        app = build(make_app, srcdir, confoverrides=overrides)
        assert len(_render_warnings(app)) == 1
        assert "k8sarch_renderer" in _render_warnings(app)[0]
        for soup in _pages(app):
            assert len(soup.select(".k8sarch-unavailable")) == 2
            assert not soup.select("div.k8sarch-diagram svg")
            assert "[cp-1] kube-apiserver" in soup.get_text()
    fake_renderers.write(tmp_path, fake_renderers.SCRIPTS["working"])
    app = build(make_app, srcdir, confoverrides=overrides)
    # (A second app in one process re-registers nodes; only our own warnings matter here.)
    assert [w for w in warning_lines(app.warning.getvalue()) if "[k8sarch." in w] == []
    for soup in _pages(app):
        assert len(soup.select("div.k8sarch-diagram svg")) == 2
        assert not soup.select(".k8sarch-unavailable")


@pytest.mark.parametrize("kind", ["not-svg", "broken-svg"])
def test_renderer_writing_svg_that_cannot_be_used(tmp_path: Path, make_app: MakeApp,
                                                  kind: str) -> None:
    """Starts like SVG, then is an HTML document with a script (``not-svg``) or cannot be
    parsed (``broken-svg``; no sanitised template can be made either): one render warning
    and the text, never the document inlined into the page."""
    srcdir = tmp_path / "notsvg"
    shutil.copytree(ROOTS / "test-renderer", srcdir)
    write_twins(srcdir, [ONE, TWO])
    renderer = fake_renderers.make(tmp_path, kind)
    app = build(make_app, srcdir, confoverrides={"k8sarch_renderer": renderer})
    warnings = _render_warnings(app)
    assert len(warnings) == 1 and "k8sarch_renderer" in warnings[0]
    for soup in _pages(app):
        assert len(soup.select(".k8sarch-unavailable")) == 2
        assert "alert(1)" not in str(soup)


@pytest.mark.slow
def test_one_render_warning_in_a_parallel_build(tmp_path: Path, make_app: MakeApp) -> None:
    """-j 3 forks two writer processes after the main one writes the first document (the
    index, without diagrams): still one warning for the build."""
    srcdir = tmp_path / "parallel"
    shutil.copytree(ROOTS / "test-renderer", srcdir)
    stems = [f"p{i}" for i in range(6)]
    for stem in stems:
        write_twins(srcdir, [ONE, TWO], stem=stem)
    (srcdir / "index.rst").write_text(
        "Parallel\n========\n\n.. toctree::\n\n"
        + "".join(f"   {s}_rst\n   {s}_md\n" for s in stems), encoding="utf-8")
    app = build(make_app, srcdir, parallel=3,
                confoverrides={"k8sarch_renderer": "/nonexistent/dot"})
    assert len(_render_warnings(app)) == 1
