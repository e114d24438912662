"""``k8sarch what-if`` and ``--failures``: usable in the CI of an infrastructure repository,
where the exit status is what matters."""

from __future__ import annotations

import io
import json
from pathlib import Path
import sys

import pytest

from sphinx_k8sarch.cli import main

HA = "control-plane: 3\nworkers: 3\nload-balancer: {type: kube-vip, on: control-plane}\n" \
     "zones: [a, b, c]\n"
FRAGILE = "control-plane: 3\nworkers: 2\nload-balancer: haproxy\nzones: [a, b]\n"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cluster.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_cluster_that_survives_every_single_loss_exits_0(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["what-if", write(tmp_path, HA)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["Lost", "etcd", "API"]
    rows = {line.split("  ")[0].strip(): line for line in out[1:] if line.strip()}
    assert "2 of 3 up, quorum kept" in rows["cp-1"] and rows["cp-1"].endswith("up")
    assert "worker-1, worker-2, worker-3 (any one)" in rows
    assert "zone a" in rows and "load-balancer" not in rows  # the VIP is on the nodes
    assert out[-1] == "Every single loss leaves the API up."


def test_a_single_loss_that_takes_the_api_down_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["what-if", write(tmp_path, FRAGILE)]) == 1
    out, err = capsys.readouterr()
    assert "2 single losses take the API down: load-balancer, zone a" in out
    assert "[k8sarch.ha-zone]" in err  # the finding is reported too, on stderr


def test_json_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["what-if", "--json", write(tmp_path, FRAGILE)]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"lost": "cp-1", "kind": "machine",
                       "etcd": {"members": 3, "up": 2, "quorum": True}, "api": "up"}
    assert {r["lost"]: r["api"] for r in rows}["load-balancer"] == "unreachable"
    assert {r["lost"]: r["api"] for r in rows}["a"] == "no-quorum"


def test_failures_on_the_command_line_start_the_scenario(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, HA)
    assert main(["what-if", "--failures", "cp-1", spec]) == 1  # any second CP loss hurts
    assert main(["describe", "--lang", "es", "--failures", "cp-1,cp-2", spec]) == 0
    out = capsys.readouterr().out
    assert "etcd: 1 de 3 miembros activos, quórum perdido" in out


def test_an_unknown_failure_is_an_option_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write(tmp_path, HA)
    assert main(["check", "--failures", "cp-9", spec]) == 1
    assert capsys.readouterr().out.strip() == (
        f"{spec}: error: --failures: 'cp-9' is no machine, zone or load balancer of this "
        "cluster; did you mean 'cp-3'? [k8sarch.option]")


class ClosedPipe(io.StringIO):
    """Standard output whose reader has gone (``k8sarch describe x | head -1``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_is_no_traceback(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["describe", write(tmp_path, HA)]) == 0
