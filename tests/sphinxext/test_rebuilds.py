"""What a rebuild of an unchanged project costs: Sphinx loads the extension on every build,
and a no-op rebuild should read nothing, load none of the core's pipeline (YAML, importers,
model, graph, DOT writer: that import was most of what a no-op rebuild cost over
sphinx.ext.graphviz) and report no configuration change."""

from __future__ import annotations

import json
from pathlib import Path
import shutil
import subprocess
import sys

import pytest

ROOTS = Path(__file__).resolve().parents[1] / "roots"
#: What reading a diagram needs and an unchanged project does not.
PIPELINE = ("sphinx_k8sarch.core.pipeline", "sphinx_k8sarch.core.yamlspec",
            "sphinx_k8sarch.core.graph", "sphinx_k8sarch.core.dot", "sphinx_k8sarch.core.imports")

BUILD = """
import json, sys
from sphinx.cmd.build import build_main
status = build_main(["-b", "html", sys.argv[1], sys.argv[2]])
wanted = sys.argv[3:]
print(json.dumps([status, sorted(m for m in sys.modules if m in wanted
                                 or m.startswith(tuple(p + "." for p in wanted)))]))
"""


def build(src: Path, out: Path) -> tuple[int, list[str], str]:
    """Build in a fresh interpreter: its exit status, the pipeline modules it loaded and
    what Sphinx said."""
    done = subprocess.run([sys.executable, "-c", BUILD, str(src), str(out), *PIPELINE],
                          capture_output=True, text=True, check=True, timeout=300)
    *said, last = done.stdout.strip().splitlines()
    status, loaded = json.loads(last)
    return status, loaded, "\n".join(said)


@pytest.mark.slow
def test_a_no_op_rebuild_reads_nothing_and_loads_no_pipeline(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-themes", src)  # diagrams, and no page read again
    status, loaded, _said = build(src, tmp_path / "out")
    # The first build reads diagrams: the same measure sees the pipeline then.
    assert status == 0 and "sphinx_k8sarch.core.pipeline" in loaded
    status, loaded, said = build(src, tmp_path / "out")
    assert (status, loaded) == (0, [])
    assert "0 added, 0 changed, 0 removed" in said
    # The stylesheet and script are added before the environment compares settings.
    assert "configuration has changed" not in said
