"""Draw Kubernetes high-availability architecture from a short spec, in Sphinx."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core import __version__

__all__ = ["__version__", "setup"]

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def setup(app: Sphinx) -> ExtensionMetadata:
    # Imported lazily so that the Sphinx-free core (and the CLI) never pays for Sphinx.
    from .sphinxext import setup_extension

    setup_extension(app)
    return {
        "version": __version__,
        # Bump whenever pickled doctree nodes or environment data change shape.
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
