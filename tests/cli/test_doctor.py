"""``k8sarch doctor``: what a bug report needs, and exit status 2 without a renderer."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
import stat

import pytest

from sphinx_k8sarch.cli import main
from sphinx_k8sarch.core import __version__
from sphinx_k8sarch.core.render import find_renderer


def test_doctor_reports_versions_renderer_and_cache(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    renderer = find_renderer(None)
    if renderer is None:
        pytest.skip("graphviz-pure is not installed")
    cache = tmp_path / "doctrees" / "_k8sarch"
    cache.mkdir(parents=True)
    (cache / f"k8sarch-{'0' * 32}.svg").write_bytes(b"<svg/>")
    (cache / f"k8sarch-{'0' * 32}.svg.tpl").write_bytes(b"{}\n<svg/>")
    assert main(["doctor", "--doctree-dir", str(tmp_path / "doctrees")]) == 0
    out = capsys.readouterr().out
    assert f"sphinx-k8sarch {__version__}" in out.splitlines()[0]
    assert f"Sphinx: {metadata.version('sphinx')}" in out
    assert f"docutils: {metadata.version('docutils')}" in out
    assert f"MyST-Parser: {metadata.version('myst-parser')}" in out
    assert f"renderer: graphviz-pure -> {renderer} (beside the running Python)" in out
    assert "renderer version: graphviz-pure" in out
    assert f"render cache here: {cache} (1 renders, 1 sanitised SVG templates, 15 bytes)" in out


def test_doctor_fails_without_a_renderer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--renderer", "no-such-graphviz"]) == 2
    assert "renderer: 'no-such-graphviz' not found" in capsys.readouterr().out


def test_doctor_fails_when_the_renderer_does_not_run(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    broken = tmp_path / "dot"
    broken.write_text("#!/nonexistent/interpreter\n", encoding="utf-8")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    assert main(["doctor", "--renderer", str(broken)]) == 2
    assert "renderer version: cannot run it" in capsys.readouterr().out
