"""Render-cache bookkeeping through Sphinx's own environment mechanisms.

* Renders start while the documents are read: each diagram's DOT goes to the build's
  :class:`~.render.RenderPool` as soon as its document is read (from ``-j`` reader
  processes through the environment they hand back), so layout runs on the other cores
  while Sphinx reads and writes, and a writer waits only for the render it needs.
* The DOT sources each document renders are recorded by an environment collector (read,
  purged and merged under ``-j`` by Sphinx like its own per-document data), so that renders
  no live diagram uses are deleted when a build ends.
* A render that fails while a page is written leaves a marker file; the main process turns
  the markers into one warning per build however many ``-j`` writers there were, and the
  next build reads those documents again.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
import hashlib
import os
from pathlib import Path
import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.environment.collectors import EnvironmentCollector

from ..core.diagnostics import Subtype
from ..core.dotwriter import print_variant
from ..core.render import (
    FORMATS,
    RenderError,
    RenderPool,
    cache_dir,
    cache_name,
    find_renderer,
    key_for,
    source_digest,
)
from ..core.svg import TEMPLATE_SUFFIX
from ..core.vocabulary import RASTER_DPI
from .config import get_config
from .nodes import k8sarch_diagram
from .warnings_ import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

FAILED_DIR = "failed"
#: File names of renders, as :func:`~.render.cache_name` writes them.
#: Names the cache writes: renders, and the sanitised template beside each SVG.
RENDER_NAME = re.compile(r"k8sarch-[0-9a-f]{32}\.(?:" + "|".join(FORMATS) + ")"
                         + f"(?:{re.escape(TEMPLATE_SUFFIX)})?")


#: The PNG linked under an HTML figure with ``k8sarch_download_png``: (format, dpi).
DOWNLOAD_PNG = ("png", RASTER_DPI)


def render_format(builder: Builder) -> tuple[str, int | None] | None:
    """(format, dpi for raster output) of the figures ``builder`` writes, None for the
    builders that show the text description instead."""
    if builder.format == "html":
        return "svg", None
    if builder.format == "latex":
        cfg = get_config(builder.env)
        return ("pdf", None) if cfg.renders_pdf else ("png", cfg.latex_dpi)
    return None


def render_formats(builder: Builder) -> list[tuple[str, int | None]]:
    """Every render ``builder`` writes per diagram: the figure's, then the PNG linked for
    download (HTML with ``k8sarch_download_png``)."""
    wanted = render_format(builder)
    if wanted is None:
        return []
    if builder.format == "html" and get_config(builder.env).download_png:
        return [wanted, DOWNLOAD_PNG]
    return [wanted]


# -- rendering ahead of the writers ---------------------------------------------------------
#: The pool of each build in this process, by cache folder. Forked ``-j`` processes inherit
#: a copy that does nothing (see RenderPool).
POOLS: dict[Path, RenderPool] = {}
#: Build-environment attribute, only in ``-j`` reader processes: the (format, DOT) to render
#: for the documents they read, handed to the main process with their environment.
ENV_JOBS = "k8sarch_render_jobs"


def start_pool(app: Sphinx) -> None:
    """``builder-inited``: a pool for this build, if its builder draws pictures."""
    if render_format(app.builder) is not None:
        cfg = get_config(app.env)
        folder = cache_dir(app.doctreedir)
        POOLS[folder] = RenderPool(folder, cfg.renderer, cfg.renderer_timeout)


def _submit(app: Sphinx, jobs: list[tuple[str, str]]) -> bool:
    pool = POOLS.get(cache_dir(app.doctreedir))
    if pool is None or pool.owner != os.getpid():
        return False
    for fmt, source in jobs:
        pool.submit(source, fmt)
    return True


def queue_renders(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: start rendering the document's diagrams (or, in a ``-j`` reader
    process, pass them on to the main process with the environment)."""
    wanted = render_formats(app.builder)
    jobs = [(fmt, print_variant(node["dot"], dpi) if dpi else node["dot"])
            for node in doctree.findall(k8sarch_diagram) for fmt, dpi in wanted]
    if jobs and not _submit(app, jobs):
        app.env.__dict__.setdefault(ENV_JOBS, []).extend(jobs)


def forget_jobs(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-updated``: reading is over; the jobs never go into the pickled environment."""
    jobs = env.__dict__.pop(ENV_JOBS, None)
    if jobs:
        _submit(app, jobs)


def close_pool(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``, before the stale renders are removed: the pool ends with the
    build (nothing left running, no claim files)."""
    pool = POOLS.pop(cache_dir(app.doctreedir), None)
    if pool is not None:
        pool.close()


def note_failure(builder: Builder, node: nodes.Element, reason: str) -> None:
    """Remember the failure in a marker file; :func:`report_failures` turns the markers
    into one warning per build, in the main process, however many writer processes
    ``-j`` forks; the next build reads the marked documents again (:func:`failed_docs`)."""
    docname = builder.env.path2doc(node.source) if node.source else None
    location = f"{node.source}:{node.line}" if node.source else ""
    marker = cache_dir(builder.doctreedir) / FAILED_DIR
    marker.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(f"{docname}\0{location}".encode()).hexdigest()[:16]
    (marker / digest).write_text(f"{docname or ''}\n{location}\n{reason}", encoding="utf-8")


def _markers(doctreedir: str | os.PathLike[str]) -> list[tuple[Path, str, str, str]]:
    """(file, docname, location, reason) of each failure marker, in a stable order."""
    folder = cache_dir(doctreedir) / FAILED_DIR
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        parts = entry.read_text(encoding="utf-8").split("\n", 2)
        docname, location, reason = [*parts, "", ""][:3]
        found.append((entry, docname, location, reason))
    return sorted(found, key=lambda item: item[1:])


def report_failures(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: one actionable warning for all the diagrams that failed."""
    failures = _markers(app.doctreedir)
    if exception is not None or not failures:
        return
    _entry, _docname, location, reason = failures[0]
    more = f" ({len(failures)} diagrams)" if len(failures) > 1 else ""
    warn(f"cannot render k8s-cluster diagrams{more}: {reason}. Install the renderer with "
         "'pip install graphviz-pure', or set k8sarch_renderer in conf.py to a Graphviz "
         "'dot' executable; the text description is shown instead",
         Subtype.RENDER, location or None)


def failed_docs(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                removed: set[str]) -> list[str]:
    """``env-get-outdated``: documents whose diagrams failed to render last time. The
    markers are consumed, so those left at the end of a build are that build's own."""
    docs = []
    for entry, docname, _location, _reason in _markers(app.doctreedir):
        entry.unlink(missing_ok=True)
        if docname in env.all_docs and docname not in removed:
            docs.append(docname)
    return sorted(set(docs))


# -- stale renders ---------------------------------------------------------------------------
#: Build-environment attribute: docname → digests of the DOT sources its diagrams render.
ENV_SOURCES = "k8sarch_sources"


def _sources(env: BuildEnvironment) -> dict[str, list[str]]:
    if not hasattr(env, ENV_SOURCES):
        setattr(env, ENV_SOURCES, {})
    sources: dict[str, list[str]] = getattr(env, ENV_SOURCES)
    return sources


class RenderSources(EnvironmentCollector):
    """Records, for every document, the digests of the DOT its diagrams render: the screen
    DOT, and the print DOT derived from it (LaTeX, PNG downloads)."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        _sources(env).pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: AbstractSet[str],
                    other: BuildEnvironment) -> None:
        theirs = _sources(other)
        for docname in docnames:
            if docname in theirs:
                _sources(env)[docname] = theirs[docname]
        # A -j reader process finished: render what it read while the others still read.
        _submit(app, other.__dict__.pop(ENV_JOBS, []))

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        # The print DOT at both resolutions: LaTeX's, and the PNG linked for download.
        dpis = sorted({get_config(app.env).latex_dpi, RASTER_DPI})
        digests = [source_digest(source) for node in doctree.findall(k8sarch_diagram)
                   for source in (node["dot"], *(print_variant(node["dot"], d) for d in dpis))]
        if digests:
            _sources(app.env)[app.env.docname] = digests


def remove_stale(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: delete renders that no diagram of the project uses any more
    (an edited or removed diagram, another renderer version), in the cache and, for
    LaTeX, in the output directory. Every format is kept for every live diagram, since
    the cache is shared by the builders of one doctree directory."""
    if exception is not None:
        return
    path = find_renderer(get_config(app.env).renderer)
    if path is None:
        return
    try:
        live = {cache_name(key_for(digest, fmt, path), fmt)
                for digests in _sources(app.env).values() for digest in digests
                for fmt in FORMATS}
    except RenderError:
        return
    live |= {name + TEMPLATE_SUFFIX for name in live if name.endswith(".svg")}
    folders = [cache_dir(app.doctreedir)]
    if app.builder.format == "latex":
        folders.append(Path(app.builder.outdir))
    for folder in folders:
        if folder.is_dir():
            for entry in folder.glob("k8sarch-*"):
                # Only names the cache writes: a project image called k8sarch-*.png that
                # LaTeX copied beside ours is not ours to delete.
                if RENDER_NAME.fullmatch(entry.name) and entry.name not in live:
                    entry.unlink(missing_ok=True)
