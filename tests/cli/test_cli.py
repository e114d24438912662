"""The ``k8sarch`` command line, called in-process through ``main([...])``."""

from __future__ import annotations

import io
import json
from pathlib import Path
import re
import sys

from helpers import fake_renderers
from helpers.markers import needs_renderer
from helpers.paths import IMPORTS
import pytest

from sphinx_k8sarch import __version__
from sphinx_k8sarch.cli import main
from sphinx_k8sarch.core.i18n import DOMAIN, LOCALE_DIR
from sphinx_k8sarch.core.schema import schema_text

VALID = """\
title: Three masters
control-plane: 3
load-balancer: haproxy
workers: 2
"""

# Line 3: two etcd members (quorum); line 4: two API servers, no load balancer.
HA_WARNINGS = """\
title: Two masters
workers: 2
control-plane: 2
load-balancer: none
"""

SYNTAX_ERROR = """\
title: Broken
workers: 2
control-plane: [3
clients: kubectl
"""

UNKNOWN_KEY = """\
title: Typo
workers: 2
control-plan: 3
"""

LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+): (?P<sev>error|warning): (?P<msg>.+) "
                  r"\[k8sarch\.(?P<sub>[a-z-]+)\]$")

ES_CATALOG = LOCALE_DIR / "es" / "LC_MESSAGES" / f"{DOMAIN}.mo"


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def parsed(output: str) -> list[tuple[str, int, str, str]]:
    """(path, line, severity, subtype) of every output line, which must all match."""
    result = []
    for line in output.splitlines():
        match = LINE.match(line)
        assert match, f"not a diagnostic line: {line!r}"
        result.append((match["path"], int(match["line"]), match["sev"], match["sub"]))
    return result


# -- check ---------------------------------------------------------------------------------

def test_check_valid_spec_is_silent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", write(tmp_path, VALID)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ""


def test_check_ha_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, HA_WARNINGS)
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    assert parsed(out) == [
        (path, 3, "warning", "ha-quorum"),
        (path, 4, "warning", "ha-lb"),
    ]
    assert "2 etcd members" in out


def test_check_strict_fails_on_warnings(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--strict", write(tmp_path, HA_WARNINGS)]) == 1
    assert "[k8sarch.ha-quorum]" in capsys.readouterr().out
    assert main(["check", "--strict", write(tmp_path, VALID, "ok.yaml")]) == 0


@pytest.mark.parametrize(("spec", "line", "subtype", "message"), [
    (SYNTAX_ERROR, 4, "yaml", "YAML syntax error"),
    (UNKNOWN_KEY, 3, "unknown-key", "did you mean 'control-plane'?"),
])
def test_check_reports_errors_at_their_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            spec: str, line: int, subtype: str,
                                            message: str) -> None:
    path = write(tmp_path, spec)
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    assert parsed(out) == [(path, line, "error", subtype)]
    assert message in out


def test_check_path_is_shown_as_given(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, UNKNOWN_KEY, "rel.yaml")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "rel.yaml"]) == 1
    assert capsys.readouterr().out.startswith("rel.yaml:3: error: ")


def test_check_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "missing.yaml")
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    assert parsed(out) == [(path, 1, "error", "file")]
    assert "cannot read file" in out


def test_check_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 1
    assert parsed(capsys.readouterr().out) == [(str(tmp_path), 1, "error", "file")]


def test_check_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("workers: 2\ntitle: Clúster\n".encode("latin-1"))
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    # The error points at the line holding the bad byte.
    assert parsed(out) == [(str(path), 2, "error", "file")]
    assert "not valid UTF-8" in out


def test_check_several_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, VALID, "good.yaml")
    warned = write(tmp_path, HA_WARNINGS, "warned.yaml")
    bad = write(tmp_path, UNKNOWN_KEY, "bad.yaml")
    assert main(["check", good, warned, bad]) == 1
    assert [(p, line) for p, line, _s, _t in parsed(capsys.readouterr().out)] == [
        (warned, 3), (warned, 4), (bad, 3)]
    assert main(["check", good, warned]) == 0


def test_check_stdin(monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(UNKNOWN_KEY.encode())))
    assert main(["check", "-"]) == 1
    assert parsed(capsys.readouterr().out) == [("<stdin>", 3, "error", "unknown-key")]


# -- dot -----------------------------------------------------------------------------------

def test_dot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dot", write(tmp_path, VALID)]) == 0
    out, err = capsys.readouterr()
    # The machines the renderer may put in order come first, in comments.
    lines = out.splitlines()
    assert lines[0].startswith("// k8sarch interchangeable: ")
    assert lines[1].startswith("// k8sarch machines: ")
    assert lines[2] == "// k8sarch pools: cp1 cp2 cp3; worker1 worker2"
    assert lines[3].startswith("digraph")
    assert "kube-apiserver" in out
    assert err == ""


def test_dot_reports_warnings_on_stderr(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dot", write(tmp_path, HA_WARNINGS)]) == 0
    out, err = capsys.readouterr()
    assert "digraph" in out
    assert "[k8sarch.ha-lb]" in err
    assert "[k8sarch.ha-lb]" not in out


def test_dot_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SYNTAX_ERROR)
    assert main(["dot", path]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert parsed(err) == [(path, 4, "error", "yaml")]


# -- render --------------------------------------------------------------------------------

@needs_renderer
@pytest.mark.parametrize(("name", "magic"), [("out.svg", (b"<?xml", b"<svg")),
                                             ("out.png", (b"\x89PNG\r\n\x1a\n",))])
def test_render(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                magic: tuple[bytes, ...]) -> None:
    out = tmp_path / name
    assert main(["render", write(tmp_path, VALID), "-o", str(out)]) == 0
    assert out.read_bytes().lstrip().startswith(magic)
    assert capsys.readouterr().err == ""


def test_render_missing_renderer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.svg"
    assert main(["render", write(tmp_path, VALID), "-o", str(out),
                 "--renderer", "/nonexistent"]) == 2
    err = capsys.readouterr().err
    assert "/nonexistent" in err
    assert "graphviz-pure" in err
    assert "--renderer" in err
    assert not out.exists()


def test_render_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", write(tmp_path, VALID), "-o", str(tmp_path / "out.gif")]) == 2
    assert ".svg or .png" in capsys.readouterr().err


def test_render_spec_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.svg"
    assert main(["render", write(tmp_path, UNKNOWN_KEY), "-o", str(out)]) == 1
    assert "[k8sarch.unknown-key]" in capsys.readouterr().err
    assert not out.exists()


# -- describe ------------------------------------------------------------------------------

def test_describe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", write(tmp_path, VALID)]) == 0
    out = capsys.readouterr().out
    assert "quorum 2" in out
    assert "[cp-1]" in out
    assert "Conversations:" in out
    # Summary first, then the topology.
    assert out.index("Workers: 2 nodes") < out.index("[cp-1]")


def test_describe_alt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "--alt", write(tmp_path, VALID)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Three masters: 3 control-plane nodes")
    assert len(out.strip().splitlines()) == 1


@pytest.mark.skipif(not ES_CATALOG.exists(),
                    reason=f"Spanish catalog not compiled yet ({ES_CATALOG.name} missing)")
@pytest.mark.parametrize("where", ["before", "after"])
def test_describe_spanish(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          where: str) -> None:
    spec = write(tmp_path, VALID)
    argv = (["--lang", "es", "describe", spec] if where == "before"
            else ["describe", "--lang", "es", spec])
    assert main(argv) == 0
    assert "quórum" in capsys.readouterr().out


# -- general -------------------------------------------------------------------------------

def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"k8sarch {__version__}"


@pytest.mark.parametrize("argv", [[], ["check"], ["--lang", "fr", "check", "x.yaml"],
                                  ["frobnicate"]])
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: k8sarch" in capsys.readouterr().err


def test_check_reads_imported_files_at_their_lines(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(IMPORTS / "kind-bad-role.yaml")
    assert main(["check", path]) == 1
    out = capsys.readouterr().out
    assert [(p, line, severity) for p, line, severity, _s in parsed(out)] == [
        (path, 5, "error")]
    assert "'control-plane'" in out  # the hint names the role kind knows


def test_kubeadm_counts_come_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(IMPORTS / "kubeadm-external-etcd.yaml")
    assert main(["describe", path, "--control-plane", "3", "--workers", "4"]) == 0
    out = capsys.readouterr().out
    assert "3 control-plane nodes" in out and "Workers: 4 nodes" in out
    assert "etcd (on dedicated hosts): 3 members" in out and "k8s-api.example.com" in out
    # The same file forced to be read as a spec is refused at its apiVersion line.
    assert main(["check", "--format", "spec", path]) == 1
    assert parsed(capsys.readouterr().out)[0][1:] == (3, "error", "import")


@needs_renderer
def test_render_an_imported_file(tmp_path: Path) -> None:
    out = tmp_path / "k3d.svg"
    assert main(["render", str(IMPORTS / "k3d-ha.yaml"), "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert "k3d serverlb" in svg and ">cp-3<" in svg
    # Standalone SVG: no links into a page that does not exist, no internal node names.
    assert "#k8s-comp-" not in svg
    titles = re.findall(r"<title[^>]*>([^<]*)</title>", svg)
    assert "cp-1" in titles and not [t for t in titles if "_" in t]


@needs_renderer
def test_render_keeps_the_spec_url_links(tmp_path: Path) -> None:
    spec = write(tmp_path, "control-plane: 3\nload-balancer: cloud\nlinks:\n"
                           "  etcd: https://etcd.io/docs/\n  cp-1: ref:somewhere\n")
    out = tmp_path / "linked.svg"
    assert main(["render", spec, "-o", str(out)]) == 0
    hrefs = set(re.findall(r'href="([^"]*)"', out.read_text(encoding="utf-8")))
    assert hrefs == {"https://etcd.io/docs/"}


def test_schema_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out == schema_text()  # the shipped file equals it too (tests/core/test_schema.py)
    assert json.loads(out)["properties"]["workers"]


def test_render_reports_unreadable_svg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, "control-plane: 3\nload-balancer: cloud\n")
    renderer = fake_renderers.make(tmp_path, "broken-svg")
    out = tmp_path / "out.svg"
    assert main(["render", spec, "-o", str(out), "--renderer", renderer]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert not out.exists()
