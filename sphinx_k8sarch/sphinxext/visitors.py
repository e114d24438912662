"""Per-builder output of :class:`~.nodes.k8sarch_diagram`: render at write time, degrade
to the text description when the renderer fails."""

from __future__ import annotations

import html
from pathlib import Path
import shutil
from typing import TYPE_CHECKING, Any
import xml.etree.ElementTree as ET

from docutils import nodes

from ..core.dotwriter import print_variant
from ..core.i18n import Translator
from ..core.render import RenderError, atomic_target, cache_dir, obtain, svg_template_for
from ..core.svg import fill_template, inline_svg
from .cache import DOWNLOAD_PNG, POOLS, note_failure, render_format
from .config import get_config
from .nodes import k8sarch_diagram, k8sarch_link

if TYPE_CHECKING:
    from sphinx.builders import Builder


def _render(translator: Any, node: k8sarch_diagram, fmt: str, dpi: int | None = None
            ) -> Path | None:
    """The render of ``node`` (started while reading, see :mod:`.cache`), or None after
    noting the failure."""
    builder: Builder = translator.builder
    source = print_variant(node["dot"], dpi) if dpi else node["dot"]
    folder = cache_dir(builder.doctreedir)
    pool = POOLS.get(folder)
    try:
        if pool is not None:
            path, _new = pool.obtain(source, fmt)
        else:
            cfg = get_config(builder.env)
            path, _new = obtain(source, fmt, folder, cfg.renderer, cfg.renderer_timeout)
    except RenderError as exc:
        note_failure(builder, node, str(exc))
        return None
    return path



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
        template = svg_template_for(path)
        if template is not None:
            svg = fill_template(template, node["prefix"], node["title"], node["alt"],
                                links.get)
        try:
            if svg is None:
                svg = inline_svg(path.read_bytes(), node["prefix"], node["title"],
                                 node["alt"], links.get)
        except ET.ParseError as exc:
            note_failure(self.builder, node, f"the renderer wrote SVG that cannot be read ({exc})")
    if svg is None:
        _ = Translator(node.get("lang"))
        text = html.escape("\n".join(node["topology"]))
        notice = html.escape(_("Diagram unavailable; its text description follows."))
        self.body.append(f'<div class="{classes} k8sarch-unavailable" id="{node["prefix"]}">'
                         f'<p class="k8sarch-notice">{notice}</p><pre>{text}</pre></div>\n')
    else:
        assert path is not None  # the SVG was read
        _ = Translator(node.get("lang"))
        # Texts for the script's controls (it adds them; without it the figure is whole).
        texts = {"fullscreen": _("Full screen"), "close": _("Close"),
                 "zoom-in": _("Zoom in"), "zoom-out": _("Zoom out"), "reset": _("Fit"),
                 "help": _("Drag or use the arrow keys to move, + and − to zoom, "
                           "Escape to close.")}
        data = "".join(f' data-k8sarch-{key}="{html.escape(value)}"'
                       for key, value in texts.items())
        self.body.append(f'<div class="{classes}" id="{node["prefix"]}"{style}{data}>{svg}'
                         f'{_downloads(self, node, path, _)}</div>\n')
    raise nodes.SkipNode


def _downloads(self: Any, node: k8sarch_diagram, svg: Path, _: Translator) -> str:
    """Plain links under the figure to the rendered SVG (and the PNG, if configured),
    copied beside the page's images."""
    links = []
    png = (_render(self, node, *DOWNLOAD_PNG)
           if get_config(self.builder.env).download_png else None)
    for path, text in ((svg, _("Download SVG")), (png, _("Download PNG"))):
        if path is None:
            continue
        target = Path(self.builder.outdir) / self.builder.imagedir / path.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_target(target) as tmp:
                shutil.copyfile(path, tmp)
        href = html.escape(f"{self.builder.imgpath}/{path.name}")
        links.append(f'<a class="k8sarch-download reference download" href="{href}" '
                     f'download="{html.escape(node["prefix"] + path.suffix)}">'
                     f'{html.escape(text)}</a>')
    return f'<p class="k8sarch-actions">{" · ".join(links)}</p>' if links else ""


# -- LaTeX -------------------------------------------------------------------------------
def latex_visit(self: Any, node: k8sarch_diagram) -> None:
    wanted = render_format(self.builder)
    assert wanted is not None  # a LaTeX builder
    path = _render(self, node, *wanted)
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
