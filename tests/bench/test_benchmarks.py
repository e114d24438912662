"""The benchmark's smoke run: it finishes, reports every ratio, and compares like with like.

Timings are never asserted here (shared machines are noisy); the figures live in the
benchmark report.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import math
import os
from pathlib import Path
import shutil
import subprocess
import sys
from typing import Any

from helpers.paths import REPO
import pytest

BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))
import sites

PAGES = 3


@dataclass
class Smoke:
    done: subprocess.CompletedProcess[str]
    work: Path
    result: dict[str, Any]

    def site(self, side: str) -> sites.Site:
        return sites.Site(side, self.work / "sites" / f"n{PAGES}" / side, PAGES)

    @property
    def renderers(self) -> list[str]:
        return [r["label"] for r in self.result["renderers"]]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Smoke:
    work = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--smoke", "--sizes", str(PAGES),
         "--workdir", str(work / "sites"), "--output", str(work / "results.json"),
         "--output", str(work / "results.md")],
        capture_output=True, text=True, timeout=600, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads((work / "results.json").read_text(encoding="utf-8"))
    return Smoke(done, work, result)


def test_smoke_run_writes_the_report_it_prints(smoke: Smoke) -> None:
    report = (smoke.work / "results.md").read_text(encoding="utf-8")
    assert report in smoke.done.stdout
    for heading in ("**Full build, ours / peer**", "**Rebuilds, ours / peer**",
                    "**Peak memory, ours / peer**", "**Absolute figures**", "**Core alone**"):
        assert heading in report
    assert smoke.result["settings"] == {"sizes": [PAGES], "reps": 1, "smoke": True}


def test_system_graphviz_column(smoke: Smoke) -> None:
    assert smoke.renderers[0] == "graphviz-pure"
    if shutil.which("dot") or os.environ.get("CI") == "true":
        # In CI the system Graphviz is installed by `make system-deps`; it must be measured.
        assert smoke.renderers == ["graphviz-pure", "system dot"]
    else:
        assert "no system Graphviz" in smoke.done.stderr


def test_every_measured_thing_has_a_positive_finite_ratio(smoke: Smoke) -> None:
    ratios = {(r["measure"], r.get("pages"), r.get("renderer"), r.get("side")): r["value"]
              for r in smoke.result["ratios"]}
    expected: set[tuple[str, int | None, str | None, str | None]] = {
        ("core 5+500 / 3+3", None, None, None)}
    for renderer in smoke.renderers:
        for side in ("ours", "bare"):
            expected |= {(m, PAGES, renderer, side) for m in (
                "build", "build-cpu", "build-warm", "build-warm-cpu", "build-j2",
                "build-j2-cpu", "memory", "memory-j2", "noop", "edit")}
        for side in sites.SIDES:
            expected |= {(m, PAGES, renderer, side) for m in ("noop/full", "edit/full")}
    assert expected <= set(ratios)
    for key, value in ratios.items():
        assert isinstance(value, float) and math.isfinite(value) and value > 0, key
    # The headline ratios are in the printed report, as printed numbers, with whether each
    # meets the goal (0.85 of the peer's time).
    for renderer in smoke.renderers:
        for measure in ("build", "build-warm", "build-j2"):
            build = ratios[measure, PAGES, renderer, "ours"]
            cpu = ratios[f"{measure}-cpu", PAGES, renderer, "ours"]
            mark = "✓" if build <= 0.85 else "✗"
            assert f"{build:.2f} {mark} ({cpu:.2f})" in smoke.done.stdout
    assert "| 5+500 |" in smoke.done.stdout


def test_every_build_was_measured(smoke: Smoke) -> None:
    builds = smoke.result["builds"]
    assert {(b["renderer"], b["side"]) for b in builds} == {
        (r, s) for r in smoke.renderers for s in sites.SIDES}
    for build in builds:
        for kind in ("full", "noop", "edit", "warm", "parallel"):
            (run,) = build[kind]
            assert run["wall"] > 0 and run["cpu"] > 0 and run["rss_mib"] > 10


def test_peer_pages_hold_the_dot_our_directive_renders(smoke: Smoke) -> None:
    ours, bare, peer = (smoke.site(side) for side in sites.SIDES)
    for renderer in smoke.renderers:
        for index in range(PAGES):
            # The runs end with page 0 edited, on every site alike.
            expected = sites.core_dot(sites.spec_text(index, edited=index == 0),
                                      sites.title(index))
            assert sites.built_dot(ours, renderer, index) == [expected]
            assert sites.built_dot(bare, renderer, index) == [expected]
            (theirs,) = sites.built_dot(peer, renderer, index)
            assert theirs == sites.embedded(expected)
            assert theirs.split() == expected.split()  # only indentation differs


def test_both_sites_draw_the_same_picture(smoke: Smoke) -> None:
    ours, bare, peer = (smoke.site(side) for side in sites.SIDES)
    for renderer in smoke.renderers:
        for index in range(PAGES):
            picture = sites.drawn(peer, renderer, index)
            assert len(picture) > 50
            assert sites.same_picture(sites.drawn(ours, renderer, index), picture)
            assert sites.same_picture(sites.drawn(bare, renderer, index), picture)


def test_sites_vary_the_specs(tmp_path: Path) -> None:
    specs = [sites.spec_text(index) for index in range(12)]
    assert len(set(specs)) == len(specs)
    assert any("external" in s for s in specs) and any("stacked" in s for s in specs)
    assert {s.splitlines()[0] for s in specs} == {f"control-plane: {n}" for n in (3, 5, 7)}
    assert all(sites.spec_text(i, edited=True) != sites.spec_text(i) for i in range(12))
    written = sites.write_sites(tmp_path, 2)
    assert sorted(written) == sorted(sites.SIDES)
    assert ".. k8s-cluster:: Cluster 001" in written["ours"].page_path(1).read_text("utf-8")
    peer_page = written["peer"].page_path(1).read_text("utf-8")
    assert ".. graphviz::" in peer_page and "\t" not in peer_page


def test_profile_times_every_stage_it_names(tmp_path: Path) -> None:
    """``benchmarks/profile.py`` wraps functions by name; a refactor that moves one must
    fail here, not in the middle of a full benchmark run."""
    out = tmp_path / "profile.md"
    done = subprocess.run([sys.executable, str(BENCH / "profile.py"), "--pages", str(PAGES),
                           "--output", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    rows = {line.split(" | ")[0].removeprefix("| "): line
            for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| ")}
    for stage in ("ours: directive, parse + validate", "ours: directive, graph",
                  "ours: directive, DOT", "ours: diagram, template filled in",
                  "peer: diagram, render (renderer process)"):
        assert stage in rows, stage


def test_same_picture_allows_twins_renamed_and_nothing_else() -> None:
    peer = [("path", "M0,0C1,1 2,2 3,3", ""), ("text", "", "cp-2"), ("text", "", "cp-3")]
    renamed = [("path", "M0,0C1,1 2,2 3,3", ""), ("text", "", "cp-3"), ("text", "", "cp-2")]
    moved = [("path", "M0,0C1,1 2,2 3,4", ""), ("text", "", "cp-2"), ("text", "", "cp-3")]
    other = [("path", "M0,0C1,1 2,2 3,3", ""), ("text", "", "cp-2"), ("text", "", "cp-4")]
    assert sites.same_picture(peer, peer)
    assert sites.same_picture(renamed, peer)
    assert not sites.same_picture(moved, peer)
    assert not sites.same_picture(other, peer)
