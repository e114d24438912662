"""A course step fails a node of the healthy figure: ``:extends:`` with ``:failures:``, in
rST and MyST alike; a wrong name is located at the directive, the rest of the page goes
on."""

from __future__ import annotations

from pathlib import Path
import re

from bs4 import BeautifulSoup, Tag
from helpers.markers import needs_renderer
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import build_once, copy_root
import pytest

pytestmark = needs_renderer

HEALTHY = Snippet("Healthy", [":name: healthy", ":lang: es"], """\
control-plane: 3
workers: 2
load-balancer: haproxy
zones: [a, b, c]
""")
ONE_DOWN = Snippet("One down", [":extends: healthy", ":failures: cp-1", ":lang: es"], "")
TWO_DOWN = Snippet("Two down", [":extends: healthy", ":failures: cp-1, cp-2", ":lang: en"], "")
ZONE_DOWN = Snippet("Zone down", [":extends: healthy", ":failures: b", ":lang: en"], "")
WRONG = Snippet("Wrong", [":extends: healthy", ":failures: cp-1 cp-8", ":lang: en"], "")
TWO_ZONES = Snippet("Two zones", [":suppress-warnings: ha-zone"], """\
control-plane: 3
load-balancer: cloud
zones: [a, b]
""")
SNIPPETS = [HEALTHY, ONE_DOWN, TWO_DOWN, ZONE_DOWN, WRONG, TWO_ZONES]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, list[int]]]:
    srcdir = copy_root(tmp_path_factory.mktemp("failures"), "basic")
    starts = write_twins(srcdir, SNIPPETS)
    app = build_once(srcdir)
    return Path(app.outdir), app.warning.getvalue(), starts


def _figures(outdir: Path, page: str) -> list[Tag]:
    soup = BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    return list(soup.select(".k8sarch-diagram"))


def _summary(figure: Tag) -> str:
    summary = figure.find_next("ul", class_="k8sarch-summary")
    assert summary is not None
    return " ".join(summary.get_text(" ").split())


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_each_step_fails_what_its_option_names(site: tuple[Path, str, dict[str, list[int]]],
                                               page: str) -> None:
    outdir, _warnings, _starts = site
    figures = _figures(outdir, page)
    assert len(figures) == 5  # the wrong step is left out, the next one drawn
    healthy, one, two, zone, two_zones = (_summary(f) for f in figures)
    assert "Fuera de servicio" not in healthy and "caído" not in healthy
    assert "etcd: 2 de 3 miembros activos, quórum mantenido" in one
    assert "etcd: 1 of 3 members up, quorum lost" in two
    assert "Down: cp-2, worker-2 (zone b)" in zone
    assert "quorum" in two_zones
    svg = figures[1].find("svg")
    assert svg is not None
    down = svg.select("g.k8s-group.k8s-down")
    assert [" ".join(g.get_text(" ").split()).split(" ")[0] for g in down] == ["cp-1"]
    assert svg.select(".k8s-edge--broken") and svg.select(".k8s-zone")
    assert "cp-1 (caído)" in svg.get_text(" ")


def test_a_wrong_name_is_located_at_the_directive_in_both_syntaxes(
        site: tuple[Path, str, dict[str, list[int]]]) -> None:
    _outdir, warnings, starts = site
    lines = warning_lines(warnings)
    wrong = [li for li in lines if "cp-8" in li]
    # The directive's line: its body starts after its options and a blank line.
    directive = starts["rst"][4] - len(WRONG.options) - 2
    assert len(wrong) == 2
    for suffix, ext in (("rst", "rst"), ("md", "md")):
        pattern = (rf"page_{suffix}\.{ext}:{directive}: WARNING: :failures: 'cp-8' is no "
                   r"machine, zone or load balancer of this cluster; did you mean 'cp-3'\? "
                   r"\[k8sarch\.option\]")
        assert any(re.search(pattern, li) for li in wrong), wrong
    # The healthy figure's ha-zone finding is silenced where the option says so only.
    assert not [li for li in lines if "ha-zone" in li]
