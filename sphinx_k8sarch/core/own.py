"""The spec's ``components:``: the project's own components, drawn and described like the
catalog's (``name``, ``label``, ``runs-on``, ``talks-to``, ``description``)."""

from __future__ import annotations

from typing import Any

from . import components as comp
from .checker import Checker
from .diagnostics import Subtype, closest, describe_value, did_you_mean
from .model import Own
from .vocabulary import (
    DESCRIPTION_MAX,
    LANGUAGES,
    LB_LABEL_MAX,
    OWN_KEYS,
    OWN_NAME,
    OWN_NAME_MAX,
    RUNS_ON,
    TALKS_TO,
)
from .yamlspec import Path


def own_names(check: Checker, value: Any) -> dict[int, str]:
    """First pass: the index and name of each well-formed entry, so that ``talks-to`` and
    the component lists may name any of them, earlier or later in the list."""
    if value is None:
        return {}
    if not isinstance(value, list):
        check.error(("components",), Subtype.TYPE,
                    f"components must be a list of {{name: ..., runs-on: ...}} entries, not "
                    f"{describe_value(value)}")
        return {}
    names: dict[int, str] = {}
    for index, entry in enumerate(value):
        path: Path = ("components", index)
        if not isinstance(entry, dict):
            check.error(path, Subtype.TYPE, f"a component must be a mapping with a name and "
                        f"runs-on, not {describe_value(entry)}")
            continue
        name = entry.get("name")
        where: Path = (*path, "name") if "name" in entry else path
        if not isinstance(name, str) or not name.strip():
            check.error(where, Subtype.TYPE if name is not None else Subtype.VALUE,
                        f"a component needs a name, such as vault, not {describe_value(name)}")
            continue
        name = comp.normalize(name)
        if comp.resolve(name) is not None or name in comp.BUNDLES:
            check.error(where, Subtype.VALUE,
                        f"{name!r} is a component the extension knows; list it where it "
                        "runs (control-plane, workers, addons, clients) and choose another "
                        "name for your own")
            continue
        if len(name) > OWN_NAME_MAX or not OWN_NAME.fullmatch(name):
            check.error(where, Subtype.VALUE,
                        f"component name {name!r} must be lower-case letters, digits and "
                        f"hyphens, at most {OWN_NAME_MAX} characters")
            continue
        if name in names.values():
            check.error(where, Subtype.VALUE, f"component {name!r} is defined twice")
            continue
        names[index] = name
    check.own = set(names.values())
    return names


def own_components(check: Checker, value: Any, names: dict[int, str],
                   pools: list[str]) -> tuple[Own, ...]:
    """Second pass: each entry whose name was accepted, its other keys checked."""
    result: list[Own] = []
    places = (*RUNS_ON, *(p for p in pools if p not in RUNS_ON))
    for index, name in names.items():
        entry: dict[Any, Any] = value[index]
        path: Path = ("components", index)
        check.unknown_keys(entry, OWN_KEYS, path, f"component {name!r}")
        label = entry.get("label", name)
        if not isinstance(label, str) or not 0 < len(label.strip()) <= LB_LABEL_MAX:
            check.error((*path, "label"), Subtype.VALUE,
                        f"the label of {name!r} must be text of 1 to {LB_LABEL_MAX} "
                        f"characters, not {describe_value(label)}")
            label = name
        runs_on = entry.get("runs-on")
        if not isinstance(runs_on, str) or runs_on.strip().lower() not in places:
            where: Path = (*path, "runs-on") if "runs-on" in entry else path
            check.error(where, Subtype.VALUE,
                        f"runs-on of {name!r} must be one of {', '.join(places)}, not "
                        f"{describe_value(runs_on)}"
                        + did_you_mean(closest(runs_on, places)))
            continue
        talks = _talks(check, entry.get("talks-to"), (*path, "talks-to"), name)
        description = _description(check, entry.get("description"), (*path, "description"))
        result.append(Own(name, label.strip(), runs_on.strip().lower(), talks, description))
    return tuple(result)


def _talks(check: Checker, value: Any, path: Path, name: str) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        check.error(path, Subtype.TYPE, f"talks-to of {name!r} must be a list of names such "
                    f"as [kube-apiserver, \"postgres:5432\"], not {describe_value(value)}")
        return ()
    talks: list[tuple[str, str]] = []
    for index, item in enumerate(value):
        match = TALKS_TO.fullmatch(item.strip()) if isinstance(item, str) else None
        target = None
        if match is not None:
            target = comp.resolve(match.group(1))
            if target is None and comp.normalize(match.group(1)) in check.own:
                target = comp.normalize(match.group(1))
        if match is None or target is None:
            known = sorted(set(comp.CATALOG) | check.own)
            word = match.group(1) if match else item
            # Like an unknown name in a component list: left out, the rest is drawn.
            check.warn((*path, index), Subtype.UNKNOWN_COMPONENT,
                       f"talks-to of {name!r}: {item!r} names no component of the catalog "
                       f"or of this spec{did_you_mean(closest(str(word), known))}; that "
                       "conversation is left out of the figure")
            continue
        port = match.group(2) or ""
        if port and not 0 < int(port) < 65536:
            check.error((*path, index), Subtype.VALUE,
                        f"talks-to of {name!r}: port {port} is not between 1 and 65535")
            continue
        if target == name:
            check.error((*path, index), Subtype.VALUE,
                        f"talks-to of {name!r} names the component itself")
            continue
        talks.append((target, port))
    return tuple(talks)


def _description(check: Checker, value: Any, path: Path) -> tuple[tuple[str, str], ...]:
    """Text, or a mapping of languages to text."""
    if value is None:
        return ()
    texts = {"": value} if isinstance(value, str) else value
    if not isinstance(texts, dict):
        check.error(path, Subtype.TYPE, f"description must be text or a mapping such as "
                    f"{{en: ..., es: ...}}, not {describe_value(value)}")
        return ()
    result: list[tuple[str, str]] = []
    for lang, text in texts.items():
        where: Path = path if lang == "" else (*path, str(lang))
        if lang != "" and lang not in LANGUAGES:
            check.error(where, Subtype.VALUE, f"description language {lang!r} is not one of "
                        f"{', '.join(LANGUAGES)}")
            continue
        if not isinstance(text, str) or not 0 < len(text.strip()) <= DESCRIPTION_MAX:
            check.error(where, Subtype.VALUE, f"a description must be text of 1 to "
                        f"{DESCRIPTION_MAX} characters, not {describe_value(text)}")
            continue
        result.append((str(lang), " ".join(text.split())))
    return tuple(result)
