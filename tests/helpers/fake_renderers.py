"""Fake Graphviz executables for the renderer failure paths and for counting renders."""

from __future__ import annotations

import os
from pathlib import Path
import re
import stat
import sys

#: The real renderer, installed beside the running Python.
GRAPHVIZ_PURE = str(Path(sys.executable).parent / "graphviz-pure")

SCRIPTS = {
    "crash": "import sys; sys.stderr.write('Segmentation fault\\n'); sys.exit(139)",
    "garbage": (
        "import sys\n"
        "out = sys.argv[sys.argv.index('-o') + 1] if '-o' in sys.argv else None\n"
        "if '-V' in sys.argv: sys.exit(0)\n"
        "open(out, 'wb').write(b'not a picture')\n"
    ),
    # Passes the "is it SVG?" check, then cannot be parsed.
    "broken-svg": (
        "import sys\n"
        "out = sys.argv[sys.argv.index('-o') + 1] if '-o' in sys.argv else None\n"
        "if '-V' in sys.argv: sys.exit(0)\n"
        "open(out, 'wb').write(b'<svg><unclosed></svg>')\n"
    ),
    # Starts like SVG (``<?xml``), parses, but is an HTML document with a script.
    "not-svg": (
        "import sys\nif '-V' in sys.argv: sys.exit(0)\n"
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        "open(out, 'w').write('<?xml version=\"1.0\"?><html><body>"
        "<script>alert(1)</script></body></html>')\n"
    ),
    # Draws each cluster by its name, whatever the DOT: cp-3 always above cp-2, so the
    # renamed DOT cannot read in order either. The SVG says in which order the clusters
    # were written.
    "by-name": (
        "import re, sys\nif '-V' in sys.argv: sys.exit(0)\n"
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        "names = re.findall(r'subgraph cluster_(\\w+)', sys.stdin.read())\n"
        "boxes = ''.join(f'<g><title>cluster_{n}</title><polygon points=\"0,{-100 * i} "
        "100,{-100 * i - 50}\"/></g>' for i, n in enumerate(sorted(names)))\n"
        "open(out, 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\">'"
        " + f'<desc>written: {\" \".join(names)}</desc>' + boxes + '</svg>')\n"
    ),
    # Draws the clusters in the reverse of the order they were written (the last one on
    # top), or by name backwards whatever the writing; quoted names too.
    "reverse-writing": (
        "import re, sys\nif '-V' in sys.argv: sys.exit(0)\n"
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        "names = re.findall(r'subgraph \"?cluster_([\\w-]+)', sys.stdin.read())\n"
        "boxes = ''.join(f'<g><title>cluster_{n}</title><polygon points=\"0,{-100 * i} "
        "100,{-100 * i - 50}\"/></g>' for i, n in enumerate(names))\n"
        "open(out, 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\">'"
        " + f'<desc>written: {\" \".join(names)}</desc>' + boxes + '</svg>')\n"
    ),
    "reverse-name": (
        "import re, sys\nif '-V' in sys.argv: sys.exit(0)\n"
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        "names = re.findall(r'subgraph \"?cluster_([\\w-]+)', sys.stdin.read())\n"
        "boxes = ''.join(f'<g><title>cluster_{n}</title><polygon points=\"0,{-100 * i} "
        "100,{-100 * i - 50}\"/></g>' for i, n in enumerate(sorted(names)))\n"
        "open(out, 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\">'"
        " + f'<desc>written: {\" \".join(names)}</desc>' + boxes + '</svg>')\n"
    ),
    "hang": "import sys, time\nif '-V' in sys.argv: sys.exit(0)\ntime.sleep(30)\n",
    # The real renderer: writing it over a fake one repairs the renderer in place.
    "working": (f"import os, sys\n"
                f"os.execv({GRAPHVIZ_PURE!r}, [{GRAPHVIZ_PURE!r}, *sys.argv[1:]])\n"),
}


def write(tmp_path: Path, script: str, name: str = "dot-under-test") -> str:
    """An executable ``tmp_path / name`` running ``script``; written again, it changes the
    renderer in place (same path, same configuration)."""
    path = tmp_path / name
    path.write_text(f"#!{sys.executable}\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def make(tmp_path: Path, kind: str) -> str:
    return write(tmp_path, SCRIPTS[kind], f"fake-dot-{kind}")


def counting(tmp_path: Path, log: Path) -> str:
    """A wrapper around graphviz-pure that appends one line per real render to ``log``:
    ``render`` and the file it writes (see :func:`renders`)."""
    real = GRAPHVIZ_PURE
    path = tmp_path / "counting-dot"
    path.write_text(
        f"#!{sys.executable}\nimport os, sys\n"
        "if '-V' not in sys.argv:\n"
        "    out = sys.argv[sys.argv.index('-o') + 1] if '-o' in sys.argv else '-'\n"
        f"    open({str(log)!r}, 'a').write('render ' + os.path.basename(out) + '\\n')\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    assert os.access(path, os.X_OK)
    return str(path)


#: A render into the temporary file that becomes a cached render (``.tmp-…svg``), not a
#: layout looked at first (``….png.svg``, ``….svg.renamed``; see core/interchange.py).
_OUTPUT = re.compile(r"^render \.tmp-[^.]+\.(svg|png|pdf)$")


def renders(log: Path) -> int:
    """Renders that made a cached file, in a :func:`counting` log (none if no log)."""
    lines = log.read_text().splitlines() if log.exists() else []
    return sum(bool(_OUTPUT.match(line)) for line in lines)


def layouts(log: Path) -> int:
    """Every run of the renderer in a :func:`counting` log."""
    return log.read_text().count("render") if log.exists() else 0
