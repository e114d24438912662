"""WCAG colour arithmetic for the browser tests and the gallery: CSS colours as browsers
compute them, relative luminance and contrast ratio."""

from __future__ import annotations

from collections.abc import Iterable
import re

RGB = tuple[float, float, float]
RGBA = tuple[float, float, float, float]
WHITE: RGB = (255.0, 255.0, 255.0)


def parse_css_colour(value: str) -> RGBA | None:
    """``rgb(...)``/``rgba(...)``/``#rrggbb`` as (r, g, b, alpha); None for none/url()/etc."""
    value = value.strip()
    match = re.fullmatch(r"rgba?\(\s*([^)]*)\)", value)
    if match:
        parts = [p for p in re.split(r"[\s,/]+", match.group(1)) if p]
        if len(parts) not in (3, 4):
            return None
        rgb = [float(p[:-1]) * 2.55 if p.endswith("%") else float(p) for p in parts[:3]]
        alpha = 1.0
        if len(parts) == 4:
            alpha = float(parts[3][:-1]) / 100 if parts[3].endswith("%") else float(parts[3])
        return rgb[0], rgb[1], rgb[2], alpha
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", value)
    if match:
        h = match.group(1)
        return float(int(h[0:2], 16)), float(int(h[2:4], 16)), float(int(h[4:6], 16)), 1.0
    return None


def composite(top: RGBA, bottom: RGB) -> RGB:
    """``top`` painted with its alpha over the opaque ``bottom``."""
    r, g, b, a = top
    return (r * a + bottom[0] * (1 - a), g * a + bottom[1] * (1 - a), b * a + bottom[2] * (1 - a))


def layered(colours: Iterable[str], base: RGB = WHITE) -> RGB:
    """CSS colours painted bottom first over ``base``; what is not a colour is skipped."""
    result = base
    for value in colours:
        colour = parse_css_colour(value)
        if colour is not None:
            result = composite(colour, result)
    return result


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour given in 0-255."""

    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio, 1 to 21."""
    la, lb = relative_luminance(a), relative_luminance(b)
    lighter, darker = max(la, lb), min(la, lb)
    return (lighter + 0.05) / (darker + 0.05)


def is_dark(rgb: RGB) -> bool:
    """A dark background, by the same measure as ``k8sarch.js``."""
    return relative_luminance(rgb) < 0.2


def hex_colour(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(round(c) for c in rgb))
