"""``k8sarch`` on what ``kubectl get nodes,pods -A -o json`` saved: located messages, the
``--load-balancer`` flag, and nothing of the file that is not drawn in any output."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import kubectl as k
from helpers.cli import CHECK_LINE
from helpers.markers import needs_renderer
from helpers.paths import IMPORTS
import pytest

from sphinx_k8sarch.cli import main

STACKED = str(IMPORTS / "kubectl-stacked-3zones.json")
CANARY = str(IMPORTS / "kubectl-privacy.json")


def checked(output: str) -> list[tuple[int, str, str]]:
    found = []
    for line in output.splitlines():
        match = CHECK_LINE.match(line)
        assert match, line
        found.append((int(match["line"]), match["sev"], match["sub"]))
    return found


def line_of(path: str, needle: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_check_says_the_endpoint_is_missing_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", STACKED]) == 0
    out = capsys.readouterr().out
    first = line_of(STACKED, '"name": "ip-10-0-0-11')
    assert checked(out) == [(first, "warning", "import")]
    assert "--load-balancer" in out
    assert main(["check", "--strict", "--load-balancer", "haproxy", STACKED]) == 0
    assert capsys.readouterr().out == ""


def test_node_counts_given_for_a_list_are_ignored(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "--control-plane", "5", "--load-balancer", "cloud", STACKED]) == 0
    out, err = capsys.readouterr()
    assert "Control plane: 3 control-plane nodes" in out
    assert "the control-plane count given as an option is ignored: a kubectl list" in err


def test_errors_point_into_the_list(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(IMPORTS / "kubectl-pods-only.json")
    assert main(["check", path]) == 1
    assert checked(capsys.readouterr().out) == [(line_of(path, '"items"'), "error", "import")]


def test_format_kubectl_refuses_a_spec(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("control-plane: 3\n", encoding="utf-8")
    assert main(["check", "--format", "kubectl", str(spec)]) == 1
    out = capsys.readouterr().out
    assert checked(out) == [(1, "error", "import")] and "kubectl list" in out


@pytest.mark.parametrize("value", ["{type: haproxy}", "x" * 61, "{type: kube-vip, on: workers"])
def test_a_bad_load_balancer_is_a_usage_error(value: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--load-balancer", value, STACKED]) == 2
    err = capsys.readouterr().err
    assert "--load-balancer" in err and "Traceback" not in err


def test_describe_names_the_real_nodes_and_the_plugin(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "--load-balancer", "kube-vip@cp", STACKED]) == 0
    out = capsys.readouterr().out
    assert "[ip-10-0-0-12.eu-west-1.compute.internal (cp-2)]" in out
    assert "calico (agent on every node)" in out
    assert "[load balancer] kube-vip@cp" in out
    assert main(["describe", "--load-balancer", "{type: kube-vip, on: control-plane}",
                 STACKED]) == 0
    assert "virtual IP" in capsys.readouterr().out


def test_what_if_on_a_cluster_with_a_node_down(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(IMPORTS / "kubectl-not-ready.yaml")
    # master-2 is already down: losing another control-plane node loses etcd's quorum,
    # so a single loss takes the API down (exit status 1).
    assert main(["what-if", "--json", "--load-balancer", "cloud", path]) == 1
    rows = json.loads(capsys.readouterr().out)
    cp1 = next(row for row in rows if row["lost"] == "cp-1")
    assert cp1["etcd"] == {"members": 3, "up": 1, "quorum": False}


@pytest.mark.parametrize("command", [["describe"], ["describe", "--alt"], ["dot"],
                                     ["what-if"], ["check"],
                                     ["describe", "--lang", "es"]])
def test_no_output_holds_what_is_not_drawn(command: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    main([*command, CANARY])
    out, err = capsys.readouterr()
    assert out.strip()
    assert [c for c in k.CANARIES if c in (out + err).lower()] == []


@needs_renderer
def test_rendered_svg_holds_nothing_that_is_not_drawn(tmp_path: Path) -> None:
    out = tmp_path / "cluster.svg"
    assert main(["render", CANARY, "-o", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert "alpha-cp-2" in svg
    assert [c for c in k.CANARIES if c in svg.lower()] == []
