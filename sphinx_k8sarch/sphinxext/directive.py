"""The ``k8s-cluster`` directive: spec → model → findings → doctree."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StateMachine
from sphinx import addnodes
from sphinx.ext.graphviz import align_spec, figure_wrapper
from sphinx.util.docutils import SphinxDirective

from ..core import components as comp
from ..core.diagnostics import Severity, Subtype
from ..core.i18n import Translator
from ..core.vocabulary import (
    DESCRIPTION_STYLES,
    FORMATS,
    LANGUAGES,
    LAYOUTS,
    SPEC_SUFFIXES,
    TITLE_MAX,
    link_target,
)
from .config import get_config, literal_choices
from .nodes import k8sarch_diagram, k8sarch_link, placeholder
from .warnings_ import report, warn

if TYPE_CHECKING:
    from ..core.model import Cluster

# The core's pipeline (YAML, importers, model, graph, DOT, findings) is imported by the
# first diagram read, not when Sphinx loads the extension: a build that reads no page with
# a diagram (a no-op rebuild) never pays for it.

TEMP_KEY = "k8sarch_diagrams"


def _list(argument: str | None) -> list[str]:
    if not argument:
        return []
    return [part for part in argument.replace(",", " ").split() if part]


def _lang(argument: str | None) -> str:
    return directives.choice(argument or "", LANGUAGES)


def _descriptions(argument: str | None) -> str:
    return directives.choice(argument or "", DESCRIPTION_STYLES)


def _format(argument: str | None) -> str:
    return directives.choice(argument or "", FORMATS)


def _load_balancer(argument: str | None) -> Any:
    from ..core.imports import load_balancer_option

    return load_balancer_option(argument or "")


def _layout(argument: str | None) -> str:
    return directives.choice(argument or "", LAYOUTS)


def _on_off(argument: str | None) -> bool:
    return directives.choice(argument or "", ("on", "off")) == "on"


def is_spec_path(argument: str) -> bool:
    return argument.lower().endswith(SPEC_SUFFIXES) and not any(c.isspace() for c in argument)


#: One line per option, shown in the generated options table of the docs.
OPTION_DOCS: dict[str, str] = {
    "name": "Label of the figure: ``:numref:`` and ``:ref:`` work, and ``:extends:`` uses it.",
    "caption": "Figure caption (inline markup of the host syntax); defaults to the title.",
    "alt": "Replaces the text description generated from the model (screen readers).",
    "align": "``left``, ``center`` or ``right``.",
    "class": "Extra CSS classes on the diagram.",
    "width": "Maximum width, e.g. ``600px`` or ``80%``; the natural size is never exceeded.",
    "lang": f"{literal_choices(LANGUAGES)}: language of labels, summary and descriptions.",
    "descriptions": f"``{DESCRIPTION_STYLES[0]}`` (default), {literal_choices(DESCRIPTION_STYLES[1:])}.",
    "highlight": "Components to emphasise, comma or space separated.",
    "extends": "``:name:`` of an earlier ``k8s-cluster`` in the same document: the body lists "
               "only changes, additions are highlighted and only they are described.",
    "notes": "Teaching notes to show (see the notes table); each also silences the finding it "
             "explains.",
    "suppress-warnings": "Finding subtypes to silence for this diagram, e.g. ``ha-single``.",
    "format": f"Format of the spec: ``{FORMATS[0]}`` (default: told apart by ``apiVersion`` "
              f"and ``kind``), {literal_choices(FORMATS[1:])}.",
    "control-plane": "Number of control-plane nodes of an imported kubeadm configuration.",
    "workers": "Number of worker nodes of an imported kubeadm configuration.",
    "load-balancer": "What stands in front of the API servers of an imported kubectl list, "
                     "which does not say: the values of the spec's ``load-balancer`` key.",
    "failures": "Machines (``cp-2``), ``load-balancer`` or zones that are down, comma or space "
                "separated; added to the spec's ``failures``, so a step can ``:extends:`` the "
                "healthy figure and fail a node.",
    "legend": "``on`` or ``off``: the legend of line and box styles drawn with the figure "
              "(default: ``k8sarch_legend``).",
    "layout": f"{literal_choices(LAYOUTS)}: columns along the flow of a request (fits a text "
              "column), or the same bands as rows for wide pages (default: "
              "``k8sarch_layout``).",
}


class K8sClusterDirective(SphinxDirective):
    """Draw a Kubernetes cluster from a YAML spec and describe its components."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "name": directives.unchanged,
        "caption": directives.unchanged,
        "alt": directives.unchanged,
        "align": align_spec,
        "class": directives.class_option,
        "width": directives.length_or_percentage_or_unitless,
        "lang": _lang,
        "descriptions": _descriptions,
        "highlight": _list,
        "extends": directives.unchanged,
        "notes": _list,
        "suppress-warnings": _list,
        "format": _format,
        "control-plane": directives.positive_int,
        "workers": directives.nonnegative_int,
        "load-balancer": _load_balancer,
        "failures": _list,
        "legend": _on_off,
        "layout": _layout,
    }

    # -- locations ---------------------------------------------------------------------
    def body_line(self, index: int) -> tuple[str, int]:
        """Source file and 1-based line of body line ``index`` (0-based), in rST and MyST.

        docutils records each body line's absolute 0-based origin in ``self.content``
        (right inside included files and nested directives too). MyST's mock state
        machine records offsets relative to the body instead, and counts ``content_offset``
        from the directive's first line (``lineno``).
        """
        if isinstance(self.state_machine, StateMachine):
            if self.content and 0 <= index < len(self.content):
                source, offset = self.content.info(index)
                if source and offset is not None:
                    return str(source), offset + 1
            return str(self.get_source_info()[0]), self.content_offset + 1 + index
        source = self.get_source_info()[0]
        return str(source), self.lineno + self.content_offset + 1 + index

    def location(self) -> str:
        source, line = self.get_source_info()
        return f"{source}:{line}"

    def read_spec_file(self, argument: str) -> tuple[str, str] | None:
        """(text, absolute path) of a spec file named like ``literalinclude`` does: relative
        to the document or ``/``-rooted at the source directory. Files outside the source
        directory are refused, so a page cannot read arbitrary files of the build machine."""
        relative, absolute = self.env.relfn2path(argument)
        srcdir = Path(self.env.srcdir).resolve()
        path = Path(absolute).resolve()
        if not path.is_relative_to(srcdir):
            warn(f"refusing to read spec file {argument!r}: it lies outside the source "
                 f"directory {srcdir}", Subtype.FILE, self.location())
            return None
        # Noted before reading: a missing file that appears later rebuilds the page too.
        self.env.note_dependency(relative)
        try:
            data = path.read_bytes()
        except OSError as exc:
            warn(f"cannot read spec file {argument!r}: {exc.strerror or exc}", Subtype.FILE,
                 self.location())
            return None
        from ..core.pipeline import decode

        text, problem = decode(data)
        if text is None:
            assert problem is not None
            report(problem, str(path), problem.line)
            return None
        return text, str(path)

    # -- run ---------------------------------------------------------------------------
    def run(self) -> list[nodes.Node]:
        from ..core.describe import alt_text, component_notes, own_fields, topology_lines
        from ..core.dot import to_dot
        from ..core.extends import difference
        from ..core.findings import NOTES, automatic_notes
        from ..core.graph import build_graph
        from ..core.pipeline import analyse

        config = get_config(self.env)
        lang = self.options.get("lang") or config.language or self.config.language
        _ = Translator(lang)
        argument = (self.arguments[0] if self.arguments else "").strip()
        spec_file: str | None = None
        title = argument
        if is_spec_path(argument):
            title = ""
            if self.content:
                warn("k8s-cluster has both a spec file and a body; the body is ignored",
                     Subtype.OPTION, self.location())
            loaded_file = self.read_spec_file(argument)
            if loaded_file is None:
                return []
            text, spec_file = loaded_file
        else:
            text = "\n".join(self.content)
        if len(title) > TITLE_MAX:
            warn(f"the title is {len(title)} characters long; the limit is {TITLE_MAX}",
                 Subtype.VALUE, self.location())
            return []
        registry: dict[str, dict[str, Any]] = self.env.temp_data.setdefault(  # type: ignore[assignment]
            TEMP_KEY, {})
        serial = len(registry)
        suppressed = {s.removeprefix("k8sarch.") for s in self.options.get("suppress-warnings",
                                                                             [])}
        notes = list(dict.fromkeys(self.options.get("notes", [])))
        for note in notes:
            if note not in NOTES:
                warn(f"unknown note {note!r}; known notes: {', '.join(NOTES)}", Subtype.OPTION,
                     self.location())
            else:
                suppressed.update(s.value for s in NOTES[note].silences)

        base_name = self.options.get("extends")
        base: dict[str, Any] | None = None
        if base_name is not None:
            base = registry.get(base_name)
            if base is None:
                warn(f"':extends: {base_name}' names no earlier k8s-cluster with that :name: in "
                     "this document", Subtype.EXTENDS, self.location())
                return []

        counts: dict[str, int] = {key: int(self.options[key])
                                  for key in ("control-plane", "workers") if key in self.options}
        cluster, diagnostics, data = analyse(text, title, base["data"] if base else None,
                                             self.options.get("format", "auto"), counts,
                                             self.options.get("failures", ()),
                                             self.options.get("load-balancer"))

        def locate(line: int) -> tuple[str, int]:
            """Diagnostics of a spec file point into that file, others into the body; line 0
            is an option, reported at the directive."""
            if line == 0:
                source, at = self.get_source_info()
                return str(source), at or 0
            return (spec_file, line) if spec_file else self.body_line(line - 1)

        for diagnostic in diagnostics:
            if diagnostic.severity is Severity.WARNING and diagnostic.subtype.value in suppressed:
                continue
            if diagnostic.line == 0:  # the :failures: option (the only one the core reads)
                diagnostic = replace(diagnostic, message=f":failures: {diagnostic.message}")
            report(diagnostic, *locate(diagnostic.line))
        if cluster is None or data is None:
            return []

        name = self.options.get("name") or f"_k8sarch-{serial}"
        prefix = "k8sarch-" + hashlib.sha1(f"{self.env.docname}\0{serial}".encode()).hexdigest()[:8]
        base_cluster: Cluster | None = base["cluster"] if base else None
        known = set(comp.CATALOG) | {o.name for o in cluster.own}
        highlight = {comp.resolve(h) or comp.normalize(h)
                     for h in self.options.get("highlight", [])}
        for unknown in sorted(h for h in highlight if h not in known):
            warn(f"cannot highlight unknown component {unknown!r}", Subtype.UNKNOWN_COMPONENT,
                 self.location())
        new_pools: frozenset[str] = frozenset()
        if base_cluster is not None:
            step = difference(base_cluster, cluster)
            highlight |= step.added
            new_pools = step.grown
        highlight &= known

        graph = build_graph(cluster, _, frozenset(highlight), new_pools)
        described: dict[str, str] = dict(base["anchors"]) if base else {}
        style = self.options.get("descriptions", config.descriptions)
        to_describe = [c for c in cluster.all_components() if c not in described]
        anchors = {c: f"{prefix}-{c}" for c in to_describe} if style != "none" else {}
        described.update(anchors)

        diagram = k8sarch_diagram()
        diagram["dot"] = to_dot(graph, _=_, legend=self.options.get("legend", config.legend),
                                layout=self.options.get("layout", config.layout))
        diagram["prefix"] = prefix
        diagram["lang"] = _.lang
        diagram["title"] = cluster.title or _("Kubernetes cluster")
        diagram["alt"] = self.options.get("alt") or alt_text(cluster, _)
        diagram["topology"] = topology_lines(graph, _)
        diagram["links"] = {c: described[c] for c in sorted(described)}
        diagram["width"] = self.options.get("width", "")
        diagram["classes"] += self.options.get("class", [])
        if config.link_components == "glossary":
            for component in cluster.all_components():
                link = k8sarch_link(key=component)
                # Through the k8s domain: a component without a glossary entry keeps its
                # description link quietly, even in nitpicky builds.
                link += addnodes.pending_xref("", nodes.Text(component), refdomain="k8s",
                                              reftype="term", reftarget=component,
                                              refexplicit=False, refwarn=False)
                diagram += link
        diagram["spec_links"] = self._spec_links(cluster, diagram, locate)
        self.set_source_info(diagram)

        # A spec file has no title argument; its own ``title:`` key captions the figure.
        caption = self.options.get("caption") or title or (cluster.title if spec_file else "")
        figure = (figure_wrapper(self, diagram, caption)  # type: ignore[arg-type]
                  if caption else nodes.figure("", diagram))
        figure["classes"] += ["k8sarch-figure"]
        if "align" in self.options:
            figure["align"] = self.options["align"]
        self.set_source_info(figure)
        self.add_name(figure)

        # Automatic notes are said once per chain of :extends: steps, not at every step.
        noted: set[str] = set(base["notes"]) if base else set()
        auto = [n for n in automatic_notes(cluster) if n not in noted]
        registry[name] = {"data": data, "cluster": cluster, "anchors": described,
                          "notes": sorted(noted | set(auto))}
        result: list[nodes.Node] = [figure, self._summary(cluster, _, highlight, base_cluster)]
        result.extend(self._note(note, _)
                      for note in dict.fromkeys(auto + [n for n in notes if n in NOTES]))
        if style != "none" and to_describe:
            descriptions = placeholder({c: self._term(c, cluster) for c in to_describe},
                                       anchors, style, _.lang, self.lineno,
                                       component_notes(cluster),
                                       own_fields(cluster, _))
            self.set_source_info(descriptions)
            result.append(descriptions)
        container = nodes.container("", *result, classes=["k8sarch"])
        self.set_source_info(container)
        return [container]

    # -- pieces ------------------------------------------------------------------------
    def _spec_links(self, cluster: Cluster, diagram: k8sarch_diagram,
                    locate: Callable[[int], tuple[str, int]]) -> dict[str, str]:
        """URLs of ``links:`` directly; labels and documents as pending references that
        Sphinx resolves per builder (and warns about as ``k8sarch.link`` when it cannot)."""
        urls: dict[str, str] = {}
        for key, target in cluster.links:
            # The entry's line; under :extends: a link of the base spec has none here.
            source, line = locate(cluster.lines.get(f"links:{key}",
                                                    cluster.lines.get("links", 1)))
            kind, value = link_target(target)
            if kind == "url":
                urls[key] = value
                continue
            link = k8sarch_link(key=key, spec=True)
            # Resolved by the k8s domain through the standard one, so an unresolved target
            # gets our located k8sarch.link warning instead of "undefined label".
            xref = addnodes.pending_xref(
                "", nodes.inline(value, value), refdomain="k8s", reftype="link",
                reftarget=value.lower() if kind == "ref" else value, refexplicit=True,
                refwarn=True, refdoc=self.env.docname, k8sarch_kind=kind)
            xref.source, xref.line = source, line
            link += xref
            diagram += link
        return urls

    def _para(self, text: str, classes: list[str] | None = None) -> nodes.paragraph:
        para = nodes.paragraph(text, text, classes=classes or [])
        self.set_source_info(para)
        return para

    def _summary(self, cluster: Cluster, _: Translator, highlight: set[str],
                 base: Cluster | None) -> nodes.Element:
        from ..core.findings import summary

        items = nodes.bullet_list(classes=["k8sarch-summary"])
        lines = summary(cluster, _)
        if base is not None and highlight:
            lines.append(_("New in this step: {names}").format(
                names=", ".join(sorted(highlight, key=lambda c: comp.ORDER.get(
                    c, len(comp.ORDER))))))
        for line in lines:
            items += nodes.list_item("", self._para(line))
        self.set_source_info(items)
        return items

    def _note(self, note_id: str, _: Translator) -> nodes.Element:
        from ..core.findings import NOTES

        note = NOTES[note_id]
        para = self._para(_(note.text) + " ")
        label = _("Official documentation")
        para += nodes.reference(label, label, refuri=note.url)
        admonition = nodes.note("", para, classes=["k8sarch-note", f"k8sarch-note-{note_id}"])
        self.set_source_info(admonition)
        return admonition

    def _term(self, component: str, cluster: Cluster) -> str:
        if component == "container-runtime":
            return f"{component} ({cluster.runtime})"
        if component == "load-balancer":
            return f"{component} ({cluster.load_balancer})"
        if component == "cni" and cluster.cni:
            return f"{component} ({cluster.cni})"
        own = cluster.own_component(component)
        if own is not None and own.label != component:
            return f"{component} ({own.label})"
        return component
