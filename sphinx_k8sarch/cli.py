"""Command line interface: check, draw and describe specs without Sphinx.

Only the Sphinx-free core is imported here, so ``k8sarch`` starts fast and works in
environments (pre-commit hooks, CI linters) that never build documentation.

Exit status: 0 success, 1 the spec has errors (or warnings with ``check --strict``),
2 usage errors and problems outside the spec (renderer missing or failing, output
not writable).
"""

from __future__ import annotations

import argparse
import contextlib
from importlib import metadata
import json
import os
from pathlib import Path
import platform
import shutil
import sys
import tempfile
from typing import TextIO
import xml.etree.ElementTree as ET

from .core import __version__
from .core.describe import alt_text, topology_lines
from .core.diagnostics import Diagnostic, Severity, Subtype, has_errors
from .core.dot import to_dot
from .core.failures import Loss, api_cell, etcd_cell, what_if
from .core.findings import summary
from .core.graph import build_graph
from .core.i18n import Translator
from .core.imports import load_balancer_option
from .core.model import Cluster
from .core.pipeline import analyse, decode
from .core.render import CACHE_FOLDER, RenderError, locate_renderer, render, renderer_version
from .core.svg import TEMPLATE_SUFFIX, inline_svg
from .core.vocabulary import (
    DEFAULT_RENDERER,
    FORMATS,
    LANGUAGES,
    RASTER_DPI,
    RENDER_TIMEOUT,
    link_target,
)

STDIN = "-"
#: Name shown in diagnostics for a spec read from standard input.
STDIN_NAME = "<stdin>"
OUTPUT_FORMATS = ("svg", "png")

EXIT_OK = 0
EXIT_SPEC = 1
EXIT_FAILURE = 2


def _display(path: str) -> str:
    return STDIN_NAME if path == STDIN else path


def _read(path: str) -> tuple[str | None, Diagnostic | None]:
    """The spec text, or a located error saying why it cannot be read."""
    try:
        if path == STDIN:
            buffer = getattr(sys.stdin, "buffer", None)
            # A text-only stream (no .buffer) is re-encoded so both paths decode alike.
            data = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
        else:
            data = Path(path).read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, Diagnostic(1, Severity.ERROR, Subtype.FILE, f"cannot read file: {reason}")
    return decode(data)


def _counts(args: argparse.Namespace) -> dict[str, int]:
    """Node counts given on the command line (kubeadm files do not hold them)."""
    return {key: value for key, value in (("control-plane", args.control_plane),
                                          ("workers", args.workers)) if value is not None}


def _load(path: str, args: argparse.Namespace) -> tuple[Cluster | None, list[Diagnostic]]:
    """Read and parse one spec or imported file; HA findings are added when it parses."""
    text, problem = _read(path)
    if text is None:
        assert problem is not None
        return None, [problem]
    # The title comes from the spec's own ``title:`` key.
    cluster, diagnostics, _raw = analyse(text, fmt=args.format, counts=_counts(args),
                                         failures=args.failures,
                                         load_balancer=args.load_balancer)
    return cluster, diagnostics


def format_diagnostic(path: str, diagnostic: Diagnostic) -> str:
    """``PATH:LINE: error|warning: message [k8sarch.subtype]``, like compilers and linters;
    a problem of ``--failures`` (line 0) has no line."""
    if diagnostic.line == 0:
        return (f"{_display(path)}: {diagnostic.severity.value}: --failures: "
                f"{diagnostic.message} [{diagnostic.subtype.qualified}]")
    return (f"{_display(path)}:{diagnostic.line}: {diagnostic.severity.value}: "
            f"{diagnostic.message} [{diagnostic.subtype.qualified}]")


def _report(path: str, diagnostics: list[Diagnostic], stream: TextIO) -> None:
    for diagnostic in diagnostics:
        print(format_diagnostic(path, diagnostic), file=stream)


def _valid(path: str, args: argparse.Namespace) -> Cluster | None:
    """A drawable cluster, or None after reporting its errors on stderr; warnings are
    reported too but do not stop the command."""
    cluster, diagnostics = _load(path, args)
    _report(path, diagnostics, sys.stderr)
    return None if has_errors(diagnostics) else cluster


def cmd_check(args: argparse.Namespace) -> int:
    failed = False
    for path in args.specs:
        _cluster, diagnostics = _load(path, args)
        _report(path, diagnostics, sys.stdout)
        if has_errors(diagnostics) or (args.strict and diagnostics):
            failed = True
    return EXIT_SPEC if failed else EXIT_OK


def cmd_dot(args: argparse.Namespace) -> int:
    cluster = _valid(args.spec, args)
    if cluster is None:
        return EXIT_SPEC
    _ = Translator(args.lang)
    sys.stdout.write(to_dot(build_graph(cluster, _), _=_))
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in OUTPUT_FORMATS:
        print(f"k8sarch render: cannot tell the format of {args.output!r}; the output file "
              f"must end in {' or '.join('.' + f for f in OUTPUT_FORMATS)}", file=sys.stderr)
        return EXIT_FAILURE
    cluster = _valid(args.spec, args)
    if cluster is None:
        return EXIT_SPEC
    _ = Translator(args.lang)
    graph = build_graph(cluster, _)
    source = to_dot(graph, dpi=RASTER_DPI if fmt == "png" else None, _=_)
    with tempfile.TemporaryDirectory(prefix="k8sarch-") as cache:
        try:
            drawn, _new = render(source, fmt, Path(cache), command=args.renderer,
                                 timeout=args.timeout)
        except RenderError as exc:
            print(f"k8sarch render: {exc}\n"
                  f"hint: install the renderer with 'pip install {DEFAULT_RENDERER}', or pass "
                  "--renderer with the path of a Graphviz 'dot' executable", file=sys.stderr)
            return EXIT_FAILURE
        try:
            if fmt == "svg":
                # Standalone but as clean as the inline HTML: titles instead of internal
                # names, only the spec's own URL links (labels need Sphinx to resolve).
                urls = {key: target for key, target in cluster.links
                        if link_target(target)[0] == "url"}
                _ = Translator(args.lang)
                output.write_text(inline_svg(drawn.read_bytes(), "k8sarch", cluster.title or
                                             _("Kubernetes cluster"), alt_text(cluster, _),
                                             urls.get) + "\n", encoding="utf-8")
            else:
                shutil.copyfile(drawn, output)
        except ET.ParseError as exc:
            print(f"k8sarch render: the renderer wrote SVG that cannot be read ({exc})",
                  file=sys.stderr)
            return EXIT_FAILURE
        except OSError as exc:
            print(f"k8sarch render: cannot write {args.output}: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_FAILURE
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    cluster = _valid(args.spec, args)
    if cluster is None:
        return EXIT_SPEC
    _ = Translator(args.lang)
    if args.alt:
        print(alt_text(cluster, _))
        return EXIT_OK
    for line in summary(cluster, _):
        print(line)
    print()
    for line in topology_lines(build_graph(cluster, _), _):
        print(line)
    return EXIT_OK


def cmd_what_if(args: argparse.Namespace) -> int:
    """Every single loss and what survives it; 1 when one of them takes the API down."""
    cluster = _valid(args.spec, args)
    if cluster is None:
        return EXIT_SPEC
    losses = what_if(cluster)
    _ = Translator(args.lang)
    if args.json:
        rows = [{"lost": loss.what, "kind": loss.kind,
                 "etcd": None if loss.verdict.etcd is None else {
                     "members": loss.verdict.etcd.members, "up": loss.verdict.etcd.up,
                     "quorum": loss.verdict.etcd.kept},
                 "api": loss.verdict.api.value} for loss in losses]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        def lost(loss: Loss) -> str:
            if loss.kind == "zone":
                return _("zone {zone}").format(zone=loss.what)
            if loss.kind == "machines":
                return _("{machines} (any one)").format(machines=loss.what)
            return loss.what

        table = [(_("Lost"), "etcd", "API")]
        table += [(lost(loss), etcd_cell(loss.verdict, _), api_cell(loss.verdict, _))
                  for loss in losses]
        widths = [max(len(row[i]) for row in table) for i in range(2)]
        for row in table:
            print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip())
        down = [lost(loss) for loss in losses if loss.api_down]
        print()
        print(_.n("{n} single loss takes the API down: {what}",
                  "{n} single losses take the API down: {what}", len(down)).format(
            n=len(down), what=", ".join(down)) if down
            else _("Every single loss leaves the API up."))
    return EXIT_SPEC if any(loss.api_down for loss in losses) else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .core.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


#: Distributions whose versions a bug report needs; read from their metadata, so the CLI
#: still never imports Sphinx.
REPORTED = (("Sphinx", "sphinx"), ("docutils", "docutils"), ("MyST-Parser", "myst-parser"),
            ("PyYAML", "pyyaml"), ("graphviz (Python)", "graphviz"),
            ("graphviz-pure", "graphviz-pure"))


def _installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def cmd_doctor(args: argparse.Namespace) -> int:
    """What a bug report needs: versions, the renderer and where it was found, the cache."""
    print(f"sphinx-k8sarch {__version__}")
    print(f"Python {platform.python_version()} ({sys.executable}) on {platform.platform()}")
    for label, distribution in REPORTED:
        print(f"{label}: {_installed(distribution)}")
    status = EXIT_OK
    located = locate_renderer(args.renderer)
    if located is None:
        print(f"renderer: {args.renderer!r} not found (looked beside the running Python, in "
              "the scripts folders and on PATH)")
        status = EXIT_FAILURE
    else:
        print(f"renderer: {args.renderer} -> {located.path} ({located.how})")
        try:
            banner = renderer_version(located.path)
        except RenderError as exc:
            print(f"renderer version: cannot run it: {exc}")
            status = EXIT_FAILURE
        else:
            print(f"renderer version: {banner.splitlines()[0] if banner else '(none printed)'}")
    print(f"render cache: Sphinx keeps renders in <doctrees>/{CACHE_FOLDER} "
          f"(by default _build/doctrees/{CACHE_FOLDER}); k8sarch render uses a temporary folder")
    if args.doctree_dir:
        folder = Path(args.doctree_dir) / CACHE_FOLDER
        files = [f for f in folder.glob("k8sarch-*") if f.is_file()] if folder.is_dir() else []
        size = sum(f.stat().st_size for f in files)
        templates = sum(f.name.endswith(TEMPLATE_SUFFIX) for f in files)
        print(f"render cache here: {folder} ({len(files) - templates} renders, {templates} "
              f"sanitised SVG templates, {size} bytes)")
    return status


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return number


def _load_balancer(value: str) -> object:
    try:
        return load_balancer_option(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _names(value: str) -> list[str]:
    return [part for part in value.replace(",", " ").split() if part]


def _positive(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    # --lang is accepted before and after the subcommand; SUPPRESS keeps the subcommand's
    # copy from overwriting a value given before it.
    lang = argparse.ArgumentParser(add_help=False)
    lang.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                      help="language of generated text (summary, topology, labels)")

    # Every command that reads a spec reads kind, kubeadm and k3d files too.
    source = argparse.ArgumentParser(add_help=False)
    source.add_argument("--format", choices=FORMATS, default="auto",
                        help="input format (default: auto, told apart by apiVersion and kind)")
    source.add_argument("--control-plane", type=_count, metavar="N",
                        help="control-plane nodes of a kubeadm configuration")
    source.add_argument("--workers", type=_count, metavar="N",
                        help="worker nodes of a kubeadm configuration")
    source.add_argument("--load-balancer", type=_load_balancer, metavar="LB",
                        help="what stands in front of the API servers of a kubectl list "
                             "(haproxy, cloud, an address, …), which does not say")
    source.add_argument("--failures", type=_names, default=[], metavar="LIST",
                        help="machines (cp-2), load-balancer or zones that are down, comma "
                             "or space separated; added to the spec's failures")

    parser = argparse.ArgumentParser(
        prog="k8sarch",
        description="Check, draw and describe Kubernetes architecture specs.",
        epilog="A SPEC of '-' is read from standard input.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of generated text (default: en)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", parents=[lang, source], help="validate specs and report problems",
        description="Report errors and high-availability warnings, one per line, as "
                    "PATH:LINE: SEVERITY: MESSAGE [k8sarch.SUBTYPE]. Exits 1 on errors.")
    check.add_argument("specs", nargs="+", metavar="SPEC", help="spec file (YAML) or '-'")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(func=cmd_check)

    dot = commands.add_parser("dot", parents=[lang, source], help="print the Graphviz DOT source",
                              description="Print the DOT source of a valid spec.")
    dot.add_argument("spec", metavar="SPEC", help="spec file (YAML) or '-'")
    dot.set_defaults(func=cmd_dot)

    draw = commands.add_parser(
        "render", parents=[lang, source], help="draw a spec to SVG or PNG",
        description="Draw a valid spec; the format follows the output file's suffix.")
    draw.add_argument("spec", metavar="SPEC", help="spec file (YAML) or '-'")
    draw.add_argument("-o", "--output", required=True, metavar="OUT",
                      help="output file ending in .svg or .png")
    draw.add_argument("--renderer", default=DEFAULT_RENDERER, metavar="CMD",
                      help=f"Graphviz-compatible renderer (default: {DEFAULT_RENDERER})")
    draw.add_argument("--timeout", type=_positive, default=RENDER_TIMEOUT, metavar="SECONDS",
                      help=f"give up on the renderer after this long (default: "
                           f"{RENDER_TIMEOUT:g})")
    draw.set_defaults(func=cmd_render)

    describe = commands.add_parser(
        "describe", parents=[lang, source], help="describe a spec in plain text",
        description="Print the HA summary and the topology (machines and conversations).")
    describe.add_argument("spec", metavar="SPEC", help="spec file (YAML) or '-'")
    describe.add_argument("--alt", action="store_true",
                          help="print the one-paragraph alternative text instead")
    describe.set_defaults(func=cmd_describe)
    what = commands.add_parser(
        "what-if", parents=[lang, source], help="what survives each single loss",
        description="Lose each machine (one row per worker pool, whose machines fare "
                    "alike), the load balancer and each zone in turn, on top of the spec's "
                    "failures and --failures, and print whether etcd keeps quorum and the "
                    "API stays up. Exits 1 if any single loss takes the API down "
                    "(unreachable, or etcd quorum lost).")
    what.add_argument("spec", metavar="SPEC", help="spec file (YAML) or '-'")
    what.add_argument("--json", action="store_true", help="print the rows as JSON")
    what.set_defaults(func=cmd_what_if)
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the spec",
        description="Print the JSON Schema of the spec, for editors that validate YAML "
                    "as you type (yaml-language-server).")
    schema.set_defaults(func=cmd_schema)
    doctor = commands.add_parser(
        "doctor", help="print what a bug report needs",
        description="Print the versions of sphinx-k8sarch, Python, Sphinx, docutils and "
                    "MyST-Parser, the renderer found (where, how and its version) and the "
                    "render cache. Exits 2 when the renderer is missing or does not run.")
    doctor.add_argument("--renderer", default=DEFAULT_RENDERER, metavar="CMD",
                        help=f"the renderer to look for (default: {DEFAULT_RENDERER})")
    doctor.add_argument("--doctree-dir", metavar="DIR",
                        help="a Sphinx doctree folder whose render cache to report")
    doctor.set_defaults(func=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        status: int = args.func(args)
    except BrokenPipeError:
        # The reader left (``k8sarch describe x | head``): no traceback, and no second
        # error when Python flushes stdout on exit.
        with contextlib.suppress(OSError, ValueError):  # a stream without a descriptor
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


if __name__ == "__main__":
    sys.exit(main())
