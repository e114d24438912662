"""The bad-spec corpus (``tests/corpus/bad``, see :mod:`helpers.corpus`) and ``k8sarch check``:
every case, as a file, gets exactly its located diagnostics, one per line, within bounds."""

from __future__ import annotations

from contextlib import redirect_stderr, redirect_stdout
import io

from helpers.cli import CHECK_LINE
from helpers.corpus import CASES, CORPUS, FINDINGS, PEAK_BYTES, Case, bounded, param
import pytest

from sphinx_k8sarch.cli import main


@pytest.mark.parametrize("case", [param(case) for case in CASES])
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
