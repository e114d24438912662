"""Hostile and broken specs (``tests/corpus/bad``): every case gets its located diagnostic
from the core, the CLI and a Sphinx build (rST and MyST), within bounded CPU time and
memory, and the rest of the page still renders.

Each corpus file starts with a header line (a YAML comment, so the file stays the exact
spec under test)::

    # expect: SUBTYPE LINE[, SUBTYPE LINE ...][; rst: ...][; md: ...][; sphinx: no] -- WHAT

``expect`` lists every diagnostic, as (warning subtype, line in the file), in line order.
``rst:`` / ``md:`` replace that list for a spec embedded in a page of that syntax, where the
host parser changes the text before the directive sees it: docutils expands tabs to spaces
in rST, and MyST (CommonMark) replaces NUL with U+FFFD. ``sphinx: no`` keeps a case out of
the embedded pages: non-UTF-8 bytes cannot be part of a page (Sphinx 9 reads every page as
strict UTF-8 and stops the build, see ``test_non_utf8_page_is_a_warning``), and vertical
tab, form feed and U+2028 are line breaks for docutils and for the page writer, so in a
page they are plain line breaks. Those cases still go through the CLI and through Sphinx
as spec files named in the directive argument. The one case whose error is on line 1
carries its header as a trailing comment on that line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
import io
from pathlib import Path
import re
import shutil
import signal
import sys
import tracemalloc
from types import FrameType

from bs4 import BeautifulSoup
from conftest import ROOTS, Snippet, warning_lines, write_twins
import fake_renderers
import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx_helpers import MakeApp, build

from sphinx_k8sarch.cli import main
from sphinx_k8sarch.core.diagnostics import Severity, Subtype
from sphinx_k8sarch.core.pipeline import analyse

CORPUS = Path(__file__).parent / "corpus" / "bad"
HEADER = re.compile(r"#\s*expect:\s*(?P<clauses>.+?)\s+--\s+(?P<what>\S.*)$")
CATEGORIES = {"syntax", "type", "huge", "bomb", "deep", "tab", "control", "long",
              "duplicate", "bytes"}
#: Subtypes of findings: the spec is valid and still drawn.
FINDINGS = {"ha-single", "ha-quorum", "ha-lb", "ha-external-etcd", "placement"}
#: Generous bounds on the work one case may cause (typical: milliseconds, a few MB).
CPU_SECONDS = 10.0
PEAK_BYTES = 50 * 1024 * 1024


Expected = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    what: str
    expect: Expected
    rst: Expected
    md: Expected
    in_page: bool

    @property
    def text(self) -> str | None:
        try:
            return self.data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    @property
    def drawn(self) -> bool:
        return all(subtype in FINDINGS for subtype, _line in self.expect)


def _expected(clause: str) -> Expected:
    pairs = []
    for item in clause.split(","):
        subtype, line = item.split()
        pairs.append((Subtype(subtype).value, int(line)))
    return tuple(pairs)


def _case(path: Path) -> Case:
    data = path.read_bytes()
    header = HEADER.search(data.split(b"\n", 1)[0].decode("latin-1"))
    assert header, f"{path.name}: the first line must be '# expect: ... -- what it tests'"
    clauses: dict[str, str] = {}
    for clause in header["clauses"].split(";"):
        key, _colon, value = clause.strip().rpartition(":")
        clauses[key.strip() or "expect"] = value.strip()
    assert set(clauses) <= {"expect", "rst", "md", "sphinx"}, path.name
    expect = _expected(clauses["expect"])
    return Case(path.stem, data, header["what"], expect,
                _expected(clauses["rst"]) if "rst" in clauses else expect,
                _expected(clauses["md"]) if "md" in clauses else expect,
                clauses.get("sphinx", "yes") != "no")


CASES = [_case(path) for path in sorted(CORPUS.glob("*.yaml"))]
TEXT_CASES = [case for case in CASES if case.text is not None]
PAGE_CASES = [case for case in CASES if case.in_page]


def _param(case: Case) -> object:
    return pytest.param(case, id=case.name)


class CPUBudgetExceededError(Exception):
    pass


@contextmanager
def bounded(seconds: float = CPU_SECONDS) -> Iterator[list[int]]:
    """Stop the block after ``seconds`` of CPU time (a resource limit, not a wall-clock
    assertion) and yield a one-item list that receives the peak traced allocation."""

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise CPUBudgetExceededError(f"more than {seconds} s of CPU time")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    tracemalloc.start()
    peak = [0]
    try:
        yield peak
    finally:
        peak[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


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

@pytest.mark.parametrize("case", [_param(case) for case in TEXT_CASES])
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


# -- CLI ---------------------------------------------------------------------------------

CHECK_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<sev>error|warning): (?P<msg>.+) "
                        r"\[k8sarch\.(?P<sub>[a-z-]+)\]$")


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_cli_check_locates_each_problem(case: Case) -> None:
    path = str(CORPUS / f"{case.name}.yaml")
    out, err = io.StringIO(), io.StringIO()
    with bounded() as peak, redirect_stdout(out), redirect_stderr(err):
        status = main(["check", path])
    assert peak[0] < PEAK_BYTES
    assert err.getvalue() == ""
    got = []
    for line in out.getvalue().splitlines():
        match = CHECK_LINE.match(line)
        assert match, f"not one diagnostic per line: {line[:200]!r}"
        assert match["path"] == path
        assert (match["sev"] == "warning") == (match["sub"] in FINDINGS)
        got.append((match["sub"], int(match["line"])))
    assert tuple(got) == case.expect
    assert status == (0 if case.drawn else 1)


# -- Sphinx ------------------------------------------------------------------------------

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
# tests/test_rendering.py covers missing, crashing, garbage and hanging renderers (one
# warning naming k8sarch_renderer, the text instead of the picture, the build finishes, a
# warning again on the next build). What it leaves out is added here: exactly one warning
# and still the text on the next build, the pictures back once the renderer is repaired
# without a configuration change, XML that is not SVG, and one warning under -j.

ONE = Snippet("One", [], "control-plane: 3\nworkers: 2\nload-balancer: haproxy\n")
TWO = Snippet("Two", [], "control-plane: 3\nworkers: 5\nload-balancer: cloud\n")
GRAPHVIZ_PURE = str(Path(sys.executable).parent / "graphviz-pure")
WORKING = f"import os, sys\nos.execv({GRAPHVIZ_PURE!r}, [{GRAPHVIZ_PURE!r}, *sys.argv[1:]])\n"


def _renderer(tmp_path: Path, script: str) -> str:
    path = tmp_path / "dot-under-test"
    path.write_text(f"#!{sys.executable}\n{script}\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


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
    renderer = _renderer(tmp_path, fake_renderers.SCRIPTS["crash"])
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
    _renderer(tmp_path, WORKING)
    app = build(make_app, srcdir, confoverrides=overrides)
    # (A second app in one process re-registers nodes; only our own warnings matter here.)
    assert [w for w in warning_lines(app.warning.getvalue()) if "[k8sarch." in w] == []
    for soup in _pages(app):
        assert len(soup.select("div.k8sarch-diagram svg")) == 2
        assert not soup.select(".k8sarch-unavailable")


NOT_SVG = ("import sys\nif '-V' in sys.argv: sys.exit(0)\n"
           "out = sys.argv[sys.argv.index('-o') + 1]\n"
           "open(out, 'w').write('<?xml version=\"1.0\"?><html><body>"
           "<script>alert(1)</script></body></html>')\n")


def test_renderer_writing_xml_that_is_not_svg(tmp_path: Path, make_app: MakeApp) -> None:
    """Starts like SVG (``<?xml``), parses, but is an HTML document with a script: one
    render warning and the text, never the document inlined into the page."""
    srcdir = tmp_path / "notsvg"
    shutil.copytree(ROOTS / "test-renderer", srcdir)
    write_twins(srcdir, [ONE, TWO])
    app = build(make_app, srcdir, confoverrides={"k8sarch_renderer": _renderer(tmp_path,
                                                                               NOT_SVG)})
    warnings = _render_warnings(app)
    assert len(warnings) == 1 and "k8sarch_renderer" in warnings[0]
    for soup in _pages(app):
        assert len(soup.select(".k8sarch-unavailable")) == 2
        assert "alert(1)" not in str(soup)


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
