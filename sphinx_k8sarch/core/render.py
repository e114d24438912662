"""Run the Graphviz renderer with a content-addressed cache and atomic writes.

:func:`render` renders one DOT source here and now. In a Sphinx build a
:class:`RenderPool` starts renders as soon as the DOT is known, in a dispatcher process
that keeps a bounded number of renderer processes busy on the other cores, and the writers
(the main process, or the processes ``-j`` forks) get each render with :func:`obtain`,
which waits only for that one. Processes share the work through files beside the cache
(see :func:`obtain`), so nothing depends on which process forked which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
import hashlib
import json
import os
from pathlib import Path
import queue
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from typing import IO, Any, Self
import xml.etree.ElementTree as ET

from . import __version__
from .frames import Frames, frames_in, frames_misplaced, machines_in, rewritings
from .interchange import (
    Box,
    Class,
    boxes,
    classes_in,
    comments,
    folds_in,
    folds_misplaced,
    misplaced,
    renamed,
    renaming,
    renumbering,
)
from .mirror import AS_LAID_OUT, LAID_OUT, far_end, laid_out, pools_in, pools_misplaced, turned
from .svg import TEMPLATE_SUFFIX, TEMPLATE_VERSION, svg_template
from .vocabulary import DEFAULT_RENDERER, RENDER_FORMATS, RENDER_TIMEOUT

FORMATS = RENDER_FORMATS
CACHE_FOLDER = "_k8sarch"
MAGIC = {"svg": (b"<?xml", b"<svg"), "png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF",),
         "dot": (b"digraph", b"strict")}


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


def checked_renderer(fmt: str, command: str | None) -> str:
    """The renderer's path for ``fmt``, or RenderError (unknown format, not found)."""
    if fmt not in FORMATS:
        raise RenderError(f"unsupported output format {fmt!r}")
    path = find_renderer(command)
    if path is None:
        raise RenderError(f"the Graphviz renderer {command or DEFAULT_RENDERER!r} was not found")
    return path


def target_for(source: str, fmt: str, cache_dir: Path, path: str) -> Path:
    """Where the render of ``source`` as ``fmt`` by the renderer at ``path`` is cached."""
    return cache_dir / cache_name(cache_key(source, fmt, path), fmt)


def _invoke(path: str, source: str, fmt: str, out: Path, timeout: float) -> None:
    """Run the renderer once, writing ``out``; RenderError when it fails."""
    drawn_as_is = AS_LAID_OUT if laid_out(source) else ()
    try:
        done = subprocess.run([path, *drawn_as_is, f"-T{fmt}", "-o", str(out)],
                              input=source.encode(),
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"{path!r} did not finish within {timeout:g} s") from exc
    except OSError as exc:
        raise RenderError(f"cannot run {path!r}: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"{path!r} exited with status {done.returncode}"
                          + (f": {detail[-1]}" if detail else ""))
    with out.open("rb") as written:  # only the head: garbage may be huge
        head = written.read(64)
    if not head.lstrip().startswith(MAGIC[fmt]):
        raise RenderError(f"{path!r} wrote no valid {fmt.upper()} output")


def _drawn(svg: Path) -> dict[str, Box]:
    return boxes(svg.read_text(encoding="utf-8", errors="replace"))


def _attempt(path: str, source: str, svg: Path, timeout: float,
             better: Callable[[dict[str, Box]], bool]) -> dict[str, Box] | None:
    """Lay ``source`` out; keep it in ``svg`` (and return what it drew) if ``better``."""
    second = svg.with_name(svg.name + ".renamed")
    try:
        _invoke(path, source, "svg", second, timeout)
        drawn = _drawn(second)
        if not better(drawn):
            return None  # the renderer drew it otherwise: keep the layout before
        second.replace(svg)
        return drawn
    finally:
        second.unlink(missing_ok=True)


def _astray(frames: list[Frames], classes: list[Class], drawn: dict[str, Box]) -> int:
    return frames_misplaced(frames, drawn) + misplaced(classes, drawn)


def _names_in_order(path: str, source: str, svg: Path, timeout: float, classes: list[Class],
                    drawn: dict[str, Box]) -> tuple[str, dict[str, Box]]:
    """``source`` and what it drew, or its twins renamed where that puts more of them in
    order (see :mod:`.interchange`), the render of that left in ``svg``."""
    before = misplaced(classes, drawn)
    names = renaming(classes, drawn) if before else {}
    if names:
        other = renamed(source, names)
        found = _attempt(path, other, svg, timeout,
                         lambda new: misplaced(classes, new) < before)
        if found is not None:
            return other, found
    return source, drawn


def _written_again(path: str, source: str, svg: Path, timeout: float, runs: list[Frames],
                   classes: list[Class], drawn: dict[str, Box]) -> tuple[str, dict[str, Box]]:
    """``source`` and what it drew, or a writing of the ``runs`` that came out of order
    (see :mod:`.frames`), its twins ``classes`` renamed in that layout, that puts more
    boxes in order; the render of what it returns is left in ``svg``."""
    astray = _astray(runs, classes, drawn)
    for other in rewritings(source, runs, drawn) if frames_misplaced(runs, drawn) else ():
        scratch = svg.with_name(svg.name + ".again")
        try:
            _invoke(path, other, "svg", scratch, timeout)
            other, found = _names_in_order(path, other, scratch, timeout, classes,
                                           _drawn(scratch))
            if _astray(runs, classes, found) < astray:
                scratch.replace(svg)
                source, drawn, astray = other, found, _astray(runs, classes, found)
                if not astray:
                    break
        finally:
            scratch.unlink(missing_ok=True)
    return source, drawn


def _named(path: str, source: str, svg: Path, timeout: float, classes: list[Class],
           drawn: dict[str, Box]) -> tuple[str, dict[str, Box]]:
    """``source`` and what it drew, its twins renamed into reading order and the machines
    drawn after their folded pool's box numbered from the end where that puts more in
    order (see :mod:`.interchange`); the render of what it returns is left in ``svg``."""
    source, drawn = _names_in_order(path, source, svg, timeout, classes, drawn)
    folds = folds_in(source)
    names, texts = renumbering(folds, drawn)
    if names:
        other = renamed(source, names, texts)
        after = misplaced(classes, drawn)
        found = _attempt(path, other, svg, timeout, lambda new: (
            folds_misplaced(folds, new) < folds_misplaced(folds, drawn)
            and misplaced(classes, new) <= after))
        if found is not None:
            source, drawn = other, found
    return source, drawn


def _laid_turned(path: str, source: str, out: Path, timeout: float) -> str:
    """``source`` laid out, its layout turned over (see :mod:`.mirror`) and drawn as it is
    into ``out`` (SVG); returns the positioned DOT drawn."""
    laid = out.with_name(out.name + ".laid")
    try:
        _invoke(path, far_end(source), "dot", laid, timeout)
        other = "".join(line + "\n" for line in [*comments(source), LAID_OUT]) + turned(
            laid.read_text(encoding="utf-8"))
    finally:
        laid.unlink(missing_ok=True)
    _invoke(path, other, "svg", out, timeout)
    return other


def _turned_over(path: str, source: str, svg: Path, timeout: float, classes: list[Class],
                 drawn: dict[str, Box]) -> tuple[str, dict[str, Box]]:
    """``source`` and what it drew, or, where its pools' machines are still out of order,
    the layout turned over (see :mod:`.mirror`), its twins renamed and folded pools
    numbered anew, if that puts more machines in order; where the callers' machines
    come out of order once turned, they are written again before the turn (see
    :mod:`.frames`). The render of what it returns is left in ``svg``."""
    pools, folds, run = pools_in(source), folds_in(source), machines_in(source)

    def astray(drawn: dict[str, Box]) -> int:
        return pools_misplaced(pools, drawn) + folds_misplaced(folds, drawn)

    if not pools_misplaced(pools, drawn) or frames_in(source):
        return source, drawn
    least, kept = astray(drawn), (source, drawn)
    scratch = svg.with_name(svg.name + ".turned")

    def attempt(writing: str) -> tuple[dict[str, Box], dict[str, Box]]:
        """Turn ``writing`` over, rename its twins, keep it if fewer are out of order;
        what the turn drew, and what the renamed figure drew."""
        nonlocal least, kept
        other = _laid_turned(path, writing, scratch, timeout)
        first = _drawn(scratch)
        other, found = _named(path, other, scratch, timeout, classes, first)
        if astray(found) < least:
            scratch.replace(svg)
            least, kept = astray(found), (other, found)
        return first, found

    try:
        first, found = attempt(source)
        if least and frames_misplaced(run, found):
            # A folded box turned above the machine it is "like": the callers written
            # again before the turn, in the writings that would put them in order. They
            # are read from the turned drawing before its renaming, whose boxes still
            # stand for the writing's slots (dot keeps each slot's place; the turn
            # mirrors them all alike).
            for writing in rewritings(source, run, first):
                attempt(writing)
                if not least:
                    break
    except (RenderError, ValueError):
        pass  # a renderer that cannot write a positioned DOT keeps its first layout
    finally:
        scratch.unlink(missing_ok=True)
    return kept


def _reordered(source: str) -> bool:
    """Whether the renderer may put boxes of ``source`` in order after its layout: its
    opening comment lines list twins, frames, callers or pools."""
    return bool(classes_in(source) or frames_in(source) or machines_in(source)
                or pools_in(source))


def _in_order(path: str, source: str, svg: Path, timeout: float) -> str:
    """``source``, or its zone frames written again where they came out of order (see
    :mod:`.frames`), its machines renamed so that twins read in order and folded pools
    come after the machines shown (see :mod:`.interchange`), if the callers' machines
    are still out of order, those written again, and if any pool still is, the layout
    turned over (see :mod:`.mirror`); the SVG render of what it returns is left in
    ``svg``."""
    _invoke(path, source, "svg", svg, timeout)
    if not _reordered(source):
        return source
    frames, classes, run = frames_in(source), classes_in(source), machines_in(source)
    drawn = _drawn(svg)
    # Frames first: the names are put in order in the layout that keeps.
    source, drawn = _written_again(path, source, svg, timeout, frames, [], drawn)
    source, drawn = _named(path, source, svg, timeout, classes, drawn)
    # What names cannot mend (a folded box above the machine it is "like"): the callers'
    # machines written again, kept only with fewer machines out of order.
    source, drawn = _written_again(path, source, svg, timeout, run, classes, drawn)
    # What no writing mends: a figure dot draws upside down, turned over.
    source, drawn = _turned_over(path, source, svg, timeout, classes, drawn)
    return source


def _run(path: str, source: str, fmt: str, target: Path, timeout: float) -> None:
    """Run the renderer into ``target`` (atomically); RenderError when it fails."""
    with atomic_target(target) as tmp:
        if fmt == "svg":
            _in_order(path, source, tmp, timeout)
            # Sanitised here, in the pool's process while Sphinx reads and writes on; in
            # place before the SVG appears, so a writer that sees the SVG finds it.
            _write_template(target, tmp.read_bytes())
        elif _reordered(source):
            # Other formats draw the machines where the SVG does.
            probe = tmp.with_name(tmp.name + ".svg")
            try:
                chosen = _in_order(path, source, probe, timeout)
            finally:
                probe.unlink(missing_ok=True)
            _invoke(path, chosen, fmt, tmp, timeout)
        else:
            _invoke(path, source, fmt, tmp, timeout)


def template_path(target: Path) -> Path:
    """Where the sanitised template of the SVG render ``target`` is kept."""
    return target.with_name(target.name + TEMPLATE_SUFFIX)


def _write_template(target: Path, data: bytes) -> str | None:
    """Make and keep the template of ``data``. Only a shortcut: whatever goes wrong here
    (unreadable SVG, a full disk) leaves the writer to its full path, which reports it."""
    try:
        template = svg_template(data)
        if template is not None:
            with atomic_target(template_path(target)) as tmp:
                tmp.write_text(template, encoding="utf-8")
    except (ET.ParseError, ValueError, RecursionError, OSError):
        return None
    return template


def svg_template_for(target: Path) -> str | None:
    """The template of the SVG render ``target`` (see :func:`.svg.svg_template`): the one
    the renderer's process wrote, or made and kept now (a render from an older cache)."""
    try:
        kept = template_path(target).read_text(encoding="utf-8")
        if kept.startswith(f'{{"version": "{TEMPLATE_VERSION}"'):
            return kept
    except (OSError, UnicodeDecodeError):
        pass
    try:
        return _write_template(target, target.read_bytes())
    except OSError:
        return None


def render(source: str, fmt: str, cache_dir: Path, command: str | None = None,
           timeout: float = RENDER_TIMEOUT) -> tuple[Path, bool]:
    """Render DOT ``source`` to ``fmt``; returns the cached file and whether it was new."""
    path = checked_renderer(fmt, command)
    target = target_for(source, fmt, cache_dir, path)
    if target.is_file():
        return target, False
    _run(path, source, fmt, target, timeout)
    return target, True


# -- sharing renders between processes ------------------------------------------------------
#: Beside the cache, for one build: ``<render>.claim`` while a process renders it,
#: ``<render>.failed`` (the reason) when that failed. Emptied when a build starts and ends.
PENDING_FOLDER = "pending"
#: How long a writer waits for a render that another process claimed, beyond the renderer
#: timeout that process enforces, before it renders it itself (that process died).
CLAIM_GRACE = 10.0
#: The longest sleep between two looks at a claimed render (seconds).
POLL_MAX = 0.005
#: Bytes of jobs the pipe to the dispatcher holds (Linux lets anyone raise it to 1 MiB).
PIPE_SIZE = 1 << 20


def _marker(target: Path, kind: str) -> Path:
    return target.parent / PENDING_FOLDER / f"{target.name}.{kind}"


def _claim(target: Path) -> bool:
    """Take the render of ``target`` for this process; False if another one has it."""
    marker = _marker(target, "claim")
    for _attempt in range(2):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            return False
        except FileNotFoundError:
            marker.parent.mkdir(parents=True, exist_ok=True)
    return False


def _failure(target: Path) -> str | None:
    try:
        return _marker(target, "failed").read_text(encoding="utf-8")
    except OSError:
        return None


def _settled(target: Path) -> bool:
    return target.is_file() or _marker(target, "failed").is_file()


def _render_claimed(path: str, source: str, fmt: str, target: Path, timeout: float) -> None:
    """Render a claimed ``target``. A failure is recorded before the claim is released, so
    every process that needs this render gets the same reason without trying again."""
    try:
        _run(path, source, fmt, target, timeout)
    except RenderError as exc:
        with atomic_target(_marker(target, "failed")) as tmp:
            tmp.write_text(str(exc), encoding="utf-8")
        raise
    finally:
        _marker(target, "claim").unlink(missing_ok=True)


def obtain(source: str, fmt: str, cache_dir: Path, command: str | None = None,
           timeout: float = RENDER_TIMEOUT, renderer: str | None = None) -> tuple[Path, bool]:
    """:func:`render`, sharing the work with the build's :class:`RenderPool` and with other
    writer processes: a render another process is running is waited for, never repeated,
    and fails with that process's reason; one that nobody has started is done here at once,
    ahead of the pool's queue. ``renderer``: the renderer's path if already located."""
    path = renderer if renderer and fmt in FORMATS else checked_renderer(fmt, command)
    target = target_for(source, fmt, cache_dir, path)
    deadline: float | None = None
    delay = POLL_MAX / 16
    while True:
        if target.is_file():
            return target, False
        reason = _failure(target)
        if reason is not None:
            raise RenderError(reason)
        if _claim(target):
            if _settled(target):  # finished between the looks above and the claim
                _marker(target, "claim").unlink(missing_ok=True)
                continue
            _render_claimed(path, source, fmt, target, timeout)
            return target, True
        now = time.monotonic()
        if deadline is None:
            deadline = now + timeout + CLAIM_GRACE
        elif now > deadline:
            _run(path, source, fmt, target, timeout)  # the claimant died with its claim
            return target, True
        time.sleep(delay)
        delay = min(delay * 2, POLL_MAX)


def default_workers() -> int:
    """Renderer processes the pool runs at once: one core is left to Sphinx itself."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


#: The dispatcher: this module in a fresh interpreter, imported from where this copy lives.
_DISPATCHER = ("import sys; sys.path.insert(0, sys.argv[1]); "
               "from sphinx_k8sarch.core.render import dispatcher_main; "
               "dispatcher_main(sys.argv[2:])")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


class RenderPool:
    """Renders DOT ahead of the writers, in a bounded pool of renderer processes.

    :meth:`submit` hands a job to a dispatcher process (started with the first job) that
    keeps up to ``workers`` renderers running and writes into the cache; writers collect
    with :func:`obtain`. Only the process that created the pool submits and closes it: a
    copy in a process forked by ``sphinx-build -j`` does nothing, its writers go through the
    claim files instead.
    """

    def __init__(self, cache_dir: Path, command: str | None = None,
                 timeout: float = RENDER_TIMEOUT, workers: int | None = None) -> None:
        self.cache_dir = cache_dir
        self.command = command
        self.timeout = timeout
        self.workers = workers or default_workers()
        self.owner = os.getpid()
        self.submitted = 0
        #: Located once per build (a lookup walks several folders).
        self.renderer = find_renderer(command)
        self._path = self.renderer if sys.executable else None
        self._seen: set[str] = set()
        self._process: subprocess.Popen[bytes] | None = None
        _empty(cache_dir / PENDING_FOLDER)  # claims and failures of an interrupted build

    def submit(self, source: str, fmt: str) -> bool:
        """Start rendering ``source`` as ``fmt`` unless it is cached or already queued;
        False when nothing was queued (also when the renderer is missing: the writer
        reports that)."""
        if os.getpid() != self.owner or self._path is None or fmt not in FORMATS:
            return False
        try:
            target = target_for(source, fmt, self.cache_dir, self._path)
        except RenderError:  # the renderer does not run: the writers report it
            self._path = None
            return False
        if target.name in self._seen or target.is_file():
            return False
        self._seen.add(target.name)
        job = json.dumps({"source": source, "fmt": fmt, "target": str(target)}) + "\n"
        try:
            stdin = self._start().stdin
            assert stdin is not None
            stdin.write(job.encode("utf-8"))
            stdin.flush()
        except OSError:  # the dispatcher is gone; the writers render by themselves
            self._path = None
            return False
        self.submitted += 1
        return True

    def obtain(self, source: str, fmt: str) -> tuple[Path, bool]:
        """:func:`obtain` with this build's renderer, in any process of the build."""
        return obtain(source, fmt, self.cache_dir, self.command, self.timeout, self.renderer)

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            assert self._path is not None
            (self.cache_dir / PENDING_FOLDER).mkdir(parents=True, exist_ok=True)
            self._process = subprocess.Popen(
                [sys.executable, "-I", "-c", _DISPATCHER, _PACKAGE_ROOT, self._path,
                 repr(self.timeout), str(self.workers)],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
            assert self._process.stdin is not None
            with contextlib.suppress(ImportError, AttributeError, OSError):  # Linux only
                import fcntl

                # Room for the queue, so that handing over a job never waits for the
                # dispatcher to be scheduled; it holds a few dozen DOT sources.
                fcntl.fcntl(self._process.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
        return self._process

    def close(self) -> None:
        """End of the build: the dispatcher drops what nobody started, finishes what is
        running and exits (reaped here); the claim and failure files go."""
        if os.getpid() != self.owner:
            return
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                assert process.stdin is not None
                process.stdin.close()
            try:
                process.wait(timeout=self.timeout + CLAIM_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _empty(self.cache_dir / PENDING_FOLDER)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _empty(folder: Path) -> None:
    if folder.is_dir():
        for entry in folder.iterdir():
            entry.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            folder.rmdir()


def dispatcher_main(argv: list[str]) -> None:
    """Entry point of the dispatcher process: ``renderer timeout workers``, jobs on stdin."""
    # Ctrl-C stops Sphinx and so ends our input; the renders running then end normally.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    path, timeout, workers = argv
    serve(path, float(timeout), int(workers), sys.stdin.buffer)


def serve(path: str, timeout: float, workers: int, jobs_in: IO[bytes]) -> None:
    """The dispatcher of a :class:`RenderPool`: one JSON job per input line, up to
    ``workers`` renders at once, in the order they came. At the end of the input (the build
    ended, or Sphinx died) jobs not started are dropped and running ones finish."""
    jobs: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
    ended = threading.Event()

    def work() -> None:
        while (job := jobs.get()) is not None and not ended.is_set():
            target = Path(job["target"])
            if _settled(target) or not _claim(target):
                continue  # done, or a writer is rendering it right now
            if _settled(target):
                _marker(target, "claim").unlink(missing_ok=True)
                continue
            with contextlib.suppress(Exception):  # recorded for the writers; keep serving
                _render_claimed(path, job["source"], job["fmt"], target, timeout)

    threads = [threading.Thread(target=work) for _ in range(max(1, workers))]
    for thread in threads:
        thread.start()
    try:
        for line in jobs_in:
            jobs.put(json.loads(line))
    finally:
        ended.set()
        for _thread in threads:
            jobs.put(None)
        for thread in threads:
            thread.join()
