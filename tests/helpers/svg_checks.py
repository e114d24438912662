"""What inline SVG must never hold, and the text it shows."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sphinx_k8sarch.core.svg import ALLOWED, SVG_NS


def assert_inert(svg: ET.Element, allowed_links: tuple[str, ...] = ()) -> None:
    """No element outside the allowlist, no event handler, no link but the allowed ones,
    no script URL in any attribute, nothing outside the SVG namespace."""
    for element in svg.iter():
        assert isinstance(element.tag, str) and element.tag.startswith(f"{{{SVG_NS}}}"), (
            element.tag)
        assert element.tag.split("}")[1] in ALLOWED, element.tag
        for attr, value in element.attrib.items():
            local = attr.rpartition("}")[2].lower()
            assert not local.startswith("on"), (element.tag, attr)
            if local == "href":
                assert element.tag == f"{{{SVG_NS}}}a", element.tag
                assert value in allowed_links, value
            squashed = re.sub(r"[\s\x00-\x20]", "", value).lower()
            assert "javascript:" not in squashed and "vbscript:" not in squashed, (attr, value)
            assert not squashed.startswith("data:"), (attr, value)


def svg_texts(svg: ET.Element) -> list[str]:
    """The content of every ``<text>`` element, in document order."""
    return ["".join(t.itertext()) for t in svg.iter(f"{{{SVG_NS}}}text")]
