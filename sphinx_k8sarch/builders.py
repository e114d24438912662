"""Per-builder output of :class:`~.nodes.k8sarch_diagram`: render at write time, degrade
to the text description when the renderer fails."""

from __future__ import annotations

import hashlib
import html
import os
from pathlib import Path
import re
import shutil
from typing import TYPE_CHECKING, Any
import xml.etree.ElementTree as ET

from docutils import nodes

from .config import get_config
from .diagnostics import Subtype
from .dot import print_variant
from .i18n import Translator
from .nodes import k8sarch_diagram, k8sarch_link
from .render import (
    FORMATS,
    RenderError,
    atomic_target,
    cache_name,
    find_renderer,
    key_for,
    render,
    source_digest,
)
from .svg import inline_svg
from .warnings_ import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

FAILED_DIR = "failed"
#: File names of renders, as :func:`~.render.cache_name` writes them.
RENDER_NAME = re.compile(r"k8sarch-[0-9a-f]{32}\.(?:" + "|".join(FORMATS) + ")")


def cache_dir(doctreedir: str | os.PathLike[str]) -> Path:
    """Persistent across builds and builders, unlike the output directory."""
    return Path(doctreedir) / "_k8sarch"


def _location(node: nodes.Element) -> str:
    return f"{node.source}:{node.line}" if node.source else ""


def _render(translator: Any, node: k8sarch_diagram, fmt: str, dpi: int | None = None
            ) -> Path | None:
    builder: Builder = translator.builder
    cfg = get_config(builder.env)
    source = print_variant(node["dot"], dpi) if dpi else node["dot"]
    try:
        path, _new = render(source, fmt, cache_dir(builder.doctreedir), cfg.renderer,
                            cfg.renderer_timeout)
    except RenderError as exc:
        _failed(builder, node, str(exc))
        return None
    return path


def _failed(builder: Builder, node: nodes.Element, reason: str) -> None:
    """Remember the failure in a marker file; :func:`report_failures` turns the markers
    into one warning per build, in the main process, however many writer processes
    ``-j`` forks; the next build reads the marked documents again (:func:`failed_docs`)."""
    docname = builder.env.path2doc(node.source) if node.source else None
    location = _location(node)
    marker = cache_dir(builder.doctreedir) / FAILED_DIR
    marker.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(f"{docname}\0{location}".encode()).hexdigest()[:16]
    (marker / digest).write_text(f"{docname or ''}\n{location}\n{reason}", encoding="utf-8")


def _markers(doctreedir: str | os.PathLike[str]) -> list[tuple[Path, str, str, str]]:
    """(file, docname, location, reason) of each failure marker, in a stable order."""
    folder = cache_dir(doctreedir) / FAILED_DIR
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        parts = entry.read_text(encoding="utf-8").split("\n", 2)
        docname, location, reason = [*parts, "", ""][:3]
        found.append((entry, docname, location, reason))
    return sorted(found, key=lambda item: item[1:])


def report_failures(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: one actionable warning for all the diagrams that failed."""
    failures = _markers(app.doctreedir)
    if exception is not None or not failures:
        return
    _entry, _docname, location, reason = failures[0]
    more = f" ({len(failures)} diagrams)" if len(failures) > 1 else ""
    warn(f"cannot render k8s-cluster diagrams{more}: {reason}. Install the renderer with "
         "'pip install graphviz-pure', or set k8sarch_renderer in conf.py to a Graphviz "
         "'dot' executable; the text description is shown instead",
         Subtype.RENDER, location or None)


def failed_docs(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                removed: set[str]) -> list[str]:
    """``env-get-outdated``: documents whose diagrams failed to render last time. The
    markers are consumed, so those left at the end of a build are that build's own."""
    docs = []
    for entry, docname, _location, _reason in _markers(app.doctreedir):
        entry.unlink(missing_ok=True)
        if docname in env.all_docs and docname not in removed:
            docs.append(docname)
    return sorted(set(docs))


# -- stale renders ---------------------------------------------------------------------------
#: Build-environment attribute: docname → digests of the DOT sources its diagrams render.
ENV_SOURCES = "k8sarch_sources"


def _sources(env: BuildEnvironment) -> dict[str, list[str]]:
    if not hasattr(env, ENV_SOURCES):
        setattr(env, ENV_SOURCES, {})
    sources: dict[str, list[str]] = getattr(env, ENV_SOURCES)
    return sources


def note_sources(env: BuildEnvironment, sources: list[str]) -> None:
    """Called by the directive for every diagram it reads."""
    _sources(env).setdefault(env.docname, []).extend(source_digest(s) for s in sources)


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _sources(env).pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str],
               other: BuildEnvironment) -> None:
    """Parallel reads: take over what the worker processes read."""
    theirs = _sources(other)
    for docname in docnames:
        if docname in theirs:
            _sources(env)[docname] = theirs[docname]


def remove_stale(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: delete renders that no diagram of the project uses any more
    (an edited or removed diagram, another renderer version), in the cache and, for
    LaTeX, in the output directory. Every format is kept for every live diagram, since
    the cache is shared by the builders of one doctree directory."""
    if exception is not None:
        return
    path = find_renderer(get_config(app.env).renderer)
    if path is None:
        return
    try:
        live = {cache_name(key_for(digest, fmt, path), fmt)
                for digests in _sources(app.env).values() for digest in digests
                for fmt in FORMATS}
    except RenderError:
        return
    folders = [cache_dir(app.doctreedir)]
    if app.builder.format == "latex":
        folders.append(Path(app.builder.outdir))
    for folder in folders:
        if folder.is_dir():
            for entry in folder.glob("k8sarch-*"):
                # Only names the cache writes: a project image called k8sarch-*.png that
                # LaTeX copied beside ours is not ours to delete.
                if RENDER_NAME.fullmatch(entry.name) and entry.name not in live:
                    entry.unlink(missing_ok=True)


# -- HTML (html, dirhtml, singlehtml, epub) ------------------------------------------------
def _links(node: k8sarch_diagram, glossary_first: bool) -> dict[str, str]:
    """Where each box links: the spec's own ``links:`` first, then the glossary or the
    description under the diagram, as ``k8sarch_link_components`` says."""
    local = {c: f"#{anchor}" for c, anchor in node["links"].items()}
    glossary: dict[str, str] = {}
    spec: dict[str, str] = dict(node.get("spec_links", {}))
    for link in node.findall(k8sarch_link):
        for ref in link.findall(nodes.reference):
            uri = ref.get("refuri") or ("#" + ref["refid"] if ref.get("refid") else "")
            if uri:
                # singlehtml joins page and term anchors; the last anchor is the real one.
                if uri.count("#") > 1:
                    uri = "#" + uri.rsplit("#", 1)[1]
                (spec if link.get("spec") else glossary)[link["key"]] = uri
    ordered = {**local, **glossary} if glossary_first else {**glossary, **local}
    return {**ordered, **spec}


def html_visit(self: Any, node: k8sarch_diagram) -> None:
    cfg = get_config(self.builder.env)
    path = _render(self, node, "svg")
    classes = " ".join(["k8sarch-diagram", *node["classes"]])
    style = f' style="max-width: {html.escape(node["width"])}"' if node["width"] else ""
    svg = None
    if path is not None:
        links = _links(node, cfg.link_components == "glossary")
        try:
            svg = inline_svg(path.read_bytes(), node["prefix"], node["title"], node["alt"],
                             links.get)
        except ET.ParseError as exc:
            _failed(self.builder, node, f"the renderer wrote SVG that cannot be read ({exc})")
    if svg is None:
        _ = Translator(node.get("lang"))
        text = html.escape("\n".join(node["topology"]))
        notice = html.escape(_("Diagram unavailable; its text description follows."))
        self.body.append(f'<div class="{classes} k8sarch-unavailable" id="{node["prefix"]}">'
                         f'<p class="k8sarch-notice">{notice}</p><pre>{text}</pre></div>\n')
    else:
        self.body.append(f'<div class="{classes}" id="{node["prefix"]}"{style}>{svg}</div>\n')
    raise nodes.SkipNode


# -- LaTeX -------------------------------------------------------------------------------
def latex_visit(self: Any, node: k8sarch_diagram) -> None:
    cfg = get_config(self.builder.env)
    fmt, dpi = ("pdf", None) if cfg.renders_pdf else ("png", cfg.latex_dpi)
    path = _render(self, node, fmt, dpi)
    if path is None:
        lines = "\\\\\n".join(self.encode(line) for line in node["topology"])
        self.body.append(f"\n\\begin{{quote}}\\small\n{lines}\n\\end{{quote}}\n")
        raise nodes.SkipNode
    target = Path(self.builder.outdir) / path.name
    if not target.exists():
        with atomic_target(target) as tmp:
            shutil.copyfile(path, tmp)
    self.body.append("\n\\sphinxincludegraphics[width=\\linewidth,height=0.6\\textheight,"
                     f"keepaspectratio]{{{{{path.stem}}}{path.suffix}}}\n")
    raise nodes.SkipNode


# -- text, man, texinfo --------------------------------------------------------------------
def text_visit(self: Any, node: k8sarch_diagram) -> None:
    self.new_state(0)
    self.add_text("\n".join([node["title"], *node["topology"]]))
    self.end_state(wrap=False)
    raise nodes.SkipNode


def man_visit(self: Any, node: k8sarch_diagram) -> None:
    lines = [node["title"], *node["topology"]]
    # A leading "\&" (roff's zero-width space): a line starting with "." or "'" is a request.
    body = "\n".join("\\&" + self.deunicode(line).replace("\\", "\\e").replace("-", "\\-")
                     for line in lines)
    self.body.append(f"\n.sp\n.nf\n{body}\n.fi\n")
    raise nodes.SkipNode


def texinfo_visit(self: Any, node: k8sarch_diagram) -> None:
    body = "\n".join(self.escape(line) for line in [node["title"], *node["topology"]])
    self.body.append(f"\n@example\n{body}\n@end example\n")
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Element) -> None:
    raise nodes.SkipNode


VISITORS = {
    "html": (html_visit, None),
    "latex": (latex_visit, None),
    "text": (text_visit, None),
    "man": (man_visit, None),
    "texinfo": (texinfo_visit, None),
}
