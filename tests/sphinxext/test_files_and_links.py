"""Spec files as directive arguments, ``links:`` in specs and the ``k8s`` domain, each in
reStructuredText and MyST (the twin pages of ``tests/roots/test-files``)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from helpers.snippets import warning_lines
from helpers.sphinx import MakeApp, build, build_once, copy_root
import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.inventory import InventoryFile

from sphinx_k8sarch.core.components import CATALOG

PAGES = {"rst": "rst/page.rst", "md": "md/page.md"}
#: Directive lines of the failing cases in each twin.
LINES = {"rst": {"bad": 9, "outside": 11, "missing": 13, "unknown": 17},
         "md": {"bad": 9, "outside": 12, "missing": 15, "unknown": 21}}
KUBE_APISERVER_DOC = ("https://kubernetes.io/docs/reference/command-line-tools-reference/"
                      "kube-apiserver/")


def _copy(tmp_path: Path) -> Path:
    return copy_root(tmp_path, "files")


def _soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / page).read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    """One HTML build of the twin pages, read by every test that takes it."""
    return build_once(_copy(tmp_path_factory.mktemp("html")))


def _warnings(app: SphinxTestApp) -> list[str]:
    srcdir = str(app.srcdir)
    return sorted(line.replace(srcdir + "/", "").split(": WARNING: ")[0] + " "
                  + line.rsplit(" ", 1)[1] for line in warning_lines(app.warning.getvalue()))


def test_every_problem_is_one_located_warning(html: SphinxTestApp) -> None:
    expected = []
    for syntax, page in PAGES.items():
        lines = LINES[syntax]
        expected += [
            # Errors inside a spec file point at the line in that file.
            "specs/bad.yaml:3 [k8sarch.type]",
            "specs/badlink.yaml:4 [k8sarch.link]",
            "specs/kind-old.yaml:2 [k8sarch.import]",
            # Problems with the file itself point at the directive.
            f"{page}:{lines['outside']} [k8sarch.file]",
            f"{page}:{lines['missing']} [k8sarch.file]",
            f"{page}:{lines['unknown']} [k8sarch.unknown-component]",
        ]
    assert _warnings(html) == sorted(expected)
    text = html.warning.getvalue()
    assert "outside the source directory" in text
    assert "did you mean 'kube-scheduler'?" in text


@pytest.mark.parametrize("syntax", PAGES)
def test_spec_file_draws_with_its_title_and_the_page_goes_on(html: SphinxTestApp,
                                                             syntax: str) -> None:
    soup = _soup(Path(html.outdir), f"{syntax}/page.html")
    figures = soup.select("figure.k8sarch-figure")
    # ha, badlink and kubeadm draw; bad, outside, missing and kind-old give warnings only.
    assert len(figures) == 3
    assert figures[0].find("figcaption").get_text(strip=True).startswith("HA from a file")
    assert "worker-2" in figures[0].find("svg").get_text(" ")
    assert "Paragraph after all." in soup.get_text()
    # The kubeadm file: counts from the options, external etcd and the endpoint from it.
    kubeadm = figures[2]
    assert kubeadm.find("figcaption").get_text(strip=True).startswith("kubeadm from a file")
    text = kubeadm.find("svg").get_text(" ")
    for machine in ("cp-3", "worker-2", "etcd-3", "k8s-api.example.com"):
        assert machine in text
    desc = kubeadm.find("desc").get_text()
    assert "3 control-plane nodes" in desc and "3 dedicated etcd hosts" in desc


@pytest.mark.parametrize("syntax", PAGES)
def test_spec_links_resolve_to_urls_labels_and_documents(html: SphinxTestApp,
                                                         syntax: str) -> None:
    svg = _soup(Path(html.outdir), f"{syntax}/page.html").select("div.k8sarch-diagram svg")[0]
    hrefs = {a.get("aria-label", ""): a["href"] for a in svg.find_all("a")}
    assert hrefs["kube-apiserver"] == KUBE_APISERVER_DOC
    assert hrefs["cp-1"] == "../other.html#other-target"
    assert hrefs["worker-1"] == "../other.html"
    # Components without a spec link still go to their description under the diagram.
    assert hrefs["kube-scheduler"].startswith("#k8sarch-")


@pytest.mark.parametrize("syntax", PAGES)
def test_comp_role_goes_to_glossary_or_nearest_description(html: SphinxTestApp,
                                                           syntax: str) -> None:
    soup = _soup(Path(html.outdir), f"{syntax}/page.html")
    refs = {a.get_text(): a["href"] for a in soup.select("a.reference") if a.find("code")}
    etcd_anchor = refs["etcd"].lstrip("#")
    assert soup.find(id=etcd_anchor) is not None, "etcd goes to its description on this page"
    assert refs["the store"] == refs["etcd"], "aliases resolve like the component"
    assert refs["kubelet"] == "../glossary.html#term-kubelet", "a glossary term wins"
    # The unknown name stays text, not a broken link.
    assert "kube-sheduler" not in refs


def test_comp_role_across_documents(html: SphinxTestApp) -> None:
    links = _soup(Path(html.outdir), "other.html").select("a.reference")
    refs = {a.get_text(): a["href"] for a in links}
    # No diagram on this page: the first page (in name order) that describes it.
    assert refs["kube-scheduler"].startswith("md/page.html#k8sarch-")
    assert refs["kubelet"] == "glossary.html#term-kubelet"
    # :any: finds them too, without a "more than one target" warning for glossary terms
    # (the warnings test checks there is no other warning).
    anys = [a["href"] for a in links if a.select_one(".any")]
    assert anys == ["glossary.html#term-kubelet", refs["kube-scheduler"]]


def test_inventory_and_component_index(html: SphinxTestApp) -> None:
    outdir = Path(html.outdir)
    with (outdir / "objects.inv").open("rb") as stream:
        inventory = InventoryFile.load(stream, "https://example.org", lambda base, uri: uri)
    uris = {name: item.uri for name, item in inventory["k8s:comp"].items()}
    assert set(uris) >= {"etcd", "kube-apiserver", "kube-scheduler", "kubelet"}
    assert uris["kubelet"] == "https://example.org/glossary.html#term-kubelet"
    assert uris["etcd"].startswith("https://example.org/md/page.html#k8sarch-")
    index = _soup(outdir, "k8s-compindex.html")
    names = [code.get_text() for code in index.select("table.indextable code")]
    components = [name for name in names if name in CATALOG]
    assert "kube-controller-manager" in components and components == sorted(components)
    # A component described on both pages lists each page under it.
    assert {"RST page", "MyST page"} <= set(names)


def test_editing_a_spec_file_rebuilds_the_pages_that_use_it(tmp_path: Path,
                                                          make_app: MakeApp) -> None:
    srcdir = _copy(tmp_path)
    build(make_app, srcdir)
    spec = srcdir / "specs" / "ha.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("workers: 2", "workers: 4"),
                    encoding="utf-8")
    app = build(make_app, srcdir)
    for syntax in PAGES:
        svg = _soup(Path(app.outdir), f"{syntax}/page.html").select("div.k8sarch-diagram svg")[0]
        assert "worker-4" in svg.get_text(" ")
    # Exactly the two pages that include the file were read again.
    status = app.status.getvalue()
    assert "0 added, 2 changed, 0 removed" in status, status


@pytest.mark.parametrize("buildername", ["dirhtml", "singlehtml", "epub"])
def test_links_are_right_in_other_html_builders(tmp_path: Path, make_app: MakeApp,
                                                buildername: str) -> None:
    app = build(make_app, _copy(tmp_path), buildername)
    outdir = Path(app.outdir)
    page = {"dirhtml": "rst/page/index.html", "singlehtml": "index.html",
            "epub": "rst/page.xhtml"}[buildername]
    soup = _soup(outdir, page)
    svg = soup.select("div.k8sarch-diagram svg")[0]
    hrefs = {a.get("aria-label", ""): a["href"] for a in svg.find_all("a")}
    assert hrefs["kube-apiserver"] == KUBE_APISERVER_DOC
    if buildername == "dirhtml":
        assert hrefs["cp-1"] == "../../other/#other-target"
        assert hrefs["worker-1"] == "../../other/"
    elif buildername == "epub":
        assert hrefs["cp-1"] == "../other.xhtml#other-target"
        assert hrefs["worker-1"] == "../other.xhtml"
    else:
        # One page: every link is an anchor that exists on it (depending on the Sphinx
        # release, links between the joined documents are "index.html#x" or "#x").
        for key in ("cp-1", "worker-1", "kube-scheduler"):
            page_part, _hash, anchor = hrefs[key].partition("#")
            assert page_part in ("", "index.html") and anchor, hrefs[key]
            assert soup.find(id=anchor) is not None, key
