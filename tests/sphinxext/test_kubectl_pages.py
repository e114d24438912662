"""Saved kubectl lists as directive arguments, in reStructuredText and MyST (the twin pages
of ``tests/roots/test-kubectl``, which read copies of ``tests/data/imports/kubectl-*``):
the figure of the cluster that runs, every problem at its line of the file or at the
directive, and nothing of the file that is not drawn anywhere in the built site."""

from __future__ import annotations

from pathlib import Path
import shutil

from bs4 import BeautifulSoup, Tag
from helpers import kubectl as k
from helpers.paths import IMPORTS
from helpers.snippets import warning_lines
from helpers.sphinx import build_once, copy_root
import pytest
from sphinx.testing.util import SphinxTestApp

PAGES = {"rst": "rst/page.rst", "md": "md/page.md"}
FILES = ("kubectl-stacked-3zones.json", "kubectl-nodes-only.json", "kubectl-pods-only.json",
         "kubectl-k3s.yaml", "kubectl-privacy.json")


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    srcdir = copy_root(tmp_path_factory.mktemp("html"), "kubectl")
    (srcdir / "clusters").mkdir()
    for name in FILES:
        shutil.copy(IMPORTS / name, srcdir / "clusters" / name)
    return build_once(srcdir)


def line_of(path: Path, needle: str, start: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if n >= start and needle in line)


def figures(app: SphinxTestApp, syntax: str) -> list[Tag]:
    page = Path(app.outdir) / f"{syntax}/page.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert "Paragraph after all." in soup.get_text()
    return list(soup.select("figure.k8sarch-figure"))


def test_every_problem_is_located_in_the_file_or_at_the_directive(html: SphinxTestApp) -> None:
    srcdir = Path(html.srcdir)
    clusters = srcdir / "clusters"
    log = html.warning.getvalue().replace(str(srcdir) + "/", "")
    found = sorted(line.split(": WARNING: ")[0] + " " + line.rsplit(" ", 1)[1]
                   for line in warning_lines(log))
    nodes_only = line_of(clusters / "kubectl-nodes-only.json", '"items"')
    pods_only = line_of(clusters / "kubectl-pods-only.json", '"items"')
    first = line_of(clusters / "kubectl-nodes-only.json", '"name": "kind-control-plane"')
    bad_option = line_of(srcdir / PAGES["md"], "{type: nope}")
    shop = line_of(clusters / "kubectl-stacked-3zones.json", '"name": "ip-10-0-0-11')
    # Each file once per page, at its own lines.
    expected = 2 * [f"clusters/kubectl-nodes-only.json:{nodes_only} [k8sarch.import]",
                    f"clusters/kubectl-nodes-only.json:{first} [k8sarch.ha-single]",
                    f"clusters/kubectl-pods-only.json:{pods_only} [k8sarch.import]"]
    # An option that is not a load balancer: MyST warns at the option and draws without
    # it, so the file's own warning that the endpoint is unknown follows.
    expected += [f"md/page.md:{bad_option} [myst.directive_option]",
                 f"clusters/kubectl-stacked-3zones.json:{shop} [k8sarch.import]"]
    # MyST-Parser's own warning: its oldest admitted release names the page
    # "page.md.rst" one line higher; ours are exact on every version.
    found = [f"md/page.md:{bad_option} [myst.directive_option]"
             if w == f"md/page.md.rst:{bad_option - 1} [myst.directive_option]" else w
             for w in found]
    assert found == sorted(expected)
    # docutils refuses the directive, with the option's reason, at the directive.
    at = line_of(srcdir / PAGES["rst"], "{type: nope}") - 1
    assert f"rst/page.rst:{at}: ERROR: Error in \"k8s-cluster\" directive" in log
    assert log.count("a load balancer on the control-plane nodes is of type") == 2


@pytest.mark.parametrize("syntax", PAGES)
def test_the_cluster_that_runs_is_drawn(html: SphinxTestApp, syntax: str) -> None:
    shop, nodes_only, edge, alpha = figures(html, syntax)[:4]
    assert shop.find("figcaption").get_text(strip=True).startswith("The shop cluster")
    svg = shop.find("svg").get_text(" ")
    for drawn in ("api.shop.example:6443", "calico", "eu-west-1b"):
        assert drawn in svg
    # Long node names are shortened in the figure and whole in its titles.
    drawn_text = " ".join(t.get_text() for t in shop.find("svg").find_all("text"))
    assert "ip-10-0-0-12…" in drawn_text and "ip-10-0-0-12.eu-west-1" not in drawn_text
    assert "ip-10-0-0-12.eu-west-1.compute.internal" in str(shop.find("svg"))
    assert "cni" in nodes_only.find("svg").get_text(" ")
    edge_text = edge.find("svg").get_text(" ")
    assert "kube-vip" in edge_text and "flannel" in edge_text
    assert "alpha-w-2" in alpha.get_text(" ")


def test_nothing_undrawn_reaches_the_site(html: SphinxTestApp) -> None:
    """Every text file the build wrote: pages, search index, sources, images."""
    outdir = Path(html.outdir)
    written = [p for p in outdir.rglob("*") if p.is_file()
               and p.suffix in (".html", ".js", ".svg", ".txt", ".json", ".inv")]
    assert any(p.name == "searchindex.js" for p in written)
    leaks = {str(p.relative_to(outdir)): [c for c in k.CANARIES
                                          if c in p.read_text(encoding="utf-8",
                                                              errors="replace").lower()]
             for p in written}
    assert {page: found for page, found in leaks.items() if found} == {}
    assert "alpha" in (outdir / "searchindex.js").read_text(encoding="utf-8")
