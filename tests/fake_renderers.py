"""Fake Graphviz executables for the renderer failure paths and for counting renders."""

from __future__ import annotations

import os
from pathlib import Path
import stat
import sys

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
    "hang": "import sys, time\nif '-V' in sys.argv: sys.exit(0)\ntime.sleep(30)\n",
}


def make(tmp_path: Path, kind: str) -> str:
    path = tmp_path / f"fake-dot-{kind}"
    path.write_text(f"#!{sys.executable}\n{SCRIPTS[kind]}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def counting(tmp_path: Path, log: Path) -> str:
    """A wrapper around graphviz-pure that appends one line per real render to ``log``."""
    real = Path(sys.executable).parent / "graphviz-pure"
    path = tmp_path / "counting-dot"
    path.write_text(
        f"#!{sys.executable}\nimport os, sys\n"
        f"if '-V' not in sys.argv:\n    open({str(log)!r}, 'a').write('render\\n')\n"
        f"os.execv({str(real)!r}, [{str(real)!r}, *sys.argv[1:]])\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    assert os.access(path, os.X_OK)
    return str(path)
