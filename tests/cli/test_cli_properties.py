"""Property-based test (hypothesis) of ``k8sarch check``: whatever the bytes of the file, one
located diagnostic per line on standard output, nothing on standard error, and the exit
status the diagnostics call for. Strategies and example counts: :mod:`helpers.strategies`.
"""

from __future__ import annotations

from contextlib import redirect_stderr, redirect_stdout
import io
from pathlib import Path

from helpers.cli import CHECK_LINE
from helpers.strategies import PROFILE, dumped, specs, texts
from hypothesis import example, given
from hypothesis import strategies as st
import pytest

from sphinx_k8sarch.cli import main
from sphinx_k8sarch.core.diagnostics import Subtype

#: Hypothesis runs hundreds of examples (10,000 in CI).
pytestmark = pytest.mark.slow


def _spliced(parts: tuple[str, bytes, int]) -> bytes:
    text, junk, at = parts
    data = text.encode("utf-8")
    at %= len(data) + 1
    return data[:at] + junk + data[at:]


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "spec.yaml"


@PROFILE
@given(data=st.one_of(
    st.binary(max_size=300),
    texts.map(lambda text: text.encode("utf-8")),
    st.tuples(texts, st.binary(min_size=1, max_size=4), st.integers(0, 10_000)).map(_spliced),
    st.tuples(dumped(specs), st.sampled_from([b"\xff\xfe", b"\xe9", b"\xc3", b"\xed\xa0\x80",
                                              b"\xef\xbb\xbf"]),
              st.integers(0, 10_000)).map(_spliced),
))
@example(data=b' "\\U80000000')  # PyYAML's scanner raised OverflowError from chr()
@example(data=b'title: "\\uD800"')  # a lone surrogate, which no output can encode
def test_cli_check_on_any_bytes(spec_file: Path, data: bytes) -> None:
    spec_file.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["check", str(spec_file)])
    assert status in (0, 1, 2)
    assert err.getvalue() == ""
    last = max(1, len(data.decode("utf-8", "replace").splitlines()), data.count(b"\n") + 1)
    severities = []
    for line in out.getvalue().splitlines():
        match = CHECK_LINE.match(line)
        assert match, f"not one diagnostic per line: {line!r}"
        assert match["path"] == str(spec_file) and 1 <= int(match["line"]) <= last
        assert match["sub"] in {s.value for s in Subtype}
        severities.append(match["sev"])
    assert status == (1 if "error" in severities else 0)
