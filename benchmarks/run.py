"""Benchmark sphinx-k8sarch against the peer a user would otherwise write: the same site
with each ``k8s-cluster`` directive replaced by ``sphinx.ext.graphviz`` holding the identical
DOT, built with the same renderer.

One command: ``make bench`` (``python benchmarks/run.py``). ``--smoke`` is the short run
that ``make test`` does. Everything is measured in one run on one machine and reported as
ratios; the sites are built in turn, in alternating order, so noise hits every side alike.
Full builds are measured with ``-j 1`` and ``-j 2`` from a cold start (no renders cached)
and with ``-j 1`` from a warm render cache (only the renders kept).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
import compileall
from dataclasses import asdict, dataclass, field
import datetime as dt
from functools import partial
import json
import math
import os
from pathlib import Path
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from typing import Any

import docutils
import sphinx

import sphinx_k8sarch
from sphinx_k8sarch.core.dot import to_dot
from sphinx_k8sarch.core.graph import build_graph
from sphinx_k8sarch.core.i18n import Translator
from sphinx_k8sarch.core.pipeline import analyse
from sphinx_k8sarch.core.render import CACHE_FOLDER, find_renderer, renderer_version

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sites import SIDES, Site, built_dot, drawn, embedded, same_picture, write_sites

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUTS = (REPO / "benchmarks" / "results" / "results.md",
                   REPO / "benchmarks" / "results" / "results.json")
#: Where the full run writes benchmarks/profile.py's table (per-diagram time of each stage).
PROFILE_OUTPUT = REPO / "benchmarks" / "results" / "profile.md"
PURE = "graphviz-pure"
SYSTEM = "system dot"
# Core cases: (label, spec). 3+3 is the course's cluster; the rest grow the worker pool.
CORE_CASES = (
    ("3+3", "control-plane: 3\nworkers: 3\nload-balancer: haproxy\n"),
    ("5+50", "control-plane: 5\nworkers: 50\nload-balancer: haproxy\n"),
    ("5+500", "control-plane: 5\nworkers: 500\nload-balancer: haproxy\n"),
    ("5+5000", "control-plane: 5\nworkers: 5000\nload-balancer: haproxy\n"),
)
BUILD_TIMEOUT = 3600.0
#: The issue's goals: full builds at most this fraction of the peer's, memory at most this
#: multiple, rebuilds no slower.
GOAL_BUILD = 0.85
GOAL_MEMORY = 1.10
GOAL_REBUILD = 1.0


class BenchError(Exception):
    """A build failed or produced something other than what is being compared."""


@dataclass(frozen=True)
class Renderer:
    label: str
    path: str
    version: str


@dataclass
class Run:
    """One ``sphinx-build`` process: wall and CPU seconds, peak resident memory."""

    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Series:
    """All repetitions of one (pages, renderer, side): ``full`` clean builds with -j 1,
    ``warm`` the same with the renders of the previous build kept, ``parallel`` clean
    builds with -j 2, and the ``noop`` and one-``edit`` rebuilds (-j 1)."""

    pages: int
    renderer: str
    side: str
    full: list[Run] = field(default_factory=list)
    noop: list[Run] = field(default_factory=list)
    edit: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    parallel: list[Run] = field(default_factory=list)


#: Kinds of full build: Series field, label in the report.
FULL_KINDS = (("full", "-j 1 cold"), ("warm", "-j 1 warm"), ("parallel", "-j 2 cold"))


# -- running sphinx-build ----------------------------------------------------------------
def child_env() -> dict[str, str]:
    """The child must import the same sphinx_k8sarch as this process (a checkout run with
    PYTHONPATH, or the editable install)."""
    env = dict(os.environ)
    root = str(Path(sphinx_k8sarch.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def compile_package(notes: list[str]) -> None:
    """Write the bytecode of sphinx_k8sarch as installing it would. A checkout under
    ``PYTHONDONTWRITEBYTECODE`` (set on some CI machines) has none, and every build would
    compile the package again (~0.08 s), while Sphinx and the peer come precompiled from
    the package index."""
    package = Path(sphinx_k8sarch.__file__).resolve().parent
    if not compileall.compile_dir(package, quiet=2):
        raise BenchError(f"could not compile {package}")
    notes.append("sphinx_k8sarch precompiled to bytecode, as an install would")


def sphinx_build(site: Site, renderer: Renderer, jobs: int = 1) -> Run:
    """Build ``site`` to HTML in a fresh process with ``-j jobs``, warnings as errors: a
    renderer failure must not pass for a fast build."""
    html, doctrees = site.build_dirs(renderer.label)
    setting = "graphviz_dot" if site.side == "peer" else "k8sarch_renderer"
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-j", str(jobs), "-q", "-W",
           "-d", str(doctrees), "-D", f"{setting}={renderer.path}", str(site.root), str(html)]
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=log, env=child_env())
        watchdog = threading.Timer(BUILD_TIMEOUT, proc.kill)
        watchdog.start()
        # wait4 gives this child's own resource usage (its reaped renderers included),
        # unlike RUSAGE_CHILDREN, which sums every child this process ever waited for.
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace").strip().splitlines()[-15:]
            raise BenchError(f"{' '.join(cmd)} exited with {proc.returncode}:\n"
                             + "\n".join(tail))
    # ru_maxrss is in KiB on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def clean(site: Site, renderer: Renderer, keep_renders: bool = False) -> None:
    """Delete the output and the doctrees; ``keep_renders`` keeps each side's own render
    cache (ours beside the doctrees, the peer's images in the output), so that a build
    starts warm: everything is read and written again, nothing is laid out again."""
    html, doctrees = site.build_dirs(renderer.label)
    kept = (doctrees / CACHE_FOLDER) if site.side != "peer" else (html / "_images")
    aside = kept.parent.parent / f"kept-{kept.name}"
    shutil.rmtree(aside, ignore_errors=True)
    if keep_renders and kept.is_dir():
        kept.rename(aside)
    for path in (html, doctrees):
        shutil.rmtree(path, ignore_errors=True)
    if keep_renders and aside.is_dir():
        kept.parent.mkdir(parents=True)
        aside.rename(kept)


def _cold(site: Site, renderer: Renderer, series: Series) -> None:
    site.write_page(0)
    clean(site, renderer)
    series.full.append(sphinx_build(site, renderer))


def _noop(site: Site, renderer: Renderer, series: Series) -> None:
    series.noop.append(sphinx_build(site, renderer))


def _warm(site: Site, renderer: Renderer, series: Series) -> None:
    clean(site, renderer, keep_renders=True)
    series.warm.append(sphinx_build(site, renderer))


def _edit(site: Site, renderer: Renderer, series: Series) -> None:
    site.write_page(0, edited=True)
    series.edit.append(sphinx_build(site, renderer))


def _parallel(site: Site, renderer: Renderer, series: Series) -> None:
    clean(site, renderer)
    series.parallel.append(sphinx_build(site, renderer, jobs=2))


#: The measurements of one repetition, in order, each on the state the previous one left
#: (a clean build, a no-op rebuild, a clean build from a warm render cache, a rebuild after
#: editing page 0's spec, all -j 1, then a clean build with -j 2). Each step runs on every
#: site before the next step, so the runs divided into a ratio are seconds apart.
STEPS: tuple[Callable[[Site, Renderer, Series], None], ...] = (
    _cold, _noop, _warm, _edit, _parallel)


def verify(sites: dict[str, Site], renderer: Renderer) -> None:
    """Every site has the same DOT on every page and drew the same picture from it."""
    peer = sites["peer"]
    for index in range(peer.pages):
        theirs = built_dot(peer, renderer.label, index)
        picture = drawn(peer, renderer.label, index)
        if len(theirs) != 1 or not picture:
            raise BenchError(f"page {index}: the peer's diagram was not rendered")
        for side in SIDES[:-1]:
            mine = built_dot(sites[side], renderer.label, index)
            if len(mine) != 1 or theirs != [embedded(mine[0])]:
                raise BenchError(f"page {index}: the peer's DOT differs from {side}'s")
            if not same_picture(drawn(sites[side], renderer.label, index), picture):
                raise BenchError(f"page {index}: {side} and the peer drew different pictures "
                                 f"with {renderer.label}")


def run_builds(root: Path, sizes: list[int], reps: int, renderers: list[Renderer],
               progress: Callable[[str], None]) -> list[Series]:
    results: list[Series] = []
    for pages in sizes:
        sites = write_sites(root / f"n{pages}", pages)
        table = {(r.label, side): Series(pages, r.label, side)
                 for r in renderers for side in SIDES}
        for rep in range(reps):
            for renderer in renderers:
                # Interleaved, and whichever goes first (colder caches) alternates.
                order = SIDES if rep % 2 == 0 else tuple(reversed(SIDES))
                for step in STEPS:
                    for side in order:
                        step(sites[side], renderer, table[renderer.label, side])
                if rep == 0:
                    verify(sites, renderer)
                times = ", ".join(f"{side} " + " / ".join(
                    f"{getattr(table[renderer.label, side], kind)[-1].wall:.2f}"
                    for kind, _label in FULL_KINDS) + " s" for side in SIDES)
                progress(f"N={pages} {renderer.label} rep {rep + 1}/{reps} "
                         f"(cold -j 1 / warm -j 1 / cold -j 2): {times}")
        results.extend(table.values())
    return results


# -- the core alone ----------------------------------------------------------------------
def best_per_call(func: Callable[[], object], repeat: int, budget: float) -> float:
    """Seconds per call, best of ``repeat`` runs of about ``budget`` seconds each: the
    least disturbed estimate on a shared machine."""
    timer = timeit.Timer(func)
    once = timer.timeit(1)
    number = max(1, math.ceil(budget / max(once, 1e-9)))
    return min(timer.repeat(repeat, number)) / number


def core_times(repeat: int, budget: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    tr = Translator("en")
    for label, text in CORE_CASES:
        cluster = analyse(text, "Benchmark")[0]
        assert cluster is not None
        graph = build_graph(cluster, tr)

        def total(text: str = text) -> str:
            found = analyse(text, "Benchmark")[0]
            assert found is not None
            return to_dot(build_graph(found, Translator("en")))

        stages: dict[str, Callable[[], object]] = {
            "parse_us": partial(analyse, text, "Benchmark"),
            "graph_us": partial(build_graph, cluster, tr),
            "dot_us": partial(to_dot, graph),
            "total_us": total,
        }
        row: dict[str, Any] = {"case": label}
        for key, func in stages.items():
            row[key] = best_per_call(func, repeat, budget) * 1e6
        rows.append(row)
    base = rows[0]["total_us"]
    for row in rows:
        row["ratio"] = row["total_us"] / base
    return rows


# -- summaries ---------------------------------------------------------------------------
def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def ratios(series: list[Series], core: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every headline ratio as one record. Runs of the same repetition are paired and
    divided before taking the median, so a slow moment affects both sides of a ratio."""
    out: list[dict[str, Any]] = []
    by_key = {(s.pages, s.renderer, s.side): s for s in series}

    def paired(mine: list[Run], theirs: list[Run], value: Callable[[Run], float]) -> float:
        return median(value(a) / value(b) for a, b in zip(mine, theirs, strict=True))

    for (pages, renderer, side), one in sorted(by_key.items()):
        where = {"pages": pages, "renderer": renderer, "side": side}
        out.extend({"measure": f"{kind}/full", **where,
                    "value": paired(getattr(one, kind), one.full, lambda r: r.wall)}
                   for kind in ("noop", "edit"))
        if side == "peer":
            continue
        peer = by_key[pages, renderer, "peer"]
        for kind, measure in (("full", "build"), ("warm", "build-warm"),
                              ("parallel", "build-j2")):
            mine, theirs = getattr(one, kind), getattr(peer, kind)
            out.append({"measure": measure, **where,
                        "value": paired(mine, theirs, lambda r: r.wall)})
            out.append({"measure": f"{measure}-cpu", **where,
                        "value": paired(mine, theirs, lambda r: r.cpu)})
        for kind, measure in (("full", "memory"), ("parallel", "memory-j2")):
            out.append({"measure": measure, **where, "value": paired(
                getattr(one, kind), getattr(peer, kind), lambda r: r.rss_mib)})
        out.extend({"measure": kind, **where, "value": paired(
            getattr(one, kind), getattr(peer, kind), lambda r: r.wall)}
                   for kind in ("noop", "edit"))
    out.extend({"measure": f"core {row['case']} / {core[0]['case']}", "value": row["ratio"]}
               for row in core[1:])
    return out


def _field(path: str, prefix: str, separator: str) -> str | None:
    """The value after ``separator`` on the first line of ``path`` that starts with
    ``prefix``, or None (no such file, as on machines without /proc, or no such line)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((line.split(separator, 1)[1].strip() for line in lines
                 if line.startswith(prefix)), None)


def machine(renderers: list[Renderer]) -> dict[str, str]:
    cpu = (_field("/proc/cpuinfo", "model name", ":") or platform.processor()
           or platform.machine())
    kib = _field("/proc/meminfo", "MemTotal:", ":")
    memory = f"{int(kib.split()[0]) / 1024 ** 2:.1f} GiB" if kib else ""
    pretty = _field("/etc/os-release", "PRETTY_NAME=", "=")
    system = (f"{pretty.strip(chr(34))}, Linux {platform.release()}" if pretty
              else platform.platform())
    info = {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "system": system,
        "Python": platform.python_version(),
        "Sphinx": sphinx.__version__,
        "docutils": docutils.__version__,
        "sphinx-k8sarch": f"{sphinx_k8sarch.__version__} ({revision()})",
    }
    for renderer in renderers:
        info[renderer.label] = renderer.version
    return info


def revision() -> str:
    root = Path(sphinx_k8sarch.__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "sphinx_k8sarch"], capture_output=True, text=True, check=True,
                               timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "revision unknown"
    return head.stdout.strip() + (" with local changes" if dirty.stdout.strip() else "")


# -- report ------------------------------------------------------------------------------
SIDE_LABEL = {"ours": "ours", "bare": "ours, no descriptions", "peer": "peer"}


def _para(text: str) -> list[str]:
    return [text, ""]


def _table(header: list[str], rows: list[list[str]], align: list[str]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|",
            *("| " + " | ".join(row) + " |" for row in rows), ""]


def _mark(value: float, goal: float) -> str:
    return f"{value:.2f}" + (" ✓" if value <= goal else " ✗")


def markdown(result: dict[str, Any]) -> str:
    labels: list[str] = [r["label"] for r in result["renderers"]]
    by_key = {(s["pages"], s["renderer"], s["side"]): s for s in result["builds"]}
    ratio = {(r["measure"], r.get("pages"), r.get("renderer"), r.get("side")): r["value"]
             for r in result["ratios"]}
    sizes: list[int] = result["settings"]["sizes"]
    reps: int = result["settings"]["reps"]
    grid = [(n, r) for n in sizes for r in labels]
    kinds = [(kind, label) for kind, label in FULL_KINDS
             if all(by_key[n, r, "peer"].get(kind) for n, r in grid)]

    def med(n: int, r: str, side: str, kind: str, key: str) -> float:
        return median(run[key] for run in by_key[n, r, side][kind])

    lines = _para(f"Measured {result['date']} with `{result['command']}`: {reps} "
                  f"repetition{'s' if reps > 1 else ''}, medians; ratios are medians of runs "
                  "paired within a repetition. ✓ marks a goal met, ✗ one missed.")
    lines += _table(["Machine", ""], [[k, v.replace("|", "/")]
                                      for k, v in result["machine"].items()], ["---", "---"])
    lines += _para(f"Load average (1, 5, 15 min) before: {result['load'][0]}; after: "
                   f"{result['load'][1]}.")

    lines += _para(f"**Full build, ours / peer** (goal ≤ {GOAL_BUILD}): wall time, CPU time "
                   "of the whole process tree in brackets; cold: nothing cached, warm: the "
                   "renders of the previous build kept")
    measures = {"full": "build", "warm": "build-warm", "parallel": "build-j2"}
    header = [f"{SIDE_LABEL[side]}, {label}" for side in SIDES[:-1] for _k, label in kinds]
    lines += _table(["Pages", "Renderer", *header], [
        [str(n), r, *(f"{_mark(ratio[measures[kind], n, r, side], GOAL_BUILD)} "
                      f"({ratio[measures[kind] + '-cpu', n, r, side]:.2f})"
                      for side in SIDES[:-1] for kind, _l in kinds)]
        for n, r in grid], ["---:", "---", *["---:"] * len(header)])

    lines += _para(f"**Rebuilds, ours / peer** (goal ≤ {GOAL_REBUILD:g}), and as a fraction "
                   "of the same site's full build")
    lines += _table(["Pages", "Renderer", "no-op: ours / peer", "one edit: ours / peer",
                     *(f"{what} / full: {side}" for what in ("no-op", "one edit")
                       for side in ("ours", "peer"))], [
        [str(n), r, *(_mark(ratio[kind, n, r, "ours"], GOAL_REBUILD)
                      for kind in ("noop", "edit")),
         *(f"{ratio[kind + '/full', n, r, side]:.2f}"
           for kind in ("noop", "edit") for side in ("ours", "peer"))]
        for n, r in grid], ["---:", "---", *["---:"] * 6])

    lines += _para(f"**Peak memory, ours / peer** (goal ≤ {GOAL_MEMORY:.1f}; the largest "
                   "resident set in the `sphinx-build` process tree)")
    memory = [("memory", "-j 1"), ("memory-j2", "-j 2")]
    lines += _table(["Pages", "Renderer", *(f"{SIDE_LABEL[side]}, {label}" for side in SIDES[:-1]
                                            for _m, label in memory)], [
        [str(n), r, *(_mark(ratio[measure, n, r, side], GOAL_MEMORY)
                      for side in SIDES[:-1] for measure, _l in memory)]
        for n, r in grid], ["---:", "---", *["---:"] * (2 * (len(SIDES) - 1))])

    lines += ["**Absolute figures** (medians, seconds and MiB)", ""]
    lines += _table(["Pages", "Renderer", "Site", *(label for _k, label in kinds),
                     "CPU -j 1 cold", "no-op", "one edit", "peak MiB -j 1"], [
        [str(n), r, SIDE_LABEL[side],
         *(f"{med(n, r, side, kind, 'wall'):.2f}" for kind, _l in kinds),
         f"{med(n, r, side, 'full', 'cpu'):.2f}",
         *(f"{med(n, r, side, kind, 'wall'):.2f}" for kind in ("noop", "edit")),
         f"{med(n, r, side, 'full', 'rss_mib'):.0f}"]
        for n, r in grid for side in SIDES], ["---:", "---", "---", *["---:"] * (len(kinds) + 4)])

    lines += _para("**Core alone**: parse + validate, graph, DOT, in µs per call (best of "
                   "the repetitions), in-process")
    lines += _table(["Control plane + workers", "parse + validate", "graph", "DOT", "total",
                     "total / 3+3"], [
        [row["case"], *(f"{row[k]:.0f}" for k in ("parse_us", "graph_us", "dot_us",
                                                  "total_us")), f"{row['ratio']:.2f}"]
        for row in result["core"]], ["---", "---:", "---:", "---:", "---:", "---:"])
    for note in result["notes"]:
        lines += [f"Note: {note}", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


# -- main --------------------------------------------------------------------------------
def find_renderers(system_dot: str | None, notes: list[str]) -> list[Renderer]:
    found: list[Renderer] = []
    pure = find_renderer(PURE)
    if pure is None:
        raise BenchError("graphviz-pure is not installed: pip install graphviz-pure")
    found.append(Renderer(PURE, pure, renderer_version(pure)))
    dot = find_renderer(system_dot) if system_dot else None
    if dot is None:
        notes.append("no system Graphviz `dot` was found, so its column is left out; "
                     "install Debian's graphviz package (`make system-deps` as root).")
        print(f"warning: {notes[-1]}", file=sys.stderr)
    else:
        found.append(Renderer(SYSTEM, dot, renderer_version(dot)))
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true",
                        help="tiny run for the test suite: 3 pages, one repetition")
    parser.add_argument("--sizes", help="pages per site, comma separated (default 50,200,500)")
    parser.add_argument("--reps", type=int, help="repetitions per figure (default 3)")
    parser.add_argument("--output", action="append", type=Path, metavar="FILE",
                        help="write the results, JSON if FILE ends in .json, else Markdown; "
                             "repeatable (default: benchmarks/results/results.{md,json}, "
                             "none with --smoke)")
    parser.add_argument("--workdir", type=Path,
                        help="keep the generated sites here instead of a temporary directory")
    parser.add_argument("--system-dot", default=shutil.which("dot"),
                        help="the system Graphviz dot (default: dot on PATH)")
    parser.add_argument("--profile-pages", type=int, default=100, metavar="N",
                        help="after a run with the default outputs, profile N pages with "
                             "benchmarks/profile.py into benchmarks/results/profile.md "
                             "(0: no profile)")
    args = parser.parse_args(argv)
    sizes = args.sizes or ("3" if args.smoke else "50,200,500")
    args.sizes = [int(s) for s in sizes.split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes needs positive page counts")
    args.reps = args.reps or (1 if args.smoke else 3)
    if args.reps < 1:
        parser.error("--reps must be at least 1")
    if args.output is None:
        args.output = [] if args.smoke else list(DEFAULT_OUTPUTS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    notes: list[str] = []
    try:
        renderers = find_renderers(args.system_dot, notes)
        info = machine(renderers)
        load_before = os.getloadavg()

        def progress(message: str) -> None:
            print(message, file=sys.stderr, flush=True)

        compile_package(notes)
        core = core_times(2, 0.02) if args.smoke else core_times(7, 0.2)
        if args.workdir:
            args.workdir.mkdir(parents=True, exist_ok=True)
            series = run_builds(args.workdir, args.sizes, args.reps, renderers, progress)
        else:
            with tempfile.TemporaryDirectory(prefix="k8sarch-bench-") as tmp:
                series = run_builds(Path(tmp), args.sizes, args.reps, renderers, progress)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python benchmarks/run.py",
                             *(argv if argv is not None else sys.argv[1:])]),
        "machine": info,
        "load": [" ".join(f"{x:.2f}" for x in load) for load in (load_before,
                                                                  os.getloadavg())],
        "settings": {"sizes": args.sizes, "reps": args.reps, "smoke": args.smoke},
        "renderers": [asdict(r) for r in renderers],
        "builds": [asdict(s) for s in series],
        "core": core,
        "notes": notes,
    }
    result["ratios"] = ratios(series, core)
    bad = [r for r in result["ratios"] if not (math.isfinite(r["value"]) and r["value"] > 0)]
    if bad:
        print(f"error: ratios that are not positive finite numbers: {bad}", file=sys.stderr)
        return 1
    report = markdown(result)
    print(report)
    for path in args.output:
        write_atomic(path, json.dumps(result, indent=1, ensure_ascii=False) + "\n"
                     if path.suffix == ".json" else report)
    if args.output == list(DEFAULT_OUTPUTS) and args.profile_pages > 0:
        # In a fresh process, like the builds: what is left, stage by stage.
        subprocess.run([sys.executable, str(Path(__file__).with_name("profile.py")),
                        "--pages", str(args.profile_pages), "--output", str(PROFILE_OUTPUT)],
                       env=child_env(), check=True, timeout=BUILD_TIMEOUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
