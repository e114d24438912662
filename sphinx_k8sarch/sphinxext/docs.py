"""Directives that document the extension from its own code, so the docs cannot drift.

Used by this project's docs only: ``extensions = [..., "sphinx_k8sarch.sphinxext.docs"]``.
"""

from __future__ import annotations

import ast
from dataclasses import fields
import inspect
from itertools import pairwise
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..core import components, diagnostics
from ..core.findings import NOTES
from ..core.i18n import Translator
from ..core.vocabulary import SPEC_KEYS, key_takes
from .config import K8sArchConfig
from .directive import OPTION_DOCS, K8sClusterDirective

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def attribute_docs(cls: type) -> dict[str, str]:
    """Docstrings written under class attributes (as for the enum members)."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for first, second in pairwise(body):
        if (isinstance(first, ast.Assign) and isinstance(second, ast.Expr)
                and isinstance(second.value, ast.Constant)
                and isinstance(second.value.value, str)):
            for target in first.targets:
                if isinstance(target, ast.Name):
                    docs[target.id] = inspect.cleandoc(second.value.value)
    return docs


class _TableDirective(SphinxDirective):
    headers: tuple[str, ...] = ()
    widths: tuple[int, ...] = ()

    def rows(self) -> list[list[str]]:
        raise NotImplementedError

    def cell(self, text: str) -> nodes.entry:
        entry = nodes.entry()
        inline, messages = self.parse_inline(text)
        para = nodes.paragraph("", "", *inline)
        entry += para
        entry += messages
        return entry

    def run(self) -> list[nodes.Node]:
        table = nodes.table(classes=["k8sarch-reference"])
        group = nodes.tgroup(cols=len(self.headers))
        table += group
        for width in self.widths:
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        row = nodes.row()
        for header in self.headers:
            row += self.cell(header)
        head += row
        group += head
        body = nodes.tbody()
        for values in self.rows():
            row = nodes.row()
            for value in values:
                row += self.cell(value)
            body += row
        group += body
        return [table]


class OptionsTable(_TableDirective):
    headers = ("Option", "Meaning")
    widths = (20, 80)

    def rows(self) -> list[list[str]]:
        return [[f"``:{name}:``", OPTION_DOCS[name]] for name in K8sClusterDirective.option_spec]


class ConfigTable(_TableDirective):
    headers = ("Value", "Default", "Meaning")
    widths = (25, 15, 60)

    def rows(self) -> list[list[str]]:
        return [[f"``k8sarch_{f.name}``", f"``{f.default!r}``", f.metadata["doc"]]
                for f in fields(K8sArchConfig)]


class WarningsTable(_TableDirective):
    headers = ("Type", "Meaning")
    widths = (30, 70)

    def rows(self) -> list[list[str]]:
        docs = attribute_docs(diagnostics.Subtype)
        return [[f"``{member.qualified}``", docs.get(member.name, "")]
                for member in diagnostics.Subtype]


class ComponentsTable(_TableDirective):
    headers = ("Component", "Role", "Aliases", "Port")
    widths = (25, 15, 35, 25)

    def rows(self) -> list[list[str]]:
        aliases: dict[str, list[str]] = {}
        for alias, name in sorted(components.ALIASES.items()):
            aliases.setdefault(name, []).append(f"``{alias}``")
        return [[f"``{c.id}``", c.role.value, ", ".join(aliases.get(c.id, [])) or "–",
                 Translator("en")(c.port)] for c in components.CATALOG.values()]


class ConversationsTable(_TableDirective):
    """Every conversation the diagram can draw, from the catalog the graph reads."""

    headers = ("From", "To", "Port", "Protocol", "Route", "Source")
    widths = (16, 16, 8, 10, 38, 12)

    def rows(self) -> list[list[str]]:
        _ = Translator("en")
        return [[f"``{t.source}``", f"``{t.target}``", t.port, t.protocol, _(t.route),
                 f"`{_source_name(t.url)} <{t.url}>`__"] for t in components.TALKS]


def _source_name(url: str) -> str:
    """A short name for a source URL: its host and last path segment."""
    host = url.split("//", 1)[-1].split("/", 1)[0]
    last = [part for part in url.split("/")[3:] if part][-1:] or [host]
    return f"{host}: {last[0]}" if last[0] != host else host


class SpecKeysTable(_TableDirective):
    """The spec's top-level keys: what each takes and its default, from the vocabulary."""

    headers = ("Key", "Value", "Default")
    widths = (20, 60, 20)

    def rows(self) -> list[list[str]]:
        return [[f"``{key.name}``", key_takes(key),
                 f"``{_yaml(key.default)}``" if key.default is not None else "–"]
                for key in SPEC_KEYS]


def _yaml(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


class NotesTable(_TableDirective):
    headers = ("Note", "Silences", "Text (English)")
    widths = (20, 20, 60)

    def rows(self) -> list[list[str]]:
        return [[f"``{n.id}``", ", ".join(f"``{s.qualified}``" for s in n.silences) or "–",
                 n.text] for n in NOTES.values()]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("k8sarch-options", OptionsTable)
    app.add_directive("k8sarch-config", ConfigTable)
    app.add_directive("k8sarch-warnings", WarningsTable)
    app.add_directive("k8sarch-components", ComponentsTable)
    app.add_directive("k8sarch-notes", NotesTable)
    app.add_directive("k8sarch-conversations", ConversationsTable)
    app.add_directive("k8sarch-spec-keys", SpecKeysTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
