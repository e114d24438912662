"""``:legend:`` and ``:layout:`` and their defaults ``k8sarch_legend`` and
``k8sarch_layout``, every case in reStructuredText and MyST with equal results.

The layout is read from the rendered SVG the figure's "Download SVG" link points at: in
columns (``left-to-right``) the control-plane machines stand one above the other, in rows
(``top-down``) side by side.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
import re

from bs4 import BeautifulSoup, Tag
from helpers import layout
from helpers.markers import needs_renderer
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import build_once, copy_root
import pytest

pytestmark = needs_renderer

BODY = "control-plane: 3\nworkers: 2\nload-balancer: haproxy\nclients: [kubectl]\n"
SNIPPETS = [
    Snippet("Defaults", [], BODY),
    Snippet("Legend off", [":legend: off"], BODY),
    Snippet("Legend on", [":legend: on"], BODY),
    Snippet("Rows", [":layout: top-down"], BODY),
    Snippet("Columns", [":layout: left-to-right"], BODY),
    Snippet("Rows without legend", [":layout: top-down", ":legend: off"], BODY),
    Snippet("Leyenda", [":lang: es"], BODY),
]
TITLES = [s.title for s in SNIPPETS]
#: (legend drawn, layout) per figure, with the defaults and with the opposite config.
DEFAULTS = {
    "Defaults": (True, "left-to-right"), "Legend off": (False, "left-to-right"),
    "Legend on": (True, "left-to-right"), "Rows": (True, "top-down"),
    "Columns": (True, "left-to-right"), "Rows without legend": (False, "top-down"),
    "Leyenda": (True, "left-to-right"),
}
OVERRIDDEN = {
    "Defaults": (False, "top-down"), "Legend off": (False, "top-down"),
    "Legend on": (True, "top-down"), "Rows": (False, "top-down"),
    "Columns": (False, "left-to-right"), "Rows without legend": (False, "top-down"),
    "Leyenda": (False, "top-down"),
}
OPPOSITE = {"k8sarch_legend": False, "k8sarch_layout": "top-down"}
BAD = [
    Snippet("Good before", [], BODY),
    Snippet("Bad legend", [":legend: maybe"], BODY),
    Snippet("Bad layout", [":layout: diagonal"], BODY),
    Snippet("Good after", [], BODY),
]


def _build(tmp_path_factory: pytest.TempPathFactory, name: str, snippets: list[Snippet],
           **overrides: object) -> tuple[Path, str, dict[str, list[int]]]:
    srcdir = copy_root(tmp_path_factory.mktemp(name), "basic")
    starts = write_twins(srcdir, snippets)
    app = build_once(srcdir, confoverrides=overrides)
    return Path(app.outdir), app.warning.getvalue(), starts


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, list[int]]]:
    return _build(tmp_path_factory, "defaults", SNIPPETS)


@pytest.fixture(scope="module")
def overridden(tmp_path_factory: pytest.TempPathFactory
               ) -> tuple[Path, str, dict[str, list[int]]]:
    return _build(tmp_path_factory, "overridden", SNIPPETS, **OPPOSITE)


def _figures(outdir: Path, page: str) -> dict[str, Tag]:
    soup = BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    figures = {}
    for div in soup.select("div.k8sarch-diagram"):
        title = div.select_one("svg > title")
        assert title is not None
        figures[title.get_text()] = div
    return figures


def _drawn(outdir: Path, page: str, figure: Tag) -> tuple[bool, str]:
    """(legend drawn, layout) of one figure, from its inline SVG and its rendered file."""
    legend = bool(figure.select("svg g.k8s-legend"))
    link = figure.select_one('a.k8sarch-download[href$=".svg"]')
    assert link is not None, "no Download SVG link"
    drawing = layout.read((outdir / page).parent.joinpath(str(link["href"])).read_bytes())
    assert ("legend" in drawing.clusters) == legend
    cps = [drawing.clusters[f"cp{i}"] for i in (1, 2, 3)]
    columns = all(b.top >= a.bottom - 1 for a, b in pairwise(cps))
    rows = all(b.left >= a.right - 1 for a, b in pairwise(cps))
    assert columns != rows, f"cp boxes neither in a column nor in a row: {cps}"
    return legend, "left-to-right" if columns else "top-down"


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_options_with_the_default_config(
        defaults: tuple[Path, str, dict[str, list[int]]], page: str) -> None:
    outdir, warnings, _starts = defaults
    assert warning_lines(warnings) == []
    figures = _figures(outdir, page)
    assert list(figures) == TITLES
    drawn = {title: _drawn(outdir, page, figure) for title, figure in figures.items()}
    assert drawn == DEFAULTS


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_options_override_the_config_values(
        overridden: tuple[Path, str, dict[str, list[int]]], page: str) -> None:
    outdir, warnings, _starts = overridden
    assert warning_lines(warnings) == []
    figures = _figures(outdir, page)
    drawn = {title: _drawn(outdir, page, figure) for title, figure in figures.items()}
    assert drawn == OVERRIDDEN


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_legend_is_translated_and_says_only_what_the_figure_uses(
        defaults: tuple[Path, str, dict[str, list[int]]], page: str) -> None:
    outdir, _warnings, _starts = defaults
    figures = _figures(outdir, page)
    english, spanish = (" ".join(" ".join(
        g.get_text(" ") for g in figures[title].select("g.k8s-legend, g.k8s-legend-entry")
    ).split()) for title in ("Defaults", "Leyenda"))
    assert "Legend" in english and "on standby" in english
    assert "Leyenda" in spanish and "Legend" not in spanish
    # Nothing folded or down in these figures: no entry for it.
    assert "more machines" not in english and "down" not in english


def test_both_syntaxes_draw_the_same(
        defaults: tuple[Path, str, dict[str, list[int]]]) -> None:
    outdir, _warnings, _starts = defaults
    rst, md = _figures(outdir, "page_rst"), _figures(outdir, "page_md")
    for title in TITLES:
        links = [f.select_one('a.k8sarch-download[href$=".svg"]') for f in (rst[title], md[title])]
        assert links[0] is not None and links[1] is not None
        # The same DOT renders once: both pages link the same file.
        assert links[0]["href"] == links[1]["href"], title


def test_config_values_with_a_wrong_type_or_choice_warn_and_use_the_default(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    srcdir = copy_root(tmp_path_factory.mktemp("badconfig"), "basic")
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('k8sarch_legend = "yes"\nk8sarch_layout = "sideways"\n')
    write_twins(srcdir, SNIPPETS[:1])
    app = build_once(srcdir)
    outdir, lines = Path(app.outdir), warning_lines(app.warning.getvalue())
    assert any("k8sarch_legend must be of type bool" in li and "using the default True" in li
               for li in lines), lines
    assert any("k8sarch_layout must be one of" in li and "'left-to-right'" in li
               for li in lines), lines
    for page in ("page_rst", "page_md"):
        (figure,) = _figures(outdir, page).values()
        assert _drawn(outdir, page, figure) == (True, "left-to-right")


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, list[int]]]:
    return _build(tmp_path_factory, "badoptions", BAD)


def _messages(text: str) -> list[str]:
    """Warnings and errors, each with the lines docutils writes under it."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [m for m in re.split(r"\n(?=\S+:\d+: )", plain) if re.search(r": (WARNING|ERROR):", m)]


@pytest.mark.parametrize("suffix", ["rst", "md"])
def test_wrong_option_values_are_located_at_the_directive(
        bad_site: tuple[Path, str, dict[str, list[int]]], suffix: str) -> None:
    outdir, warnings, _starts = bad_site
    # MyST-Parser 4 names the file page_md.md.rst in these messages.
    where = re.compile(rf"/page_{suffix}\.{suffix}(?:\.rst)?:(\d+): ")
    messages = [m for m in _messages(warnings) if where.search(m.split("\n", 1)[0])]
    assert len(messages) == 2, messages
    source = (outdir.parent.parent / f"page_{suffix}.{suffix}").read_text(encoding="utf-8")
    lines = source.splitlines()
    for message, (option, value, title) in zip(
            messages, (("legend", "maybe", "Bad legend"), ("layout", "diagonal", "Bad layout")),
            strict=True):
        assert option in message and value in message and "on" in message
        located = where.search(message.split("\n", 1)[0])
        assert located, message
        line = lines[int(located.group(1)) - 1]
        # docutils and MyST-Parser 4 point at the directive, MyST-Parser 5 at the option.
        assert line.endswith((f"k8s-cluster:: {title}", f"{{k8s-cluster}} {title}")) or (
            line == f":{option}: {value}"), (message, line)
    titles = list(_figures(outdir, f"page_{suffix}"))
    # docutils drops a directive with a wrong option, MyST draws it without the option;
    # either way the page goes on.
    expected = (["Good before", "Good after"] if suffix == "rst"
                else ["Good before", "Bad legend", "Bad layout", "Good after"])
    assert titles == expected
