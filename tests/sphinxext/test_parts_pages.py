"""A production cluster's own parts on a page, in rST and MyST alike: add-ons, pools, the
project's own components (drawn, described in the reader's language, linked from prose and
from the spec) and a load balancer on the control-plane nodes."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from helpers.markers import needs_renderer
from helpers.snippets import Snippet, warning_lines
from helpers.sphinx import MakeApp, build, prepare
import pytest

pytestmark = needs_renderer

PARTS = Snippet("Production", [":name: parts", ":lang: en"], """\
control-plane: 3
load-balancer: {type: kube-vip, on: control-plane}
workers:
- {name: general, count: 3}
- {name: gpu, count: 2}
addons: [coredns, cni, metrics-server, cert-manager]
components:
- name: vault
  label: HashiCorp Vault
  runs-on: general
  talks-to: [kube-apiserver, "postgres:5432"]
  description:
    en: Keeps the platform's secrets.
    es: Guarda los secretos de la plataforma.
- name: postgres
  runs-on: outside
  description: The platform's database.
links:
  postgres: https://www.postgresql.org/docs/
""")
SPANISH = Snippet("Producción", [":name: partes", ":lang: es"], PARTS.body)
PROSE = {"rst": "\nSecrets live in :k8s:comp:`vault`.\n",
         "md": "\nSecrets live in {k8s:comp}`vault`.\n"}


@pytest.fixture
def site(tmp_path: Path, make_app: MakeApp) -> tuple[Path, str]:
    srcdir = prepare(tmp_path, "basic", [PARTS, SPANISH])
    for suffix, page in (("rst", "page_rst.rst"), ("md", "page_md.md")):
        with (srcdir / page).open("a", encoding="utf-8") as text:
            text.write(PROSE[suffix])
    app = build(make_app, srcdir)
    return Path(app.outdir), app.warning.getvalue()


def _soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_own_components_pools_and_addons_on_the_page(site: tuple[Path, str],
                                                      page: str) -> None:
    outdir, warnings = site
    assert warning_lines(warnings) == []
    soup = _soup(outdir, page)
    english, spanish = soup.select("div.k8sarch")[:2]
    svg_text = " ".join(t.get_text() for t in english.select("svg text"))
    for drawn in ("HashiCorp Vault", "general-1", "gpu-2", "metrics-server", "virtual IP",
                  "kube-vip", "holds the VIP"):
        assert drawn in svg_text, drawn
    terms = {dt.get_text(" ", strip=True): dt for dt in english.select("dl.k8sarch-descriptions > dt")}
    assert "vault (HashiCorp Vault)" in terms and "cert-manager" in terms
    vault = terms["vault (HashiCorp Vault)"].find_next_sibling("dd").get_text(" ", strip=True)
    assert "Keeps the platform's secrets." in vault.replace("\u2019", "'")
    assert "Every worker of the pool general." in vault
    kube_vip = terms["kube-vip"].find_next_sibling("dd").get_text(" ", strip=True)
    assert "The figure shows cp-1 holding the virtual IP" in kube_vip
    summary = english.select_one("ul.k8sarch-summary").get_text(" ", strip=True)
    assert "Workers: 5 nodes in 2 pools: general (3), gpu (2)" in summary
    assert "no separate load-balancer machine" in summary
    # The same figure in Spanish describes vault with the Spanish text.
    es_terms = {dt.get_text(" ", strip=True): dt for dt in spanish.select("dl.k8sarch-descriptions > dt")}
    dd = es_terms["vault (HashiCorp Vault)"].find_next_sibling("dd").get_text(" ", strip=True)
    assert "Guarda los secretos de la plataforma." in dd
    # links: reaches the own component's box; prose points at its description.
    hrefs = {a.get("aria-label", ""): a["href"] for a in english.select("svg a")}
    assert hrefs["postgres"] == "https://www.postgresql.org/docs/"
    role = soup.select_one("a.reference:has(code.k8s-comp)")
    assert role is not None and role.get_text(strip=True) == "vault"
    # One of the page's descriptions of vault (the nearest above the prose in rST; MyST
    # gives roles no line, so there the first one on the page).
    target = soup.find(id=role["href"].removeprefix("#"))
    assert target in (terms["vault (HashiCorp Vault)"], es_terms["vault (HashiCorp Vault)"])


def test_glossary_links_fall_back_quietly_in_a_nitpicky_build(tmp_path: Path,
                                                              make_app: MakeApp) -> None:
    """k8sarch_link_components = "glossary" in a nitpicky project whose glossary knows only
    etcd: the etcd box goes to the glossary, every other box keeps its description link,
    and no "term not in glossary" warning is given for them."""
    srcdir = prepare(tmp_path, "basic", [PARTS])
    (srcdir / "glossary.rst").write_text(
        "Glossary\n========\n\n.. glossary::\n\n   etcd\n      The store.\n",
        encoding="utf-8")
    with (srcdir / "index.rst").open("a", encoding="utf-8") as index:
        index.write("\n.. toctree::\n\n   glossary\n")
    app = build(make_app, srcdir, confoverrides={"k8sarch_link_components": "glossary",
                                                 "nitpicky": True})
    assert [w for w in warning_lines(app.warning.getvalue()) if "page_" in w] == []
    soup = _soup(Path(app.outdir), "page_rst")
    hrefs = {a.get("aria-label", ""): a["href"] for a in soup.select("div.k8sarch svg a")}
    assert hrefs["HashiCorp Vault"].startswith("#k8sarch-")
    assert hrefs["metrics-server"].startswith("#k8sarch-")
    assert hrefs["etcd"] == "glossary.html#term-etcd"
