"""Run the Graphviz renderer with a content-addressed cache and atomic writes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
import hashlib
import os
from pathlib import Path
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from . import __version__
from .vocabulary import DEFAULT_RENDERER, RENDER_FORMATS, RENDER_TIMEOUT

FORMATS = RENDER_FORMATS
CACHE_FOLDER = "_k8sarch"
MAGIC = {"svg": (b"<?xml", b"<svg"), "png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF",)}


class RenderError(Exception):
    """The renderer is missing, failed, timed out or wrote something unusable."""


@dataclass(frozen=True)
class Located:
    """Where a renderer was found, and by which rule (what ``k8sarch doctor`` prints)."""

    path: str
    how: str


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def locate_renderer(command: str | None) -> Located | None:
    """The renderer's absolute path and how it was found, or None.

    A path (with a separator) is taken as it is. A bare name such as ``graphviz-pure`` is
    looked up, with the platform's executable suffix (``.exe`` on Windows), in the scripts
    folder of the running Python first (a virtual environment works without being
    activated), then in the user scripts folder (``pip install --user``), then on PATH.
    """
    name = command or DEFAULT_RENDERER
    if os.sep in name or (os.altsep and os.altsep in name):
        return Located(name, "the path given") if _executable(Path(name)) else None
    suffix = sysconfig.get_config_var("EXE") or ""
    names = [name] if not suffix or name.endswith(suffix) else [name + suffix, name]
    folders = [
        (Path(sys.executable).parent, "beside the running Python"),
        (Path(sysconfig.get_path("scripts")), "in this Python's scripts folder"),
        (Path(sysconfig.get_path("scripts", f"{os.name}_user")), "in the user scripts folder"),
    ]
    for folder, how in folders:
        for candidate in names:
            if _executable(folder / candidate):
                return Located(str(folder / candidate), how)
    found = shutil.which(name)
    return Located(found, "on PATH") if found else None


def find_renderer(command: str | None) -> str | None:
    """Absolute path of the renderer, or None (see :func:`locate_renderer`)."""
    located = locate_renderer(command)
    return located.path if located else None


@cache
def renderer_version(path: str) -> str:
    """The renderer's ``-V`` banner: part of the cache key, so upgrades re-render."""
    try:
        done = subprocess.run([path, "-V"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RenderError(f"cannot run {path!r}: {exc}") from exc
    return (done.stdout + done.stderr).decode("utf-8", "replace").strip()


@contextmanager
def atomic_target(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it when the block succeeds.

    Readers (other builds, parallel workers) see no file or a complete one, never a part.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def cache_dir(doctreedir: str | os.PathLike[str]) -> Path:
    """Where a Sphinx project keeps its renders: beside its doctrees, so the cache outlives
    the output directory and is shared by every builder of the project."""
    return Path(doctreedir) / CACHE_FOLDER


def source_digest(source: str) -> str:
    """What the build environment remembers of a DOT source, to find stale renders."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def key_for(digest: str, fmt: str, path: str) -> str:
    material = "\0".join((__version__, renderer_version(path), fmt, digest))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def cache_key(source: str, fmt: str, path: str) -> str:
    return key_for(source_digest(source), fmt, path)


def cache_name(key: str, fmt: str) -> str:
    return f"k8sarch-{key}.{fmt}"


def render(source: str, fmt: str, cache_dir: Path, command: str | None = None,
           timeout: float = RENDER_TIMEOUT) -> tuple[Path, bool]:
    """Render DOT ``source`` to ``fmt``; returns the cached file and whether it was new."""
    if fmt not in FORMATS:
        raise RenderError(f"unsupported output format {fmt!r}")
    path = find_renderer(command)
    if path is None:
        raise RenderError(f"the Graphviz renderer {command or DEFAULT_RENDERER!r} was not found")
    target = cache_dir / cache_name(cache_key(source, fmt, path), fmt)
    if target.is_file():
        return target, False
    with atomic_target(target) as tmp:
        try:
            done = subprocess.run([path, f"-T{fmt}", "-o", str(tmp)], input=source.encode(),
                                  capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"{path!r} did not finish within {timeout:g} s") from exc
        except OSError as exc:
            raise RenderError(f"cannot run {path!r}: {exc}") from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RenderError(f"{path!r} exited with status {done.returncode}"
                              + (f": {detail[-1]}" if detail else ""))
        with tmp.open("rb") as written:  # only the head: garbage may be huge
            head = written.read(64)
        if not head.lstrip().startswith(MAGIC[fmt]):
            raise RenderError(f"{path!r} wrote no valid {fmt.upper()} output")
    return target, True
