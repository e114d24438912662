"""Where a build's time goes, per diagram: the profile behind the benchmark's ratios.

Builds one generated site of each side (see ``sites.py``) in this process with ``-j 1``
and times the stages of a diagram with ``time.perf_counter`` around the functions that do
them (no profiler: it would inflate Python code against the renderer's time). Prints one
Markdown table of milliseconds per diagram; ``--output`` writes it to a file too.

    python benchmarks/profile.py --pages 100
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
import functools
import gc
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

from sphinx.cmd.build import build_main

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sites import write_sites

SPENT: dict[str, float] = defaultdict(float)


def timed(owner: Any, name: str, label: str) -> None:
    """Wrap ``owner.name`` so that its wall time adds up under ``label``."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)


@contextmanager
def instrumented() -> Iterator[None]:
    """Time the stages of both sides; the originals are put back afterwards. Functions that
    Sphinx registers at set-up are wrapped where set-up looks them up."""
    import sphinx.builders
    import sphinx.builders.html
    import sphinx.ext.graphviz as peer

    from sphinx_k8sarch.core import dot, graph, pipeline
    import sphinx_k8sarch.sphinxext as ext
    from sphinx_k8sarch.sphinxext import descriptions, directive, visitors

    targets: list[tuple[Any, str, str]] = [
        (sphinx.builders.Builder, "read", "both: reading (the whole phase)"),
        (sphinx.builders.Builder, "write", "both: writing (the whole phase)"),
        (sphinx.builders.html.StandaloneHTMLBuilder, "handle_page", "both: page templates"),
        (sphinx.builders.html.StandaloneHTMLBuilder, "index_page", "both: search index"),
        (sphinx.builders.html.StandaloneHTMLBuilder, "write_domain_indices",
         "both: domain indices (ours: the component index)"),
        (sphinx.builders.html.StandaloneHTMLBuilder, "write_genindex", "both: general index"),
        (directive.K8sClusterDirective, "run", "ours: directive (all of it)"),
        # The directive imports these when it first runs: timed where they live.
        (pipeline, "analyse", "ours: directive, parse + validate"),
        (graph, "build_graph", "ours: directive, graph"),
        (dot, "to_dot", "ours: directive, DOT"),
        (ext, "queue_renders", "ours: DOT handed to the render pool"),
        (visitors, "_render", "ours: diagram, getting the render (waits included)"),
        (visitors, "svg_template_for", "ours: diagram, sanitised template read"),
        (visitors, "fill_template", "ours: diagram, template filled in"),
        (visitors, "inline_svg", "ours: diagram, inline SVG in full (no usable template)"),
        (descriptions.KeepForHtml, "run", "ours: descriptions, search words"),
        (ext, "descriptions_html_visit", "ours: descriptions, written"),
        (descriptions, "expand", "ours: descriptions, nodes built (first of each)"),
        (peer.Graphviz, "run", "peer: directive"),
        (peer, "html_visit_graphviz", "peer: diagram (all of it)"),
        (peer, "render_dot", "peer: diagram, render (renderer process)"),
    ]
    saved = [(owner, name, getattr(owner, name)) for owner, name, _label in targets]
    started: list[float] = []

    def collector(phase: str, info: dict[str, int]) -> None:
        # The garbage collector runs inside whatever allocates: its time is shown apart.
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            SPENT["both: garbage collector (inside the stages above)"] += (
                time.perf_counter() - started.pop())

    gc.callbacks.append(collector)
    html, depart = visitors.VISITORS["html"]
    for owner, name, label in targets:
        timed(owner, name, label)
    timed(visitors, "html_visit", "ours: diagram (all of it)")
    visitors.VISITORS["html"] = (visitors.html_visit, depart)
    try:
        yield
    finally:
        gc.callbacks.remove(collector)
        for owner, name, original in saved:
            setattr(owner, name, original)
        visitors.html_visit = html
        visitors.VISITORS["html"] = (html, depart)


def build(site: Path, renderer: str, work: Path) -> float:
    setting = "graphviz_dot" if site.name == "peer" else "k8sarch_renderer"
    start = time.perf_counter()
    status = build_main(["-b", "html", "-j", "1", "-q", "-W", "-d", str(work / "doctrees"),
                         "-D", f"{setting}={renderer}", str(site), str(work / "html")])
    if status:
        raise SystemExit(f"the build of {site} failed")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--renderer", default=shutil.which("graphviz-pure", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")])) or "graphviz-pure")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    rows: dict[str, dict[str, float]] = {}
    walls: dict[str, float] = {}
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="k8sarch-profile-") as tmp:
        sites = write_sites(Path(tmp) / "sites", args.pages)
        for side in ("peer", "ours"):
            SPENT.clear()
            subprocess.run([sys.executable, "-c", "pass"], check=True)  # warm the disk cache
            with instrumented():
                walls[side] = build(sites[side].root, args.renderer, Path(tmp) / side)
            rows[side] = dict(SPENT)
    labels = sorted({label for spent in rows.values() for label in spent},
                    key=lambda label: (label.split(":")[0], label))
    per = args.pages
    title = (f"Per diagram, ms ({args.pages} pages, one diagram each, `-j 1`, renderer "
             f"`{Path(args.renderer).name}`; whole builds: peer {walls['peer']:.2f} s, ours "
             f"{walls['ours']:.2f} s)")
    loads = [" ".join(f"{x:.2f}" for x in values) for values in (load, os.getloadavg())]
    lines = [title, "", f"Load average (1, 5, 15 min) before: {loads[0]}; after: {loads[1]}.",
             "", "| Stage | peer | ours |", "|---|---:|---:|"]
    lines += [f"| {label} | " + " | ".join(
        f"{rows[side][label] * 1000 / per:.2f}" if label in rows[side] else ""
        for side in ("peer", "ours")) + " |" for label in labels]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

