"""The directive end to end, every case in reStructuredText and MyST with equal results."""

from __future__ import annotations

import json
from pathlib import Path
import re

from bs4 import BeautifulSoup
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import MakeApp, build, build_once, prepare
import pytest

HA = Snippet("Production cluster", [":name: fig-ha", ":caption: HA with stacked etcd"],
             "control-plane: 3\nworkers: 3\netcd: stacked\nload-balancer: haproxy\n"
             "clients: [kubectl]\n")
STEP_1 = Snippet("Step 1", [":name: step-1", ":notes: single-control-plane"],
                 "control-plane:\n  count: 1\n  components: []\nclients: []\n")
STEP_2 = Snippet("Step 2", [":name: step-2", ":extends: step-1",
                            ":suppress-warnings: ha-single"],
                 "control-plane:\n  components: [DB-ETCD, kube-apiserver]\n")
STEP_3 = Snippet("Step 3", [":extends: step-2", ":suppress-warnings: ha-single",
                            ":descriptions: table"],
                 "workers:\n  count: 2\n  components: [kubectl, kube-proxy]\n")
VALID = [HA, STEP_1, STEP_2, STEP_3]


def _soup(app_outdir: Path, doc: str) -> BeautifulSoup:
    return BeautifulSoup((app_outdir / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="module")
def valid_html(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One build of the valid twins, read by every test that takes it."""
    app = build_once(prepare(tmp_path_factory.mktemp("valid"), "basic", VALID))
    return Path(app.outdir), app.warning.getvalue()


def test_valid_root_builds_without_warnings(valid_html: tuple[Path, str]) -> None:
    _outdir, warnings = valid_html
    assert warning_lines(warnings) == []


@pytest.mark.parametrize("doc", ["page_rst", "page_md"])
def test_inline_svg_is_accessible_and_prefixed(valid_html: tuple[Path, str], doc: str) -> None:
    outdir, _ = valid_html
    soup = _soup(outdir, doc)
    diagrams = soup.select("div.k8sarch-diagram")
    assert len(diagrams) == 4
    assert not soup.select("object, img.graphviz")
    prefixes = set()
    for div in diagrams:
        svg = div.find("svg")
        # Boxes that link somewhere make it a group, not an image (axe-core's
        # nested-interactive), the drawing around the links hidden; without links an image.
        assert svg is not None
        if svg.find("a"):
            assert svg["role"] == "group"
            assert not svg.select("g.edge:not([aria-hidden=true])")
        else:
            assert svg["role"] == "img"
        prefix = div["id"]
        prefixes.add(prefix)
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id) and svg.find("desc", id=desc_id)
        # Every id inside the picture carries this diagram's prefix: no clashes on a page.
        inner_ids = [el["id"] for el in svg.find_all(id=True)]
        assert inner_ids and all(i.startswith(prefix + "-") for i in inner_ids)
        assert "digraph" not in svg.find("desc").text  # a description, never the DOT source
        assert not svg.find("script")
    assert len(prefixes) == 4
    first = diagrams[0].find("svg")
    desc = first.find("desc").text
    assert "3 control-plane nodes" in desc and "haproxy" in desc
    assert "quorum 2, tolerates 1 failure" in desc


def test_components_link_to_their_descriptions(valid_html: tuple[Path, str]) -> None:
    outdir, _ = valid_html
    soup = _soup(outdir, "page_md")
    svg = soup.select("div.k8sarch-diagram svg")[0]
    hrefs = {a["href"] for a in svg.find_all("a")}
    assert hrefs, "components must be clickable"
    for href in hrefs:
        assert href.startswith("#")
        target = soup.find(id=href[1:])
        assert target is not None, href
    labels = {a.get_text(" ", strip=True) for a in svg.find_all("a")}
    assert any("kube-apiserver" in label for label in labels)


def test_summary_notes_and_descriptions(valid_html: tuple[Path, str]) -> None:
    outdir, _ = valid_html
    soup = _soup(outdir, "page_rst")
    containers = soup.select("div.k8sarch")
    summary = containers[0].select_one("ul.k8sarch-summary").get_text(" ", strip=True)
    assert "3 members, quorum 2, tolerates 1 failure" in summary
    assert ("each elects one leader through a Lease of its own, 2 on standby; the leaders "
            "drawn are one possible state") in summary
    # The kubelet's description says what it talks to in this release (default: 1.36).
    kubelet = containers[0].select_one("dl.k8sarch-descriptions dd:has(+ dt), "
                                      "dl.k8sarch-descriptions").get_text(" ", strip=True)
    assert ("In this figure (Kubernetes 1.36) the kubelet of each control-plane node talks "
            "to the local API server.") in kubelet
    terms = [dt.get_text(" ", strip=True) for dt in containers[0].select("dl.k8sarch-descriptions > dt")]
    assert terms[:4] == ["kube-apiserver", "etcd", "kube-scheduler", "kube-controller-manager"]
    assert "kubectl" in terms and "load-balancer (haproxy)" in terms
    # Step 1: the reader note replaces the build warning it explains.
    assert containers[1].select(".k8sarch-note-single-control-plane")
    # Step 2 extends step 1: only additions are described and they are highlighted.
    step2 = containers[2]
    assert [dt.get_text(" ", strip=True) for dt in step2.select("dl.k8sarch-descriptions > dt")] == ["kube-apiserver", "etcd"]
    highlighted = {t.get_text(" ", strip=True) for t in step2.select("g.k8s-highlight text")}
    assert highlighted == {"kube-apiserver", "etcd"}
    assert "New in this step: kube-apiserver, etcd" in step2.get_text(" ", strip=True)
    # Step 3 puts kubectl on workers: a teaching note, not a failure; a table of additions.
    step3 = containers[3]
    assert step3.select(".k8sarch-note-kubectl-client")
    rows = [tr.find("td").get_text(" ", strip=True) for tr in step3.select("table tbody tr")]
    assert rows == ["kube-proxy", "kubectl"]


def test_numref_and_caption(valid_html: tuple[Path, str], tmp_path: Path) -> None:
    outdir, _ = valid_html
    soup = _soup(outdir, "page_rst")
    figure = soup.select_one("figure#fig-ha-rst")
    assert figure is not None
    assert "HA with stacked etcd" in figure.find("figcaption").get_text()
    assert re.search(r"Fig\. 1", figure.find("figcaption").get_text())


def test_rst_and_myst_give_the_same_html(valid_html: tuple[Path, str]) -> None:
    outdir, _ = valid_html

    def body(doc: str) -> str:
        html = str(_soup(outdir, doc).select_one("div.body, article, div[role=main]"))
        html = re.sub(r"k8sarch-[0-9a-f]{8}", "PREFIX", html)
        html = re.sub(r'(id|href)="[^"]*(page_rst|page_md)[^"]*"', "", html)
        html = re.sub(r"<h1.*?</h1>", "", html, flags=re.DOTALL)
        html = re.sub(r"Fig\. \d+", "Fig. N", html)
        return re.sub(r"-(rst|md)\b", "", html)

    assert body("page_rst") == body("page_md")


BAD = [
    Snippet("Syntax", [], "control-plane: 3\nworkers: [1, 2\n"),
    Snippet("Not a mapping", [], "- control-plane\n- workers\n"),
    Snippet("Types", [], "control-plane: three\nworkers: 2\nload-balancer: [a]\n"),
    Snippet("Ranges", [], "control-plane: 0\nworkers: 100000\n"),
    Snippet("Keys", [], "control-plane: 3\nload-balancr: haproxy\n"),
    Snippet("Component", [], "control-plane:\n  count: 3\n  components: [kube-sheduler]\n"),
    Snippet("Bomb", [], "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n"),
    Snippet("Duplicate", [], "workers: 1\nworkers: 2\n"),
    Snippet("Quorum", [":name: quorum"], "control-plane: 4\nload-balancer: kube-vip\n"),
    Snippet("No LB", [], "control-plane: 3\nworkers: 1\n"),
    Snippet("External", [], "control-plane: 3\nload-balancer: cloud\n"
            "etcd:\n  topology: external\n  members: 2\n"),
    Snippet("Extends", [":extends: nowhere"], "workers: 1\n"),
    Snippet("Fine", [":name: fine"], "control-plane: 3\nload-balancer: haproxy\nworkers: 2\n"),
]
#: (snippet index, line inside the body, subtype) in the order Sphinx reports them.
EXPECTED = [
    (0, 2, "yaml"), (1, 1, "type"), (2, 1, "type"), (2, 3, "type"), (3, 1, "value"),
    (3, 2, "value"), (4, 2, "unknown-key"), (5, 3, "unknown-component"), (6, 4, "size"),
    (7, 2, "duplicate-key"), (8, 1, "ha-quorum"), (9, 1, "ha-lb"), (10, 3, "ha-external-etcd"),
    (11, 0, "extends"),
]


def test_bad_specs_give_exact_located_warnings(tmp_path: Path, make_app: MakeApp) -> None:
    srcdir = prepare(tmp_path, "bad", BAD)
    app = build(make_app, srcdir)
    warnings = warning_lines(app.warning.getvalue())
    starts = write_twins(srcdir, BAD)["rst"]
    for suffix, doc in (("rst", "page_rst.rst"), ("md", "page_md.md")):
        mine = [w for w in warnings if f"{doc}:" in w]
        got = [(int(w.split(f"{doc}:")[1].split(":")[0]), re.findall(r"\[k8sarch\.([a-z-]+)\]",
                                                                     w)[-1]) for w in mine]
        # :extends: errors point at the directive line, two lines above the body here.
        want = [(starts[i] + line - 1 if line else starts[i] - 3, subtype)
                for i, line, subtype in EXPECTED]
        assert got == want, (suffix, got, want)
    assert len(warnings) == 2 * len(EXPECTED)
    soup = _soup(Path(app.outdir), "page_md")
    # Errors drop only their own diagram; findings keep theirs; the page goes on. An
    # unknown component name costs only that name: its diagram is drawn without it.
    assert len(soup.select("div.k8sarch-diagram")) == 5
    unknown = next(w for w in warnings if "[k8sarch.unknown-component]" in w)
    assert "did you mean 'kube-scheduler'?; it is left out of the figure" in unknown
    assert "Paragraph 12 after the diagram." in soup.get_text()
    assert "Traceback" not in app.warning.getvalue()


def test_findings_are_suppressible_globally(tmp_path: Path, make_app: MakeApp) -> None:
    srcdir = prepare(tmp_path, "bad", BAD[8:10])
    app = build(make_app, srcdir, confoverrides={"suppress_warnings": ["k8sarch.ha-quorum",
                                                                       "k8sarch.ha-lb"]})
    assert warning_lines(app.warning.getvalue()) == []


def test_text_builder_writes_a_topology(tmp_path: Path, make_app: MakeApp) -> None:
    app = build(make_app, prepare(tmp_path, "basic", [HA]), "text")
    page = (Path(app.outdir) / "page_md.txt").read_text(encoding="utf-8")
    assert "[graph" not in page
    assert "[cp-1] kube-apiserver, etcd" in page
    assert "kube-apiserver -> etcd (2379) ×3" in page
    assert "load balancer -> kube-apiserver (6443) ×3" in page
    assert "Where it runs" in page


def test_latex_gets_a_300_dpi_png(tmp_path: Path, make_app: MakeApp) -> None:
    app = build(make_app, prepare(tmp_path, "basic", [HA]), "latex")
    tex = next(Path(app.outdir).glob("*.tex")).read_text(encoding="utf-8")
    images = re.findall(r"\\sphinxincludegraphics\[[^]]*\]\{\{(k8sarch-[0-9a-f]+)\}\.png\}",
                        tex)
    assert len(images) == 2
    for name in images:
        data = (Path(app.outdir) / f"{name}.png").read_bytes()
        assert data.startswith(b"\x89PNG")
        assert int.from_bytes(data[16:20], "big") > 2000  # 300 dpi: inches wide in print
    assert "None" not in tex.split("\\begin{document}")[1]


def test_man_page_has_the_topology(tmp_path: Path, make_app: MakeApp) -> None:
    app = build(make_app, prepare(tmp_path, "basic", [HA]), "man")
    page = next(Path(app.outdir).rglob("*.1")).read_text(encoding="utf-8")
    assert "kube\\-apiserver" in page and "[graph" not in page


@pytest.mark.parametrize("buildername", ["singlehtml", "dirhtml", "epub"])
def test_other_html_builders_inline_svg(tmp_path: Path, make_app: MakeApp,
                                        buildername: str) -> None:
    app = build(make_app, prepare(tmp_path, "basic", [HA]), buildername)
    produced = [*Path(app.outdir).rglob("*.html"), *Path(app.outdir).rglob("*.xhtml")]
    pages = [p.read_text(encoding="utf-8") for p in produced]
    assert sum(page.count("<svg") for page in pages) >= 2
    assert "k8sarch" not in app.warning.getvalue()
    for page in pages:
        for href in re.findall(r'<a href="([^"]+)"[^>]*aria-label', page):
            assert href.startswith("#"), href


def test_gettext_extracts_captions_and_summaries(tmp_path: Path, make_app: MakeApp) -> None:
    srcdir = prepare(tmp_path, "basic", [HA])
    app = build(make_app, srcdir, "gettext")
    pot = (Path(app.outdir) / "page_rst.pot").read_text(encoding="utf-8")
    assert 'msgid "HA with stacked etcd"' in pot
    assert "quorum 2" in pot
    # Descriptions are built when pages are written, in the extension's own languages;
    # offering them to the project's translators would only collect unused work.
    assert "The front door of the control plane" not in pot


def test_spanish_output(tmp_path: Path, make_app: MakeApp) -> None:
    srcdir = prepare(tmp_path, "basic", [HA])
    app = build(make_app, srcdir, confoverrides={"language": "es"})
    text = _soup(Path(app.outdir), "page_md").get_text(" ", strip=True)
    assert "3 miembros, quórum 2, tolera 1 fallo" in text
    assert "balanceador de carga" in text


def _search_terms(outdir: Path) -> set[str]:
    text = (outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    return set(index["terms"])


def test_search_finds_components_not_the_repeated_catalog_text(
        valid_html: tuple[Path, str]) -> None:
    terms = _search_terms(valid_html[0])
    # Names and the summary are searchable...
    for stem in ("etcd", "haprox", "quorum", "kubelet"):
        assert any(t.startswith(stem) for t in terms), stem
    # ...the catalog sentences under every diagram are not: "raft" and "endpointslic(e)"
    # appear only in the etcd and kube-proxy descriptions.
    assert not {t for t in terms if t.startswith(("raft", "endpointslic"))}


def test_overlong_title_is_a_located_warning(tmp_path: Path, make_app: MakeApp) -> None:
    snippets = [Snippet("T" * 201, [], "control-plane: 3\nload-balancer: cloud\n"), HA]
    srcdir = prepare(tmp_path, "basic", snippets)
    app = build(make_app, srcdir)
    warnings = warning_lines(app.warning.getvalue())
    # The directive line of the first snippet, in both twins.
    assert sorted(w.split(": WARNING")[0].rsplit("/", 1)[1] + w[w.rindex(" "):]
                  for w in warnings) == ["page_md.md:4 [k8sarch.value]",
                                         "page_rst.rst:4 [k8sarch.value]"]
    for doc in ("page_rst", "page_md"):
        soup = _soup(Path(app.outdir), doc)
        assert len(soup.select("div.k8sarch-diagram svg")) == 1
        assert "Paragraph 0 after the diagram." in soup.get_text()
