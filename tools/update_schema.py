"""Regenerate the JSON Schema of the spec shipped inside the package.

Run ``python tools/update_schema.py`` after changing what the validator accepts (keys,
limits, runtimes, add-ons, load-balancer kinds, components or aliases). It writes
``sphinx_k8sarch/k8s-cluster.schema.json`` from :func:`sphinx_k8sarch.schema.schema_text`;
the output is deterministic, so an unchanged validator gives identical bytes. ``--check``
writes nothing and exits with status 1 if the file would change (``tests/core/test_schema.py``
fails in that case too).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
import sys

from sphinx_k8sarch.core.schema import FILENAME, schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_FILE = ROOT / "sphinx_k8sarch" / FILENAME


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the schema file would change")
    args = parser.parse_args(argv)
    wanted = schema_text().encode("utf-8")
    current = SCHEMA_FILE.read_bytes() if SCHEMA_FILE.is_file() else None
    name = SCHEMA_FILE.relative_to(ROOT)
    if current == wanted:
        return 0
    if args.check:
        sys.stderr.write(f"out of date: {name}\nrun: python tools/update_schema.py\n")
        return 1
    SCHEMA_FILE.write_bytes(wanted)
    sys.stdout.write(f"updated {name}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
