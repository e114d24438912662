"""The Sphinx layer: a thin shell around :mod:`sphinx_k8sarch.core`.

Reading (:mod:`.directive`, :mod:`.domain`, :mod:`.pages`) builds doctree nodes
(:mod:`.nodes`) from what the core returns; writing (:mod:`.visitors`,
:mod:`.descriptions`) renders them per builder; :mod:`.cache` keeps the render cache in
step with the environment; :mod:`.config` and :mod:`.warnings_` are the typed settings and
the located ``k8sarch.*`` warnings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..core.i18n import DOMAIN, LOCALE_DIR
from .cache import (
    RenderSources,
    close_pool,
    failed_docs,
    forget_jobs,
    queue_renders,
    remove_stale,
    report_failures,
    start_pool,
)
from .config import setup_config
from .descriptions import ExpandDescriptions, KeepForHtml
from .descriptions import html_visit as descriptions_html_visit
from .directive import K8sClusterDirective
from .domain import K8sDomain, missing_reference
from .nodes import k8sarch_descriptions, k8sarch_diagram, k8sarch_link
from .pages import skip_undecodable
from .visitors import VISITORS, skip

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

STATIC = Path(__file__).resolve().parent.parent / "static"


def _static_path(app: Sphinx, config: Config) -> None:
    # Here, not when the builder starts: the environment compares the settings with the
    # last build's before that, and a path added later reads as a changed configuration
    # on every rebuild. Other builders do not read it.
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def _add_static(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_css_file("k8sarch.css")
        # Highlighting and the full-screen view; the figure works without it.
        app.add_js_file("k8sarch.js", loading_method="defer")


def setup_extension(app: Sphinx) -> None:
    setup_config(app)
    app.add_node(k8sarch_diagram, **VISITORS)  # type: ignore[arg-type]
    app.add_node(k8sarch_link, html=(skip, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
    # HTML builders write the descriptions themselves (each distinct one once per build).
    app.add_node(k8sarch_descriptions, html=(descriptions_html_visit, None),
                 latex=(skip, None), text=(skip, None), man=(skip, None),
                 texinfo=(skip, None))
    app.add_post_transform(KeepForHtml)
    app.add_post_transform(ExpandDescriptions)
    app.add_directive("k8s-cluster", K8sClusterDirective)
    app.add_message_catalog(DOMAIN, str(LOCALE_DIR))
    app.add_domain(K8sDomain)
    app.add_env_collector(RenderSources)
    app.connect("warn-missing-reference", missing_reference)
    app.connect("config-inited", _static_path)
    app.connect("builder-inited", _add_static)
    app.connect("builder-inited", start_pool)
    app.connect("doctree-read", queue_renders)
    app.connect("env-updated", forget_jobs)
    app.connect("env-get-outdated", failed_docs)
    app.connect("env-before-read-docs", skip_undecodable)
    # The pool ends first: renders still running finish before stale ones are removed.
    app.connect("build-finished", close_pool, priority=100)
    app.connect("build-finished", remove_stale)
    app.connect("build-finished", report_failures)
