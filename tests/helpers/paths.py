"""Where the repository, the test roots and the test data are."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
DOCS = REPO / "docs"
#: Sphinx projects copied by the build tests (``test-<name>``).
ROOTS = TESTS / "roots"
#: kind, kubeadm and k3d files written the way people write them.
IMPORTS = TESTS / "data" / "imports"
#: Hostile and broken specs, one case per file (see ``tests/corpus/README.md``).
CORPUS = TESTS / "corpus" / "bad"
