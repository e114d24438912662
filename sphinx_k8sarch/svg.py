"""Make Graphviz SVG safe and accessible for inline use in HTML."""

from __future__ import annotations

from collections.abc import Callable
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_S = f"{{{SVG_NS}}}"
_HREF = f"{{{XLINK_NS}}}href"
_XTITLE = f"{{{XLINK_NS}}}title"
LINK_PREFIX = "#k8s-comp-"
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_href(href: str) -> bool:
    """Relative links and http(s) only: never ``javascript:``, ``data:`` and the like."""
    match = _SCHEME.match(href)
    return match is None or match.group(1).lower() in ("http", "https")


def inline_svg(data: bytes, prefix: str, title: str, description: str,
               link: Callable[[str], str | None]) -> str:
    """Return an ``<svg>`` element ready to inline: ids prefixed, no scripts or event
    handlers, ``role="img"`` with a title and a description, component links mapped
    through ``link`` (a component name → URL, or None to drop the link)."""
    root = ET.fromstring(data)
    # Natural size in CSS pixels (Graphviz writes points): the diagram never grows past
    # it, and CSS (max-width: 100%; height: auto) shrinks it to narrow columns.
    for attr in ("width", "height"):
        value = root.get(attr, "")
        if value.endswith("pt"):
            root.set(attr, str(round(float(value[:-2]) * 4 / 3)))
    root.set("role", "img")
    root.set("class", "k8sarch-svg")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    _clean(root, prefix, link)
    title_el = ET.Element(f"{_S}title", {"id": f"{prefix}-title"})
    title_el.text = title
    desc_el = ET.Element(f"{_S}desc", {"id": f"{prefix}-desc"})
    desc_el.text = description
    root.insert(0, desc_el)
    root.insert(0, title_el)
    return ET.tostring(root, encoding="unicode")


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _clean(element: ET.Element, prefix: str, link: Callable[[str], str | None]) -> None:
    index = 0
    while index < len(element):
        child = element[index]
        if not isinstance(child.tag, str):  # comments and processing instructions
            del element[index]
            continue
        tag = child.tag.removeprefix(_S)
        if tag in ("script", "foreignObject", "iframe", "style"):
            del element[index]
            continue
        if tag == "title" and "graph" in _classes(element):
            del element[index]  # replaced by our own title at the root
            continue
        if tag == "a":
            href = child.get(_HREF) or child.get("href") or ""
            target = link(href[len(LINK_PREFIX):]) if href.startswith(LINK_PREFIX) else None
            if target is None or not safe_href(target):
                # Unwrap: keep the drawing, drop the link; its children are cleaned next.
                element[index:index + 1] = list(child)
                continue
            child.attrib.pop(_HREF, None)
            child.set("href", target)
            title = child.attrib.pop(_XTITLE, None)
            if title:
                child.set("aria-label", title)
        for attr in list(child.attrib):
            if attr.lower().startswith("on"):
                del child.attrib[attr]
        if "id" in child.attrib:
            child.set("id", f"{prefix}-{child.get('id')}")
        if tag == "title" and _classes(element) & {"node", "edge", "cluster"}:
            # Graphviz writes internal node names here; screen readers get the label.
            texts = [t.text or "" for t in element.iter(f"{_S}text")]
            child.text = " ".join(t for t in texts if t)
        _clean(child, prefix, link)
        index += 1
