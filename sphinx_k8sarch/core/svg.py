"""Make Graphviz SVG safe and accessible for inline use in HTML."""

from __future__ import annotations

from collections.abc import Callable
import hashlib
import json
from pathlib import Path
import re
import xml.etree.ElementTree as ET

from .vocabulary import URL_SCHEMES

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_S = f"{{{SVG_NS}}}"
_HREF = f"{{{XLINK_NS}}}href"
_XTITLE = f"{{{XLINK_NS}}}title"
XML_NS = "http://www.w3.org/XML/1998/namespace"
LINK_PREFIX = "#k8s-comp-"
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
#: Browsers drop these before reading a URL's scheme: ``java\tscript:`` is ``javascript:``.
_URL_IGNORED = re.compile(r"[\t\n\r]")

#: Elements Graphviz writes (plus harmless text and shape elements). Everything else is
#: dropped with its content: script, style, foreignObject, iframe, image and use (which
#: load other documents), animate and set (which can rewrite an href into
#: ``javascript:``), and any element outside the SVG namespace (an XHTML ``script``
#: inside the SVG runs in XHTML output such as EPUB).
ALLOWED = frozenset({
    "svg", "g", "title", "desc", "a", "polygon", "polyline", "path", "ellipse", "circle",
    "rect", "line", "text", "tspan", "defs", "linearGradient", "radialGradient", "stop",
})
#: The only attributes in a namespace that are kept: xlink href and title (rewritten on
#: links, hrefs dropped elsewhere) and ``xml:space``/``xml:lang`` on text. Not
#: ``xml:base``, which would change what a relative link points at.
_NS_ATTRS = frozenset({_HREF, _XTITLE, f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"})
#: Attribute names Graphviz writes on every shape and text: plain and harmless, and most of
#: what :func:`_clean_attributes` looks at, so they skip its checks.
_PLAIN = frozenset({
    "id", "class", "fill", "stroke", "stroke-width", "stroke-dasharray", "d", "points",
    "x", "y", "cx", "cy", "rx", "ry", "font-family", "font-size", "font-weight",
    "font-style", "text-anchor", "transform", "width", "height", "viewBox", "opacity",
    "fill-opacity", "stroke-opacity",
})
#: CSS that can fetch or run something; Graphviz only writes colours (gradient stops).
_UNSAFE_STYLE = re.compile(r"url\s*\(|expression|javascript|@import|behavior|binding|\\",
                           re.IGNORECASE)


#: Characters XML 1.0 forbids: C0 controls but tab and newlines, U+FFFE and U+FFFF (and,
#: in text, lone surrogates). Graphviz copies them from a title or label (a YAML ``"\e"``
#: escape, a directive argument) into SVG that then cannot be parsed, and the diagram
#: failed with a renderer warning. In UTF-8 these bytes never occur inside another
#: character, so they are replaced with U+FFFD, visibly, before parsing.
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
#: The single bytes of that pattern, for a check in C before the regex (which took a sixth
#: of inline_svg on SVG that, as nearly always, holds none of them).
_CONTROL_BYTES = bytes([*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20)])
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_REPLACEMENT = "\ufffd"


def xml_text(text: str) -> str:
    """``text`` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub(_REPLACEMENT, text)


def safe_href(href: str) -> bool:
    """Relative links and http(s) only: never ``javascript:``, ``data:`` and the like,
    however the scheme is disguised with leading blanks, controls, tabs or newlines."""
    cleaned = _URL_IGNORED.sub("", href).lstrip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    if match is None:
        # No scheme: a relative link, unless a colon before any / ? # would still make a
        # browser read one (``jav&#x0;ascript:`` and the like).
        head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
        return ":" not in head
    return match.group(1).lower() in URL_SCHEMES


def inline_svg(data: bytes, prefix: str, title: str, description: str,
               link: Callable[[str], str | None]) -> str:
    """Return an ``<svg>`` element ready to inline: ids prefixed, no scripts or event
    handlers, a title and a description, ``role="img"`` (``role="group"`` when it holds
    links, the drawing around them hidden from screen readers), component links mapped
    through ``link`` (a component name → URL, or None to drop the link)."""
    if (len(data.translate(None, _CONTROL_BYTES)) != len(data)
            or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data):
        data = _NOT_XML_BYTES.sub(_REPLACEMENT.encode(), data)
    root = ET.fromstring(data)
    if root.tag != f"{_S}svg":
        # Valid XML from a broken renderer: reported like unreadable SVG by the caller.
        raise ET.ParseError(f"the root element is {root.tag!r}, not an SVG <svg>")
    _clean_attributes(root)  # <svg onload=…>: _clean only visits children
    # Natural size in CSS pixels (Graphviz writes points): the diagram never grows past
    # it, and CSS (max-width: 100%; height: auto) shrinks it to narrow columns.
    for attr in ("width", "height"):
        value = root.get(attr, "")
        if value.endswith("pt"):
            try:
                points = float(value[:-2])
                root.set(attr, str(round(points * 4 / 3)))
            except (ValueError, OverflowError):  # "xpt", "nanpt", "1e999pt": no size
                del root.attrib[attr]
    root.set("class", "k8sarch-svg")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    _clean(root, prefix, link)
    # An image cannot hold links (assistive technology would not reach them): with links
    # the figure is a group whose links are its only content for a screen reader; the
    # drawing around them is hidden from it, the description says what it shows.
    links = root.find(f".//{_S}a") is not None
    root.set("role", "group" if links else "img")
    if links:
        for group in root.iter(f"{_S}g"):
            if _classes(group) & {"edge", "cluster", "node"} and group.find(
                    f".//{_S}a") is None:
                group.set("aria-hidden", "true")
    title_el = ET.Element(f"{_S}title", {"id": f"{prefix}-title"})
    title_el.text = xml_text(title)
    desc_el = ET.Element(f"{_S}desc", {"id": f"{prefix}-desc"})
    desc_el.text = xml_text(description)
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
        if tag not in ALLOWED or child.tag == tag:  # not allowed, or not in the SVG namespace
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
        _clean_attributes(child)
        if "id" in child.attrib:
            child.set("id", f"{prefix}-{child.get('id')}")
        if tag == "title" and _classes(element) & {"node", "edge", "cluster"}:
            # Graphviz writes internal node names here; screen readers get the label.
            texts = [t.text or "" for t in element.iter(f"{_S}text")]
            child.text = " ".join(t for t in texts if t)
        _clean(child, prefix, link)
        index += 1


def _clean_attributes(element: ET.Element) -> None:
    """Drop event handlers (``onload``, also namespaced or in any case), other attributes
    in a namespace, links anywhere but on ``<a>`` (which :func:`_clean` checks) and
    styles that load or run something."""
    is_link = element.tag == f"{_S}a"
    for attr, value in list(element.attrib.items()):
        if attr in _PLAIN:
            continue
        local = attr.rpartition("}")[2].lower()
        if (local.startswith("on") or (attr.startswith("{") and attr not in _NS_ATTRS)
                or (local == "href" and not is_link)
                or (local == "style" and _UNSAFE_STYLE.search(value))):
            del element.attrib[attr]


# -- the sanitised SVG of a render, once per render ------------------------------------------
#: A template is :func:`inline_svg`'s result with these private-use characters where the
#: per-figure parts go: the id prefix, the title, the description, and each link target
#: (by index, between the two link marks). Renders that hold any of them are not templated.
_PREFIX, _LINK_OPEN, _LINK_CLOSE, _TITLE, _DESC = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_SENTINELS = tuple(c.encode() for c in (_PREFIX, _LINK_OPEN, _LINK_CLOSE, _TITLE, _DESC))
#: The title and description holes take their element's end: an empty one is ``<title/>``.
_HOLES = re.compile(f"{_PREFIX}|>(?:{_TITLE}</title|{_DESC}</desc)>"
                    f"|{_LINK_OPEN}([0-9]+){_LINK_CLOSE}")
#: A template is only valid for the sanitiser that wrote it: this module's own bytes.
TEMPLATE_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
#: Suffix of a template file beside the cached render it was made from.
TEMPLATE_SUFFIX = ".tpl"


def svg_template(data: bytes) -> str | None:
    """The work of :func:`inline_svg` that depends only on the render (parse, sanitise,
    serialise), done once per render: the pool makes it beside the SVG, the writers only
    fill it in (:func:`fill_template`). None if the render holds a placeholder character.
    Raises :class:`~xml.etree.ElementTree.ParseError` like :func:`inline_svg`."""
    if any(sentinel in data for sentinel in _SENTINELS):
        return None
    names: list[str] = []

    def placeholder(name: str) -> str:
        names.append(name)
        return f"{_LINK_OPEN}{len(names) - 1}{_LINK_CLOSE}"

    body = inline_svg(data, _PREFIX, _TITLE, _DESC, placeholder)
    head = json.dumps({"version": TEMPLATE_VERSION, "links": names})
    return f"{head}\n{body}"


def fill_template(template: str, prefix: str, title: str, description: str,
                  link: Callable[[str], str | None]) -> str | None:
    """What :func:`inline_svg` returns for the render ``template`` was made from, or None
    when the template cannot say (another sanitiser's, or a link that ``link`` drops, which
    changes the drawing's structure): then the caller runs :func:`inline_svg`."""
    head, _, body = template.partition("\n")
    try:
        meta = json.loads(head)
    except ValueError:
        return None
    names = meta.get("links") if isinstance(meta, dict) else None
    if (not isinstance(names, list) or meta.get("version") != TEMPLATE_VERSION
            or not all(isinstance(name, str) for name in names)):
        return None
    targets = []
    for name in names:
        target = link(name)
        if target is None or not safe_href(target):
            return None
        targets.append(_escape_attribute(target))
    parts = {_PREFIX: _escape_attribute(prefix)}
    for hole, tag, text in ((_TITLE, "title", title), (_DESC, "desc", description)):
        text = _escape_text(xml_text(text))
        parts[f">{hole}</{tag}>"] = f">{text}</{tag}>" if text else " />"

    def fill(match: re.Match[str]) -> str:
        index = match.group(1)
        return targets[int(index)] if index is not None else parts[match.group(0)]

    return _HOLES.sub(fill, body)


def _escape_text(text: str) -> str:
    """As ElementTree escapes element text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    """As ElementTree escapes an attribute value."""
    return (_escape_text(text).replace('"', "&quot;").replace("\r", "&#13;")
            .replace("\n", "&#10;").replace("\t", "&#09;"))
