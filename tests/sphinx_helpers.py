"""Build a copy of a test root with generated rST/MyST twins."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
import shutil
from typing import Any

from conftest import ROOTS, Snippet, write_twins
from sphinx.testing.util import SphinxTestApp

MakeApp = Callable[..., SphinxTestApp]


def prepare(tmp_path: Path, root: str, snippets: list[Snippet]) -> Path:
    srcdir = tmp_path / root
    shutil.copytree(ROOTS / f"test-{root}", srcdir)
    write_twins(srcdir, snippets)
    return srcdir


def build(make_app: MakeApp, srcdir: Path, buildername: str = "html",
          **kwargs: Any) -> SphinxTestApp:
    app = make_app(buildername, srcdir=srcdir, warning=StringIO(), **kwargs)
    app.build()
    return app
