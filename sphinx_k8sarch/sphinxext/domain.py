"""The ``k8s`` domain: point at a component from prose with ``:k8s:comp:`etcd```.

A reference goes to the component's glossary term when the project has one, otherwise to
its description under the nearest diagram (same page first, then the first page that
describes it). Every described component is also an object of the domain, so it appears
in the component index and in ``objects.inv`` for intersphinx.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, cast

from docutils import nodes
from sphinx.domains import Domain, Index, IndexEntry, ObjType
from sphinx.locale import get_translation
from sphinx.roles import XRefRole
from sphinx.util.nodes import clean_astext, make_refnode

from ..core import components as comp
from ..core.diagnostics import Subtype, did_you_mean
from ..core.i18n import DOMAIN, N_, Translator
from .nodes import k8sarch_descriptions
from .warnings_ import warn

#: Sphinx's lazy translation with our catalog (registered in ``setup``), for text Sphinx
#: itself reads at write time.
_lazy = get_translation(DOMAIN)

if TYPE_CHECKING:
    from docutils.nodes import Element
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.domains.std import StandardDomain
    from sphinx.environment import BuildEnvironment


def _standard(env: BuildEnvironment) -> StandardDomain:
    """The ``std`` domain; ``env.domains.standard_domain`` only exists from Sphinx 8.1."""
    return cast("StandardDomain", env.get_domain("std"))


class Place(NamedTuple):
    """Where one diagram describes one component."""

    docname: str
    anchor: str
    line: int


class ComponentIndex(Index):
    """All components the project describes, with every page that describes them."""

    name = "compindex"
    # Lazy: Sphinx reads these on the class when it writes the index, in its language.
    localname = _lazy(N_("Kubernetes component index"))
    shortname = _lazy(N_("components"))

    def generate(self, docnames: Iterable[str] | None = None
                 ) -> tuple[list[tuple[str, list[IndexEntry]]], bool]:
        domain = self.domain
        assert isinstance(domain, K8sDomain)
        wanted = set(docnames) if docnames is not None else None
        content: dict[str, list[IndexEntry]] = {}
        titles = domain.env.titles
        for name in sorted(domain.places):
            places = [p for p in domain.places[name] if wanted is None or p.docname in wanted]
            if not places:
                continue
            entries = content.setdefault(name[0].upper(), [])
            first = places[0]
            summary = comp.CATALOG[name].what if name in comp.CATALOG else ""
            _ = Translator(domain.env.config.language)
            entries.append(IndexEntry(name, 1 if len(places) > 1 else 0, first.docname,
                                      first.anchor, "", "", _(summary) if summary else ""))
            if len(places) > 1:
                for place in places:
                    title = clean_astext(titles[place.docname]) if place.docname in titles \
                        else place.docname
                    entries.append(IndexEntry(title, 2, place.docname, place.anchor, "", "",
                                              ""))
        return sorted(content.items()), True


class K8sDomain(Domain):
    """Kubernetes components described by ``k8s-cluster`` diagrams."""

    name = "k8s"
    label = "Kubernetes"
    object_types = {"comp": ObjType("component", "comp")}
    roles = {"comp": XRefRole(innernodeclass=nodes.literal, warn_dangling=True)}
    indices = [ComponentIndex]
    initial_data: ClassVar[dict[str, Any]] = {"places": {}}
    data_version = 1

    @property
    def places(self) -> dict[str, list[Place]]:
        result: dict[str, list[Place]] = self.data["places"]
        return result

    def process_doc(self, env: BuildEnvironment, docname: str,
                    document: nodes.document) -> None:
        """Every component described under a diagram of ``docname`` is a place to point at."""
        for descriptions in document.findall(k8sarch_descriptions):
            for component, anchor in descriptions["anchors"].items():
                places = self.places.setdefault(component, [])
                places.append(Place(docname, anchor, descriptions["lineno"]))
                places.sort()

    def clear_doc(self, docname: str) -> None:
        for name in list(self.places):
            kept = [p for p in self.places[name] if p.docname != docname]
            if kept:
                self.places[name] = kept
            else:
                del self.places[name]

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        for name, places in otherdata["places"].items():
            mine = self.places.setdefault(name, [])
            mine.extend(Place(*p) for p in places if p[0] in docnames)
            mine.sort()

    # -- resolving ------------------------------------------------------------------------
    def _glossary(self, name: str) -> tuple[str, str] | None:
        found: tuple[str, str] | None = _standard(self.env).objects.get(("term", name))
        return found

    def _nearest(self, name: str, fromdocname: str, line: int | None) -> Place | None:
        places = self.places.get(name, [])
        here = [p for p in places if p.docname == fromdocname]
        if here:
            # The last diagram above the reference, else the first one below it.
            above = [p for p in here if line is not None and p.line <= line]
            return above[-1] if above else here[0]
        return places[0] if places else None

    def resolve_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                     typ: str, target: str, node: pending_xref, contnode: Element
                     ) -> nodes.reference | None:
        if typ == "link":
            # A ``links:`` target of a spec: a label (std:ref) or a document (std:doc).
            return _standard(env).resolve_xref(env, fromdocname, builder,
                                               node["k8sarch_kind"], target, node, contnode)
        if typ == "term":
            # A box's link to the project's glossary (k8sarch_link_components).
            return _standard(env).resolve_xref(env, fromdocname, builder, "term", target,
                                               node, contnode)
        name = comp.resolve(target) or (target if target in self.places else None)
        if name is None:
            return None
        term = self._glossary(name)
        if term is not None:
            return make_refnode(builder, fromdocname, term[0], term[1], contnode, name)
        place = self._nearest(name, fromdocname, node.line)
        if place is None:
            return None
        return make_refnode(builder, fromdocname, place.docname, place.anchor, contnode, name)

    def resolve_any_xref(self, env: BuildEnvironment, fromdocname: str, builder: Builder,
                         target: str, node: pending_xref, contnode: Element
                         ) -> list[tuple[str, nodes.reference]]:
        # :any: takes canonical names only (aliases such as "api" or "proxy" are common
        # words), and leaves glossary terms to the standard domain, which finds them too:
        # answering as well would make every such reference ambiguous.
        if target not in self.places or self._glossary(target) is not None:
            return []
        ref = self.resolve_xref(env, fromdocname, builder, "comp", target, node, contnode)
        return [("k8s:comp", ref)] if ref is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        # One object per component (what intersphinx links to): its glossary term when
        # there is one, as :k8s:comp: resolves, else the first page that describes it.
        for name in sorted(self.places):
            term = self._glossary(name)
            docname, anchor = term if term else self.places[name][0][:2]
            yield name, name, "comp", docname, anchor, 1


def missing_reference(app: Sphinx, domain: Domain | None, node: pending_xref) -> bool | None:
    """``warn-missing-reference``: our own located warnings with a ``k8sarch`` subtype."""
    if domain is None or domain.name != "k8s":
        return None
    location = f"{node.source}:{node.line}" if node.source else None
    target = node.get("reftarget", "")
    if node["reftype"] == "term":
        return True  # no glossary entry: the box keeps its description link
    if node["reftype"] == "link":
        warn(f"links: cannot resolve {node['k8sarch_kind']} target {target!r}", Subtype.LINK,
             location)
        return True
    name = comp.resolve(target)
    if name is None:
        warn(f"unknown component {target!r} in :k8s:comp:{did_you_mean(comp.suggest(target))}",
             Subtype.UNKNOWN_COMPONENT, location)
    else:
        warn(f":k8s:comp: {target!r} has no glossary entry and no diagram describes it",
             Subtype.LINK, location)
    return True
