"""Reading spec values with located diagnostics: the checks every part of validation
shares (unknown keys, counts, lists of component names)."""

from __future__ import annotations

from typing import Any

from . import components as comp
from .diagnostics import Collector, Diagnostic, Subtype, closest, describe_value, did_you_mean
from .yamlspec import Loaded, Path


class Checker:
    """A :class:`Collector` that locates each diagnostic by the path of the value."""

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.found = Collector()
        #: The project's own component names, which component lists may name too.
        self.own: set[str] = set()

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.found.diagnostics

    def error(self, path: Path, subtype: Subtype, message: str) -> None:
        self.found.error(self.loaded.line(path), subtype, message)

    def warn(self, path: Path, subtype: Subtype, message: str) -> None:
        self.found.warn(self.loaded.line(path), subtype, message)

    def unknown_keys(self, data: dict[Any, Any], allowed: tuple[str, ...], path: Path,
                     where: str) -> None:
        for key in data:
            if key not in allowed:
                tail = did_you_mean(closest(str(key), allowed))
                self.error((*path, str(key)), Subtype.UNKNOWN_KEY,
                           f"unknown key {key!r} in {where} (allowed: {', '.join(allowed)}){tail}")

    def count(self, value: Any, path: Path, what: str, limit: tuple[int, int]) -> int | None:
        low, high = limit
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, Subtype.TYPE,
                       f"{what} must be a whole number, not {describe_value(value)}")
            return None
        if not low <= value <= high:
            self.error(path, Subtype.VALUE, f"{what} must be between {low} and {high}, not {value}")
            return None
        return value

    def resolve(self, name: str) -> list[str]:
        """The components a name stands for: a catalog name or alias, a bundle
        (``csi-driver``) or one of the spec's own components; [] when it is unknown."""
        key = comp.normalize(name)
        if key in comp.BUNDLES:
            return list(comp.BUNDLES[key])
        known = comp.resolve(name)
        if known is not None:
            return [known]
        return [key] if key in self.own else []

    def names(self, value: Any, path: Path, what: str) -> list[str] | None:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(path, Subtype.TYPE, f"{what} must be a list of names, not {describe_value(value)}")
            return None
        result: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.error((*path, index), Subtype.TYPE,
                           f"{what} entries must be names, not {describe_value(item)}")
                continue
            resolved = self.resolve(item)
            if not resolved:
                # The rest of the figure is still drawn: one unknown name should not cost
                # the reader the whole picture.
                self.warn((*path, index), Subtype.UNKNOWN_COMPONENT,
                          f"unknown component {item!r}{did_you_mean(comp.suggest(item))}; it is "
                          "left out of the figure")
                continue
            for name in resolved:
                if name in result:
                    self.warn((*path, index), Subtype.VALUE,
                              f"{item!r} is listed twice in {what}")
                    continue
                result.append(name)
        return result
