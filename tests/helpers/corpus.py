"""Hostile and broken specs (``tests/corpus/bad``), read by the tests of every layer: each
case gets its located diagnostics from the core (``tests/core/test_corpus.py``), the CLI
(``tests/cli/test_cli_corpus.py``) and a Sphinx build in rST and MyST
(``tests/sphinxext/test_sphinx_corpus.py``), within bounded CPU time and memory, and the
rest of the page still renders.

Each corpus file starts with a header line (a YAML comment, so the file stays the exact
spec under test)::

    # expect: SUBTYPE LINE[, SUBTYPE LINE ...][; rst: ...][; md: ...][; sphinx: no] -- WHAT

``expect`` lists every diagnostic, as (warning subtype, line in the file), in line order.
``rst:`` / ``md:`` replace that list for a spec embedded in a page of that syntax, where the
host parser changes the text before the directive sees it: docutils expands tabs to spaces
in rST, and MyST (CommonMark) replaces NUL with U+FFFD. ``sphinx: no`` keeps a case out of
the embedded pages: non-UTF-8 bytes cannot be part of a page (Sphinx 9 reads every page as
strict UTF-8 and stops the build, see ``test_non_utf8_page_is_a_warning`` in
``tests/sphinxext/test_sphinx_corpus.py``), and vertical tab, form feed and U+2028 are line
breaks for docutils and for the page writer, so in a page they are plain line breaks. Those
cases still go through the CLI and through Sphinx as spec files named in the directive
argument. The one case whose error is on line 1 carries its header as a trailing comment on
that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
import re
import signal
import tracemalloc
from types import FrameType

import pytest

from helpers.paths import CORPUS
from sphinx_k8sarch.core.diagnostics import Subtype

HEADER = re.compile(r"#\s*expect:\s*(?P<clauses>.+?)\s+--\s+(?P<what>\S.*)$")
CATEGORIES = {"syntax", "type", "value", "huge", "bomb", "deep", "tab", "control", "long",
              "duplicate", "bytes"}
#: Subtypes of findings: the spec is valid and still drawn.
#: Subtypes that are warnings in the corpus: the case is still drawn. An unknown name in a
#: component list is left out with a warning and the rest of the figure is drawn.
FINDINGS = {"ha-single", "ha-quorum", "ha-lb", "ha-external-etcd", "ha-zone", "placement",
            "unknown-component"}
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


def expected(clause: str) -> Expected:
    pairs = []
    for item in clause.split(","):
        subtype, line = item.split()
        pairs.append((Subtype(subtype).value, int(line)))
    return tuple(pairs)


def read_case(path: Path) -> Case:
    data = path.read_bytes()
    header = HEADER.search(data.split(b"\n", 1)[0].decode("latin-1"))
    assert header, f"{path.name}: the first line must be '# expect: ... -- what it tests'"
    clauses: dict[str, str] = {}
    for clause in header["clauses"].split(";"):
        key, _colon, value = clause.strip().rpartition(":")
        clauses[key.strip() or "expect"] = value.strip()
    assert set(clauses) <= {"expect", "rst", "md", "sphinx"}, path.name
    expect = expected(clauses["expect"])
    return Case(path.stem, data, header["what"], expect,
                expected(clauses["rst"]) if "rst" in clauses else expect,
                expected(clauses["md"]) if "md" in clauses else expect,
                clauses.get("sphinx", "yes") != "no")


CASES = [read_case(path) for path in sorted(CORPUS.glob("*.yaml"))]
TEXT_CASES = [case for case in CASES if case.text is not None]
PAGE_CASES = [case for case in CASES if case.in_page]


def param(case: Case) -> object:
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
