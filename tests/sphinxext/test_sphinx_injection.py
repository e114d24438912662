"""Injection in the page: hostile text in titles, captions, load-balancer labels and ``:alt:``
stays text in the page (rST and MyST) and in the man page. The DOT source, the picture and
the inline-SVG sanitiser are tested in ``tests/core/test_injection.py``.

The trust boundary: the spec (a YAML body or a spec file, possibly generated or imported)
never becomes markup anywhere. The directive argument and ``:caption:`` are written by the
page author and are inline markup of the host syntax by design (see OPTION_DOCS); in MyST
that includes raw HTML, exactly as in any MyST paragraph, so the page tests give them text
without HTML tags and check HTML-looking captions in rST only.
"""

from __future__ import annotations

from pathlib import Path
import re

from bs4 import BeautifulSoup, Tag
from helpers.hostile import EVIL
from helpers.snippets import Snippet, warning_lines, write_twins
from helpers.sphinx import build_once, copy_root
import pytest
import yaml

#: Directive arguments and captions are host markup by design: no HTML tags or entities
#: (tested in rST below), no backslashes (rST's escape character), no inline markup.
ARGUMENTS = {"quotes": EVIL["quotes"], "braces": EVIL["braces"], "dot-edge": EVIL["dot-edge"],
             "dot-close": EVIL["dot-close"]}
#: Option values start with a word: MyST reads options as YAML, where a leading quote,
#: brace or ``&`` is syntax (the author would quote the value).
ALT = "Alt "
CAPTION = "Fig "


def _snippets() -> list[Snippet]:
    snippets = [
        Snippet("", [f":alt: {ALT}{text}"],
                yaml.safe_dump({"title": text, "control-plane": 3, "load-balancer": text,
                                "workers": 1}, width=1000))
        for text in EVIL.values()
    ]
    snippets += [Snippet(text, [f":caption: {CAPTION}{text}"],
                         "control-plane: 3\nload-balancer: cloud\n")
                 for text in ARGUMENTS.values()]
    return snippets


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One build of both twins (and an index page without diagrams as the baseline)."""
    srcdir = copy_root(tmp_path_factory.mktemp("injection"), "basic", "site")
    write_twins(srcdir, _snippets())
    app = build_once(srcdir)
    return Path(app.outdir), app.warning.getvalue()


def _soup(outdir: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / f"{page}.html").read_text(encoding="utf-8"), "html.parser")


def _text(tag: Tag, selector: str) -> str:
    found = tag.select_one(selector)
    assert found is not None, selector
    return found.get_text()


def _uncurled(text: str) -> str:
    return text.translate(str.maketrans("“”‘’", "\"\"''"))


def _scripts(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(str(s.get("src", "")), s.get_text()) for s in soup.find_all("script")]


def _handlers(soup: BeautifulSoup | Tag) -> list[str]:
    return [f"{el.name}[{attr}]" for el in soup.find_all(True) for attr in el.attrs
            if attr.lower().rpartition(":")[2].startswith("on")]


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_page_never_turns_hostile_text_into_markup(evil_site: tuple[Path, str],
                                                   page: str) -> None:
    outdir, warnings = evil_site
    soup = _soup(outdir, page)
    baseline = _soup(outdir, "index")
    # Scripts and event handlers: only what Sphinx and the theme ship on every page.
    assert _scripts(soup) == _scripts(baseline)
    assert _handlers(soup) == _handlers(baseline)
    for element in soup.find_all(True):
        for attr in ("href", "src", "xlink:href", "action", "formaction"):
            value = re.sub(r"[\s\x00-\x20]", "", str(element.get(attr, ""))).lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), (element, attr)
    containers = soup.select("div.k8sarch")
    assert len(containers) == len(EVIL) + len(ARGUMENTS)
    for container in containers:
        assert not container.find(["script", "iframe", "object", "embed", "img", "foreignobject",
                                   "style", "b"])
    # Each hostile string is text where the spec puts it, whether or not it was drawn.
    for container, text in zip(containers, EVIL.values(), strict=False):
        # The description term is literal; the summary is prose, where Sphinx's smart
        # quotes curl straight quotes (typography, still text).
        assert f"load-balancer ({text})" in _text(container, "dl.k8sarch-descriptions")
        assert f"behind the load balancer ({text})" in _uncurled(
            _text(container, "ul.k8sarch-summary"))
        diagram = container.select_one("div.k8sarch-diagram")
        assert diagram is not None
        if diagram.find("svg") is None:  # not drawn: see test_every_hostile_diagram_is_drawn
            assert f"[load balancer] {text}" in diagram.get_text()
            continue
        assert _text(diagram, "svg > title") == text
        assert _text(diagram, "svg > desc") == ALT + text  # :alt: replaces the description
    for container, text in zip(containers[len(EVIL):], ARGUMENTS.values(), strict=True):
        assert _uncurled(_text(container, "figcaption .caption-text")) == CAPTION + text
        if container.find("svg") is not None:
            assert _text(container, "svg > title") == text
    # Nothing else to say about any of it (render failures are the to_dot bug below).
    types = {line.rsplit("[", 1)[-1] for line in warning_lines(warnings)}
    assert types <= {"k8sarch.render]"}, warning_lines(warnings)
    assert "Traceback" not in warnings


def test_html_in_rst_captions_is_text(tmp_path: Path) -> None:
    """rST has no inline HTML: a caption or title argument with tags stays text."""
    srcdir = copy_root(tmp_path, "basic", "captions")
    texts = [EVIL["script"], EVIL["img"], EVIL["entities"], EVIL["html-label"]]
    lines = ["Captions", "========", ""]
    for text in texts:
        lines += [f".. k8s-cluster:: {text}", f"   :caption: {text}", "",
                  "   control-plane: 3", "   load-balancer: cloud", ""]
    (srcdir / "index.rst").write_text("\n".join(lines), encoding="utf-8")
    soup = _soup(Path(build_once(srcdir).outdir), "index")
    captions = [c.get_text() for c in soup.select("figcaption .caption-text")]
    assert captions == texts
    assert not soup.select("figure img, figure script, figcaption b")
    assert _handlers(soup) == []


@pytest.mark.parametrize("page", ["page_rst", "page_md"])
def test_every_hostile_diagram_is_drawn(evil_site: tuple[Path, str], page: str) -> None:
    outdir, warnings = evil_site
    assert [w for w in warning_lines(warnings) if "[k8sarch." in w] == []
    soup = _soup(outdir, page)
    diagrams = soup.select("div.k8sarch-diagram")
    assert all(d.find("svg") is not None for d in diagrams)
    for diagram, text in zip(diagrams, EVIL.values(), strict=False):
        texts = [t.get_text() for t in diagram.find_all("text")]
        assert f"({text})" in texts


def test_man_page_keeps_titles_as_text(tmp_path: Path) -> None:
    """Both twins end up in the one man page of the project."""
    srcdir = copy_root(tmp_path, "basic", "man")
    write_twins(srcdir, [Snippet("", [], "title: .SH PWNED\ncontrol-plane: 3\n"
                                         "load-balancer: \"'br\"\n")])
    page = next(Path(build_once(srcdir, "man").outdir).rglob("*.1")).read_text(encoding="utf-8")
    assert page.count("PWNED") == 2 and page.count("'br") == 2  # shown, once per twin
    assert [line for line in page.splitlines() if line.startswith((".SH PWNED", "'br"))] == []
