"""Skip markers shared by the tests of every layer."""

from __future__ import annotations

import pytest

from sphinx_k8sarch.core.render import find_renderer

#: For tests that run the renderer itself (graphviz-pure, found as the extension finds it).
needs_renderer = pytest.mark.skipif(find_renderer(None) is None,
                                    reason="graphviz-pure is not installed")
