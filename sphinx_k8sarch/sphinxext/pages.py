"""Pages that Sphinx cannot decode.

Sphinx reads every page with strict decoding and stops the whole build on the first page
that is not in ``source_encoding`` ("Encoding error!"). A project that puts diagrams in CI
with ``-W`` would rather get one located warning and the rest of the site, so pages that
do not decode are reported here and left out of this build (the next build tries again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.diagnostics import Subtype
from .warnings_ import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def skip_undecodable(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: drop (and report) pages that would abort the build."""
    encoding = app.config.source_encoding
    for docname in list(docnames):
        path = env.doc2path(docname)
        try:
            data = path.read_bytes()
        except OSError:
            continue  # Sphinx reports unreadable files itself
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            from ..core.pipeline import undecodable  # rare: not worth it at setup

            line, byte = undecodable(data, exc)
            name = encoding.upper().removesuffix("-SIG")
            warn(f"the page is not valid {name} (byte 0x{byte}); it is left out of this build",
                 Subtype.FILE, f"{path}:{line}")
            docnames.remove(docname)
            # Out of the project too, or Sphinx would look for its doctree later.
            env.project.docnames.discard(docname)
