"""Fake Graphviz executables for the renderer failure paths and for counting renders."""

from __future__ import annotations

import os
from pathlib import Path
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
    """A wrapper around graphviz-pure that appends one line per real render to ``log``."""
    real = GRAPHVIZ_PURE
    path = tmp_path / "counting-dot"
    path.write_text(
        f"#!{sys.executable}\nimport os, sys\n"
        f"if '-V' not in sys.argv:\n    open({str(log)!r}, 'a').write('render\\n')\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    assert os.access(path, os.X_OK)
    return str(path)
